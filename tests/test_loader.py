"""A broken rule book is the rule author's common case: each kind gets its own path:line message."""

import json
import tracemalloc
from pathlib import Path

import pytest

from advisor.engine import RuleBookError, rulebook_load
from advisor.engine.loader import MAX_CONDITION_DEPTH
from advisor.engine.yamlfile import MAX_DEPTH, MAX_FILE_BYTES

from .conftest import TINY, write_rules


def problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    rules = write_rules(tmp_path, files)
    with pytest.raises(RuleBookError) as caught:
        rulebook_load(rules)
    return [str(p) for p in caught.value.problems]


def line_of(text: str, snippet: str, nth: int = 1) -> int:
    """1-based line of the nth line containing `snippet`."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if snippet in line]
    return hits[nth - 1]


def broken(old: str, new: str, count: int = 1) -> str:
    assert old in TINY, old
    return TINY.replace(old, new, count)


def test_tiny_book_loads(tiny):
    domain = tiny.domain("tiny")
    assert [q.id for q in domain.questions] == ["shape", "engine"]
    assert domain.rule("items-kv").location == f"rules/tiny.yaml:{line_of(TINY, 'id: items-kv')}"
    assert len(tiny.version) == 12


# (name, file text, expected start of the one problem: "path:line: message")
CASES = [
    ("syntax error", broken("  title: Which tiny store?", "  title: [Which tiny store?"), "rules/tiny.yaml:{}: YAML syntax error"),
    ("empty file", "", "rules/tiny.yaml:1: file is empty"),
    ("only a comment", "# nothing here\n", "rules/tiny.yaml:1: file is empty"),
    ("top-level list", "- id: tiny\n- id: other\n", "rules/tiny.yaml:1: the file holds a list, not a mapping"),
    ("top-level scalar", "just words\n", "rules/tiny.yaml:1: the file holds a single value, not a mapping"),
    ("second document", TINY + "---\ndomain: {}\n", "rules/tiny.yaml:{}: a second YAML document"),
    (
        "wrong type",
        broken("    favour: {rel: 3}", "    favour: {rel: lots}"),
        "rules/tiny.yaml:{}: rule 'tables-relational', `favour.rel`, has the wrong type",
    ),
    (
        "weight out of range",
        broken("    favour: {rel: 3}", "    favour: {rel: 9}"),
        "rules/tiny.yaml:{}: rule 'tables-relational', `favour.rel`: 9 is greater than the maximum of 5",
    ),
    (
        "missing because",
        broken("    because: Tables with joins are what a relational store is built for.\n", ""),
        "rules/tiny.yaml:{}: rule 'tables-relational' is missing `because`",
    ),
    (
        "unknown key",
        broken("    title: Tables suit the relational store", "    title: Tables suit the relational store\n    wieght: 3"),
        "rules/tiny.yaml:{}: rule 'tables-relational' has unknown key `wieght`",
    ),
    (
        "bad id",
        broken("  - id: items-kv", "  - id: Items_KV"),
        "rules/tiny.yaml:{}: rule 'Items_KV', `id`, is 'Items_KV', which is not valid here",
    ),
    (
        "bad source",
        broken(
            "    source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Introduction.html",
            "    source: https://example.com/blog",
        ),
        "rules/tiny.yaml:{}: rule 'items-kv', `source`, is 'https://example.com/blog'",
    ),
    (
        "bad date",
        broken("    verified: 2026-11-26", "    verified: 26/11/2026"),
        "rules/tiny.yaml:{}: candidate 'rel', `verified`, is '26/11/2026'",
    ),
    (
        "two tests in one condition",
        broken("      equals: {shape: items}", "      equals: {shape: items}\n      one-of: {engine: [open]}"),
        "rules/tiny.yaml:{}: rule 'items-kv', `when`, must hold exactly one test",
    ),
    (
        "unknown question",
        broken("      equals: {shape: items}", "      equals: {shap: items}"),
        "rules/tiny.yaml:{}: rule 'items-kv' reads unknown question 'shap'",
    ),
    (
        "unknown choice",
        broken("      equals: {shape: items}", "      equals: {shape: itemz}"),
        "rules/tiny.yaml:{}: rule 'items-kv' tests unknown choice 'itemz' of question 'shape'",
    ),
    (
        "unknown candidate",
        broken("    favour: {kv: 3}", "    favour: {kvv: 3}"),
        "rules/tiny.yaml:{}: rule 'items-kv' names unknown candidate 'kvv'",
    ),
    (
        "testing not sure",
        broken("      equals: {shape: items}", "      equals: {shape: not_sure}"),
        "rules/tiny.yaml:{}: rule 'items-kv' tests for 'not_sure', the \"not sure\" answer",
    ),
    (
        "favouring a retired service",
        broken("    favour: {kv: 3}", "    favour: {kv: 3, old: 1}"),
        "rules/tiny.yaml:{}: rule 'items-kv' favours 'old', which is end-of-support",
    ),
    (
        "duplicate rule id",
        broken("  - id: items-kv", "  - id: tables-relational"),
        "rules/tiny.yaml:{}: duplicate rule id 'tables-relational'",
    ),
    (
        "duplicate choice id",
        broken("      - {id: items, label: Items}", "      - {id: tables, label: Items}"),
        "rules/tiny.yaml:{}: duplicate choice (in question 'shape') id 'tables'",
    ),
    (
        "duplicate key",
        broken("  title: Which tiny store?", "  title: Which tiny store?\n  title: Again?"),
        "rules/tiny.yaml:{}: duplicate key 'title'",
    ),
    (
        "ask_if reads a later question",
        broken("      equals: {shape: tables}\n    choices", "      equals: {engine: open}\n    choices"),
        "rules/tiny.yaml:{}: question 'engine' ask_if reads unknown question 'engine'",
    ),
    (
        "unknown successor",
        broken("      successor: rel", "      successor: nothing"),
        "rules/tiny.yaml:{}: candidate 'old' names unknown successor 'nothing'",
    ),
    (
        "retired without date",
        broken("      date: 2025-07-31\n", ""),
        "rules/tiny.yaml:{}: candidate 'old' is end-of-support but its lifecycle has no `date`",
    ),
    (
        "deprecated without replacement",
        broken("    title: Items suit the key-value store", "    title: Items suit the key-value store\n    status: deprecated"),
        "rules/tiny.yaml:{}: deprecated rule 'items-kv' has no `replaced_by`",
    ),
    (
        "rule moves nothing",
        broken("    favour: {kv: 3}\n    disfavour: {rel: 1}\n", ""),
        "rules/tiny.yaml:{}: rule 'items-kv' moves no candidate",
    ),
    (
        "example expects unknown candidate",
        broken("      top: kv", "      top: kvv"),
        "rules/tiny.yaml:{}: example 'items' expects unknown candidate 'kvv'",
    ),
    (
        "domain id differs from file name",
        broken("  id: tiny", "  id: small"),
        "rules/tiny.yaml:{}: domain id 'small' does not match its file or folder name 'tiny'",
    ),
    (
        "alias",
        broken(
            "      - {id: not_sure, label: Not sure, unsure: true}\n  - id: engine",
            "      - &unsure {id: not_sure, label: Not sure, unsure: true}\n  - id: engine",
        ).replace("      - {id: not_sure, label: Not sure, unsure: true}\ncandidates", "      - *unsure\ncandidates"),
        "rules/tiny.yaml:{}: YAML anchor &unsure is not allowed",
    ),
]


ANCHORS = {
    "syntax error": "  summary: A small domain",
    "second document": "---",
    "wrong type": "favour: {rel: lots}",
    "weight out of range": "favour: {rel: 9}",
    "missing because": "  - id: tables-relational",
    "unknown key": "wieght: 3",
    "bad id": "  - id: Items_KV",
    "bad source": "source: https://example.com/blog",
    "bad date": "verified: 26/11/2026",
    "two tests in one condition": "    when:@2",
    "unknown question": "equals: {shap: items}",
    "unknown choice": "equals: {shape: itemz}",
    "unknown candidate": "favour: {kvv: 3}",
    "testing not sure": "equals: {shape: not_sure}",
    "favouring a retired service": "favour: {kv: 3, old: 1}",
    "duplicate rule id": "  - id: tables-relational@2",
    "duplicate choice id": "{id: tables, label: Items}",
    "duplicate key": "title: Again?",
    "ask_if reads a later question": "equals: {engine: open}",
    "unknown successor": "successor: nothing",
    "retired without date": "    lifecycle:",
    "deprecated without replacement": "  - id: items-kv",
    "rule moves nothing": "  - id: items-kv",
    "example expects unknown candidate": "top: kvv",
    "domain id differs from file name": "  id: small",
    "alias": "&unsure",
}


def _expected_line(name: str, text: str, expected: str) -> str:
    """Fill in the line: where the case's anchor text stands in the broken file ("text@n": nth hit)."""
    if "{}" not in expected:
        return expected
    snippet, _, nth = ANCHORS[name].partition("@")
    first, *rest = snippet.split("\n")
    line = line_of(text, first, int(nth or 1)) + len(rest)
    return expected.format(line)


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[name for name, _, _ in CASES])
def test_each_broken_book_names_the_place_and_the_problem(tmp_path, name, text, expected):
    found = problems(tmp_path, {"tiny.yaml": text})
    wanted = _expected_line(name, text, expected)
    assert any(p.startswith(wanted) for p in found), f"wanted {wanted!r} in {found}"
    assert all(" — " in p for p in found), "every problem says how to fix it"


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    text = broken("    favour: {rel: 3}", "    favour: {rel: 9}")
    text = text.replace(
        "    source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Introduction.html", "    source: nowhere"
    )
    found = problems(tmp_path, {"tiny.yaml": text, "other.yaml": "- a list\n"})
    assert len(found) == 3
    assert found[0].startswith("rules/other.yaml:1:")
    assert [p.split(":")[0] for p in found[1:]] == ["rules/tiny.yaml", "rules/tiny.yaml"]


def test_reference_problems_are_all_reported(tmp_path):
    text = broken("      equals: {shape: items}", "      equals: {shap: items}")
    text = text.replace("    favour: {rel: 3}", "    favour: {nobody: 3}")
    found = problems(tmp_path, {"tiny.yaml": text})
    assert len(found) == 2, found


def test_alias_bomb_is_refused_quickly(tmp_path):
    # The "billion laughs": each level holds nine aliases of the one before.
    levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        previous, name = chr(96 + i), chr(97 + i)
        levels.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    found = problems(tmp_path, {"bomb.yaml": "\n".join(levels) + "\n"})
    assert found[0].startswith("rules/bomb.yaml:1: YAML anchor &a is not allowed")
    assert any("rules/bomb.yaml:2: YAML alias *a is not allowed" in p for p in found)


def test_oversized_file_is_refused(tmp_path):
    text = TINY + "#" * (MAX_FILE_BYTES + 1) + "\n"
    found = problems(tmp_path, {"tiny.yaml": text})
    size = f"{len(text.encode()):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit"
    assert found == [f"rules/tiny.yaml:1: file is {size} — split the domain into a folder of smaller files"]


def test_not_utf8_is_refused(tmp_path):
    rules = write_rules(tmp_path, {})
    (rules / "tiny.yaml").write_bytes(TINY.encode() + b"\n# caf\xe9\n")
    with pytest.raises(RuleBookError) as caught:
        rulebook_load(rules)
    assert str(caught.value).startswith(f"rules/tiny.yaml:{TINY.count(chr(10)) + 2}: the file is not valid UTF-8")


def test_reserved_domain_id_is_refused(tmp_path):
    text = TINY.replace("  id: tiny", "  id: api")
    found = problems(tmp_path, {"api.yaml": text})
    assert any("domain id 'api' is reserved" in p for p in found)


def test_no_rule_files(tmp_path):
    found = problems(tmp_path, {"README.md": "no rules here"})
    assert found == ["rules:0: no rule files found — add a file such as rules/database.yaml"]


def test_yes_and_no_stay_strings(tmp_path):
    text = TINY.replace("{id: items, label: Items}", "{id: yes, label: Items}").replace("{shape: items}", "{shape: yes}")
    rules = write_rules(tmp_path, {"tiny.yaml": text})
    book = rulebook_load(rules)
    assert book.domain("tiny").question("shape").choice("yes") is not None


def test_domain_may_be_a_folder_of_files(tmp_path):
    head, rest = TINY.split("rules:\n", 1)
    rules_part, examples_part = rest.split("examples:\n", 1)
    rules = write_rules(
        tmp_path,
        {
            "tiny/1-domain.yaml": head,
            "tiny/2-rules.yaml": "rules:\n" + rules_part,
            "tiny/3-examples.yaml": "examples:\n" + examples_part,
        },
    )
    domain = rulebook_load(rules).domain("tiny")
    assert [r.id for r in domain.rules] == ["tables-relational", "items-kv", "oracle-not-kv"]
    assert domain.rule("items-kv").location.startswith("rules/tiny/2-rules.yaml:")


def test_rules_version_follows_the_files(tmp_path):
    first = rulebook_load(write_rules(tmp_path / "a", {"tiny.yaml": TINY})).version
    same = rulebook_load(write_rules(tmp_path / "b", {"tiny.yaml": TINY})).version
    edited = rulebook_load(write_rules(tmp_path / "c", {"tiny.yaml": TINY.replace("Tables or items", "Tables, or items")})).version
    assert first == same != edited


def test_an_id_with_a_trailing_line_break_is_refused(tmp_path):
    # JSON Schema's pattern lets "$" match before a final line break; ids go into URLs unescaped.
    rules = write_rules(tmp_path, {"tiny.yaml": TINY.replace("id: items,", 'id: "items\\n",', 1)})
    with pytest.raises(RuleBookError) as error:
        rulebook_load(rules)
    assert "rules/tiny.yaml:13: choice (in question 'shape') id 'items\\n' is not a valid id" in str(error.value)


# Hostile rule files (issue 10, items 11 to 13): each is refused with path:line, never a traceback.

NOT_RULE = """\
  - id: deep
    title: A deep condition
    when:
{when}
    favour: {{kv: 1}}
    because: Deep conditions are refused before anything recurses over them.
    source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Welcome.html
"""


def nested_not(levels: int) -> str:
    """TINY with one more rule whose `when` is `not` nested `levels` deep, block style."""
    lines = [" " * (6 + 2 * i) + "not:" for i in range(levels)]
    lines.append(" " * (6 + 2 * levels) + "equals: {shape: tables}")
    return TINY.replace("examples:\n", NOT_RULE.format(when="\n".join(lines)) + "examples:\n")


@pytest.mark.parametrize("levels", [40, 985])
def test_deep_yaml_is_refused_before_it_is_composed(tmp_path, levels):
    # 985 deep used to crash start-up with a RecursionError; 940 passed and made pages 500.
    text = nested_not(levels)
    found = problems(tmp_path, {"tiny.yaml": text})
    # The rule is depth 3 (file → rules → rule), its `when` depth 4: depth 33 is the 30th `not:` below it.
    line = line_of(text, "  - id: deep") + 2 + 30
    assert found == [
        f"rules/tiny.yaml:{line}: YAML nested more than {MAX_DEPTH} levels deep — flatten it: a rule file needs far fewer levels "
        "(not of not is the test itself; all inside all is one all)"
    ]


def test_deep_flow_yaml_is_refused_too(tmp_path):
    text = TINY.replace("    help: Tables or items fetched by key.", "    help: " + "[" * 900 + "]" * 900)
    found = problems(tmp_path, {"tiny.yaml": text})
    assert len(found) == 1
    assert found[0].startswith(f"rules/tiny.yaml:{line_of(text, '    help: [')}: YAML nested more than {MAX_DEPTH} levels deep — ")


def test_deep_condition_is_refused_with_its_line(tmp_path):
    text = nested_not(MAX_CONDITION_DEPTH)  # the test itself is one level more
    found = problems(tmp_path, {"tiny.yaml": text})
    line = line_of(text, "  - id: deep") + 2 + MAX_CONDITION_DEPTH
    assert found == [
        f"rules/tiny.yaml:{line}: the condition of rule 'deep' nests more than {MAX_CONDITION_DEPTH} levels deep — "
        "flatten it: `not` of `not` is the test itself, `all` inside `all` is one `all`; or split the rule"
    ]
    rulebook_load(write_rules(tmp_path / "ok", {"tiny.yaml": nested_not(MAX_CONDITION_DEPTH - 1)}))


@pytest.mark.parametrize(
    ("old", "new"),
    [("favour: {rel: 3}", "favour: {rel: " + "1" * 5000 + "}"), ("favour: {rel: 3}", "favour:\n      ? " + "9" * 5000 + "\n      : 3")],
    ids=["value", "key"],
)
def test_huge_number_is_a_problem_not_a_traceback(tmp_path, old, new):
    # int() refuses more than 4,300 digits with a ValueError ("Exceeds the limit").
    text = broken(old, new)
    found = problems(tmp_path, {"tiny.yaml": text})
    line = line_of(text, "1" * 5000 if "{rel" in new else "? 9")
    assert any(p.startswith(f"rules/tiny.yaml:{line}: a number 5,000 characters long — ") for p in found), found


def problems_and_peak(rules: Path) -> tuple[list[str], int]:
    """The book's problems, and the most memory loading it took."""
    tracemalloc.start()
    try:
        with pytest.raises(RuleBookError) as caught:
            rulebook_load(rules)
        return [str(p) for p in caught.value.problems], tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def sparse_file(path: Path) -> Path:
    with path.open("wb") as file:
        file.truncate(400 * 1024 * 1024)  # costs no disk, but reading it would cost 400 MB
    return path


def test_oversized_file_is_refused_from_its_size_unread(tmp_path):
    rules = write_rules(tmp_path, {})
    sparse_file(rules / "tiny.yaml")
    found, peak = problems_and_peak(rules)
    assert found == [
        f"rules/tiny.yaml:1: file is {400 * 1024 * 1024:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit — "
        "split the domain into a folder of smaller files"
    ]
    assert peak < 4 * 1024 * 1024


def test_symlinked_file_is_refused_unread(tmp_path):
    rules = write_rules(tmp_path, {"tiny.yaml": TINY})
    (rules / "other.yaml").symlink_to(sparse_file(tmp_path / "elsewhere.yaml"))
    found, peak = problems_and_peak(rules)
    assert found == ["rules/other.yaml:1: rule files may not be symbolic links — commit the file itself"]
    assert peak < 4 * 1024 * 1024


def test_symlinked_folder_is_not_followed(tmp_path):
    rules = write_rules(tmp_path, {"tiny.yaml": TINY})
    outside = write_rules(tmp_path / "outside", {"evil/a.yaml": "- not read\n"}) / "evil"
    (rules / "evil").symlink_to(outside, target_is_directory=True)
    assert problems(tmp_path, {}) == ["rules/evil:1: rule folders may not be symbolic links — commit the folder itself"]


def test_other_symlinks_are_left_alone(tmp_path):
    rules = write_rules(tmp_path, {"tiny.yaml": TINY, "notes/README.md": "notes", "_drafts/x.yaml": "- not read\n"})
    (rules / "README.md").symlink_to(rules / "notes" / "README.md")
    (rules / "_old").symlink_to(rules / "_drafts", target_is_directory=True)
    assert [d.id for d in rulebook_load(rules).domains] == ["tiny"]


def test_symlinked_file_in_a_domain_folder_is_refused(tmp_path):
    rules = write_rules(tmp_path, {"tiny/a.yaml": TINY, "secret.txt": "not yaml: [\n"})
    (rules / "tiny" / "b.yaml").symlink_to(rules / "secret.txt")
    found = problems(tmp_path, {})
    assert found == ["rules/tiny/b.yaml:1: rule files may not be symbolic links — commit the file itself"]


# Links go into result.md as they stand (issue 10, item 14).
INJECTION = "https://aws.amazon.com/)<img/src=x/onerror=alert(1)>[...](https://evil.example/x"
RULE_SOURCE = "    source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Introduction.html"
CANDIDATE_DOCS = "    docs: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Introduction.html"


@pytest.mark.parametrize(
    ("old", "url"),
    [
        (RULE_SOURCE, INJECTION),
        (RULE_SOURCE, "https://docs.aws.amazon.com/a b"),
        (RULE_SOURCE, "https://docs.aws.amazon.com/a'b"),
        (RULE_SOURCE, "https://docs.aws.amazon.com/a`b`"),
        (RULE_SOURCE, 'https://docs.aws.amazon.com/a"b'),
        (RULE_SOURCE, "https://docs.aws.amazon.com/a\\u001b[2Kb"),
        (RULE_SOURCE, "https://evil.example/docs/"),  # only AWS's pages and the allowed vendors' (DESIGN.md, "Sources")
        (CANDIDATE_DOCS, "https://evil.example/docs/"),
        (CANDIDATE_DOCS, "https://www.pulumi.com.evil.example/docs/"),
        (CANDIDATE_DOCS, "https://developer.hashicorp.com/vault/docs"),
    ],
    ids=[
        *("injection", "space", "quote", "backquote", "double-quote", "escape"),
        *("any-site-for-a-rule", "any-site", "lookalike", "other-product"),
    ],
)
def test_a_link_that_is_not_an_allowed_page_is_refused(tmp_path, old, url):
    text = broken(old, old.split(": ")[0] + ": " + json.dumps(url))
    found = problems(tmp_path, {"tiny.yaml": text})
    key = old.split(":")[0].strip()
    owner = "rule 'items-kv'" if key == "source" else "candidate 'kv'"
    assert found == [
        f"rules/tiny.yaml:{line_of(text, json.dumps(url))}: {owner}, `{key}`, is {json.loads(json.dumps(url))!r}, "
        f"which is not valid here — {found[0].split(' — ', 1)[1]}"
    ]
    assert "percent-encode" in found[0]


def test_a_link_with_a_final_line_break_is_refused(tmp_path):
    # JSON Schema validators let "$" match before a final line break.
    text = broken(RULE_SOURCE, RULE_SOURCE.replace("source: ", 'source: "') + '\\n"')
    found = problems(tmp_path, {"tiny.yaml": text})
    assert len(found) == 1
    assert found[0].startswith(f"rules/tiny.yaml:{line_of(text, 'Introduction.html' + chr(92))}: ")
    assert "'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Introduction.html\\n' is not a valid link here" in found[0]


@pytest.mark.parametrize(
    "url", ["https://www.pulumi.com/docs/iac/", "https://opentofu.org/docs/intro/", "https://developer.hashicorp.com/terraform/docs"]
)
def test_candidates_may_link_their_vendors_documentation(tmp_path, url):
    text = broken(CANDIDATE_DOCS, f"    docs: {url}")
    old_source = "      source: https://docs.aws.amazon.com/qldb/latest/developerguide/document-history.html"
    text = text.replace(old_source, f"      source: {url}")
    book = rulebook_load(write_rules(tmp_path, {"tiny.yaml": text}))
    assert book.domain("tiny").candidate("kv").docs == url
