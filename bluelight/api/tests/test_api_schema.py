"""The OpenAPI schema validates, names every endpoint, and its docs page works under the site's CSP."""

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

ENDPOINTS = [
    "/api/collaborations/",
    "/api/collaborations/{id}/",
    "/api/organisations/",
    "/api/organisations/{slug}/",
    "/api/themes/",
    "/api/themes/{code}/",
    "/api/evidence/",
    "/api/evidence/{id}/",
    "/api/editions/",
    "/api/editions/{slug}/",
    "/api/editions/{slug}/entries/",
    "/api/research/",
    "/api/research/{id}/",
    "/api/duty/",
    "/api/duty/{id}/",
    "/api/organisations/{slug}/opportunities/",
    "/api/opportunity-gaps/",
    "/api/network/",
    "/api/priorities/",
]


def test_the_schema_validates_without_warnings_and_names_every_endpoint(tmp_path, db):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    assert sorted(schema["paths"]) == sorted(ENDPOINTS)
    assert set(schema["paths"]["/api/collaborations/{id}/"]) == {"get", "patch"}
    filters = {p["name"] for p in schema["paths"]["/api/collaborations/"]["get"]["parameters"]}
    assert {"q", "theme", "service", "organisation", "region", "status", "page", "page_size"} <= filters


def test_the_schema_is_served(client, db):
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    assert "/api/collaborations/" in response.json()["paths"]


def test_the_docs_page_runs_no_inline_script_or_style(client, db):
    html = client.get(reverse("api:docs")).content.decode()
    assert "<style" not in html
    assert "<script>" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html


@pytest.mark.browser
def test_the_docs_page_shows_the_api_in_a_browser_under_the_csp(page, live_server):
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)
    page.goto("/api/docs/")
    page.wait_for_selector("text=/api/collaborations/", timeout=15000)
    assert violations == []
