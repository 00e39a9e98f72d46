"""rulebook_diff's report as Markdown, for a pull request's job summary and a terminal.

Example URLs are code, not links: a job summary would resolve a relative link
against the code host, not the advisor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

KINDS = ("candidates", "questions", "choices", "rules", "examples")
CHANGES = ("added", "retired", "removed", "changed")


def _code(text: str) -> str:
    return f"`{text}`"


def _cell(text: str) -> str:
    """Text safe inside a table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _top(name: str | None, candidate_id: str | None) -> str:
    return _cell(name) if name else (_code(candidate_id) if candidate_id else "nothing (every candidate ruled out)")


def _rule_move(move: Mapping[str, Any]) -> str:
    change = move["change"]
    if change == "changed":
        change = f"changed: {', '.join(move['fields'])}"
    elif change == "unchanged":
        change = "fires " + ("now" if move["fired_now"] else "no longer")
    return f"{_code(move['rule'])} {change} ({move['paths']:,})"


def _declared(kind: str, section: Mapping[str, list]) -> str | None:
    parts = []
    for change in CHANGES:
        items = section[change]
        if not items:
            continue
        if change == "changed":
            listed = ", ".join(f"{_code(i['id'])} ({', '.join(i['fields'])})" for i in items)
        else:
            listed = ", ".join(_code(i) for i in items)
        parts.append(f"{change} {listed}")
    return f"- {kind.capitalize()}: {'; '.join(parts)}" if parts else None


def _examples(urls: list[str]) -> str:
    return ", ".join(_code(url) for url in urls)


def _domain_section(domain: Mapping[str, Any]) -> list[str]:
    paths = domain["paths"]
    lines = [f"### {domain['id']}: {domain['title']}", ""]
    verb = "changes its" if paths["top_changed"] == 1 else "change their"
    lines.append(
        f"{paths['top_changed']:,} of {paths['compared']:,} answer paths {verb} top ({paths['old']:,} paths before, {paths['new']:,} now)."
    )
    if domain["top_changes"]:
        lines += ["", "| then → now | paths | for example | rules that moved on these paths (paths) |", "| --- | ---: | --- | --- |"]
        for change in domain["top_changes"]:
            moved = [_rule_move(m) for m in change["rules"]]
            moved += [f"candidate {_code(c['id'])} {c['change']}" for c in change["candidates"]]
            lines.append(
                f"| {_top(change['then_name'], change['then'])} → {_top(change['now_name'], change['now'])} "
                f"| {change['paths']:,} | {_examples(change['examples'])} | {'; '.join(moved) or 'none'} |"
            )
    details = []
    for key, words in (
        ("added", "New paths (only the new rules reach them)"),
        ("removed", "Paths gone (the new rules no longer reach them)"),
    ):
        if paths[key]:
            details.append(f"- {words}: {paths[key]:,}, e.g. {_examples(paths[f'{key}_examples'])}")
    details += [line for kind in KINDS if (line := _declared(kind, domain[kind]))]
    if details:
        lines += ["", *details]
    return [*lines, ""]


def _changed(domain: Mapping[str, Any]) -> bool:
    paths = domain["paths"]
    return bool(paths["top_changed"] or paths["added"] or paths["removed"] or any(domain[k][c] for k in KINDS for c in CHANGES))


def diff_markdown(report: Mapping[str, Any]) -> str:
    version = report["rules_version"]
    lines = ["## What this rule change does to the advice", ""]
    if version["old"] == version["new"]:
        lines += [f"Rules version {_code(version['old'])}: the rule books are identical.", ""]
    else:
        lines += [f"Rules version {_code(version['old'])} → {_code(version['new'])}.", ""]
    for domain in report["domains_added"]:
        lines.append(f"- {domain['id']}: new domain ({_cell(domain['title'])}), {domain['paths']:,} answer paths")
    for domain in report["domains_removed"]:
        lines.append(f"- {domain['id']}: domain removed ({_cell(domain['title'])}), {domain['paths']:,} answer paths gone")
    changed = [domain for domain in report["domains"] if _changed(domain)]
    lines += [f"- {domain['summary']}" for domain in changed]
    same = [domain for domain in report["domains"] if not _changed(domain)]
    if same:
        # Folded in a job summary, so the domains that change stand out.
        lines += ["", f"<details><summary>{len(same)} domain{'s' if len(same) != 1 else ''} unchanged</summary>", ""]
        lines += [f"- {domain['summary']}" for domain in same]
        lines += ["", "</details>"]
    lines.append("")
    for domain in changed:
        lines += _domain_section(domain)
    lines += _designs_section(report.get("designs"))
    return "\n".join(lines).rstrip() + "\n"


def _designs_section(designs: Mapping[str, Any] | None) -> list[str]:
    """Blueprints added, removed or changed, and the worked designs whose choices or findings move."""
    if not designs or not (designs["added"] or designs["removed"] or any(b["changed"] for b in designs["blueprints"])):
        return []
    lines = ["### Designs", ""]
    lines += [f"- Blueprint {_code(b)} added" for b in designs["added"]]
    lines += [f"- Blueprint {_code(b)} removed" for b in designs["removed"]]
    for blueprint in designs["blueprints"]:
        if not blueprint["changed"]:
            continue
        lines.append(f"- {_code(blueprint['id'])} ({_cell(blueprint['title'])}):")
        for kind in ("decisions", "questions", "findings", "examples"):
            declared = _declared(kind, blueprint[kind])
            if declared:
                lines.append("  " + declared)
        for move in blueprint["example_moves"]:
            if "chosen" in move:
                what = [f"{c['decision']}: {c['then'] or 'nothing'} → {c['now'] or 'nothing'}" for c in move["chosen"]]
                what += [f"finding {_code(f)} now holds" for f in move["findings_added"]]
                what += [f"finding {_code(f)} no longer holds" for f in move["findings_removed"]]
            else:
                what = [f"then {move['then']}, now {move['now']}"]
            lines.append(f"  - Example {_code(move['example'])} ({_code(move['url'])}): {'; '.join(what)}")
    return [*lines, ""]
