"""What a rule change does to the advice: two RuleBooks in, a plain JSON-ready report out.

`rules_diff` prints the report (Markdown by default, see diff_markdown.py); the
compare page of a saved result reuses the one-path part, `rules_moved`, on the
rules that fired then (from the saved document) and now.

A *path* is the set of (question, choice) pairs of one complete sequence of
answers. Both books are walked and compared on the union of their paths: a
path only one book can reach is reported as added or removed, never as a
change of top.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any
from urllib.parse import urlencode

from .check import choice_classes, every_path
from .model import STABLE, Candidate, Domain, Example, Question, Rule, RuleBook

EXAMPLE_URLS = 3  # result URLs shown per group of paths
# What a rule says rather than does: a rule that fired before and after with only
# these changed cannot have moved a top, so it is not named as a cause.
WORDING = frozenset({"title", "because", "source", "notes", "replaced_by"})

type Answers = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    answers: Answers  # in its book's question order, for result URLs
    top: str | None
    fired: tuple[str, ...]


def domain_outcomes(domain: Domain, version: str, *, other: Domain | None = None) -> dict[frozenset[tuple[str, str]], Outcome]:
    """Every distinct complete path of a domain → its top candidate and the rules that fired.

    Paths are projected onto what the conditions read (check.every_path); with `other`, onto
    what either book's conditions read, so both sides of a diff stand for the same answers.
    """
    interned: dict[tuple[str, ...], tuple[str, ...]] = {}  # many paths fire the same rules
    outcomes = {}
    classes = choice_classes(domain, other) if other is not None else None
    for advice in every_path(domain, version, classes=classes):
        top = advice.top.candidate.id if advice.top else None
        fired = interned.setdefault(advice.fired, advice.fired)
        outcomes[frozenset(advice.answers)] = Outcome(advice.answers, top, fired)
    return outcomes


def result_url(domain_id: str, answers: Answers) -> str:
    return f"/{domain_id}/result?{urlencode(answers)}"


# Definitions compared by id --------------------------------------------------


def _plain(value: Any) -> Any:
    """A value with the locations inside it blanked: moving a rule down a file changes nothing."""
    if is_dataclass(value) and any(f.name == "location" for f in fields(value)):
        return replace(value, location="")
    return value


def definition(item: Question | Candidate | Rule | Example, *, skip: Collection[str] = ()) -> dict[str, Any]:
    """An item's fields as field → value, without where it sits in a file (nor what is derived from them)."""
    return {f.name: _plain(getattr(item, f.name)) for f in fields(item) if f.compare and f.name != "location" and f.name not in skip}


def rule_definitions(domain: Domain) -> dict[str, dict[str, Any]]:
    return {rule.id: definition(rule) for rule in domain.rules}


def fields_changed(then: Mapping[str, Any], now: Mapping[str, Any]) -> tuple[str, ...]:
    """The fields both sides know that differ (a saved document knows only part of a rule)."""
    return tuple(name for name in then if name in now and then[name] != now[name])


@dataclass(frozen=True, slots=True)
class RuleMove:
    """A rule whose part in one path's advice is not what it was."""

    rule: str
    change: str  # added | removed | retired | changed | unchanged (then it fires differently for other reasons)
    fields: tuple[str, ...]  # for `changed`: what differs in its definition
    fired_then: bool
    fired_now: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "change": self.change,
            "fields": list(self.fields),
            "fired_then": self.fired_then,
            "fired_now": self.fired_now,
        }


def rules_moved(
    *,
    then: Mapping[str, Mapping[str, Any]],
    now: Mapping[str, Mapping[str, Any]],
    fired_then: Collection[str],
    fired_now: Collection[str],
) -> tuple[RuleMove, ...]:
    """The one-path diff: rules that fired on either side and were added, removed or changed,
    or fire on one side only. `then` and `now` map rule ids to their definitions (all the
    rules each side knows); a rule that fired on both sides, unchanged, is left out."""
    moves = []
    for rule_id in dict.fromkeys([*fired_now, *fired_then]):
        was, is_ = rule_id in fired_then, rule_id in fired_now
        old, new = then.get(rule_id), now.get(rule_id)
        changed: tuple[str, ...] = ()
        if old is None:
            change = "added"
        elif new is None:
            change = "removed"
        elif old.get("status", STABLE) == STABLE and new.get("status", STABLE) != STABLE:
            change = "retired"
        else:
            changed = fields_changed(old, new)
            change = "changed" if changed else "unchanged"
        if change == "unchanged" and was and is_:
            continue
        moves.append(RuleMove(rule_id, change, changed, was, is_))
    return tuple(moves)


# What the books declare ------------------------------------------------------


def _retired(item: Any) -> bool:
    if isinstance(item, Candidate):
        return not item.available
    return getattr(item, "status", STABLE) != STABLE


def _items_diff(old: Mapping[str, Any], new: Mapping[str, Any], *, skip: Collection[str] = ()) -> dict[str, list]:
    """Items compared by id: added, removed, retired (newly), and changed (fields that differ)."""
    report: dict[str, list] = {"added": [], "removed": [], "retired": [], "changed": []}
    for item_id in dict.fromkeys([*new, *old]):
        if item_id not in old:
            report["added"].append(item_id)
        elif item_id not in new:
            report["removed"].append(item_id)
        elif _retired(new[item_id]) and not _retired(old[item_id]):
            report["retired"].append(item_id)
        else:
            changed = fields_changed(definition(old[item_id], skip=skip), definition(new[item_id], skip=skip))
            if changed:
                report["changed"].append({"id": item_id, "fields": list(changed)})
    return report


def _choices(domain: Domain) -> dict[str, Any]:
    return {f"{q.id}={c.id}": c for q in domain.questions for c in q.choices}


def declarations_diff(old: Domain, new: Domain) -> dict[str, dict[str, list]]:
    def by_id(items: Iterable[Any]) -> dict[str, Any]:
        return {item.id: item for item in items}

    return {
        "candidates": _items_diff(by_id(old.candidates), by_id(new.candidates)),
        # A question's choices are compared one by one below, not as a block.
        "questions": _items_diff(by_id(old.questions), by_id(new.questions), skip=("choices",)),
        "choices": _items_diff(_choices(old), _choices(new)),
        "rules": _items_diff(by_id(old.rules), by_id(new.rules)),
        "examples": _items_diff(by_id(old.examples), by_id(new.examples)),
    }


# Paths ------------------------------------------------------------------------


def _candidate_changes(old: Domain, new: Domain, candidate_ids: Iterable[str | None]) -> list[dict[str, str]]:
    """What happened to the candidates at either end of a move, when something did."""
    changes = []
    for candidate_id in dict.fromkeys(c for c in candidate_ids if c):
        was, is_ = old.candidate(candidate_id), new.candidate(candidate_id)
        if was is None:
            changes.append({"id": candidate_id, "change": "added"})
        elif is_ is None:
            changes.append({"id": candidate_id, "change": "removed"})
        elif was.available and not is_.available:
            changes.append({"id": candidate_id, "change": "retired"})
    return changes


def _name(domain: Domain, candidate_id: str | None) -> str | None:
    candidate = domain.candidate(candidate_id) if candidate_id else None
    return candidate.name if candidate else None


def domain_diff(old: Domain, new: Domain, *, old_version: str, new_version: str) -> dict[str, Any]:
    before = domain_outcomes(old, old_version, other=new)
    after = domain_outcomes(new, new_version, other=old)
    then_rules, now_rules = rule_definitions(old), rule_definitions(new)

    groups: dict[tuple[str | None, str | None], dict[str, Any]] = {}
    added, compared = [], 0
    for path, now in after.items():
        was = before.get(path)
        if was is None:
            added.append(now)
            continue
        compared += 1
        if was.top == now.top:
            continue
        group = groups.setdefault((was.top, now.top), {"paths": 0, "examples": [], "rules": Counter(), "moves": {}})
        group["paths"] += 1
        if len(group["examples"]) < EXAMPLE_URLS:
            group["examples"].append(result_url(new.id, now.answers))
        for move in rules_moved(then=then_rules, now=now_rules, fired_then=was.fired, fired_now=now.fired):
            if move.fired_then and move.fired_now and WORDING.issuperset(move.fields):
                continue
            group["rules"][move.rule] += 1
            group["moves"].setdefault(move.rule, move)  # as on the group's first path
    removed = [was for path, was in before.items() if path not in after]

    top_changes = []
    for (then_top, now_top), group in sorted(groups.items(), key=lambda item: -item[1]["paths"]):
        top_changes.append(
            {
                "then": then_top,
                "then_name": _name(old, then_top),
                "now": now_top,
                "now_name": _name(new, now_top),
                "paths": group["paths"],
                "examples": group["examples"],
                # The rules that moved on these paths, those on most paths first.
                "rules": [{**group["moves"][rule_id].as_dict(), "paths": n} for rule_id, n in group["rules"].most_common()],
                "candidates": _candidate_changes(old, new, (then_top, now_top)),
            }
        )
    changed = sum(change["paths"] for change in top_changes)
    declared = declarations_diff(old, new)
    return {
        "id": new.id,
        "title": new.title,
        "summary": _summary(new.id, changed, compared, len(added), len(removed), declared),
        "paths": {
            "old": len(before),
            "new": len(after),
            "compared": compared,
            "top_changed": changed,
            "added": len(added),
            "removed": len(removed),
            "added_examples": [result_url(new.id, o.answers) for o in added[:EXAMPLE_URLS]],
            "removed_examples": [result_url(old.id, o.answers) for o in removed[:EXAMPLE_URLS]],
        },
        "top_changes": top_changes,
        **declared,
    }


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _summary(domain_id: str, changed: int, compared: int, added: int, removed: int, declared: Mapping[str, Mapping[str, list]]) -> str:
    """One line per domain, e.g. "database: 37 of 1,204 paths change their top; 2 new candidates"."""
    if changed:
        parts = [f"{changed:,} of {_count(compared, 'path')} {'changes its' if changed == 1 else 'change their'} top"]
    else:
        parts = [f"none of {_count(compared, 'path')} changes its top"]
    if added:
        parts.append(f"{_count(added, 'new path')}")
    if removed:
        parts.append(f"{_count(removed, 'path')} gone")
    for kind in ("candidate", "question", "choice", "rule", "example"):
        section = declared[f"{kind}s"]
        for change, words in (("added", "new {}"), ("retired", "{} retired"), ("removed", "{} removed"), ("changed", "{} changed")):
            n = len(section[change])
            if n and not (kind == "example" and change == "retired"):
                noun = kind if n == 1 else f"{kind}s"
                parts.append(f"{n} {words.format(noun)}")
    return f"{domain_id}: {'; '.join(parts)}"


def rulebook_diff(old: RuleBook, new: RuleBook) -> dict[str, Any]:
    """The impact of replacing rule book `old` by `new`, domain by domain, then on the designs."""
    from .design.diff import blueprints_diff  # it builds on this module

    old_ids = {d.id for d in old.domains}
    new_ids = {d.id for d in new.domains}

    def whole(domain: Domain, version: str) -> dict[str, Any]:
        return {"id": domain.id, "title": domain.title, "paths": sum(1 for _ in every_path(domain, version))}

    return {
        "rules_version": {"old": old.version, "new": new.version},
        "domains_added": [whole(d, new.version) for d in new.domains if d.id not in old_ids],
        "domains_removed": [whole(d, old.version) for d in old.domains if d.id not in new_ids],
        "domains": [
            domain_diff(old.domain(d.id), d, old_version=old.version, new_version=new.version) for d in new.domains if d.id in old_ids
        ],
        "designs": blueprints_diff(old, new),
    }


# One saved result ---------------------------------------------------------------


def document_rules(document: Mapping[str, Any]) -> tuple[dict[str, dict[str, Any]], tuple[str, ...]]:
    """What a result document (result.result_build) knows of its rule book, for rules_moved.

    The old rule book is not kept, but a saved document lists every rule that was
    in force (its trace) and, for the rules that fired, the reasons they gave: their
    `because`, `source` and effect on each candidate the document explains. A favour
    for a candidate that something else ruled out is not in the document, so each
    side knows only part of a rule; rules_moved compares what both sides know.
    """
    trace = document.get("trace", [])
    definitions: dict[str, dict[str, Any]] = {entry["rule"]: {"title": entry["title"]} for entry in trace}
    fired = tuple(entry["rule"] for entry in trace if entry["fired"])
    for group in ("recommendations", "ruled_out"):
        for candidate in document["advice"][group]:
            for reason in candidate["reasons"]:
                known = definitions.get(reason["rule"])
                if known is None:  # the engine's own lifecycle reason: not a rule of the book
                    continue
                known |= {"because": reason["because"], "source": reason["source"]}
                known[f"effect on {candidate['id']}"] = (reason["effect"], reason.get("weight"))
    return definitions, fired
