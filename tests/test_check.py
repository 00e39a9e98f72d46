"""The deeper checks walk every answer sequence: unreachable questions, losing candidates, dead rules, failing examples."""

import pytest

from advisor.engine import rulebook_check, rulebook_load

from .conftest import TINY, write_rules


def report(tmp_path, text):
    return rulebook_check(rulebook_load(write_rules(tmp_path, {"tiny.yaml": text})))


def messages(tmp_path, text):
    return [str(p) for p in report(tmp_path, text).problems]


def test_tiny_book_is_clean(tiny):
    result = rulebook_check(tiny)
    assert result.problems == ()
    (coverage,) = result.coverage
    assert str(coverage) == (
        "tiny: rules exercised by examples 3/3, candidates that can come out on top 2/2, questions reachable 2/2, examples 2 (0 todo)"
    )


def test_question_no_answer_reaches(tmp_path):
    text = TINY.replace(
        "      equals: {shape: tables}\n    choices",
        "      all:\n        - equals: {shape: tables}\n        - equals: {shape: items}\n    choices",
    )
    found = messages(tmp_path, text)
    assert any("question 'engine' is never asked" in m for m in found), found
    assert any("rule 'oracle-not-kv' can never fire" in m for m in found), found


def test_candidate_never_on_top(tmp_path):
    text = TINY.replace("    favour: {kv: 3}\n", "    favour: {rel: 1}\n").replace("    disfavour: {rel: 1}\n", "    disfavour: {kv: 1}\n")
    found = messages(tmp_path, text)
    assert any(m.startswith("rules/tiny.yaml:") and "candidate 'kv' never comes out on top" in m for m in found), found


BROKEN_BOOKS = [
    (
        "rule contradicting ask_if",
        ("        - equals: {shape: tables}\n        - not:", "        - equals: {shape: items}\n        - not:"),
        "rule 'oracle-not-kv' can never fire",
    ),
    ("failing example", ("      top: kv\n", "      top: rel\n"), "example 'items': expected 'rel' on top, got 'kv' (scores: kv 3, rel -1)"),
    (
        "incomplete example",
        ("    answers: {shape: tables, engine: oracle}", "    answers: {shape: tables}"),
        "example 'oracle-tables': leaves question 'engine' unanswered",
    ),
    (
        "example answering a skipped question",
        ("    answers: {shape: items}", "    answers: {shape: items, engine: open}"),
        "answers questions that are not asked on this path: engine",
    ),
]


@pytest.mark.parametrize(("change", "message"), [(c, m) for _, c, m in BROKEN_BOOKS], ids=[n for n, _, _ in BROKEN_BOOKS])
def test_deeper_check_finds(tmp_path, change, message):
    old, new = change
    assert old in TINY
    found = messages(tmp_path, TINY.replace(old, new))
    assert any(message in m for m in found), found


def test_todo_example_is_reported_not_failed(tmp_path):
    text = TINY.replace("      top: kv\n", "      top: rel\n").replace(
        "  - id: items\n", "  - id: items\n    todo: the key-value store should not win here\n"
    )
    result = report(tmp_path, text)
    assert result.problems == ()
    assert len(result.todos) == 1
    assert "todo example 'items' still fails (the key-value store should not win here)" in result.todos[0]


def test_domain_too_large_to_walk(tmp_path):
    extra = "".join(
        f"  - id: extra{i}\n    text: Extra question {i}?\n    help: Only here to make the domain too big.\n    choices:\n"
        "      - {id: a, label: A}\n      - {id: b, label: B}\n"
        for i in range(7)
    )
    text = TINY.replace("candidates:\n", extra + "candidates:\n")
    found = messages(tmp_path, text)
    assert any("domain 'tiny' asks 9 questions, over 8" in m for m in found), found


def test_shipped_rules_pass_every_check(shipped):
    result = rulebook_check(shipped)
    assert [str(p) for p in result.problems] == []
    for coverage in result.coverage:
        assert coverage.rules_exercised == coverage.rules_total, coverage
        assert coverage.candidates_on_top == coverage.candidates_available, coverage
        assert coverage.questions_reachable == coverage.questions_total, coverage


def test_no_answer_sequence_puts_a_retired_service_on_top(shipped):
    from advisor.engine.check import every_path

    walked = 0
    for domain in shipped.domains:
        for advice in every_path(domain, shipped.version):
            walked += 1
            assert advice.top is None or advice.top.candidate.available, (domain.id, advice.answers)
    assert walked > 1000
