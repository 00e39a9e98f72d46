"""The JSON API, checked against its own OpenAPI document."""

from http import HTTPStatus

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

OPENAPI_URL = "/api/v1/openapi.json"


@pytest.fixture
def openapi(client):
    response = client.get(OPENAPI_URL)
    assert response.status_code == HTTPStatus.OK
    return response.json()


def validate(openapi: dict, document: dict, schema_name: str) -> None:
    """Validate against components/schemas/<name>, resolving the document's own $refs."""
    resource = Resource.from_contents(openapi, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:openapi", resource)
    schema = {"$ref": f"urn:openapi#/components/schemas/{schema_name}"}
    jsonschema.Draft202012Validator(schema, registry=registry).validate(document)


def response_schema(openapi: dict, path: str, status: int) -> str:
    response = openapi["paths"][path]["get"]["responses"][str(status)]
    if "$ref" in response:
        response = openapi["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


def test_openapi_document_is_valid(openapi):
    assert openapi["openapi"].startswith("3.1")
    for schema in openapi["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_domains(client, openapi, app_book):
    response = client.get("/api/v1/domains")
    assert response.status_code == HTTPStatus.OK
    document = response.json()
    validate(openapi, document, response_schema(openapi, "/api/v1/domains", 200))
    assert [d["id"] for d in document["domains"]] == [d.id for d in app_book.domains]


@pytest.mark.parametrize("domain_id", ["database", "storage"])
def test_domain(client, openapi, domain_id):
    document = client.get(f"/api/v1/domains/{domain_id}").json()
    validate(openapi, document, response_schema(openapi, "/api/v1/domains/{domain}", 200))
    assert document["id"] == domain_id
    assert all(any(c["id"] == "not_sure" for c in q["choices"]) for q in document["questions"])


def test_recommend_partial_gives_the_standing_and_next_question(client, openapi, app_book):
    document = client.get("/api/v1/domains/database/recommend?purpose=app").json()
    validate(openapi, document, response_schema(openapi, "/api/v1/domains/{domain}/recommend", 200))
    assert document["complete"] is False
    assert document["next_question"]["id"] == "data_shape"
    assert document["rules_version"] == app_book.version


def test_recommend_complete(client, openapi):
    document = client.get("/api/v1/domains/database/recommend?purpose=analytics").json()
    validate(openapi, document, "Advice")
    assert document["complete"] is True
    assert document["next_question"] is None
    assert document["recommendations"][0]["id"] == "redshift"
    qldb = next(c for c in document["ruled_out"] if c["id"] == "qldb")
    assert qldb["cautions"] == [
        {
            "kind": "lifecycle",
            "text": "End of support 2025-07-31; use Amazon Aurora instead. AWS's migration guide moves QLDB ledgers to Aurora PostgreSQL.",
        }
    ]


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/domains/nowhere", HTTPStatus.NOT_FOUND, "unknown-domain"),
        ("/api/v1/domains/nowhere/recommend", HTTPStatus.NOT_FOUND, "unknown-domain"),
        ("/api/v1/domains/database/recommend?colour=red", HTTPStatus.BAD_REQUEST, "unknown-question"),
        ("/api/v1/domains/database/recommend?purpose=blob", HTTPStatus.BAD_REQUEST, "unknown-choice"),
        ("/api/v1/domains/database/recommend?purpose=app&purpose=cache", HTTPStatus.BAD_REQUEST, "repeated-answer"),
        ("/api/v1/nothing-here", HTTPStatus.NOT_FOUND, "not-found"),
    ],
)
def test_errors_are_json(client, openapi, url, status, code):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    document = response.json()
    validate(openapi, document, "Error")
    assert document["error"] == code


def test_other_methods_are_refused_with_allow(client):
    response = client.post("/api/v1/domains")
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "GET, HEAD"
    document = response.json()
    assert document["error"] == "method-not-allowed"
    assert "not POST" in document["detail"]


def test_the_json_says_when_nothing_decides_and_what_would(client, openapi):
    # The page says "Nothing in your answers points clearly to one service yet" and lists
    # where "Not sure" matters: the JSON tells the same (issue 10, item 16).
    document = client.get("/api/v1/domains/database/recommend?purpose=not_sure").json()
    validate(openapi, document, "Advice")
    assert document["complete"] is True
    assert document["decided"] is False
    assert {"question": "purpose", "choice": "analytics", "top": "redshift"} in document["would_decide"]
    page = client.get("/database/result?purpose=not_sure").content.decode()
    names = {c["id"]: c["name"] for c in document["recommendations"]}
    for alternative in document["would_decide"]:
        assert f"<strong>{names[alternative['top']]}</strong>" in page
    assert "Nothing in your answers points clearly to one service yet" in page


def test_a_decided_answer_says_so(client, openapi):
    document = client.get("/api/v1/domains/database/recommend?purpose=analytics").json()
    validate(openapi, document, "Advice")
    assert document["decided"] is True
    assert document["would_decide"] == []
