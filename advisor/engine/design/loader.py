"""rules/blueprints/*.yaml → Blueprints, with every problem as `path:line: message — fix`.

Same layers as the rule files: YAML syntax → schema (rules/blueprint.schema.json)
→ references: decisions name domains of the book, conditions read only facts that
exist by then (earlier decisions for ask_if and carry; any decision for findings),
carried answers are choices of the decision's own questions, examples name known ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .. import model as m
from ..loader import _Builder, _Part
from ..problems import Problem
from ..schema import BLUEPRINT_SCHEMA_FILE_NAME, schema_problems
from ..yamlfile import yaml_read
from .model import Blueprint, BlueprintExample, Carry, DecisionSpec, Finding, chosen_key, fact_key

BLUEPRINTS_FOLDER = "blueprints"


def blueprint_part(display_path: str, text: str) -> tuple[_Part | None, list[Problem]]:
    document, problems = yaml_read(text, display_path=display_path)
    if document is None or problems:
        return None, problems
    problems = schema_problems(document, display_path=display_path, schema=BLUEPRINT_SCHEMA_FILE_NAME)
    return (None, problems) if problems else (_Part(display_path, document), [])


def blueprint_build(part: _Part, file_stem: str, domains: dict[str, m.Domain]) -> tuple[Blueprint | None, list[Problem]]:
    """One blueprint from schema-valid data, or the problems that stop it."""
    problems: list[Problem] = []
    data = part.document.data
    header = data["blueprint"]

    def problem(path: tuple, message: str, fix: str = "") -> None:
        problems.append(Problem(part.display_path, part.document.line(path), message, fix))

    if header["id"] != file_stem:
        problem(("blueprint", "id"), f"blueprint id '{header['id']}' does not match its file name '{file_stem}'", "make them the same")
    builder = _Builder(problems)
    questions = builder.questions([(q, part, i) for i, q in enumerate(data.get("questions") or [])])
    scope = m.Domain(
        id=header["id"],
        area="design",
        title=header["title"],
        summary=header["summary"],
        questions=questions,
        candidates=(),
        rules=(),
        examples=(),
        location=part.at("blueprint"),
    )
    conditions = _Conditions(scope, domains, problem)

    decisions: list[DecisionSpec] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(data["decisions"]):
        where = ("decisions", i)
        domain = domains.get(entry["domain"])
        if domain is None:
            problem((*where, "domain"), f"decision names unknown domain '{entry['domain']}'", f"known domains: {', '.join(domains)}")
            continue
        if domain.id in seen:
            problem((*where, "domain"), f"domain '{domain.id}' is already a decision at {seen[domain.id]}", "make each decision once")
            continue
        seen[domain.id] = part.at(*where)
        earlier = [d.domain for d in decisions]
        ask_if = (
            conditions.build(entry["ask_if"], (*where, "ask_if"), earlier, f"decision '{domain.id}' ask_if") if "ask_if" in entry else None
        )
        carries = []
        for j, carry in enumerate(entry.get("carry") or []):
            here = (*where, "carry", j)
            answer = tuple(carry["answer"].items())
            for question_id, choice_id in answer:
                conditions.check_answer(domain, question_id, choice_id, (*here, "answer", question_id), f"carry into '{domain.id}'")
            when = conditions.build(carry["when"], (*here, "when"), earlier, f"carry into '{domain.id}'")
            carries.append(Carry(answer, when, part.at(*here)))
        decisions.append(DecisionSpec(domain.id, entry.get("title", domain.title), ask_if, tuple(carries), part.at(*where)))

    every = [d.domain for d in decisions]
    findings: list[Finding] = []
    _unique(problem, "finding", ((f["id"], ("findings", i, "id")) for i, f in enumerate(data["findings"])))
    for i, entry in enumerate(data["findings"]):
        where = ("findings", i)
        when = conditions.build(entry["when"], (*where, "when"), every, f"finding '{entry['id']}'")
        findings.append(
            Finding(
                id=entry["id"],
                severity=entry["severity"],
                text=entry["text"],
                because=entry["because"],
                source=entry["source"],
                when=when,
                cost=entry.get("cost", ""),
                location=part.at(*where),
            )
        )

    examples = []
    _unique(problem, "example", ((e["id"], ("examples", i, "id")) for i, e in enumerate(data["examples"])))
    finding_ids = {f.id for f in findings}
    for i, entry in enumerate(data["examples"]):
        where = ("examples", i)
        owner = f"example '{entry['id']}'"
        for key, choice_id in entry["answers"].items():
            domain_id, dot, question_id = key.partition(".")
            if not dot:
                conditions.check_answer(scope, key, choice_id, (*where, "answers", key), owner, unsure_ok=True)
            elif domain_id not in every:
                problem((*where, "answers", key), f"{owner} answers '{key}', but '{domain_id}' is not a decision here", "")
            else:
                conditions.check_answer(domains[domain_id], question_id, choice_id, (*where, "answers", key), owner, unsure_ok=True)
        expect = entry["expect"]
        for domain_id, candidate_id in expect.get("chosen", {}).items():
            if domain_id not in every:
                problem((*where, "expect", "chosen", domain_id), f"{owner} expects a choice of '{domain_id}', not a decision here", "")
            elif domains[domain_id].candidate(candidate_id) is None:
                problem((*where, "expect", "chosen", domain_id), f"{owner} expects unknown candidate '{candidate_id}' of '{domain_id}'", "")
        for domain_id in expect.get("skipped", []):
            if domain_id not in every:
                problem((*where, "expect", "skipped"), f"{owner} expects '{domain_id}' skipped, but it is not a decision here", "")
        for key in ("findings", "no_findings"):
            for finding_id in expect.get(key, []):
                if finding_id not in finding_ids:
                    problem((*where, "expect", key), f"{owner} names unknown finding '{finding_id}'", f"findings: {', '.join(finding_ids)}")
        examples.append(
            BlueprintExample(
                id=entry["id"],
                answers=tuple(entry["answers"].items()),
                chosen=tuple(expect.get("chosen", {}).items()),
                skipped=tuple(expect.get("skipped", ())),
                findings=tuple(expect.get("findings", ())),
                no_findings=tuple(expect.get("no_findings", ())),
                location=part.at(*where),
            )
        )
    blueprint = Blueprint(
        id=header["id"],
        title=header["title"],
        summary=header["summary"],
        scope=scope,
        decisions=tuple(decisions),
        findings=tuple(findings),
        examples=tuple(examples),
        notes=header.get("notes", ""),
        location=part.at("blueprint"),
    )
    return blueprint, problems


def blueprint_files(rules_dir: Path) -> list[Path]:
    folder = rules_dir / BLUEPRINTS_FOLDER
    return sorted(p for p in folder.glob("*.yaml")) if folder.is_dir() and not folder.is_symlink() else []


def _unique(problem: Callable, kind: str, entries: Iterable[tuple[str, tuple]]) -> None:
    seen: set[str] = set()
    for item_id, path in entries:
        if item_id in seen:
            problem(path, f"duplicate {kind} id '{item_id}'", "ids are never reused: pick a new one")
        seen.add(item_id)


class _Conditions:
    """Design conditions → model conditions over fact keys, checking every reference."""

    def __init__(self, scope: m.Domain, domains: dict[str, m.Domain], problem: Callable):
        self.scope, self.domains, self.problem = scope, domains, problem

    def build(self, data: dict[str, Any], path: tuple, allowed: list[str], owner: str) -> m.Condition:
        ((kind, value),) = data.items()
        here = (*path, kind)
        match kind:
            case "all" | "any":
                parts = tuple(self.build(item, (*here, j), allowed, owner) for j, item in enumerate(value))
                return m.AllOf(parts) if kind == "all" else m.AnyOf(parts)
            case "not":
                return m.Not(self.build(value, here, allowed, owner))
            case "chosen":
                tests = []
                for domain_id, wanted in value.items():
                    candidate_ids = [wanted] if isinstance(wanted, str) else wanted
                    if domain_id not in allowed:
                        self._not_a_fact(domain_id, (*here, domain_id), allowed, owner)
                        continue
                    for candidate_id in candidate_ids:
                        if self.domains[domain_id].candidate(candidate_id) is None:
                            known = ", ".join(c.id for c in self.domains[domain_id].candidates)
                            self.problem((*here, domain_id), f"{owner} tests unknown candidate '{candidate_id}' of '{domain_id}'", known)
                    tests.append(m.Match(chosen_key(domain_id), frozenset(candidate_ids)))
                return self._joined(tests)
        tests = []
        for key, wanted in value.items():
            choice_ids = [wanted] if kind == "equals" else wanted
            domain_id, dot, question_id = key.partition(".")
            if not dot:
                for choice_id in choice_ids:
                    self.check_answer(self.scope, key, choice_id, (*here, key), owner)
            elif domain_id not in allowed:
                self._not_a_fact(domain_id, (*here, key), allowed, owner)
                continue
            else:
                for choice_id in choice_ids:
                    self.check_answer(self.domains[domain_id], question_id, choice_id, (*here, key), owner)
            tests.append(m.Match(fact_key(domain_id, question_id) if dot else key, frozenset(choice_ids)))
        return self._joined(tests)

    @staticmethod
    def _joined(tests: list[m.Condition]) -> m.Condition:
        return tests[0] if len(tests) == 1 else m.AllOf(tuple(tests))

    def _not_a_fact(self, domain_id: str, path: tuple, allowed: list[str], owner: str) -> None:
        hint = f"it may read only decisions made before it: {', '.join(allowed) or 'none'}"
        self.problem(path, f"{owner} reads '{domain_id}', which is not an earlier decision of this blueprint", hint)

    def check_answer(self, domain: m.Domain, question_id: str, choice_id: str, path: tuple, owner: str, *, unsure_ok: bool = False) -> None:
        question = domain.question(question_id)
        what = "the blueprint" if domain is self.scope else f"'{domain.id}'"
        if question is None:
            known = ", ".join(q.id for q in domain.asked_questions) or "none"
            self.problem(path, f"{owner} names unknown question '{question_id}' of {what}", f"known questions: {known}")
            return
        choice = question.choice(choice_id)
        if choice is None:
            self.problem(
                path,
                f"{owner} names unknown choice '{choice_id}' of question '{question_id}'",
                f"choices: {', '.join(c.id for c in question.choices)}",
            )
        elif choice.unsure and not unsure_ok:
            self.problem(path, f"{owner} tests for '{choice_id}', the \"not sure\" answer", "test the answers that do decide")
