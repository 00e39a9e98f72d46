"""The design engine (advisor/engine/design/): blueprints loaded and checked, designs evaluated."""

import shutil
import textwrap
from pathlib import Path

import pytest

from advisor.engine import AnswerError, RuleBookError, evaluate, rulebook_check, rulebook_load
from advisor.engine.design import (
    MADE,
    SKIPPED,
    design_answers_parse,
    design_document,
    design_evaluate,
    design_result_build,
)
from advisor.engine.design.check import example_check

from .conftest import ROOT, TEST_RULES

# Over the tests' own database and storage domains: a scoping question, a skipped
# decision, a carry from a chosen service, findings over answers and choices.
SHOP = """\
# yaml-language-server: $schema=../blueprint.schema.json
blueprint:
  id: shop
  title: A small shop
  summary: A shop's database and, when it keeps files, where they live.
questions:
  - id: files
    text: Does the shop keep files?
    help: Product photos, invoices, exports.
    choices:
      - {id: "yes", label: "Yes"}
      - {id: "no", label: "No"}
      - {id: not_sure, label: Not sure, unsure: true}
decisions:
  - domain: database
  - domain: storage
    title: Where do the shop's files live?
    ask_if:
      equals: {files: "yes"}
    carry:
      - answer: {access: objects}
        when:
          chosen: {database: dynamodb}
findings:
  - id: keys-and-objects
    severity: note
    text: Keep object keys and item keys in one naming scheme.
    because: Both stores are reached by key, so one scheme keeps them joinable.
    source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
    when:
      all:
        - chosen: {database: dynamodb}
        - chosen: {storage: s3}
  - id: analytics-without-files
    severity: should
    text: Export the warehouse's source data somewhere durable.
    because: A warehouse loads from files; without a store for them there is nothing to reload from.
    source: https://docs.aws.amazon.com/redshift/latest/dg/t_Loading_data.html
    when:
      all:
        - equals: {database.purpose: analytics}
        - not: {equals: {files: "yes"}}
examples:
  - id: game-with-files
    answers: {files: "yes", database.purpose: app, database.data_shape: key_value, database.scale: high, database.audit: "no"}
    expect:
      chosen: {database: dynamodb, storage: s3}
      findings: [keys-and-objects]
  - id: reports-only
    answers: {files: "no", database.purpose: analytics}
    expect:
      chosen: {database: redshift}
      skipped: [storage]
      findings: [analytics-without-files]
      no_findings: [keys-and-objects]
"""


def _book_with(tmp_path: Path, blueprint: str = SHOP, name: str = "shop.yaml"):
    rules = tmp_path / "rules"
    shutil.copytree(TEST_RULES, rules, ignore=shutil.ignore_patterns("blueprints"))
    shutil.copy(ROOT / "rules" / "rules.schema.json", rules)
    shutil.copy(ROOT / "rules" / "blueprint.schema.json", rules)
    (rules / "blueprints").mkdir()
    (rules / "blueprints" / name).write_text(textwrap.dedent(blueprint), encoding="utf-8")
    return rules


@pytest.fixture
def book(tmp_path):
    return rulebook_load(_book_with(tmp_path), display_root=tmp_path)


def design(book, **answers):
    blueprint = book.blueprint("shop")
    raw = {key.replace("__", "."): value for key, value in answers.items()}
    return design_evaluate(book, blueprint, design_answers_parse(book, blueprint, raw), rules_version=book.version)


GAME = {"files": "yes", "database__purpose": "app", "database__data_shape": "key_value", "database__scale": "high", "database__audit": "no"}


def test_the_blueprints_own_questions_come_first(book):
    start = design(book)
    assert start.next_question.key == "files"
    assert start.next_question.decision is None
    then = design(book, files="yes")
    assert then.next_question.key == "database.purpose"
    assert (then.next_question.position, then.next_question.total) == (1, 2)


def test_a_carried_answer_is_not_asked_and_decides_like_the_domain(book):
    result = design(book, **GAME)
    assert result.complete
    storage = result.outcome("storage")
    assert storage.status == MADE
    assert storage.carried == (("access", "objects"),)
    assert storage.chosen.id == "s3"
    assert not any(key.startswith("storage.") for key, _ in result.answers)
    # Exactly the single-domain result for the same answers.
    domain = book.domain("storage")
    assert storage.advice == evaluate(domain, dict(storage.advice.answers), rules_version=book.version)
    assert [f.finding.id for f in result.findings] == ["keys-and-objects"]
    assert storage.result_url_query == "access=objects"


def test_a_skipped_decision_says_which_answer_skipped_it(book):
    result = design(book, files="no", database__purpose="analytics")
    assert result.complete
    storage = result.outcome("storage")
    assert storage.status == SKIPPED
    assert storage.skipped_because == (("files", "no"),)
    assert [f.finding.id for f in result.findings] == ["analytics-without-files"]
    assert dict(result.findings[0].answers) == {"database.purpose": "analytics", "files": "no"}


def test_answers_the_design_does_not_ask_are_dropped_from_the_canonical_answers(book):
    result = design(book, **GAME, storage__access="disk")  # carried: not the person's to answer
    assert ("storage.access", "disk") not in result.answers
    assert result.outcome("storage").chosen.id == "s3"
    skipped = design(book, files="no", database__purpose="analytics", storage__access="disk")
    assert [key for key, _ in skipped.answers] == ["files", "database.purpose"]


def test_undecided_decisions_choose_nothing(book):
    result = design(book, files="no", database__purpose="not_sure")
    assert result.complete
    database = result.outcome("database")
    assert database.chosen is None
    document = design_document(result)
    assert document["decisions"][0]["chosen"] is None
    assert {"question": "purpose", "choice": "analytics", "top": "redshift"} in document["decisions"][0]["would_decide"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ({"nowhere.q": "x"}, "unknown-decision"),
        ({"database.colour": "red"}, "unknown-question"),
        ({"database.purpose": "blob"}, "unknown-choice"),
        ({"colour": "red"}, "unknown-question"),
        ({"files": "maybe"}, "unknown-choice"),
    ],
)
def test_unknown_ids_are_answer_errors(book, raw, code):
    with pytest.raises(AnswerError) as error:
        design_answers_parse(book, book.blueprint("shop"), raw)
    assert error.value.code == code


def test_documents_have_the_design_shape(book):
    result = design(book, **GAME)
    document = design_document(result)
    assert list(document) == ["blueprint", "rules_version", "complete", "answers", "next_question", "decisions", "findings"]
    assert document["decisions"][1]["result_url"] == "/storage/result?access=objects"
    assert document["decisions"][1]["chosen"]["id"] == "s3"
    assert document["findings"][0]["location"].startswith("rules/blueprints/shop.yaml:")
    page = design_result_build(book, result)
    assert page["decisions"][0]["chosen"]["name"] == "Amazon DynamoDB"
    assert page["findings"][0]["quotes"][0] == {"key": "chosen:database", "text": "Which database?", "label": "Amazon DynamoDB"}


def test_the_blueprint_examples_hold_and_the_check_is_clean(book):
    blueprint = book.blueprint("shop")
    for example in blueprint.examples:
        assert example_check(book, blueprint, example)[0] == []
    report = rulebook_check(book)
    assert report.problems == ()
    assert "design shop: findings exercised by examples 2/2, decisions that can be made 2/2, examples 2" in map(str, report.coverage)


def test_the_check_finds_a_finding_that_never_holds_and_one_no_example_exercises(tmp_path):
    broken = SHOP.replace("chosen: {storage: s3}", "chosen: {storage: ebs}\n        - chosen: {database: rds}").replace(
        "      findings: [keys-and-objects]\n", ""
    )
    book = rulebook_load(_book_with(tmp_path, broken), display_root=tmp_path)
    messages = [p.message for p in rulebook_check(book).problems]
    assert "finding 'keys-and-objects' can never hold" in messages
    assert "finding 'keys-and-objects' is exercised by no example" in messages


CARRY_WHEN = "chosen: {database: dynamodb}\nfindings"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("- domain: storage\n", "- domain: nowhere\n"), "decision names unknown domain 'nowhere'"),
        ((CARRY_WHEN, "chosen: {storage: s3}\nfindings"), "reads 'storage', which is not an earlier decision"),
        ((CARRY_WHEN, "chosen: {database: cassandra}\nfindings"), "unknown candidate 'cassandra' of 'database'"),
        (("answer: {access: objects}", "answer: {access: tape}"), "names unknown choice 'tape' of question 'access'"),
        (("equals: {database.purpose: analytics}", "equals: {database.size: big}"), "names unknown question 'size' of 'database'"),
        (("findings: [analytics-without-files]", "findings: [no-such-finding]"), "names unknown finding 'no-such-finding'"),
        (("id: shop\n", "id: store\n"), "blueprint id 'store' does not match its file name 'shop'"),
        (("severity: note", "severity: urgent"), "is 'urgent', not one of the allowed values"),
    ],
)
def test_broken_blueprints_are_refused_with_path_and_line(tmp_path, change, message):
    old, new = change
    assert old in SHOP
    with pytest.raises(RuleBookError) as error:
        rulebook_load(_book_with(tmp_path, SHOP.replace(old, new, 1)), display_root=tmp_path)
    lines = [str(p) for p in error.value.problems]
    assert any(line.startswith("rules/blueprints/shop.yaml:") and message in line for line in lines), lines


def test_blueprints_count_in_the_rules_version(tmp_path):
    first = rulebook_load(_book_with(tmp_path / "a"), display_root=tmp_path / "a")
    second = rulebook_load(_book_with(tmp_path / "b", SHOP.replace("A small shop", "A tiny shop")), display_root=tmp_path / "b")
    assert first.version != second.version


def test_design_is_a_reserved_domain_id_and_blueprints_is_not_a_domain(tmp_path):
    rules = _book_with(tmp_path)
    (rules / "design.yaml").write_text((rules / "storage.yaml").read_text().replace("id: storage\n", "id: design\n", 1))
    with pytest.raises(RuleBookError) as error:
        rulebook_load(rules, display_root=tmp_path)
    assert any("domain id 'design' is reserved" in str(p) for p in error.value.problems)


def test_rules_diff_reports_what_a_change_does_to_the_worked_designs(tmp_path):
    from advisor.engine.diff import rulebook_diff
    from advisor.engine.diff_markdown import diff_markdown

    old = rulebook_load(_book_with(tmp_path / "old"), display_root=tmp_path / "old")
    # A domain change (DynamoDB ruled out for key-value items) moves the game design.
    rules = _book_with(tmp_path / "new")
    database = rules / "database.yaml"
    database.write_text(database.read_text().replace("favour: {dynamodb: 4}", "rule_out: [dynamodb]", 1))
    new = rulebook_load(rules, display_root=tmp_path / "new")
    designs = rulebook_diff(old, new)["designs"]
    (shop,) = designs["blueprints"]
    (move,) = [m for m in shop["example_moves"] if m["example"] == "game-with-files"]
    assert move["url"].startswith("/design/shop/result?files=yes&database.purpose=app")
    # DynamoDB no longer chosen, storage's access is no longer carried: the design now asks it.
    assert (move["then"], move["now"]) == ("complete", "incomplete: 'storage.access' is now asked")
    assert "### Designs" in diff_markdown(rulebook_diff(old, new))
