"""Pages of teams and the workshop console; each view: selector, form, one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget, trigger_client_event

from patterns.selectors import catalogue_specs, default_monthly_costs
from workshops import selectors, services
from workshops.console import workflow_view
from workshops.forms import (
    DIMENSION_HELP,
    BudgetForm,
    CandidatesForm,
    MemberAddForm,
    ParticipantForm,
    ProfileForm,
    RequirementsForm,
    TeamCreateForm,
    TradeoffForm,
    ValidationPlanForm,
    WorkshopCreateForm,
)
from workshops.models import Workflow, Workshop
from workshops.timebox import PHASES, timebox_status

SAVED_EVENT = "workflow-saved"

# --- teams -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def team_list(request: HttpRequest) -> HttpResponse:
    form = TeamCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = services.team_create(name=form.cleaned_data["name"], creator=request.user)
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
            membership = services.team_member_add(
                team=team, username=form.cleaned_data["username"].strip()
            )
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


# --- workshops -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def workshop_create(request: HttpRequest) -> HttpResponse:
    teams = selectors.teams_of(request.user)
    if not teams.exists():
        messages.info(request, "Create a team first: every workshop belongs to a team.")
        return redirect("workshops:team-list")
    form = WorkshopCreateForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        workshop = services.workshop_create(
            team=form.cleaned_data["team"],
            title=form.cleaned_data["title"],
            scheduled_at=form.cleaned_data["scheduled_at"],
            description=form.cleaned_data["description"],
            facilitator=request.user,
        )
        return redirect(workshop)
    return render(request, "workshops/workshop_create.html", {"form": form})


def _active_workflow(request: HttpRequest, workflows: list[Workflow]) -> Workflow:
    wanted = request.GET.get("part") or request.POST.get("part")
    if wanted:
        for workflow in workflows:
            if str(workflow.pk) == wanted:
                return workflow
        raise Http404("No such part of this workflow.")
    return workflows[0]


def _phase_form(phase: int, workflow: Workflow, patterns, data=None):
    if phase == 1:
        return RequirementsForm(data, instance=workflow, prefix="p1")
    if phase == 2:
        return ProfileForm(data, instance=workflow, prefix="p2")
    if phase == 3:
        return CandidatesForm(data, instance=workflow, patterns=patterns, prefix="p3")
    if phase == 5:
        return ValidationPlanForm(data, instance=workflow, prefix="p5")
    return None


def _console_context(request, workshop: Workshop, workflows, workflow, patterns, **overrides):
    phase = workshop.current_phase
    costs = default_monthly_costs() if phase == 4 else None
    view = workflow_view(workflow, patterns, costs)
    if (
        phase == 3
        and not workflow.candidates
        and view.evaluation
        and view.evaluation.result.recommended
    ):
        # The recommended pattern comes preselected until the group picks its candidates.
        form = overrides.get("phase_form") or CandidatesForm(
            instance=workflow,
            patterns=patterns,
            prefix="p3",
            initial={"candidates": [view.evaluation.result.recommended.pattern.slug]},
        )
    else:
        form = overrides.get("phase_form") or _phase_form(phase, workflow, patterns)
    tradeoff_forms = overrides.get("tradeoff_forms") or (
        _tradeoff_forms(workflow, view, costs) if phase == 4 else {}
    )
    return {
        "workshop": workshop,
        "workflows": workflows,
        "workflow": workflow,
        "view": view,
        "phases": PHASES,
        "phase": phase,
        "phase_info": PHASES[phase - 1],
        "form": form,
        "tradeoffs": [(c, tradeoff_forms[c.pattern.slug]) for c in view.candidates]
        if phase == 4
        else [],
        "timebox": _timebox(workshop),
        "budget_form": overrides.get("budget_form") or BudgetForm(workshop=workshop),
        "participant_form": overrides.get("participant_form")
        or ParticipantForm(team=workshop.team),
        "dimension_help": DIMENSION_HELP,
        "saved_at": overrides.get("saved_at"),
        "patterns": patterns,
    }


def _tradeoff_forms(
    workflow: Workflow, view, defaults, *, bound: TradeoffForm | None = None
) -> dict:
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
        for c in view.candidates
    }


def _timebox(workshop: Workshop):
    return timebox_status(
        budget_minutes=workshop.budget_minutes,
        spent_seconds=workshop.phase_seconds,
        current_phase=workshop.current_phase if workshop.status == Workshop.Status.LIVE else None,
        phase_started_at=workshop.phase_started_at,
        now=timezone.now(),
    )


def _load(request: HttpRequest, workshop_id: int):
    workshop = selectors.workshop_get_for_member(user=request.user, workshop_id=workshop_id)
    workflows = selectors.workshop_workflows(workshop)
    return workshop, workflows, _active_workflow(request, workflows)


@login_required
@require_GET
def console(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop, workflows, workflow = _load(request, workshop_id)
    context = _console_context(request, workshop, workflows, workflow, catalogue_specs())
    return render(request, "workshops/console.html", context)


@login_required
@require_GET
def console_panel(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """The side panel (profile and live ranking), refreshed after every save."""
    _, _, workflow = _load(request, workshop_id)
    # Asked after every autosave: draw the panel alone, none of the console's forms.
    view = workflow_view(workflow, catalogue_specs())
    return render(
        request, "workshops/console.html#side-panel", {"workflow": workflow, "view": view}
    )


@login_required
@require_GET
def console_timer(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = selectors.workshop_get_for_member(user=request.user, workshop_id=workshop_id)
    return render(
        request,
        "workshops/console.html#timer",
        {"workshop": workshop, "timebox": _timebox(workshop), "phases": PHASES},
    )


def _back_to_console(workshop: Workshop, workflow: Workflow | None = None) -> str:
    url = workshop.get_absolute_url()
    if workflow is not None and workflow.parent_id is not None:
        url += f"?part={workflow.pk}"
    return url


@login_required
@require_POST
def phase_save(
    request: HttpRequest, workshop_id: int, workflow_id: int, phase: int
) -> HttpResponse:
    """Save one phase's form: autosaved through htmx, or posted plainly without JavaScript."""
    workshop, workflows, _ = _load(request, workshop_id)
    workflow = next((w for w in workflows if w.pk == workflow_id), None)
    if workflow is None:
        raise Http404("No such workflow in this workshop.")
    patterns = catalogue_specs()
    form = _phase_form(phase, workflow, patterns, data=request.POST)
    if form is None:
        raise Http404("This phase has no such form.")
    if form.is_valid():
        try:
            services.workflow_update(
                workflow=workflow,
                version=form.cleaned_data["version"],
                fields=form.changed_fields(),
            )
        except services.EditConflict as conflict:
            form.show_conflict(conflict.current)
        else:
            return _saved(
                request, workshop, workflow, go=request.POST.get("go"), prefixes=[form.prefix]
            )
    return _invalid(request, workshop, workflows, workflow, patterns, phase_form=form)


def _saved(
    request, workshop: Workshop, workflow: Workflow, *, go: str | None, prefixes: list[str]
) -> HttpResponse:
    if go in {"1", "2", "3", "4", "5"}:
        services.phase_go(workshop=workshop, phase=int(go))
    if request.htmx and not go and request.POST.get("redraw"):
        # The form on screen still shows errors from an earlier save: draw it afresh.
        workshop, workflows, workflow = _load(request, workshop.pk)
        response = _invalid(
            request, workshop, workflows, workflow, catalogue_specs(), saved_at=timezone.now()
        )
        return trigger_client_event(response, SAVED_EVENT)
    if request.htmx and not go:
        # Every form on the page that carries this workflow's version gets the new one, so
        # that the next autosave is not mistaken for someone else's stale copy.
        response = render(
            request,
            "workshops/console.html#save-status",
            {"saved_at": timezone.now(), "version": workflow.version, "prefixes": prefixes},
        )
        return trigger_client_event(response, SAVED_EVENT)
    if request.htmx:
        return HttpResponseClientRedirect(_back_to_console(workshop, workflow))
    messages.success(request, "Saved.")
    return redirect(_back_to_console(workshop, workflow))


def _invalid(request, workshop, workflows, workflow, patterns, **overrides) -> HttpResponse:
    context = _console_context(request, workshop, workflows, workflow, patterns, **overrides)
    if request.htmx:
        response = render(request, "workshops/console.html#phase-form", context)
        return reswap(retarget(response, "#phase-form"), "outerHTML")
    return render(request, "workshops/console.html", context)


@login_required
@require_POST
def tradeoff_save(
    request: HttpRequest, workshop_id: int, workflow_id: int, slug: str
) -> HttpResponse:
    workshop, workflows, _ = _load(request, workshop_id)
    workflow = next((w for w in workflows if w.pk == workflow_id), None)
    patterns = catalogue_specs()
    pattern = next((p for p in patterns if p.slug == slug), None)
    if workflow is None or pattern is None or slug not in workflow.candidates:
        raise Http404("No such candidate in this workflow.")
    form = TradeoffForm(request.POST, workflow=workflow, pattern=pattern, default_monthly=0)
    if form.is_valid():
        try:
            services.tradeoffs_save(
                workflow=workflow,
                version=form.cleaned_data["version"],
                pattern_slug=slug,
                risks=form.risks(),
                cost=form.cost(),
            )
        except services.EditConflict as conflict:
            form.show_conflict(conflict.current)
        else:
            return _saved(
                request,
                workshop,
                workflow,
                go=request.POST.get("go"),
                prefixes=list(workflow.candidates),
            )
    workshop.current_phase = 4
    costs = default_monthly_costs()
    forms_by_slug = _tradeoff_forms(
        workflow, workflow_view(workflow, patterns, costs), costs, bound=form
    )
    return _invalid(request, workshop, workflows, workflow, patterns, tradeoff_forms=forms_by_slug)


@login_required
@require_POST
def pitfall_to_risk(
    request: HttpRequest, workshop_id: int, workflow_id: int, slug: str
) -> HttpResponse:
    workshop, workflows, _ = _load(request, workshop_id)
    workflow = next((w for w in workflows if w.pk == workflow_id), None)
    if workflow is None or slug not in workflow.candidates:
        raise Http404("No such candidate in this workflow.")
    view = workflow_view(workflow, catalogue_specs())
    candidate = next(c for c in view.candidates if c.pattern.slug == slug)
    pitfall = next((p for p in candidate.pitfalls if p.slug == request.POST.get("pitfall")), None)
    if pitfall is None:
        messages.error(request, "That pitfall does not apply to this candidate any more.")
    elif not services.risk_from_pitfall(
        workflow=workflow,
        pattern_slug=slug,
        pitfall_slug=pitfall.slug,
        title=pitfall.title,
        mitigation=pitfall.mitigation,
    ):
        messages.error(request, f"{candidate.pattern.name} already has three risks.")
    url = _back_to_console(workshop, workflow)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
@require_POST
def workshop_start(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = selectors.workshop_get_for_member(user=request.user, workshop_id=workshop_id)
    services.workshop_start(workshop=workshop)
    return redirect(workshop)


@login_required
@require_POST
def phase_go(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = selectors.workshop_get_for_member(user=request.user, workshop_id=workshop_id)
    try:
        phase = int(request.POST.get("phase", ""))
        services.phase_go(workshop=workshop, phase=phase)
    except (ValueError, ValidationError):
        messages.error(request, "Choose a phase from 1 to 5.")
    url = workshop.get_absolute_url()
    if part := request.POST.get("part"):
        url += f"?part={part}"
    return redirect(url)


@login_required
@require_POST
def budget_save(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop, workflows, workflow = _load(request, workshop_id)
    form = BudgetForm(request.POST, workshop=workshop)
    if form.is_valid():
        try:
            services.workshop_update(
                workshop=workshop,
                version=form.cleaned_data["version"],
                fields={"budget_minutes": form.budget()},
            )
        except services.EditConflict:
            form.add_error(None, "Someone else changed the timebox since you opened it.")
            workshop.refresh_from_db()
        else:
            messages.success(request, "Timebox saved.")
            return redirect(workshop)
    context = _console_context(
        request, workshop, workflows, workflow, catalogue_specs(), budget_form=form
    )
    return render(request, "workshops/console.html", context)


@login_required
@require_POST
def participant_add(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop, workflows, workflow = _load(request, workshop_id)
    form = ParticipantForm(request.POST, team=workshop.team)
    if form.is_valid():
        services.participant_add(
            workshop=workshop,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            involvement=form.cleaned_data["involvement"],
            user=form.cleaned_data["username"],
        )
        return redirect(workshop)
    context = _console_context(
        request, workshop, workflows, workflow, catalogue_specs(), participant_form=form
    )
    return render(request, "workshops/console.html", context)


@login_required
@require_POST
def participant_remove(request: HttpRequest, workshop_id: int, participant_id: int) -> HttpResponse:
    workshop = selectors.workshop_get_for_member(user=request.user, workshop_id=workshop_id)
    participant = get_object_or_404(workshop.participants.all(), pk=participant_id)
    services.participant_remove(participant=participant)
    return redirect(workshop)


@login_required
@require_POST
def workflow_split(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop, workflows, _ = _load(request, workshop_id)
    whole = workflows[0]
    names = tuple(
        " ".join(name.split())[:200]
        for name in (request.POST.get("first", ""), request.POST.get("second", ""))
        if name.strip()
    ) or (f"{whole.name}: part 1", f"{whole.name}: part 2")
    parts = services.workflow_split(workflow=whole, names=names)
    messages.success(request, "Split into parts: give each its own profile and match.")
    return redirect(_back_to_console(workshop, parts[0]))


@login_required
@require_POST
def workflow_part_remove(request: HttpRequest, workshop_id: int, workflow_id: int) -> HttpResponse:
    workshop, workflows, _ = _load(request, workshop_id)
    part = next((w for w in workflows if w.pk == workflow_id and w.parent_id), None)
    if part is None:
        raise Http404("No such part.")
    services.workflow_part_remove(part=part)
    return redirect(workshop)
