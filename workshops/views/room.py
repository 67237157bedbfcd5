"""The room: the projector's view, the console's room card, and the facilitator's controls of
the invite, joining, the clock and the facilitator role; and the one rule for moving the
workshop on (only the facilitator, who confirms when not everyone is ready)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from patterns.selectors import catalogue_specs
from workshops import selectors
from workshops.forms import HandOffForm
from workshops.models import Participant, Workflow, Workshop
from workshops.phases import PHASES, phase_get
from workshops.services import room as room_services
from workshops.snapshot import votes_as_data
from workshops.views.console import (
    DECIDED_MESSAGE,
    WorkshopDecided,
    console_context,
    console_load,
    workshop_load,
    workshop_timebox,
)
from workshops.views.room_access import live_response

CARD = "workshops/room/console_room.html#room-card"
CARD_LIVE = "workshops/room/console_room.html#room-live"


# --- who may steer the room -------------------------------------------------------------------


class NotFacilitator(Exception):
    """A team member who is not the workshop's facilitator posted one of its controls."""


def facilitator_name(workshop: Workshop) -> str:
    return workshop.facilitator.get_username()


def is_facilitator(user, workshop: Workshop) -> bool:
    return user.is_authenticated and user.pk == workshop.facilitator_id


def facilitator_load(request: HttpRequest, workshop_id: int) -> Workshop:
    """The workshop for one of its facilitator's controls: 404 outside its team, refused once
    decided (WorkshopDecided) or for a team member who does not facilitate it."""
    workshop = workshop_load(request, workshop_id)
    if not is_facilitator(request.user, workshop):
        raise NotFacilitator()
    return workshop


def room_control(doing: str):
    """Wrap a facilitator's control: a teammate is told who can do it (`doing`: "replace the
    invite") and a decided workshop refuses, both without changing anything; without
    JavaScript as a message on the console, with htmx inside the room card."""

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, workshop_id: int) -> HttpResponse:
            try:
                return view(request, workshop_id)
            except NotFacilitator:
                workshop = selectors.workshop_get_for_member(
                    user=request.user, workshop_id=workshop_id
                )
                refusal = f"Only the facilitator, {facilitator_name(workshop)}, can {doing}."
            except WorkshopDecided as decided:
                workshop, refusal = decided.workshop, DECIDED_MESSAGE
            return _answer(request, workshop, refusal, level=messages.ERROR)

        return wrapper

    return decorate


def _answer(
    request: HttpRequest, workshop: Workshop, notice: str, *, level: int = messages.SUCCESS
) -> HttpResponse:
    """After a control: the room card with `notice` for htmx, else the console with it."""
    if request.htmx:
        context = {**_card_context(workshop), "room_notice": notice, "room_notice_level": level}
        return render(request, CARD, context)
    messages.add_message(request, level, notice)
    return redirect(f"{workshop.get_absolute_url()}#room-card")


# --- the facilitator's controls --------------------------------------------------------------


@login_required
@require_POST
@room_control("replace the invite")
def invite_rotate(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = facilitator_load(request, workshop_id)
    room_services.invite_rotate(workshop=workshop)
    return _answer(
        request,
        workshop,
        f"New code {join_code_spaced(workshop.join_code)} and a new link: the old ones no "
        "longer work. Everyone who joined stays in.",
    )


@login_required
@require_POST
@room_control("open or close joining")
def joining_toggle(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = facilitator_load(request, workshop_id)
    wanted = request.POST.get("open")
    if wanted not in ("yes", "no"):
        return _answer(
            request, workshop, "Choose to open or to close joining.", level=messages.ERROR
        )
    room_services.joining_set(workshop=workshop, open=wanted == "yes")
    return _answer(
        request,
        workshop,
        "Joining is open: the code and the link let people in."
        if workshop.joining_open
        else "Joining is closed: nobody new can join; who joined stays in.",
    )


@login_required
@require_POST
@room_control("pause or resume the clock")
def clock_toggle(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = facilitator_load(request, workshop_id)
    wanted = request.POST.get("clock")
    if workshop.status != Workshop.Status.LIVE:
        return _answer(
            request,
            workshop,
            "Start the clock first: it runs once the workshop is live.",
            level=messages.ERROR,
        )
    if wanted == "pause":
        room_services.clock_pause(workshop=workshop)
        notice = "The clock is paused: everyone's screen says so."
    elif wanted == "resume":
        room_services.clock_resume(workshop=workshop)
        notice = "The clock runs again."
    else:
        return _answer(
            request, workshop, "Choose to pause or to resume the clock.", level=messages.ERROR
        )
    response = _answer(request, _reloaded(request, workshop), notice)
    # The console's timer (its own partial, polled slowly) says "Paused" at once.
    return trigger_client_event(response, "room-clock-changed") if request.htmx else response


@login_required
@require_POST
@room_control("hand the facilitator role to someone else")
def hand_off(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = facilitator_load(request, workshop_id)
    form = HandOffForm(request.POST, workshop=workshop)
    if form.is_valid():
        to_user = form.cleaned_data["to_user"]
        room_services.facilitator_hand_off(workshop=workshop, to_user=to_user)
        # The whole console changes hands (controls, stepper): draw it again, not the card.
        messages.success(
            request,
            f"{to_user.get_username()} facilitates this workshop now: the room's controls "
            "and moving between phases are theirs.",
        )
        url = f"{workshop.get_absolute_url()}#room-card"
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    if request.htmx:
        return render(request, CARD, {**_card_context(workshop), "hand_off_form": form})
    # Without JavaScript: the console again, the choice refused beside the field.
    workshop, workflows, workflow = console_load(request, workshop_id)
    context = console_context(workshop, workflows, workflow, catalogue_specs())
    context["hand_off_form"] = form
    return render(request, "workshops/console.html", context)


def _reloaded(request: HttpRequest, workshop: Workshop) -> Workshop:
    # The clock's services lock and re-read the row; the card needs the attendees again too.
    return selectors.workshop_get_for_member(user=request.user, workshop_id=workshop.pk)


# --- moving on: the facilitator's, confirmed when not everyone is ready --------------------


def phase_move_refusal(
    request: HttpRequest, workshop: Workshop, *, phase: int, part: str = ""
) -> HttpResponse | None:
    """What to answer instead of moving `workshop` to `phase`, or None when it may move now.
    Only the facilitator moves it; moving forward while some of the joined voters are not
    ready asks first (the post comes back with confirm=yes). Stepping back never asks."""
    back = workshop.get_absolute_url() + (f"?part={part}" if part else "")
    if not is_facilitator(request.user, workshop):
        messages.error(
            request,
            f"Only the facilitator, {facilitator_name(workshop)}, can move the workshop "
            "to another phase.",
        )
        return HttpResponseClientRedirect(back) if request.htmx else redirect(back)
    if phase <= workshop.current_phase or request.POST.get("confirm") == "yes":
        return None
    ready = selectors.ready_count(list(workshop.participants.all()), phase=workshop.current_phase)
    if not ready.total or ready.everyone:
        return None
    if request.htmx:
        # htmx leaves the form's page in place; the question is a page of its own.
        query = urlencode({"phase": phase, **({"part": part} if part else {})})
        url = reverse("workshops:phase-go", kwargs={"workshop_id": workshop.pk})
        return HttpResponseClientRedirect(f"{url}?{query}")
    return phase_confirm_page(request, workshop, phase=phase, part=part)


def phase_confirm_page(
    request: HttpRequest, workshop: Workshop, *, phase: int, part: str = ""
) -> HttpResponse:
    """ "4 of 6 are ready. Move to phase 3 anyway?", with a button that posts the move again
    confirmed, and the way back."""
    ready = selectors.ready_count(list(workshop.participants.all()), phase=workshop.current_phase)
    context = {
        "workshop": workshop,
        "ready": ready,
        "target": phase_get(phase),
        "current": phase_get(workshop.current_phase),
        "part": part,
        "back": workshop.get_absolute_url() + (f"?part={part}" if part else ""),
    }
    return render(request, "workshops/room/confirm_advance.html", context)


# --- the projector's room view -------------------------------------------------------------


@login_required
@require_GET
def room_view(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """What the projector shows the room: large, no controls, following the workshop."""
    workshop = selectors.workshop_get_for_member(user=request.user, workshop_id=workshop_id)
    return render(request, "workshops/room/room.html", _room_context(workshop))


@login_required
@require_GET
def room_state(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """The poll of the room view (and, with ?card=1, of the console's room card): 304 while
    the workshop's room_version is the one on screen, else the part that moves."""
    version = selectors.workshop_room_version(user=request.user, workshop_id=workshop_id)
    card = request.GET.get("card") == "1"

    def draw() -> HttpResponse:
        workshop = selectors.workshop_get_for_member(user=request.user, workshop_id=workshop_id)
        if card:
            # Polled: the console's attendee list follows too (out of band).
            return render(request, CARD_LIVE, {**_card_context(workshop), "polled": True})
        return render(request, "workshops/room/room.html#room-state", _room_context(workshop))

    return live_response(request, str(version), draw)


def workflow_votes(workflow: Workflow, voters: list[Participant]) -> dict:
    """The room's votes on `workflow` as the record and the console show them (counts only
    until they are shown), named for the projector; one query."""
    votes = votes_as_data(
        selectors.workflow_vote_casts(workflow),
        voters=[p.pk for p in voters],
        revealed=workflow.votes_revealed,
    )
    return {**votes, "name": workflow.name if workflow.parent_id else "Whole workflow"}


VOTE_PHASE = 2


def _room_context(workshop: Workshop) -> dict:
    participants = list(workshop.participants.all())
    votes = []
    if workshop.current_phase == VOTE_PHASE:
        voters = selectors.room_voters(participants)
        workflows = selectors.workshop_workflows(workshop)
        votes = [workflow_votes(workflow, voters) for workflow in workflows]
    return {
        "workshop": workshop,
        "timebox": workshop_timebox(workshop),
        "ready": selectors.ready_count(participants, phase=workshop.current_phase),
        "joined": [p for p in participants if p.joined],
        "phase_count": len(PHASES),
        "votes": votes,
        "join_code_spaced": join_code_spaced(workshop.join_code),
    }


# --- the console's room card ----------------------------------------------------------------


def join_code_spaced(code: str) -> str:
    """ "K7PM2Q" as people read it aloud and type it: "K7P M2Q" (spaces do not matter)."""
    return f"{code[:3]} {code[3:]}" if len(code) > 3 else code


def _card_context(workshop: Workshop) -> dict:
    return {
        **console_room_context(workshop, None, None, None),
        "workshop": workshop,
        "read_only": workshop.status == Workshop.Status.DECIDED,
    }


def console_room_context(workshop, workflows, workflow, phase) -> dict:
    """What the console's room card shows (merged into the console's context). The
    attendees come prefetched with the workshop: nothing here costs a query per person;
    the hand-off's choices cost one, drawn for the facilitator only."""
    participants = list(workshop.participants.all())
    return {
        "room_ready": selectors.ready_count(participants, phase=workshop.current_phase),
        "room_joined": [p for p in participants if p.joined],
        "hand_off_form": HandOffForm(workshop=workshop),
        "join_code_spaced": join_code_spaced(workshop.join_code),
    }
