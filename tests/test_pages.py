"""Every page, without a browser: status codes, redirects, fragments and bad input."""

from http import HTTPStatus
from urllib.parse import urlencode

import pytest

from advisor.engine import rulebook_load
from advisor.models import Snapshot

from .conftest import TINY, write_rules

DB_COMPLETE = {"purpose": "app", "data_shape": "tables", "engine": "commercial", "scale": "steady", "audit": "no"}
HTMX = {"HX-Request": "true"}


def q(answers) -> str:
    return urlencode(list(answers.items()) if isinstance(answers, dict) else answers)


# Home -------------------------------------------------------------------------


def test_home_links_every_domain_grouped_by_area(client, app_book):
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    for domain in app_book.domains:
        assert f'href="/{domain.id}/"'.encode() in response.content
    assert b"What the advisor does not cover yet" in response.content


# Questionnaire ----------------------------------------------------------------


def test_questionnaire_starts_with_the_first_question(client):
    response = client.get("/database/")
    assert response.status_code == HTTPStatus.OK
    assert response.templates[0].name == "advisor/questionnaire.html"
    content = response.content.decode()
    assert '<h1 tabindex="-1">What is the database for?</h1>' in content
    assert 'type="radio" id="purpose-app" name="purpose" value="app" required' in content
    assert 'hx-get="/database/"' in content
    assert 'action="/database/"' in content
    assert response["Vary"] == "HX-Request"


def test_htmx_step_is_a_fragment_with_the_standing_out_of_band(client):
    response = client.get("/database/?purpose=app", headers=HTMX)
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    # Its <title> first, at the root, where htmx 2 takes it for document.title (tests/test_a11y.py).
    assert content.lstrip().startswith('<title>What does your data look like? — Which database?</title>\n<div id="step" class="step">')
    assert "<html" not in content
    assert 'id="standing" class="standing" aria-labelledby="standing-heading" hx-swap-oob="true"' in content
    assert response["HX-Push-Url"] == "/database/?purpose=app"


def test_history_restore_gets_the_whole_page(client):
    response = client.get("/database/?purpose=app", headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert b"<!doctype html>" in response.content
    assert "HX-Push-Url" not in response


def test_answers_in_another_order_redirect_to_the_canonical_url(client):
    response = client.get("/database/?data_shape=tables&purpose=app")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/database/?purpose=app&data_shape=tables"


def test_answers_that_no_longer_apply_are_dropped(client):
    response = client.get("/database/?purpose=app&data_shape=key_value&engine=commercial")
    assert response["Location"] == "/database/?purpose=app&data_shape=key_value"


def test_complete_answers_go_to_the_result(client):
    response = client.get(f"/database/?{q(DB_COMPLETE)}")
    assert response["Location"] == f"/database/result?{q(DB_COMPLETE)}"
    response = client.get(f"/database/?{q(DB_COMPLETE)}", headers=HTMX)
    assert response["HX-Redirect"] == f"/database/result?{q(DB_COMPLETE)}"


def test_change_link_shows_the_question_with_the_answer_chosen(client):
    response = client.get(f"/database/?{q(DB_COMPLETE)}&edit=data_shape")
    content = response.content.decode()
    assert "What does your data look like?" in content
    assert 'value="tables" required checked' in content
    # Later answers ride along in the form, after the question, so the URL stays canonical.
    assert content.index('name="data_shape"') < content.index('type="hidden" name="engine"')


def test_edit_of_an_unanswered_question_is_dropped(client):
    response = client.get("/database/?purpose=app&edit=audit")
    assert response["Location"] == "/database/?purpose=app"


# Result -----------------------------------------------------------------------


def test_result_explains_the_recommendation(client):
    response = client.get(f"/database/result?{q(DB_COMPLETE)}")
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Amazon RDS is the best fit for your answers" in content
    assert "You answered <q>Oracle, Microsoft SQL Server or IBM Db2</q> to “Must it run a particular database engine?”" in content
    assert "Ruled out" in content
    assert "Amazon Aurora" in content
    assert "End of support 2025-07-31; use Amazon Aurora instead." in content
    assert "Per instance-hour by instance class" in content  # cost shape
    assert "How this was worked out" in content
    assert "rules/database.yaml:" in content


def test_result_holds_nothing_per_visitor(client):
    response = client.get(f"/database/result?{q(DB_COMPLETE)}")
    assert b"csrfmiddlewaretoken" not in response.content
    assert "Set-Cookie" not in response
    assert not response.cookies
    assert "nonce" not in response.get("Content-Security-Policy", "")
    again = client.get(f"/database/result?{q(DB_COMPLETE)}")
    assert again.content == response.content


def test_result_in_another_order_redirects_permanently(client):
    response = client.get("/database/result?" + q(list(reversed(DB_COMPLETE.items()))))
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == f"/database/result?{q(DB_COMPLETE)}"


def test_result_with_answers_missing_goes_back_to_the_questionnaire(client):
    response = client.get("/database/result?purpose=app&data_shape=tables")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/database/?purpose=app&data_shape=tables"


def test_not_sure_result_says_what_would_change_it(client):
    content = client.get("/database/result?purpose=not_sure").content.decode()
    assert "Where “Not sure” matters" in content
    assert (
        "If the answer to “What is the database for?” is <q>Analysing large volumes of history</q>, <strong>Amazon Redshift</strong>"
        in content
    )


def test_rule_links_point_at_the_source_when_configured(client, settings):
    settings.ADVISOR_SOURCE_URL = "https://github.com/example/advisor/blob/main"
    content = client.get("/database/result?purpose=analytics").content.decode()
    assert 'href="https://github.com/example/advisor/blob/main/tests/rules/database.yaml#L' in content


def test_markdown_export_is_a_decision_record(client):
    response = client.get(f"/database/result.md?{q(DB_COMPLETE)}")
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode()
    for heading in (
        "# Which database? — decision record",
        "## Context",
        "## Decision",
        "## Alternatives considered",
        "## Consequences",
        "## Sources",
    ):
        assert heading in text
    assert "- Must it run a particular database engine? **Oracle, Microsoft SQL Server or IBM Db2**" in text
    assert "&amp;" not in text
    assert "&#x27;" not in text


# Text that would be Markdown: a rule's words must read as words in a viewer.
MARKUP = "<img src=x onerror=alert(1)> [click](https://evil.example/) **bold** `code` _it_ | a & b"
MARKUP_SHOWN = r"\<img src=x onerror=alert(1)\> \[click\](https://evil.example/) \*\*bold\*\* \`code\` \_it\_ \| a \& b"


def test_markdown_export_escapes_the_rule_files_text(client, settings, tmp_path, monkeypatch):
    from advisor import rulebook as holder

    text = (
        TINY.replace("because: Tables with joins are what a relational store is built for.", f"because: '{MARKUP}'")
        .replace("title: Tables suit the relational store", "title: '# Tables\n\n<script>'")
        .replace("name: Relational store", "name: '1. [Relational](https://evil.example/) store'")
        .replace("label: Tables}", "label: '- Tables <b>'}")
        .replace("text: What does the data look like?", "text: |-\n      What does\n      # the data look like?")
    )
    monkeypatch.setattr(holder, "_book", rulebook_load(write_rules(tmp_path, {"tiny.yaml": text}), display_root=tmp_path))
    content = client.get("/tiny/result.md?shape=tables&engine=open").content.decode()
    assert "<" not in content.replace("\\<", "")
    assert MARKUP_SHOWN in content
    assert "1\\. \\[Relational\\](https://evil.example/) store is the best fit for your answers: \\# Tables \\<script\\>." in content
    assert "- What does \\# the data look like? **\\- Tables \\<b\\>**" in content
    assert "Use **1\\. \\[Relational\\](https://evil.example/) store**:" in content


# Share and snapshots ------------------------------------------------------------


@pytest.mark.django_db
def test_share_form_then_snapshot(client):
    form = client.get(f"/database/share?{q(DB_COMPLETE)}")
    assert b"csrfmiddlewaretoken" in form.content
    fragment = client.get(f"/database/share?{q(DB_COMPLETE)}", headers=HTMX)
    assert fragment.content.lstrip().startswith(b'<form class="share-form"')
    response = client.post("/database/share", DB_COMPLETE)
    assert response.status_code == HTTPStatus.SEE_OTHER
    slug = response["Location"].removeprefix("/s/")
    assert len(slug) == 22
    snapshot = Snapshot.objects.get(slug=slug)
    assert snapshot.answers == [list(pair) for pair in DB_COMPLETE.items()]
    page = client.get(f"/s/{slug}").content.decode()
    assert "Amazon RDS is the best fit for your answers" in page
    assert "A saved result, kept exactly as it was" in page
    assert "The rules have changed since" not in page
    # A saved result is frozen: the live result has Change links, the snapshot none.
    assert 'class="summary-action"' in client.get(f"/database/result?{q(DB_COMPLETE)}").content.decode()
    assert 'class="summary-action"' not in page
    assert "/database/?" not in page
    data = client.get(f"/s/{slug}.json").json()
    assert data["answers"] == DB_COMPLETE
    assert data["result"]["advice"]["recommendations"][0]["id"] == "rds"
    assert client.get(f"/s/{slug}.md").content.decode().startswith("# Which database? — decision record")


@pytest.mark.django_db
def test_share_post_needs_the_csrf_token():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/database/share", DB_COMPLETE).status_code == HTTPStatus.FORBIDDEN
    assert Snapshot.objects.count() == 0


@pytest.mark.django_db
def test_share_post_with_incomplete_answers_is_refused(client):
    response = client.post("/database/share", {"purpose": "app"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"not complete" in response.content
    assert Snapshot.objects.count() == 0


@pytest.mark.django_db
def test_snapshot_never_changes_and_compare_shows_what_moved(client):
    slug = client.post("/database/share", {"purpose": "analytics"})["Location"].removeprefix("/s/")
    snapshot = Snapshot.objects.get(slug=slug)
    document = snapshot.document
    document["headline"] = "Saved under older rules."
    document["advice"]["recommendations"][0]["score"] = 2
    snapshot.document, snapshot.rules_version = document, "000000000000"
    snapshot.save()
    page = client.get(f"/s/{slug}").content.decode()
    assert "Saved under older rules." in page  # exactly what was saved, not today's rules
    assert "The rules have changed since" in page
    compare = client.get(f"/s/{slug}/compare").content.decode()
    assert "The recommendation is the same: <strong>Amazon Redshift</strong>" in compare
    assert "#1 (2 pts)" in compare
    assert "#1 (5 pts)" in compare


@pytest.mark.django_db
def test_compare_shows_which_rules_fired_then_and_now_and_why_the_top_moved(client, settings, tmp_path, monkeypatch):
    import shutil

    from advisor import rulebook as holder

    answers = {"purpose": "app", "data_shape": "tables", "engine": "mysql_postgres", "scale": "steady", "audit": "yes"}
    slug = client.post("/database/share", answers)["Location"].removeprefix("/s/")
    # Today's rules weigh steady load more: RDS now ties Aurora, and ties go to the first listed.
    today = tmp_path / "rules"
    shutil.copytree(settings.ADVISOR_RULES_DIR, today)
    path = today / "database.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("    favour: {rds: 1}\n") == 1
    path.write_text(text.replace("    favour: {rds: 1}\n", "    favour: {rds: 2}\n"), encoding="utf-8")
    monkeypatch.setattr(holder, "_book", holder.rulebook_load(today, display_root=settings.BASE_DIR))
    compare = client.get(f"/s/{slug}/compare")
    assert compare.status_code == HTTPStatus.OK
    assert "<strong>The recommendation changed:</strong> Amazon Aurora then, Amazon RDS now." in compare.content.decode()
    row = (
        "<strong>For steady, modest load a standard RDS instance is simplest</strong> (<code>steady-relational-rds</code>, "
        "changed: effect on rds): then it favours Amazon RDS +1; now it favours Amazon RDS +2."
    )
    assert row in compare.content.decode()
    assert "<td>favours Amazon RDS +1</td>" in compare.content.decode()
    assert "<td>changed: effect on rds</td>" in compare.content.decode()


# Bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/nowhere/", HTTPStatus.NOT_FOUND, "There is no advisor for &#x27;nowhere&#x27;."),
        ("/nowhere/result?a=b", HTTPStatus.NOT_FOUND, "There is no advisor for"),
        ("/database/?colour=red", HTTPStatus.BAD_REQUEST, "&#x27;colour&#x27; is not a question of database"),
        ("/database/result?purpose=blob", HTTPStatus.BAD_REQUEST, "&#x27;blob&#x27; is not an answer to &#x27;purpose&#x27;"),
        ("/database/result?purpose=app&purpose=cache", HTTPStatus.BAD_REQUEST, "&#x27;purpose&#x27; is answered more than once"),
        ("/database/?purpose=", HTTPStatus.BAD_REQUEST, "no answer was given for &#x27;purpose&#x27;"),
        ("/database/share?purpose=blob", HTTPStatus.BAD_REQUEST, "is not an answer"),
        ("/database/result.md?purpose=blob", HTTPStatus.BAD_REQUEST, "is not an answer"),
        ("/s/short", HTTPStatus.NOT_FOUND, "There is no saved result at this link."),
        ("/s/AAAAAAAAAAAAAAAAAAAAAA", HTTPStatus.NOT_FOUND, "There is no saved result at this link."),
        ("/s/AAAAAAAAAAAAAAAAAAAAAA.json", HTTPStatus.NOT_FOUND, "There is no saved result"),
        ("/s/AAAAAAAAAAAAAAAAAAAAAA/compare", HTTPStatus.NOT_FOUND, "There is no saved result"),
        ("/s/../../etc/passwd", HTTPStatus.NOT_FOUND, ""),
    ],
)
@pytest.mark.django_db
def test_bad_input_is_a_clear_4xx(client, url, status, message):
    response = client.get(url)
    assert response.status_code == status
    assert message in response.content.decode()
    assert b"Traceback" not in response.content


def test_error_page_offers_a_way_back(client):
    content = client.get("/database/result?purpose=blob").content.decode()
    assert "<title>Error: That answer is not one the advisor knows</title>" in content
    assert 'href="/database/"' in content


@pytest.mark.parametrize("url", ["/", "/database/", "/database/result?purpose=analytics", "/healthz"])
def test_pages_refuse_other_methods(client, url):
    response = client.put(url)
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "GET, HEAD"


def test_the_fast_query_string_is_what_urlencode_gives_for_every_shipped_answer(shipped):
    from urllib.parse import urlencode

    from advisor.views import _query

    for domain in shipped.domains:
        for question in domain.questions:
            pairs = [(question.id, choice.id) for choice in question.choices]
            assert _query(pairs) == urlencode(pairs)
