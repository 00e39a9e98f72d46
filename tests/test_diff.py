"""rules_diff: the impact of a rule change, on a fixture pair of small books (not the shipped rules)."""

import json

import pytest
from django.core.management import call_command

from advisor.engine import rulebook_load
from advisor.engine.diff import rulebook_diff, rules_moved
from advisor.engine.diff_markdown import diff_markdown

from .conftest import ROOT, TINY, write_rules

# TINY (tests/conftest.py) and the change a pull request makes to it, one of each kind:
# a candidate retired (kv) and one added (doc), a rule retired (items-kv) and its
# replacement added (items-doc), a rule reworded (tables-relational), a question added
# behind an ask_if (licence, asked after engine=oracle), and the examples that follow.
KV = """\
    docs: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Introduction.html
    cost: Per request and per GB-month.
    verified: 2026-11-26
"""
KV_RETIRED = (
    KV
    + """\
    lifecycle:
      status: end-of-support
      date: 2026-01-31
      successor: doc
      source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Introduction.html
"""
)
DOC = """\
  - id: doc
    name: Document store
    summary: A document store for the tests.
    docs: https://docs.aws.amazon.com/documentdb/latest/developerguide/what-is.html
    cost: Per instance-hour and per I/O.
    verified: 2026-11-30
rules:
"""
LICENCE = """\
  - id: licence
    text: Who brings the licence?
    help: Oracle may be licence-included or bring-your-own.
    ask_if:
      equals: {engine: oracle}
    choices:
      - {id: byol, label: We bring our own}
      - {id: included, label: Included}
      - {id: not_sure, label: Not sure, unsure: true}
candidates:
"""
ITEMS_KV_SOURCE = "    source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Introduction.html\n"
ITEMS_DOC = """\
  - id: items-doc
    title: Items suit the document store
    when:
      equals: {shape: items}
    favour: {doc: 3}
    because: Items read whole by key fit a document store now that the key-value store is retired.
    source: https://docs.aws.amazon.com/documentdb/latest/developerguide/what-is.html
examples:
"""


def _changed(text: str) -> str:
    for old, new in [
        (KV, KV_RETIRED),
        ("rules:\n", DOC),
        ("candidates:\n", LICENCE),
        ("because: Tables with joins are what", "because: Tables joined at query time are what"),
        (ITEMS_KV_SOURCE + "  - id: oracle", ITEMS_KV_SOURCE + "    status: deprecated\n    replaced_by: items-doc\n  - id: oracle"),
        ("examples:\n", ITEMS_DOC),
        ("answers: {shape: tables, engine: oracle}", "answers: {shape: tables, engine: oracle, licence: byol}"),
        ("      top: kv\n", "      top: doc\n"),
    ]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def _renamed(domain_id: str) -> str:
    return TINY.replace("  id: tiny\n", f"  id: {domain_id}\n")


@pytest.fixture
def books(tmp_path):
    old = write_rules(tmp_path / "old", {"tiny.yaml": TINY, "legacy.yaml": _renamed("legacy")})
    new = write_rules(tmp_path / "new", {"tiny.yaml": _changed(TINY), "fresh.yaml": _renamed("fresh")})
    return old, new


@pytest.fixture
def report(books):
    old, new = books
    return rulebook_diff(rulebook_load(old), rulebook_load(new))


def test_paths_whose_top_changes_and_why(report):
    (tiny,) = report["domains"]
    # Before: tables x {open, oracle, not_sure}, items, not_sure. After, tables+oracle
    # goes on to licence, so that path is gone and a new one comes; no condition reads
    # licence, so its three choices are one projected path (DESIGN.md, "rules_diff"),
    # shown by its first choice. Of the four paths in both, only items moves: kv was
    # retired and items-doc now favours doc.
    assert tiny["paths"] == {
        "old": 5,
        "new": 5,
        "compared": 4,
        "top_changed": 1,
        "added": 1,
        "removed": 1,
        "added_examples": ["/tiny/result?shape=tables&engine=oracle&licence=byol"],
        "removed_examples": ["/tiny/result?shape=tables&engine=oracle"],
    }
    assert tiny["top_changes"] == [
        {
            "then": "kv",
            "then_name": "Key-value store",
            "now": "doc",
            "now_name": "Document store",
            "paths": 1,
            "examples": ["/tiny/result?shape=items"],
            "rules": [
                {"rule": "items-doc", "change": "added", "fields": [], "fired_then": False, "fired_now": True, "paths": 1},
                {"rule": "items-kv", "change": "retired", "fields": [], "fired_then": True, "fired_now": False, "paths": 1},
            ],
            "candidates": [{"id": "kv", "change": "retired"}, {"id": "doc", "change": "added"}],
        }
    ]
    assert tiny["summary"] == (
        "tiny: 1 of 4 paths changes its top; 1 new path; 1 path gone; 1 new candidate; 1 candidate retired; "
        "1 new question; 3 new choices; 1 new rule; 1 rule retired; 1 rule changed; 2 examples changed"
    )


def test_declarations_added_retired_and_changed(report):
    (tiny,) = report["domains"]
    empty = {"added": [], "removed": [], "retired": [], "changed": []}
    assert tiny["candidates"] == {**empty, "added": ["doc"], "retired": ["kv"]}
    assert tiny["questions"] == {**empty, "added": ["licence"]}
    assert tiny["choices"] == {**empty, "added": ["licence=byol", "licence=included", "licence=not_sure"]}
    assert tiny["rules"] == {
        **empty,
        "added": ["items-doc"],
        "retired": ["items-kv"],
        "changed": [{"id": "tables-relational", "fields": ["because"]}],
    }
    assert tiny["examples"] == {**empty, "changed": [{"id": "oracle-tables", "fields": ["answers"]}, {"id": "items", "fields": ["top"]}]}


def test_whole_domains_added_and_removed(report):
    assert report["domains_added"] == [{"id": "fresh", "title": "Which tiny store?", "paths": 5}]
    assert report["domains_removed"] == [{"id": "legacy", "title": "Which tiny store?", "paths": 5}]
    assert report["rules_version"]["old"] != report["rules_version"]["new"]


def test_moving_a_rule_down_its_file_is_no_change(tmp_path):
    # Locations differ (a blank comment line above everything); definitions do not.
    old = rulebook_load(write_rules(tmp_path / "old", {"tiny.yaml": TINY}))
    new = rulebook_load(write_rules(tmp_path / "new", {"tiny.yaml": TINY.replace("domain:\n", "#\ndomain:\n", 1)}))
    report = rulebook_diff(old, new)
    (tiny,) = report["domains"]
    assert tiny["summary"] == "tiny: none of 5 paths changes its top"
    assert "<details><summary>1 domain unchanged</summary>\n\n- tiny: none of 5 paths changes its top\n" in diff_markdown(report)
    assert not any(tiny[kind][change] for kind in ("candidates", "questions", "choices", "rules", "examples") for change in tiny[kind])


def test_a_reworded_rule_is_not_a_cause_of_a_move(tmp_path):
    open_kv = """\
  - id: open-kv
    title: Open-source code moves to the key-value store
    when:
      equals: {engine: open}
    favour: {kv: 5}
    because: Code written for open-source engines is assumed portable here, for the tests.
    source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Introduction.html
examples:
"""
    changed = TINY.replace("because: Tables with joins are", "because: Tables joined are").replace("examples:\n", open_kv)
    old = rulebook_load(write_rules(tmp_path / "old", {"tiny.yaml": TINY}))
    new = rulebook_load(write_rules(tmp_path / "new", {"tiny.yaml": changed}))
    (tiny,) = rulebook_diff(old, new)["domains"]
    (move,) = tiny["top_changes"]
    assert (move["then"], move["now"], move["examples"]) == ("rel", "kv", ["/tiny/result?shape=tables&engine=open"])
    # tables-relational fired before and after, reworded: it did not move the top.
    assert [(r["rule"], r["change"]) for r in move["rules"]] == [("open-kv", "added")]
    assert tiny["rules"]["changed"] == [{"id": "tables-relational", "fields": ["because"]}]


def test_rules_moved_compares_only_what_both_sides_know():
    then = {"a": {"title": "A", "because": "x"}, "b": {"title": "B"}, "gone": {"title": "G"}}
    now = {"a": {"title": "A", "because": "y"}, "b": {"title": "B", "because": "z"}, "new": {"title": "N"}}
    moved = rules_moved(then=then, now=now, fired_then=["a", "b", "gone"], fired_now=["a", "b", "new"])
    assert [(m.rule, m.change, m.fields) for m in moved] == [("a", "changed", ("because",)), ("new", "added", ()), ("gone", "removed", ())]


def test_markdown_report(report):
    text = diff_markdown(report)
    version = report["rules_version"]
    assert text.startswith(f"## What this rule change does to the advice\n\nRules version `{version['old']}` → `{version['new']}`.\n")
    assert "- fresh: new domain (Which tiny store?), 5 answer paths\n" in text
    assert "- legacy: domain removed (Which tiny store?), 5 answer paths gone\n" in text
    assert f"- {report['domains'][0]['summary']}\n" in text
    assert "### tiny: Which tiny store?\n\n1 of 4 answer paths changes its top (5 paths before, 5 now).\n" in text
    assert (
        "| Key-value store → Document store | 1 | `/tiny/result?shape=items` | "
        "`items-doc` added (1); `items-kv` retired (1); candidate `kv` retired; candidate `doc` added |\n"
    ) in text
    assert "- New paths (only the new rules reach them): 1, e.g. `/tiny/result?shape=tables&engine=oracle&licence=byol`\n" in text
    assert "- Paths gone (the new rules no longer reach them): 1, e.g. `/tiny/result?shape=tables&engine=oracle`\n" in text
    assert "- Rules: added `items-doc`; retired `items-kv`; changed `tables-relational` (because)\n" in text
    assert "- Examples: changed `oracle-tables` (answers), `items` (top)\n" in text


# The command -------------------------------------------------------------------------


def test_command_prints_markdown_and_json(books, capsys):
    old, new = books
    call_command("rules_diff", str(old), str(new))
    assert "| Key-value store → Document store | 1 |" in capsys.readouterr().out
    call_command("rules_diff", str(old), str(new), "--json")
    document = json.loads(capsys.readouterr().out)
    assert document["domains"][0]["paths"]["top_changed"] == 1


def test_base_head_on_the_repository_changes_nothing(capsys):
    call_command("rules_diff", "--base", "HEAD", str(ROOT / "rules"), "--json")
    document = json.loads(capsys.readouterr().out)
    assert document["domains"]
    assert not document["domains_added"]
    assert not document["domains_removed"]
    for domain in document["domains"]:
        assert (domain["paths"]["top_changed"], domain["paths"]["added"], domain["paths"]["removed"]) == (0, 0, 0), domain["id"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base", "no-such-ref-anywhere"], "rules_diff: unknown git ref 'no-such-ref-anywhere'"),
        (["--base=--output=/tmp/x"], "rules_diff: unknown git ref '--output=/tmp/x'"),
        (["/no/such/folder"], "rules_diff: /no/such/folder: no such folder"),
        ([], "rules_diff: give OLD_DIR [NEW_DIR], or --base GIT_REF [NEW_DIR]"),
        (["a", "b", "c"], "rules_diff: give OLD_DIR [NEW_DIR], or --base GIT_REF [NEW_DIR]"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args, message, capsys):
    with pytest.raises(SystemExit) as caught:
        call_command("rules_diff", *args)
    assert caught.value.code == 2
    assert capsys.readouterr().err.strip() == message


def test_an_invalid_book_prints_its_problems_and_exits_2(books, capsys):
    old, new = books
    (new / "tiny.yaml").write_text(_changed(TINY).replace("favour: {rel: 3}", "favour: {rel: 9}"), encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        call_command("rules_diff", str(old), str(new))
    assert caught.value.code == 2
    captured = capsys.readouterr()
    assert "rules/tiny.yaml:" in captured.out
    assert "9 is greater than the maximum of 5" in captured.out
    assert captured.err.strip() == f"rules_diff: {new} is not a valid rule book: 1 problem(s) above"


# The compare page's one-path diff: a saved document against today's ------------------


def test_result_compare_says_which_rules_moved_and_why_the_top_moved(books):
    from advisor.engine.result import result_build, result_compare

    old, new = (rulebook_load(folder).domain("tiny") for folder in books)
    saved = result_build(old, {"shape": "items"}, rules_version="old")
    comparison = result_compare(saved, result_build(new, {"shape": "items"}, rules_version="new"))
    assert (comparison["saved_top"], comparison["current_top"]) == ("Key-value store", "Document store")
    # The saved document is all that is left of the old book: items-kv is not in today's trace.
    assert [(r["rule"], r["change"], r["fired_then"], r["fired_now"]) for r in comparison["rules"]] == [
        ("items-doc", "added", False, True),
        ("items-kv", "removed", True, False),
    ]
    assert comparison["rules"][0]["effects_now"] == [{"id": "doc", "name": "Document store", "effect": "favour", "weight": 3}]
    assert comparison["why"] == comparison["rules"]
    assert [r["rule"] for r in comparison["saved_top_ruled_out"]] == ["lifecycle"]


def test_result_compare_names_what_changed_in_a_rule_that_fired_both_times(tmp_path):
    from advisor.engine.result import result_build, result_compare

    reworded = TINY.replace("Items fetched by key", "Items read by key").replace("favour: {kv: 3}", "favour: {kv: 2}")
    old = rulebook_load(write_rules(tmp_path / "old", {"tiny.yaml": TINY})).domain("tiny")
    new = rulebook_load(write_rules(tmp_path / "new", {"tiny.yaml": reworded})).domain("tiny")
    comparison = result_compare(
        result_build(old, {"shape": "items"}, rules_version="old"), result_build(new, {"shape": "items"}, rules_version="new")
    )
    assert [(r["rule"], r["change"], r["fields"]) for r in comparison["rules"]] == [("items-kv", "changed", ["because", "effect on kv"])]
    assert comparison["why"] == []  # the top did not move


def _repo(folder, *, commit_rules: bool):
    import subprocess

    rules = write_rules(folder / "app", {"tiny.yaml": TINY})
    (folder / "README.md").write_text("a repository\n", encoding="utf-8")

    def git(*args):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=folder, check=True, capture_output=True)

    git("init", "-q")
    git("add", "README.md", *(["app"] if commit_rules else []))
    git("commit", "-q", "-m", "start")
    return rules


def test_base_reads_the_old_book_from_a_commit(tmp_path, capsys):
    rules = _repo(tmp_path, commit_rules=True)
    (rules / "tiny.yaml").write_text(_changed(TINY), encoding="utf-8")  # uncommitted: the working copy is NEW
    call_command("rules_diff", "--base", "HEAD", str(rules), "--json")
    (tiny,) = json.loads(capsys.readouterr().out)["domains"]
    assert (tiny["paths"]["top_changed"], tiny["paths"]["added"], tiny["paths"]["removed"]) == (1, 1, 1)


def test_base_without_the_rules_folder_at_that_ref_exits_2(tmp_path, capsys):
    rules = _repo(tmp_path, commit_rules=False)
    with pytest.raises(SystemExit) as caught:
        call_command("rules_diff", "--base", "HEAD", str(rules))
    assert caught.value.code == 2
    assert capsys.readouterr().err.strip() == "rules_diff: app/rules/ does not exist at HEAD"
