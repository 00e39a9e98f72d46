"""Advice and domains as the JSON documents of DESIGN.md (the API, `recommend --json`, snapshots)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .evaluate import Advice, Alternative, Reason, Standing, unsure_alternatives
from .model import Candidate, Choice, Domain, Question


def choice_document(choice: Choice) -> dict[str, Any]:
    return {"id": choice.id, "label": choice.label, "help": choice.help}


def question_document(question: Question) -> dict[str, Any]:
    return {
        "id": question.id,
        "text": question.text,
        "help": question.help,
        "choices": [choice_document(c) for c in question.offered_choices],
    }


def candidate_document(candidate: Candidate) -> dict[str, Any]:
    life = candidate.lifecycle
    return {
        "id": candidate.id,
        "name": candidate.name,
        "summary": candidate.summary,
        "docs": candidate.docs,
        "cost": candidate.cost,
        "verified": candidate.verified,
        "lifecycle": {"status": life.status, "date": life.date, "successor": life.successor},
    }


def domain_summary_document(domain: Domain) -> dict[str, Any]:
    return {"id": domain.id, "area": domain.area, "title": domain.title, "summary": domain.summary}


def domain_document(domain: Domain) -> dict[str, Any]:
    return {
        **domain_summary_document(domain),
        "questions": [question_document(q) for q in domain.asked_questions],
        "candidates": [candidate_document(c) for c in domain.candidates],
    }


def _reason_document(reason: Reason) -> dict[str, Any]:
    document: dict[str, Any] = {"rule": reason.rule, "effect": reason.effect}
    if reason.weight is not None:
        document["weight"] = reason.weight
    document |= {
        "because": reason.because,
        "source": reason.source,
        "answers": dict(reason.answers),
        "location": reason.location,
    }
    return document


def _standing_document(standing: Standing, *, ranked: bool) -> dict[str, Any]:
    document: dict[str, Any] = {"id": standing.candidate.id, "name": standing.candidate.name}
    if ranked:
        document["score"] = standing.score
    document["reasons"] = [_reason_document(r) for r in standing.reasons]
    document["cautions"] = [{"kind": c.kind, "text": c.text} for c in standing.cautions]
    return document


def advice_document(advice: Advice, *, alternatives: Sequence[Alternative] | None = None) -> dict[str, Any]:
    """`alternatives`: unsure_alternatives() for the advice, when the caller already has them."""
    if alternatives is None:
        alternatives = unsure_alternatives(advice.domain, dict(advice.answers), rules_version=advice.rules_version, advice=advice)
    return {
        "domain": advice.domain.id,
        "rules_version": advice.rules_version,
        "complete": advice.complete,
        # What the page says as "Nothing in your answers points clearly to one service yet" and
        # "Where 'Not sure' matters": the answers in place of a "Not sure" that change the top.
        "decided": advice.decided,
        "would_decide": [{"question": a.question.id, "choice": a.choice_id, "top": a.top.id} for a in alternatives],
        "answers": dict(advice.answers),
        "next_question": question_document(advice.next_question) if advice.next_question else None,
        "recommendations": [_standing_document(s, ranked=True) for s in advice.recommendations],
        "ruled_out": [_standing_document(s, ranked=False) for s in advice.ruled_out],
    }
