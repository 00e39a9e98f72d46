"""rules/fragments/*.yaml → Fragments (and what the starter does not build), with every
problem as `path:line: message — fix`.

Same layers as rule files: YAML syntax → schema (rules/fragment.schema.json) →
references: the `when` names decisions, candidates, questions and findings that
exist; `connects` and `links` name other fragments; a resource refers only to
logical ids and parameters it can see (its own fragment's, the base network's,
and in a link the linked fragment's); logical ids are unique across fragments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from .. import model as m
from ..loader import _Part
from ..problems import Problem
from ..schema import FRAGMENT_SCHEMA_FILE_NAME, schema_problems
from ..yamlfile import yaml_read
from .model import Blueprint, chosen_key, fact_key
from .parts import BASE_FRAGMENT, Fragment, Link, NotBuilt, finding_key

FRAGMENTS_FOLDER = "fragments"
PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::NoValue",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)


def fragment_part(display_path: str, text: str) -> tuple[_Part | None, list[Problem]]:
    document, problems = yaml_read(text, display_path=display_path)
    if document is None or problems:
        return None, problems
    problems = schema_problems(document, display_path=display_path, schema=FRAGMENT_SCHEMA_FILE_NAME)
    return (None, problems) if problems else (_Part(display_path, document), [])


def fragments_build(
    parts: list[tuple[_Part, str]], domains: dict[str, m.Domain], blueprints: list[Blueprint]
) -> tuple[list[Fragment], list[NotBuilt], list[Problem]]:
    """Fragments (base network first, then by file name) and the not-built list, from schema-valid files."""
    problems: list[Problem] = []
    fragments: list[Fragment] = []
    not_built: list[NotBuilt] = []
    places: list[tuple[_Part, Fragment]] = []
    for part, stem in parts:
        data = part.document.data

        def problem(path: tuple, message: str, fix: str = "", part: _Part = part) -> None:
            problems.append(Problem(part.display_path, part.document.line(path), message, fix))

        if "not_built" in data:
            not_built += _not_built(data["not_built"], part, domains, problem)
            continue
        fragment = _fragment(data["fragment"], part, stem, domains, blueprints, problem)
        fragments.append(fragment)
        places.append((part, fragment))
    fragments.sort(key=lambda f: (f.id != BASE_FRAGMENT, f.id))
    known = {f.id: f for f in fragments}
    if fragments and BASE_FRAGMENT not in known:
        part = places[0][0]
        problems.append(
            Problem(part.display_path, 1, f"there is no base network fragment '{BASE_FRAGMENT}'", "add rules/fragments/vpc.yaml")
        )
    _references(places, known, problems)
    return fragments, not_built, problems


def _not_built(entries: list[dict], part: _Part, domains: dict[str, m.Domain], problem: Callable) -> list[NotBuilt]:
    found = []
    for i, entry in enumerate(entries):
        domain = domains.get(entry["domain"])
        if domain is None:
            problem(
                ("not_built", i, "domain"), f"not_built names unknown domain '{entry['domain']}'", f"known domains: {', '.join(domains)}"
            )
            continue
        for candidate_id in entry.get("candidates") or [None]:
            if candidate_id is not None and domain.candidate(candidate_id) is None:
                problem(
                    ("not_built", i, "candidates"),
                    f"not_built names unknown candidate '{candidate_id}' of '{domain.id}'",
                    f"candidates: {', '.join(c.id for c in domain.candidates)}",
                )
                continue
            found.append(NotBuilt(domain.id, candidate_id, entry["reason"], part.at("not_built", i), entry.get("place")))
    return found


def _fragment(data: dict, part: _Part, stem: str, domains: dict, blueprints: list[Blueprint], problem: Callable) -> Fragment:
    if data["id"] != stem:
        problem(("fragment", "id"), f"fragment id '{data['id']}' does not match its file name '{stem}'", "make them the same")
    when = None
    decisions: list[str] = []
    findings: list[str] = []
    if "when" in data:
        when = _condition(data["when"], ("fragment", "when"), domains, blueprints, problem, decisions, findings)
    elif data["id"] != BASE_FRAGMENT:
        problem(("fragment",), f"fragment '{data['id']}' has no `when`", f"only the base network ('{BASE_FRAGMENT}') is always built")
    if data.get("parameters") and not data.get("parameter_group"):
        problem(
            ("fragment", "parameters"), "a fragment with parameters needs a `parameter_group`", "name the group its parameters are shown in"
        )
    for name, parameter in (data.get("parameters") or {}).items():
        for key in ("Type", "Description", "Default"):
            if key not in parameter:
                problem(
                    ("fragment", "parameters", name),
                    f"parameter '{name}' has no {key}",
                    "every parameter has a Type, a Description and a safe Default",
                )
    spec = data["part"]
    links = tuple(
        Link(
            to=tuple(link["to"]),
            resources=link.get("resources") or {},
            properties=link.get("properties") or {},
            outputs=link.get("outputs") or {},
            location=part.at("fragment", "links", i),
        )
        for i, link in enumerate(data.get("links") or [])
    )
    return Fragment(
        id=data["id"],
        when=when,
        label=spec["label"],
        role=spec["role"],
        category=spec["category"],
        place=spec["place"],
        per_az=spec.get("per_az", False),
        spans_azs=spec.get("spans_azs", False),
        connects=tuple((c["to"], c["label"]) for c in spec.get("connects") or []),
        decisions=tuple(decisions),
        findings=tuple(dict.fromkeys(findings)),
        comment=data.get("comment", "").strip(),
        parameter_group=data.get("parameter_group", ""),
        parameters=data.get("parameters") or {},
        conditions=data.get("conditions") or {},
        resources=data["resources"],
        outputs=data.get("outputs") or {},
        links=links,
        location=part.at("fragment"),
    )


def _condition(
    data: dict, path: tuple, domains: dict, blueprints: list[Blueprint], problem: Callable, decisions: list, findings: list
) -> m.Condition:
    ((kind, value),) = data.items()
    here = (*path, kind)
    match kind:
        case "all" | "any":
            items = tuple(_condition(item, (*here, j), domains, blueprints, problem, decisions, findings) for j, item in enumerate(value))
            return m.AllOf(items) if kind == "all" else m.AnyOf(items)
        case "not":
            return m.Not(_condition(value, here, domains, blueprints, problem, [], []))
        case "finding":
            known = sorted({f.id for b in blueprints for f in b.findings})
            for finding_id in value:
                if finding_id not in known:
                    problem(here, f"fragment tests unknown finding '{finding_id}'", f"findings of the blueprints: {', '.join(known)}")
            findings += value
            return _any([m.Match(finding_key(f), frozenset({"yes"})) for f in value])
        case "chosen":
            tests = []
            for domain_id, wanted in value.items():
                candidate_ids = [wanted] if isinstance(wanted, str) else wanted
                domain = domains.get(domain_id)
                if domain is None:
                    problem((*here, domain_id), f"fragment tests unknown decision '{domain_id}'", f"known domains: {', '.join(domains)}")
                    continue
                for candidate_id in candidate_ids:
                    if domain.candidate(candidate_id) is None:
                        known = ", ".join(c.id for c in domain.candidates)
                        problem(
                            (*here, domain_id),
                            f"fragment tests unknown candidate '{candidate_id}' of '{domain_id}'",
                            f"candidates: {known}",
                        )
                decisions.append((domain_id, frozenset(candidate_ids)))
                tests.append(m.Match(chosen_key(domain_id), frozenset(candidate_ids)))
            return _all(tests)
    tests = []
    for key, wanted in value.items():
        choice_ids = [wanted] if kind == "equals" else wanted
        domain_id, dot, question_id = key.partition(".")
        if dot:
            domain = domains.get(domain_id)
            questions = [domain.question(question_id)] if domain is not None else []
            owner = f"'{domain_id}'"
        else:
            questions = [b.scope.question(key) for b in blueprints]
            owner = "any blueprint"
        questions = [q for q in questions if q is not None]
        if not questions:
            problem(
                (*here, key),
                f"fragment reads unknown question '{key}' of {owner}",
                "write <domain>.<question>, or a blueprint question's id",
            )
            continue
        for choice_id in choice_ids:
            if all(q.choice(choice_id) is None for q in questions):
                choices = ", ".join(c.id for c in questions[0].choices)
                problem((*here, key), f"fragment names unknown choice '{choice_id}' of question '{key}'", f"choices: {choices}")
        tests.append(m.Match(fact_key(domain_id, question_id) if dot else key, frozenset(choice_ids)))
    return _all(tests)


def _all(tests: list[m.Condition]) -> m.Condition:
    return tests[0] if len(tests) == 1 else m.AllOf(tuple(tests))


def _any(tests: list[m.Condition]) -> m.Condition:
    return tests[0] if len(tests) == 1 else m.AnyOf(tuple(tests))


# References ------------------------------------------------------------------


def _names(fragment: Fragment) -> set[str]:
    """What a fragment's own CloudFormation can refer to."""
    names = set(fragment.resources) | set(fragment.parameters)
    for link in fragment.links:
        names |= set(link.resources)
    return names


def _referenced(node: Any, path: tuple = ()) -> Iterator[tuple[str, tuple, str]]:
    """(name, path, how) for every Ref, Fn::GetAtt and ${Name} in Fn::Sub under node; and Conditions by name."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = (*path, key)
            if key == "Ref" and isinstance(value, str):
                yield value, here, "Ref"
            elif key == "Fn::GetAtt":
                target = value[0] if isinstance(value, list) else str(value).split(".", 1)[0]
                yield target, here, "Fn::GetAtt"
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) else value
                local = set(value[1]) if isinstance(value, list) and len(value) > 1 and isinstance(value[1], dict) else set()
                for piece in str(text).split("${")[1:]:
                    name = piece.split("}", 1)[0].split(".", 1)[0]
                    if not name.startswith("!") and name not in local:
                        yield name, here, "Fn::Sub"
                if isinstance(value, list) and len(value) > 1:
                    yield from _referenced(value[1], (*here, 1))
            elif key in ("Condition", "Fn::If") and path and path[-1] not in ("Properties",):
                name = value if isinstance(value, str) else value[0] if isinstance(value, list) and value else None
                if isinstance(name, str):
                    yield name, here, "Condition"
                if key == "Fn::If" and isinstance(value, list):
                    for j, item in enumerate(value[1:], start=1):
                        yield from _referenced(item, (*here, j))
            else:
                yield from _referenced(value, here)
    elif isinstance(node, list):
        for j, item in enumerate(node):
            yield from _referenced(item, (*path, j))


def _references(places: list[tuple[_Part, Fragment]], known: dict[str, Fragment], problems: list[Problem]) -> None:
    base = known.get(BASE_FRAGMENT)
    base_names = _names(base) if base else set()
    base_conditions = set(base.conditions) if base else set()
    owner: dict[tuple[str, str], tuple[str, str | None]] = {}
    for part, fragment in places:

        def problem(path: tuple, message: str, fix: str = "", part: _Part = part) -> None:
            problems.append(Problem(part.display_path, part.document.line(path), message, fix))

        for section in ("resources", "parameters", "conditions", "outputs"):
            for name in getattr(fragment, section):
                # Two fragments for candidates of one decision are never in one design: they may share names.
                first = owner.setdefault((section, name), (part.display_path, fragment.decision))
                if first[0] != part.display_path and (first[1] is None or first[1] != fragment.decision):
                    problem(
                        ("fragment", section, name),
                        f"{section[:-1]} name '{name}' is already used in {first[0]}",
                        "names are unique across fragments (except between candidates of one decision): rename one",
                    )
        for j, (to, _) in enumerate(fragment.connects):
            if to not in known:
                problem(("fragment", "part", "connects", j, "to"), f"connects to unknown part '{to}'", f"parts: {', '.join(known)}")
        own = _names(fragment) | base_names | PSEUDO_PARAMETERS
        conditions = set(fragment.conditions) | base_conditions
        sections = [(("fragment", s), getattr(fragment, s)) for s in ("resources", "outputs", "conditions")]
        for i, link in enumerate(fragment.links):
            linked = set()
            linked_conditions = set()
            for j, to in enumerate(link.to):
                if to not in known:
                    problem(("fragment", "links", i, "to", j), f"link to unknown part '{to}'", f"parts: {', '.join(known)}")
                else:
                    linked |= _names(known[to])
                    linked_conditions |= set(known[to].conditions)
            where = ("fragment", "links", i)
            for key in ("resources", "properties", "outputs"):
                for name, path, how in _referenced(getattr(link, key), (*where, key)):
                    visible = conditions | linked_conditions if how == "Condition" else own | linked
                    if name not in visible:
                        problem(path, f"{how} to '{name}', which neither this fragment, the base network nor the linked parts define", "")
            for target in link.properties:
                if target not in own | linked:
                    problem(
                        (*where, "properties", target),
                        f"link sets properties on unknown resource '{target}'",
                        "name a resource of this fragment or of the linked part",
                    )
        for where, section in sections:
            for name, path, how in _referenced(section, where):
                visible = conditions if how == "Condition" else own
                if name not in visible:
                    kind = "condition" if how == "Condition" else "logical id or parameter"
                    problem(
                        path,
                        f"{how} to unknown {kind} '{name}'",
                        f"refer to this fragment's own names or the base network's (rules/fragments/{BASE_FRAGMENT}.yaml)",
                    )
