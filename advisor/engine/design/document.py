"""A design as plain data: the JSON of the API, and the result document pages render and saved designs keep."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..document import _standing_document, question_document
from ..evaluate import Alternative, unsure_alternatives
from ..result import _headline, _lost_on, _quotes, _standing
from .evaluate import MADE, SKIPPED, DecisionOutcome, Design, fact_describe
from .model import SEVERITIES

DESIGN_FORMAT = 1  # bump when the document's shape changes; saved designs keep theirs


def _result_url(outcome: DecisionOutcome) -> str | None:
    return f"/{outcome.domain.id}/result?{outcome.result_url_query}" if outcome.status == MADE else None


def _alternatives(outcome: DecisionOutcome) -> tuple[Alternative, ...]:
    if outcome.status != MADE:
        return ()
    answers = dict(outcome.advice.answers)
    return unsure_alternatives(outcome.domain, answers, rules_version=outcome.advice.rules_version, advice=outcome.advice)


def design_alternatives(design: Design) -> dict[str, tuple[Alternative, ...]]:
    """Each made decision's "Not sure" answers that another answer would change (by domain id).

    The costliest part of a design's documents (an evaluation per other choice of each "Not
    sure"): worked out once and handed to both documents that show it."""
    return {outcome.domain.id: _alternatives(outcome) for outcome in design.decisions}


def _would_decide(alternatives: Sequence[Alternative]) -> list[dict[str, str]]:
    """As the domain's own advice document says it (advisor.engine.document.advice_document)."""
    return [{"question": a.question.id, "choice": a.choice_id, "top": a.top.id} for a in alternatives]


def design_document(design: Design, *, alternatives: Mapping[str, Sequence[Alternative]] | None = None) -> dict[str, Any]:
    """The API's document (DESIGN.md, "Designs"). `alternatives`: design_alternatives(design), when the caller has them."""
    if alternatives is None:
        alternatives = design_alternatives(design)
    nxt = design.next_question
    decisions = []
    for outcome in design.decisions:
        advice = outcome.advice if outcome.status == MADE else None
        chosen = advice.top if advice is not None and outcome.chosen is not None else None
        runner_up = advice.recommendations[1] if chosen is not None and len(advice.recommendations) > 1 else None
        decisions.append(
            {
                "domain": outcome.domain.id,
                "title": outcome.spec.title,
                "status": outcome.status,
                "chosen": _standing_document(chosen, ranked=True) if chosen else None,
                "runner_up": _standing_document(runner_up, ranked=True) if runner_up else None,
                "result_url": _result_url(outcome),
                "answers": dict(outcome.advice.answers) if outcome.advice else {},
                "carried": dict(outcome.carried),
                "skipped_because": dict(outcome.skipped_because),
                "would_decide": _would_decide(alternatives[outcome.domain.id]),
            }
        )
    return {
        "blueprint": design.blueprint.id,
        "rules_version": design.rules_version,
        "complete": design.complete,
        "answers": dict(design.answers),
        "next_question": (
            {
                **question_document(nxt.question),
                "key": nxt.key,
                "decision": nxt.decision.domain if nxt.decision else None,
                "position": nxt.position,
                "total": nxt.total,
            }
            if nxt
            else None
        ),
        "decisions": decisions,
        "findings": [
            {
                "id": f.finding.id,
                "severity": f.finding.severity,
                "text": f.finding.text,
                "because": f.finding.because,
                "source": f.finding.source,
                "cost": f.finding.cost,
                "location": f.finding.location,
                "answers": dict(f.answers),
            }
            for f in design.findings
        ],
    }


def _fact_quotes(book, design: Design, facts) -> list[dict[str, str]]:
    quotes = []
    for key, value in facts:
        text, label = fact_describe(book, design.blueprint, key, value)
        quotes.append({"key": key, "text": text, "label": label})
    return quotes


def _decision_entry(book, design: Design, outcome: DecisionOutcome, alternatives: Sequence[Alternative]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "domain": outcome.domain.id,
        "domain_title": outcome.domain.title,
        "title": outcome.spec.title,
        "status": outcome.status,
        "chosen": None,
        "runner_up": None,
        "headline": "",
        "result_url": _result_url(outcome),
        "answers": _quotes(outcome.domain, outcome.advice.answers) if outcome.advice else [],
        "carried": [q for q, _ in outcome.carried],
        "skipped_because": _fact_quotes(book, design, outcome.skipped_because) if outcome.status == SKIPPED else [],
        "alternatives": [],
    }
    if outcome.status != MADE:
        return entry
    advice = outcome.advice
    entry["headline"] = _headline(advice)
    entry["alternatives"] = [
        {"question": a.question.id, "text": a.question.text, "label": a.question.choice(a.choice_id).label, "top_name": a.top.name}
        for a in alternatives
    ]
    if advice.top is not None:
        # Undecided answers still rank a usual default first: shown as such, never as the choice.
        entry["chosen" if outcome.chosen else "default"] = _standing(outcome.domain, advice.top)
        if outcome.chosen and len(advice.recommendations) > 1:
            other = advice.recommendations[1]
            entry["runner_up"] = {**_standing(outcome.domain, other), "lost_on": _lost_on(outcome.domain, advice.top, other)}
    return entry


def design_result_build(book, design: Design) -> dict[str, Any]:
    """Everything a design result page shows, as JSON-ready data (saved designs keep it verbatim)."""
    alternatives = design_alternatives(design)
    answers = []
    for key, value in design.answers:
        domain_id, dot, _ = key.partition(".")
        text, label = fact_describe(book, design.blueprint, key, value)
        title = design.blueprint.decision(domain_id).title if dot else design.blueprint.title
        answers.append({"key": key, "choice": value, "text": text, "label": label, "decision": domain_id if dot else None, "group": title})
    findings = [
        {
            "id": f.finding.id,
            "severity": f.finding.severity,
            "text": f.finding.text,
            "because": f.finding.because,
            "source": f.finding.source,
            "cost": f.finding.cost,
            "location": f.finding.location,
            "quotes": _fact_quotes(book, design, f.answers),
        }
        for f in design.findings
    ]
    return {
        "format": DESIGN_FORMAT,
        "kind": "design",
        "blueprint": {"id": design.blueprint.id, "title": design.blueprint.title, "summary": design.blueprint.summary},
        "rules_version": design.rules_version,
        "complete": design.complete,
        "answers": answers,
        "decisions": [_decision_entry(book, design, outcome, alternatives[outcome.domain.id]) for outcome in design.decisions],
        "findings": sorted(findings, key=lambda f: SEVERITIES.index(f["severity"])),
        "severities": {s: sum(1 for f in findings if f["severity"] == s) for s in SEVERITIES},
        "document": design_document(design, alternatives=alternatives),
    }


def _chosen_name(decision: dict | None) -> str:
    if decision is None:
        return "not in the design"
    if decision["status"] == "skipped":
        return "not needed"
    return decision["chosen"]["name"] if decision.get("chosen") else "not decided"


def design_documents_compare(saved: dict, current: dict) -> dict:
    """What today's rules change in a saved design: each decision's choice then and now, and the findings."""
    then = {d["domain"]: d for d in saved["decisions"]}
    now = {d["domain"]: d for d in current["decisions"]}
    rows = []
    for domain_id in dict.fromkeys([*then, *now]):
        title = (now.get(domain_id) or then[domain_id])["title"]
        was, is_ = _chosen_name(then.get(domain_id)), _chosen_name(now.get(domain_id))
        rows.append({"title": title, "then": was, "now": is_, "changed": was != is_})
    found_then = {f["id"]: f for f in saved["findings"]}
    found_now = {f["id"]: f for f in current["findings"]}
    return {
        "decisions": rows,
        "changed": any(row["changed"] for row in rows),
        "findings_appeared": [f for i, f in found_now.items() if i not in found_then],
        "findings_gone": [f for i, f in found_then.items() if i not in found_now],
    }
