"""The workshop console: creating a workshop, its page, the clock, the timebox, the attendees
and the split into parts. The phases' own forms are saved by workshops.views.phases."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patterns.matching import PatternSpec
from patterns.selectors import catalogue_specs, default_monthly_costs
from workshops import selectors
from workshops.assessment import Assessment, assess_workflow
from workshops.forms import (
    DIMENSION_HELP,
    BudgetForm,
    ParticipantForm,
    SplitForm,
    TradeoffForm,
    WorkshopCreateForm,
    focus_first_error,
)
from workshops.models import Workflow, Workshop
from workshops.phases import MATCH_PHASE, PHASES, Phase, phase_after, phase_get
from workshops.rules.timebox import Timebox, timebox_status
from workshops.services.locking import EditConflict
from workshops.services.workflows import workflow_part_remove, workflow_split
from workshops.services.workshops import (
    participant_add,
    participant_remove,
    phase_go,
    workshop_create,
    workshop_start,
    workshop_update,
)

# --- what every console view shares ----------------------------------------------------------


def _active_workflow(request: HttpRequest, workflows: list[Workflow]) -> Workflow:
    wanted = request.GET.get("part") or request.POST.get("part")
    if wanted:
        for workflow in workflows:
            if str(workflow.pk) == wanted:
                return workflow
        raise Http404("No such part of this workflow.")
    return workflows[0]


class WorkshopDecided(Exception):
    """A change was posted to a workshop whose decision is accepted: its console is read-only."""

    def __init__(self, workshop: Workshop):
        super().__init__("This workshop is decided.")
        self.workshop = workshop


DECIDED_MESSAGE = "Not saved — this workshop is decided; revisit its decision to change it."


def refuses_when_decided(view):
    """Wrap a view that changes a workshop: once decided, the change is refused with a
    message (in the save status for an autosave) and nothing is written."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except WorkshopDecided as decided:
            if request.htmx:
                return render(
                    request, "workshops/console.html#save-status", {"refused": DECIDED_MESSAGE}
                )
            messages.error(request, DECIDED_MESSAGE)
            return redirect(decided.workshop)

    return wrapper


def workshop_load(request: HttpRequest, workshop_id: int) -> Workshop:
    """The workshop, or 404 outside its team; a change posted to a decided one is refused
    (see refuses_when_decided)."""
    workshop = selectors.workshop_get_for_member(user=request.user, workshop_id=workshop_id)
    if request.method == "POST" and workshop.status == Workshop.Status.DECIDED:
        raise WorkshopDecided(workshop)
    return workshop


def console_load(request: HttpRequest, workshop_id: int):
    """The workshop (404 outside its team), its workflows, and the one on screen."""
    workshop = workshop_load(request, workshop_id)
    workflows = selectors.workshop_workflows(workshop)
    return workshop, workflows, _active_workflow(request, workflows)


def console_workflow(workflows: list[Workflow], workflow_id: int) -> Workflow:
    """The workflow (whole or part) a save names, or 404 when the workshop has no such one."""
    workflow = next((w for w in workflows if w.pk == workflow_id), None)
    if workflow is None:
        raise Http404("No such workflow in this workshop.")
    return workflow


def _tradeoff_forms(
    workflow: Workflow, assessment: Assessment, defaults, *, bound: TradeoffForm | None = None
) -> dict[str, TradeoffForm]:
    """A form per candidate; a candidate without an estimate starts from the catalogue's cost."""
    return {
        c.pattern.slug: (
            bound
            if bound is not None and bound.pattern.slug == c.pattern.slug
            else TradeoffForm(
                workflow=workflow,
                pattern=c.pattern,
                default_monthly=defaults.get(c.pattern.slug, 0),
            )
        )
        for c in assessment.candidates
    }


def console_context(
    workshop: Workshop,
    workflows: list[Workflow],
    workflow: Workflow,
    patterns: tuple[PatternSpec, ...],
    *,
    phase: Phase | None = None,
    **overrides,
) -> dict:
    """The console page's context at `phase` (by default the workshop's current one);
    `overrides` puts bound forms (with errors) in place."""
    phase = phase or phase_get(workshop.current_phase)
    read_only = workshop.status == Workshop.Status.DECIDED
    per_candidate = phase.form_class is None
    costs = default_monthly_costs() if per_candidate else None
    assessment = assess_workflow(workflow, patterns, costs)
    form = overrides.get("phase_form") or phase.form(
        workflow, patterns=patterns, assessment=assessment
    )
    forms_by_slug = (
        _tradeoff_forms(workflow, assessment, costs, bound=overrides.get("tradeoff_form"))
        if per_candidate
        else {}
    )
    # The room's card and live panel (workshops.views.room and .live build on this module).
    from workshops.views.live import console_live_context
    from workshops.views.room import console_room_context

    return {
        **console_room_context(workshop, workflows, workflow, phase),
        **console_live_context(workshop, workflows, workflow, phase),
        "workshop": workshop,
        "workflows": workflows,
        "workflow": workflow,
        "assessment": assessment,
        "phase": phase.number,
        "phase_info": phase,
        "next_phase": phase_after(phase.number),
        "form": form,
        "tradeoffs": [(c, forms_by_slug[c.pattern.slug]) for c in assessment.candidates]
        if per_candidate
        else [],
        "timebox": workshop_timebox(workshop),
        "budget_form": overrides.get("budget_form") or BudgetForm(workshop=workshop, phases=PHASES),
        "participant_form": overrides.get("participant_form")
        or ParticipantForm(team=workshop.team),
        "split_form": overrides.get("split_form") or SplitForm(adding=len(workflows) > 1),
        "dimension_help": DIMENSION_HELP,
        "read_only": read_only,
        "accepted": selectors.workshop_accepted_decision(workshop) if read_only else None,
        "open_panel": overrides.get("open_panel"),
        "saved_at": overrides.get("saved_at"),
        "patterns": patterns,
    }


def workshop_timebox(workshop: Workshop) -> Timebox:
    return timebox_status(
        phases=PHASES,
        budget_minutes=workshop.budget_minutes,
        spent_seconds=workshop.phase_seconds,
        current_phase=workshop.current_phase if workshop.status == Workshop.Status.LIVE else None,
        phase_started_at=workshop.phase_started_at,
        now=timezone.now(),
    )


def console_url(workshop: Workshop, workflow: Workflow | None = None) -> str:
    """The console, on the tab of `workflow` when it is a part."""
    url = workshop.get_absolute_url()
    if workflow is not None and workflow.parent_id is not None:
        url += f"?part={workflow.pk}"
    return url


# --- the pages -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def workshop_new(request: HttpRequest) -> HttpResponse:
    teams = selectors.teams_of(request.user)
    if not teams.exists():
        messages.info(request, "Create a team first: every workshop belongs to a team.")
        return redirect("workshops:team-list")
    form = WorkshopCreateForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        workshop = workshop_create(
            team=form.cleaned_data["team"],
            title=form.cleaned_data["title"],
            scheduled_at=form.cleaned_data["scheduled_at"],
            description=form.cleaned_data["description"],
            facilitator=request.user,
        )
        return redirect(workshop)
    return render(request, "workshops/workshop_create.html", {"form": form})


@login_required
@require_GET
def console(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop, workflows, workflow = console_load(request, workshop_id)
    context = console_context(
        workshop, workflows, workflow, catalogue_specs(), open_panel=request.GET.get("panel")
    )
    return render(request, "workshops/console.html", context)


@login_required
@require_GET
def console_panel(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """The side panel (profile and live ranking), refreshed after every save."""
    _, _, workflow = console_load(request, workshop_id)
    # Asked after every autosave: draw the panel alone, none of the console's forms.
    assessment = assess_workflow(workflow, catalogue_specs())
    return render(
        request,
        "workshops/console.html#side-panel",
        {"workflow": workflow, "assessment": assessment},
    )


@login_required
@require_GET
def console_timer(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = selectors.workshop_get_for_member(user=request.user, workshop_id=workshop_id)
    return render(
        request,
        "workshops/console.html#timer",
        {"workshop": workshop, "timebox": workshop_timebox(workshop)},
    )


@login_required
@require_POST
@refuses_when_decided
def workshop_start_clock(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = workshop_load(request, workshop_id)
    workshop_start(workshop=workshop)
    return redirect(workshop)


@login_required
@require_http_methods(["GET", "POST"])
def phase_change(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """Move the workshop to another phase: its facilitator's, who confirms a move forward
    while some of the room are not ready (workshops.views.room.phase_move_refusal). A GET
    only asks that question: an htmx "save and go" is sent to it."""
    from workshops.views.room import phase_confirm_page, phase_move_refusal

    workshop = selectors.workshop_get_for_member(user=request.user, workshop_id=workshop_id)
    data = request.POST if request.method == "POST" else request.GET
    part = data.get("part", "")
    url = workshop.get_absolute_url() + (f"?part={part}" if part else "")
    try:
        phase = phase_get(int(data.get("phase", ""))).number
    except (ValueError, LookupError):
        messages.error(request, f"Choose a phase from 1 to {len(PHASES)}.")
        return redirect(url)
    refusal = phase_move_refusal(request, workshop, phase=phase, part=part)
    if refusal is not None:
        return refusal
    if request.method == "GET":
        return phase_confirm_page(request, workshop, phase=phase, part=part)
    try:
        phase_go(workshop=workshop, phase=phase)
    except ValidationError:
        messages.error(request, f"Choose a phase from 1 to {len(PHASES)}.")
    return redirect(url)


@login_required
@require_POST
@refuses_when_decided
def budget_save(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop, workflows, workflow = console_load(request, workshop_id)
    form = BudgetForm(request.POST, workshop=workshop, phases=PHASES)
    if form.is_valid():
        try:
            workshop_update(
                workshop=workshop,
                version=form.cleaned_data["version"],
                fields={"budget_minutes": form.budget()},
            )
        except EditConflict:
            form.add_error(None, "Someone else changed the timebox since you opened it.")
            workshop.refresh_from_db()
        else:
            messages.success(request, "Timebox saved.")
            return redirect(workshop)
    context = console_context(workshop, workflows, workflow, catalogue_specs(), budget_form=form)
    return render(request, "workshops/console.html", context)


@login_required
@require_POST
@refuses_when_decided
def attendee_add(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop, workflows, workflow = console_load(request, workshop_id)
    form = ParticipantForm(request.POST, team=workshop.team)
    if form.is_valid():
        participant_add(
            workshop=workshop,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            involvement=form.cleaned_data["involvement"],
            user=form.cleaned_data["username"],
        )
        # Back with the attendees panel open, ready for the next name.
        return redirect(f"{workshop.get_absolute_url()}?panel=attendees#attendees")
    focus_first_error(form)
    context = console_context(
        workshop, workflows, workflow, catalogue_specs(), participant_form=form
    )
    return render(request, "workshops/console.html", context)


@login_required
@require_POST
@refuses_when_decided
def attendee_remove(request: HttpRequest, workshop_id: int, participant_id: int) -> HttpResponse:
    workshop = workshop_load(request, workshop_id)
    participant = selectors.workshop_participant(workshop, participant_id=participant_id)
    participant_remove(participant=participant)
    return redirect(f"{workshop.get_absolute_url()}?panel=attendees#attendees")


@login_required
@require_POST
@refuses_when_decided
def split(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop, workflows, _ = console_load(request, workshop_id)
    whole = workflows[0]
    form = SplitForm(request.POST, adding=len(workflows) > 1)
    if form.is_valid():
        parts = workflow_split(workflow=whole, names=form.names())
        messages.success(request, "Split into parts: give each its own profile and match.")
        return redirect(console_url(workshop, parts[0]))
    context = console_context(
        workshop, workflows, whole, catalogue_specs(), phase=MATCH_PHASE, split_form=form
    )
    return render(request, "workshops/console.html", context)


@login_required
@require_POST
@refuses_when_decided
def part_remove(request: HttpRequest, workshop_id: int, workflow_id: int) -> HttpResponse:
    workshop, workflows, _ = console_load(request, workshop_id)
    part = next((w for w in workflows if w.pk == workflow_id and w.parent_id), None)
    if part is None:
        raise Http404("No such part.")
    workflow_part_remove(part=part)
    return redirect(workshop)
