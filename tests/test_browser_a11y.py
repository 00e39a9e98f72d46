"""Accessibility in headless Chromium (issue 10, items 17-21): axe-core on every page kind in
light and dark, and what axe cannot see: titles, focus, status messages, failed requests.

Answer paths come from the rule book the app serves (advisor.rulebook), never from its content.
"""

import itertools
import re
from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from advisor.engine import evaluate
from advisor.models import Snapshot
from advisor.rulebook import rulebook

from .conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
AXE = Axe()


def walk(domain) -> list[tuple[str, str]]:
    """A complete path: each question answered with its first sure choice."""
    answers: dict[str, str] = {}
    while (question := evaluate(domain, answers, rules_version="").next_question) is not None:
        answers[question.id] = next(c for c in question.offered_choices if not c.unsure).id
    return list(answers.items())


def leader_changing_walk():
    """(domain, answers) of an example along which the leader changes at least once."""
    for domain in rulebook().domains:
        for example in domain.examples:
            leaders = [evaluate(domain, dict(example.answers[:n]), rules_version="") for n in range(len(example.answers))]
            names = {a.recommendations[0].candidate.name for a in leaders if a.recommendations}
            if len(names) > 1:
                return domain, list(example.answers)
    pytest.fail("no example of the test rule book changes the leader on its way")


def title_of(domain, question_id: str) -> str:
    return f"{domain.question(question_id).text} — {domain.title}"


def answer(page: Page, question_id: str, choice_id: str) -> None:
    page.locator(f"#{question_id}-{choice_id}").check()
    page.get_by_role("button", name="Continue").click()


def shot(page: Page, name: str, part: str = "") -> None:
    """A screenshot of the whole page, or of the part (a selector) a test is about."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if part:
        page.locator(part).screenshot(path=SCREENSHOTS / f"{name}.png")
    else:
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def axe_violations(page: Page) -> list[str]:
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in results.response["violations"]
    ]


def focused(page: Page) -> str:
    return page.evaluate("document.activeElement.tagName + ' ' + document.activeElement.textContent.trim()")


@pytest.fixture
def journal(page: Page):
    """The page, failing the test on an uncaught exception or a CSP violation (a 4xx in the
    console is expected where a test asks for one)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Content-Security-Policy" in m.text else None)
    yield page
    assert errors == []


# axe-core on every page kind --------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_any_page_kind(live_server, browser: Browser, scheme):
    context = browser.new_context(color_scheme=scheme, viewport=DESKTOP)
    page = context.new_page()
    domain = rulebook().domains[0]
    path = walk(domain)
    seen: dict[str, list[str]] = {}

    def check(kind: str) -> None:
        seen[kind] = axe_violations(page)
        shot(page, f"a11y-{kind}-{scheme}")

    page.goto(live_server.url + "/")
    check("home")
    page.goto(f"{live_server.url}/{domain.id}/")
    check("question")
    page.evaluate("window.stillThisPage = true")
    answer(page, *path[0])
    expect(page.locator("#step h1")).to_have_text(domain.question(path[1][0]).text)
    assert page.evaluate("window.stillThisPage === true")
    check("htmx-step")
    # Busy: what a slow step shows, held still for axe's contrast check.
    page.evaluate("document.getElementById('step').classList.add('htmx-request')")
    check("busy-step")
    page.goto(f"{live_server.url}/{domain.id}/result?{urlencode(path)}")
    check("result")
    page.get_by_role("button", name="Save a permanent link").click()
    expect(page.locator("#share-slot form")).to_be_visible()
    check("result-share-open")
    shot(page, f"a11y-share-form-{scheme}", ".actions")
    page.goto(f"{live_server.url}/{domain.id}/share?{urlencode(path)}")
    check("share")
    page.get_by_role("button", name="Save and open the permanent link").click()
    expect(page).to_have_url(re.compile(r"/s/[A-Za-z0-9_-]{22}$"))
    check("saved")
    slug = page.url.rsplit("/", 1)[1]
    Snapshot.objects.filter(slug=slug).update(rules_version="000000000000")
    page.goto(f"{live_server.url}/s/{slug}/compare")
    expect(page.locator("h1")).to_have_text("What today's rules would change")
    check("compare")
    assert page.goto(f"{live_server.url}/{domain.id}/result?{path[0][0]}=no-such-choice").status == 400
    check("error-400")
    assert page.goto(f"{live_server.url}/s/not-a-real-link").status == 404
    check("error-404")
    context.close()
    assert {kind: found for kind, found in seen.items() if found} == {}
    assert len(seen) == 11


def contrast(page: Page, selector: str) -> float:
    """WCAG contrast of an element's text against its own background, opacity included."""
    return page.evaluate(
        """(selector) => {
          const el = document.querySelector(selector), style = getComputedStyle(el);
          const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
          const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
            .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
          let back = rgb(style.backgroundColor), fore = rgb(style.color);
          const page = rgb(getComputedStyle(document.body).backgroundColor);
          let alpha = 1;
          for (let e = el; e; e = e.parentElement) alpha *= Number(getComputedStyle(e).opacity);
          const mix = (c) => c.slice(0, 3).map((v, i) => v * alpha + page[i] * (1 - alpha));
          back = mix(back); fore = mix(fore);
          const [a, b] = [lum(fore), lum(back)].sort((x, y) => y - x);
          return (a + 0.05) / (b + 0.05);
        }""",
        selector,
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_busy_continue_button_keeps_its_contrast(live_server, browser: Browser, scheme):
    context = browser.new_context(color_scheme=scheme, viewport=PHONE)
    page = context.new_page()
    domain = rulebook().domains[0]
    page.goto(f"{live_server.url}/{domain.id}/")
    button = "#step button[type=submit]"
    idle = contrast(page, button)
    page.evaluate("document.getElementById('step').classList.add('htmx-request')")
    expect(page.locator("#step .loading")).to_be_visible()
    busy = contrast(page, button)
    shot(page, f"a11y-busy-{scheme}-phone")
    context.close()
    assert busy == pytest.approx(idle)
    assert busy >= 4.5


# 17: the title follows each step, and Back; focus lands on the question -------


def test_the_title_and_focus_follow_each_step_and_back(live_server, journal: Page):
    page = journal
    domain = rulebook().domains[0]
    path = walk(domain)
    assert len(path) >= 3, "the first domain of the test rule book needs three questions on its first path"
    page.goto(f"{live_server.url}/{domain.id}/")
    expect(page).to_have_title(title_of(domain, path[0][0]))
    page.evaluate("window.stillThisPage = true")
    for done in (1, 2):
        answer(page, *path[done - 1])
        expect(page).to_have_title(title_of(domain, path[done][0]))
        expect(page.locator("#step h1")).to_be_focused()
    assert page.evaluate("window.stillThisPage === true"), "the steps reloaded the page"
    # Back and Forward: htmx puts the step back from its cache, title and all, and focuses its question.
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/{domain.id}/?{urlencode(path[:1])}")
    expect(page).to_have_title(title_of(domain, path[1][0]))
    expect(page.locator("#step h1")).to_be_focused()
    page.go_back()
    expect(page).to_have_title(title_of(domain, path[0][0]))
    expect(page.locator("#step h1")).to_have_text(domain.question(path[0][0]).text)
    expect(page.locator("#step h1")).to_be_focused()
    page.go_forward()
    expect(page).to_have_title(title_of(domain, path[1][0]))
    expect(page.locator("#step h1")).to_be_focused()
    # With htmx's history cache gone, it asks the server for the whole page: the title still follows.
    # (htmx keeps 10 steps; an older one is asked for again with HX-History-Restore-Request.)
    page.evaluate("sessionStorage.removeItem('htmx-history-cache')")
    with page.expect_response(lambda r: r.request.headers.get("hx-history-restore-request") == "true"):
        page.go_back()
    expect(page).to_have_title(title_of(domain, path[0][0]))
    expect(page.locator("#step h1")).to_be_focused()
    assert page.evaluate("window.stillThisPage === true")


# 18: a failed htmx request shows the error page ---------------------------------


def test_a_step_the_server_refuses_shows_its_error_page(live_server, journal: Page):
    page = journal
    domain = rulebook().domains[0]
    question_id, choice_id = walk(domain)[0]
    page.goto(f"{live_server.url}/{domain.id}/")
    # As if a rules deploy had dropped this choice while the page was open.
    page.locator(f"#{question_id}-{choice_id}").evaluate("(radio) => { radio.value = 'retired-choice'; radio.checked = true; }")
    with page.expect_response(lambda r: r.status == 400 and r.request.headers.get("hx-request") is None):
        page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/{domain.id}/?{question_id}=retired-choice")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("alert")).to_contain_text("'retired-choice' is not an answer to")
    shot(page, "a11y-failed-step-desktop")


@pytest.mark.parametrize("failure", ["500", "network"])
def test_a_step_that_fails_loads_the_whole_page(live_server, journal: Page, failure):
    page = journal
    domain = rulebook().domains[0]
    path = walk(domain)
    failed = []

    def fail_htmx_steps(route):
        if route.request.headers.get("hx-request") != "true":
            return route.continue_()
        failed.append(route.request.url)
        if failure == "500":
            return route.fulfill(status=500, body="Server Error", content_type="text/html")
        return route.abort("connectionreset")

    page.route(re.compile(rf"/{domain.id}/\?"), fail_htmx_steps)
    page.goto(f"{live_server.url}/{domain.id}/")
    page.evaluate("window.stillThisPage = true")
    answer(page, *path[0])
    # The same URL, loaded whole: here the server answers it, so the next question shows.
    expect(page).to_have_url(f"{live_server.url}/{domain.id}/?{urlencode(path[:1])}")
    expect(page.locator("h1")).to_have_text(domain.question(path[1][0]).text)
    assert page.evaluate("window.stillThisPage") is None, "the page was not reloaded"
    assert failed == [f"{live_server.url}/{domain.id}/?{urlencode(path[:1])}"]


# 19: copy feedback is announced --------------------------------------------------


def test_copy_link_says_so_in_a_status_region(live_server, browser: Browser):
    context = browser.new_context(viewport=PHONE, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    domain = rulebook().domains[0]
    page.goto(f"{live_server.url}/{domain.id}/result?{urlencode(walk(domain))}")
    status = page.locator(".actions [role=status]")
    expect(status).to_have_text("")
    page.get_by_role("button", name="Copy link").click()
    expect(status).to_have_text("Link copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == page.url
    # The button's own name stays: its purpose has not changed.
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    shot(page, "a11y-copied-phone", ".actions")
    context.close()


# 20: one permanent status says who leads, only when that changes ------------------


def test_the_leader_is_announced_only_when_it_changes(live_server, journal: Page):
    page = journal
    domain, answers = leader_changing_walk()
    page.goto(f"{live_server.url}/{domain.id}/")
    expect(page.locator("#standing [aria-live]")).to_have_count(0)
    # Count every change to the status's text; mark the element to know it is never replaced.
    page.evaluate(
        """() => {
          const status = document.getElementById('leader-status');
          status.original = true;
          window.statusTexts = [];
          new MutationObserver(() => window.statusTexts.push(status.textContent))
            .observe(status, {childList: true, characterData: true, subtree: true});
        }"""
    )
    leaders = [page.locator("#standing .standing-name").first.inner_text()]
    for index, step in enumerate(answers[:-1]):
        answer(page, *step)
        expect(page.locator("#step h1")).to_have_text(domain.question(answers[index + 1][0]).text)
        leaders.append(page.locator("#standing .standing-name").first.inner_text())
        expect(page.locator("#standing [aria-live]")).to_have_count(0)
    changes = [f"Leading so far: {now}." for before, now in itertools.pairwise(leaders) if now != before]
    assert changes, "the walk was chosen for a leader that changes"
    assert page.evaluate("document.getElementById('leader-status').original") is True
    assert page.evaluate("window.statusTexts") == changes


# 21: "Save a permanent link" is a disclosure button; focus moves to the form --------


def test_save_a_permanent_link_expands_the_form_and_moves_focus(live_server, journal: Page):
    page = journal
    page.set_viewport_size(PHONE)
    domain = rulebook().domains[0]
    page.goto(f"{live_server.url}/{domain.id}/result?{urlencode(walk(domain))}")
    expect(page.get_by_role("link", name="Save a permanent link")).to_have_count(0)
    toggle = page.get_by_role("button", name="Save a permanent link")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_have_attribute("aria-controls", "share-slot")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    form = page.get_by_role("form", name="Save a permanent link")
    expect(form).to_be_focused()
    shot(page, "a11y-share-open-phone", ".actions")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save and open the permanent link")).to_be_focused()
    # Pressed again, it hides the form; once more, it shows it without asking the server again.
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(form).to_be_hidden()
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "/share?" in request.url else None)
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(form).to_be_focused()
    assert asked == []
    page.get_by_role("button", name="Save and open the permanent link").click()
    expect(page).to_have_url(re.compile(r"/s/[A-Za-z0-9_-]{22}$"))


def test_save_a_permanent_link_without_javascript_is_a_link(live_server, browser: Browser):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    domain = rulebook().domains[0]
    path = walk(domain)
    page.goto(f"{live_server.url}/{domain.id}/result?{urlencode(path)}")
    page.get_by_role("link", name="Save a permanent link").click()
    expect(page).to_have_url(f"{live_server.url}/{domain.id}/share?{urlencode(path)}")
    context.close()


def test_change_links_under_not_sure_name_their_question(live_server, journal: Page):
    page = journal
    for domain in rulebook().domains:
        answers: dict[str, str] = {}
        while (question := evaluate(domain, answers, rules_version="").next_question) is not None:
            answers[question.id] = next((c for c in question.offered_choices if c.unsure), question.offered_choices[0]).id
        page.goto(f"{live_server.url}/{domain.id}/result?{urlencode(answers)}")
        if page.locator(".unsure").count():
            break
    else:
        pytest.fail("no domain of the test rule book has a 'Where Not sure matters' result")
    links = page.locator(".unsure a")
    for i in range(links.count()):
        expect(links.nth(i)).to_have_accessible_name(re.compile(r"^Change this answer to “.+\?”$"))


def test_back_from_the_result_focuses_the_last_question(live_server, journal: Page):
    page = journal
    domain = rulebook().domains[0]
    path = walk(domain)
    page.goto(f"{live_server.url}/{domain.id}/?{urlencode(path[:-1])}")
    answer(page, *path[-1])
    expect(page).to_have_url(f"{live_server.url}/{domain.id}/result?{urlencode(path)}")
    page.go_back()
    expect(page).to_have_title(title_of(domain, path[-1][0]))
    expect(page.locator("#step h1")).to_be_focused()
