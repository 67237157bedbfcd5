"""The HTTP API: one django-ninja instance, its OpenAPI schema and docs, one error shape."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, ValidationError

from patterns.api import match_request_body
from patterns.api import router as match_router
from patterns.selectors import catalogue_specs
from workshops.api import router as decisions_router

DESCRIPTION = """\
The matching engine and your teams' decision records, for scripts and other tools.

`POST /api/match` needs no account. The decisions need one: a signed-in session, or a
personal token made on the **API tokens** page (the user menu), sent as
`Authorization: Bearer <token>`. Every bad input answers 400 with the bad fields named:
`{"errors": {"field": ["message"]}}`.
"""


class SiteAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> dict[str, Any]:
        schema = super().get_openapi_schema(**kwargs)
        # The patterns /api/match knows are the catalogue's as the schema is read.
        for operations in schema["paths"].values():
            for operation in operations.values():
                if operation.get("operationId") == "patterns_api_match":
                    operation["requestBody"] = match_request_body(
                        known_patterns=[spec.slug for spec in catalogue_specs()]
                    )
        return schema


api = SiteAPI(
    title="Parsecgo Workshop API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    # Swagger UI from the files django-ninja ships (settings.INSTALLED_APPS has "ninja"), no
    # CDN, and no inline script: the site's Content-Security-Policy stays as it is.
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
)
api.add_router("", match_router)
api.add_router("", decisions_router)


@api.exception_handler(ValidationError)
def _invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # The same shape as /api/match's: each bad field with its messages.
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        # ("query", "from") -> "from"; a rule across fields has only its source.
        location = [str(part) for part in error.get("loc", ())[1:]] or ["__all__"]
        message = error.get("msg", "invalid").removeprefix("Value error, ")
        errors.setdefault(".".join(location), []).append(message)
    return api.create_response(request, {"errors": errors}, status=400)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = exc.message if exc.message != "Unauthorized" else "Sign in or send an API token."
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Whether it does not exist or belongs to another team: the same answer.
    return api.create_response(request, {"detail": "Not found."}, status=404)
