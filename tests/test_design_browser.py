"""A person's walk through a design in headless Chromium, over the tests' own blueprint (small-app):
with and without JavaScript, phone and desktop, through to a saved link and its comparison.

Screenshots go under test-results/screenshots/design-*.png. Any console error fails a walk.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from .test_browser import DESKTOP, PHONE, shot, watched  # noqa: F401 - `watched` is a fixture
from .test_browser_a11y import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every question small-app asks on its longest path: storage's first question is carried from `files`.
WALK = [
    ("files", "shared", "Does the application keep files?"),
    ("database.purpose", "app", "What is the database for?"),
    ("database.data_shape", "tables", "What does your data look like?"),
    ("database.engine", "mysql_postgres", "Must it run a particular database engine?"),
    ("database.scale", "steady", "How busy will it be at peak?"),
    ("database.audit", "no", "Must you keep a verifiable history of every change?"),
    ("storage.clients", "linux", "Which operating systems mount the files?"),
]
QUERY = "&".join(f"{key}={choice}" for key, choice, _ in WALK)
SLUG = re.compile(r"/s/[A-Za-z0-9_-]{22}$")


def answer(page: Page, key: str, choice: str) -> None:
    page.locator(f"#{key.replace('.', '--')}-{choice}").check()
    page.get_by_role("button", name="Continue").click()


def save_and_open(page: Page) -> None:
    # A link to the share page; with the accessibility script a button that shows the form in place.
    page.get_by_role("link", name="Save a permanent link").or_(page.get_by_role("button", name="Save a permanent link")).click()
    page.get_by_role("button", name="Save and open the permanent link").click()
    expect(page).to_have_url(SLUG)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_walk_a_design_with_javascript(live_server, watched: Page, size):  # noqa: F811
    page = watched
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Design a whole system").click()
    expect(page).to_have_url(live_server.url + "/design/")
    shot(page, f"design-list-{size}")
    page.get_by_role("link", name="A small application").click()
    page.evaluate("window.stillThisPage = true")  # htmx steps swap in place: this survives them
    given = []
    for index, (key, choice, text) in enumerate(WALK):
        expect(page.locator("h1")).to_have_text(text)
        if key == "database.data_shape":
            expect(page.locator("#progress-text")).to_have_text("1 of 2 · Which database?")
            expect(page).to_have_title(f"{text} — Which database? — A small application")
            shot(page, f"design-question-{size}")
        if key == "storage.clients":
            expect(page.locator("#progress-text")).to_have_text("2 of 2 · Where do the files live?")
            expect(page.locator("#sketch")).to_contain_text("Amazon RDS")
            expect(page.locator("#sketch-status")).to_have_text("Which database?: Amazon RDS.")
            shot(page, f"design-question-sketch-{size}")
        answer(page, key, choice)
        given.append(f"{key}={choice}")
        if index < len(WALK) - 1:
            expect(page).to_have_url(f"{live_server.url}/design/small-app/?{'&'.join(given)}")
            assert page.evaluate("window.stillThisPage === true"), "an htmx step reloaded the page"
    expect(page).to_have_url(f"{live_server.url}/design/small-app/result?{QUERY}")
    expect(page.locator("h1")).to_have_text("Your design: Amazon RDS, Amazon EFS")
    expect(page.locator(".findings")).to_contain_text("Create an EFS mount target")
    # On a phone the diagram keeps its size and scrolls in its frame: a line says so (hidden on a desktop).
    if size == "phone":
        expect(page.locator(".diagram-hint")).to_be_visible()
    else:
        expect(page.locator(".diagram-hint")).to_be_hidden()
    shot(page, f"design-result-{size}")
    save_and_open(page)
    expect(page.locator("h1")).to_have_text("Your design: Amazon RDS, Amazon EFS")
    expect(page.locator(".notice")).to_contain_text("A saved design, kept exactly as it was")
    shot(page, f"design-saved-{size}")
    page.goto(page.url + "/compare")
    expect(page.locator(".headline-change")).to_have_text("Every decision is the same.")
    shot(page, f"design-compare-{size}")


def test_back_change_and_a_skipped_decision(live_server, watched: Page):  # noqa: F811
    page = watched
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/design/small-app/result?{QUERY}")
    # A button submitting the page's one form of answers: the questionnaire opens with every answer kept.
    page.get_by_role("button", name="Change your answer to “Does the application keep files?”").click()
    expect(page).to_have_url(re.compile(r"/design/small-app/\?files=shared&.*&edit=files$"))
    expect(page.locator("#files-shared")).to_be_checked()
    answer(page, "files", "none")
    # Storage no longer applies: its answer is dropped and the design is complete.
    expect(page).to_have_url(re.compile(r"/design/small-app/result\?files=none&database\.purpose=app&"))
    skipped = "Not needed for these answers: you answered No files to “Does the application keep files?”"
    expect(page.locator(".decision-skipped")).to_contain_text(skipped)
    shot(page, "design-result-skipped-desktop")
    page.go_back()
    expect(page.locator("h1")).to_have_text("Does the application keep files?")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_walk_a_design_without_javascript(live_server, browser, size):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE if size == "phone" else DESKTOP)
    page = context.new_page()
    page.goto(live_server.url + "/design/")
    page.get_by_role("link", name="A small application").click()
    for key, choice, text in WALK:
        expect(page.locator("h1")).to_have_text(text)
        answer(page, key, choice)
    expect(page).to_have_url(f"{live_server.url}/design/small-app/result?{QUERY}")
    expect(page.locator("h1")).to_have_text("Your design: Amazon RDS, Amazon EFS")
    shot(page, f"design-result-nojs-{size}")
    page.get_by_role("link", name="Save a permanent link").click()
    expect(page).to_have_url(f"{live_server.url}/design/small-app/share?{QUERY}")
    shot(page, f"design-share-nojs-{size}")
    page.get_by_role("button", name="Save and open the permanent link").click()
    expect(page).to_have_url(SLUG)
    expect(page.locator("h1")).to_have_text("Your design: Amazon RDS, Amazon EFS")
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_change_an_earlier_answer_mid_questionnaire(live_server, browser, javascript):
    # The answered list's Change buttons submit one hidden form of every answer with edit=<key>:
    # with JavaScript an htmx step (the page stays), without it a plain GET, to the same URL.
    context = browser.new_context(java_script_enabled=javascript, viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/design/small-app/?files=shared&database.purpose=app&database.data_shape=tables")
    if javascript:
        page.evaluate("window.stillThisPage = true")
    page.get_by_role("button", name="Change your answer to “What is the database for?”").click()
    expect(page).to_have_url(
        f"{live_server.url}/design/small-app/?files=shared&database.purpose=app&database.data_shape=tables&edit=database.purpose"
    )
    expect(page.locator("h1")).to_have_text("What is the database for?")
    expect(page.locator("#database--purpose-app")).to_be_checked()
    if javascript:
        assert page.evaluate("window.stillThisPage === true"), "the change reloaded the page"
        expect(page).to_have_title("What is the database for? — Which database? — A small application")
    context.close()


def test_design_in_dark_mode(live_server, browser):
    context = browser.new_context(color_scheme="dark", viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/design/small-app/?files=none&database.purpose=analytics&edit=database.purpose")
    shot(page, "design-question-dark-desktop")
    page.goto(f"{live_server.url}/design/small-app/result?files=none&database.purpose=not_sure")
    expect(page.locator(".would-decide")).to_contain_text("Amazon Redshift comes out on top")
    shot(page, "design-result-undecided-dark-desktop")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_design_pages(live_server, browser, scheme):
    context = browser.new_context(color_scheme=scheme, viewport=DESKTOP)
    page = context.new_page()
    seen = {}
    for kind, url in [
        ("list", "/design/"),
        ("question", f"/design/small-app/?{QUERY.rsplit('&', 1)[0]}"),
        ("edit", "/design/small-app/?files=none&database.purpose=analytics&edit=database.purpose"),
        ("result", f"/design/small-app/result?{QUERY}"),
        ("result-undecided", "/design/small-app/result?files=none&database.purpose=not_sure"),
        ("share", f"/design/small-app/share?{QUERY}"),
    ]:
        page.goto(live_server.url + url)
        seen[kind] = axe_violations(page)
    page.get_by_role("button", name="Save and open the permanent link").click()
    expect(page).to_have_url(SLUG)
    seen["saved"] = axe_violations(page)
    context.close()
    assert {kind: found for kind, found in seen.items() if found} == {}
