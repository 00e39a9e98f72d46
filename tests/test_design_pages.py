"""Design pages without a browser, over the tests' own blueprint (tests/rules/blueprints/small-app.yaml):
the questionnaire across decisions, the pure result page, Markdown, saving and saved designs, bad input."""

import shutil
from html.parser import HTMLParser
from http import HTTPStatus
from urllib.parse import urlencode

import pytest

from advisor.middleware import DESIGN_MAX_FIELDS, DESIGN_MAX_QUERY_BYTES, MAX_QUERY_BYTES
from advisor.models import Snapshot

HTMX = {"HX-Request": "true"}
START = "/design/small-app/"
# Every question the blueprint can ask, answered: its longest reachable URL.
SHARED = (
    "files=shared&database.purpose=app&database.data_shape=tables&database.engine=mysql_postgres"
    "&database.scale=steady&database.audit=no&storage.clients=linux"
)
WAREHOUSE = "files=none&database.purpose=analytics"  # storage skipped; a `must` finding
UNSURE = "files=none&database.purpose=not_sure"  # the database decision is left undecided


def page(client, url, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == HTTPStatus.OK, (url, response.status_code, response.get("Location"))
    return response.content.decode()


class _ChangeForm(HTMLParser):
    """A result page's one hidden form of answers and the Change buttons that submit it."""

    def __init__(self):
        super().__init__()
        self.action, self.fields, self.buttons, self.closed = None, [], {}, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "change-answer":
            self.action = attrs["action"]
            assert attrs.get("method") == "get"
        elif tag == "input" and self.action is not None and attrs.get("type") == "hidden" and not self.closed:
            self.fields.append((attrs["name"], attrs["value"]))
        elif tag == "button" and attrs.get("form") == "change-answer":
            self.buttons[attrs["value"]] = attrs

    def handle_endtag(self, tag):
        if tag == "form" and self.action is not None:
            self.closed = True


def change_url(content: str, key: str) -> str:
    """Where the Change button for `key` goes: what a browser's GET submission of the form opens."""
    form = _ChangeForm()
    form.feed(content)
    assert form.action is not None, "no change form on the page"
    assert key in form.buttons, f"no Change button for {key}: {sorted(form.buttons)}"
    assert form.buttons[key]["name"] == "edit"
    assert form.buttons[key]["type"] == "submit"
    return f"{form.action}?{urlencode([*form.fields, ('edit', key)])}"


# The list and the questionnaire ----------------------------------------------------


def test_home_links_to_the_designs(client):
    assert 'href="/design/"' in page(client, "/")


def test_design_list_names_each_blueprint_and_its_decisions(client):
    content = page(client, "/design/")
    assert '<a href="/design/small-app/">A small application</a>' in content
    assert "2 decisions: Which database?; Where do the files live?" in content


def test_questionnaire_starts_with_the_blueprints_own_question(client):
    response = client.get(START)
    content = response.content.decode()
    assert response["Vary"] == "HX-Request"
    assert '<legend><h1 tabindex="-1">Does the application keep files?</h1></legend>' in content
    assert 'type="radio" id="files-shared" name="files" value="shared" required' in content
    assert "Before the decisions · A small application" in content
    assert 'action="/design/small-app/"' in content
    assert 'hx-get="/design/small-app/"' in content
    # The sketch: nothing decided yet.
    assert content.count("Not decided yet") == 2
    assert "<title>Does the application keep files? — A small application</title>" in content


def test_a_decisions_question_is_grouped_under_its_title(client):
    content = page(client, f"{START}?files=shared")
    assert "1 of 2 · Which database?" in content
    assert '<h1 tabindex="-1">What is the database for?</h1>' in content
    assert 'id="database--purpose-app" name="database.purpose" value="app"' in content
    assert '<input type="hidden" name="files" value="shared">' in content
    assert "<title>What is the database for? — Which database? — A small application</title>" in content


def test_htmx_step_is_a_fragment_with_its_title_and_the_sketch_out_of_band(client):
    response = client.get(f"{START}?files=shared", headers=HTMX)
    content = response.content.decode()
    assert content.lstrip().startswith("<title>What is the database for? — Which database? — A small application</title>")
    assert '<div id="step" class="step">' in content
    assert "<html" not in content
    assert '<aside id="sketch" class="standing sketch" aria-labelledby="sketch-heading" data-latest="" hx-swap-oob="true">' in content
    assert response["HX-Push-Url"] == f"{START}?files=shared"


def test_one_status_outside_the_swaps_says_which_decision_was_settled(client):
    content = page(client, f"{START}?{SHARED.removesuffix('&storage.clients=linux')}")
    sketch = content[content.index('<aside id="sketch"') : content.index("</aside>")]
    assert "aria-live" not in sketch
    assert 'data-latest="Which database?: Amazon RDS."' in sketch
    step = content[content.index('<div id="step"') : content.index('<aside id="sketch"')]
    assert 'id="sketch-status"' not in step
    assert '<p id="sketch-status" class="visually-hidden" role="status" data-said="Which database?: Amazon RDS."></p>' in content


def test_history_restore_gets_the_whole_page(client):
    response = client.get(f"{START}?files=shared", headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert b"<!doctype html>" in response.content
    assert "HX-Push-Url" not in response


def test_a_carried_answer_is_not_asked_again(client):
    database_done = SHARED.removesuffix("&storage.clients=linux")
    content = page(client, f"{START}?{database_done}")
    # "How does your software reach its data?" was answered by `files=shared`.
    assert "2 of 2 · Where do the files live?" in content
    # The bar counts the decisions settled, out of the blueprint's decisions, as the sketch numbers them.
    assert '<progress class="progress" value="1" max="2"' in content
    assert '<h1 tabindex="-1">Which operating systems mount the files?</h1>' in content
    assert "How does your software reach its data?" not in content
    # The sketch shows the decision made.
    assert '<span class="sketch-title">Which database?</span>\n      <span class="sketch-state">Amazon RDS</span>' in content


def test_the_sketch_says_why_a_decision_is_not_needed(client):
    content = page(client, f"{START}?{WAREHOUSE}&edit=database.purpose")
    assert "Not needed for these answers (“Does the application keep files?”: No files)" in content
    assert '<span class="sketch-state">Amazon Redshift</span>' in content
    assert "Needs so far" in content
    assert "Keep the warehouse in private subnets" in content


def test_answers_in_another_order_redirect_to_the_canonical_url(client):
    response = client.get(f"{START}?database.purpose=app&files=shared")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{START}?files=shared&database.purpose=app"


def test_answers_to_a_skipped_decision_are_dropped(client):
    response = client.get(f"{START}?{WAREHOUSE}&storage.clients=linux")
    assert response["Location"] == f"{START}?{WAREHOUSE}"


def test_complete_answers_go_to_the_result(client):
    response = client.get(f"{START}?{SHARED}")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{START}result?{SHARED}"
    assert client.get(f"{START}?{SHARED}", headers=HTMX)["HX-Redirect"] == f"{START}result?{SHARED}"


def test_change_link_shows_the_question_with_the_answer_chosen(client):
    content = page(client, f"{START}?{SHARED}&edit=database.data_shape")
    assert '<h1 tabindex="-1">What does your data look like?</h1>' in content
    assert 'value="tables" required checked' in content
    # Earlier answers before the question, later ones after it: the URL stays canonical.
    assert content.index('name="database.purpose" value="app"') < content.index('name="database.data_shape"')
    assert content.index('name="database.data_shape"') < content.index('type="hidden" name="database.engine"')
    assert '<span class="muted">Changing</span>' in content
    # Back shows the previous question with its answer.
    assert f'class="back-link" href="{START}?{SHARED.replace("&", "&amp;")}&amp;edit=database.purpose"' in content


def test_answers_so_far_are_grouped_by_decision_with_change_links(client):
    content = page(client, f"{START}?files=shared&database.purpose=app")
    assert '<h3 class="answer-group">A small application</h3>' in content
    assert '<h3 class="answer-group">Which database?</h3>' in content
    assert 'Change<span class="visually-hidden"> your answer to “What is the database for?”</span>' in content


def test_edit_of_an_unanswered_question_is_dropped(client):
    assert client.get(f"{START}?files=shared&edit=database.scale")["Location"] == f"{START}?files=shared"


# The result -----------------------------------------------------------------------


def test_result_shows_each_decision_with_reasons_and_a_link_to_its_own_result(client):
    content = page(client, f"{START}result?{SHARED}")
    assert '<h1 class="headline">Your design: Amazon RDS, Amazon EFS</h1>' in content
    assert '<strong class="chosen">Amazon RDS</strong>' in content
    assert "You answered <q>Tables that refer to each other</q> to “What does your data look like?”" in content
    # The decision inside a design is exactly the single-domain result, and links to it.
    assert 'href="/database/result?purpose=app&amp;data_shape=tables&amp;engine=mysql_postgres&amp;scale=steady&amp;audit=no"' in content
    assert 'href="/storage/result?access=shared_files&amp;clients=linux"' in content
    assert "Answered for you from earlier answers: “How does your software reach its data?” → Files shared by several servers." in content


def test_result_findings_are_grouped_by_severity_with_because_source_and_cost(client):
    content = page(client, f"{START}result?{SHARED}")
    assert '<h3 class="severity-heading">Should</h3>' in content
    assert "Create an EFS mount target in every Availability Zone the servers run in." in content
    assert "without one they cross zones or fail when a zone does." in content
    assert 'href="https://docs.aws.amazon.com/efs/latest/ug/accessing-fs.html"' in content
    assert "Cost: Data read across Availability Zones is charged per GB." in content
    assert "warehouse" not in content
    must = page(client, f"{START}result?{WAREHOUSE}")
    assert '<h3 class="severity-heading">Must</h3>' in must


def test_result_lists_a_skipped_decision_with_the_answer_that_skipped_it(client):
    content = page(client, f"{START}result?{WAREHOUSE}")
    assert "Not needed for these answers: you answered <q>No files</q> to “Does the application keep files?”." in content
    assert 'href="/storage/result' not in content


def test_an_undecided_decision_says_which_answer_would_decide_it(client):
    content = page(client, f"{START}result?{UNSURE}")
    assert "<strong>Not decided by these answers.</strong>" in content
    assert (
        "If the answer to “What is the database for?” is <q>Analysing large volumes of history</q>, "
        "<strong>Amazon Redshift</strong> comes out on top." in content
    )
    assert 'name="edit" value="database.purpose">Change this answer<span class="visually-hidden"> to “What is the database for?”' in content
    assert change_url(content, "database.purpose") == f"{START}?{UNSURE}&edit=database.purpose"
    assert "What is the database for?" in page(client, change_url(content, "database.purpose"))


def test_a_decided_decision_with_a_not_sure_answer_says_what_would_change_it(client):
    query = (
        "files=none&database.purpose=app&database.data_shape=tables&database.engine=mysql_postgres"
        "&database.scale=not_sure&database.audit=no"
    )
    content = page(client, f"{START}result?{query}")
    assert '<strong class="chosen">Amazon RDS</strong>' in content
    assert "If the answer to “How busy will it be at peak?” is <q>High and growing</q>, " in content
    assert "<strong>Amazon Aurora</strong> comes out on top instead." in content
    assert change_url(content, "database.scale") == f"{START}?{query}&edit=database.scale"


def test_result_answers_have_change_buttons_that_open_the_question_with_every_answer_kept(client):
    content = page(client, f"{START}result?{SHARED}")
    for pair in SHARED.split("&"):
        key = pair.split("=")[0]
        assert change_url(content, key) == f"{START}?{SHARED}&edit={key}"
    assert content.count('form="change-answer"') == len(SHARED.split("&"))
    # The answers are written once, however many Change buttons there are: the page grows linearly.
    # The form, its button, and the links to the diagram, template, Markdown and share page.
    assert content.count("database.data_shape") == 6
    assert "Which operating systems mount the files?" in page(client, change_url(content, "storage.clients"))


def test_result_is_a_pure_page_with_etag_and_304(client):
    response = client.get(f"{START}result?{SHARED}")
    assert b"csrfmiddlewaretoken" not in response.content
    assert not response.cookies
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    etag = response["ETag"]
    assert etag.startswith('"')
    again = client.get(f"{START}result?{SHARED}", headers={"If-None-Match": etag})
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert client.get(f"{START}result?{SHARED}").content == response.content


@pytest.mark.parametrize(
    "query",
    [
        "database.purpose=analytics&files=none",  # another order
        f"{WAREHOUSE}&storage.clients=linux",  # an answer to a skipped decision
        "files=n%6Fne&database.purpose=analytics",  # another spelling
    ],
)
def test_result_in_another_spelling_redirects_permanently(client, query):
    response = client.get(f"{START}result?{query}")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == f"{START}result?{WAREHOUSE}"
    assert "max-age=300" in response["Cache-Control"]


def test_incomplete_result_goes_back_into_the_questionnaire(client):
    response = client.get(f"{START}result?files=shared&database.purpose=app")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{START}?files=shared&database.purpose=app"


def test_markdown_is_one_decision_record_for_the_whole_design(client):
    response = client.get(f"{START}result.md?{SHARED}")
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["ETag"]
    text = response.content.decode()
    assert text.startswith("# A small application — design decision record")
    for heading in ("## Context", "## Decisions", "### Which database?", "### Where do the files live?", "## Consequences", "## Sources"):
        assert heading in text
    assert "Use **Amazon RDS**" in text
    assert "Use **Amazon EFS**" in text
    assert "- **Should:** Create an EFS mount target" in text
    assert "&amp;" not in text
    assert "&#x27;" not in text
    skipped = client.get(f"{START}result.md?{WAREHOUSE}").content.decode()
    assert "Not needed for these answers (“Does the application keep files?” → No files)." in skipped


# Request limits -----------------------------------------------------------------------


def test_the_longest_reachable_design_url_passes_the_limits(client):
    # SHARED answers every question small-app can ask; a Change link adds `&edit=<key>`.
    page(client, f"{START}result?{SHARED}")
    page(client, f"{START}?{SHARED}&edit=database.data_shape")
    assert client.get(f"/api/v1/blueprints/small-app/recommend?{SHARED}").status_code == HTTPStatus.OK


def test_shipped_blueprints_longest_urls_fit_the_design_limits(shipped):
    """An upper bound on any reachable URL: every question of the blueprint and of its decisions
    answered once, each with its longest choice id. No walk of the product of the decisions needed."""
    for blueprint in getattr(shipped, "blueprints", ()):
        pairs = [max((f"{q.id}={c.id}" for c in q.choices), key=len) for q in blueprint.questions]
        for decision in blueprint.decisions:
            domain = shipped.domain(decision.domain)
            pairs += [max((f"{domain.id}.{q.id}={c.id}" for c in q.choices), key=len) for q in domain.asked_questions]
        query = "&".join(pairs)
        assert len(query) <= DESIGN_MAX_QUERY_BYTES - len("&edit=") - 100, (blueprint.id, len(query))
        assert len(pairs) + 1 <= DESIGN_MAX_FIELDS, (blueprint.id, len(pairs))


def test_design_paths_have_room_that_domain_paths_do_not(client):
    # 3,000 characters and 80 answers: too long for a domain, fine for a design (the answers
    # are then judged on their merits: unknown ones are a 400 that says so, not "too long").
    query = "&".join(f"q{i:03d}=" + "x" * 32 for i in range(80))
    assert MAX_QUERY_BYTES < len(query) < DESIGN_MAX_QUERY_BYTES
    assert b"too long" in client.get(f"/database/?{query}").content
    design = client.get(f"{START}?{query}")
    assert design.status_code == HTTPStatus.BAD_REQUEST
    assert b"too long" not in design.content
    assert b"too many" not in design.content
    api = client.get(f"/api/v1/blueprints/small-app/recommend?{query}")
    assert api.status_code == HTTPStatus.BAD_REQUEST
    assert api.json()["error"] != "bad-request"


def test_domain_paths_keep_their_tighter_count_of_answers(client):
    query = "&".join(f"q{i}=a" for i in range(60))
    assert b"too many answers (over 50)" in client.get(f"/database/?{query}").content
    assert b"too many answers" not in client.get(f"{START}?{query}").content


@pytest.mark.django_db
def test_the_design_share_form_may_post_a_design_worth_of_answers(client):
    # Django's own field limit (DATA_UPLOAD_MAX_NUMBER_FIELDS) would answer a bare 400 first.
    form = {f"database.q{i}": "a" for i in range(90)}
    response = client.post(f"{START}share", form)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"is not a question of database" in response.content


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("x=" + "y" * DESIGN_MAX_QUERY_BYTES, b"The address is too long"),
        ("&".join(f"q{i}=a" for i in range(DESIGN_MAX_FIELDS + 1)), b"too many answers"),
    ],
)
def test_design_paths_still_have_limits(client, query, message):
    response = client.get(f"{START}result?{query}")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content


# Saving and saved designs ---------------------------------------------------------------


def _save(client, query=SHARED) -> str:
    response = client.post(f"{START}share", dict(pair.split("=") for pair in query.split("&")))
    assert response.status_code == HTTPStatus.SEE_OTHER, response.content
    return response["Location"].removeprefix("/s/")


@pytest.mark.django_db
def test_share_form_then_a_frozen_saved_design(client):
    form = client.get(f"{START}share?{SHARED}")
    assert b"csrfmiddlewaretoken" in form.content
    assert b'<input type="hidden" name="database.purpose" value="app">' in form.content
    fragment = client.get(f"{START}share?{SHARED}", headers=HTMX)
    assert fragment.content.lstrip().startswith(b'<form class="share-form"')
    slug = _save(client)
    saved = Snapshot.objects.get(slug=slug)
    assert saved.kind == "design"
    assert saved.domain == "small-app"
    assert saved.answers == [pair.split("=") for pair in SHARED.split("&")]
    content = page(client, f"/s/{slug}")
    assert "A saved design, kept exactly as it was" in content
    assert "Your design: Amazon RDS, Amazon EFS" in content
    assert 'class="summary-action"' not in content  # frozen: no Change buttons
    assert 'id="change-answer"' not in content
    assert f'href="{START}result?' in content  # "Open with today's rules"
    data = client.get(f"/s/{slug}.json").json()
    assert data["kind"] == "design"
    assert data["blueprint"] == "small-app"
    assert data["answers"]["storage.clients"] == "linux"
    assert [d["chosen"]["id"] for d in data["result"]["decisions"]] == ["rds", "efs"]
    markdown = client.get(f"/s/{slug}.md")
    assert markdown.content.decode().startswith("# A small application — design decision record")
    assert f"Saved design {slug}" in markdown.content.decode()
    assert "Every decision is the same." in page(client, f"/s/{slug}/compare")


@pytest.mark.django_db
def test_saved_design_shows_what_was_saved_and_compare_shows_what_moved(client):
    slug = _save(client)
    saved = Snapshot.objects.get(slug=slug)
    document = saved.document
    document["decisions"][0]["chosen"]["name"] = "Amazon Aurora"
    document["findings"] = []
    saved.document, saved.rules_version = document, "000000000000"
    saved.save()
    content = page(client, f"/s/{slug}")
    assert "Your design: Amazon Aurora, Amazon EFS" in content  # exactly what was saved
    assert "The rules have changed since" in content
    compare = page(client, f"/s/{slug}/compare")
    assert "<strong>The design changed.</strong>" in compare
    assert "<td>Which database?</td><td>Amazon Aurora</td><td>Amazon RDS</td>" in compare
    assert "Create an EFS mount target" in compare.split("Findings that appeared")[1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "says"),
    [
        ([["files", "shared"], ["database.purpose", "app"]], "answer the new questions"),
        ([["files", "blob"]], "can no longer read these answers: &#x27;blob&#x27; is not an answer to &#x27;files&#x27;"),
    ],
    ids=["today-asks-more", "today-cannot-read"],
)
def test_compare_when_todays_rules_cannot_give_a_whole_design(client, answers, says):
    slug = _save(client)
    Snapshot.objects.filter(slug=slug).update(answers=answers)
    assert says in page(client, f"/s/{slug}/compare")


@pytest.mark.django_db
def test_saved_design_opens_after_its_blueprint_is_removed(client, settings, tmp_path, monkeypatch):
    from advisor import rulebook as holder

    slug = _save(client, WAREHOUSE)
    today = tmp_path / "rules"
    shutil.copytree(settings.ADVISOR_RULES_DIR, today)
    shutil.rmtree(today / "blueprints")
    monkeypatch.setattr(holder, "_book", holder.rulebook_load(today, display_root=settings.BASE_DIR))
    assert client.get(f"{START}result?{WAREHOUSE}").status_code == HTTPStatus.NOT_FOUND
    content = page(client, f"/s/{slug}")
    assert "Your design: Amazon Redshift" in content
    assert "Keep the warehouse in private subnets" in content
    assert f'href="{START}' not in content  # nothing links to a blueprint that is gone
    assert page(client, f"/s/{slug}.md").startswith("# A small application — design decision record")
    assert client.get(f"/s/{slug}.json").json()["blueprint"] == "small-app"
    assert "Today&#x27;s rules no longer have the &#x27;small-app&#x27; design guide." in page(client, f"/s/{slug}/compare")


@pytest.mark.django_db
def test_share_post_with_incomplete_answers_is_refused(client):
    response = client.post(f"{START}share", {"files": "shared"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"not complete" in response.content
    assert client.get(f"{START}share?files=shared")["Location"] == f"{START}?files=shared"
    assert Snapshot.objects.count() == 0


@pytest.mark.django_db
def test_share_post_needs_the_csrf_token():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"{START}share", {"files": "none", "database.purpose": "analytics"}).status_code == HTTPStatus.FORBIDDEN
    assert Snapshot.objects.count() == 0


@pytest.mark.django_db
def test_domain_and_design_saves_share_one_budget(client, settings):
    settings.ADVISOR_SNAPSHOTS_PER_HOUR = 1
    assert client.post("/database/share", {"purpose": "analytics"}).status_code == HTTPStatus.SEE_OTHER
    refused = client.post(f"{START}share", {"files": "none", "database.purpose": "analytics"})
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(refused["Retry-After"]) > 0
    assert Snapshot.objects.count() == 1


# Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/design/nowhere/", HTTPStatus.NOT_FOUND, "There is no design guide called &#x27;nowhere&#x27;."),
        ("/design/nowhere/result?a=b", HTTPStatus.NOT_FOUND, "There is no design guide called"),
        ("/design/nowhere/share", HTTPStatus.NOT_FOUND, "There is no design guide called"),
        (f"{START}?network.kind=vpc", HTTPStatus.BAD_REQUEST, "&#x27;network&#x27; is not a decision of small-app"),
        (f"{START}?colour=red", HTTPStatus.BAD_REQUEST, "&#x27;colour&#x27; is not a question of small-app"),
        (f"{START}?database.colour=red", HTTPStatus.BAD_REQUEST, "&#x27;colour&#x27; is not a question of database"),
        (f"{START}result?files=blob", HTTPStatus.BAD_REQUEST, "&#x27;blob&#x27; is not an answer to &#x27;files&#x27;"),
        (f"{START}result?files=none&files=shared", HTTPStatus.BAD_REQUEST, "&#x27;files&#x27; is answered more than once"),
        (f"{START}?files=", HTTPStatus.BAD_REQUEST, "no answer was given for &#x27;files&#x27;"),
        (f"{START}share?files=blob", HTTPStatus.BAD_REQUEST, "is not an answer"),
        (f"{START}result.md?files=blob", HTTPStatus.BAD_REQUEST, "is not an answer"),
    ],
)
def test_bad_input_is_a_clear_4xx(client, url, status, message):
    response = client.get(url)
    assert response.status_code == status
    content = response.content.decode()
    assert message in content
    assert "<title>Error: " in content
    assert "Traceback" not in content


@pytest.mark.parametrize("url", ["/design/", START, f"{START}result?{WAREHOUSE}", f"{START}result.md?{WAREHOUSE}"])
def test_design_pages_refuse_other_methods(client, url):
    response = client.put(url)
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "GET, HEAD"
