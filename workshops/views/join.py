"""Joining a workshop from one's own device, without an account: the short code at /join/,
then the invite link, where a participant gives a name, a role and how they take part."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from workshops import selectors
from workshops.forms import JoinCodeForm, JoinForm
from workshops.models import Workshop
from workshops.services.join_throttle import (
    join_client,
    join_failure_record,
    join_wait_seconds,
)
from workshops.services.room import participant_join, workshop_joinable
from workshops.views.room_access import (
    ParticipantRemoved,
    participant_load,
    participant_remember,
    participant_remembered,
)

UNKNOWN_CODE = "No workshop has this code. Check it with the facilitator and type it again."


@require_http_methods(["GET", "POST"])
def join_code(request: HttpRequest) -> HttpResponse:
    """The short code typed in: it leads to the workshop's invite link."""
    client = join_client(request)
    if (wait := join_wait_seconds(client)) is not None:
        return _throttled(request, wait)
    form = JoinCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = selectors.workshop_by_join_code(form.cleaned_data["code"])
        if found is None:
            join_failure_record(client)
            form.add_error("code", UNKNOWN_CODE)
            if (wait := join_wait_seconds(client)) is not None:
                return _throttled(request, wait)
        else:
            invite = reverse("workshops:join-invite", kwargs={"invite": found.invite_code})
            workshop = selectors.workshop_by_invite(found.invite_code)
            if workshop is not None and workshop_joinable(workshop):
                return _refused(request, workshop, redirect_to=invite)
            return HttpResponseClientRedirect(invite) if request.htmx else redirect(invite)
    if request.htmx and request.method == "POST":
        return render(request, "workshops/room/join.html#code-form", {"form": form})
    return render(request, "workshops/room/join.html", {"form": form})


@require_http_methods(["GET", "POST"])
def join_invite(request: HttpRequest, invite: str) -> HttpResponse:
    """The invite link: name, role and involvement, then into the workshop's room."""
    workshop = selectors.workshop_by_invite(invite)
    if workshop is not None and _still_in(request, workshop):
        return redirect("workshops:participant", workshop_id=workshop.pk)
    # A client that failed too often waits, whether this link is right or not: its answer
    # must not tell a guesser which links exist.
    client = join_client(request)
    if (wait := join_wait_seconds(client)) is not None:
        return _throttled(request, wait)
    if workshop is None:
        if request.htmx:  # the reload (a GET of this link) counts the failure, once
            return HttpResponseClientRefresh()
        join_failure_record(client)
        return render(request, "workshops/room/join_unknown.html", status=404)
    if workshop_joinable(workshop):
        return _refused(request, workshop)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        participant = participant_join(
            workshop=workshop,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            involvement=form.cleaned_data["involvement"],
        )
        # A new session key for the new privilege; cycle_key keeps the session's data, so a
        # signed-in team member stays signed in and earlier workshops joined stay reachable.
        request.session.cycle_key()
        participant_remember(request, participant)
        url = reverse("workshops:participant", kwargs={"workshop_id": workshop.pk})
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    context = {"form": form, "workshop": workshop}
    if request.htmx and request.method == "POST":
        return render(request, "workshops/room/join_invite.html#join-form", context)
    return render(request, "workshops/room/join_invite.html", context)


def _still_in(request: HttpRequest, workshop: Workshop) -> bool:
    """This browser joined the workshop and the facilitator has not removed it since."""
    if not participant_remembered(request, workshop.pk):
        return False
    try:
        participant_load(request, workshop.pk)
    except ParticipantRemoved:
        return False
    return True


def _page(request: HttpRequest, template: str, context: dict, *, status: int) -> HttpResponse:
    """A page that refuses the join. htmx leaves an error status unswapped, so an htmx form
    reloads instead, and the reload (a GET) draws the same page."""
    if request.htmx:
        return HttpResponseClientRefresh()
    return render(request, template, context, status=status)


def _refused(request: HttpRequest, workshop: Workshop, *, redirect_to: str = "") -> HttpResponse:
    """The workshop takes nobody now: 410 once decided (for good), 403 while joining is
    closed (the facilitator may open it again)."""
    if request.htmx and redirect_to:
        return HttpResponseClientRedirect(redirect_to)  # the invite link draws this page
    decided = workshop.status == Workshop.Status.DECIDED
    context = {"workshop": workshop, "reason": workshop_joinable(workshop), "decided": decided}
    return _page(
        request, "workshops/room/join_refused.html", context, status=410 if decided else 403
    )


def _throttled(request: HttpRequest, wait_seconds: int) -> HttpResponse:
    minutes = max(1, -(-wait_seconds // 60))
    response = _page(
        request, "workshops/room/join_throttled.html", {"minutes": minutes}, status=429
    )
    response["Retry-After"] = str(wait_seconds)
    return response
