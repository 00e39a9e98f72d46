"""The markup behind issue 10's accessibility items (17-21), checked without a browser.

The browser tests (tests/test_browser_a11y.py) check what a person gets from it.
Answer paths come from the rule book the app serves, never from its content.
"""

import re
from http import HTTPStatus

import pytest
from django.conf import settings

from advisor.engine import evaluate
from advisor.engine.result import result_build
from advisor.rulebook import rulebook
from advisor.templatetags.advisor import not_told_by


def first_step(domain):
    """(question, choice) for the first question, answered with its first sure choice."""
    question = evaluate(domain, {}, rules_version="").next_question
    return question, next(c for c in question.offered_choices if not c.unsure)


def example_answers(domain) -> str:
    example = next(e for e in domain.examples if not e.todo)
    return "&".join(f"{q}={c}" for q, c in example.answers)


@pytest.fixture
def domain():
    return rulebook().domains[0]


def test_an_htmx_step_sends_its_title_at_the_fragment_root(client, domain):
    question, choice = first_step(domain)
    response = client.get(f"/{domain.id}/?{question.id}={choice.id}", headers={"HX-Request": "true"})
    assert response.status_code == HTTPStatus.OK
    following = evaluate(domain, {question.id: choice.id}, rules_version="").next_question
    # htmx 2 takes a <title> only where it is a direct child of the fragment.
    assert re.match(rf"\s*<title>{re.escape(following.text)} — {re.escape(domain.title)}</title>\s*<div id=\"step\"", response.text)


def test_a_whole_question_page_has_one_title_in_its_head(client, domain):
    question, choice = first_step(domain)
    html = client.get(f"/{domain.id}/?{question.id}={choice.id}").text
    assert html.count("<title>") == 1
    assert html.index("<title>") < html.index("</head>")


def test_a_history_restore_gets_the_whole_page_with_its_title(client, domain):
    html = client.get(f"/{domain.id}/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}).text
    assert html.startswith("<!doctype html>")
    assert html.count("<title>") == 1


def test_the_standing_is_no_live_region_and_one_status_says_who_leads(client, domain):
    html = client.get(f"/{domain.id}/").text
    standing = html[html.index('<aside id="standing"') : html.index("</aside>")]
    assert "aria-live" not in standing
    leader = evaluate(domain, {}, rules_version="").recommendations[0].candidate.name
    # Outside #step and #standing, so no swap replaces it; empty until the leader changes.
    assert html.index("</aside>") < html.index('<p id="leader-status"')
    assert f'<p id="leader-status" class="visually-hidden" role="status" data-leader="{leader}"></p>' in html


def test_the_busy_button_is_not_faded():
    # Faded to 0.7, the button's text fell to 3.5:1; the browser tests measure the busy state.
    css = (settings.BASE_DIR / "static" / "advisor" / "advisor.css").read_text()
    assert "opacity" not in css


def test_result_actions_work_without_javascript_and_have_a_status_region(client, domain):
    query = example_answers(domain)
    html = client.get(f"/{domain.id}/result?{query}").text
    # A plain link to the share page, which advisor.js turns into a button; no hx-get of its own.
    assert f'<a class="button" href="/{domain.id}/share?{query.replace("&", "&amp;")}" data-share-toggle="share-slot">' in html
    assert '<p class="copy-status" role="status" data-copy-status></p>' in html
    assert '<div id="share-slot"></div>' in html


def test_the_share_form_is_named_and_described(client, domain):
    html = client.get(f"/{domain.id}/share?{example_answers(domain)}", headers={"HX-Request": "true"}).text
    assert 'aria-label="Save a permanent link" aria-describedby="share-explained"' in html
    assert '<p id="share-explained">' in html


def unsure_results():
    """(domain, query, document) for each domain's all-'Not sure' path, when it has alternatives."""
    found = []
    for domain in rulebook().domains:
        answers: dict[str, str] = {}
        while (question := evaluate(domain, answers, rules_version="").next_question) is not None:
            choices = question.offered_choices
            answers[question.id] = next((c for c in choices if c.unsure), choices[0]).id
        document = result_build(domain, answers, rules_version="")
        if document["alternatives"]:
            found.append((domain, "&".join(f"{q}={c}" for q, c in answers.items()), document))
    return found


def test_change_links_under_not_sure_name_their_question(client):
    found = unsure_results()
    assert found, "no domain of the test rule book has a 'Where Not sure matters' result"
    for domain, query, document in found:
        html = client.get(f"/{domain.id}/result?{query}").text
        for alt in document["alternatives"]:
            assert f'Change this answer<span class="visually-hidden"> to “{alt["text"]}”</span></a>' in html


def test_no_empty_lists_in_result_cards(client):
    for domain in rulebook().domains:
        for example in domain.examples:
            query = "&".join(f"{q}={c}" for q, c in example.answers)
            response = client.get(f"/{domain.id}/result?{query}")
            if response.status_code == HTTPStatus.OK:
                assert not re.search(r"<ul[^>]*>\s*</ul>", response.text), f"{domain.id}/result?{query}"


def test_a_caution_that_says_it_drops_the_lifecycle_reason():
    lifecycle = {"rule": "lifecycle"}
    other = {"rule": "other"}
    caution = {"kind": "lifecycle", "text": "Retired."}
    assert not_told_by([lifecycle], [caution]) == []
    assert not_told_by([lifecycle, other], [caution]) == [other]
    assert not_told_by([lifecycle, other], []) == [lifecycle, other]
