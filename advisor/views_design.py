"""Designs: several decisions strung together by a blueprint (issue 13).

Thin views over advisor.engine.design, in the same shapes as the domain pages in
views.py: the questionnaire (one question at a time, htmx steps, works without
JS), the pure result page and its Markdown, the share form, saved designs and
the JSON API. The design logic (what is asked, carried, skipped, chosen and
found) is the engine's; these only parse, call and render.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from http import HTTPStatus

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django_htmx.http import HttpResponseClientRedirect, push_url

from .engine import AnswerError
from .engine.design import (
    MADE,
    SKIPPED,
    Blueprint,
    Design,
    design_answers_parse,
    design_document,
    design_evaluate,
    design_result_build,
    fact_describe,
)
from .engine.design.diagram import Diagram, diagram_layout, diagram_outline
from .engine.design.parts import design_parts
from .engine.design.svg import diagram_svg
from .engine.design.template import design_template, template_filename
from .engine.document import question_document
from .models import DESIGN, snapshot_create
from .pagecache import BROWSER_SECONDS, CDN_SECONDS, pure_page
from .ratelimit import snapshot_allowed
from .rulebook import rulebook
from .templatetags.advisor import url_path
from .views import EDIT_PARAM, _json_error, _minutes, _query, _raw_answers, allow_methods, error_response, read_only

UNKNOWN_BLUEPRINT = "There is no design guide called '{blueprint}'."
INCOMPLETE = "these answers are not complete, so there is no design to save yet"
SEVERITY_TITLES = {"must": "Must", "should": "Should", "note": "Note"}


# Shared helpers -------------------------------------------------------------


def _blueprint(blueprint_id: str) -> Blueprint:
    blueprint = rulebook().blueprint(blueprint_id)
    if blueprint is None:
        raise Http404(UNKNOWN_BLUEPRINT.format(blueprint=blueprint_id))
    return blueprint


def _url(name: str, blueprint_id: str, answers) -> str:
    # Keys are ids or `domain.question`: '.' needs no escaping either (views._query).
    query = _query(answers)
    return url_path(name, blueprint_id) + (f"?{query}" if query else "")


def _edit_url(blueprint_id: str, answers, key: str) -> str:
    """The questionnaire showing an answered question again, every answer kept ("Back", an edit step's own URL)."""
    return _url("design", blueprint_id, [*answers, (EDIT_PARAM, key)])


def _common(blueprint: Blueprint | None = None) -> dict:
    return {"rules_version": rulebook().version, "domain": None, "blueprint": blueprint, "source_url": settings.ADVISOR_SOURCE_URL}


def _bad_answers(request: HttpRequest, blueprint: Blueprint, error: AnswerError) -> HttpResponse:
    return error_response(request, HTTPStatus.BAD_REQUEST, "That answer is not one the advisor knows", error.detail, code=error.code)


def _design(request: HttpRequest, blueprint: Blueprint, query, *, ignore: tuple[str, ...] = ()) -> tuple[dict, Design] | HttpResponse:
    """(raw answers, design) for a query or form, or the 400 that replaces them."""
    book = rulebook()
    try:
        raw = _raw_answers(query, ignore=ignore)
        answers = design_answers_parse(book, blueprint, raw)
    except AnswerError as error:
        return _bad_answers(request, blueprint, error)
    return raw, design_evaluate(book, blueprint, answers, rules_version=book.version)


def _question(design: Design, key: str):
    """The model Question behind an answer key, and the title of the decision it belongs to (None: the blueprint's own)."""
    domain_id, dot, question_id = key.partition(".")
    if not dot:
        return design.blueprint.scope.question(key), None
    outcome = design.outcome(domain_id)
    return outcome.domain.question(question_id), outcome.spec.title


def _field_id(key: str) -> str:
    """An HTML id for an answer key: 'database.purpose' → 'database--purpose' (a '.' would read as a class in CSS selectors)."""
    return key.replace(".", "--")


# Pages ------------------------------------------------------------------------


@read_only
def design_list(request: HttpRequest) -> HttpResponse:
    book = rulebook()
    blueprints = [{"blueprint": b, "decisions": [d.title for d in b.decisions], "questions": len(b.questions)} for b in book.blueprints]
    return render(request, "advisor/design_list.html", {**_common(), "blueprints": blueprints})


def _sketch(design: Design) -> dict:
    """The design so far as plain values: each decision's state and the findings that already hold."""
    book = rulebook()
    decisions = []
    for outcome in design.decisions:
        row = {"title": outcome.spec.title, "status": outcome.status, "chosen": outcome.chosen.name if outcome.chosen else ""}
        if outcome.status == SKIPPED:
            row["because"] = [fact_describe(book, design.blueprint, key, value) for key, value in outcome.skipped_because]
        decisions.append(row)
    findings = [{"severity": f.finding.severity, "text": f.finding.text} for f in design.findings]
    # What the status line says after a step: the latest decision settled, once (advisor.js).
    settled = [d for d in decisions if d["status"] in (MADE, SKIPPED)]
    latest = settled[-1] if settled else None
    if latest is not None:
        outcome = latest["chosen"] or ("not needed for these answers" if latest["status"] == SKIPPED else "no clear choice yet")
        latest = f"{latest['title']}: {outcome}."
    return {"decisions": decisions, "findings": findings, "latest": latest or ""}


@read_only
def design_questionnaire(request: HttpRequest, blueprint_id: str) -> HttpResponse:
    blueprint = _blueprint(blueprint_id)
    found = _design(request, blueprint, request.GET, ignore=(EDIT_PARAM,))
    if isinstance(found, HttpResponse):
        return found
    raw, design = found
    canonical = design.answers
    keys = [key for key, _ in canonical]
    edit = request.GET.get(EDIT_PARAM)
    if edit is not None and edit not in keys:
        edit = None  # nothing to change there (any more): just continue
    url = _edit_url(blueprint.id, canonical, edit) if edit else _url("design", blueprint.id, canonical)
    if list(raw.items()) != list(canonical) or (edit is None and EDIT_PARAM in request.GET):
        return redirect(url)

    is_htmx = request.htmx and not request.htmx.history_restore_request
    if design.complete and edit is None:
        result_url = _url("design-result", blueprint.id, canonical)
        return HttpResponseClientRedirect(result_url) if is_htmx else redirect(result_url)

    if edit:
        key = edit
        question, decision_title = _question(design, edit)
    else:
        nq = design.next_question
        key, question, decision_title = nq.key, nq.question, nq.decision.title if nq.decision else None
    # "3 of 7": the decision's place in the blueprint, numbered as the sketch numbers them (a decision
    # the answers skip keeps its number: the sketch shows it "not needed"); the bar counts those settled.
    order = [d.domain for d in blueprint.decisions]
    domain_id = key.partition(".")[0] if "." in key else None
    position = order.index(domain_id) + 1 if domain_id in order else 0
    total = len(order)
    settled = sum(1 for o in design.decisions if o.status in (MADE, SKIPPED))
    at = keys.index(edit) if edit else len(keys)
    previous = keys[:at]
    rows = []
    for answered_key, choice_id in canonical:
        asked, group = _question(design, answered_key)
        rows.append(
            {
                "key": answered_key,
                "group": group or blueprint.title,
                "text": asked.text,
                "label": asked.choice(choice_id).label,
            }
        )
    context = {
        **_common(blueprint),
        "key": key,
        "field_id": _field_id(key),
        "question": question,
        "decision_title": decision_title,
        "current": dict(canonical).get(key),
        "hidden_before": canonical[:at],
        "hidden_after": canonical[at + 1 :] if edit else (),
        "answered": rows,
        # Each Change button submits this one form with edit=<key> (as on the result page): a link
        # per answer repeated every answer, and a late step was two thirds links.
        "change_form": {"action": url_path("design", blueprint.id), "fields": _hidden_fields(canonical)},
        "position": position,
        "done": settled,
        "total": total,
        "sketch": _sketch(design),
        "restart_url": url_path("design", blueprint.id),
        "back_url": _edit_url(blueprint.id, canonical, previous[-1]) if previous else None,
        "htmx_fragment": is_htmx,
    }
    if is_htmx:
        response = render(request, "advisor/design_questionnaire.html#step", context)
        push_url(response, url)
    else:
        response = render(request, "advisor/design_questionnaire.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _result_context(blueprint: Blueprint | None, document: dict, *, changeable: bool = True, **extra) -> dict:
    """What design_result.html needs. No Change buttons when frozen (saved) or the blueprint is gone.

    A design has thirty-odd answers: a Change *link* each would repeat all of them (a kilobyte
    apiece, 40 % of the page). The answers are written once, in the hidden form `change_form`
    names; every Change button submits it with `edit=<key>`: the same URL a link would open."""
    answers = [(a["key"], a["choice"]) for a in document["answers"]]
    changeable = bool(blueprint and changeable)
    findings = [
        (SEVERITY_TITLES.get(severity, severity), [f for f in document["findings"] if f["severity"] == severity])
        for severity in SEVERITY_TITLES
    ]
    return {
        **_common(blueprint),
        "result": document,
        "answers_query": _query(answers),
        "chosen_names": _chosen_names(document),
        "change_form": {"action": url_path("design", blueprint.id), "fields": _hidden_fields(answers)} if changeable else None,
        "findings_by_severity": [(title, found) for title, found in findings if found],
        "decision_cards": [_decision_card(d, changeable) for d in document["decisions"]],
        "answer_groups": _answer_groups(document["answers"], changeable),
        **extra,
    }


def _hidden_fields(answers) -> str:
    # Thirty-odd inputs in one join, not a template loop (nor format_html_join: five times slower).
    return mark_safe("".join(f'<input type="hidden" name="{escape(key)}" value="{escape(choice)}">' for key, choice in answers))  # noqa: S308 - escaped here


def _answer_groups(answers: list[dict], changeable: bool) -> list[tuple[str, list[tuple[dict, str | None]]]]:
    """The answers under their decision's title, in the order asked: [(group, [(answer, key to change)])]."""
    groups: list[tuple[str, list]] = []
    for answer in answers:
        if not groups or groups[-1][0] != answer["group"]:
            groups.append((answer["group"], []))
        groups[-1][1].append((answer, answer["key"] if changeable else None))
    return groups


def _decision_card(decision: dict, changeable: bool) -> dict:
    """What a decision's card shows, and nothing else: the card is rendered once per process for all
    the designs that give it (its key is this dict). A Change button beside each answer that would
    decide it (when undecided or "Not sure"), and the answers earlier ones carried. Saved designs'
    older documents may lack a field: each is read with a default."""
    chosen = decision.get("chosen")
    carried = set(decision.get("carried") or ())
    return {
        "domain": decision["domain"],
        "title": decision["title"],
        "status": decision["status"],
        "skipped_because": decision.get("skipped_because") or [],
        "chosen": {"name": chosen["name"], "summary": chosen["summary"], "cost": chosen["cost"]} if chosen else None,
        "reasons": chosen["reasons"][:3] if chosen else [],
        "default_name": (decision.get("default") or {}).get("name", ""),
        "alternatives": [
            (alt, f"{decision['domain']}.{alt['question']}" if changeable else None) for alt in decision.get("alternatives") or ()
        ],
        "carried": [a for a in decision.get("answers") or () if a["question"] in carried],
        "result_url": decision.get("result_url") or "",
    }


def _chosen_names(document: dict) -> list[str]:
    return [d["chosen"]["name"] for d in document["decisions"] if d.get("chosen")]


def _checked_design(request: HttpRequest, blueprint: Blueprint, name: str) -> Design | HttpResponse:
    """The complete design for the query's answers, or the redirect or error that replaces it."""
    found = _design(request, blueprint, request.GET)
    if isinstance(found, HttpResponse):
        return found
    _, design = found
    if request.META.get("QUERY_STRING", "") != _query(design.answers):
        # One design, one URL (as for a domain's result): the share link and the cache key.
        moved = HttpResponseRedirect(_url(name, blueprint.id, design.answers), status=HTTPStatus.MOVED_PERMANENTLY)
        patch_cache_control(moved, public=True, max_age=BROWSER_SECONDS, s_maxage=CDN_SECONDS)
        return moved
    if not design.complete:
        return redirect(_url("design", blueprint.id, design.answers))
    return design


def _checked_result(request: HttpRequest, blueprint: Blueprint, name: str) -> dict | HttpResponse:
    """The design result document for the query's answers, or the redirect or error that replaces it."""
    design = _checked_design(request, blueprint, name)
    return design if isinstance(design, HttpResponse) else design_result_build(rulebook(), design)


def _diagram(design: Design) -> Diagram:
    return _diagram_of(design_parts(rulebook(), design), f"{design.blueprint.title}: the design")


# A diagram depends on the design's parts alone, far fewer than its answers (142 diagrams for 200
# random shipped designs): a pure function, kept by its inputs. Bounded: a few hundred KB.
@lru_cache(maxsize=128)
def _diagram_of(parts: tuple, title: str) -> Diagram:
    return diagram_layout(parts, title=title)


def _diagram_svg(diagram: Diagram) -> str:
    """The downloadable file: presentation attributes only, so it looks right on its own."""
    return diagram_svg(diagram, standalone=True)


def _file_response(body: str, content_type: str, filename: str, *, disposition: str = "inline") -> HttpResponse:
    """A design's file (diagram, template) under the name a download keeps."""
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _svg_response(svg: str, filename: str) -> HttpResponse:
    return _file_response(svg, "image/svg+xml", filename)


@read_only
@pure_page
def design_result(request: HttpRequest, blueprint_id: str) -> HttpResponse:
    blueprint = _blueprint(blueprint_id)
    design = _checked_design(request, blueprint, "design-result")
    if isinstance(design, HttpResponse):
        return design
    document = design_result_build(rulebook(), design)
    diagram = _diagram(design)
    return render(
        request,
        "advisor/design_result.html",
        _result_context(
            blueprint,
            document,
            diagram_inline=mark_safe(diagram_svg(diagram, standalone=False)),  # noqa: S308 - diagram_svg escapes every text
            diagram_outline=diagram_outline(diagram),
        ),
    )


@read_only
@pure_page
def design_diagram(request: HttpRequest, blueprint_id: str) -> HttpResponse:
    blueprint = _blueprint(blueprint_id)
    design = _checked_design(request, blueprint, "design-diagram")
    if isinstance(design, HttpResponse):
        return design
    return _svg_response(_diagram_svg(_diagram(design)), f"{blueprint.id}-diagram.svg")


def _template(design: Design) -> str:
    # The design's own URL (site-relative: the page is pure, the same whatever Host asked for it).
    return design_template(rulebook(), design, design_url=_url("design-result", design.blueprint.id, design.answers))


def _yaml_response(text: str, filename: str) -> HttpResponse:
    return _file_response(text, "application/yaml", filename, disposition="attachment")


@read_only
@pure_page
def design_template_download(request: HttpRequest, blueprint_id: str) -> HttpResponse:
    blueprint = _blueprint(blueprint_id)
    design = _checked_design(request, blueprint, "design-template")
    if isinstance(design, HttpResponse):
        return design
    return _yaml_response(_template(design), template_filename(blueprint.id, design.rules_version))


@read_only
@pure_page
def design_result_markdown(request: HttpRequest, blueprint_id: str) -> HttpResponse:
    blueprint = _blueprint(blueprint_id)
    document = _checked_result(request, blueprint, "design-result-md")
    if isinstance(document, HttpResponse):
        return document
    return _markdown(request, blueprint, document, f"{blueprint.id}-design.md")


def _markdown(request: HttpRequest, blueprint: Blueprint | None, document: dict, filename: str, **extra) -> HttpResponse:
    response = render(
        request, "advisor/design_result.md", _result_context(blueprint, document, **extra), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@never_cache  # the form carries a CSRF token: never one visitor's page in a shared cache
@allow_methods("GET", "HEAD", "POST")
def design_share(request: HttpRequest, blueprint_id: str) -> HttpResponse:
    blueprint = _blueprint(blueprint_id)
    found = _design(request, blueprint, request.POST if request.method == "POST" else request.GET)
    if isinstance(found, HttpResponse):
        return found
    _, design = found
    if not design.complete:
        if request.method == "POST":
            return _bad_answers(request, blueprint, AnswerError("incomplete", INCOMPLETE))
        return redirect(_url("design", blueprint.id, design.answers))
    document = design_result_build(rulebook(), design)
    if request.method == "POST":
        # One budget per client for domain and design saves (DESIGN.md, "Rate limit").
        if (wait := snapshot_allowed(request)) is not None:
            refused = error_response(
                request,
                HTTPStatus.TOO_MANY_REQUESTS,
                "Too many saved links",
                f"Your address has saved {settings.ADVISOR_SNAPSHOTS_PER_HOUR} links in the last hour. The design page's own "
                f"address is a share link too; you can save again in {_minutes(wait)}.",
            )
            refused["Retry-After"] = str(wait)
            return refused
        diagram = _diagram(design)  # kept as drawn today, whatever later rules and fragments draw
        snapshot = snapshot_create(
            kind=DESIGN,
            domain=blueprint.id,
            answers=list(design.answers),
            rules_version=design.rules_version,
            document=document,
            diagram=_diagram_svg(diagram),
            diagram_outline=diagram_outline(diagram),
            template=_template(design),  # kept as generated today, whatever later fragments build
        )
        return HttpResponseRedirect(reverse("snapshot", args=[snapshot.slug]), status=HTTPStatus.SEE_OTHER)
    context = {
        **_common(blueprint),
        "result": document,
        "chosen_names": _chosen_names(document),
        "hidden": design.answers,
        "result_url": _url("design-result", blueprint.id, design.answers),
    }
    htmx = request.htmx and not request.htmx.history_restore_request
    response = render(request, "advisor/design_share.html#share-form" if htmx else "advisor/design_share.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# JSON API ---------------------------------------------------------------------


def _api_blueprint(blueprint_id: str) -> Blueprint | JsonResponse:
    blueprint = rulebook().blueprint(blueprint_id)
    return blueprint or _json_error(HTTPStatus.NOT_FOUND, "unknown-blueprint", UNKNOWN_BLUEPRINT.format(blueprint=blueprint_id))


def _blueprint_summary(blueprint: Blueprint) -> dict:
    return {
        "id": blueprint.id,
        "title": blueprint.title,
        "summary": blueprint.summary,
        "decisions": [{"domain": d.domain, "title": d.title} for d in blueprint.decisions],
    }


@read_only
def api_blueprints(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"blueprints": [_blueprint_summary(b) for b in rulebook().blueprints]}, json_dumps_params={"ensure_ascii": False})


@read_only
def api_blueprint(request: HttpRequest, blueprint_id: str) -> JsonResponse:
    blueprint = _api_blueprint(blueprint_id)
    if isinstance(blueprint, JsonResponse):
        return blueprint
    document = {
        **_blueprint_summary(blueprint),
        "questions": [question_document(q) for q in blueprint.questions],
        "findings": [
            {"id": f.id, "severity": f.severity, "text": f.text, "because": f.because, "source": f.source, "cost": f.cost}
            for f in blueprint.findings
        ],
    }
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})


@read_only
def api_blueprint_recommend(request: HttpRequest, blueprint_id: str) -> JsonResponse:
    blueprint = _api_blueprint(blueprint_id)
    if isinstance(blueprint, JsonResponse):
        return blueprint
    book = rulebook()
    try:
        answers = design_answers_parse(book, blueprint, _raw_answers(request.GET))
    except AnswerError as error:
        return _json_error(HTTPStatus.BAD_REQUEST, error.code, error.detail)
    design = design_evaluate(book, blueprint, answers, rules_version=book.version)
    return JsonResponse(design_document(design), json_dumps_params={"ensure_ascii": False})
