"""Designs: several decisions strung together by a blueprint (rules/blueprints/). Pure Python, no Django."""

from .diagram import Diagram, diagram_layout, diagram_outline
from .document import design_document, design_result_build
from .evaluate import (
    ASKING,
    MADE,
    PENDING,
    SKIPPED,
    DecisionOutcome,
    Design,
    FindingOutcome,
    NextQuestion,
    design_answers_parse,
    design_evaluate,
    fact_describe,
)
from .model import SEVERITIES, Blueprint, DecisionSpec, Finding
from .parts import Part, design_parts
from .template import design_template, template_filename

__all__ = [
    "ASKING",
    "MADE",
    "PENDING",
    "SEVERITIES",
    "SKIPPED",
    "Blueprint",
    "DecisionOutcome",
    "DecisionSpec",
    "Design",
    "Diagram",
    "Finding",
    "FindingOutcome",
    "NextQuestion",
    "Part",
    "design_answers_parse",
    "design_document",
    "design_evaluate",
    "design_parts",
    "design_result_build",
    "design_template",
    "diagram_layout",
    "diagram_outline",
    "fact_describe",
    "template_filename",
]
