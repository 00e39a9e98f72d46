"""A design's CloudFormation starter: one YAML template from the fragments its parts come from.

Pure and deterministic: the same design gives byte-identical text (fragments keep
their files' key order; yaml.safe_dump with sort_keys=False). Intrinsics are the
long form (`Ref`, `Fn::GetAtt` maps), so plain YAML tools read the file too.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml

from ..document import advice_document
from ..model import RuleBook
from .evaluate import MADE, Design
from .parts import Fragment, design_fragments, undecided

IAC_DOMAIN = "infrastructure-as-code"
CLOUDFORMATION = "cloudformation"
FORMAT_VERSION = "2010-09-09"
# libyaml's emitter writes the same text as the pure-Python one (checked on every fragment
# at once) about five times faster; the pure one stands in where libyaml is missing.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def template_filename(blueprint_id: str, rules_version: str) -> str:
    return f"{blueprint_id}-{rules_version}.yaml"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _comment(text: str, indent: str = "") -> list[str]:
    """Text as YAML comment lines (its own line breaks kept, each line trimmed)."""
    lines = [line.rstrip() for line in str(text).strip().splitlines()] or [""]
    return [f"{indent}# {line}".rstrip() for line in lines]


def _dump(data: Any, indent: str = "") -> list[str]:
    text = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=4096, default_flow_style=False)
    return [f"{indent}{line}" if line else line for line in text.rstrip("\n").split("\n")]


def _wired(fragments: tuple[Fragment, ...]) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Each fragment's resources with its links applied (properties set across fragments), and all outputs."""
    present = {f.id for f in fragments}
    resources = {f.id: copy.deepcopy(dict(f.resources)) for f in fragments}
    outputs: dict[str, Any] = {}
    for fragment in fragments:
        outputs.update(copy.deepcopy(dict(fragment.outputs)))
    for fragment in fragments:
        for link in fragment.links:
            if not any(to in present for to in link.to):
                continue
            resources[fragment.id].update(copy.deepcopy(dict(link.resources)))
            outputs.update(copy.deepcopy(dict(link.outputs)))
            for logical_id, properties in link.properties.items():
                owner = next(r for r in resources.values() if logical_id in r)
                for key, value in copy.deepcopy(dict(properties)).items():
                    if key == "DependsOn":  # an attribute of the resource, not a property
                        owner[logical_id]["DependsOn"] = value
                    else:
                        owner[logical_id].setdefault("Properties", {})[key] = value
    return resources, outputs


def _notes(book: RuleBook, design: Design, fragments: tuple[Fragment, ...]) -> list[str]:
    """What the template leaves out, and why: undecided decisions, services not built, another IaC tool."""
    notes = []
    for outcome in undecided(design):
        advice = outcome.advice
        deciding = advice_document(advice)["would_decide"] if advice is not None and outcome.status == MADE else []
        if deciding:
            question = outcome.domain.question(deciding[0]["question"])
            choice = question.choice(deciding[0]["choice"])
            how = f'answering "{_one_line(question.text)}" with "{_one_line(choice.label)}" would decide it'
        elif outcome.status == MADE:
            how = "the answers favour no service yet"
        else:
            how = "its questions are not answered yet"
        notes.append(f"Left out: '{outcome.domain.id}' ({_one_line(outcome.spec.title)}) is not decided; {how}.")
    built = {f.decision for f in fragments if f.decision}
    for outcome in design.decisions:
        if outcome.chosen is None:
            continue
        if outcome.domain.id == IAC_DOMAIN and outcome.chosen.id != CLOUDFORMATION:
            notes.append(
                f"Your infrastructure-as-code choice is {outcome.chosen.name}, not CloudFormation: this starter shows the "
                "resources the design needs; rebuild them in your tool, or deploy this as a one-off starting point."
            )
            continue
        entry = next(
            (n for n in book.not_built if n.domain == outcome.domain.id and n.candidate in (None, outcome.chosen.id)),
            None,
        )
        if entry is not None and (entry.candidate is not None or outcome.domain.id not in built):
            notes.append(f"{outcome.chosen.name} ({_one_line(outcome.spec.title)}): {_one_line(entry.reason)}")
    return notes


def design_template(book: RuleBook, design: Design, *, design_url: str) -> str:
    """The design's CloudFormation starter as YAML text."""
    fragments = design_fragments(book, design)
    blueprint = design.blueprint
    return template_render(
        fragments,
        title=blueprint.title,
        stack_name=blueprint.id,
        rules_version=design.rules_version,
        design_url=design_url,
        notes=_notes(book, design, fragments),
    )


def template_render(
    fragments: tuple[Fragment, ...], *, title: str, stack_name: str, rules_version: str, design_url: str, notes: list[str] = ()
) -> str:
    """One template from fragments (the base network first), with its links wired."""
    resources, outputs = _wired(fragments)
    parameters: dict[str, Any] = {}
    conditions: dict[str, Any] = {}
    groups = []
    for fragment in fragments:
        parameters.update(copy.deepcopy(dict(fragment.parameters)))
        conditions.update(copy.deepcopy(dict(fragment.conditions)))
        if fragment.parameters:
            groups.append({"Label": {"default": fragment.parameter_group}, "Parameters": list(fragment.parameters)})
    name = template_filename(stack_name, rules_version)
    # The ones with an empty default are the ones a deployment usually sets.
    overrides = " ".join(f"{p}=..." for p, spec in parameters.items() if spec.get("Default") == "")
    lines = [
        f"# CloudFormation starter for: {_one_line(title)}",
        "# A STARTING POINT, NOT PRODUCTION-READY: review every resource, its size and its cost before you deploy it.",
        f"# Design: {_one_line(design_url)}",
        f"# Rules version: {rules_version}",
        "#",
        "# Deploy it (every parameter has a safe default; override what you need):",
        f"#   aws cloudformation deploy --template-file {name} --stack-name {stack_name} \\",
        "#     --capabilities CAPABILITY_IAM" + (f" \\\n#     --parameter-overrides {overrides}" if overrides else ""),
        f"# Parameters: {', '.join(parameters) or 'none'}",
        "# No secrets are in this file: database passwords are generated and kept in AWS Secrets Manager.",
    ]
    if notes:
        lines += ["#", "# What this template does not build (or builds as part of another service):"] + [f"#   - {note}" for note in notes]
    lines += _dump({"AWSTemplateFormatVersion": FORMAT_VERSION})
    description = f"Starter for {_one_line(title)} (AWS Service Advisor, rules {rules_version}); not production-ready."
    lines += _dump({"Description": description})
    if groups:
        lines += _dump({"Metadata": {"AWS::CloudFormation::Interface": {"ParameterGroups": groups}}})
    if parameters:
        lines += _dump({"Parameters": parameters})
    if conditions:
        lines += _dump({"Conditions": conditions})
    lines.append("Resources:")
    for fragment in fragments:
        lines.append("")
        lines += _comment(f"{fragment.label}: {fragment.role} (rules/fragments/{fragment.id}.yaml)", "  ")
        if fragment.comment:
            lines += _comment(fragment.comment, "  ")
        if resources[fragment.id]:
            lines += _dump(resources[fragment.id], "  ")
    if outputs:
        lines.append("")
        lines += _dump({"Outputs": outputs})
    return "\n".join(lines) + "\n"
