from http import HTTPStatus


def test_home_lists_domains_by_area(client, app_book):
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    assert b'<h2 id="area-1">Databases</h2>' in response.content
    assert b"Which database?" in response.content
    assert app_book.version.encode() in response.content


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.content == b"ok"


def test_home_refuses_post(client):
    assert client.post("/").status_code == HTTPStatus.METHOD_NOT_ALLOWED
