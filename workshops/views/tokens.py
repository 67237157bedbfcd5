"""The API tokens page: a person's personal tokens, making one (shown once) and revoking."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from workshops import selectors
from workshops.forms import ApiTokenCreateForm
from workshops.services.tokens import api_token_create, api_token_revoke


@never_cache  # the answer to a creation carries the secret: no cache may keep it
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = ApiTokenCreateForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            for message in error.message_dict.get("name", []):
                form.add_error("name", message)
        else:
            # Shown on this answer only, never stored: a fresh form for the next one.
            form = ApiTokenCreateForm()
    return render(
        request,
        "workshops/api_tokens.html",
        {
            "form": form,
            "tokens": selectors.api_tokens_of(request.user),
            "created": created,
            "secret": secret,
            "decisions_api": request.build_absolute_uri(reverse("api:decision-list")),
            "docs_url": reverse("api:openapi-view"),
            "schema_url": reverse("api:openapi-json"),
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.api_token_get_for_owner(user=request.user, token_id=token_id)
    api_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” revoked: requests that send it get 401.")
    return redirect("workshops:api-tokens")
