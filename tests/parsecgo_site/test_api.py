"""The API's published description: the OpenAPI schema at /api/openapi.json and its docs page
at /api/docs, served from this site alone under its Content-Security-Policy."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

SCHEMA_URL = reverse("api:openapi-json")
DOCS_URL = reverse("api:openapi-view")


def test_it_publishes_the_schema_at_a_documented_address(client):
    assert SCHEMA_URL == "/api/openapi.json"
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Parsecgo Workshop API"
    assert set(schema["paths"]) == {
        "/api/match",
        "/api/decisions",
        "/api/decisions/{decision_id}",
    }
    assert set(schema["paths"]["/api/match"]) == {"post"}
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    decisions = schema["paths"]["/api/decisions"]["get"]
    assert {p["name"] for p in decisions["parameters"]} == {
        "q",
        "pattern",
        "status",
        "team",
        "from",
        "to",
        "review_due",
        "sort",
        "page",
        "page_size",
    }
    assert set(decisions["responses"]) == {"200", "400", "401"}


def test_it_describes_the_match_body_with_the_engines_values(client):
    body = client.get(SCHEMA_URL).json()["paths"]["/api/match"]["post"]["requestBody"]
    match_input = body["content"]["application/json"]["schema"]
    assert match_input["additionalProperties"] is False
    assert match_input["properties"]["trigger"]["enum"] == ["scheduled", "event"]
    assert set(match_input["required"]) == {
        "trigger",
        "granularity",
        "consistency",
        "failure",
        "max_latency_seconds",
        "volume_per_day",
    }


def test_it_serves_the_docs_page_from_this_site_only(client):
    assert DOCS_URL == "/api/docs"
    response = client.get(DOCS_URL)
    assert response.status_code == 200
    content = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', content)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    for name in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert f"/static/{name}" in sources
        assert finders.find(name), f"{name} is not among the static files"
    # Only a data block, no inline script the CSP would have to allow.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", content) == [
        '<script type="application/json" id="swagger-settings">'
    ]
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
