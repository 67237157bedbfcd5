"""Pages of teams: the list of mine, creating one, a team's members and its invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workshops import selectors
from workshops.forms import InvitationCreateForm, TeamCreateForm
from workshops.models import Team
from workshops.services.invitations import invitation_create, invitation_revoke
from workshops.services.teams import team_create


@login_required
@require_http_methods(["GET", "POST"])
def team_list(request: HttpRequest) -> HttpResponse:
    form = TeamCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = team_create(name=form.cleaned_data["name"], creator=request.user)
        messages.success(request, f"Team “{team.name}” created. Invite its members below.")
        return redirect(team)
    teams = selectors.teams_of(request.user)
    return render(request, "workshops/team_list.html", {"teams": teams, "form": form})


@login_required
@require_GET
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    team = selectors.team_get_for_member(user=request.user, team_id=team_id)
    return _team_page(request, team, InvitationCreateForm())


@never_cache  # the answer carries the new link: no cache may keep it
@login_required
@require_POST
def team_invitation_create(request: HttpRequest, team_id: int) -> HttpResponse:
    team = selectors.team_get_for_member(user=request.user, team_id=team_id)
    form = InvitationCreateForm(request.POST)
    if not form.is_valid():
        return _team_page(request, team, form)
    try:
        invitation, token = invitation_create(team=team, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
        return _team_page(request, team, form)
    link = request.build_absolute_uri(
        reverse("workshops:invitation-accept", kwargs={"token": token})
    )
    # Shown on this answer only, never stored: a fresh form for the next one.
    return _team_page(request, team, InvitationCreateForm(), created=invitation, link=link)


@login_required
@require_POST
def team_invitation_revoke(request: HttpRequest, team_id: int, invitation_id: int) -> HttpResponse:
    invitation = selectors.invitation_get_for_member(
        user=request.user, team_id=team_id, invitation_id=invitation_id
    )
    invitation_revoke(invitation=invitation)
    messages.success(request, "Invitation revoked: its link no longer lets anyone join.")
    return redirect(invitation.team)


def _team_page(
    request: HttpRequest,
    team: Team,
    form: InvitationCreateForm,
    *,
    created=None,
    link: str = "",
) -> HttpResponse:
    return render(
        request,
        "workshops/team_detail.html",
        {
            "team": team,
            "members": selectors.team_members(team),
            "invitations": selectors.team_invitations_open(team),
            "form": form,
            "created": created,
            "link": link,
        },
    )
