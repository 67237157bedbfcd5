"""The facilitator's live panel of the room's answers on the console, and settling on them:
revealing the votes, taking the room's delay answers or majority profile, adopting the top
proposed risks. Only the facilitator settles; every team member sees the panel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from patterns.selectors import pattern_choices
from workshops import selectors
from workshops.forms import ProfileForm, RequirementsForm
from workshops.models import Workflow, Workshop
from workshops.phases import PHASES, TRADEOFFS_PHASE, Phase, phase_get
from workshops.rules.room import TOP_RISKS, top_risks
from workshops.services import room as room_services
from workshops.services.locking import EditConflict
from workshops.snapshot import delays_as_data, proposals_as_data, votes_as_data
from workshops.views.console import (
    DECIDED_MESSAGE,
    WorkshopDecided,
    console_url,
    console_workflow,
    workshop_load,
)
from workshops.views.request_ids import id_or_none
from workshops.views.room import facilitator_name, is_facilitator
from workshops.views.room_access import live_response

PANEL = "workshops/room/console_live.html"
# The phases the room answers in: the delay questions come with the requirements, the votes
# with the profile, the proposed risks with the trade-offs.
DELAY_PHASE = next(p.number for p in PHASES if p.form_class is RequirementsForm)
VOTE_PHASE = next(p.number for p in PHASES if p.form_class is ProfileForm)
RISK_PHASE = TRADEOFFS_PHASE.number
DELAY_FIELDS = dict(zip(("10s", "10m", "1h"), room_services.DELAY_FIELDS, strict=True))
CONFLICT = (
    "Not applied — someone changed this workflow since the panel was drawn. "
    "Look at the form, then apply the room's answers again."
)
STALE = "The panel was out of date; it is drawn afresh — try again."


# --- what the panel shows ------------------------------------------------------------------


@dataclass(frozen=True)
class LivePanel:
    """The console's live panel for one workflow at one phase."""

    phase: int
    url: str  # where the panel polls itself
    etag: str  # the state drawn, as live_response names it (quoted)
    voters: int  # who joined from a device and takes part (spectators do not)
    ready: selectors.ReadyCount
    delays: Mapping[str, Any] | None = None  # phase 1 (snapshot.delays_as_data)
    votes: Mapping[str, Any] | None = None  # phase 2 (snapshot.votes_as_data)
    delays_in_form: bool = False  # phase 1: the workflow's answers are the room's already
    # Phase 4 (snapshot.proposals_as_data), each candidate with how many risks it has now
    # ("recorded"): adopting the room's replaces them.
    proposals: list[Mapping[str, Any]] | None = None

    @property
    def majority_fields(self) -> dict[str, str]:
        return _majority_fields(self.votes) if self.votes else {}

    @property
    def splits(self) -> list[str]:
        dimensions = self.votes["dimensions"] if self.votes else ()
        return [d["label"] for d in dimensions if d.get("split")]

    @property
    def top_count(self) -> int:
        return TOP_RISKS  # how many proposals become the candidate's risks


def panel_etag(room_version: int, *, part: str, phase: int) -> str:
    # Every write anyone in the room could see moves room_version (services.room.room_changed),
    # the facilitator's own saves and hand-offs included.
    return f"live-{room_version}-{part or 'whole'}-{phase}"


def panel_url(workshop: Workshop, *, part: str, phase: int) -> str:
    query = {"phase": phase} | ({"part": part} if part else {})
    url = reverse("workshops:live-panel", kwargs={"workshop_id": workshop.pk})
    return f"{url}?{urlencode(query)}"


def _part(workflow: Workflow) -> str:
    return str(workflow.pk) if workflow.parent_id else ""


def console_live_context(
    workshop: Workshop, workflows: list[Workflow], workflow: Workflow, phase: Phase
) -> dict:
    """What the console's live panel shows (merged into the console's context): only the
    phase's own contributions are read, in one or two queries whatever the number of
    participants, and none before anyone has joined."""
    participants = list(workshop.participants.all())  # prefetched with the workshop
    voters = selectors.room_voters(participants)
    part = _part(workflow)
    panel = {
        "phase": phase.number,
        "url": panel_url(workshop, part=part, phase=phase.number),
        "etag": f'"{panel_etag(workshop.room_version, part=part, phase=phase.number)}"',
        "voters": len(voters),
        "ready": selectors.ready_count(participants, phase=workshop.current_phase),
    }
    if voters and phase.number == DELAY_PHASE:
        delays = delays_as_data(selectors.workflow_delay_voices(workflow))
        panel["delays"] = delays
        panel["delays_in_form"] = any(delays["group_answers"].values()) and all(
            getattr(workflow, DELAY_FIELDS[key]) == answer
            for key, answer in delays["group_answers"].items()
            if answer
        )
    elif voters and phase.number == VOTE_PHASE:
        panel["votes"] = votes_as_data(
            selectors.workflow_vote_casts(workflow),
            voters=[p.pk for p in voters],
            revealed=workflow.votes_revealed,
        )
    elif voters and phase.number == RISK_PHASE and workflow.candidates:
        proposals = proposals_as_data(
            selectors.workflow_proposed_risks(workflow),
            candidates=workflow.candidates,
            names=dict(pattern_choices()),
            keep_empty=True,
        )
        risks = [risk.pattern_slug for risk in workflow.risks.all()]  # prefetched
        for candidate in proposals:
            candidate["recorded"] = risks.count(candidate["pattern"])
        panel["proposals"] = proposals
    return {"live": LivePanel(**panel)}


@login_required
@require_GET
def live_panel(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """The panel alone, for its poll: 304 while nothing in the room has changed."""
    # The change marker alone first: an unchanged panel answers 304 without reading the
    # workshop and its participants.
    version = selectors.workshop_room_version(user=request.user, workshop_id=workshop_id)
    phase = _phase_asked(request.GET.get("phase", ""))
    part = request.GET.get("part", "")
    part_id = id_or_none(part) if part else None
    if part and part_id is None:
        raise Http404("No such part of this workflow.")

    def draw() -> HttpResponse:
        workshop = selectors.workshop_get_for_member(user=request.user, workshop_id=workshop_id)
        workflows = selectors.workshop_workflows(workshop)
        workflow = console_workflow(workflows, part_id) if part else workflows[0]
        context = console_live_context(workshop, workflows, workflow, phase)
        return render(request, PANEL, {**context, **_page(workshop, workflow)})

    return live_response(request, panel_etag(version, part=part, phase=phase.number), draw)


def _phase_asked(number: str) -> Phase:
    try:
        return phase_get(int(number))
    except (ValueError, LookupError):
        raise Http404("There is no such phase.") from None


def _page(workshop: Workshop, workflow: Workflow) -> dict:
    """What the panel reads of the console's own context when it is drawn alone."""
    return {
        "workshop": workshop,
        "workflow": workflow,
        "read_only": workshop.status == Workshop.Status.DECIDED,
    }


# --- settling on the room's answers: the facilitator's -----------------------------------------


class NotTheFacilitator(Exception):
    """A team member who does not facilitate the workshop posted one of the panel's actions."""

    def __init__(self, workshop: Workshop, workflow: Workflow):
        super().__init__("Only the facilitator settles the room's answers.")
        self.workshop, self.workflow = workshop, workflow


def settles(doing: str):
    """Wrap one of the panel's posts: a teammate is told that only the facilitator can do it,
    a decided workshop refuses; neither changes anything. Without JavaScript the answer is
    the console again, with a message; with htmx, the browser is sent there."""

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, workshop_id: int, workflow_id: int, **kwargs):
            try:
                return view(request, workshop_id, workflow_id, **kwargs)
            except NotTheFacilitator as refused:
                workshop, workflow = refused.workshop, refused.workflow
                notice = f"Only the facilitator, {facilitator_name(workshop)}, can {doing}."
            except WorkshopDecided as decided:
                workshop, workflow, notice = decided.workshop, None, DECIDED_MESSAGE
            messages.error(request, notice)
            return _to_console(request, workshop, workflow)

        return wrapper

    return decorate


def _settle_load(request: HttpRequest, workshop_id: int, workflow_id: int):
    """The workshop (404 outside its team, refused once decided) and its workflow (404 when
    it has no such one), for its facilitator only."""
    workshop = workshop_load(request, workshop_id)
    workflows = selectors.workshop_workflows(workshop)
    workflow = console_workflow(workflows, workflow_id)
    if not is_facilitator(request.user, workshop):
        raise NotTheFacilitator(workshop, workflow)
    return workshop, workflows, workflow


def _to_console(request: HttpRequest, workshop: Workshop, workflow: Workflow | None):
    url = console_url(workshop, workflow)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _apply(request, workshop, workflow, fields: Mapping[str, str], done: str) -> HttpResponse:
    """Write what the room settled on into the workflow, as of the version the panel showed."""
    version = _version(request)
    if version is None:
        messages.error(request, STALE)
    else:
        try:
            room_services.room_answers_apply(workflow=workflow, version=version, fields=fields)
        except EditConflict:
            messages.error(request, CONFLICT)
        else:
            messages.success(request, done)
    return _to_console(request, workshop, workflow)


@login_required
@require_POST
@settles("reveal the votes")
def votes_reveal(request: HttpRequest, workshop_id: int, workflow_id: int) -> HttpResponse:
    workshop, workflows, workflow = _settle_load(request, workshop_id, workflow_id)
    workflow = room_services.votes_reveal(workflow=workflow)
    if request.htmx:
        # Only the panel changes: the console's form stays as it is, whatever is typed in it.
        workshop.refresh_from_db(fields=["room_version"])
        context = console_live_context(workshop, workflows, workflow, phase_get(VOTE_PHASE))
        return render(request, PANEL, {**context, **_page(workshop, workflow)})
    messages.success(request, "The votes are revealed to everyone.")
    return _to_console(request, workshop, workflow)


@login_required
@require_POST
@settles("use the room's answers")
def delays_apply(request: HttpRequest, workshop_id: int, workflow_id: int) -> HttpResponse:
    """The group's answers to the delay questions become the workflow's."""
    workshop, _, workflow = _settle_load(request, workshop_id, workflow_id)
    delays = delays_as_data(selectors.workflow_delay_voices(workflow))
    fields = {DELAY_FIELDS[k]: answer for k, answer in delays["group_answers"].items() if answer}
    if not fields:
        messages.info(request, "Nobody in the room has answered the delay questions yet.")
        return _to_console(request, workshop, workflow)
    said = ", ".join(
        f"{question['label']} {question['group_answer']}"
        for question in delays["questions"]
        if question["group_answer"]
    )
    return _apply(request, workshop, workflow, fields, f"The room's answers are in: {said}.")


@login_required
@require_POST
@settles("set the profile to the room's majority")
def profile_apply(request: HttpRequest, workshop_id: int, workflow_id: int) -> HttpResponse:
    """Each dimension with a majority takes its value; a split one stays the facilitator's."""
    workshop, _, workflow = _settle_load(request, workshop_id, workflow_id)
    voters = selectors.room_voters(list(workshop.participants.all()))
    votes = votes_as_data(
        selectors.workflow_vote_casts(workflow),
        voters=[p.pk for p in voters],
        revealed=workflow.votes_revealed,
    )
    if not votes["revealed"]:
        messages.error(request, "The votes are hidden: reveal them before setting the profile.")
        return _to_console(request, workshop, workflow)
    fields = _majority_fields(votes)
    if not fields:
        messages.info(request, "No dimension has a majority yet: choose the profile yourself.")
        return _to_console(request, workshop, workflow)
    splits = [d["label"] for d in votes["dimensions"] if d["split"]]
    done = "The profile follows the room's majority"
    if splits:
        done += f"; {_and(splits)} {'is' if len(splits) == 1 else 'are'} split: your choice."
    else:
        done += "."
    return _apply(request, workshop, workflow, fields, done)


@login_required
@require_POST
@settles("adopt the room's risks")
def risks_adopt(
    request: HttpRequest, workshop_id: int, workflow_id: int, slug: str
) -> HttpResponse:
    """The candidate's top proposed risks, by dots, replace its risks."""
    workshop, _, workflow = _settle_load(request, workshop_id, workflow_id)
    if slug not in (workflow.candidates or []):
        raise Http404("No such candidate in this workflow.")
    name = dict(pattern_choices()).get(slug, slug)
    proposals = selectors.workflow_proposed_risks(workflow).get(slug, [])
    if not proposals:
        messages.info(request, f"Nobody in the room has proposed a risk for {name} yet.")
        return _to_console(request, workshop, workflow)
    version = _version(request)
    if version is None:
        messages.error(request, STALE)
        return _to_console(request, workshop, workflow)
    top = top_risks(proposals)
    try:
        room_services.risks_adopt(
            workflow=workflow, version=version, pattern_slug=slug, proposals=top
        )
    except EditConflict:
        messages.error(request, CONFLICT)
    else:
        count = "risk is" if len(top) == 1 else f"{len(top)} risks are"
        messages.success(
            request, f"The room's top {count} now {name}'s risks: edit them like any other."
        )
    return _to_console(request, workshop, workflow)


def _majority_fields(votes: Mapping[str, Any]) -> dict[str, str]:
    return {d["dimension"]: d["majority"] for d in votes["dimensions"] if d.get("majority")}


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
