"""A person's walk through the advisor in headless Chromium: with and without JavaScript, phone and desktop.

Every page visited is saved as a screenshot under test-results/screenshots/.
Any console error fails the test: a CSP violation is one.
"""

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from advisor.engine import rulebook_load
from advisor.models import Snapshot

from .conftest import ROOT, SCREENSHOTS, TEST_RULES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOOK = rulebook_load(TEST_RULES, display_root=ROOT)
# Each domain's first example is a complete, realistic path through it.
WALKS = [(d, next(e for e in d.examples if not e.todo)) for d in BOOK.domains]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def watched(page: Page):
    """The page, failing the test on any console error or uncaught exception."""
    errors: list[str] = []
    # Console errors include failed loads (a 404 for a missing asset) and CSP violations.
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}") if response.status >= 500 else None)
    yield page
    assert errors == []


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def answer(page: Page, question_id: str, choice_id: str) -> None:
    page.locator(f"#{question_id}-{choice_id}").check()
    page.get_by_role("button", name="Continue").click()


@pytest.mark.parametrize(("domain", "example"), WALKS, ids=[d.id for d, _ in WALKS])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_walk_through_every_domain(live_server, watched: Page, domain, example, size):
    page = watched
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    page.goto(live_server.url + "/")
    shot(page, f"home-{size}")
    page.get_by_role("link", name=domain.title).click()
    expect(page).to_have_url(re.compile(rf"/{domain.id}/$"))
    # htmx steps swap the question in place: a marker on window survives them.
    page.evaluate("window.stillThisPage = true")
    given = []
    for index, (question_id, choice_id) in enumerate(example.answers):
        expect(page.locator("h1")).to_have_text(domain.question(question_id).text)
        if index == 1:
            shot(page, f"{domain.id}-question-{size}")
        answer(page, question_id, choice_id)
        given.append((question_id, choice_id))
        if index < len(example.answers) - 1:
            expect(page).to_have_url(f"{live_server.url}/{domain.id}/?{urlencode(given)}")
            assert page.evaluate("window.stillThisPage === true"), "an htmx step reloaded the page"
            expect(page.locator("#standing li").first).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/{domain.id}/result?{urlencode(given)}")
    top = domain.candidate(example.top)
    expect(page.locator("#top-name")).to_contain_text(top.name)
    expect(page.locator("h1")).to_contain_text(top.name)
    shot(page, f"{domain.id}-result-{size}")
    # ...and on to a saved link a colleague can open.
    page.get_by_role("button", name="Save a permanent link").click()
    page.get_by_role("button", name="Save and open the permanent link").click()
    expect(page).to_have_url(re.compile(r"/s/[A-Za-z0-9_-]{22}$"))
    expect(page.locator("#top-name")).to_contain_text(top.name)


@pytest.mark.parametrize(("domain", "example"), WALKS, ids=[d.id for d, _ in WALKS])
def test_walk_every_domain_without_javascript(live_server, browser, domain, example):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=domain.title).click()
    for question_id, choice_id in example.answers:
        answer(page, question_id, choice_id)
    expect(page).to_have_url(f"{live_server.url}/{domain.id}/result?{urlencode(list(example.answers))}")
    top = domain.candidate(example.top)
    expect(page.locator("#top-name")).to_contain_text(top.name)
    page.get_by_role("link", name="Save a permanent link").click()
    page.get_by_role("button", name="Save and open the permanent link").click()
    expect(page).to_have_url(re.compile(r"/s/[A-Za-z0-9_-]{22}$"))
    expect(page.locator("#top-name")).to_contain_text(top.name)
    context.close()


def test_dark_mode(live_server, browser):
    context = browser.new_context(color_scheme="dark", viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/database/?purpose=app")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(15, 20, 25)"
    shot(page, "database-question-dark-desktop")
    page.goto(f"{live_server.url}/database/result?purpose=analytics")
    shot(page, "database-result-dark-desktop")
    context.close()


def test_back_and_forward_follow_the_answers(live_server, watched: Page):
    page = watched
    page.goto(live_server.url + "/database/")
    answer(page, "purpose", "app")
    expect(page).to_have_url(live_server.url + "/database/?purpose=app")
    answer(page, "data_shape", "tables")
    expect(page.locator("h1")).to_have_text("Must it run a particular database engine?")
    page.go_back()
    expect(page).to_have_url(live_server.url + "/database/?purpose=app")
    expect(page.locator("h1")).to_have_text("What does your data look like?")
    page.go_back()
    expect(page.locator("h1")).to_have_text("What is the database for?")
    page.go_forward()
    expect(page.locator("h1")).to_have_text("What does your data look like?")
    page.reload()
    expect(page.locator("h1")).to_have_text("What does your data look like?")
    # The Back link shows the previous question with its answer still chosen.
    page.get_by_role("link", name="Back").click()
    expect(page.locator("h1")).to_have_text("What is the database for?")
    expect(page.locator("#purpose-app")).to_be_checked()


def test_changing_an_earlier_answer_drops_answers_that_no_longer_apply(live_server, watched: Page):
    page = watched
    query = urlencode({"purpose": "app", "data_shape": "tables", "engine": "mysql_postgres", "scale": "steady", "audit": "no"})
    page.goto(f"{live_server.url}/database/result?{query}")
    page.get_by_role("link", name="Change your answer to “What does your data look like?”").click()
    expect(page.locator("#data_shape-tables")).to_be_checked()
    shot(page, "database-change-answer-desktop")
    answer(page, "data_shape", "key_value")
    # engine no longer applies; scale and audit still do, so the result is complete.
    expect(page).to_have_url(f"{live_server.url}/database/result?purpose=app&data_shape=key_value&scale=steady&audit=no")
    expect(page.locator("#top-name")).to_contain_text("Amazon DynamoDB")


def test_not_sure_says_which_answer_would_change_the_outcome(live_server, watched: Page):
    page = watched
    page.goto(f"{live_server.url}/database/result?purpose=not_sure")
    expect(page.locator("#unsure-heading")).to_have_text("Where “Not sure” matters")
    expect(page.locator(".unsure")).to_contain_text("Amazon Redshift comes out on top")


def test_save_open_and_export_a_snapshot(live_server, watched: Page):
    page = watched
    page.goto(f"{live_server.url}/database/result?purpose=analytics")
    headline = page.locator("h1").inner_text()
    page.get_by_role("button", name="Save a permanent link").click()
    # JavaScript makes the link a button that shows the small form in place; the result page itself carries no CSRF token.
    page.get_by_role("button", name="Save and open the permanent link").click()
    expect(page).to_have_url(re.compile(r"/s/[A-Za-z0-9_-]{22}$"))
    expect(page.locator("h1")).to_have_text(headline)
    expect(page.locator(".notice")).to_contain_text("A saved result, kept exactly as it was")
    shot(page, "snapshot-desktop")
    slug = page.url.rsplit("/", 1)[1]
    saved = page.request.get(f"{live_server.url}/s/{slug}.json").json()
    assert saved["answers"] == {"purpose": "analytics"}
    assert saved["result"]["top"]["id"] == "redshift"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a decision record (Markdown)").click()
    text = download.value.path().read_text()
    assert text.startswith("# Which database? — decision record")
    assert "## Alternatives considered" in text


def test_snapshot_after_the_rules_changed_links_to_the_comparison(live_server, watched: Page):
    page = watched
    page.goto(f"{live_server.url}/database/share?purpose=analytics")
    page.get_by_role("button", name="Save and open the permanent link").click()
    expect(page).to_have_url(re.compile(r"/s/[A-Za-z0-9_-]{22}$"))  # the 303 has landed
    slug = page.url.rsplit("/", 1)[1]
    # Pretend it was saved under older rules in which ElastiCache led.
    snapshot = Snapshot.objects.get(slug=slug)
    document = snapshot.document
    advice = document["advice"]
    advice["recommendations"].insert(0, {"id": "elasticache", "name": "Amazon ElastiCache", "score": 9, "reasons": [], "cautions": []})
    advice["ruled_out"] = [c for c in advice["ruled_out"] if c["id"] != "elasticache"]
    snapshot.rules_version = "000000000000"
    snapshot.document = document
    snapshot.save()
    page.goto(f"{live_server.url}/s/{slug}")
    expect(page.locator(".notice")).to_contain_text("The rules have changed since.")
    page.get_by_role("link", name="See what today's rules would change").click()
    expect(page.locator(".headline-change")).to_contain_text("Amazon ElastiCache then, Amazon Redshift now")
    shot(page, "compare-desktop")


def test_without_javascript_the_same_urls_work_as_plain_forms(live_server, browser):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/database/")
    answer(page, "purpose", "cache")
    expect(page).to_have_url(live_server.url + "/database/?purpose=cache")
    answer(page, "rebuildable", "yes")
    expect(page).to_have_url(live_server.url + "/database/result?purpose=cache&rebuildable=yes")
    expect(page.locator("#top-name")).to_contain_text("Amazon ElastiCache")
    shot(page, "database-result-nojs-phone")
    page.get_by_role("link", name="Save a permanent link").click()
    expect(page).to_have_url(live_server.url + "/database/share?purpose=cache&rebuildable=yes")
    shot(page, "share-nojs-phone")
    page.get_by_role("button", name="Save and open the permanent link").click()
    expect(page).to_have_url(re.compile(r"/s/[A-Za-z0-9_-]{22}$"))
    expect(page.locator("#top-name")).to_contain_text("Amazon ElastiCache")
    context.close()


def test_bad_answers_and_unknown_pages_are_explained(live_server, page: Page):
    # Not `watched`: the browser logs the 400 and 404 themselves as console errors.
    page.set_viewport_size(PHONE)
    response = page.goto(f"{live_server.url}/database/result?purpose=blob")
    assert response.status == 400
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".error-summary")).to_contain_text("'blob' is not an answer to 'purpose'")
    shot(page, "error-400-phone")
    response = page.goto(f"{live_server.url}/s/not-a-real-link")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    shot(page, "error-404-phone")
