"""Thin views: parse the request, call the engine, render. No rule logic here."""

from __future__ import annotations

import json
import re
from functools import wraps
from http import HTTPStatus
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django_htmx.http import HttpResponseClientRedirect, push_url

from .engine import (
    AnswerError,
    Domain,
    advice_document,
    answers_canonical,
    answers_parse,
    domain_document,
    domain_summary_document,
    evaluate,
)
from .engine.evaluate import progress
from .engine.result import result_build, result_compare
from .models import SLUG_PATTERN, Snapshot, snapshot_create
from .pagecache import BROWSER_SECONDS, CDN_SECONDS, pure_page
from .ratelimit import snapshot_allowed
from .rulebook import rulebook
from .templatetags.advisor import url_path

# Areas in the order the home page shows them (the schema's `area` enum).
AREA_TITLES = {
    "database": "Databases",
    "storage": "Storage",
    "load-balancing": "Load balancing",
    "networking": "Networking",
    "deployment": "Deployment",
    "access-control": "Access control",
    "migration": "Migration",
}
EDIT_PARAM = "edit"  # questionnaire only: the answered question being changed
STANDING_SIZE = 3
SLUG_RE = re.compile(rf"^{SLUG_PATTERN}$")
OPENAPI = json.loads((Path(__file__).parent / "openapi.json").read_text(encoding="utf-8"))

EMPTY_ANSWER = "no answer was given for '{question}'"
TWICE = "'{question}' is answered more than once"


def allow_methods(*methods: str):
    """Only these methods; any other gets 405 with Allow, as a JSON error under /api/ and a page elsewhere."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in methods:
                response = error_response(
                    request,
                    HTTPStatus.METHOD_NOT_ALLOWED,
                    "That kind of request is not accepted here",
                    f"This address answers {', '.join(methods[:-1])} and {methods[-1]} requests, not {request.method}.",
                    code="method-not-allowed",
                )
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def read_only(view):
    """GET and HEAD only. Such a view changes nothing, so there is nothing for CSRF to
    protect: any other method gets 405 with Allow, not a CSRF 403."""
    return csrf_exempt(allow_methods("GET", "HEAD")(view))


# Shared helpers -------------------------------------------------------------


def _domain(domain_id: str) -> Domain:
    domain = rulebook().domain(domain_id)
    if domain is None:
        raise Http404(f"There is no advisor for '{domain_id}'.")
    return domain


def _raw_answers(query: QueryDict, *, ignore: tuple[str, ...] = ()) -> dict[str, str]:
    """question → choice from a query string or form, refusing repeats and blanks."""
    raw = {}
    for question, values in query.lists():
        if question in ignore or question == "csrfmiddlewaretoken":
            continue
        if len(values) > 1:
            raise AnswerError("repeated-answer", TWICE.format(question=question))
        if not values[0]:
            raise AnswerError("empty-answer", EMPTY_ANSWER.format(question=question))
        raw[question] = values[0]
    return raw


def _query(answers) -> str:
    """The query string for (question, choice) pairs. Every id matches the schema's
    ^[a-z][a-z0-9_-]*$ (answers_parse checked them), so none needs escaping: this is what
    urlencode gives, at a fraction of its cost on the hot path."""
    return "&".join([f"{question}={choice}" for question, choice in answers])


def _url(name: str, domain: Domain, answers) -> str:
    query = _query(answers)
    return url_path(name, domain.id) + (f"?{query}" if query else "")


def _edit_url(domain: Domain, answers, question_id: str) -> str:
    """The questionnaire showing an answered question again, its answer chosen ("Change", "Back")."""
    return _url("questionnaire", domain, [*answers, (EDIT_PARAM, question_id)])


def _edit_urls(domain: Domain, answers) -> dict[str, str]:
    """_edit_url for every answered question, encoding the answers once."""
    start = _url("questionnaire", domain, answers) + ("&" if answers else "?")
    return {question_id: f"{start}{EDIT_PARAM}={question_id}" for question_id, _ in answers}


def error_response(
    request: HttpRequest, status: HTTPStatus, title: str, detail: str, *, domain: Domain | None = None, code: str = ""
) -> HttpResponse:
    """A 4xx/5xx that says what was wrong: JSON under /api/, else a page with a way back. Never a traceback."""
    if request.path.startswith("/api/"):
        return _json_error(status, code or status.phrase.lower().replace(" ", "-"), detail)
    return render(request, "advisor/error.html", {**_common(domain), "title": title, "detail": detail}, status=status)


def _bad_answers(request: HttpRequest, domain: Domain, error: AnswerError) -> HttpResponse:
    return error_response(
        request, HTTPStatus.BAD_REQUEST, "That answer is not one the advisor knows", error.detail, domain=domain, code=error.code
    )


def _common(domain: Domain | None = None) -> dict:
    return {"rules_version": rulebook().version, "domain": domain, "source_url": settings.ADVISOR_SOURCE_URL}


# Pages ------------------------------------------------------------------------


@read_only
def home(request: HttpRequest) -> HttpResponse:
    book = rulebook()
    areas = [(title, [d for d in book.domains if d.area == area]) for area, title in AREA_TITLES.items()]
    return render(
        request,
        "advisor/home.html",
        {
            **_common(),
            "areas": [(title, domains) for title, domains in areas if domains],
            "uncovered": [title for title, domains in areas if not domains],
        },
    )


@read_only
def questionnaire(request: HttpRequest, domain_id: str) -> HttpResponse:
    domain = _domain(domain_id)
    try:
        raw = _raw_answers(request.GET, ignore=(EDIT_PARAM,))
        answers = answers_parse(domain, raw)
    except AnswerError as error:
        return _bad_answers(request, domain, error)
    advice = evaluate(domain, answers, rules_version=rulebook().version)
    canonical = advice.answers
    edit = request.GET.get(EDIT_PARAM)
    if edit is not None and edit not in dict(canonical):
        edit = None  # nothing to change there (any more): just continue
    url = _edit_url(domain, canonical, edit) if edit else _url("questionnaire", domain, canonical)
    if list(raw.items()) != list(canonical) or (edit is None and EDIT_PARAM in request.GET):
        return redirect(url)

    is_htmx = request.htmx and not request.htmx.history_restore_request
    if advice.complete and edit is None:
        result_url = _url("result", domain, canonical)
        return HttpResponseClientRedirect(result_url) if is_htmx else redirect(result_url)

    question = domain.question(edit) if edit else advice.next_question
    answered, at_most = progress(domain, answers)
    position = [q for q, _ in canonical].index(edit) + 1 if edit else answered + 1
    order = {q.id: i for i, q in enumerate(domain.questions)}
    hidden_before = [(q, c) for q, c in canonical if order[q] < order[question.id]]
    hidden_after = [(q, c) for q, c in canonical if order[q] > order[question.id]]
    change_urls = _edit_urls(domain, canonical)
    context = {
        **_common(domain),
        "question": question,
        "current": dict(canonical).get(question.id),
        "hidden_before": hidden_before,
        "hidden_after": hidden_after,
        "answered": [
            {"question": (asked := domain.question(q)), "choice": asked.choice(c), "change_url": change_urls[q]} for q, c in canonical
        ],
        "position": position,
        "at_most": max(at_most, position),
        # Names and scores only: plain values {% once %} can key the standing fragment by.
        "leading": [(s.candidate.name, s.score) for s in advice.recommendations[:STANDING_SIZE]],
        "ruled_out": [s.candidate.name for s in advice.ruled_out],
        "restart_url": url_path("questionnaire", domain.id),
        "back_url": _back_url(domain, canonical, edit),
        "htmx_fragment": is_htmx,
    }
    if is_htmx:
        response = render(request, "advisor/questionnaire.html#step", context)
        push_url(response, url)
    else:
        response = render(request, "advisor/questionnaire.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _back_url(domain: Domain, canonical: tuple[tuple[str, str], ...], edit: str | None) -> str | None:
    """Back shows the previous question with its answer still chosen (GOV.UK's question pages)."""
    questions = [q for q, _ in canonical]
    previous = questions[: questions.index(edit)] if edit else questions
    if not previous:
        return None
    return _edit_url(domain, canonical, previous[-1])


def _result_context(domain: Domain | None, document: dict, *, changeable: bool = True, **extra) -> dict:
    """What result.html needs. No "Change" links when not `changeable` (a saved result is
    frozen) or when `domain` is None (a snapshot whose domain today's rules lack)."""
    answers = [(a["question"], a["choice"]) for a in document["answers"]]
    change_urls = _edit_urls(domain, answers) if domain and changeable else {}
    return {
        **_common(domain),
        "result": document,
        "answers_query": _query(answers),
        "change_urls": change_urls,
        "answer_rows": [(a, change_urls.get(a["question"])) for a in document["answers"]],
        **extra,
    }


def _checked_result(request: HttpRequest, domain: Domain, name: str) -> dict | HttpResponse:
    """The result document for the query's answers, or the redirect or error that replaces it."""
    try:
        raw = _raw_answers(request.GET)
        answers = answers_parse(domain, raw)
    except AnswerError as error:
        return _bad_answers(request, domain, error)
    canonical = answers_canonical(domain, answers)
    if request.META.get("QUERY_STRING", "") != _query(canonical):
        # One result, one URL, byte for byte (another order, another spelling of the same
        # answers, a stray parameter): the share link, and the key caches keep it by.
        moved = HttpResponseRedirect(_url(name, domain, canonical), status=HTTPStatus.MOVED_PERMANENTLY)
        # Which spelling is canonical depends on the rules (their question order): a browser
        # must not keep this redirect longer than the page itself.
        patch_cache_control(moved, public=True, max_age=BROWSER_SECONDS, s_maxage=CDN_SECONDS)
        return moved
    document = result_build(domain, answers, rules_version=rulebook().version)
    if not document["complete"]:
        return redirect(_url("questionnaire", domain, canonical))
    return document


@read_only
@pure_page
def result(request: HttpRequest, domain_id: str) -> HttpResponse:
    domain = _domain(domain_id)
    document = _checked_result(request, domain, "result")
    if isinstance(document, HttpResponse):
        return document
    return render(request, "advisor/result.html", _result_context(domain, document))


@read_only
@pure_page
def result_markdown(request: HttpRequest, domain_id: str) -> HttpResponse:
    domain = _domain(domain_id)
    document = _checked_result(request, domain, "result-md")
    if isinstance(document, HttpResponse):
        return document
    return _markdown(request, domain, document, f"{domain.id}-decision.md")


def _markdown(request: HttpRequest, domain: Domain, document: dict, filename: str, **extra) -> HttpResponse:
    response = render(request, "advisor/result.md", _result_context(domain, document, **extra), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@never_cache  # the form carries a CSRF token: never one visitor's page in a shared cache
@allow_methods("GET", "HEAD", "POST")
def share(request: HttpRequest, domain_id: str) -> HttpResponse:
    domain = _domain(domain_id)
    try:
        raw = _raw_answers(request.POST if request.method == "POST" else request.GET)
        answers = answers_parse(domain, raw)
    except AnswerError as error:
        return _bad_answers(request, domain, error)
    canonical = answers_canonical(domain, answers)
    document = result_build(domain, answers, rules_version=rulebook().version)
    if not document["complete"]:
        if request.method == "POST":
            return _bad_answers(
                request, domain, AnswerError("incomplete", "these answers are not complete, so there is no result to save yet")
            )
        return redirect(_url("questionnaire", domain, canonical))
    if request.method == "POST":
        if (wait := snapshot_allowed(request)) is not None:
            refused = error_response(
                request,
                HTTPStatus.TOO_MANY_REQUESTS,
                "Too many saved links",
                f"Your address has saved {settings.ADVISOR_SNAPSHOTS_PER_HOUR} links in the last hour. The result page's own "
                f"address is a share link too; you can save again in {_minutes(wait)}.",
                domain=domain,
            )
            refused["Retry-After"] = str(wait)
            return refused
        snapshot = snapshot_create(domain=domain.id, answers=list(canonical), rules_version=rulebook().version, document=document)
        # 303: the browser fetches the saved result with GET, and a reload does not save twice.
        return HttpResponseRedirect(reverse("snapshot", args=[snapshot.slug]), status=HTTPStatus.SEE_OTHER)
    context = {**_common(domain), "result": document, "hidden": canonical, "result_url": _url("result", domain, canonical)}
    template = "advisor/share.html#share-form" if request.htmx and not request.htmx.history_restore_request else "advisor/share.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _minutes(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _snapshot(slug: str) -> Snapshot:
    snapshot = Snapshot.objects.filter(slug=slug).first() if SLUG_RE.match(slug) else None
    if snapshot is None:
        raise Http404("There is no saved result at this link.")
    return snapshot


def _snapshot_domain(snapshot: Snapshot) -> Domain | None:
    return rulebook().domain(snapshot.domain)


def _saved_designs():
    """views_saved_design (it imports this module's helpers), for the saved links of kind "design"."""
    from . import views_saved_design

    return views_saved_design


@read_only
def snapshot_page(request: HttpRequest, slug: str) -> HttpResponse:
    snapshot = _snapshot(slug)
    if snapshot.is_design:
        return _saved_designs().saved_page(request, snapshot)
    document = snapshot.document
    domain = _snapshot_domain(snapshot)
    # A snapshot is frozen: no "change" links, whatever today's questions are.
    context = {
        **_result_context(domain, document, changeable=False),
        "snapshot": snapshot,
        "rules_changed": snapshot.rules_version != rulebook().version,
    }
    return render(request, "advisor/snapshot.html", context)


@read_only
def snapshot_markdown(request: HttpRequest, slug: str) -> HttpResponse:
    snapshot = _snapshot(slug)
    if snapshot.is_design:
        return _saved_designs().saved_markdown(request, snapshot)
    domain = _snapshot_domain(snapshot)
    return _markdown(request, domain, snapshot.document, f"{snapshot.domain}-decision-{slug}.md", snapshot=snapshot)


@read_only
def snapshot_json(request: HttpRequest, slug: str) -> JsonResponse:
    snapshot = _snapshot(slug)
    if snapshot.is_design:
        return JsonResponse(_saved_designs().saved_json(snapshot), json_dumps_params={"ensure_ascii": False})
    return JsonResponse(
        {
            "slug": snapshot.slug,
            "kind": snapshot.kind,
            "domain": snapshot.domain,
            "created": snapshot.created.isoformat(),
            "rules_version": snapshot.rules_version,
            "answers": dict(snapshot.answers),
            "result": snapshot.document,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@read_only
def snapshot_diagram(request: HttpRequest, slug: str) -> HttpResponse:
    snapshot = _snapshot(slug)
    if not snapshot.is_design:
        raise Http404("A saved result of one decision has no diagram; a saved design does.")
    return _saved_designs().saved_diagram(request, snapshot)


@read_only
def snapshot_template(request: HttpRequest, slug: str) -> HttpResponse:
    snapshot = _snapshot(slug)
    if not snapshot.is_design:
        raise Http404("A saved result of one decision has no CloudFormation starter; a saved design does.")
    return _saved_designs().saved_template(request, snapshot)


@read_only
def snapshot_compare(request: HttpRequest, slug: str) -> HttpResponse:
    snapshot = _snapshot(slug)
    if snapshot.is_design:
        return _saved_designs().saved_compare(request, snapshot)
    domain = _snapshot_domain(snapshot)
    comparison, problem, current = None, None, None
    if domain is None:
        problem = f"Today's rules no longer have the '{snapshot.domain}' advisor."
    else:
        try:
            answers = answers_parse(domain, dict(snapshot.answers))
        except AnswerError as error:
            problem = f"Today's rules can no longer read these answers: {error.detail}."
        else:
            current = result_build(domain, answers, rules_version=rulebook().version)
            comparison = result_compare(snapshot.document, current)
    continue_url = (
        _url("questionnaire", domain, answers_canonical(domain, dict(snapshot.answers))) if current and not current["complete"] else None
    )
    return render(
        request,
        "advisor/compare.html",
        {
            **_common(domain),
            "snapshot": snapshot,
            "comparison": comparison,
            "problem": problem,
            "current": current,
            "continue_url": continue_url,
        },
    )


# JSON API ---------------------------------------------------------------------


def _json_error(status: HTTPStatus, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status)


def _api_domain(domain_id: str) -> Domain | JsonResponse:
    domain = rulebook().domain(domain_id)
    return domain or _json_error(HTTPStatus.NOT_FOUND, "unknown-domain", f"There is no advisor for '{domain_id}'.")


@read_only
def api_domains(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"domains": [domain_summary_document(d) for d in rulebook().domains]})


@read_only
def api_domain(request: HttpRequest, domain_id: str) -> JsonResponse:
    domain = _api_domain(domain_id)
    if isinstance(domain, JsonResponse):
        return domain
    return JsonResponse(domain_document(domain), json_dumps_params={"ensure_ascii": False})


@read_only
def api_recommend(request: HttpRequest, domain_id: str) -> JsonResponse:
    domain = _api_domain(domain_id)
    if isinstance(domain, JsonResponse):
        return domain
    try:
        answers = answers_parse(domain, _raw_answers(request.GET))
    except AnswerError as error:
        return _json_error(HTTPStatus.BAD_REQUEST, error.code, error.detail)
    advice = evaluate(domain, answers, rules_version=rulebook().version)
    return JsonResponse(advice_document(advice), json_dumps_params={"ensure_ascii": False})


@read_only
def api_openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(OPENAPI)


# Errors and operations --------------------------------------------------------


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    detail = exception.args[0] if exception.args and isinstance(exception.args[0], str) else "There is no page at this address."
    return error_response(request, HTTPStatus.NOT_FOUND, "Page not found", detail, code="not-found")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Django's own 400s: a malformed Host, too many fields, an unreadable body.
    return error_response(
        request, HTTPStatus.BAD_REQUEST, "The request could not be read", "Check the address, or start again from the home page."
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_response(
        request,
        HTTPStatus.FORBIDDEN,
        "The form has expired",
        "The page's security token is missing or out of date (or cookies are blocked). Go back, reload the page and try again.",
        code="csrf-failed",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _json_error(HTTPStatus.INTERNAL_SERVER_ERROR, "server-error", "Something went wrong on our side; it has been logged.")
    return render(request, "500.html", status=HTTPStatus.INTERNAL_SERVER_ERROR)


@read_only
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
