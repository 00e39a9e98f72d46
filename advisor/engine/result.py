"""The result document: everything a result page shows, as plain JSON-ready data.

One document serves the live result page, the Markdown export, and saved
snapshots. A snapshot stores it verbatim, so it renders exactly as it was
saved whatever the rules become; `result_compare` then says what today's
rules would change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .diff import document_rules, rules_moved
from .document import advice_document, candidate_document, domain_summary_document
from .evaluate import Advice, Reason, Standing, evaluate, unsure_alternatives
from .model import Domain

RESULT_FORMAT = 1  # bump when the document's shape changes; old snapshots keep theirs


def _quotes(domain: Domain, answers: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    """The answers behind a reason, as the person gave them: question text and chosen label."""
    quotes = []
    for question_id, choice_id in answers:
        question = domain.question(question_id)
        choice = question.choice(choice_id)
        quotes.append({"question": question_id, "text": question.text, "choice": choice_id, "label": choice.label})
    return quotes


def _reason(domain: Domain, reason: Reason) -> dict[str, Any]:
    rule = domain.rule(reason.rule)
    return {
        "rule": reason.rule,
        "title": rule.title if rule else "Not open to new work",
        "effect": reason.effect,
        "weight": reason.weight,
        "because": reason.because,
        "source": reason.source,
        "location": reason.location,
        "quotes": _quotes(domain, reason.answers),
    }


def _standing(domain: Domain, standing: Standing) -> dict[str, Any]:
    return {
        **candidate_document(standing.candidate),
        "score": standing.score,
        "reasons": [_reason(domain, r) for r in standing.reasons],
        "cautions": [{"kind": c.kind, "text": c.text} for c in standing.cautions],
    }


def _lost_on(domain: Domain, top: Standing, other: Standing) -> list[dict[str, Any]]:
    """Why `other` ranks below `top`: rules that favoured the top and not it, and rules against it."""
    favoured_both = {r.rule for r in other.reasons if r.effect == "favour"}
    lost = [_reason(domain, r) for r in top.reasons if r.effect == "favour" and r.rule not in favoured_both]
    lost += [_reason(domain, r) for r in other.reasons if r.effect == "disfavour"]
    return lost


def _headline(advice: Advice) -> str:
    top = advice.top
    if top is None:
        return "No service fits these answers: every candidate was ruled out."
    favours = [r for r in top.reasons if r.effect == "favour"]
    if not advice.decided:
        return f"Nothing in your answers points clearly to one service yet; {top.candidate.name} is the usual default."
    strongest = max(favours, key=lambda r: r.weight)
    title = advice.domain.rule(strongest.rule).title
    return f"{top.candidate.name} is the best fit for your answers: {title}."


def result_build(domain: Domain, answers: Mapping[str, str], *, rules_version: str) -> dict[str, Any]:
    """The full result document for checked answers (see answers_parse)."""
    advice = evaluate(domain, answers, rules_version=rules_version)
    ranking = list(advice.recommendations)
    top = ranking[0] if ranking else None
    runners_up = []
    for standing in ranking[1:]:
        # Explain every candidate the answers favoured, or at least the next one;
        # the rest are listed as "also considered".
        if standing.score <= 0 and runners_up:
            break
        entry = _standing(domain, standing)
        entry["lost_on"] = _lost_on(domain, top, standing)
        entry["behind_by"] = top.score - standing.score
        runners_up.append(entry)
    also_considered = [{"id": s.candidate.id, "name": s.candidate.name} for s in ranking[1 + len(runners_up) :]]
    unsure = unsure_alternatives(domain, answers, rules_version=rules_version, advice=advice)
    alternatives = [
        {
            "question": a.question.id,
            "text": a.question.text,
            "choice": a.choice_id,
            "label": a.question.choice(a.choice_id).label,
            "top": a.top.id,
            "top_name": a.top.name,
        }
        for a in unsure
    ]
    fired = set(advice.fired)
    return {
        "format": RESULT_FORMAT,
        "domain": domain_summary_document(domain),
        "rules_version": rules_version,
        "complete": advice.complete,
        "headline": _headline(advice),
        "answers": _quotes(domain, advice.answers),
        "top": _standing(domain, top) if top else None,
        "runners_up": runners_up,
        "also_considered": also_considered,
        "ruled_out": [_standing(domain, s) for s in advice.ruled_out],
        "alternatives": alternatives,
        "trace": [{"rule": r.id, "title": r.title, "location": r.location, "fired": r.id in fired} for r in domain.active_rules],
        "advice": advice_document(advice, alternatives=unsure),
    }


def result_compare(saved: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """What today's rules change in a saved result: ranking moves and reasons that came or went."""
    saved_advice, current_advice = saved["advice"], current["advice"]

    def ranks(advice: Mapping[str, Any]) -> dict[str, tuple[int, int]]:
        return {c["id"]: (rank, c["score"]) for rank, c in enumerate(advice["recommendations"], 1)}

    def reasons(advice: Mapping[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
        found = {}
        for group in ("recommendations", "ruled_out"):
            for candidate in advice[group]:
                for reason in candidate["reasons"]:
                    found[(candidate["id"], reason["rule"])] = {"candidate": candidate["id"], "name": candidate["name"], **reason}
        return found

    names = {
        c["id"]: c["name"] for group in ("recommendations", "ruled_out") for advice in (saved_advice, current_advice) for c in advice[group]
    }
    before, after = ranks(saved_advice), ranks(current_advice)
    moves = []
    for candidate_id in dict.fromkeys([*before, *after]):
        old, new = before.get(candidate_id), after.get(candidate_id)
        if old != new:
            moves.append(
                {
                    "id": candidate_id,
                    "name": names[candidate_id],
                    "was_rank": old[0] if old else None,
                    "was_score": old[1] if old else None,
                    "now_rank": new[0] if new else None,
                    "now_score": new[1] if new else None,
                }
            )
    old_reasons, new_reasons = reasons(saved_advice), reasons(current_advice)
    saved_top = saved_advice["recommendations"][0]["id"] if saved_advice["recommendations"] else None
    current_top = current_advice["recommendations"][0]["id"] if current_advice["recommendations"] else None
    rules = _rules_compare(saved, current, tops={saved_top, current_top} - {None})
    top_changed = saved_top != current_top
    return {
        "saved_version": saved["rules_version"],
        "current_version": current["rules_version"],
        "top_changed": top_changed,
        "saved_top": names.get(saved_top),
        "current_top": names.get(current_top),
        "moves": moves,
        "appeared": [r for key, r in new_reasons.items() if key not in old_reasons],
        "disappeared": [r for key, r in old_reasons.items() if key not in new_reasons],
        "rules": rules,
        # Why the top moved: what rules out the old top today, and the rules that moved on
        # this path and touch the old or the new top.
        "saved_top_ruled_out": [r for c in current_advice["ruled_out"] if top_changed and c["id"] == saved_top for r in c["reasons"]],
        "why": [r for r in rules if top_changed and r["touches_top"]],
    }


def _effects(advice: Mapping[str, Any], rule_id: str) -> list[dict[str, Any]]:
    """A rule's effects as a document shows them: on which candidate, and how."""
    return [
        {"id": c["id"], "name": c["name"], "effect": r["effect"], "weight": r.get("weight")}
        for group in ("recommendations", "ruled_out")
        for c in advice[group]
        for r in c["reasons"]
        if r["rule"] == rule_id
    ]


def _rules_compare(saved: Mapping[str, Any], current: Mapping[str, Any], *, tops: set[str]) -> list[dict[str, Any]]:
    """The one-path diff of rules_diff (diff.rules_moved) on the rules that fired then and now."""
    then, fired_then = document_rules(saved)
    now, fired_now = document_rules(current)
    rows = []
    for move in rules_moved(then=then, now=now, fired_then=fired_then, fired_now=fired_now):
        effects_then = _effects(saved["advice"], move.rule) if move.fired_then else []
        effects_now = _effects(current["advice"], move.rule) if move.fired_now else []
        rows.append(
            {
                **move.as_dict(),
                "title": (now.get(move.rule) or then[move.rule])["title"],
                "effects_then": effects_then,
                "effects_now": effects_now,
                "touches_top": any(e["id"] in tops for e in effects_then + effects_now),
            }
        )
    return rows
