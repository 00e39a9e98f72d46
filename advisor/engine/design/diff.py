"""What a rule change does to the designs (rules_diff, beside the domains' diff).

A blueprint's definitions are compared by id (decisions, its own questions, findings,
examples), and every worked example of either side is evaluated in both books: a
domain change that moves a design's chosen services or findings shows there, with
the design's URL. A change that leaves an example's answers unreadable or incomplete
says so (check_rules then names the example's line).
"""

from __future__ import annotations

from typing import Any

from ..diff import _items_diff
from ..evaluate import AnswerError
from ..model import RuleBook
from .evaluate import MADE, design_answers_parse, design_evaluate
from .model import Blueprint


def _outcome(book: RuleBook, blueprint: Blueprint, answers: dict[str, str]) -> dict[str, Any] | str:
    """The design's chosen services and findings, or why there is none."""
    try:
        parsed = design_answers_parse(book, blueprint, answers)
    except AnswerError as error:
        return f"answers no longer read: {error.detail}"
    design = design_evaluate(book, blueprint, parsed, rules_version=book.version)
    if not design.complete:
        return f"incomplete: '{design.next_question.key}' is now asked"
    return {
        "chosen": {o.domain.id: (o.chosen.id if o.chosen else None) for o in design.decisions if o.status == MADE},
        "findings": sorted(f.finding.id for f in design.findings),
    }


def _example_moves(old_book: RuleBook, new_book: RuleBook, old: Blueprint, new: Blueprint) -> list[dict[str, Any]]:
    moves = []
    examples = {e.id: e for e in old.examples} | {e.id: e for e in new.examples}
    for example_id, example in examples.items():
        answers = dict(example.answers)
        then, now = _outcome(old_book, old, answers), _outcome(new_book, new, answers)
        if then == now:
            continue
        move: dict[str, Any] = {
            "example": example_id,
            "url": f"/design/{new.id}/result?" + "&".join(f"{k}={v}" for k, v in example.answers),
        }
        if isinstance(then, dict) and isinstance(now, dict):
            move["chosen"] = [
                {"decision": d, "then": then["chosen"].get(d), "now": now["chosen"].get(d)}
                for d in dict.fromkeys([*then["chosen"], *now["chosen"]])
                if then["chosen"].get(d) != now["chosen"].get(d)
            ]
            move["findings_added"] = sorted(set(now["findings"]) - set(then["findings"]))
            move["findings_removed"] = sorted(set(then["findings"]) - set(now["findings"]))
        else:
            move["then"], move["now"] = (x if isinstance(x, str) else "complete" for x in (then, now))
        moves.append(move)
    return moves


def blueprints_diff(old_book: RuleBook, new_book: RuleBook) -> dict[str, Any]:
    old_ids, new_ids = {b.id for b in old_book.blueprints}, {b.id for b in new_book.blueprints}
    report: dict[str, Any] = {
        "added": [b.id for b in new_book.blueprints if b.id not in old_ids],
        "removed": [b.id for b in old_book.blueprints if b.id not in new_ids],
        "blueprints": [],
    }
    for new in new_book.blueprints:
        old = old_book.blueprint(new.id)
        if old is None:
            continue
        entry = {
            "id": new.id,
            "title": new.title,
            "decisions": _items_diff({d.domain: d for d in old.decisions}, {d.domain: d for d in new.decisions}),
            "questions": _items_diff({q.id: q for q in old.scope.questions}, {q.id: q for q in new.scope.questions}),
            "findings": _items_diff({f.id: f for f in old.findings}, {f.id: f for f in new.findings}),
            "examples": _items_diff({e.id: e for e in old.examples}, {e.id: e for e in new.examples}),
            "example_moves": _example_moves(old_book, new_book, old, new),
        }
        entry["changed"] = bool(entry["example_moves"]) or any(
            entry[k][c] for k in ("decisions", "questions", "findings", "examples") for c in entry[k]
        )
        report["blueprints"].append(entry)
    return report
