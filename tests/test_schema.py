"""The schema is documentation for rule authors: every property explained, nothing unknown allowed."""

import json

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.engine.check import SCHEMA_OF_FOLDER, schema_path_for
from advisor.engine.schema import BLUEPRINT_SCHEMA_FILE_NAME, _surely_valid, _validator
from advisor.engine.yamlfile import yaml_read

from .conftest import ROOT

SCHEMA_PATH = ROOT / "rules" / "rules.schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text())


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def _objects(node, path="#"):
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield path, node
        for key, value in node.items():
            yield from _objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _objects(value, f"{path}/{i}")


def test_every_property_has_a_description():
    missing = []
    for path, obj in _objects(SCHEMA):
        for name, prop in obj.get("properties", {}).items():
            if "description" not in prop and not ("$ref" in prop and "description" in SCHEMA["$defs"][prop["$ref"].split("/")[-1]]):
                missing.append(f"{path}/properties/{name}")
    assert missing == []


def test_objects_with_fixed_keys_refuse_unknown_ones():
    loose = [path for path, obj in _objects(SCHEMA) if "properties" in obj and obj.get("additionalProperties") is not False]
    assert loose == []


@pytest.mark.parametrize("path", sorted((ROOT / "rules").rglob("*.yaml")), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_rule_file_starts_with_the_schema_line(path):
    # rules/<domain>.yaml points at ./rules.schema.json; rules/<domain>/<part>.yaml at ../rules.schema.json;
    # rules/blueprints/<id>.yaml at ../blueprint.schema.json (rules/fragments/: ../fragment.schema.json).
    expected = {"blueprints": "../blueprint.schema.json", "fragments": "../fragment.schema.json"}
    schema = "./rules.schema.json" if path.parent == ROOT / "rules" else expected.get(path.parent.name, "../rules.schema.json")
    assert schema == schema_path_for(path, ROOT / "rules")
    assert path.read_text(encoding="utf-8").splitlines()[0] == f"# yaml-language-server: $schema={schema}"


# Start-up asks jsonschema-rs "valid?" and only asks jsonschema why when it is not
# (advisor/engine/schema.py). If the two ever disagree, a broken file would load
# silently: check that they agree on every shipped file and on many broken variants.

DOMAIN_FILES = [p for p in sorted((ROOT / "rules").rglob("*.yaml")) if p.parent.name not in SCHEMA_OF_FOLDER]
SHIPPED_DATA = [yaml_read(p.read_text(encoding="utf-8"), display_path=p.name)[0].data for p in DOMAIN_FILES]
ODD_VALUES = [None, 0, -1, 2.5, True, "", "Not An Id", "x" * 300, [], ["a"], {}, {"unknown": 1}, "2026-13-45", "http://example.com"]


def _places(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _places(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _places(value, (*path, i))


def _mutated(data, path, how, value):
    data = json.loads(json.dumps(data))
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    key = path[-1]
    if how == "delete" and isinstance(parent, dict):
        del parent[key]
    elif how == "add" and isinstance(parent[key], dict):
        parent[key]["surprise"] = value
    else:
        parent[key] = value
    return data


@pytest.mark.parametrize("index", range(len(SHIPPED_DATA)))
def test_fast_and_explaining_validators_agree_on_shipped_files(index):
    assert _surely_valid(SHIPPED_DATA[index])
    assert list(_validator().iter_errors(SHIPPED_DATA[index])) == []


@given(st.data())
@settings(max_examples=300, deadline=None)
def test_fast_and_explaining_validators_agree_on_broken_files(data):
    document = data.draw(st.sampled_from(SHIPPED_DATA))
    path = data.draw(st.sampled_from([p for p in _places(document) if p]))
    how = data.draw(st.sampled_from(["delete", "add", "replace"]))
    broken = _mutated(document, path, how, data.draw(st.sampled_from(ODD_VALUES)))
    assert _surely_valid(broken) == (not any(True for _ in _validator().iter_errors(broken)))


@pytest.mark.parametrize("path", sorted((ROOT / "rules" / "blueprints").glob("*.yaml")), ids=lambda p: p.name)
def test_fast_and_explaining_validators_agree_on_shipped_blueprints(path):
    data = yaml_read(path.read_text(encoding="utf-8"), display_path=path.name)[0].data
    assert _surely_valid(data, BLUEPRINT_SCHEMA_FILE_NAME)
    assert list(_validator(BLUEPRINT_SCHEMA_FILE_NAME).iter_errors(data)) == []
