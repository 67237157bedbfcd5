"""Validation and normalisation of the workshop's forms; layout stays in the templates."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.validators import MaxValueValidator
from django.utils import timezone

from patterns.matching import PatternSpec
from patterns.models import Consistency, Failure, Granularity, Trigger
from workshops.models import (
    MAX_CONSUMERS,
    MAX_FIGURE,
    REQUIREMENT_FIELDS,
    Consent,
    Decision,
    DelayAnswer,
    Dimension,
    FigureNote,
    Participant,
    Risk,
    StatusChange,
    Team,
    Workflow,
    Workshop,
)
from workshops.rules.latency import PROBE_LABELS
from workshops.rules.review import workflow_names
from workshops.selectors import DEFAULT_SORT, SORTS, DecisionFilters
from workshops.services import invitations
from workshops.snapshot import recorded_outcomes

COMPLIANCE_REGIMES = ("GDPR", "HIPAA", "PCI DSS", "SOX")

# One line per dimension value, shown on phase 2's choice cards.
DIMENSION_HELP = {
    "trigger": {
        "scheduled": "A timer starts each transfer: the target pulls at set times.",
        "event": "A change at the source starts the transfer: the source pushes.",
    },
    "granularity": {
        "batch": "Whole files or tables move together.",
        "record": "Each record, message or event moves on its own.",
    },
    "consistency": {
        "strong": "Readers never see stale or half-written data.",
        "eventual": "Readers may lag behind for a while; everything arrives in the end.",
    },
    "failure": {
        "retry": "A unit that fails is tried again until it succeeds.",
        "dead_letter": "A unit that fails is parked aside so the rest can go on.",
    },
}


def plain_number(value: float) -> str:
    """A number as people write it: 5000000 and 0.15, never 5000000.0 or 5e+06."""
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class PlainNumberInput(forms.NumberInput):
    """A number field that shows a stored float the way it was typed."""

    def format_value(self, value):
        if isinstance(value, float) and math.isfinite(value):
            return plain_number(value)
        return super().format_value(value)


def latency_above_zero(value: float | None) -> float | None:
    if value is not None and not value > 0:
        raise forms.ValidationError("Enter a latency greater than 0.")
    return value


def volume_not_negative(value: float | None) -> float | None:
    if value is not None and value < 0:
        raise forms.ValidationError("The volume cannot be negative.")
    return value


class VersionedModelForm(forms.ModelForm):
    """A form over a row with a `version`: saving a stale copy is refused, not lost."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version
        self.conflicts: dict[str, tuple[str, str]] = {}

    def changed_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def show_conflict(self, current) -> None:
        """Keep this person's input, show the other person's value beside each field that
        differs, and take the current version so that saving again overwrites on purpose."""
        for name in self._meta.fields:
            mine = self.cleaned_data.get(name)
            theirs = getattr(current, name)
            if mine != theirs:
                field = self.fields[name]
                self.conflicts[name] = (_display(field, mine), _display(field, theirs))
        data = self.data.copy()
        data[self.add_prefix("version")] = str(current.version)
        self.data = data
        self.add_error(
            None,
            "Someone else changed this since you opened it. Your input is kept below, with "
            "their values beside the fields that differ; save again to keep yours.",
        )


class PhaseForm(VersionedModelForm):
    """The form of one phase over the workflow (workshops.phases builds it). Every phase form
    takes the catalogue and the workflow's assessment; most need neither."""

    def __init__(self, *args, patterns: Sequence[PatternSpec] = (), assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.FloatField):
                field.widget = PlainNumberInput(attrs=field.widget.attrs)
                field.validators.append(
                    MaxValueValidator(MAX_FIGURE, message=f"Enter a number up to {MAX_FIGURE:,}.")
                )


def focus_first_error(form: forms.BaseForm) -> None:
    """Put the cursor in the first field with an error when the page comes back."""
    for name, field in form.fields.items():
        if name in form.errors:
            field.widget.attrs["autofocus"] = True
            return


def _display(field: forms.Field, value: Any) -> str:
    if value in (None, "", []):
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and math.isfinite(value):
        return plain_number(value)
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    return str(choices.get(value, value))


class WorkshopCreateForm(forms.Form):
    title = forms.CharField(max_length=200)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)
    scheduled_at = forms.DateTimeField(
        label="Scheduled for",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if not self.is_bound:
            self.initial.setdefault(
                "scheduled_at", timezone.localtime().replace(second=0, microsecond=0)
            )


class TeamCreateForm(forms.Form):
    # Any name, even one another team has: refusing a taken name would tell an outsider that
    # the team exists (DESIGN §4).
    name = forms.CharField(max_length=80)

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())


class InvitationCreateForm(forms.Form):
    days = forms.IntegerField(
        label="Expires after (days)",
        min_value=1,
        max_value=invitations.MAX_DAYS,
        initial=invitations.DEFAULT_DAYS,
    )
    max_uses = forms.IntegerField(
        label="How many people may use it",
        min_value=1,
        max_value=invitations.MAX_USES,
        initial=1,
    )
    note = forms.CharField(
        label="Note (optional)",
        max_length=100,
        required=False,
        help_text="Who it is for, so that the team can tell the open invitations apart.",
    )


class InvitationSignUpForm(UserCreationForm):
    """A new account from an invitation: username, email and password (with the site's
    password validators)."""

    email = forms.EmailField(
        max_length=254, help_text="For resetting your password if you forget it."
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")


class ParticipantForm(forms.ModelForm):
    username = forms.CharField(
        label="Account (optional)",
        required=False,
        max_length=150,
        help_text="A team member's username, to link this attendee to their account.",
    )

    class Meta:
        model = Participant
        fields = ["name", "role", "involvement"]

    def __init__(self, *args, team: Team | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not username:
            return None
        member = (
            self.team.members.filter(username=username).first() if self.team is not None else None
        )
        if member is None:
            raise forms.ValidationError(f"{username} is not a member of this workshop's team.")
        return member


class RequirementsForm(PhaseForm):
    compliance = forms.MultipleChoiceField(
        choices=[(regime, regime) for regime in COMPLIANCE_REGIMES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    compliance_other = forms.CharField(
        label="Other regimes (comma-separated)", required=False, max_length=200
    )

    class Meta:
        model = Workflow
        fields = ["name", *REQUIREMENT_FIELDS]
        labels = {
            "name": "Workflow name",
            "description": "What happens, in plain words",
            "latency_value": "Maximum acceptable latency",
            "latency_unit": "Unit",
            "volume_value": "Volume (records)",
            "volume_unit": "Per",
            "growth_factor": "Expected growth over three years (×)",
            "observability": "Observability maturity",
            "skill": "Team skill with distributed systems",
            "consumers": "Consumers of the data",
            "throughput_estimate": "Throughput of one run (records/hour, estimated)",
            "batch_window_hours": "Batch window (hours a run may take)",
            "organisation": "How the organisation is structured",
            "idempotency_key": "A deduplication key or upsert strategy is stated",
            "schema_policy": "A schema policy is stated",
            "security_controls": "Encryption and an audit trail are stated",
            "delay_10s": "Delayed by 10 seconds?",
            "delay_10m": "Delayed by 10 minutes?",
            "delay_1h": "Delayed by 1 hour?",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "data_elements": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = set(COMPLIANCE_REGIMES)
        if not self.is_bound:
            recorded = self.instance.compliance or []
            self.initial["compliance"] = [r for r in recorded if r in known]
            self.initial["compliance_other"] = ", ".join(r for r in recorded if r not in known)
        for name in (
            "latency_value",
            "volume_value",
            "growth_factor",
            "consumers",
            "throughput_estimate",
            "batch_window_hours",
        ):
            self.fields[name].widget.attrs.update({"min": "0", "step": "any"})
        for name, empty in (
            ("observability", "Not stated"),
            ("skill", "Not stated"),
            ("coupling", "Not stated"),
            ("organisation", "Not stated"),
            ("delay_10s", "Not asked yet"),
            ("delay_10m", "Not asked yet"),
            ("delay_1h", "Not asked yet"),
        ):
            field = self.fields[name]
            field.choices = [("", empty), *[c for c in field.choices if c[0]]]

    def clean_latency_value(self):
        return latency_above_zero(self.cleaned_data.get("latency_value"))

    def clean_volume_value(self):
        return volume_not_negative(self.cleaned_data.get("volume_value"))

    def clean_growth_factor(self):
        value = self.cleaned_data.get("growth_factor")
        if value is not None and not value > 0:
            raise forms.ValidationError("Enter a growth factor greater than 0 (1 means no growth).")
        return value

    def clean_batch_window_hours(self):
        value = self.cleaned_data.get("batch_window_hours")
        if value is not None and not 0 < value <= 24:
            raise forms.ValidationError("Enter a window of more than 0 and at most 24 hours.")
        return value

    def clean_throughput_estimate(self):
        value = self.cleaned_data.get("throughput_estimate")
        if value is not None and not value > 0:
            raise forms.ValidationError("Enter a throughput greater than 0 records an hour.")
        return value

    def clean(self):
        cleaned = super().clean()
        other = [" ".join(item.split()) for item in cleaned.get("compliance_other", "").split(",")]
        regimes: list[str] = []
        for regime in [*cleaned.get("compliance", []), *other]:
            if regime and regime.casefold() not in {r.casefold() for r in regimes}:
                regimes.append(regime)
        cleaned["compliance"] = regimes
        return cleaned


class ProfileForm(PhaseForm):
    class Meta:
        model = Workflow
        fields = [
            "trigger",
            "granularity",
            "consistency",
            "failure",
            "trigger_notes",
            "granularity_notes",
            "consistency_notes",
            "failure_notes",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in ("trigger_notes", "granularity_notes", "consistency_notes", "failure_notes")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for dimension in DIMENSION_HELP:
            field = self.fields[dimension]
            field.widget = forms.RadioSelect(choices=[c for c in field.choices if c[0]])
            field.required = False
            self.fields[f"{dimension}_notes"].label = "Notes"


class CandidatesForm(PhaseForm):
    candidates = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Candidates to weigh in phase 4",
    )

    class Meta:
        model = Workflow
        fields = ["candidates"]

    def __init__(self, *args, patterns: Sequence[PatternSpec], assessment=None, **kwargs):
        super().__init__(*args, patterns=patterns, assessment=assessment, **kwargs)
        self.fields["candidates"].choices = [(p.slug, p.name) for p in patterns]
        if not self.is_bound and not self.instance.candidates and assessment is not None:
            # Until the group picks its candidates, the default choice comes preselected.
            default = assessment.default_choice
            self.initial["candidates"] = [default] if default else []


class ValidationPlanForm(PhaseForm):
    class Meta:
        model = Workflow
        fields = [
            "prototype_data_subset",
            "target_p95_seconds",
            "target_throughput",
            "target_error_rate",
            "measured_p95_seconds",
            "measured_throughput",
            "measured_error_rate",
        ]
        labels = {
            "prototype_data_subset": "Data subset for the prototype",
            "target_p95_seconds": "Target p95 latency (seconds)",
            "target_throughput": "Target throughput (records/s)",
            "target_error_rate": "Acceptable error rate (%)",
            "measured_p95_seconds": "Measured p95 latency (seconds)",
            "measured_throughput": "Measured throughput (records/s)",
            "measured_error_rate": "Measured error rate (%)",
        }
        widgets = {"prototype_data_subset": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self._meta.fields[1:]:
            self.fields[name].widget.attrs.update({"min": "0", "step": "any"})

    def clean(self):
        cleaned = super().clean()
        for name in self._meta.fields[1:]:
            value = cleaned.get(name)
            if value is not None and value < 0:
                self.add_error(name, "Enter a value of 0 or more.")
        for name in ("target_error_rate", "measured_error_rate"):
            value = cleaned.get(name)
            if value is not None and value > 100:
                self.add_error(name, "An error rate is a percentage: at most 100.")
        return cleaned


class BudgetForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, workshop: Workshop, phases: Sequence, **kwargs):
        super().__init__(*args, **kwargs)
        self.phases = phases
        budget = list(workshop.budget_minutes or [p.default_minutes for p in phases])
        self.initial["version"] = workshop.version
        for phase, minutes in zip(phases, budget, strict=False):
            name = f"phase_{phase.number}"
            self.fields[name] = forms.IntegerField(
                label=f"{phase.number}. {phase.title}", min_value=0, max_value=120
            )
            self.initial[name] = minutes
            self.fields[name].widget.attrs.update({"min": "0", "max": "120"})

    def budget(self) -> list[int]:
        return [self.cleaned_data[f"phase_{phase.number}"] for phase in self.phases]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and sum(self.budget()) < 1:
            raise forms.ValidationError("Give the workshop at least one minute in all.")
        return cleaned


class SplitForm(forms.Form):
    """The names of the parts a workflow is split into: two at first, then one at a time."""

    first = forms.CharField(
        label="First part",
        max_length=200,
        error_messages={"required": "Give this part a name."},
        widget=forms.TextInput(attrs={"placeholder": "e.g. Nightly load into staging"}),
    )
    second = forms.CharField(
        label="Second part",
        max_length=200,
        error_messages={"required": "Give this part a name."},
        widget=forms.TextInput(attrs={"placeholder": "e.g. Stream changes to caches"}),
    )

    def __init__(self, *args, adding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.adding = adding
        if adding:  # the workflow has parts already: one more at a time, nothing repeated
            del self.fields["second"]
            self.fields["first"].label = "New part"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in self.fields:
            if cleaned.get(name):
                cleaned[name] = " ".join(cleaned[name].split())
        return cleaned

    def names(self) -> tuple[str, ...]:
        return tuple(self.cleaned_data[name] for name in self.fields)


RISK_RANKS = (1, 2, 3)
PITFALL_SLUG_LENGTH = Risk._meta.get_field("pitfall_slug").max_length
SLUG = re.compile(r"[-a-z0-9_]*")


def _risk_field_name(rank: int, suffix: str, label: str) -> str:
    return f"Risk {rank}: title" if suffix == "title" else f"Risk {rank}: {label.lower()}"


class TradeoffForm(forms.Form):
    """One candidate's top three risks and its three-year cost inputs."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    monthly_infrastructure = forms.DecimalField(
        label="Infrastructure per month ($)", min_value=0, max_digits=12, decimal_places=2
    )
    training = forms.DecimalField(
        label="Training, one-off ($)", min_value=0, max_digits=12, decimal_places=2
    )
    incident_hours_per_month = forms.DecimalField(
        label="Incident hours per month", min_value=0, max_digits=8, decimal_places=1
    )
    hourly_rate = forms.DecimalField(
        label="Hourly rate ($)", min_value=0, max_digits=8, decimal_places=2
    )

    def __init__(self, *args, workflow: Workflow, pattern: PatternSpec, default_monthly, **kwargs):
        kwargs.setdefault("prefix", pattern.slug)
        super().__init__(*args, **kwargs)
        self.pattern = pattern
        self.conflicts: dict[str, tuple[str, str]] = {}
        risks = {r.rank: r for r in workflow.risks.all() if r.pattern_slug == pattern.slug}
        cost = next((c for c in workflow.costs.all() if c.pattern_slug == pattern.slug), None)
        self.initial["version"] = workflow.version
        self.initial["monthly_infrastructure"] = (
            cost.monthly_infrastructure if cost else default_monthly
        )
        self.initial["training"] = cost.training if cost else 0
        self.initial["incident_hours_per_month"] = cost.incident_hours_per_month if cost else 0
        self.initial["hourly_rate"] = cost.hourly_rate if cost else 100
        for rank in RISK_RANKS:
            risk = risks.get(rank)
            self.fields[f"risk{rank}_title"] = forms.CharField(
                label=f"Risk {rank}", max_length=200, required=False
            )
            self.fields[f"risk{rank}_likelihood"] = forms.TypedChoiceField(
                label="Likelihood", choices=[(n, n) for n in range(1, 6)], coerce=int, initial=3
            )
            self.fields[f"risk{rank}_impact"] = forms.TypedChoiceField(
                label="Impact", choices=[(n, n) for n in range(1, 6)], coerce=int, initial=3
            )
            self.fields[f"risk{rank}_raised_by"] = forms.ChoiceField(
                label="Raised by", choices=Risk.RaisedBy.choices
            )
            self.fields[f"risk{rank}_mitigation"] = forms.CharField(
                label="Mitigation", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"risk{rank}_pitfall"] = forms.CharField(
                required=False, widget=forms.HiddenInput, strip=True
            )
            for suffix, css in (
                ("title", "form-control form-control-sm"),
                ("likelihood", "form-select form-select-sm"),
                ("impact", "form-select form-select-sm"),
                ("raised_by", "form-select form-select-sm"),
                ("mitigation", "form-control form-control-sm"),
            ):
                field = self.fields[f"risk{rank}_{suffix}"]
                field.widget.attrs.update(
                    # "Risk 1: likelihood"; the title field is labelled "Risk 1" itself.
                    {"class": css, "aria-label": _risk_field_name(rank, suffix, field.label)}
                )
            if risk:
                self.initial[f"risk{rank}_title"] = risk.title
                self.initial[f"risk{rank}_likelihood"] = risk.likelihood
                self.initial[f"risk{rank}_impact"] = risk.impact
                self.initial[f"risk{rank}_raised_by"] = risk.raised_by
                self.initial[f"risk{rank}_mitigation"] = risk.mitigation
                self.initial[f"risk{rank}_pitfall"] = risk.pitfall_slug

    def risk_rows(self):
        return [
            {
                "rank": rank,
                "title": self[f"risk{rank}_title"],
                "likelihood": self[f"risk{rank}_likelihood"],
                "impact": self[f"risk{rank}_impact"],
                "raised_by": self[f"risk{rank}_raised_by"],
                "mitigation": self[f"risk{rank}_mitigation"],
                "pitfall": self[f"risk{rank}_pitfall"],
            }
            for rank in RISK_RANKS
        ]

    def clean(self):
        cleaned = super().clean()
        for rank in RISK_RANKS:
            # Which engine pitfall a risk came from: a hidden field nobody types in. Anything
            # that is not a pitfall's slug is dropped rather than refused or stored.
            pitfall = cleaned.get(f"risk{rank}_pitfall") or ""
            if len(pitfall) > PITFALL_SLUG_LENGTH or not SLUG.fullmatch(pitfall):
                cleaned[f"risk{rank}_pitfall"] = ""
            if cleaned.get(f"risk{rank}_mitigation") and not cleaned.get(f"risk{rank}_title"):
                self.add_error(f"risk{rank}_title", "Name the risk this mitigation is for.")
        return cleaned

    def risks(self) -> list[dict[str, Any]]:
        return [
            {
                "rank": rank,
                "title": self.cleaned_data[f"risk{rank}_title"].strip(),
                "likelihood": self.cleaned_data[f"risk{rank}_likelihood"],
                "impact": self.cleaned_data[f"risk{rank}_impact"],
                "raised_by": self.cleaned_data[f"risk{rank}_raised_by"],
                "mitigation": self.cleaned_data[f"risk{rank}_mitigation"],
                "pitfall_slug": self.cleaned_data[f"risk{rank}_pitfall"],
            }
            for rank in RISK_RANKS
        ]

    def cost(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in (
                "monthly_infrastructure",
                "training",
                "incident_hours_per_month",
                "hourly_rate",
            )
        }

    def show_conflict(self, current: Workflow) -> None:
        data = self.data.copy()
        data[self.add_prefix("version")] = str(current.version)
        self.data = data
        self.add_error(
            None,
            "Someone else changed this workflow since you opened it. Your input is kept; "
            "save again to keep yours.",
        )


class DecideForm(forms.Form):
    """The outcome: a pattern per workflow (per part for a hybrid), why for each, and when to
    review; accepting despite warnings needs a reason, which the timeline keeps."""

    ACTIONS = (("draft", "Save as draft"), ("proposed", "Propose"), ("accepted", "Accept"))

    rationale = forms.CharField(
        label="Chosen because…",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Finish the sentence “Chosen option: X, because …”.",
    )
    consequences = forms.CharField(
        label="Consequences (good and bad)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    review_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    accept_reason = forms.CharField(
        label="Why accept despite these warnings?",
        max_length=StatusChange._meta.get_field("note").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed to accept; the status timeline keeps it.",
    )
    action = forms.ChoiceField(choices=ACTIONS, initial="draft")

    def __init__(
        self, *args, workflows, assessments, patterns, decision=None, warnings=(), **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.workflows = workflows
        self.warnings = tuple(warnings)
        self.hybrid = any(w.parent_id for w in workflows)
        choices = [(p.slug, p.name) for p in patterns]
        recorded = recorded_outcomes(decision.snapshot, workflows) if decision else {}
        if decision is not None:
            self.initial.update(
                rationale=decision.rationale,
                consequences=decision.consequences,
                review_date=decision.review_date,
            )
        else:
            self.initial["review_date"] = timezone.localdate() + timedelta(days=365)
        for workflow, assessment in zip(workflows, assessments, strict=True):
            chosen, because = recorded.get(workflow.pk, ("", ""))
            name = f"chosen_{workflow.pk}"
            if not workflow.parent_id:
                label = "Pattern for the whole workflow" if self.hybrid else "Chosen pattern"
            else:
                label = f"Pattern for {workflow.name}"
            self.fields[name] = forms.ChoiceField(
                label=label, choices=[("", "Choose a pattern")] + choices
            )
            self.initial[name] = chosen or assessment.default_choice
            if workflow.parent_id:
                self.fields[f"rationale_{workflow.pk}"] = forms.CharField(
                    label=f"{workflow.name}: chosen because…",
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text="Finish “Chosen option: X, because …” for this part alone.",
                )
                self.initial[f"rationale_{workflow.pk}"] = because
        if self.hybrid:
            whole = self.fields["rationale"]
            whole.label = "The whole workflow: chosen because…"
            whole.help_text = "Finish “Chosen option: X, because …” for the approach as a whole."

    def clean_review_date(self):
        value = self.cleaned_data["review_date"]
        if value <= timezone.localdate():
            raise forms.ValidationError("Pick a review date in the future.")
        return value

    def clean(self):
        cleaned = super().clean()
        reason = " ".join(cleaned.get("accept_reason", "").split())
        cleaned["accept_reason"] = reason
        if cleaned.get("action") == "accepted" and self.warnings and not reason:
            self.add_error(
                "accept_reason",
                "Say why you accept despite the warnings above, or save as draft or propose "
                "until they are dealt with.",
            )
        return cleaned

    def chosen(self) -> dict[int, str]:
        return {w.pk: self.cleaned_data[f"chosen_{w.pk}"] for w in self.workflows}

    def part_rationales(self) -> dict[int, str]:
        return {w.pk: self.cleaned_data[f"rationale_{w.pk}"] for w in self.workflows if w.parent_id}

    def outcome_fields(self) -> list[tuple[Workflow, forms.BoundField, forms.BoundField]]:
        """Each workflow with its pattern and its reason, the whole first."""
        return [
            (
                w,
                self[f"chosen_{w.pk}"],
                self[f"rationale_{w.pk}"] if w.parent_id else self["rationale"],
            )
            for w in self.workflows
        ]


class TransitionForm(forms.Form):
    """A step along a decision's lifecycle; accepting despite warnings needs a reason."""

    to_status = forms.ChoiceField(label="New status", choices=[])
    note = forms.CharField(
        max_length=StatusChange._meta.get_field("note").max_length, required=False
    )

    def __init__(self, *args, allowed, warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Decision.Status.choices)
        self.fields["to_status"].choices = [(s, labels[s]) for s in sorted(allowed)]
        self.warnings = tuple(warnings)
        if self.warnings:
            self.fields["note"].label = "Note (to accept: why, despite the warnings)"

    def clean(self):
        cleaned = super().clean()
        cleaned["note"] = " ".join(cleaned.get("note", "").split())
        if cleaned.get("to_status") == "accepted" and self.warnings and not cleaned["note"]:
            self.add_error(
                "note", "Say why you accept despite the warnings above: the timeline keeps it."
            )
        return cleaned


class FigureNoteForm(forms.ModelForm):
    """A decided workflow's figures today, noted beside its record: any of the volume, the
    latency now needed and the consumers (at least one), dated, with a line of context."""

    workflow_position = forms.TypedChoiceField(label="Workflow", coerce=int, choices=[])

    class Meta:
        model = FigureNote
        fields = (
            "workflow_position",
            "noted_on",
            "volume_value",
            "volume_unit",
            "latency_value",
            "latency_unit",
            "consumers",
            "text",
        )
        labels = {
            "noted_on": "Noted on",
            "volume_value": "Volume now (records)",
            "volume_unit": "Volume per",
            "latency_value": "Maximum latency now needed",
            "latency_unit": "Latency unit",
            "consumers": "Consumers now",
            "text": "What changed (optional)",
        }
        widgets = {"noted_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision
        names = workflow_names(decision.snapshot) or [decision.title]
        field = self.fields["workflow_position"]
        field.choices = [
            (i, f"Part: {name}" if i else f"{name} (the whole)") for i, name in enumerate(names)
        ]
        if len(names) == 1:
            field.widget = forms.HiddenInput()
        for name in ("volume_value", "latency_value"):
            self.fields[name].widget = PlainNumberInput(attrs={"step": "any", "min": "0"})
            self.fields[name].validators.append(
                MaxValueValidator(MAX_FIGURE, message=f"Enter a number up to {MAX_FIGURE:,}.")
            )
        self.fields["consumers"].validators.append(
            MaxValueValidator(MAX_CONSUMERS, message=f"Enter at most {MAX_CONSUMERS:,} consumers.")
        )
        if not self.is_bound:
            self.initial.setdefault("workflow_position", 0)
            self.initial.setdefault("noted_on", timezone.localdate())

    def clean_noted_on(self):
        day = self.cleaned_data["noted_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("Pick today or an earlier day: these are figures seen.")
        decided = self.decision.decided_at
        if decided is not None and day < timezone.localdate(decided):
            raise forms.ValidationError(
                f"Pick a day from the decision on ({timezone.localdate(decided):%-d %B %Y})."
            )
        return day

    def clean_volume_value(self):
        return volume_not_negative(self.cleaned_data.get("volume_value"))

    def clean_latency_value(self):
        return latency_above_zero(self.cleaned_data.get("latency_value"))

    def clean_text(self):
        return " ".join(self.cleaned_data.get("text", "").split())

    def clean(self):
        cleaned = super().clean()
        figures = ("volume_value", "latency_value", "consumers")
        if not any(name in self.errors for name in figures) and all(
            cleaned.get(name) is None for name in figures
        ):
            self.add_error(
                "volume_value",
                "Note at least one figure: the volume, the latency or the consumers.",
            )
        return cleaned


# Decisions are recorded today or imported from the past: dates far outside these bounds are
# typing mistakes, and the ends of the calendar cannot be turned into a day's time range.
EARLIEST_FILTER_DATE = date(1900, 1, 1)
LATEST_FILTER_DATE = date(2999, 12, 31)
FIELD_ORDER = ("q", "pattern", "status", "team", "from", "to", "review_due", "sort")


class DecisionFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Title, systems, description"}
        ),
    )
    pattern = forms.ChoiceField(label="Chosen pattern", required=False)
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Decision.Status.choices]
    )
    team = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    review_due = forms.BooleanField(
        label="Due for review",
        required=False,
        help_text="Its review date has come, or a figure noted since crosses a revisit trigger.",
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, label) for key, (label, *_) in SORTS.items()],
    )

    def __init__(
        self, data=None, *, patterns: Sequence[tuple[str, str]], teams: Sequence[Team], **kwargs
    ):
        super().__init__(data, **kwargs)
        # "from" and "to" are what people see in the address bar; "from" cannot be a class
        # attribute, so both date fields are added here.
        for name, label in (("from", "Recorded from"), ("to", "Recorded until")):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
        self.fields["pattern"].choices = [("", "Any pattern"), *patterns]
        self.fields["team"].choices = [("", "All my teams"), *((t.pk, t.name) for t in teams)]
        self.order_fields(FIELD_ORDER)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in ("from", "to"):
            day = cleaned.get(name)
            if day is not None and not EARLIEST_FILTER_DATE <= day <= LATEST_FILTER_DATE:
                self.add_error(
                    name,
                    f"Pick a date between {EARLIEST_FILTER_DATE:%-d %b %Y} and "
                    f"{LATEST_FILTER_DATE:%-d %b %Y}.",
                )
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and end < start:
            self.add_error("to", "This date is before the “from” date.")
        return cleaned

    def filters(self) -> DecisionFilters:
        """The filters from the fields that are valid; the others fall back to no filter."""
        self.is_valid()
        data = self.cleaned_data
        return DecisionFilters(
            words=tuple((data.get("q") or "").split()),
            pattern=data.get("pattern") or "",
            status=data.get("status") or "",
            team_id=data.get("team"),
            created_from=data.get("from"),
            created_to=data.get("to"),
            review_due=bool(data.get("review_due")),
            sort=data.get("sort") or DEFAULT_SORT,
        )


# --- the room: joining -------------------------------------------------------------------

JOIN_INVOLVEMENTS = (
    (Participant.Involvement.DECISION_MAKER, "Decision-maker: I vote and consent to the decision"),
    (Participant.Involvement.CONSULTED, "Consulted: I vote"),
    (Participant.Involvement.INFORMED, "Spectator: I watch and do not vote"),
)


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label="Join code",
        max_length=32,
        help_text="The six letters and digits the facilitator shows, such as K7P M2Q.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if not any(ch.isalnum() for ch in code):
            raise forms.ValidationError("Type the code's letters and digits.")
        return code


class JoinForm(forms.Form):
    """Who joins from their device: a display name, a role and how they take part."""

    # CharField strips the name and refuses NUL characters by itself.
    name = forms.CharField(
        label="Your name",
        max_length=100,
        help_text="As the group knows you; it is shown to the room.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    role = forms.ChoiceField(
        label="Your role", choices=[("", "Choose your role"), *Participant.Role.choices]
    )
    involvement = forms.ChoiceField(
        label="How you take part",
        choices=JOIN_INVOLVEMENTS,
        initial=Participant.Involvement.CONSULTED,
        widget=forms.RadioSelect,
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Type the name the group knows you by.")
        return name


class HandOffForm(forms.Form):
    to_user = forms.ModelChoiceField(
        label="Hand the facilitator role to",
        queryset=None,
        empty_label="Choose a team member",
        error_messages={"invalid_choice": "Choose a member of this workshop's team."},
    )

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["to_user"].queryset = (
            get_user_model()
            # An account that cannot sign in would leave nobody to steer the room.
            .objects.filter(memberships__team_id=workshop.team_id, is_active=True)
            .exclude(pk=workshop.facilitator_id)
            .order_by("username")
        )
        self.fields["to_user"].label_from_instance = lambda user: user.get_username()


# --- the room: a participant's answers ------------------------------------------------------

# The questions of phase 1, each about the whole workflow: (field, how long the delay is).
DELAY_QUESTIONS: tuple[tuple[str, str], ...] = tuple(
    zip(("delay_10s", "delay_10m", "delay_1h"), PROBE_LABELS, strict=True)
)
# Each dimension's values with their labels, in the order the console shows them.
DIMENSION_CHOICES: dict[str, list[tuple[str, str]]] = {
    Dimension.TRIGGER: Trigger.choices,
    Dimension.GRANULARITY: Granularity.choices,
    Dimension.CONSISTENCY: Consistency.choices,
    Dimension.FAILURE: Failure.choices,
}
REASON_LENGTH = 200  # DimensionVote.reason
PROPOSAL_TITLE_LENGTH = 200  # RiskProposal.title
PROPOSAL_MITIGATION_LENGTH = 300  # RiskProposal.mitigation
CONSENT_REASON_LENGTH = 300  # Consent.reason


class DelayAnswersForm(forms.Form):
    """A participant's answers to phase 1's three delay questions; an unanswered question
    stays unanswered."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "delay")
        super().__init__(*args, **kwargs)
        for name, delay in DELAY_QUESTIONS:
            self.fields[name] = forms.ChoiceField(
                label=f"What happens if this data is delayed by {delay}?",
                choices=DelayAnswer.choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Choose fine, degraded or unacceptable."},
            )

    def answers(self) -> dict[str, str]:
        """The questions answered, for services.room.delay_answer."""
        answered = ((name, self.cleaned_data[name]) for name, _ in DELAY_QUESTIONS)
        return {name: answer for name, answer in answered if answer}


class DimensionVoteForm(forms.Form):
    """A participant's vote on each of the four dimensions of one workflow, with an optional
    one-line reason each. The prefix names the workflow: a page may show several."""

    def __init__(self, *args, workflow: Workflow, **kwargs):
        super().__init__(*args, prefix=f"vote{workflow.pk}", **kwargs)
        self.workflow = workflow
        for dimension, choices in DIMENSION_CHOICES.items():
            label = Dimension(dimension).label
            self.fields[dimension] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Choose one of this dimension's values."},
            )
            self.fields[f"{dimension}_reason"] = forms.CharField(
                label=f"Why? (optional, one line) — {label.lower()}",
                max_length=REASON_LENGTH,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for dimension in DIMENSION_CHOICES:
            if cleaned.get(f"{dimension}_reason") and not cleaned.get(dimension):
                self.add_error(f"{dimension}_reason", "Choose a value to go with your reason.")
        return cleaned

    def votes(self) -> list[tuple[str, str, str]]:
        """(dimension, value, reason) for each dimension voted on."""
        return [
            (dimension, self.cleaned_data[dimension], self.cleaned_data[f"{dimension}_reason"])
            for dimension in DIMENSION_CHOICES
            if self.cleaned_data.get(dimension)
        ]


class RiskProposalForm(forms.Form):
    """A risk a participant proposes for one candidate pattern of one workflow."""

    title = forms.CharField(label="What could go wrong?", max_length=PROPOSAL_TITLE_LENGTH)
    mitigation = forms.CharField(
        label="How could the team lessen it? (optional)",
        max_length=PROPOSAL_MITIGATION_LENGTH,
        required=False,
    )

    def __init__(self, *args, workflow: Workflow, pattern_slug: str, **kwargs):
        super().__init__(*args, prefix=f"risk{workflow.pk}-{pattern_slug}", **kwargs)
        self.workflow = workflow
        self.pattern_slug = pattern_slug
        self.fields["title"].error_messages["required"] = "Say what could go wrong."


class ConsentForm(forms.Form):
    """A decision-maker's agree, abstain or object on the proposed decision; an objection
    says why."""

    answer = forms.ChoiceField(
        label="Your answer",
        choices=Consent.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose agree, abstain or object.",
            "invalid_choice": "Choose agree, abstain or object.",
        },
    )
    reason = forms.CharField(
        label="Your reason (needed to object)",
        max_length=CONSENT_REASON_LENGTH,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "consent")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("answer") == Consent.Answer.OBJECT and not cleaned.get("reason"):
            self.add_error("reason", "Say why you object, so that the group can answer it.")
        return cleaned


# --- personal API tokens -------------------------------------------------------------------


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What it is for, e.g. “ADR sync in CI”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
