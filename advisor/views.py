from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .rulebook import rulebook

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


# Pages ------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    book = rulebook()
    areas = [(title, [d for d in book.domains if d.area == area]) for area, title in AREA_TITLES.items()]
    return render(
        request,
        "advisor/home.html",
        {
            "areas": [(title, domains) for title, domains in areas if domains],
            "uncovered": [title for title, domains in areas if not domains],
            "rules_version": book.version,
        },
    )


# Operations -------------------------------------------------------------------


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
