"""The deeper checks: unreachable questions, losing candidates, dead or unexercised rules, failing examples.

`rulebook_check` is the one definition of a green rule book: `check_rules` prints
its report, and the shipped book's report must be clean.
"""

import random

import pytest

from advisor.engine import RuleBook, rulebook_check, rulebook_load
from advisor.engine import check as check_module
from advisor.engine.check import choice_classes, domain_walk, every_path, rule_files_lint, why_not
from advisor.engine.model import AllOf, AnyOf, Candidate, Choice, Domain, Lifecycle, Match, Not, Question, Rule

from .conftest import ROOT, TINY, write_rules


def line_of(text, line):
    """The 1-based line of `text` that is `line`."""
    return next(n for n, text_line in enumerate(text.splitlines(), 1) if text_line == line)


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
    # The failing expectation is not a problem; but a todo example exercises nothing.
    assert [str(p) for p in result.problems] == [
        f"rules/tiny.yaml:{line_of(text, '  - id: items-kv')}: rule 'items-kv' is not exercised by any example"
        " — add an example whose answers make it fire, with `fires: [items-kv]`"
    ]
    assert len(result.todos) == 1
    assert "todo example 'items' still fails (the key-value store should not win here)" in result.todos[0]


def test_todo_example_that_passes_is_a_problem(tmp_path):
    text = TINY.replace("  - id: items\n", "  - id: items\n    todo: fixed since\n")
    found = messages(tmp_path, text)
    assert f"rules/tiny.yaml:{line_of(text, '  - id: items')}: todo example 'items' now passes — remove its `todo`" in found


def test_rule_no_example_exercises_is_named_at_its_line(tmp_path):
    # Without the `items` example no example fires items-kv, though some answers do.
    text = TINY[: TINY.index("  # Items by key.")]
    found = messages(tmp_path, text)
    assert found == [
        f"rules/tiny.yaml:{line_of(text, '  - id: items-kv')}: rule 'items-kv' is not exercised by any example"
        " — add an example whose answers make it fire, with `fires: [items-kv]`"
    ]


def test_rule_that_did_not_fire_is_explained_at_its_line(tmp_path):
    text = TINY.replace("    answers: {shape: tables, engine: oracle}", "    answers: {shape: tables, engine: open}")
    found = messages(tmp_path, text)
    assert (
        f"rules/tiny.yaml:{line_of(text, '  - id: oracle-not-kv')}: rule 'oracle-not-kv' did not fire for example"
        " 'oracle-tables': its condition needs engine not open, the example answers engine=open"
        " — widen the rule's `when`, or fix the example's answers"
    ) in found, found
    # The example's own line still says what it expected.
    assert any("example 'oracle-tables': expected rule 'oracle-not-kv' to fire" in m for m in found), found


WHY_NOT = [
    (Match("engine", frozenset({"oracle"})), {"shape": "tables", "engine": "open"}, "needs engine=oracle, the example answers engine=open"),
    (
        Match("engine", frozenset({"oracle", "open"})),
        {"shape": "items"},
        "needs engine one of open, oracle, the example answers engine not asked (its ask_if does not hold)",
    ),
    (
        Match("engine", frozenset({"oracle"})),
        {"shape": "tables", "engine": "not_sure"},
        "needs engine=oracle, the example answers engine=not_sure (not sure, so unknown)",
    ),
    (Match("engine", frozenset({"oracle"})), {"shape": "tables"}, "needs engine=oracle, the example answers engine unanswered"),
    (
        AllOf((Match("shape", frozenset({"tables"})), Match("engine", frozenset({"oracle"})))),
        {"shape": "tables", "engine": "open"},
        "needs engine=oracle, the example answers engine=open",  # the first part of the `all` that fails
    ),
    (
        AnyOf((Match("shape", frozenset({"items"})), Match("engine", frozenset({"oracle"})))),
        {"shape": "tables", "engine": "open"},
        "needs any of (shape=items; engine=oracle), the example answers shape=tables, engine=open",
    ),
    (
        Not(AllOf((Match("shape", frozenset({"tables"})), Match("engine", frozenset({"open"}))))),
        {"shape": "tables", "engine": "open"},
        "needs not (all of (shape=tables; engine=open)), the example answers shape=tables, engine=open",
    ),
]


@pytest.mark.parametrize(("condition", "answers", "words"), WHY_NOT, ids=range(len(WHY_NOT)))
def test_why_a_condition_did_not_hold_in_words(tiny, condition, answers, words):
    assert why_not(tiny.domains[0], condition, answers) == f"its condition {words}"


def test_retired_candidate_on_top_is_a_problem(tmp_path, monkeypatch):
    # The engine never ranks a retired service; the check is what would notice if it ever did.
    book = rulebook_load(write_rules(tmp_path, {"tiny.yaml": TINY}))
    old = book.domains[0].candidate("old")
    monkeypatch.setattr(check_module, "ranking_top", lambda domain, scores, out: old)
    found = [str(p) for p in rulebook_check(book).problems]
    assert any(
        m.startswith(f"rules/tiny.yaml:{line_of(TINY, '  - id: old')}: retired candidate 'old' comes out on top (e.g. shape=")
        for m in found
    ), found


def test_rule_files_are_linted(tmp_path):
    rules = write_rules(
        tmp_path, {"tiny.yaml": TINY, "other.yaml": "domain: {}\n", "more/part.yaml": TINY.replace("tiny", "more") + "# the end  "}
    )
    assert [str(p) for p in rule_files_lint(rules, display_root=tmp_path)] == [
        f"rules/more/part.yaml:{len(TINY.splitlines()) + 1}: trailing whitespace — remove the spaces at the end of the line",
        f"rules/more/part.yaml:{len(TINY.splitlines()) + 1}: no newline at the end of the file — end the last line with a newline",
        "rules/other.yaml:1: the file does not start with the schema line"
        " — make its first line `# yaml-language-server: $schema=./rules.schema.json` (editors read the schema from it)",
    ]


def test_domain_too_large_to_walk(tmp_path):
    extra = "".join(
        f"  - id: extra{i}\n    text: Extra question {i}?\n    help: Only here to make the domain too big.\n    choices:\n"
        "      - {id: a, label: A}\n      - {id: b, label: B}\n"
        for i in range(11)
    )
    text = TINY.replace("candidates:\n", extra + "candidates:\n")
    found = messages(tmp_path, text)
    assert "rules/tiny.yaml:2: domain 'tiny' asks 13 questions, over 12 — split it into two domains: each should be one decision" in found


def test_a_walk_past_its_guard_is_a_problem_at_the_domain(tiny, monkeypatch):
    monkeypatch.setattr(check_module, "MAX_STATES", 3)
    found = [str(p) for p in rulebook_check(tiny).problems]
    assert any(m.startswith("rules/tiny.yaml:2: domain 'tiny' has over 3 distinct answer states to check") for m in found), found


def test_shipped_rules_pass_every_check(shipped):
    # Everything the rule book must satisfy is a problem in the report: rules every
    # example leaves unexercised, candidates never on top, retired ones on top, ...
    assert [str(p) for p in rulebook_check(shipped).problems] == []
    assert rule_files_lint(ROOT / "rules", display_root=ROOT) == []


# The walk over states gives the plain walk's verdicts ------------------------------


def synthetic_domain(seed, *, questions, choices, candidates=6, rules=24):
    """A random domain: `questions` questions of `choices` choices (the last "not sure"), some
    behind an ask_if on earlier ones, and rules whose `when` reads one to three questions
    through equals/one-of, all, any and not. The last candidate is retired."""
    rng = random.Random(seed)  # noqa: S311 -- a reproducible test domain, not a secret
    ids = [f"c{j}" for j in range(choices - 1)]
    source = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Welcome.html"

    def condition(qs):
        if len(qs) == 1:
            test = Match(f"q{qs[0]}", frozenset(rng.sample(ids, rng.randint(1, 2))))
            return Not(test) if rng.random() < 0.2 else test
        split = rng.randint(1, len(qs) - 1)
        parts = (condition(qs[:split]), condition(qs[split:]))
        both = AnyOf(parts) if rng.random() < 0.3 else AllOf(parts)
        return Not(both) if rng.random() < 0.15 else both

    def at(line):
        return f"rules/synth.yaml:{line}"

    asked = []
    for i in range(questions):
        ask_if = condition(sorted(rng.sample(range(i), rng.randint(1, 2)))) if i >= 2 and rng.random() < 0.3 else None
        offered = (*(Choice(c, c, "") for c in ids), Choice("not_sure", "Not sure", "", unsure=True))
        asked.append(Question(f"q{i}", f"Question {i}?", "", offered, ask_if=ask_if, location=at(10 + i)))
    stores = [Candidate(f"s{k}", f"Store {k}", "", source, "", "2026-11-26", location=at(100 + k)) for k in range(candidates)]
    stores[-1] = Candidate("old", "Old store", "", source, "", "2026-11-26", Lifecycle("end-of-support", "2025-07-31"), at(199))
    made = []
    for r in range(rules):
        target, weight, effect = f"s{rng.randrange(candidates - 1)}", rng.randint(1, 5), rng.random()
        made.append(
            Rule(
                f"r{r}",
                f"Rule {r}",
                condition(sorted(rng.sample(range(questions), rng.randint(1, 3)))),
                "Generated.",
                source,
                favour=((target, weight),) if effect >= 0.3 else (),
                disfavour=((target, weight),) if 0.1 <= effect < 0.3 else (),
                rule_out=(target,) if effect < 0.1 else (),
                location=at(200 + r),
            )
        )
    return Domain("synth", "database", "Synthetic", "", tuple(asked), tuple(stores), tuple(made), (), location=at(1))


def plain_verdicts(domain):
    """Reachable questions, rules that can fire and candidates that can top, from every answer set."""
    reached, fired, on_top = set(), set(), set()
    for advice in every_path(domain, "v", every_choice=True):
        reached.update(q for q, _ in advice.answers)
        fired.update(advice.fired)
        on_top.add(advice.top.candidate.id if advice.top else None)
    return reached, fired, on_top


SMALL = [(seed, 5, 4) for seed in range(6)] + [(seed, 6, 5) for seed in range(6, 8)]


@pytest.mark.parametrize(("seed", "questions", "choices"), SMALL)
def test_walk_over_states_agrees_with_every_answer_set(seed, questions, choices):
    domain = synthetic_domain(seed, questions=questions, choices=choices)
    walk = domain_walk(domain)
    assert (walk.reached, walk.fired, set(walk.on_top)) == plain_verdicts(domain)


def test_walk_agrees_on_the_shipped_domains(shipped):
    for domain in shipped.domains:
        walk = domain_walk(domain)
        assert (walk.reached, walk.fired, set(walk.on_top)) == plain_verdicts(domain), domain.id


def test_walk_paths_lead_where_they_say(shipped):
    # Each candidate's witness path, evaluated, really puts it on top.
    for domain in (*shipped.domains, synthetic_domain(3, questions=6, choices=5)):
        for candidate_id, path in domain_walk(domain).on_top.items():
            advice = check_module.evaluate(domain, dict(path), rules_version="v")
            assert advice.complete
            assert advice.answers == path
            assert (advice.top.candidate.id if advice.top else None) == candidate_id


def test_a_domain_of_twelve_questions_of_six_choices_is_checked_whole():
    # 6^12 (two billion) answer sets; the walk visits distinct states only.
    domain = synthetic_domain(0, questions=12, choices=6)
    report = rulebook_check(RuleBook((domain,), "v"))
    guards = [p for p in report.problems if p.message.startswith("domain 'synth'")]
    assert guards == []
    (coverage,) = report.coverage
    assert coverage.questions_reachable == 12
    # Its verdicts are the walk's own, whole: every available candidate tops some path here.
    assert coverage.candidates_on_top == coverage.candidates_available == 5


@pytest.mark.parametrize(("seed", "questions", "choices"), [(seed, 5, 4) for seed in range(4)])
def test_every_path_gives_each_distinct_advice(seed, questions, choices):
    # One path per group of interchangeable choices loses no advice a person can get.
    domain = synthetic_domain(seed, questions=questions, choices=choices)

    def outcomes(paths):
        return {(advice.fired, advice.top.candidate.id if advice.top else None) for advice in paths}

    grouped = list(every_path(domain, "v"))
    assert outcomes(grouped) == outcomes(every_path(domain, "v", every_choice=True))
    assert all(advice.complete for advice in grouped)
    assert len({advice.answers for advice in grouped}) == len(grouped)


def test_choices_no_condition_tells_apart_are_one_group(tiny):
    domain = tiny.domains[0]
    # engine: `open` and `oracle` are each read; not_sure stands alone.
    assert choice_classes(domain) == {"shape": (("tables",), ("items",), ("not_sure",)), "engine": (("open",), ("oracle",), ("not_sure",))}
    unread = Domain(domain.id, domain.area, domain.title, domain.summary, domain.questions, domain.candidates, (), ())
    assert choice_classes(unread)["engine"] == (("open", "oracle", "not_sure"),)
    # Another book's conditions split groups too (for comparing two books on the same paths).
    assert choice_classes(unread, domain)["engine"] == (("open",), ("oracle",), ("not_sure",))
