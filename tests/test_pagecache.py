"""Result pages are kept and replayed like static files (advisor/pagecache.py): strong
ETags, 304s, Cache-Control a CDN may follow, and a per-worker cache that never serves
what the full stack would not."""

from http import HTTPStatus

import pytest

from advisor import views

from .test_pages import DB_COMPLETE, q

RESULT = f"/database/result?{q(DB_COMPLETE)}"
HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture
def renders(monkeypatch):
    """How many times the result document was built: a replayed page builds none."""
    calls = []
    real = views.result_build

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(views, "result_build", counting)
    return calls


@pytest.mark.parametrize("url", [RESULT, RESULT.replace("/result?", "/result.md?")])
def test_result_has_a_strong_etag_and_may_be_kept_by_a_cdn(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    etag = response["ETag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert not etag.startswith("W/")
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300", "s-maxage=3600"}
    assert "Set-Cookie" not in response
    assert response["Vary"] == "Accept-Encoding"  # a kept page may be replayed gzip-compressed


def test_conditional_get_is_answered_304_with_no_body(client):
    etag = client.get(RESULT)["ETag"]
    response = client.get(RESULT, headers={"If-None-Match": etag})
    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert response.content == b""
    assert response["ETag"] == etag
    assert "max-age=300" in response["Cache-Control"]
    assert "Content-Type" not in response


def test_stale_etag_gets_the_page(client):
    client.get(RESULT)
    response = client.get(RESULT, headers={"If-None-Match": '"0123456789abcdef"'})
    assert response.status_code == HTTPStatus.OK
    assert b"<!doctype html>" in response.content


def test_first_conditional_get_is_a_304_too(client, renders):
    etag = client.get(RESULT)["ETag"]
    from django.core.cache import caches

    caches["results"].clear()  # a worker that has not kept the page yet
    assert client.get(RESULT, headers={"If-None-Match": etag}).status_code == HTTPStatus.NOT_MODIFIED
    assert len(renders) == 2


def test_a_kept_page_is_replayed_byte_for_byte_without_rendering(client, renders):
    first = client.get(RESULT)
    second = client.get(RESULT)
    assert len(renders) == 1
    assert second.content == first.content
    assert dict(second.headers) == dict(first.headers)


def test_cache_off_renders_every_time(client, renders, settings):
    settings.ADVISOR_RESULT_CACHE = False
    client.get(RESULT)
    second = client.get(RESULT)
    assert len(renders) == 2
    assert second["ETag"]  # ETag and 304 do not depend on the cache


def test_other_answers_are_another_page(client, renders):
    client.get(RESULT)
    other = client.get(f"/database/result?{q({**DB_COMPLETE, 'audit': 'yes'})}")
    assert other.status_code == HTTPStatus.OK
    assert len(renders) == 2


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"/database/result?{q(dict(reversed(list(DB_COMPLETE.items()))))}", HTTPStatus.MOVED_PERMANENTLY),
        ("/database/result?purpose=app", HTTPStatus.FOUND),
        ("/database/result?purpose=nonsense", HTTPStatus.BAD_REQUEST),
    ],
)
def test_redirects_and_errors_are_neither_tagged_nor_kept(client, renders, url, status):
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == status
        assert "ETag" not in response
        if status == HTTPStatus.MOVED_PERMANENTLY:
            # Which spelling is canonical depends on the rules: kept no longer than the page.
            assert "max-age=300" in response["Cache-Control"]
        else:
            assert "public" not in response.get("Cache-Control", "")
    assert len(renders) == (0 if status == HTTPStatus.BAD_REQUEST else 2 if status == HTTPStatus.FOUND else 0)


def test_the_share_form_is_never_cached(client):
    response = client.get(f"/database/share?{q(DB_COMPLETE)}")
    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.fixture
def production(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["advisor.example.com"]
    return settings


def test_a_kept_page_still_redirects_plain_http_and_refuses_unknown_hosts(client, production, renders):
    host = {"HTTP_HOST": "advisor.example.com"}
    kept = client.get(RESULT, headers=HTTPS, **host)
    assert kept.status_code == HTTPStatus.OK
    assert kept["Strict-Transport-Security"].startswith("max-age=")
    plain = client.get(RESULT, **host)
    assert plain.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert plain["Location"].startswith("https://advisor.example.com/database/result?")
    evil = client.get(RESULT, headers=HTTPS, HTTP_HOST="evil.example")
    assert evil.status_code == HTTPStatus.BAD_REQUEST
    replayed = client.get(RESULT, headers=HTTPS, **host)
    assert replayed.content == kept.content
    assert replayed["Content-Security-Policy"] == kept["Content-Security-Policy"]
    assert len(renders) == 1


def test_head_gets_the_headers(client):
    response = client.head(RESULT)
    assert response.status_code == HTTPStatus.OK
    assert response["ETag"] == client.get(RESULT)["ETag"]


def test_a_new_rule_book_is_a_new_page(client, settings, tiny_dir, monkeypatch):
    from advisor import rulebook as holder

    shipped_etag = client.get(RESULT)["ETag"]
    changed = tiny_dir.parent / "changed"
    import shutil

    shutil.copytree(settings.ADVISOR_RULES_DIR, changed)
    path = changed / "database.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Which database?", "title: Which database, then?"), encoding="utf-8")
    monkeypatch.setattr(holder, "_book", holder.rulebook_load(changed, display_root=settings.BASE_DIR))
    response = client.get(RESULT)
    assert response["ETag"] != shipped_etag
    assert b"Which database, then?" in response.content


@pytest.mark.parametrize("header", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
def test_kept_page_answers_304_to_any_matching_if_none_match(client, header):
    etag = client.get(RESULT)["ETag"]
    response = client.get(RESULT, headers={"If-None-Match": header.format(etag=etag)})
    assert response.status_code == HTTPStatus.NOT_MODIFIED


def test_kept_page_answers_200_when_no_tag_matches(client):
    client.get(RESULT)
    assert client.get(RESULT, headers={"If-None-Match": '"a", W/"b"'}).status_code == HTTPStatus.OK


GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_clients_that_accept_gzip_get_the_page_compressed_with_its_own_etag(client, renders):
    import gzip

    plain = client.get(RESULT)
    for _ in range(2):  # the first from the render, the second replayed
        packed = client.get(RESULT, headers=GZIP)
        assert packed.status_code == HTTPStatus.OK
        assert packed["Content-Encoding"] == "gzip"
        assert packed["Content-Length"] == str(len(packed.content))
        assert gzip.decompress(packed.content) == plain.content
        assert len(packed.content) < len(plain.content) / 3
        assert packed["ETag"] != plain["ETag"]
        assert packed["Vary"] == "Accept-Encoding"
        assert packed["Content-Security-Policy"] == plain["Content-Security-Policy"]
    assert len(renders) == 2  # each representation is kept when first asked for, then replayed
    assert "Content-Encoding" not in client.get(RESULT)  # and others still get it plain
    assert len(renders) == 2


def test_the_first_request_with_gzip_gets_gzip_too(client):
    response = client.get(RESULT, headers=GZIP)
    assert response["Content-Encoding"] == "gzip"


def test_each_representation_answers_304_to_its_own_etag_only(client):
    plain_etag = client.get(RESULT)["ETag"]
    packed_etag = client.get(RESULT, headers=GZIP)["ETag"]
    assert client.get(RESULT, headers={**GZIP, "If-None-Match": packed_etag}).status_code == HTTPStatus.NOT_MODIFIED
    assert client.get(RESULT, headers={"If-None-Match": plain_etag}).status_code == HTTPStatus.NOT_MODIFIED
    assert client.get(RESULT, headers={**GZIP, "If-None-Match": plain_etag}).status_code == HTTPStatus.OK
    assert client.get(RESULT, headers={"If-None-Match": packed_etag}).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "query",
    [
        q(DB_COMPLETE).replace("purpose=app", "purpose=%61pp"),
        q(DB_COMPLETE) + "&csrfmiddlewaretoken=x",
        q(DB_COMPLETE) + "&",
    ],
)
def test_another_spelling_of_the_same_answers_redirects_to_the_one_url(client, renders, query):
    response = client.get(f"/database/result?{query}")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == RESULT
    assert len(renders) == 0


def test_a_kept_304_still_refuses_unknown_hosts(client, production):
    etag = client.get(RESULT, headers=HTTPS, HTTP_HOST="advisor.example.com")["ETag"]
    response = client.get(RESULT, headers={**HTTPS, "If-None-Match": etag}, HTTP_HOST="evil.example")
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_a_restarted_worker_answers_304_to_the_gzip_tag(client):
    from django.core.cache import caches

    etag = client.get(RESULT, headers=GZIP)["ETag"]
    caches["results"].clear()
    assert client.get(RESULT, headers={**GZIP, "If-None-Match": etag}).status_code == HTTPStatus.NOT_MODIFIED


def test_gzip_refused_with_q_0_gets_the_page_plain(client):
    client.get(RESULT, headers=GZIP)
    assert "Content-Encoding" not in client.get(RESULT, headers={"Accept-Encoding": "gzip;q=0, identity"})


def test_a_304_leaves_out_headers_that_describe_a_body(client):
    etag = client.get(RESULT, headers=GZIP)["ETag"]
    response = client.get(RESULT, headers={**GZIP, "If-None-Match": etag})
    assert response.status_code == HTTPStatus.NOT_MODIFIED
    for header in ("Content-Encoding", "Content-Length", "Content-Type"):
        assert header not in response
    assert response["Vary"] == "Accept-Encoding"


# The page cache's budget is bytes (DESIGN.md: design pages are five times a result's size) ------


@pytest.fixture
def budget():
    from advisor.pagecache import PageBudgetCache

    cache = PageBudgetCache("test-budget", {"OPTIONS": {"MAX_BYTES": 10_000}})
    cache.clear()
    yield cache
    cache.clear()


def test_kept_pages_stay_within_the_byte_budget_least_recently_used_first(budget):
    for n in range(10):
        budget.set(f"page{n}", b"x" * 1_500)
        assert budget.kept_bytes <= budget.max_bytes
    kept = [n for n in range(10) if budget.get(f"page{n}") is not None]
    assert kept == [4, 5, 6, 7, 8, 9]  # six fit (pickled, a little over 1,500 bytes each); the oldest went
    budget.get("page4")  # read: now the most recently used
    budget.set("big", b"y" * 4_000)
    assert budget.get("page4") is not None
    assert budget.get("page5") is None
    assert budget.kept_bytes <= budget.max_bytes


def test_a_replaced_page_gives_its_bytes_back_and_a_page_over_the_whole_budget_is_not_kept(budget):
    budget.set("page", b"x" * 5_000)
    before = budget.kept_bytes
    budget.set("page", b"x" * 100)
    assert budget.kept_bytes < before - 4_800
    budget.set("huge", b"z" * 20_000)
    assert budget.get("huge") is None
    assert budget.get("page") == b"x" * 100  # nothing was dropped to make room for a page that cannot fit
    budget.delete("page")
    assert budget.kept_bytes == 0


def test_the_result_cache_budget_is_a_setting_in_megabytes():
    from django.core.cache import caches

    assert caches["results"].max_bytes == 10 * 2**20  # ADVISOR_RESULT_CACHE_MB, default 10
