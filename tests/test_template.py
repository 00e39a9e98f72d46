"""The CloudFormation starter of a design (issue 14): what it says, that it is deterministic,
that it holds exactly the design's parts, that every blueprint example's template passes
cfn-lint with 0 errors and 0 warnings, and that moto creates it (types moto does not
emulate are listed, not failures)."""

import time
import warnings
from pathlib import Path

import cfnlint.api
import pytest
import yaml

from advisor.engine import rulebook_load
from advisor.engine.design import design_answers_parse, design_evaluate
from advisor.engine.design.parts import design_fragments, design_parts
from advisor.engine.design.template import design_template

ROOT = Path(__file__).resolve().parent.parent
BOOK = rulebook_load(ROOT / "rules")
EXAMPLES = [(blueprint, example) for blueprint in BOOK.blueprints for example in blueprint.examples]
EXAMPLE_IDS = [f"{b.id}:{e.id}" for b, e in EXAMPLES]
URL = "https://advisor.example/design/{}/result?x=1"
LINT_TIMES: list[float] = []
MOTO_SKIPPED: dict[str, set[str]] = {}  # resource type → examples whose stack left it out
MOTO_DEPENDENTS: set[str] = set()  # logical ids left out only because they refer to a skipped resource


def design_of(blueprint, answers):
    parsed = design_answers_parse(BOOK, blueprint, dict(answers))
    return design_evaluate(BOOK, blueprint, parsed, rules_version=BOOK.version)


def template_of(blueprint, answers) -> str:
    return design_template(BOOK, design_of(blueprint, answers), design_url=URL.format(blueprint.id))


@pytest.fixture(scope="module", autouse=True)
def _summary():
    yield
    if LINT_TIMES:
        print(f"\ncfn-lint: {len(LINT_TIMES)} blueprint example templates in {sum(LINT_TIMES):.1f} s")
    if MOTO_SKIPPED:
        print("moto: resource types it does not emulate (left out of its stacks, not failures):")
        for kind, examples in sorted(MOTO_SKIPPED.items()):
            print(f"  {kind}: {', '.join(sorted(examples))}")
        print(f"  and what refers to them: {', '.join(sorted(MOTO_DEPENDENTS)) or 'nothing'}")


def test_the_header_says_what_it_is_and_how_to_deploy_it():
    blueprint, example = next((b, e) for b, e in EXAMPLES if e.id == "notes-lab")
    text = template_of(blueprint, example.answers)
    head = text.split("AWSTemplateFormatVersion")[0]
    assert "NOT PRODUCTION-READY" in head
    assert f"# Design: {URL.format(blueprint.id)}" in head
    assert f"# Rules version: {BOOK.version}" in head
    assert f"aws cloudformation deploy --template-file {blueprint.id}-{BOOK.version}.yaml" in head
    assert "--capabilities CAPABILITY_IAM" in head
    assert "--parameter-overrides" in head
    document = yaml.safe_load(text)
    assert document["AWSTemplateFormatVersion"] == "2010-09-09"
    groups = document["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
    assert sorted(p for g in groups for p in g["Parameters"]) == sorted(document["Parameters"])
    assert document["Outputs"]


@pytest.mark.parametrize(("blueprint", "example"), EXAMPLES, ids=EXAMPLE_IDS)
def test_the_same_design_gives_the_same_bytes(blueprint, example):
    assert template_of(blueprint, example.answers) == template_of(blueprint, example.answers)


@pytest.mark.parametrize(("blueprint", "example"), EXAMPLES, ids=EXAMPLE_IDS)
def test_the_template_holds_exactly_the_parts_resources(blueprint, example):
    design = design_of(blueprint, example.answers)
    resources = yaml.safe_load(design_template(BOOK, design, design_url="-"))["Resources"]
    fragments = design_fragments(BOOK, design)
    # Besides the fragments' parts: placeholders (undecided) and tiles of chosen services not built.
    built = [p.id for p in design_parts(BOOK, design) if not p.placeholder and not p.id.startswith("not-built-")]
    assert built == [f.id for f in fragments]
    expected = {logical_id for f in fragments for logical_id in f.resources}
    linked = set(resources) - expected
    assert expected <= set(resources)
    # Anything else comes from a link between two of the design's parts.
    present = {f.id for f in fragments}
    from_links = {name for f in fragments for link in f.links if set(link.to) & present for name in link.resources}
    assert linked <= from_links


def test_no_secrets_in_any_template():
    for blueprint, example in EXAMPLES:
        document = yaml.safe_load(template_of(blueprint, example.answers))
        for name, resource in document["Resources"].items():
            properties = resource.get("Properties", {})
            assert "MasterUserPassword" not in properties, name
            if "MasterUsername" in properties:
                assert properties["ManageMasterUserPassword"] is True, name


def test_an_undecided_decision_is_left_out_with_the_question_that_decides_it():
    blueprint, example = next((b, e) for b, e in EXAMPLES if e.id == "notes-lab")
    answers = {k: ("not_sure" if k.startswith("compute-platform.") else v) for k, v in example.answers}
    design = design_of(blueprint, answers)
    assert design.outcome("compute-platform").chosen is None
    parts = design_parts(BOOK, design)
    placeholder = next(p for p in parts if p.placeholder)
    assert placeholder.decision == "compute-platform"
    text = design_template(BOOK, design, design_url="-")
    assert "Left out: 'compute-platform'" in text
    assert "LaunchTemplate" not in yaml.safe_load(text)["Resources"]


def test_a_chosen_service_the_starter_does_not_build_is_named_with_the_reason():
    blueprint = BOOK.blueprint("migrate-application")
    example = blueprint.examples[0]
    design = design_of(blueprint, example.answers)
    chosen = design.outcome("migration").chosen
    text = design_template(BOOK, design, design_url="-")
    reason = next(n.reason for n in BOOK.not_built if n.domain == "migration")
    assert f"{chosen.name} (" in text
    assert " ".join(reason.split()) in text


@pytest.mark.parametrize(("blueprint", "example"), EXAMPLES, ids=EXAMPLE_IDS)
def test_blueprint_example_template_lints_clean(blueprint, example):
    text = template_of(blueprint, example.answers)
    started = time.perf_counter()
    matches = cfnlint.api.lint(text)
    LINT_TIMES.append(time.perf_counter() - started)
    assert [str(m) for m in matches] == []


# moto ---------------------------------------------------------------------------------


def _refers(node, names: set[str]) -> bool:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and value in names:
                return True
            if key == "Fn::GetAtt" and (value[0] if isinstance(value, list) else str(value).split(".")[0]) in names:
                return True
            if key == "Fn::Sub":
                text = value[0] if isinstance(value, list) else value
                if any("${" + n + "}" in text or "${" + n + "." in text for n in names):
                    return True
            if key == "DependsOn" and ({value} if isinstance(value, str) else set(value)) & names:
                return True
            if _refers(value, names):
                return True
    elif isinstance(node, list):
        return any(_refers(item, names) for item in node)
    return False


# Resources moto refuses although CloudFormation accepts them: (type, property, value) → why;
# value ... matches the property whatever its value.
MOTO_GAPS = {
    ("AWS::ElasticLoadBalancingV2::Listener", "Protocol", "TCP"): "moto's ELBv2 accepts only HTTP and HTTPS listeners",
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "SubnetMappings", ...): (
        "moto's CloudFormation reads only Subnets, so a load balancer with Elastic IPs has no subnet"
    ),
}


def _gap(resource: dict) -> str | None:
    for (kind, prop, value), _why in MOTO_GAPS.items():
        properties = resource.get("Properties", {})
        if resource["Type"] == kind and prop in properties and (value is ... or properties[prop] == value):
            return f"{kind} ({prop}{'' if value is ... else f': {value}'})"
    return None


def for_moto(document: dict, supported: set[str]) -> tuple[dict, set[str], set[str]]:
    """The template moto can create: without the types it does not emulate (and the
    MOTO_GAPS) and what refers to them, and without Outputs (moto resolves few
    attributes). Returns it, the types left out, and the logical ids left out."""
    resources = dict(document["Resources"])
    skipped_types = {r["Type"] for r in resources.values() if r["Type"] not in supported}
    skipped_types |= {_gap(r) for r in resources.values() if _gap(r)}
    gone = {name for name, r in resources.items() if r["Type"] in skipped_types or _gap(r)}
    while True:
        more = {name for name, r in resources.items() if name not in gone and _refers(r, gone)}
        if not more:
            break
        gone |= more
    kept = {name: r for name, r in resources.items() if name not in gone}
    return {**{k: v for k, v in document.items() if k != "Outputs"}, "Resources": kept}, skipped_types, gone


@pytest.mark.parametrize(("blueprint", "example"), EXAMPLES, ids=EXAMPLE_IDS)
def test_moto_creates_the_example_stack(blueprint, example, monkeypatch):
    for key, value in {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # boto3 and moto's own deprecations are not ours
        import boto3
        from moto import mock_aws
        from moto.cloudformation.parsing import get_model_map

        document = yaml.safe_load(template_of(blueprint, example.answers))
        body, skipped_types, gone = for_moto(document, set(get_model_map()))
        for kind in skipped_types:
            MOTO_SKIPPED.setdefault(kind, set()).add(example.id)
        resources = document["Resources"]
        MOTO_DEPENDENTS.update(n for n in gone if resources[n]["Type"] not in skipped_types and not _gap(resources[n]))
        with mock_aws():
            client = boto3.client("cloudformation")
            client.create_stack(StackName="starter", TemplateBody=yaml.safe_dump(body), Capabilities=["CAPABILITY_IAM"])
            stack = client.describe_stacks(StackName="starter")["Stacks"][0]
            created = {r["LogicalResourceId"] for r in client.list_stack_resources(StackName="starter")["StackResourceSummaries"]}
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    # Resources behind a condition are not created with the default parameters (no certificate, no domain).
    unconditional = {name for name, r in body["Resources"].items() if "Condition" not in r}
    assert unconditional <= created
    assert created - {""} <= set(body["Resources"])  # moto lists an ALB listener rule without a logical id
    assert not gone or skipped_types  # only what refers to a skipped type is left out


def test_libyaml_and_pure_python_write_the_same_template(monkeypatch):
    from advisor.engine.design import template

    blueprint, example = next((b, e) for b, e in EXAMPLES if e.id == "notes-lab")
    fast = template_of(blueprint, example.answers)
    monkeypatch.setattr(template, "_DUMPER", yaml.SafeDumper)
    assert template_of(blueprint, example.answers) == fast


def test_another_iac_choice_is_said_in_the_header():
    import dataclasses

    from advisor.engine.design import MADE, DecisionOutcome, DecisionSpec

    blueprint, example = next((b, e) for b, e in EXAMPLES if e.id == "notes-lab")
    design = design_of(blueprint, example.answers)
    domain = BOOK.domain("infrastructure-as-code")
    terraform = DecisionOutcome(DecisionSpec(domain.id, domain.title), domain, MADE, chosen=domain.candidate("terraform"))
    text = design_template(BOOK, dataclasses.replace(design, decisions=(*design.decisions, terraform)), design_url="-")
    head = text.split("AWSTemplateFormatVersion")[0]
    assert f"Your infrastructure-as-code choice is {domain.candidate('terraform').name}, not CloudFormation" in head
    assert "infrastructure-as-code choice" not in design_template(BOOK, design, design_url="-")


# Fixed IPs with HTTP routing or WAF (finding static-ips-alb-needs-nlb) -----------------


def _example(example_id):
    return next((b, e) for b, e in EXAMPLES if e.id == example_id)


def test_fixed_ips_with_routing_build_the_nlb_to_internal_alb_to_servers_chain():
    blueprint, example = _example("two-region-partner-portal")
    design = design_of(blueprint, example.answers)
    assert "static-ips-alb-needs-nlb" in {f.finding.id for f in design.findings}
    parts = {p.id: p for p in design_parts(BOOK, design)}
    assert "nlb" not in parts
    assert "alb" not in parts
    assert parts["nlb-to-alb"].connects == (("alb-internal", "TCP 80/443"),)  # the diagram draws the chain
    assert parts["alb-internal"].connects == (("app-fleet-ec2", "HTTP"),)
    assert parts["alb-internal"].finding == "static-ips-alb-needs-nlb"
    resources = yaml.safe_load(template_of(blueprint, example.answers))["Resources"]
    assert resources["AppLoadBalancer"]["Properties"]["Scheme"] == "internal"
    to_alb = resources["AlbTargetGroupHttp"]["Properties"]
    assert (to_alb["TargetType"], to_alb["Protocol"], to_alb["Targets"]) == ("alb", "TCP", [{"Id": {"Ref": "AppLoadBalancer"}, "Port": 80}])
    assert resources["NlbHttpListener"]["Properties"]["LoadBalancerArn"] == {"Ref": "NetworkLoadBalancer"}
    assert "SubnetMappings" in resources["NetworkLoadBalancer"]["Properties"]  # the Elastic IPs
    # The servers sit behind the ALB, not the NLB; the ALB reaches them through its own group.
    assert resources["AppTargetGroup"]["Properties"]["Protocol"] == "HTTP"
    assert resources["HttpListener"]["Properties"]["DefaultActions"][0]["TargetGroupArn"] == {"Ref": "AppTargetGroup"}
    assert resources["AppGroup"]["Properties"]["TargetGroupARNs"] == [{"Ref": "AppTargetGroup"}]
    assert "TcpListener" not in resources
    assert resources["AppFromInternalAlb"]["Properties"]["SourceSecurityGroupId"] == {"Ref": "InternalAlbSecurityGroup"}


def test_tls_passthrough_keeps_the_plain_nlb_even_mid_design():
    blueprint, example = _example("tls-passthrough-containers")
    parts = {p.id for p in design_parts(BOOK, design_of(blueprint, example.answers))}
    assert "nlb" in parts
    assert not {"nlb-to-alb", "alb-internal"} & parts
    # Mid-design (the last answer not given yet): the finding surely cannot hold, so the NLB is drawn.
    design = design_of(blueprint, example.answers[:-1])
    assert not design.complete
    assert design.outcome("load-balancer").chosen.id == "nlb"
    assert "nlb" in {p.id for p in design_parts(BOOK, design)}
