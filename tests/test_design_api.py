"""The blueprint API (/api/v1/blueprints...), checked against the OpenAPI document, over the tests' own blueprint."""

from http import HTTPStatus

import pytest

from .test_api import openapi, response_schema, validate  # noqa: F401 - `openapi` is a fixture

SHARED = (
    "files=shared&database.purpose=app&database.data_shape=tables&database.engine=mysql_postgres"
    "&database.scale=steady&database.audit=no&storage.clients=linux"
)
RECOMMEND = "/api/v1/blueprints/{blueprint}/recommend"
ASK = "/api/v1/blueprints/small-app/recommend"


def test_blueprints(client, openapi):  # noqa: F811
    document = client.get("/api/v1/blueprints").json()
    validate(openapi, document, response_schema(openapi, "/api/v1/blueprints", 200))
    assert document["blueprints"] == [
        {
            "id": "small-app",
            "title": "A small application",
            "summary": "A database and, when the application keeps files, somewhere to keep them.",
            "decisions": [{"domain": "database", "title": "Which database?"}, {"domain": "storage", "title": "Where do the files live?"}],
        }
    ]


def test_blueprint(client, openapi):  # noqa: F811
    document = client.get("/api/v1/blueprints/small-app").json()
    validate(openapi, document, response_schema(openapi, "/api/v1/blueprints/{blueprint}", 200))
    assert [q["id"] for q in document["questions"]] == ["files"]
    found = [(f["id"], f["severity"]) for f in document["findings"]]
    assert found == [("warehouse-private-subnets", "must"), ("efs-mount-target-per-az", "should")]


def test_recommend_at_the_start_asks_the_blueprints_own_question(client, openapi):  # noqa: F811
    document = client.get("/api/v1/blueprints/small-app/recommend").json()
    validate(openapi, document, response_schema(openapi, RECOMMEND, 200))
    assert document["complete"] is False
    assert document["next_question"]["key"] == "files"
    assert document["next_question"]["decision"] is None
    assert [d["status"] for d in document["decisions"]] == ["pending", "pending"]


def test_recommend_partial_names_the_decision_of_the_next_question(client, openapi):  # noqa: F811
    document = client.get("/api/v1/blueprints/small-app/recommend?files=shared&database.purpose=app").json()
    validate(openapi, document, response_schema(openapi, RECOMMEND, 200))
    assert document["next_question"]["key"] == "database.data_shape"
    assert document["next_question"]["decision"] == "database"
    assert document["answers"] == {"files": "shared", "database.purpose": "app"}


def test_recommend_complete_gives_each_decision_and_the_findings(client, openapi):  # noqa: F811
    document = client.get(f"/api/v1/blueprints/small-app/recommend?{SHARED}").json()
    validate(openapi, document, response_schema(openapi, RECOMMEND, 200))
    assert document["complete"] is True
    assert document["next_question"] is None
    database, storage = document["decisions"]
    assert database["chosen"]["id"] == "rds"
    assert database["chosen"]["reasons"][0]["source"].startswith("https://docs.aws.amazon.com/")
    assert database["result_url"] == "/database/result?purpose=app&data_shape=tables&engine=mysql_postgres&scale=steady&audit=no"
    assert storage["chosen"]["id"] == "efs"
    assert storage["carried"] == {"access": "shared_files"}
    assert [f["id"] for f in document["findings"]] == ["efs-mount-target-per-az"]
    finding = document["findings"][0]
    assert finding["severity"] == "should"
    assert finding["location"].startswith("tests/rules/blueprints/small-app.yaml:")


def test_recommend_a_decision_inside_a_design_is_the_single_domain_result(client):
    design = client.get(f"/api/v1/blueprints/small-app/recommend?{SHARED}").json()
    for decision in design["decisions"]:
        query = decision["result_url"].split("?", 1)[1]
        single = client.get(f"/api/v1/domains/{decision['domain']}/recommend?{query}").json()
        assert decision["chosen"] == single["recommendations"][0]


def test_recommend_skipped_and_undecided_decisions_choose_nothing(client, openapi):  # noqa: F811
    skipped = client.get("/api/v1/blueprints/small-app/recommend?files=none&database.purpose=analytics").json()
    validate(openapi, skipped, response_schema(openapi, RECOMMEND, 200))
    assert [d["status"] for d in skipped["decisions"]] == ["made", "skipped"]
    assert skipped["decisions"][1]["chosen"] is None
    assert [f["id"] for f in skipped["findings"]] == ["warehouse-private-subnets"]
    undecided = client.get("/api/v1/blueprints/small-app/recommend?files=none&database.purpose=not_sure").json()
    validate(openapi, undecided, response_schema(openapi, RECOMMEND, 200))
    assert undecided["complete"] is True
    assert undecided["decisions"][0]["chosen"] is None


@pytest.mark.parametrize(
    ("url", "status", "code", "detail"),
    [
        ("/api/v1/blueprints/nowhere", HTTPStatus.NOT_FOUND, "unknown-blueprint", "There is no design guide called 'nowhere'."),
        ("/api/v1/blueprints/nowhere/recommend", HTTPStatus.NOT_FOUND, "unknown-blueprint", "There is no design guide called 'nowhere'."),
        (f"{ASK}?network.kind=vpc", HTTPStatus.BAD_REQUEST, None, "'network' is not a decision of small-app"),
        (f"{ASK}?colour=red", HTTPStatus.BAD_REQUEST, None, "'colour' is not a question of small-app"),
        (f"{ASK}?database.purpose=blob", HTTPStatus.BAD_REQUEST, None, "'blob' is not an answer to 'purpose'"),
        (f"{ASK}?files=none&files=shared", HTTPStatus.BAD_REQUEST, None, "'files' is answered more than once"),
    ],
)
def test_errors_are_json_with_the_reason(client, openapi, url, status, code, detail):  # noqa: F811
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    document = response.json()
    validate(openapi, document, "Error")
    assert detail in document["detail"]
    if code:
        assert document["error"] == code


@pytest.mark.parametrize("url", ["/api/v1/blueprints", "/api/v1/blueprints/small-app", "/api/v1/blueprints/small-app/recommend"])
def test_other_methods_are_refused_as_json(client, url):
    response = client.post(url)
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["error"] == "method-not-allowed"
