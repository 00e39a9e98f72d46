"""The design diagram (issue 14): the layout's geometry, golden SVGs, the views, and a look in Chromium.

Golden files: tests/golden/<design>.svg are the standalone SVGs of the hand-made designs below.
After a deliberate change to the layout or its drawing (advisor.engine.design.svg), refresh them and look at the diff:

    DIAGRAM_GOLDEN_REFRESH=1 .venv/bin/python -m pytest tests/test_diagram.py -k golden
"""

import os
import re
from http import HTTPStatus
from pathlib import Path

import pytest

from advisor.engine.design import design_evaluate
from advisor.engine.design.diagram import (
    EDGE_CHAR,
    GROUP_CHAR,
    LABEL_CHAR,
    ROLE_CHAR,
    TILE_PAD,
    Box,
    diagram_layout,
    diagram_outline,
    text_width,
    text_wrap,
)
from advisor.engine.design.parts import Part, design_parts
from advisor.engine.design.svg import diagram_svg
from advisor.models import Snapshot

GOLDEN = Path(__file__).parent / "golden"


def part(id, label, role, category, place, *, per_az=False, spans_azs=False, connects=(), placeholder=False):
    return Part(id, label, role, category, place, per_az, spans_azs, tuple(connects), None, None, placeholder)


BASE = part("vpc", "VPC", "private network across two Availability Zones", "networking", "vpc")
IGW = part("igw", "Internet gateway", "lets the internet reach the public subnets", "networking", "vpc-border", connects=[("alb", "HTTPS")])
WEB = (
    BASE,
    IGW,
    part("route53", "Route 53", "answers www.example.com with the load balancer's address", "dns", "global",
        connects=[("alb", "DNS alias")]),
    part("iam-role", "IAM role", "gives the servers only the permissions they need", "security", "global"),
    part(
        "alb", "Application Load Balancer", "spreads HTTPS requests across the servers", "networking", "public",
        spans_azs=True, connects=[("app-fleet-ec2", "HTTP")],
    ),
    part("nat", "NAT gateway", "lets private servers reach the internet for updates", "networking", "public",
        per_az=True, connects=[("igw", "outbound")]),
    part(
        "app-fleet-ec2", "EC2 Auto Scaling", "runs the web application on two or more servers", "compute", "app",
        spans_azs=True, connects=[("aurora", "SQL"), ("s3-gateway-endpoint", "objects"), ("efs-mount", "NFS")],
    ),
    part("aurora", "Amazon Aurora", "keeps the application's data, with a replica in the other AZ", "database", "data", spans_azs=True),
    part("efs-mount", "EFS mount target", "the file system's address in this AZ", "storage", "data",
        per_az=True, connects=[("efs", "files")]),
    part("s3-gateway-endpoint", "S3 gateway endpoint", "keeps S3 traffic off the NAT gateways", "networking", "vpc-border",
        connects=[("s3", "objects")]),
    part("s3", "Amazon S3", "stores uploaded files", "storage", "region"),
    part("efs", "Amazon EFS", "shared files for every server", "storage", "region"),
)  # fmt: skip
SERVERLESS = (
    BASE,
    part("cloudfront", "Amazon CloudFront", "serves the site from edge locations and caches it", "networking", "global",
        connects=[("api", "HTTPS")]),
    part("api", "Amazon API Gateway", "takes the API's HTTPS requests", "networking", "region", connects=[("lambda", "invokes")]),
    part("lambda", "AWS Lambda", "runs the code for each request, in the VPC's app subnets", "compute", "app",
        per_az=True, connects=[("ddb-endpoint", "items")]),
    part("ddb-endpoint", "DynamoDB gateway endpoint", "keeps table traffic inside AWS's network", "networking", "vpc-border",
        connects=[("dynamodb", "items")]),
    part("dynamodb", "Amazon DynamoDB", "keeps the application's items", "database", "region"),
)  # fmt: skip
UNDECIDED = (
    BASE,
    IGW,
    part("undecided-load-balancer", "Which load balancer?", "not decided yet", "networking", "public", placeholder=True),
    part("undecided-compute-platform", "Where does the code run?", "not decided yet", "compute", "app", placeholder=True),
    part("undecided-database", "Which database?", "not decided yet", "database", "data", placeholder=True),
    part("undecided-storage", "Where do the files live?", "not decided yet", "storage", "region", placeholder=True),
)
DESIGNS = {"web": WEB, "serverless": SERVERLESS, "undecided": UNDECIDED, "empty": ()}


def layout(name):
    return diagram_layout(DESIGNS[name], title=f"Test design: {name}")


def svg(diagram) -> str:
    return diagram_svg(diagram, standalone=True)


# Geometry ------------------------------------------------------------------------


@pytest.mark.parametrize("name", DESIGNS)
def test_no_two_nodes_overlap(name):
    nodes = layout(name).nodes
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            assert not a.box.overlaps(b.box), (a.id, b.id)


@pytest.mark.parametrize("name", DESIGNS)
def test_every_node_sits_in_its_group_and_a_gateway_on_its_border(name):
    diagram = layout(name)
    for node in diagram.nodes:
        group = diagram.group(node.group).box
        if node.border:
            box = node.box
            straddles_top = box.y < group.y < box.bottom and group.x <= box.x and box.right <= group.right
            straddles_right = box.x < group.right < box.right and group.y <= box.y and box.bottom <= group.bottom
            assert straddles_top or straddles_right, node.id
        else:
            assert group.contains(node.box), (node.id, node.group)


@pytest.mark.parametrize("name", DESIGNS)
def test_every_group_sits_in_its_parent_and_the_picture(name):
    diagram = layout(name)
    picture = Box(0, 0, diagram.width, diagram.height)
    kinds = [g.kind for g in diagram.groups]
    assert kinds[:3] == ["cloud", "region", "vpc"]
    assert kinds.count("az") == 2
    assert kinds.count("subnet-public") == 2
    assert kinds.count("subnet-private") == 4
    for group in diagram.groups:
        assert picture.contains(group.box)
        if group.parent:
            assert diagram.group(group.parent).box.contains(group.box), (group.id, group.parent)
    for node in diagram.nodes:
        assert picture.contains(node.box)


@pytest.mark.parametrize("name", DESIGNS)
def test_every_part_appears_with_its_words(name):
    diagram = layout(name)
    for p in DESIGNS[name]:
        drawn = [n for n in diagram.nodes if n.part == p.id]
        count = 2 if p.per_az else 1
        assert len(drawn) == count, p.id
        assert all(p.label in n.label and n.role == p.role for n in drawn)
        words = " ".join(t.text for n in drawn[:1] for t in n.texts)
        assert p.label in words.replace("\n", " ") or all(w in words for w in p.label.split())


@pytest.mark.parametrize("name", DESIGNS)
def test_arrows_start_and_end_on_their_nodes(name):
    diagram = layout(name)
    for edge in diagram.edges:
        for end, node_id in ((edge.points[0], edge.source), (edge.points[-1], edge.target)):
            box = diagram.node(node_id).box
            x, y = end
            on_side = (x in (box.x, box.right) and box.y <= y <= box.bottom) or (y in (box.y, box.bottom) and box.x <= x <= box.right)
            assert on_side, (edge.source, edge.target, end, box)
        for (x1, y1), (x2, y2) in zip(edge.points, edge.points[1:], strict=False):
            assert x1 == x2 or y1 == y2  # orthogonal


def test_arrows_follow_the_parts_connections_per_az():
    diagram = layout("web")
    pairs = {(e.source, e.target) for e in diagram.edges}
    assert ("efs-mount@az1", "efs") in pairs
    assert ("efs-mount@az2", "efs") in pairs
    assert ("nat@az1", "igw") in pairs
    assert ("app-fleet-ec2", "efs-mount@az2") in pairs
    labelled = [e.label for e in diagram.edges if e.text]
    assert sorted(labelled) == sorted(label for p in WEB for _, label in p.connects)  # each label drawn once


def test_the_requests_path_crosses_no_tile():
    diagram = layout("web")
    for edge in diagram.edges:
        others = [n.box for n in diagram.nodes if n.id not in (edge.source, edge.target)]
        for (x1, y1), (x2, y2) in zip(edge.points, edge.points[1:], strict=False):
            segment = Box(min(x1, x2), min(y1, y2), abs(x2 - x1) or 1, abs(y2 - y1) or 1)
            assert not any(segment.overlaps(o) for o in others), (edge.source, edge.target)


@pytest.mark.parametrize("name", DESIGNS)
def test_words_fit_their_boxes(name):
    diagram = layout(name)
    for node in diagram.nodes:
        for t in node.texts:
            assert t.x + text_width(t.text, LABEL_CHAR if t.kind == "label" else ROLE_CHAR) <= node.box.right - TILE_PAD + 1, t.text
            assert node.box.y < t.y < node.box.bottom
    for group in diagram.groups:
        assert group.text.x + text_width(group.label, GROUP_CHAR) <= group.box.right, group.label
    for edge in diagram.edges:
        if edge.text:
            assert edge.text.x + text_width(edge.label, EDGE_CHAR) <= diagram.width


def test_aws_places_regional_services_outside_the_vpc_and_global_ones_outside_the_region():
    diagram = layout("web")
    vpc, region = diagram.group("vpc").box, diagram.group("region").box
    assert not vpc.overlaps(diagram.node("s3").box)
    assert region.contains(diagram.node("s3").box)
    assert not region.overlaps(diagram.node("route53").box)
    alb = diagram.node("alb").box
    assert alb.x < diagram.group("az1").box.right
    assert alb.right > diagram.group("az2").box.x
    asg = diagram.group("app-fleet-ec2-group")
    assert (asg.kind, asg.colour, asg.dashed) == ("asg", "#ED7100", True)
    assert diagram.group("aurora-group").kind == "db-subnet-group"
    assert (diagram.group("vpc").colour, diagram.group("vpc").dashed) == ("#8C4FFF", False)
    assert diagram.group("public-az1").colour == "#7AA116"
    assert diagram.group("app-az2").colour == "#00A4A6"


def test_a_placeholder_is_a_dashed_labelled_tile():
    diagram = layout("undecided")
    node = diagram.node("undecided-database")
    assert node.placeholder
    assert node.label == "Undecided: Which database?"
    drawn = svg(diagram)
    assert drawn.count('stroke-dasharray="5 3"') == 4


def test_text_wrap_keeps_every_word_and_cuts_only_words_longer_than_a_line():
    assert text_wrap("spreads HTTPS requests across the servers", 100, 6.4) == ("spreads HTTPS", "requests across", "the servers")
    assert text_wrap("x" * 30, 65, 6.4) == ("x" * 10, "x" * 10, "x" * 10)


def test_an_unknown_place_is_refused_with_the_part_named():
    with pytest.raises(ValueError, match="part 'odd': place 'moon'"):
        diagram_layout([part("odd", "Odd", "nothing", "compute", "moon")], title="t")


def test_the_outline_lists_groups_components_and_arrows():
    outline = diagram_outline(layout("web"))
    cloud = outline["tree"][0]
    assert cloud["text"] == "AWS Cloud"
    texts = str(outline)
    assert "Route 53: answers www.example.com" in texts
    assert "Availability Zone 2" in texts
    assert "Application Load Balancer: spreads HTTPS requests across the servers (across both Availability Zones" in texts
    assert "EFS mount target → Amazon EFS: files (in each Availability Zone)" in outline["arrows"]
    assert "Route 53 → Application Load Balancer: DNS alias" in outline["arrows"]


# The SVG ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", DESIGNS)
def test_golden_svg(name):
    drawn = svg(layout(name))
    golden = GOLDEN / f"{name}.svg"
    if os.environ.get("DIAGRAM_GOLDEN_REFRESH"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(drawn, encoding="utf-8")
    assert drawn == golden.read_text(encoding="utf-8"), f"{golden} differs: see this file's docstring to refresh it"


@pytest.mark.parametrize("name", DESIGNS)
def test_the_same_parts_give_the_same_bytes(name):
    assert svg(layout(name)) == svg(diagram_layout(tuple(DESIGNS[name]), title=f"Test design: {name}"))


def test_the_svg_is_accessible_and_safe_under_a_strict_csp():
    drawn = svg(layout("web"))
    assert drawn.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'role="img" aria-labelledby="dg-title dg-desc"' in drawn
    assert 'viewBox="0 0 ' in drawn
    assert '<title id="dg-title">Test design: web</title>' in drawn
    assert "<desc id=" in drawn
    assert not re.search(r"<script|<style|style=|href=\"http|xlink:href|@import", drawn)
    inline = diagram_svg(layout("web"), standalone=False)
    assert inline.startswith("<svg")
    assert "Amazon Aurora" in inline


def test_words_are_escaped():
    hostile = diagram_layout([part("x", "<script>alert(1)</script>", 'a "role" & more', "compute", "app")], title="<b>")
    drawn = svg(hostile)
    assert "<script>" not in drawn
    assert "&lt;script&gt;" in drawn
    assert "<b>" not in drawn


# Real designs: whatever the rule book's fragments build ------------------------------


def test_every_blueprint_examples_parts_are_drawn(shipped):
    for blueprint in shipped.blueprints:
        for example in blueprint.examples:
            design = design_evaluate(shipped, blueprint, dict(example.answers), rules_version="t")
            parts = design_parts(shipped, design)
            diagram = diagram_layout(parts, title=blueprint.title)
            for p in parts:
                assert any(n.part == p.id for n in diagram.nodes), (blueprint.id, example.id, p.id)
            nodes = diagram.nodes
            for i, a in enumerate(nodes):
                assert not any(a.box.overlaps(b.box) for b in nodes[i + 1 :]), (example.id, a.id)


def test_every_fragment_at_once_still_lays_out(shipped):
    """The crowded extreme: every part the rule book can build, in one picture."""
    present = frozenset(f.id for f in shipped.fragments)
    parts = [f.part(present, {}) for f in shipped.fragments]
    diagram = diagram_layout(parts, title="Everything")
    nodes = diagram.nodes
    for i, a in enumerate(nodes):
        assert not any(a.box.overlaps(b.box) for b in nodes[i + 1 :]), a.id
        if not a.border:
            assert diagram.group(a.group).box.contains(a.box), a.id
    for group in diagram.groups:
        assert group.parent is None or diagram.group(group.parent).box.contains(group.box), group.id
    assert {n.part for n in nodes} == {p.id for p in parts}


# Views ---------------------------------------------------------------------------------

SMALL = "/design/small-app/"
ANSWERS = (
    "files=shared&database.purpose=app&database.data_shape=tables&database.engine=mysql_postgres"
    "&database.scale=steady&database.audit=no&storage.clients=linux"
)


def test_the_diagram_view_serves_svg_as_a_pure_page(client):
    response = client.get(f"{SMALL}diagram.svg?{ANSWERS}")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="small-app-diagram.svg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert "public" in response["Cache-Control"]
    assert response.content.startswith(b"<?xml")
    assert b'role="img"' in response.content


def test_the_diagram_view_refuses_bad_input_clearly(client):
    assert client.get("/design/nothing/diagram.svg").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"{SMALL}diagram.svg?files=shared&database.purpose=moon").status_code == HTTPStatus.BAD_REQUEST
    assert client.get(f"{SMALL}diagram.svg?files=shared").status_code == HTTPStatus.FOUND  # incomplete: back to the questions
    assert client.get(f"{SMALL}diagram.svg?storage.clients=linux&{ANSWERS.rsplit('&', 1)[0]}").status_code == HTTPStatus.MOVED_PERMANENTLY
    assert client.post(f"{SMALL}diagram.svg?{ANSWERS}").status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_the_result_page_shows_the_diagram_inline_with_its_list(client):
    content = client.get(f"{SMALL}result?{ANSWERS}").content.decode()
    assert '<div class="diagram-frame" role="region" aria-label="Architecture diagram" tabindex="0">' in content
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="diagram" role="img"' in content
    assert "<?xml" not in content
    assert " style=" not in content
    assert "<summary>The diagram as a list</summary>" in content
    assert "<li>AWS Cloud" in content
    assert f'href="{SMALL}diagram.svg?{ANSWERS.replace("&", "&amp;")}" download' in content


def test_the_decision_record_links_the_diagram(client):
    record = client.get(f"{SMALL}result.md?{ANSWERS}").content.decode()
    assert f"- Diagram (SVG): {SMALL}diagram.svg?{ANSWERS}" in record


@pytest.mark.django_db
def test_a_saved_design_keeps_its_diagram_bytes(client):
    form = dict(pair.split("=") for pair in ANSWERS.split("&"))
    response = client.post(f"{SMALL}share", form)
    assert response.status_code == HTTPStatus.SEE_OTHER
    snapshot = Snapshot.objects.get()
    assert snapshot.diagram.startswith("<?xml")
    assert snapshot.diagram_outline["tree"][0]["text"] == "AWS Cloud"
    # Later rules draw differently: the saved link still serves what was saved.
    Snapshot.objects.filter(pk=snapshot.pk).update(diagram=snapshot.diagram.replace("AWS Cloud", "AWS Cloud (then)"))
    saved = client.get(f"/s/{snapshot.slug}/diagram.svg")
    assert saved.status_code == HTTPStatus.OK
    assert saved["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert b"AWS Cloud (then)" in saved.content
    assert saved["Content-Disposition"] == f'inline; filename="small-app-diagram-{snapshot.slug}.svg"'
    page = client.get(f"/s/{snapshot.slug}").content.decode()
    assert "AWS Cloud (then)" in page
    assert "<?xml" not in page
    assert f'href="/s/{snapshot.slug}/diagram.svg" download' in page


@pytest.mark.django_db
def test_saved_links_without_a_diagram_are_404(client):
    domain = Snapshot.objects.create(slug="a" * 22, domain="x", answers=[], rules_version="v", document={})
    assert client.get(f"/s/{domain.slug}/diagram.svg").status_code == HTTPStatus.NOT_FOUND
    older = Snapshot.objects.create(slug="b" * 22, kind="design", domain="small-app", answers=[], rules_version="v", document={})
    assert client.get(f"/s/{older.slug}/diagram.svg").status_code == HTTPStatus.NOT_FOUND  # saved before diagrams
    assert client.get("/s/nothing-here/diagram.svg").status_code == HTTPStatus.NOT_FOUND


# In Chromium: axe, the strict CSP, dark mode and a phone; screenshots to look at ------------

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def web_parts(monkeypatch):
    """The test rule book has no fragments: draw the hand-made web design on its result page."""
    monkeypatch.setattr("advisor.views_design.design_parts", lambda book, design: WEB)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("scheme", "viewport"), [("light", "desktop"), ("dark", "desktop"), ("dark", "phone"), ("light", "phone")])
def test_the_diagram_in_chromium(live_server, browser, web_parts, scheme, viewport):
    from axe_playwright_python.sync_playwright import Axe

    from .conftest import SCREENSHOTS

    context = browser.new_context(color_scheme=scheme, viewport=PHONE if viewport == "phone" else DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Content-Security-Policy" in m.text else None)
    page.goto(f"{live_server.url}{SMALL}result?{ANSWERS}")
    frame = page.locator(".diagram-frame")
    frame.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    frame.screenshot(path=SCREENSHOTS / f"diagram-{viewport}-{scheme}.png")
    if viewport == "desktop":  # the list beside it, open
        page.get_by_text("The diagram as a list").click()
        page.locator(".diagram-section").screenshot(path=SCREENSHOTS / f"diagram-section-{scheme}.png")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})
    assert [v["id"] for v in results.response["violations"]] == []
    # Every word inside its tile, as the browser's own font measures it.
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('.dg-node')].flatMap(g => {
             const r = g.querySelector('rect').getBBox();
             return [...g.querySelectorAll('text')].filter(t => t.getBBox().x + t.getBBox().width > r.x + r.width - 2)
               .map(t => t.textContent); })"""
    )
    assert overflow == []
    # Dark mode reaches the inline copy: the text is the page's colour, not the file's black.
    fill = page.evaluate("getComputedStyle(document.querySelector('.dg-label')).fill")
    assert fill == ("rgb(230, 237, 243)" if scheme == "dark" else "rgb(27, 31, 36)")
    if viewport == "phone":  # scrolls in its own box, the page itself does not
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.evaluate("document.querySelector('.diagram-frame').scrollWidth > document.querySelector('.diagram-frame').clientWidth")
    # The file opens on its own under the same CSP, with no console error either.
    opened = page.goto(f"{live_server.url}{SMALL}diagram.svg?{ANSWERS}")
    assert opened.headers["content-type"] == "image/svg+xml; charset=utf-8"
    assert page.locator("text >> nth=0").count() == 1
    assert errors == []
    context.close()
