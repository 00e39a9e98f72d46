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
_SCHEMA_PATH = Path(__file__).resolve().parents[2] / "rules" / SCHEMA_FILE_NAME

_SINGULAR = {"questions": "question", "choices": "choice", "candidates": "candidate", "rules": "rule", "examples": "example"}


@cache
def schema_load() -> dict[str, Any]:
    return json.loads(_SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema_load())


@cache
def _fast_validator() -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(schema_load())


def _surely_valid(data: Any) -> bool:
    """jsonschema-rs answers "valid?" about a hundred times faster than jsonschema (the
    bulk of start-up, issue 6); jsonschema still explains every failure, in its words."""
    try:
        return _fast_validator().is_valid(data)
    except ValueError:  # a value it cannot represent: let jsonschema judge
        return False


def schema_problems(document: YamlDocument, *, display_path: str) -> list[Problem]:
    if not isinstance(document.data, dict):
        kind = "a list" if isinstance(document.data, list) else "a single value"
        return [
            Problem(
                display_path,
                1,
                f"the file holds {kind}, not a mapping",
                "a rule file is a mapping with the keys domain, questions, candidates, rules, examples",
            )
        ]
    if _surely_valid(document.data):
        return []
    return [_problem(error, document, display_path) for error in _validator().iter_errors(document.data)]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = schema_load()["$defs"][schema["$ref"].removeprefix("#/$defs/")]
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


def _problem(error: jsonschema.ValidationError, document: YamlDocument, display_path: str) -> Problem:
    path = tuple(error.absolute_path)
    where = _where(document.data, path)
    schema = _resolve(error.schema)
    line = document.line(path)
    match error.validator:
        case "required":
            name = error.message.split("'")[1]
            fix = _resolve(schema["properties"][name]).get("description", "")
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
            return Problem(
                display_path,
                line,
                f"{where} must hold exactly one test",
                "a condition is one of equals, one-of, all, any, not: wrap several in `all:` or `any:`",
            )
        case _:
            fix = schema.get("description") or "see this key's description in rules/rules.schema.json"
            return Problem(display_path, line, f"{where.rstrip(',')}: {error.message}", fix)
