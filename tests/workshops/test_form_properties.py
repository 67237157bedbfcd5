"""Every form of workshops/forms.py and patterns/forms.py, fed what a hostile or careless
browser could send: validating never raises (is_valid() answers a bool, each error has its
message), and what a form takes saves through its service and reads back as it was cleaned,
on SQLite and PostgreSQL alike: a database limit (a column's length, an integer's range, a NUL
PostgreSQL cannot store) is met by the form's own message, never by the database's exception.

Each field gets its initial value (as its page drew it) or a value drawn for its kind
(value_strategy: text of every code point, hostile lines, one past the column's length,
numbers far outside any column, dates at the calendar's ends, a choice that is not one), in
a fixed, derandomised profile of 50 examples a form. Forms that take no constructor argument
are drawn by hypothesis.extra.django.from_form as well (valid by construction, so that the
round trip is reached every time). FORMS names each form's maker and, where it saves, its
service; test_it_knows_every_form_of_both_apps fails when a form is added without a line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_form

from patterns.forms import QuickMatchForm
from patterns.selectors import catalogue_specs, default_monthly_costs, pattern_choices
from tests.hostile import PAYLOAD_LINES
from tests.workshops.builders import DANA, decide, profile
from workshops import forms as workshop_forms
from workshops.assessment import assess_workflow
from workshops.models import (
    ApiToken,
    CostEstimate,
    FigureNote,
    Participant,
    Risk,
    RiskProposal,
    Team,
    Workflow,
    Workshop,
)
from workshops.phases import PHASES
from workshops.services.decisions import figure_note_add
from workshops.services.invitations import invitation_create
from workshops.services.room import dimension_vote, participant_join, risk_propose
from workshops.services.teams import team_create
from workshops.services.tokens import api_token_create
from workshops.services.workflows import tradeoffs_save, workflow_split, workflow_update
from workshops.services.workshops import participant_add, workshop_create, workshop_update

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=50,
    deadline=None,  # the database's first query in an example can be slow; no timing here
    derandomize=True,  # the same examples on every run and database: a fixed profile
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE_TEXT = st.sampled_from([*PAYLOAD_LINES, "\x00", "a\x00b", "\u202e", " ", "\n"])


def _text(field: forms.CharField) -> st.SearchStrategy[str]:
    limit = field.max_length or 300
    return st.one_of(
        st.text(max_size=min(limit, 60)),
        HOSTILE_TEXT,
        st.just("x" * (limit + 1)),  # one past the column
        st.text(min_size=limit - 2, max_size=limit + 2) if field.max_length else st.just("y"),
    )


# Half the time a plausible number, so that whole forms of numbers are valid now and then.
NUMBER = st.one_of(
    st.integers(0, 100).map(str),
    st.one_of(
        st.integers(-(2**70), 2**70).map(str),  # beyond a 64-bit column either way
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.just("1e400"),
        st.text(max_size=4),
    ),
)
DAY = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["0001-01-01", "9999-12-31", "2024-02-30", "yesterday", ""]),
)
MOMENT = st.one_of(
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
    st.sampled_from(["9999-12-31T23:59", "0001-01-01T00:00", "soon"]),
)


def _choices(field: forms.ChoiceField) -> list[str]:
    values = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):  # an optgroup
            values.extend(str(inner) for inner, _ in label)
        else:
            values.append(str(value))
    return [*values, "not-a-choice", "999999999"]


def value_strategy(field: forms.Field) -> st.SearchStrategy[Any]:
    """What a browser could send for `field`: a string, or a list for a multiple choice."""
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return st.lists(st.sampled_from(_choices(field)), max_size=3)
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return st.sampled_from(_choices(field))
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["", "on", "false"])
    if isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField):
        return NUMBER
    if isinstance(field, forms.DateTimeField):
        return MOMENT
    if isinstance(field, forms.DateField):
        return DAY
    if isinstance(field, forms.CharField):
        return _text(field)
    raise AssertionError(f"no strategy for {type(field).__name__}: add one")


def _as_sent(value: Any) -> Any:
    """A field's initial value as its page would send it back."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()[:16] if hasattr(value, "hour") else value.isoformat()
    return str(value)


def form_data(form: forms.BaseForm) -> st.SearchStrategy[MultiValueDict]:
    """A POST (or GET) for `form`: every field, under the form's prefix; each either as the
    page drew it (its initial value, which keeps whole forms valid now and then) or drawn."""
    fields = {
        form.add_prefix(name): st.one_of(
            st.just(_as_sent(form[name].value())), value_strategy(field)
        )
        for name, field in form.fields.items()
        if not getattr(field, "disabled", False)
    }
    return st.fixed_dictionaries(fields).map(
        lambda data: MultiValueDict(
            {key: value if isinstance(value, list) else [value] for key, value in data.items()}
        )
    )


# --- the forms, as the views make them, and how each one's input is saved -------------------


@dataclass
class Place:
    """The rows the forms are about: a team, its live workshop with a participant, a decision."""

    user: Any
    team: Team
    workflow: Workflow
    participant: Participant
    decision: Any


@pytest.fixture
def place(team, facilitator) -> Place:
    now = timezone.now()
    workshop = workshop_create(
        team=team, title="Nightly loads", scheduled_at=now, facilitator=facilitator
    )
    workshop = profile(workshop, people=[DANA])
    workflow = workshop.workflows.get(parent=None)
    workflow_update(workflow=workflow, version=workflow.version, fields={"candidates": ["batch"]})
    participant = participant_join(workshop=workshop, name="Zoë", role="operations")
    decided = workshop_create(team=team, title="Decided", scheduled_at=now, facilitator=facilitator)
    decision = decide(profile(decided), facilitator)
    return Place(facilitator, team, Workflow.objects.get(pk=workflow.pk), participant, decision)


Make = Callable[..., forms.BaseForm]
Save = Callable[[Place, forms.BaseForm], None]


def _phase(number: int) -> Make:
    spec = next(phase for phase in PHASES if phase.number == number)

    def make(place: Place, **kwargs):
        # A fresh copy: validating writes the cleaned values onto the form's instance.
        workflow = Workflow.objects.get(pk=place.workflow.pk)
        return spec.form(workflow, patterns=catalogue_specs(), **kwargs)

    return make


def _save_phase(place: Place, form) -> None:
    fresh = Workflow.objects.get(pk=place.workflow.pk)  # this example's copy, undone after it
    workflow = workflow_update(
        workflow=fresh, version=form.cleaned_data["version"], fields=form.changed_fields()
    )
    workflow = Workflow.objects.get(pk=workflow.pk)
    for name, value in form.changed_fields().items():
        assert getattr(workflow, name) == value, name


def _decide_form(place: Place, **kwargs):
    patterns = catalogue_specs()
    workflows = [place.workflow]
    assessments = [assess_workflow(w, patterns, default_monthly_costs()) for w in workflows]
    return workshop_forms.DecideForm(
        workflows=workflows, assessments=assessments, patterns=patterns, **kwargs
    )


def _tradeoff_form(place: Place, **kwargs):
    batch = next(spec for spec in catalogue_specs() if spec.slug == "batch")
    return workshop_forms.TradeoffForm(
        workflow=place.workflow, pattern=batch, default_monthly=0, **kwargs
    )


def one_line(text: str) -> str:
    """A name as its service keeps it: its runs of white space (line breaks too) one space."""
    return " ".join(text.split())


def _save_team(place: Place, form) -> None:
    team = team_create(name=form.cleaned_data["name"], creator=place.user)
    assert Team.objects.get(pk=team.pk).name == one_line(form.cleaned_data["name"])


def _save_token(place: Place, form) -> None:
    token, _ = api_token_create(user=place.user, name=form.cleaned_data["name"])
    assert ApiToken.objects.get(pk=token.pk).name == one_line(form.cleaned_data["name"])


def _save_join(place: Place, form) -> None:
    joined = participant_join(workshop=place.workflow.workshop, **form.cleaned_data)
    saved = Participant.objects.get(pk=joined.pk)
    assert (saved.name, saved.role, saved.involvement) == tuple(form.cleaned_data.values())


def _save_proposal(place: Place, form) -> None:
    proposal = risk_propose(
        participant=place.participant,
        workflow=place.workflow,
        pattern_slug="batch",
        **form.cleaned_data,
    )
    saved = RiskProposal.objects.get(pk=proposal.pk)
    assert (saved.title, saved.mitigation) == (
        form.cleaned_data["title"],
        form.cleaned_data["mitigation"],
    )


def _save_invitation(place: Place, form) -> None:
    invitation, _ = invitation_create(team=place.team, by=place.user, **form.cleaned_data)
    invitation.refresh_from_db()
    assert invitation.note == one_line(form.cleaned_data["note"])


def _save_workshop(place: Place, form) -> None:
    made = workshop_create(facilitator=place.user, **form.cleaned_data)
    made.refresh_from_db()
    assert (made.title, made.description) == (
        form.cleaned_data["title"],
        form.cleaned_data["description"],
    )


def _save_tradeoffs(place: Place, form) -> None:
    fresh = Workflow.objects.get(pk=place.workflow.pk)
    tradeoffs_save(
        workflow=fresh,
        version=form.cleaned_data["version"],
        pattern_slug="batch",
        risks=form.risks(),
        cost=form.cost(),
    )
    saved = {r.rank: r for r in Risk.objects.filter(workflow=fresh, pattern_slug="batch")}
    for risk in form.risks():
        if risk["title"]:
            assert saved[risk["rank"]].title == risk["title"]
            assert saved[risk["rank"]].mitigation == risk["mitigation"]
    cost = CostEstimate.objects.get(workflow=fresh, pattern_slug="batch")
    for name, value in form.cost().items():
        assert getattr(cost, name) == value, name


def _save_budget(place: Place, form) -> None:
    workshop = Workshop.objects.get(pk=place.workflow.workshop_id)
    fields = {"budget_minutes": form.budget()}
    workshop_update(workshop=workshop, version=form.cleaned_data["version"], fields=fields)
    assert Workshop.objects.get(pk=workshop.pk).budget_minutes == form.budget()


def _save_attendee(place: Place, form) -> None:
    added = participant_add(
        workshop=place.workflow.workshop,
        name=form.cleaned_data["name"],
        role=form.cleaned_data["role"],
        involvement=form.cleaned_data["involvement"],
        user=form.cleaned_data["username"],
    )
    assert Participant.objects.get(pk=added.pk).name == form.cleaned_data["name"]


def _save_split(place: Place, form) -> None:
    parts = workflow_split(workflow=Workflow.objects.get(pk=place.workflow.pk), names=form.names())
    assert [Workflow.objects.get(pk=part.pk).name for part in parts] == list(form.names())


def _save_votes(place: Place, form) -> None:
    for dimension, value, reason in form.votes():
        vote = dimension_vote(
            participant=place.participant,
            workflow=place.workflow,
            dimension=dimension,
            value=value,
            reason=reason,
        )
        vote.refresh_from_db()
        assert (vote.value, vote.reason) == (value, reason)


def _save_figures(place: Place, form) -> None:
    try:
        figure_note_add(decision=place.decision, by=place.user, **form.cleaned_data)
    except ValidationError:  # the view shows it beside its field
        return
    note = FigureNote.objects.filter(decision=place.decision).latest("pk")
    assert note.text == form.cleaned_data["text"]


FORMS: dict[str, tuple[Make, Save | None]] = {
    "WorkshopCreateForm": (
        lambda p, **kw: workshop_forms.WorkshopCreateForm(teams=Team.objects.all(), **kw),
        _save_workshop,
    ),
    "TeamCreateForm": (lambda p, **kw: workshop_forms.TeamCreateForm(**kw), _save_team),
    "InvitationCreateForm": (
        lambda p, **kw: workshop_forms.InvitationCreateForm(**kw),
        _save_invitation,
    ),
    "InvitationSignUpForm": (lambda p, **kw: workshop_forms.InvitationSignUpForm(**kw), None),
    "ParticipantForm": (
        lambda p, **kw: workshop_forms.ParticipantForm(team=p.team, **kw),
        _save_attendee,
    ),
    "RequirementsForm": (_phase(1), _save_phase),
    "ProfileForm": (_phase(2), _save_phase),
    "CandidatesForm": (_phase(3), _save_phase),
    "ValidationPlanForm": (_phase(5), _save_phase),
    "BudgetForm": (
        lambda p, **kw: workshop_forms.BudgetForm(
            workshop=p.workflow.workshop, phases=PHASES, **kw
        ),
        _save_budget,
    ),
    "SplitForm": (lambda p, **kw: workshop_forms.SplitForm(adding=False, **kw), _save_split),
    "TradeoffForm": (_tradeoff_form, _save_tradeoffs),
    "DecideForm": (_decide_form, None),
    "TransitionForm": (
        lambda p, **kw: workshop_forms.TransitionForm(allowed={"deprecated", "superseded"}, **kw),
        None,
    ),
    "FigureNoteForm": (
        lambda p, **kw: workshop_forms.FigureNoteForm(decision=p.decision, **kw),
        _save_figures,
    ),
    "DecisionFilterForm": (
        lambda p, **kw: workshop_forms.DecisionFilterForm(
            kw.pop("data", None), patterns=pattern_choices(), teams=[p.team], **kw
        ),
        None,
    ),
    "JoinCodeForm": (lambda p, **kw: workshop_forms.JoinCodeForm(**kw), None),
    "JoinForm": (lambda p, **kw: workshop_forms.JoinForm(**kw), _save_join),
    "HandOffForm": (
        lambda p, **kw: workshop_forms.HandOffForm(workshop=p.workflow.workshop, **kw),
        None,
    ),
    "DelayAnswersForm": (lambda p, **kw: workshop_forms.DelayAnswersForm(**kw), None),
    "DimensionVoteForm": (
        lambda p, **kw: workshop_forms.DimensionVoteForm(workflow=p.workflow, **kw),
        _save_votes,
    ),
    "RiskProposalForm": (
        lambda p, **kw: workshop_forms.RiskProposalForm(
            workflow=p.workflow, pattern_slug="batch", **kw
        ),
        _save_proposal,
    ),
    "ConsentForm": (lambda p, **kw: workshop_forms.ConsentForm(**kw), None),
    "ApiTokenCreateForm": (lambda p, **kw: workshop_forms.ApiTokenCreateForm(**kw), _save_token),
    "QuickMatchForm": (lambda p, **kw: QuickMatchForm(patterns=catalogue_specs(), **kw), None),
}


def test_it_knows_every_form_of_both_apps():
    import patterns.forms

    declared = {
        name
        for module in (workshop_forms, patterns.forms)
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, forms.BaseForm)
        and value.__module__ == module.__name__
        and name not in ("VersionedModelForm", "PhaseForm")  # bases, made only as subclasses
    }
    assert declared == set(FORMS)


def _check(place: Place, name: str, data: MultiValueDict) -> None:
    make, save = FORMS[name]
    form = make(place, data=data)
    valid = form.is_valid()
    assert isinstance(valid, bool)
    event("valid" if valid else "refused")
    if not valid:
        for field, errors in form.errors.items():
            assert errors and all(str(error).strip() for error in errors), field
        return
    if save is not None:
        # A savepoint per example: each saves into the same world, then it is undone.
        with transaction.atomic():
            save(place, form)
            transaction.set_rollback(True)


def _current_version(place: Place, name: str) -> int:
    if name == "BudgetForm":
        return Workshop.objects.get(pk=place.workflow.workshop_id).version
    return Workflow.objects.get(pk=place.workflow.pk).version


@pytest.mark.parametrize("name", sorted(FORMS))
@EXAMPLES
@given(data=st.data())
def test_it_validates_anything_and_saves_what_it_takes(place, name, data):
    make, _ = FORMS[name]
    form = make(place)
    drawn = data.draw(form_data(form))
    if "version" in form.fields:  # as the page gave it: the lock is tested elsewhere
        drawn[form.add_prefix("version")] = str(_current_version(place, name))
    _check(place, name, drawn)


# Forms from_form can draw alone: no constructor argument, fields it knows.
FROM_FORM = ("TeamCreateForm", "ApiTokenCreateForm", "JoinForm", "InvitationCreateForm")


@pytest.mark.parametrize("name", FROM_FORM)
@EXAMPLES
@given(data=st.data())
def test_what_from_form_draws_saves_and_reads_back(place, name, data):
    form_class = type(FORMS[name][0](place))
    drawn = data.draw(from_form(form_class))
    _check(place, name, MultiValueDict({key: [value] for key, value in drawn.data.items()}))
