"""rules/fragments/: the loader's checks (path:line problems for broken references), the
coverage check (every candidate built or listed as not built), and design_parts."""

import shutil
from pathlib import Path

import pytest
import yaml

from advisor.engine import RuleBookError, rulebook_load
from advisor.engine.check import rulebook_check
from advisor.engine.design import design_answers_parse, design_evaluate, design_template
from advisor.engine.design.parts import BASE_FRAGMENT, design_parts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def rules(tmp_path) -> Path:
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    return tmp_path / "rules"


def edit(rules: Path, name: str, old: str, new: str) -> None:
    path = rules / "fragments" / name
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def problems(rules: Path) -> list[str]:
    with pytest.raises(RuleBookError) as caught:
        rulebook_load(rules)
    return [str(p) for p in caught.value.problems]


def line_of(rules: Path, name: str, needle: str) -> int:
    return next(i for i, line in enumerate((rules / "fragments" / name).read_text().splitlines(), 1) if needle in line)


def test_the_shipped_fragments_load_with_the_base_network_first():
    book = rulebook_load(ROOT / "rules")
    assert book.fragments[0].id == BASE_FRAGMENT
    assert book.fragments[0].when is None
    assert all(f.when is not None for f in book.fragments[1:])


def test_an_unknown_candidate_or_finding_in_when_is_a_path_line_problem(rules):
    edit(rules, "alb.yaml", "chosen: {load-balancer: alb}", "chosen: {load-balancer: albx}")
    edit(rules, "nat-gateway.yaml", "finding: [nat-gateway-per-az,", "finding: [nat-per-az,")
    found = problems(rules)
    where = f"rules/fragments/alb.yaml:{line_of(rules, 'alb.yaml', 'albx')}: "
    assert any(p.startswith(where) and "unknown candidate 'albx'" in p for p in found)
    assert any(p.startswith("rules/fragments/nat-gateway.yaml:") and "unknown finding 'nat-per-az'" in p for p in found)


def test_an_unknown_question_or_choice_in_when_is_a_problem(rules):
    edit(rules, "s3-gateway-endpoint.yaml", "private-service-access.service: s3", "private-service-access.servic: s3")
    found = problems(rules)
    assert any("unknown question 'private-service-access.servic'" in p for p in found)


def test_connects_and_links_must_name_known_parts(rules):
    edit(rules, "alb.yaml", "- {to: app-fleet-ec2, label: HTTP}", "- {to: app-fleet, label: HTTP}")
    edit(rules, "app-fleet-ec2.yaml", "- to: [nlb]", "- to: [nlbx]")
    found = problems(rules)
    assert any(p.startswith("rules/fragments/alb.yaml:") and "connects to unknown part 'app-fleet'" in p for p in found)
    assert any(p.startswith("rules/fragments/app-fleet-ec2.yaml:") and "link to unknown part 'nlbx'" in p for p in found)


def test_a_reference_to_an_unknown_logical_id_is_a_problem(rules):
    edit(rules, "rds.yaml", "SubnetIds: [{Ref: DataSubnet1}, {Ref: DataSubnet2}]", "SubnetIds: [{Ref: DataSubnet1}, {Ref: DataSubnet3}]")
    edit(rules, "efs.yaml", "FileSystemId: {Ref: FileSystem}", "FileSystemId: {Ref: FileSystm}")
    found = problems(rules)
    assert any(p.startswith(f"rules/fragments/rds.yaml:{line_of(rules, 'rds.yaml', 'DataSubnet3')}: Ref to unknown") for p in found)
    assert any(p.startswith("rules/fragments/efs.yaml:") and "'FileSystm'" in p for p in found)


def test_a_link_may_refer_to_the_linked_parts_names_but_not_others(rules):
    # AppTargetGroup's listener lives in alb.yaml: visible from the link to alb, not from elsewhere.
    edit(rules, "dynamodb.yaml", "Roles: [{Ref: InstanceRole}]", "Roles: [{Ref: TaskRole}]")
    found = problems(rules)
    assert any(p.startswith("rules/fragments/dynamodb.yaml:") and "'TaskRole'" in p for p in found)


def test_a_logical_name_used_by_two_fragments_is_a_problem(rules):
    edit(rules, "vpn.yaml", "    CustomerGateway:\n", "    Bucket:\n")
    edit(rules, "vpn.yaml", "CustomerGatewayId: {Ref: CustomerGateway}", "CustomerGatewayId: {Ref: Bucket}")
    found = problems(rules)
    assert any("resource name 'Bucket' is already used in rules/fragments/" in p for p in found)


def test_the_schema_catches_unknown_keys_with_the_line(rules):
    edit(rules, "efs.yaml", "    per_az: true\n", "    per_az: true\n    colour: green\n")
    found = problems(rules)
    assert any(p.startswith("rules/fragments/efs.yaml:") and "`colour`" in p for p in found)


def test_a_fragment_file_that_is_a_symbolic_link_is_refused(rules):
    (rules / "fragments" / "extra.yaml").symlink_to(rules / "fragments" / "efs.yaml")
    assert any(p.startswith("rules/fragments/extra.yaml:1: ") and "symbolic link" in p for p in problems(rules))


def test_fragments_count_in_the_rules_version(rules):
    before = rulebook_load(rules).version
    edit(rules, "efs.yaml", "role: shared files over NFS", "role: shared files over NFS v4")
    assert rulebook_load(rules).version != before


def test_a_candidate_neither_built_nor_listed_is_a_check_problem(rules):
    edit(rules, "not-built.yaml", "    candidates: [eks]\n", "    candidates: [lambda]\n")
    # lambda is built (app-function-lambda) and listed: fine; eks is now neither.
    report = rulebook_check(rulebook_load(rules))
    messages = [str(p) for p in report.problems]
    assert any("'compute-platform' can choose 'eks', which no fragment builds" in m for m in messages)
    assert any(m.startswith("rules/blueprints/web-application.yaml:") for m in messages if "'eks'" in m)


def test_the_shipped_fragments_cover_every_candidate():
    report = rulebook_check(rulebook_load(ROOT / "rules"))
    assert not [p for p in report.problems if "no fragment builds" in str(p)]


def test_design_parts_are_the_fragments_that_apply_with_arrows_only_between_present_parts():
    book = rulebook_load(ROOT / "rules")
    blueprint = book.blueprint("web-application")
    example = next(e for e in blueprint.examples if e.id == "notes-lab")
    design = design_evaluate(book, blueprint, design_answers_parse(book, blueprint, dict(example.answers)), rules_version=book.version)
    parts = design_parts(book, design)
    ids = [p.id for p in parts]
    assert ids[0] == BASE_FRAGMENT
    assert {"alb", "app-fleet-ec2", "rds", "s3", "s3-gateway-endpoint", "nat-gateway", "dns-alias"} <= set(ids)
    alb = next(p for p in parts if p.id == "alb")
    assert alb.connects == (("app-fleet-ec2", "HTTP"),)  # not to the ECS service or the function, which are not in it
    assert alb.decision == "load-balancer"
    assert next(p for p in parts if p.id == "nat-gateway").per_az
    endpoint = next(p for p in parts if p.id == "s3-gateway-endpoint")
    assert (endpoint.finding, endpoint.decision) == ("s3-gateway-endpoint", None)  # a finding's part
    assert design_parts(book, design) == parts  # pure and stable


def _example_design(book, example_id: str):
    blueprint = book.blueprint("web-application")
    example = next(e for e in blueprint.examples if e.id == example_id)
    return design_evaluate(book, blueprint, design_answers_parse(book, blueprint, dict(example.answers)), rules_version=book.version)


@pytest.mark.parametrize(
    ("example_id", "function", "in_vpc"),
    [("serverless-api", "app-function-lambda-no-vpc", False), ("serverless-api-with-postgres", "app-function-lambda", True)],
)
def test_a_function_joins_the_vpc_only_when_something_it_uses_lives_there(example_id, function, in_vpc):
    # Review 2, item 1: DynamoDB and internet calls need no VPC; a PostgreSQL database in the data subnets does.
    book = rulebook_load(ROOT / "rules")
    design = _example_design(book, example_id)
    parts = {p.id: p for p in design_parts(book, design)}
    assert function in parts
    assert {"app-function-lambda", "app-function-lambda-no-vpc"} - {function} & set(parts) == set()
    assert (parts[function].place == "app") is in_vpc
    assert ("nat-gateway" in parts) is in_vpc
    fragment = next(f for f in book.fragments if f.id == function)
    assert ("VpcConfig" in fragment.resources["AppFunction"]["Properties"]) is in_vpc


def test_global_accelerator_is_built_in_front_of_an_alb_with_its_waf():
    # Review 2, item 2: the ALB and the WAF used to vanish when Global Accelerator was chosen.
    book = rulebook_load(ROOT / "rules")
    design = _example_design(book, "global-ticket-shop")
    parts = {p.id: p for p in design_parts(book, design)}
    assert {"global-accelerator", "alb", "waf", "dns-alias-accelerator"} <= set(parts)
    assert ("alb", "TCP 80/443") in parts["global-accelerator"].connects
    assert parts["alb"].finding == "global-accelerator-alb-endpoint"
    template = yaml.safe_load(design_template(book, design, design_url="https://example.com/d"))
    resources = template["Resources"]
    endpoint = resources["AcceleratorEndpointGroup"]["Properties"]["EndpointConfigurations"][0]
    assert endpoint == {"EndpointId": {"Ref": "AppLoadBalancer"}, "ClientIPPreservationEnabled": True}
    assert "dns-alias" not in {p.id for p in design_parts(book, design)}
    assert resources["AliasRecord"]["Properties"]["AliasTarget"]["DNSName"] == {"Fn::GetAtt": ["Accelerator", "DnsName"]}
    assert resources["WebAclAssociation"]["Properties"]["ResourceArn"] == {"Ref": "AppLoadBalancer"}


def test_containers_in_isolated_subnets_get_the_endpoints_an_image_pull_needs():
    # Review 2, item 4: ECR's two APIs and Logs as interface endpoints, the image layers through S3's gateway endpoint.
    book = rulebook_load(ROOT / "rules")
    design = _example_design(book, "catalogue-behind-cloudfront-no-igw")
    assert {"ecr-endpoints", "s3-gateway-endpoint"} <= {p.id for p in design_parts(book, design)}
    resources = yaml.safe_load(design_template(book, design, design_url="https://example.com/d"))["Resources"]
    services = {
        r["Properties"]["ServiceName"]["Fn::Sub"].rsplit(".", 1)[-1]
        for r in resources.values()
        if r["Type"] == "AWS::EC2::VPCEndpoint" and "Fn::Sub" in r["Properties"]["ServiceName"]
    }
    assert {"api", "dkr", "logs", "s3"} <= services


def test_a_chosen_service_the_starter_does_not_build_is_still_drawn_where_its_entry_places_it(rules):
    # CloudFront with a VPC origin is not built; the diagram used to show a design with no front door.
    book = rulebook_load(ROOT / "rules")
    design = _example_design(book, "catalogue-behind-cloudfront-no-igw")
    tile = next(p for p in design_parts(book, design) if p.decision == "load-balancer")
    assert (tile.id, tile.label, tile.place) == ("not-built-load-balancer", "Amazon CloudFront with a VPC origin", "global")
    assert "does not build it" in tile.role
    assert not tile.placeholder  # decided, only not built: a plain tile, not an "Undecided" one
    template = design_template(book, design, design_url="https://example.com/d")
    assert "CloudFront" not in "".join(yaml.safe_load(template)["Resources"])  # drawn, never built
    # Without a place in its not_built entry, a chosen service is not drawn.
    text = (rules / "fragments" / "not-built.yaml").read_text()
    start = text.index("    candidates: [cloudfront_vpc_origin]\n")
    (rules / "fragments" / "not-built.yaml").write_text(text[:start] + text[start:].replace("    place: global\n", "", 1))
    unplaced = rulebook_load(rules)
    unplaced_design = _example_design(unplaced, "catalogue-behind-cloudfront-no-igw")
    assert all(p.decision != "load-balancer" for p in design_parts(unplaced, unplaced_design))


def test_a_not_built_place_must_be_a_place(rules):
    edit(rules, "not-built.yaml", "    place: global\n", "    place: sky\n")
    assert any("not-built.yaml" in p and "sky" in p for p in problems(rules))


def test_the_internet_gateway_is_drawn_in_front_of_an_internet_facing_load_balancer_and_behind_the_nats():
    # The base network builds it; the diagram used to leave it out, so requests came from nowhere.
    book = rulebook_load(ROOT / "rules")
    parts = {p.id: p for p in design_parts(book, _example_design(book, "notes-lab"))}
    assert ("alb", "HTTP(S)") in parts["internet-gateway"].connects
    assert ("internet-gateway", "outbound") in parts["nat-gateway"].connects
    assert parts["internet-gateway"].place == "vpc-border"
    assert not next(f for f in book.fragments if f.id == "internet-gateway").resources  # drawn, built by vpc.yaml
    # Behind Global Accelerator, requests reach the ALB through the accelerator, not the gateway.
    assert "internet-gateway" not in {p.id for p in design_parts(book, _example_design(book, "global-ticket-shop"))}
