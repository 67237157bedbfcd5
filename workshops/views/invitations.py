"""The invitation link: whoever holds it signs up or signs in, and joins the team."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from workshops.forms import InvitationSignUpForm
from workshops.models import Invitation
from workshops.services.invitations import (
    InvitationRefused,
    invitation_accept,
    invitation_find,
    invitation_sign_up,
)

GONE = 410
# A new account has just been made with a password: it signs in through the password backend.
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_find(token)
    if invitation is None:
        return _refused(request, InvitationRefused("unknown"))
    if (reason := invitation.refusal()) is not None:
        return _refused(request, InvitationRefused(reason, invitation))
    if request.user.is_authenticated:
        return _as_member(request, invitation, token)
    return _sign_up(request, invitation, token)


def _as_member(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    team = invitation.team
    if request.method == "POST":
        try:
            accepted = invitation_accept(token=token, user=request.user)
        except InvitationRefused as refused:
            return _refused(request, refused)
        if accepted.joined:
            messages.success(request, f"Welcome to {team.name}.")
        else:
            messages.info(request, f"You were in {team.name} already.")
        return redirect(team)
    already = team.memberships.filter(user=request.user).exists()
    return render(
        request,
        "workshops/invitation_accept.html",
        {"invitation": invitation, "team": team, "already": already},
    )


def _sign_up(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    form = InvitationSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accepted = invitation_sign_up(
                token=token,
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
        except InvitationRefused as refused:
            return _refused(request, refused)
        except ValidationError as error:
            for message in error.message_dict.get("username", []):
                form.add_error("username", message)
        else:
            login(request, accepted.membership.user, backend=PASSWORD_BACKEND)
            messages.success(request, f"Welcome to {invitation.team.name}.")
            return redirect(invitation.team)
    here = reverse("workshops:invitation-accept", kwargs={"token": token})
    return render(
        request,
        "workshops/invitation_accept.html",
        {
            "invitation": invitation,
            "team": invitation.team,
            "form": form,
            "login_url": reverse("login") + "?" + urlencode({"next": here}),
        },
    )


def _refused(request: HttpRequest, refused: InvitationRefused) -> HttpResponse:
    """A link that lets nobody in: why, in plain words. An unknown one says no more than
    that; the page of a dead one does not name its team either."""
    return render(
        request,
        "workshops/invitation_refused.html",
        {"reason": refused.reason, "invitation": refused.invitation},
        status=404 if refused.reason == "unknown" else GONE,
    )
