"""The CloudFormation starter's downloads (issue 14), over the tests' own blueprint
(tests/rules/blueprints/small-app.yaml): the pure page, saved bytes, bad input, links."""

from http import HTTPStatus

import pytest

from advisor.models import Snapshot
from advisor.rulebook import rulebook

SMALL = "/design/small-app/"
ANSWERS = (
    "files=shared&database.purpose=app&database.data_shape=tables&database.engine=mysql_postgres"
    "&database.scale=steady&database.audit=no&storage.clients=linux"
)


def test_the_template_view_is_a_yaml_attachment_and_a_pure_page(client):
    response = client.get(f"{SMALL}template.yaml?{ANSWERS}")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    version = rulebook().version
    assert response["Content-Disposition"] == f'attachment; filename="small-app-{version}.yaml"'
    assert "public" in response["Cache-Control"]
    assert "Set-Cookie" not in response
    text = response.content.decode()
    assert text.startswith("# CloudFormation starter for: ")
    assert f"# Design: {SMALL}result?{ANSWERS}\n" in text
    assert f"# Rules version: {version}\n" in text
    assert "AWSTemplateFormatVersion: '2010-09-09'" in text
    assert client.get(f"{SMALL}template.yaml?{ANSWERS}").content == response.content  # byte-identical


def test_the_template_view_refuses_bad_input_clearly(client):
    assert client.get("/design/nothing/template.yaml").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"{SMALL}template.yaml?files=shared&database.purpose=moon").status_code == HTTPStatus.BAD_REQUEST
    assert client.get(f"{SMALL}template.yaml?files=shared").status_code == HTTPStatus.FOUND  # incomplete: back to the questions
    reordered = f"{SMALL}template.yaml?storage.clients=linux&{ANSWERS.rsplit('&', 1)[0]}"
    assert client.get(reordered).status_code == HTTPStatus.MOVED_PERMANENTLY
    assert client.post(f"{SMALL}template.yaml?{ANSWERS}").status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_the_result_page_and_its_markdown_link_the_template(client):
    link = f"{SMALL}template.yaml?{ANSWERS}"
    content = client.get(f"{SMALL}result?{ANSWERS}").content.decode()
    assert f'href="{link.replace("&", "&amp;")}" download' in content
    markdown = client.get(f"{SMALL}result.md?{ANSWERS}").content.decode()
    assert f"CloudFormation starter (YAML; a starting point, not production-ready): {link}\n" in markdown
    assert f"Diagram (SVG): {SMALL}diagram.svg?{ANSWERS}\n" in markdown


@pytest.mark.django_db
def test_a_saved_design_keeps_its_template_bytes(client):
    form = dict(pair.split("=") for pair in ANSWERS.split("&"))
    assert client.post(f"{SMALL}share", form).status_code == HTTPStatus.SEE_OTHER
    snapshot = Snapshot.objects.get()
    assert snapshot.template == client.get(f"{SMALL}template.yaml?{ANSWERS}").content.decode()
    # Later fragments build something else: the saved link still serves what was saved.
    Snapshot.objects.filter(pk=snapshot.pk).update(template=snapshot.template + "# then\n")
    saved = client.get(f"/s/{snapshot.slug}/template.yaml")
    assert saved.status_code == HTTPStatus.OK
    assert saved["Content-Type"] == "application/yaml; charset=utf-8"
    assert saved["Content-Disposition"] == f'attachment; filename="small-app-{snapshot.rules_version}-{snapshot.slug}.yaml"'
    assert saved.content.endswith(b"# then\n")
    assert f'href="/s/{snapshot.slug}/template.yaml" download' in client.get(f"/s/{snapshot.slug}").content.decode()
    assert f"/s/{snapshot.slug}/template.yaml\n" in client.get(f"/s/{snapshot.slug}.md").content.decode()


@pytest.mark.django_db
def test_saved_links_without_a_template_are_404(client):
    domain = Snapshot.objects.create(slug="a" * 22, domain="x", answers=[], rules_version="v", document={})
    assert client.get(f"/s/{domain.slug}/template.yaml").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/s/nothing-here/template.yaml").status_code == HTTPStatus.NOT_FOUND
