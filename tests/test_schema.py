"""The schema is documentation for rule authors: every property explained, nothing unknown allowed."""

import json

import jsonschema
import pytest

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
    # rules/<domain>.yaml points at ./rules.schema.json; rules/<domain>/<part>.yaml at ../rules.schema.json.
    in_folder = path.parent != ROOT / "rules"
    schema = "../rules.schema.json" if in_folder else "./rules.schema.json"
    assert path.read_text(encoding="utf-8").splitlines()[0] == f"# yaml-language-server: $schema={schema}"
