"""Pages of teams: the list of mine, creating one, a team's members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from workshops import selectors
from workshops.forms import MemberAddForm, TeamCreateForm
from workshops.services.teams import team_create, team_member_add


@login_required
@require_http_methods(["GET", "POST"])
def team_list(request: HttpRequest) -> HttpResponse:
    form = TeamCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = team_create(name=form.cleaned_data["name"], creator=request.user)
        messages.success(request, f"Team “{team.name}” created. Add its members below.")
        return redirect(team)
    teams = selectors.teams_of(request.user)
    return render(request, "workshops/team_list.html", {"teams": teams, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    team = selectors.team_get_for_member(user=request.user, team_id=team_id)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = team_member_add(team=team, username=form.cleaned_data["username"].strip())
        except ValidationError as error:
            for message in error.message_dict.get("username", []):
                form.add_error("username", message)
        else:
            messages.success(request, f"{membership.user.get_username()} joined {team.name}.")
            return redirect(team)
    return render(
        request,
        "workshops/team_detail.html",
        {"team": team, "members": selectors.team_members(team), "form": form},
    )
