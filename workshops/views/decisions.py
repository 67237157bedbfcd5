"""Pages of decisions: deciding at the end of a workshop, the record, its lifecycle."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parsecgo_site.drawings import DECISION_RECORD, FIGURES_FORM
from patterns.selectors import catalogue_specs, default_monthly_costs
from workshops import selectors
from workshops.assessment import assess_workflow
from workshops.forms import DecideForm, FigureNoteForm, TransitionForm, focus_first_error
from workshops.models import Decision
from workshops.rules.acceptance import acceptance_warnings
from workshops.rules.room import objection_warnings
from workshops.services.decisions import (
    OPEN_STATUSES,
    TRANSITIONS,
    decision_record,
    decision_revisit,
    decision_transition,
    figure_note_add,
)
from workshops.snapshot import recorded_objections, recorded_readiness


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = selectors.workshop_get_for_member(user=request.user, workshop_id=workshop_id)
    accepted = workshop.decisions.filter(status=Decision.Status.ACCEPTED).first()
    if accepted is not None:
        messages.info(request, "This workshop's decision is accepted; revisit it to change it.")
        return redirect(accepted)
    workflows = selectors.workshop_workflows(workshop)
    patterns = catalogue_specs()
    costs = default_monthly_costs()
    assessments = [assess_workflow(w, patterns, costs) for w in workflows]
    open_decision = workshop.decisions.filter(status__in=OPEN_STATUSES).first()
    # Decision-makers object to a proposed decision: accepting over them asks why, too.
    objections = recorded_objections(open_decision.snapshot) if open_decision else ()
    form = DecideForm(
        request.POST or None,
        workflows=workflows,
        assessments=assessments,
        patterns=patterns,
        decision=open_decision,
        warnings=acceptance_warnings([a.readiness for a in assessments])
        + objection_warnings(objections),
    )
    if request.method == "POST" and form.is_valid():
        decision = decision_record(
            workshop=workshop,
            by=request.user,
            chosen=form.chosen(),
            rationale=form.cleaned_data["rationale"],
            part_rationales=form.part_rationales(),
            consequences=form.cleaned_data["consequences"],
            review_date=form.cleaned_data["review_date"],
        )
        action = form.cleaned_data["action"]
        if action != decision.status:
            note = form.cleaned_data["accept_reason"] if action == "accepted" else ""
            decision_transition(decision=decision, to_status=action, by=request.user, note=note)
        messages.success(request, f"Decision saved as {action}.")
        return redirect(decision)
    return render(
        request,
        "workshops/decide.html",
        {
            "workshop": workshop,
            "form": form,
            "assessments": assessments,
            "decision": open_decision,
        },
    )


@login_required
@require_GET
def decision_detail(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = selectors.decision_get_for_member(user=request.user, decision_id=decision_id)
    form = TransitionForm(allowed=TRANSITIONS[decision.status], warnings=_warnings(decision))
    return _detail(request, decision, form)


def _detail(
    request: HttpRequest,
    decision: Decision,
    form: TransitionForm,
    figures_form: FigureNoteForm | None = None,
) -> HttpResponse:
    if figures_form is None and decision.status == Decision.Status.ACCEPTED:
        figures_form = FigureNoteForm(decision=decision)
    return render(
        request,
        "workshops/decision_detail.html",
        {
            "decision": decision,
            "record": record_html(decision),
            "form": form,
            "figures_form": figures_form,
            "figures_fields": figures_fields_html(decision, figures_form) if figures_form else "",
        },
    )


def figures_fields_html(decision: Decision, form: FigureNoteForm) -> SafeString:
    """The fields of the form that notes figures: the empty form is the same for everyone
    on a day until the record changes, so it is drawn once for that; a refused one (its
    errors, what was typed) is drawn for its request."""

    def draw() -> str:
        return render_to_string(
            "workshops/decision_detail.html#figures-fields", {"figures_form": form}
        )

    if form.is_bound:
        return mark_safe(draw())  # the template escaped what was typed
    today = timezone.localdate().isoformat()
    return FIGURES_FORM.html(decision.pk, decision.updated_at.isoformat(), today, draw=draw)


def _warnings(decision: Decision) -> tuple[str, ...]:
    """What accepting the decision as recorded would be warned about, while it can be."""
    if Decision.Status.ACCEPTED not in TRANSITIONS[decision.status]:
        return ()
    record = decision.snapshot
    return acceptance_warnings(recorded_readiness(record)) + objection_warnings(
        recorded_objections(record)
    )


def record_html(decision: Decision) -> SafeString:
    """The record (header, sections, timeline), drawn once per version of the decision."""
    return DECISION_RECORD.html(
        decision.pk,
        decision.updated_at.isoformat(),
        draw=lambda: render_to_string(
            "workshops/decision_detail.html#record",
            {
                "decision": decision,
                "record": decision.snapshot,
                "changes": selectors.decision_timeline(decision),
                "successors": selectors.decision_successors(decision),
                **selectors.decision_figures(decision),
            },
        ),
    )


@login_required
@require_POST
def decision_status(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = selectors.decision_get_for_member(user=request.user, decision_id=decision_id)
    form = TransitionForm(
        request.POST, allowed=TRANSITIONS[decision.status], warnings=_warnings(decision)
    )
    if not form.is_valid():
        return _detail(request, decision, form)  # the errors beside their fields, input kept
    try:
        decision_transition(
            decision=decision,
            to_status=form.cleaned_data["to_status"],
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Status changed.")
    return redirect(decision)


@login_required
@require_POST
def decision_figures(request: HttpRequest, decision_id: int) -> HttpResponse:
    """A team member notes a decided workflow's figures today, beside the frozen record."""
    decision = selectors.decision_get_for_member(user=request.user, decision_id=decision_id)
    if decision.status != Decision.Status.ACCEPTED:
        messages.error(request, "Figures are noted on a decision in force.")
        return redirect(decision)
    figures_form = FigureNoteForm(request.POST, decision=decision)
    if figures_form.is_valid():
        try:
            note = figure_note_add(decision=decision, by=request.user, **figures_form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return redirect(decision)
            for field, problems in error.message_dict.items():
                figures_form.add_error(field if field in figures_form.fields else None, problems)
        else:
            messages.success(
                request,
                "Figures noted. They cross a revisit trigger: the decision is due for review."
                if note.decision.noted_review_due
                else "Figures noted.",
            )
            return redirect(f"{decision.get_absolute_url()}#figures-heading")
    focus_first_error(figures_form)
    form = TransitionForm(allowed=TRANSITIONS[decision.status], warnings=_warnings(decision))
    return _detail(request, decision, form, figures_form)


@login_required
@require_POST
def revisit(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = selectors.decision_get_for_member(user=request.user, decision_id=decision_id)
    workshop = decision_revisit(decision=decision, by=request.user)
    messages.success(
        request, "A new workshop starts from this decision; accepting its outcome supersedes it."
    )
    return redirect(workshop)
