"""Saved designs: /s/<slug> of kind "design" (views.py hands them over).

Frozen pages rendered from the document saved with them (and the diagram and template
bytes kept at save time), so a design opens as saved even after its blueprint is gone;
and the comparison with what today's rules make of the same answers.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from .engine import AnswerError
from .engine.design import Blueprint, design_answers_parse, design_evaluate, design_result_build
from .engine.design.document import design_documents_compare
from .engine.design.template import template_filename
from .models import Snapshot
from .rulebook import rulebook
from .views_design import _common, _markdown, _result_context, _svg_response, _url, _yaml_response


def saved_blueprint(snapshot: Snapshot) -> Blueprint | None:
    return rulebook().blueprint(snapshot.domain)


def saved_page(request: HttpRequest, snapshot: Snapshot) -> HttpResponse:
    # Frozen: no Change links, and it renders from the saved document alone, so a
    # design whose blueprint was later removed still opens.
    blueprint = saved_blueprint(snapshot)
    context = {
        **_result_context(blueprint, snapshot.document, changeable=False),
        "snapshot": snapshot,
        # The stored file, inline without its XML declaration (ours, escaped when it was drawn).
        "diagram_stored": mark_safe(snapshot.diagram.partition("?>\n")[2]) if snapshot.diagram else "",  # noqa: S308
        "diagram_outline": snapshot.diagram_outline,
        "rules_changed": snapshot.rules_version != rulebook().version,
    }
    return render(request, "advisor/design_snapshot.html", context)


def saved_diagram(request: HttpRequest, snapshot: Snapshot) -> HttpResponse:
    if not snapshot.diagram:
        raise Http404("This saved design was kept before designs had diagrams.")
    return _svg_response(snapshot.diagram, f"{snapshot.domain}-diagram-{snapshot.slug}.svg")


def saved_template(request: HttpRequest, snapshot: Snapshot) -> HttpResponse:
    if not snapshot.template:
        raise Http404("This saved design was kept before designs had CloudFormation starters.")
    # The slug too: two saved designs of one rules version are two different files.
    return _yaml_response(
        snapshot.template, template_filename(snapshot.domain, snapshot.rules_version).replace(".yaml", f"-{snapshot.slug}.yaml")
    )


def saved_markdown(request: HttpRequest, snapshot: Snapshot) -> HttpResponse:
    blueprint = saved_blueprint(snapshot)
    return _markdown(
        request,
        blueprint,
        snapshot.document,
        f"{snapshot.domain}-design-{snapshot.slug}.md",
        snapshot=snapshot,
        changeable=False,
    )


def saved_json(snapshot: Snapshot) -> dict:
    return {
        "slug": snapshot.slug,
        "kind": snapshot.kind,
        "blueprint": snapshot.domain,
        "created": snapshot.created.isoformat(),
        "rules_version": snapshot.rules_version,
        "answers": dict(snapshot.answers),
        "result": snapshot.document,
    }


def saved_compare(request: HttpRequest, snapshot: Snapshot) -> HttpResponse:
    book = rulebook()
    blueprint = saved_blueprint(snapshot)
    comparison, problem, continue_url = None, None, None
    if blueprint is None:
        problem = f"Today's rules no longer have the '{snapshot.domain}' design guide."
    else:
        try:
            answers = design_answers_parse(book, blueprint, dict(snapshot.answers))
        except AnswerError as error:
            problem = f"Today's rules can no longer read these answers: {error.detail}."
        else:
            design = design_evaluate(book, blueprint, answers, rules_version=book.version)
            if design.complete:
                comparison = design_documents_compare(snapshot.document, design_result_build(rulebook(), design))
            else:
                continue_url = _url("design", blueprint.id, design.answers)
    return render(
        request,
        "advisor/design_compare.html",
        {**_common(blueprint), "snapshot": snapshot, "comparison": comparison, "problem": problem, "continue_url": continue_url},
    )
