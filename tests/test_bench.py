"""The benchmark's own parts, so `make bench` does not rot between runs (it is not run here)."""

from http import HTTPStatus

import pytest

from advisor.engine import evaluate, rulebook_load
from advisor.engine.check import _size_problems
from bench import http
from bench.__main__ import step_paths
from bench.synthetic import answer_sets, synthetic_write


def test_synthetic_books_load_check_and_evaluate(tmp_path):
    book = rulebook_load(synthetic_write(tmp_path, 1_200))  # three files: the size cap is per file
    domain = book.domain("synthetic")
    assert len(domain.rules) == 1_200
    assert len(list((tmp_path / "synthetic").glob("rules-*.yaml"))) == 3
    assert _size_problems(domain) == []  # a book check_rules would accept (walking it takes minutes)
    for answers in answer_sets(20):
        assert evaluate(domain, answers, rules_version=book.version).complete


def test_result_paths_are_canonical_complete_results_from_every_domain(client, app_book, settings):
    paths = http.result_paths(40, settings.ADVISOR_RULES_DIR)
    assert len(set(paths)) == 40
    assert {p.split("/")[1] for p in paths} == {d.id for d in app_book.domains}
    for path in paths[:15]:
        assert client.get(path).status_code == HTTPStatus.OK


def test_step_paths_are_htmx_fragments(client, settings):
    for path in step_paths(http.result_paths(15, settings.ADVISOR_RULES_DIR)):
        response = client.get(path, headers={"HX-Request": "true"})
        assert response.status_code == HTTPStatus.OK
        assert b"<html" not in response.content


@pytest.mark.parametrize(("text", "ms"), [("812.00us", 0.812), ("1.41ms", 1.41), ("2.00s", 2000.0)])
def test_wrk_latencies_are_read_in_milliseconds(text, ms):
    assert http._ms(text) == pytest.approx(ms)


def test_design_paths_are_complete_canonical_designs(client, settings):
    from bench.designs import design_answer_sets, design_result_paths, result_path, step_path

    paths = design_result_paths(6, settings.ADVISOR_RULES_DIR)
    assert len(set(paths)) == len(paths) > 0
    for path in paths:
        assert client.get(path).status_code == HTTPStatus.OK, path
    sets = design_answer_sets(6, settings.ADVISOR_RULES_DIR)
    assert [result_path(b, answers) for b, answers in sets] == paths
    for path in (step_path(b, answers) for b, answers in sets):
        response = client.get(path, headers={"HX-Request": "true"})
        assert response.status_code == HTTPStatus.OK
        assert b"<html" not in response.content
