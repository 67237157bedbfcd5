"""Saving the phases' forms: autosaved through htmx, or posted plainly without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from patterns.selectors import catalogue_specs
from workshops.assessment import assess_workflow
from workshops.forms import TradeoffForm
from workshops.models import Workflow, Workshop
from workshops.phases import PHASES, TRADEOFFS_PHASE, phase_get
from workshops.services.locking import EditConflict
from workshops.services.workflows import risk_from_pitfall, tradeoffs_save, workflow_update
from workshops.services.workshops import phase_go
from workshops.views.console import (
    console_context,
    console_load,
    console_url,
    console_workflow,
    refuses_when_decided,
)
from workshops.views.room import phase_move_refusal

SAVED_EVENT = "workflow-saved"
PHASE_NUMBERS = {str(phase.number) for phase in PHASES}


@login_required
@require_POST
@refuses_when_decided
def phase_save(
    request: HttpRequest, workshop_id: int, workflow_id: int, phase: int
) -> HttpResponse:
    """Save one phase's form over one workflow (the whole or a part)."""
    workshop, workflows, _ = console_load(request, workshop_id)
    workflow = console_workflow(workflows, workflow_id)
    try:
        spec = phase_get(phase)
    except LookupError:
        raise Http404("There is no such phase.") from None
    patterns = catalogue_specs()
    form = spec.form(workflow, patterns=patterns, data=request.POST)
    if form is None:
        raise Http404("This phase has no such form.")
    if form.is_valid():
        try:
            workflow = workflow_update(
                workflow=workflow,
                version=form.cleaned_data["version"],
                fields=form.changed_fields(),
            )
        except EditConflict as conflict:
            form.show_conflict(conflict.current)
        else:
            return _saved(request, workshop, workflow, form=form, prefixes=[form.prefix])
    if request.htmx:
        return _refused(request, form, prefixes=[form.prefix])
    # Without JavaScript: the page again, at the phase this form belongs to (the workshop may
    # have moved on since), with the person's input and the errors beside their fields.
    context = console_context(workshop, workflows, workflow, patterns, phase=spec, phase_form=form)
    return render(request, "workshops/console.html", context)


@login_required
@require_POST
@refuses_when_decided
def tradeoff_save(
    request: HttpRequest, workshop_id: int, workflow_id: int, slug: str
) -> HttpResponse:
    """Save one candidate's risks and costs (phase 4 has a form per candidate)."""
    workshop, workflows, _ = console_load(request, workshop_id)
    workflow = console_workflow(workflows, workflow_id)
    patterns = catalogue_specs()
    pattern = next((p for p in patterns if p.slug == slug), None)
    if pattern is None or slug not in workflow.candidates:
        raise Http404("No such candidate in this workflow.")
    form = TradeoffForm(request.POST, workflow=workflow, pattern=pattern, default_monthly=0)
    if form.is_valid():
        try:
            workflow = tradeoffs_save(
                workflow=workflow,
                version=form.cleaned_data["version"],
                pattern_slug=slug,
                risks=form.risks(),
                cost=form.cost(),
            )
        except EditConflict as conflict:
            form.show_conflict(conflict.current)
        else:
            return _saved(
                request, workshop, workflow, form=form, prefixes=_shown(workflow, patterns)
            )
    if request.htmx:
        # Every candidate's form carries the workflow's version: all of them take it.
        return _refused(request, form, prefixes=_shown(workflow, patterns))
    context = console_context(
        workshop, workflows, workflow, patterns, phase=TRADEOFFS_PHASE, tradeoff_form=form
    )
    return render(request, "workshops/console.html", context)


@login_required
@require_POST
@refuses_when_decided
def pitfall_to_risk(
    request: HttpRequest, workshop_id: int, workflow_id: int, slug: str
) -> HttpResponse:
    """Add one of the engine's pitfalls as a candidate's risk, in its first free rank."""
    workshop, workflows, _ = console_load(request, workshop_id)
    workflow = console_workflow(workflows, workflow_id)
    if slug not in workflow.candidates:
        raise Http404("No such candidate in this workflow.")
    assessment = assess_workflow(workflow, catalogue_specs())
    candidate = next((c for c in assessment.candidates if c.pattern.slug == slug), None)
    if candidate is None:  # picked, then removed from the catalogue
        raise Http404("No such candidate in this workflow.")
    pitfall = next((p for p in candidate.pitfalls if p.slug == request.POST.get("pitfall")), None)
    if pitfall is None:
        messages.error(request, "That pitfall does not apply to this candidate any more.")
    elif not risk_from_pitfall(
        workflow=workflow,
        pattern_slug=slug,
        pitfall_slug=pitfall.slug,
        title=pitfall.title,
        mitigation=pitfall.mitigation,
    ):
        messages.error(request, f"{candidate.pattern.name} already has three risks.")
    url = console_url(workshop, workflow)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _shown(workflow: Workflow, patterns) -> list[str]:
    """The candidates that have a form on the page (a pattern removed from the catalogue
    since it was picked has none)."""
    known = {pattern.slug for pattern in patterns}
    return [slug for slug in workflow.candidates if slug in known]


def _saved(
    request, workshop: Workshop, workflow: Workflow, *, form, prefixes: list[str]
) -> HttpResponse:
    go = request.POST.get("go")
    if go in PHASE_NUMBERS:
        # The save stands; the move follows the stepper's rule (the facilitator's, confirmed
        # when some of the room are not ready).
        part = str(workflow.pk) if workflow.parent_id else ""
        refusal = phase_move_refusal(request, workshop, phase=int(go), part=part)
        if refusal is not None:
            messages.success(request, "Saved.")
            return refusal
        phase_go(workshop=workshop, phase=int(go))
    if request.htmx and not go:
        # Every form on the page that carries this workflow's version gets the new one, so
        # that the next autosave is not mistaken for someone else's stale copy; the form's
        # earlier errors, now fixed, are cleared from beside their fields.
        response = render(
            request,
            "workshops/console.html#autosave-answer",
            {
                "saved_at": timezone.now(),
                "version": workflow.version,
                "prefixes": prefixes,
                "form": form,
            },
        )
        return trigger_client_event(response, SAVED_EVENT)
    if request.htmx:
        return HttpResponseClientRedirect(console_url(workshop, workflow))
    messages.success(request, "Saved.")
    return redirect(console_url(workshop, workflow))


def _refused(request, form, *, prefixes: list[str]) -> HttpResponse:
    """A refused autosave: says so, puts each error beside its field and, after a conflict,
    the other person's value beside yours. No input is redrawn, so nothing typed meanwhile
    is lost; the form keeps the version it must send to save over the newer one."""
    context = {
        "refused": refusal_sentence(form),
        "version": form["version"].value(),
        "prefixes": prefixes,
        "form": form,
    }
    return render(request, "workshops/console.html#autosave-answer", context)


def refusal_sentence(form) -> str:
    """Why an autosave was refused, in the few words the save status has room for."""
    if form.conflicts or form.non_field_errors():
        return "Not saved — someone else changed this; their values are beside yours."
    count = sum(1 for name in form.errors if name != NON_FIELD_ERRORS)
    return (
        "Not saved — 1 field needs attention"
        if count == 1
        else (f"Not saved — {count} fields need attention")
    )
