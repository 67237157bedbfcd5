"""A participant's page on their own device: the current phase's questions, what the room has
shown so far, the ready signal and consent. It follows the facilitator's phase by itself."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from patterns.selectors import pattern_choices
from workshops import selectors
from workshops.forms import (
    DELAY_QUESTIONS,
    DIMENSION_CHOICES,
    DIMENSION_HELP,
    ConsentForm,
    DelayAnswersForm,
    DimensionVoteForm,
    RiskProposalForm,
    focus_first_error,
    plain_number,
)
from workshops.models import (
    Consent,
    Decision,
    DelayAnswer,
    Dimension,
    Participant,
    RiskProposal,
    Workflow,
    Workshop,
)
from workshops.phases import PHASES, Phase, phase_get
from workshops.rules.room import DOTS_PER_CANDIDATE, ProposedRisk
from workshops.services import room as room_services
from workshops.snapshot import votes_as_data
from workshops.views import room_access
from workshops.views.console import workshop_timebox
from workshops.views.request_ids import id_or_none

TEMPLATE = "workshops/room/participant.html"
# What a participant does in each phase, drawn inside the page's phase area.
PHASE_TEMPLATES = {
    1: "workshops/room/participant_delays.html",
    2: "workshops/room/participant_votes.html",
    3: "workshops/room/participant_match.html",
    4: "workshops/room/participant_risks.html",
    5: "workshops/room/participant_prototype.html",
}
# The phases whose part has inputs for the participant to type or click into (answers,
# votes, proposed risks). The poll never redraws those; the others it redraws whole.
PHASES_WITH_INPUTS = frozenset({1, 2, 4})
SLUG = re.compile(r"[-a-z0-9_]{1,50}")
DECISION_SHOWN = re.compile(r"[0-9]{1,12}|decided")

SPECTATOR_REFUSAL = (
    "You are watching as a spectator: spectators follow the workshop but do not vote."
)
DECIDED_REFUSAL = "This workshop is decided: its answers are kept as they were."
CONSENT_REFUSAL = "Only the workshop's decision-makers record consent."


# --- what the page shows, phase by phase ------------------------------------------------------


@dataclass(frozen=True)
class DelayPanel:
    """Phase 1: the participant's answers about the whole workflow."""

    workflow: Workflow
    form: DelayAnswersForm
    answers: tuple[tuple[str, str], ...]  # (question, answer's label) for those answered


@dataclass(frozen=True)
class VotePanel:
    """Phase 2: one workflow's vote: the participant's form, and the room's votes once shown."""

    workflow: Workflow
    label: str
    form: DimensionVoteForm | None
    fields: tuple[tuple[forms.BoundField, forms.BoundField, Mapping[str, str]], ...]
    mine: int  # dimensions the participant has voted on
    # The room's votes as the record and the console show them (snapshot.votes_as_data):
    # only how many voted until they are revealed or everyone has voted.
    room: Mapping[str, Any]

    @property
    def dimensions(self) -> int:
        return len(DIMENSION_CHOICES)

    @property
    def complete(self) -> bool:
        return self.mine >= len(DIMENSION_CHOICES)

    @property
    def save_key(self) -> str:
        return f"vote{self.workflow.pk}"


@dataclass(frozen=True)
class MatchPanel:
    """Phase 3: the profile the facilitator set and the candidates so far."""

    workflow: Workflow
    label: str
    profile: tuple[tuple[str, str], ...]  # (dimension, value's label or "")
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class RiskLine:
    risk: ProposedRisk
    mine: bool  # the participant's dot is on it
    role: str  # the role's label of whoever proposed it

    @property
    def marks(self) -> str:
        """Its dots, drawn: the count is said in words beside them."""
        return "●" * self.risk.dots


@dataclass(frozen=True)
class CandidatePanel:
    """Phase 4: one candidate pattern of one workflow: its proposed risks and their dots."""

    workflow: Workflow
    label: str
    slug: str
    name: str
    risks: tuple[RiskLine, ...]
    dots_left: int
    form: RiskProposalForm | None
    message: str = ""  # why the last dot was refused
    proposed: bool = False  # the form has just proposed a risk

    @property
    def key(self) -> str:
        return f"{self.workflow.pk}-{self.slug}"


@dataclass(frozen=True)
class PrototypePanel:
    """Phase 5: the prototype plan's targets."""

    workflow: Workflow
    label: str
    targets: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ProposalPanel:
    """The decision proposed to the room, and where its decision-makers stand."""

    decision: Decision
    parts: tuple[tuple[str, str], ...]  # (part, pattern) of a hybrid
    can_consent: bool
    mine: Consent | None
    answered: int
    decision_makers: int
    counts: tuple[tuple[str, int], ...]  # (answer's label, how many)
    form: ConsentForm | None


def _workflows(workshop: Workshop) -> list[Workflow]:
    # The whole first, then its parts; the participant's page needs none of the console's
    # prefetched risks and costs.
    return list(workshop.workflows.order_by(F("parent_id").asc(nulls_first=True), "position", "id"))


def _label(workflow: Workflow, workflows: Sequence[Workflow]) -> str:
    """Which part of a split workflow a panel is about; "" when the workflow is not split."""
    if len(workflows) == 1:
        return ""
    return workflow.name if workflow.parent_id else "Whole workflow"


def _delay_part(participant, workflows, people, *, answering, bound) -> dict[str, Any]:
    whole = workflows[0]
    if isinstance(bound, DelayAnswersForm):
        form = bound
    else:
        # The participant's own answers: a read of their rows, scoped to them.
        response = participant.delay_responses.filter(workflow=whole).first()
        initial = {name: getattr(response, name) for name, _ in DELAY_QUESTIONS} if response else {}
        form = DelayAnswersForm(initial=initial)
    labels = dict(DelayAnswer.choices)
    answers = tuple(
        (form[name].label, labels[form.initial[name]])
        for name, _ in DELAY_QUESTIONS
        if form.initial.get(name) in labels
    )
    return {"delay": DelayPanel(workflow=whole, form=form, answers=answers)}


def vote_panel(
    participant: Participant,
    workflow: Workflow,
    workflows: Sequence[Workflow],
    voters: Sequence[int],
    *,
    answering: bool,
    bound: DimensionVoteForm | None = None,
) -> VotePanel:
    casts = selectors.workflow_vote_casts(workflow)
    mine = {cast.dimension: cast for cast in casts if cast.voter == participant.pk}
    form = None
    if answering:
        form = bound or DimensionVoteForm(
            workflow=workflow,
            initial={
                **{dimension: cast.value for dimension, cast in mine.items()},
                **{f"{dimension}_reason": cast.reason for dimension, cast in mine.items()},
            },
        )
    return VotePanel(
        workflow=workflow,
        label=_label(workflow, workflows),
        form=form,
        fields=tuple(
            (form[dimension], form[f"{dimension}_reason"], DIMENSION_HELP[dimension])
            for dimension in DIMENSION_CHOICES
        )
        if form is not None
        else (),
        mine=len(mine),
        # Nobody sees the spread before it is shown, the participant included: nothing of it
        # is even drawn into the page.
        room=votes_as_data(casts, voters=voters, revealed=workflow.votes_revealed),
    )


def _vote_part(participant, workflows, people, *, answering, bound) -> dict[str, Any]:
    voters = [p.pk for p in selectors.room_voters(people)]
    panels = [
        vote_panel(
            participant,
            workflow,
            workflows,
            voters,
            answering=answering,
            bound=bound
            if isinstance(bound, DimensionVoteForm) and bound.workflow.pk == workflow.pk
            else None,
        )
        for workflow in workflows
    ]
    return {"votes": panels}


def _match_part(participant, workflows, people, *, answering, bound) -> dict[str, Any]:
    names = dict(pattern_choices())
    panels = []
    for workflow in workflows:
        profile = tuple(
            (Dimension(dimension).label, dict(choices).get(getattr(workflow, dimension), ""))
            for dimension, choices in DIMENSION_CHOICES.items()
        )
        panels.append(
            MatchPanel(
                workflow=workflow,
                label=_label(workflow, workflows),
                profile=profile,
                candidates=tuple(names.get(slug, slug) for slug in workflow.candidates or []),
            )
        )
    return {"matches": panels}


def candidate_panels(
    participant: Participant,
    workflow: Workflow,
    workflows: Sequence[Workflow],
    names: Mapping[str, str],
    *,
    answering: bool,
    bound: RiskProposalForm | None = None,
    only: str | None = None,
    message: str = "",
    proposed: bool = False,
) -> list[CandidatePanel]:
    """The workflow's candidates (or `only` that one) with their proposed risks and dots."""
    proposals = selectors.workflow_proposed_risks(workflow)
    dotted = selectors.participant_dots(participant, workflow)
    roles = dict(Participant.Role.choices)
    panels = []
    for slug in workflow.candidates or []:
        if only is not None and slug != only:
            continue
        risks = tuple(
            RiskLine(risk=risk, mine=risk.id in dotted, role=roles.get(risk.role, risk.role))
            for risk in proposals.get(slug, [])
        )
        form = None
        if answering:
            if bound is not None and bound.pattern_slug == slug:
                form = bound
            else:
                form = RiskProposalForm(workflow=workflow, pattern_slug=slug)
        panels.append(
            CandidatePanel(
                workflow=workflow,
                label=_label(workflow, workflows),
                slug=slug,
                name=names.get(slug, slug),
                risks=risks,
                dots_left=max(0, DOTS_PER_CANDIDATE - sum(1 for line in risks if line.mine)),
                form=form,
                message=message,
                proposed=proposed,
            )
        )
    return panels


def _lone_candidate(workflow: Workflow, slug: str, form: RiskProposalForm) -> CandidatePanel:
    """A candidate's form alone, for a risk proposed to a pattern that is no longer one."""
    return CandidatePanel(
        workflow=workflow, label="", slug=slug, name=slug, risks=(), dots_left=0, form=form
    )


def _risk_part(participant, workflows, people, *, answering, bound) -> dict[str, Any]:
    names = dict(pattern_choices())
    panels = []
    for workflow in workflows:
        mine = bound if isinstance(bound, RiskProposalForm) else None
        panels += candidate_panels(
            participant,
            workflow,
            workflows,
            names,
            answering=answering,
            bound=mine if mine is not None and mine.workflow.pk == workflow.pk else None,
        )
    return {"candidates": panels}


def _figure(value: float | None, unit: str) -> str:
    return f"{plain_number(value)} {unit}" if value is not None else ""


def _prototype_part(participant, workflows, people, *, answering, bound) -> dict[str, Any]:
    panels = []
    for workflow in workflows:
        targets = (
            ("Data subset", workflow.prototype_data_subset),
            ("p95 latency", _figure(workflow.target_p95_seconds, "s or less")),
            ("Throughput", _figure(workflow.target_throughput, "records/s or more")),
            ("Error rate", _figure(workflow.target_error_rate, "% or less")),
            ("Batch window", _figure(workflow.batch_window_hours, "h")),
        )
        panels.append(
            PrototypePanel(
                workflow=workflow,
                label=_label(workflow, workflows),
                targets=tuple((name, text) for name, text in targets if text),
            )
        )
    return {"prototypes": panels}


PHASE_PARTS = {
    1: _delay_part,
    2: _vote_part,
    3: _match_part,
    4: _risk_part,
    5: _prototype_part,
}


def proposal_panel(
    participant: Participant, people: Sequence[Participant], *, bound: ConsentForm | None = None
) -> ProposalPanel | None:
    decision = selectors.workshop_proposed_decision(participant.workshop)
    if decision is None:
        return None
    consents = selectors.decision_consents(decision)
    mine = next((c for c in consents if c.participant_id == participant.pk), None)
    labels = dict(Consent.Answer.choices)
    can_consent = participant.can_consent
    form = None
    if can_consent:
        form = bound or ConsentForm(
            initial={"answer": mine.answer, "reason": mine.reason} if mine else None
        )
    return ProposalPanel(
        decision=decision,
        parts=tuple(
            (choice.part_name, choice.pattern_name)
            for choice in decision.choices.all()
            if choice.part_name
        ),
        can_consent=can_consent,
        mine=mine,
        answered=len(consents),
        decision_makers=sum(1 for p in people if p.can_consent and p.joined),
        counts=tuple(
            (labels[answer], n)
            for answer in Consent.Answer.values
            if (n := sum(1 for c in consents if c.answer == answer))
        ),
        form=form,
    )


def _etag(participant: Participant, shown: int, decision_shown: str) -> str:
    # What the page shows: the room's state, which phase its phase area is drawn for, and
    # which decision its decision area is drawn for; one participant's view of them.
    return f"{participant.pk}-{participant.workshop.room_version}-{shown}-{decision_shown}"


def participant_context(
    participant: Participant, *, bound: forms.Form | None = None, refused: str = ""
) -> dict[str, Any]:
    """Everything the participant's page draws; `bound` puts a form with errors in place."""
    workshop = participant.workshop
    phase: Phase = phase_get(workshop.current_phase)
    decided = workshop.status == Workshop.Status.DECIDED
    answering = not decided and not participant.is_spectator
    workflows = _workflows(workshop)
    people = list(workshop.participants.all())
    proposal = (
        None
        if decided
        else proposal_panel(
            participant, people, bound=bound if isinstance(bound, ConsentForm) else None
        )
    )
    decision_key = "decided" if decided else (str(proposal.decision.pk) if proposal else "")
    state_url = reverse("workshops:participant-state", kwargs={"workshop_id": workshop.pk})
    return {
        "me": participant,
        "workshop": workshop,
        "phase": phase,
        "phase_count": len(PHASES),
        "phase_template": PHASE_TEMPLATES[phase.number],
        "timebox": workshop_timebox(workshop),
        "ready": selectors.ready_count(people, phase=phase.number),
        "i_am_ready": participant.ready_phase == phase.number,
        "answering": answering,
        "has_inputs": answering and phase.number in PHASES_WITH_INPUTS,
        "decided": decided,
        # Read only when decided; its chosen pattern's name is loaded on first use.
        "accepted": selectors.workshop_accepted_decision(workshop) if decided else None,
        "proposal": proposal,
        "decision_key": decision_key,
        "etag": f'"{_etag(participant, phase.number, decision_key)}"',
        "state_url": f"{state_url}?{urlencode({'shown': phase.number, 'decision': decision_key})}",
        "dots_per_candidate": DOTS_PER_CANDIDATE,
        "refused": refused,
        **PHASE_PARTS[phase.number](
            participant, workflows, people, answering=answering, bound=bound
        ),
    }


# --- loading what a post names -------------------------------------------------------------


def _posted_id(value: str | None) -> int:
    """The id a post names, or 404."""
    pk = id_or_none(value)
    if pk is None:
        raise Http404("No such thing in this workshop.")
    return pk


def _posted_workflow(participant: Participant, value: str | None) -> Workflow:
    """The workflow (whole or part) of the participant's workshop a post names, or 404."""
    pk = _posted_id(value)
    workflow = Workflow.objects.filter(pk=pk, workshop_id=participant.workshop_id).first()
    if workflow is None:
        raise Http404("No such workflow in this workshop.")
    return workflow


def _posted_proposal(participant: Participant, proposal_id: int) -> RiskProposal:
    proposal = (
        RiskProposal.objects.select_related("workflow")
        .filter(pk=proposal_id, workflow__workshop_id=participant.workshop_id)
        .first()
    )
    if proposal is None:
        raise Http404("No such proposed risk in this workshop.")
    return proposal


def _posted_decision(participant: Participant, value: str | None) -> Decision:
    decisions = participant.workshop.decisions.defer("snapshot", "search_text")
    decision = decisions.filter(pk=_posted_id(value)).first()
    if decision is None:
        raise Http404("No such decision in this workshop.")
    return decision


def _refusal(participant: Participant) -> str:
    """Why this participant's answers are refused, or "" when they are taken."""
    if participant.workshop.status == Workshop.Status.DECIDED:
        return DECIDED_REFUSAL
    if participant.is_spectator:
        return SPECTATOR_REFUSAL
    return ""


# --- answering a post ----------------------------------------------------------------------


def _page_url(participant: Participant, anchor: str = "") -> str:
    url = reverse("workshops:participant", kwargs={"workshop_id": participant.workshop_id})
    return f"{url}#{anchor}" if anchor else url


def _refused(request: HttpRequest, participant: Participant, message: str) -> HttpResponse:
    """A post the participant may not make: the message where the page shows alerts (400
    without JavaScript; with htmx, swapped into the alert's place)."""
    if request.htmx:
        response = render(request, f"{TEMPLATE}#room-alert", {"refused": message})
        return reswap(retarget(response, "#room-alert"), "outerHTML")
    context = participant_context(participant, refused=message)
    return render(request, TEMPLATE, context, status=400)


def _errors_onto(form: forms.Form, error: ValidationError, aliases: Mapping[str, str]) -> None:
    """A service's refusal, beside the form's field it is about (`aliases` maps the service's
    names to the form's), or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, problems in error.message_dict.items():
        field = aliases.get(name, name)
        form.add_error(field if field in form.fields else None, problems)


def _with_page(request: HttpRequest, participant: Participant, form: forms.Form) -> HttpResponse:
    """Without JavaScript, a refused form comes back in the page with its errors beside its
    fields, everything typed kept, and the cursor in the first field to mend."""
    focus_first_error(form)
    return render(request, TEMPLATE, participant_context(participant, bound=form))


def _autosave_answer(
    request: HttpRequest, form: forms.Form, *, key: str, extra: Mapping[str, Any] | None = None
) -> HttpResponse:
    """An autosave's answer: its status, and each field's errors placed beside it; it never
    redraws an input (the participant may be typing in it)."""
    context = {
        "form": form,
        "key": key,
        "saved_at": None if form.errors else timezone.now(),
        **(extra or {}),
    }
    return render(request, f"{TEMPLATE}#autosave-answer", context)


def _draw_context(participant: Participant) -> dict[str, Any]:
    """The page's context after the participant's own change: from the workshop as it is now,
    so that the poll does not draw the change a second time."""
    participant.workshop.refresh_from_db()
    return participant_context(participant)


# --- the views -----------------------------------------------------------------------------


@require_GET
@room_access.participant_required
def participant_page(request: HttpRequest, workshop_id: int) -> HttpResponse:
    participant = room_access.participant_load(request, workshop_id)
    return render(request, TEMPLATE, participant_context(participant))


def _shown(request: HttpRequest) -> tuple[int, str]:
    """What the polling page shows: its phase area's phase, and its decision area's decision
    ("" for none, "decided" once decided). Anything else counts as nothing shown."""
    shown = request.GET.get("shown", "")
    phase = int(shown) if re.fullmatch(r"[1-9]", shown) else 0
    decision = request.GET.get("decision", "")
    return phase, decision if DECISION_SHOWN.fullmatch(decision) else ""


@require_GET
@room_access.participant_required
def participant_state(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """The page's poll: 304 while nothing changed; else the status region, and beside it, out
    of band, what else changed. The phase area, where the participant types, is redrawn only
    when the facilitator moves to another phase (or it has nothing to type in)."""
    participant = room_access.participant_load(request, workshop_id)
    shown, decision_shown = _shown(request)

    def draw() -> HttpResponse:
        context = participant_context(participant)
        phase_changed = shown != context["phase"].number or (
            (decision_shown == "decided") != context["decided"]
        )
        proposal = context["proposal"]
        context["redraw_phase"] = phase_changed or not context["has_inputs"]
        context["redraw_decision"] = decision_shown != context["decision_key"] or not (
            proposal and proposal.can_consent
        )
        return render(request, f"{TEMPLATE}#poll-answer", context)

    return room_access.live_response(request, _etag(participant, shown, decision_shown), draw)


@require_POST
@room_access.participant_required
def delay_save(request: HttpRequest, workshop_id: int) -> HttpResponse:
    participant = room_access.participant_load(request, workshop_id)
    workflow = _posted_workflow(participant, request.POST.get("workflow"))
    if refusal := _refusal(participant):
        return _refused(request, participant, refusal)
    form = DelayAnswersForm(request.POST)
    if form.is_valid():
        try:
            room_services.delay_answer(
                participant=participant, workflow=workflow, answers=form.answers()
            )
        except ValidationError as error:
            _errors_onto(form, error, {})
    if request.htmx:
        return _autosave_answer(request, form, key="delay")
    if form.errors:
        return _with_page(request, participant, form)
    messages.success(request, "Your answers are saved.")
    return redirect(_page_url(participant, "phase-area"))


@require_POST
@room_access.participant_required
def vote_save(request: HttpRequest, workshop_id: int) -> HttpResponse:
    participant = room_access.participant_load(request, workshop_id)
    workflow = _posted_workflow(participant, request.POST.get("workflow"))
    if refusal := _refusal(participant):
        return _refused(request, participant, refusal)
    form = DimensionVoteForm(request.POST, workflow=workflow)
    if form.is_valid():
        for dimension, value, reason in form.votes():
            try:
                room_services.dimension_vote(
                    participant=participant,
                    workflow=workflow,
                    dimension=dimension,
                    value=value,
                    reason=reason,
                )
            except ValidationError as error:
                _errors_onto(form, error, {"value": dimension, "dimension": dimension})
    if request.htmx:
        people = list(participant.workshop.participants.all())
        workflows = _workflows(participant.workshop)
        panel = vote_panel(
            participant,
            workflow,
            workflows,
            [p.pk for p in selectors.room_voters(people)],
            answering=True,
            bound=form,
        )
        return _autosave_answer(request, form, key=panel.save_key, extra={"panel": panel})
    if form.errors:
        return _with_page(request, participant, form)
    messages.success(request, "Your vote is in.")
    return redirect(_page_url(participant, f"votes-{workflow.pk}"))


@require_POST
@room_access.participant_required
def risk_propose(request: HttpRequest, workshop_id: int) -> HttpResponse:
    participant = room_access.participant_load(request, workshop_id)
    workflow = _posted_workflow(participant, request.POST.get("workflow"))
    slug = request.POST.get("pattern", "")
    if not SLUG.fullmatch(slug):
        raise Http404("No such candidate pattern.")
    if refusal := _refusal(participant):
        return _refused(request, participant, refusal)
    form = RiskProposalForm(request.POST, workflow=workflow, pattern_slug=slug)
    if form.is_valid():
        try:
            room_services.risk_propose(
                participant=participant,
                workflow=workflow,
                pattern_slug=slug,
                title=form.cleaned_data["title"],
                mitigation=form.cleaned_data["mitigation"],
            )
        except ValidationError as error:
            _errors_onto(form, error, {})
    anchor = f"candidate-{workflow.pk}-{slug}"
    if request.htmx:
        proposed = not form.errors
        panels = candidate_panels(
            participant,
            workflow,
            _workflows(participant.workshop),
            dict(pattern_choices()),
            answering=True,
            # Proposed: an empty form for the next risk; refused: the text as typed.
            bound=None if proposed else form,
            only=slug,
            proposed=proposed,
        )
        # No longer a candidate: the form stays as typed, with the reason beside it.
        panel = panels[0] if panels else _lone_candidate(workflow, slug, form)
        context = {"panel": panel, "list_changed": bool(panels)}
        return render(request, f"{TEMPLATE}#proposal-answer", context)
    if form.errors:
        return _with_page(request, participant, form)
    messages.success(request, "Your risk is proposed: the room can put its dots on it.")
    return redirect(_page_url(participant, anchor))


@require_POST
@room_access.participant_required
def dot_toggle(request: HttpRequest, workshop_id: int, proposal_id: int) -> HttpResponse:
    participant = room_access.participant_load(request, workshop_id)
    proposal = _posted_proposal(participant, proposal_id)
    if refusal := _refusal(participant):
        return _refused(request, participant, refusal)
    message = ""
    try:
        placed = room_services.risk_dot_toggle(participant=participant, proposal=proposal)
    except ValidationError as error:
        message = " ".join(error.messages)
    anchor = f"candidate-{proposal.workflow_id}-{proposal.pattern_slug}"
    if request.htmx:
        panels = candidate_panels(
            participant,
            proposal.workflow,
            _workflows(participant.workshop),
            dict(pattern_choices()),
            answering=True,
            only=proposal.pattern_slug,
            message=message,
        )
        if not panels:
            raise Http404("That pattern is no longer a candidate.")
        return render(request, f"{TEMPLATE}#dots-answer", {"panel": panels[0], "answering": True})
    if message:
        messages.error(request, message)
    else:
        messages.success(
            request,
            f"Your dot is on “{proposal.title}”." if placed else "Your dot is back with you.",
        )
    return redirect(_page_url(participant, anchor))


@require_POST
@room_access.participant_required
def ready_toggle(request: HttpRequest, workshop_id: int) -> HttpResponse:
    participant = room_access.participant_load(request, workshop_id)
    if refusal := _refusal(participant):
        return _refused(request, participant, refusal)
    wanted = request.POST.get("ready")
    if wanted not in ("0", "1"):
        return HttpResponseBadRequest("Say ready (1) or not ready (0).")
    room_services.ready_set(participant=participant, ready=wanted == "1")
    if request.htmx:
        context = _draw_context(participant)
        # This answer replaces the polling element, but not what the page shows beside it,
        # which may be behind (a poll in flight is dropped; another's change since the last
        # poll): no change marker, so that the next poll answers in full.
        context["etag"] = ""
        return render(request, f"{TEMPLATE}#status", context)
    return redirect(_page_url(participant, "live-status"))


@require_POST
@room_access.participant_required
def consent_save(request: HttpRequest, workshop_id: int) -> HttpResponse:
    participant = room_access.participant_load(request, workshop_id)
    decision = _posted_decision(participant, request.POST.get("decision"))
    if refusal := _refusal(participant) or ("" if participant.can_consent else CONSENT_REFUSAL):
        return _refused(request, participant, refusal)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            room_services.consent_record(
                participant=participant,
                decision=decision,
                answer=form.cleaned_data["answer"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _errors_onto(form, error, {})
            # Accepted or withdrawn a moment ago (the service reads it locked): the page says
            # so, instead of a form whose proposal is gone.
            decision.refresh_from_db(fields=["status"])
            participant.workshop.refresh_from_db()
    if decision.status != Decision.Status.PROPOSED:
        # Withdrawn or decided since the page was drawn: there is nothing left to answer.
        message = " ".join(form.non_field_errors()) or "This decision is no longer proposed."
        return _refused(request, participant, message)
    if request.htmx:
        people = list(participant.workshop.participants.all())
        panel = proposal_panel(participant, people, bound=form)
        return render(
            request,
            f"{TEMPLATE}#consent-answer",
            {"proposal": panel, "saved_at": None if form.errors else timezone.now()},
        )
    if form.errors:
        return _with_page(request, participant, form)
    messages.success(request, "Your answer is recorded.")
    return redirect(_page_url(participant, "decision-area"))
