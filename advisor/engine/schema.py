"""Validate rule-file data against rules/rules.schema.json, in words an author can act on.

The schema is the one editors read (through the `# yaml-language-server`
line), so the help an author sees on hover and the fix a failed check
prints come from the same `description`s.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs

from .problems import Problem
from .yamlfile import YamlDocument

SCHEMA_FILE_NAME = "rules.schema.json"
BLUEPRINT_SCHEMA_FILE_NAME = "blueprint.schema.json"  # rules/blueprints/*.yaml; it borrows rules.schema.json's $defs
FRAGMENT_SCHEMA_FILE_NAME = "fragment.schema.json"  # rules/fragments/*.yaml; it borrows both others' $defs
_RULES = Path(__file__).resolve().parents[2] / "rules"

_SINGULAR = {
    "questions": "question",
    "choices": "choice",
    "candidates": "candidate",
    "rules": "rule",
    "examples": "example",
    "decisions": "decision",
    "findings": "finding",
}
_KEYS = {
    SCHEMA_FILE_NAME: "domain, questions, candidates, rules, examples",
    BLUEPRINT_SCHEMA_FILE_NAME: "blueprint, questions, decisions, findings, examples",
    FRAGMENT_SCHEMA_FILE_NAME: "fragment (or not_built)",
}


@cache
def schema_load(name: str = SCHEMA_FILE_NAME) -> dict[str, Any]:
    """A schema as one document: its references into the other schema files (there for
    editors, which resolve them from the file) are copied in as local $defs."""
    schema = json.loads((_RULES / name).read_text(encoding="utf-8"))
    if name == SCHEMA_FILE_NAME:
        return schema
    lenders = [SCHEMA_FILE_NAME] + ([BLUEPRINT_SCHEMA_FILE_NAME] if name == FRAGMENT_SCHEMA_FILE_NAME else [])

    def local(node: Any) -> Any:
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k == "$ref" and "#/$defs/" in v and not v.startswith("#"):
                    v = "#/$defs/" + v.split("#/$defs/", 1)[1]
                out[k] = local(v)
            return out
        return [local(item) for item in node] if isinstance(node, list) else node

    own = local(schema)
    borrowed: dict[str, Any] = {}
    for lender in lenders:
        borrowed |= schema_load(lender)["$defs"]
    # The lender's "condition" differs from ours: our own $defs win.
    own["$defs"] = {**borrowed, **own["$defs"]}
    return own


@cache
def _validator(name: str = SCHEMA_FILE_NAME) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema_load(name))


@cache
def _fast_validator(name: str = SCHEMA_FILE_NAME) -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(schema_load(name))


def _surely_valid(data: Any, name: str = SCHEMA_FILE_NAME) -> bool:
    """jsonschema-rs answers "valid?" about a hundred times faster than jsonschema (the
    bulk of start-up, issue 6); jsonschema still explains every failure, in its words."""
    try:
        return _fast_validator(name).is_valid(data)
    except ValueError:  # a value it cannot represent: let jsonschema judge
        return False


def schema_problems(document: YamlDocument, *, display_path: str, schema: str = SCHEMA_FILE_NAME) -> list[Problem]:
    if not isinstance(document.data, dict):
        kind = "a list" if isinstance(document.data, list) else "a single value"
        return [Problem(display_path, 1, f"the file holds {kind}, not a mapping", f"it is a mapping with the keys {_KEYS[schema]}")]
    if _surely_valid(document.data, schema):
        return []
    return [_problem(error, document, display_path, schema) for error in _validator(schema).iter_errors(document.data)]


def _resolve(schema: dict[str, Any], name: str) -> dict[str, Any]:
    while "$ref" in schema:
        schema = schema_load(name)["$defs"][schema["$ref"].removeprefix("#/$defs/")]
    return schema


def _where(data: Any, path: tuple) -> str:
    """Name a place in the file the way an author thinks of it: "rule 'x', key `because`"."""
    subject = "the file"
    node, rest = data, []
    for i, step in enumerate(path):
        parent_key = path[i - 1] if i else None
        node = node[step]
        if isinstance(step, int) and parent_key in _SINGULAR:
            item_id = node.get("id") if isinstance(node, dict) else None
            kind = _SINGULAR[parent_key]
            subject = f"{kind} '{item_id}'" if isinstance(item_id, str) else f"{kind} #{step + 1}"
            rest = []
        else:
            rest.append(str(step))
    return f"{subject}, `{'.'.join(rest)}`," if rest else subject


def _problem(error: jsonschema.ValidationError, document: YamlDocument, display_path: str, schema_name: str) -> Problem:
    path = tuple(error.absolute_path)
    where = _where(document.data, path)
    schema = _resolve(error.schema, schema_name)
    line = document.line(path)
    match error.validator:
        case "required":
            name = error.message.split("'")[1]
            fix = _resolve(schema["properties"][name], schema_name).get("description", "")
            return Problem(display_path, line, f"{where} is missing `{name}`", fix)
        case "additionalProperties":
            allowed = schema.get("properties", {})
            extra = [key for key in error.instance if key not in allowed]
            line = document.line((*path, extra[0]))
            return Problem(
                display_path,
                line,
                f"{where} has unknown key{'s' if len(extra) > 1 else ''} {', '.join(f'`{k}`' for k in extra)}",
                f"allowed here: {', '.join(allowed)}",
            )
        case "enum":
            return Problem(
                display_path,
                line,
                f"{where} is {error.instance!r}, not one of the allowed values",
                f"use one of: {', '.join(map(str, error.validator_value))}",
            )
        case "pattern":
            return Problem(display_path, line, f"{where} is {error.instance!r}, which is not valid here", schema.get("description", ""))
        case "propertyNames":
            return Problem(display_path, line, f"{where} has a key that is not a valid id", error.message)
        case "type" | "oneOf":
            wanted = schema.get("description") or f"expected {error.validator_value}"
            return Problem(display_path, line, f"{where} has the wrong type ({type(error.instance).__name__})", wanted)
        case "minProperties" | "maxProperties" if "equals" in schema.get("properties", {}):
            tests = ", ".join(schema["properties"])
            return Problem(
                display_path,
                line,
                f"{where} must hold exactly one test",
                f"a condition is one of {tests}: wrap several in `all:` or `any:`",
            )
        case _:
            fix = schema.get("description") or f"see this key's description in rules/{schema_name}"
            return Problem(display_path, line, f"{where.rstrip(',')}: {error.message}", fix)
