from django.urls import path, re_path

from . import views, views_design
from .models import SLUG_PATTERN

# Everything that is not a domain comes first: domain ids may not be api, s,
# static, healthz, admin or design (the loader refuses them).
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/openapi.json", views.api_openapi, name="api-openapi"),
    path("api/v1/domains", views.api_domains, name="api-domains"),
    path("api/v1/domains/<slug:domain_id>", views.api_domain, name="api-domain"),
    path("api/v1/domains/<slug:domain_id>/recommend", views.api_recommend, name="api-recommend"),
    path("api/v1/blueprints", views_design.api_blueprints, name="api-blueprints"),
    path("api/v1/blueprints/<slug:blueprint_id>", views_design.api_blueprint, name="api-blueprint"),
    path("api/v1/blueprints/<slug:blueprint_id>/recommend", views_design.api_blueprint_recommend, name="api-blueprint-recommend"),
    path("design/", views_design.design_list, name="designs"),
    path("design/<slug:blueprint_id>/", views_design.design_questionnaire, name="design"),
    path("design/<slug:blueprint_id>/result", views_design.design_result, name="design-result"),
    path("design/<slug:blueprint_id>/result.md", views_design.design_result_markdown, name="design-result-md"),
    path("design/<slug:blueprint_id>/share", views_design.design_share, name="design-share"),
    path("design/<slug:blueprint_id>/diagram.svg", views_design.design_diagram, name="design-diagram"),
    path("design/<slug:blueprint_id>/template.yaml", views_design.design_template_download, name="design-template"),
    re_path(rf"^s/(?P<slug>{SLUG_PATTERN})\.md$", views.snapshot_markdown, name="snapshot-md"),
    re_path(rf"^s/(?P<slug>{SLUG_PATTERN})\.json$", views.snapshot_json, name="snapshot-json"),
    re_path(r"^s/(?P<slug>[^/]+)/compare$", views.snapshot_compare, name="snapshot-compare"),
    re_path(r"^s/(?P<slug>[^/]+)/diagram\.svg$", views.snapshot_diagram, name="snapshot-diagram"),
    re_path(r"^s/(?P<slug>[^/]+)/template\.yaml$", views.snapshot_template, name="snapshot-template"),
    re_path(r"^s/(?P<slug>[^/]+)$", views.snapshot_page, name="snapshot"),
    path("<slug:domain_id>/", views.questionnaire, name="questionnaire"),
    path("<slug:domain_id>/result", views.result, name="result"),
    path("<slug:domain_id>/result.md", views.result_markdown, name="result-md"),
    path("<slug:domain_id>/share", views.share, name="share"),
]

handler400 = "advisor.views.bad_request"
handler404 = "advisor.views.not_found"
handler500 = "advisor.views.server_error"
