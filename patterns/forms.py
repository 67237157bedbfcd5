"""The quick match form: a workflow's profile and constraints in the units people think in."""

from __future__ import annotations

from collections.abc import Sequence

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms

from patterns.growth import ORGANISATION_LABELS
from patterns.matching import PatternSpec
from patterns.models import Consistency, Failure, Granularity, Level, Trigger
from patterns.wire import NON_FIELD, InvalidInput, MatchRequest, parse_request

LATENCY_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
VOLUME_UNITS = {"day": 1, "hour": 24}
COMPLIANCE_REGIMES = ("GDPR", "HIPAA", "PCI DSS", "SOX")
NOT_STATED = [("", "Not stated")]
ORGANISATION_CHOICES = [(key, label.capitalize()) for key, label in ORGANISATION_LABELS.items()]

# What the page shows before anyone has typed: a plain nightly sync.
DEFAULTS = {
    "trigger": "scheduled",
    "granularity": "batch",
    "consistency": "strong",
    "failure": "retry",
    "max_latency": "1",
    "latency_unit": "days",
    "volume": "100000",
    "volume_unit": "day",
}

# Where an engine field's error is shown on this form.
_FIELD_FOR = {"max_latency_seconds": "max_latency", "volume_per_day": "volume"}


class QuickMatchForm(forms.Form):
    trigger = forms.ChoiceField(choices=Trigger.choices, widget=forms.RadioSelect)
    granularity = forms.ChoiceField(choices=Granularity.choices, widget=forms.RadioSelect)
    consistency = forms.ChoiceField(choices=Consistency.choices, widget=forms.RadioSelect)
    failure = forms.ChoiceField(choices=Failure.choices, widget=forms.RadioSelect)
    max_latency = forms.FloatField(label="Maximum acceptable latency")
    latency_unit = forms.ChoiceField(label="Unit", choices=[(unit, unit) for unit in LATENCY_UNITS])
    volume = forms.FloatField(label="Volume (records)")
    volume_unit = forms.ChoiceField(
        label="Per", choices=[(unit, f"per {unit}") for unit in VOLUME_UNITS]
    )
    growth_factor = forms.FloatField(label="Expected growth over three years (×)", required=False)
    compliance = forms.MultipleChoiceField(
        choices=[(regime, regime) for regime in COMPLIANCE_REGIMES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    compliance_other = forms.CharField(
        label="Other regimes (comma-separated)", required=False, max_length=200
    )
    observability = forms.ChoiceField(
        label="Observability maturity", choices=NOT_STATED + Level.choices, required=False
    )
    skill = forms.ChoiceField(
        label="Team skill with distributed systems",
        choices=NOT_STATED + Level.choices,
        required=False,
    )
    coupling = forms.ChoiceField(
        choices=NOT_STATED + [("loose", "Loose"), ("tight", "Tight")], required=False
    )
    consumers = forms.IntegerField(label="Consumers of the data", required=False)
    throughput_per_hour = forms.FloatField(
        label="Throughput of one run (records/hour)", required=False
    )
    batch_window_hours = forms.FloatField(
        label="Batch window (hours a run may take)", required=False
    )
    organisation = forms.ChoiceField(
        label="How the organisation is structured",
        choices=NOT_STATED + ORGANISATION_CHOICES,
        required=False,
    )
    idempotency_key = forms.BooleanField(
        label="A deduplication key or upsert strategy is stated", required=False
    )
    schema_policy = forms.BooleanField(label="A schema policy is stated", required=False)
    security_controls = forms.BooleanField(
        label="Encryption and an audit trail are stated", required=False
    )
    chosen = forms.ChoiceField(label="Pattern the team leans to", required=False)

    def __init__(self, *args, patterns: Sequence[PatternSpec], **kwargs):
        super().__init__(*args, **kwargs)
        self.patterns = patterns
        self.fields["chosen"].choices = [("", "None yet")] + [(p.slug, p.name) for p in patterns]
        self.match_request: MatchRequest | None = None
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                "Profile",
                Row(
                    Column(InlineRadios("trigger"), css_class="col-sm-6"),
                    Column(InlineRadios("granularity"), css_class="col-sm-6"),
                ),
                Row(
                    Column(InlineRadios("consistency"), css_class="col-sm-6"),
                    Column(InlineRadios("failure"), css_class="col-sm-6"),
                ),
            ),
            Fieldset(
                "Constraints",
                Row(
                    Column(Field("max_latency", min="0", step="any"), css_class="col-7"),
                    Column("latency_unit", css_class="col-5"),
                ),
                Row(
                    Column(Field("volume", min="0", step="any"), css_class="col-7"),
                    Column("volume_unit", css_class="col-5"),
                ),
                Row(
                    Column(Field("growth_factor", min="0", step="any"), css_class="col-sm-6"),
                    Column(Field("consumers", min="0"), css_class="col-sm-6"),
                ),
                Row(
                    Column(Field("throughput_per_hour", min="0", step="any"), css_class="col-sm-6"),
                    Column(Field("batch_window_hours", min="0", step="any"), css_class="col-sm-6"),
                ),
                "organisation",
                "compliance",
                "compliance_other",
                Row(
                    Column("observability", css_class="col-sm-4"),
                    Column("skill", css_class="col-sm-4"),
                    Column("coupling", css_class="col-sm-4"),
                ),
                "idempotency_key",
                "schema_policy",
                "security_controls",
            ),
            Fieldset("Choice", "chosen"),
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        other = [item for item in cleaned.get("compliance_other", "").split(",") if item.strip()]
        data = {
            "trigger": cleaned["trigger"],
            "granularity": cleaned["granularity"],
            "consistency": cleaned["consistency"],
            "failure": cleaned["failure"],
            "max_latency_seconds": cleaned["max_latency"] * LATENCY_UNITS[cleaned["latency_unit"]],
            "volume_per_day": cleaned["volume"] * VOLUME_UNITS[cleaned["volume_unit"]],
            "growth_factor": cleaned.get("growth_factor"),
            "compliance": [*cleaned.get("compliance", []), *other],
            "observability": cleaned.get("observability") or None,
            "skill": cleaned.get("skill") or None,
            "coupling": cleaned.get("coupling") or None,
            "consumers": cleaned.get("consumers"),
            "throughput_per_hour": cleaned.get("throughput_per_hour"),
            "batch_window_hours": cleaned.get("batch_window_hours"),
            "organisation": cleaned.get("organisation") or None,
            "idempotency_key": cleaned.get("idempotency_key", False),
            "schema_policy": cleaned.get("schema_policy", False),
            "security_controls": cleaned.get("security_controls", False),
            "chosen": cleaned.get("chosen") or None,
        }
        # The engine's own validation is the single authority on what a workflow may be; this
        # form only converts units and shows its messages beside the right field.
        try:
            self.match_request = parse_request(data, known_patterns=[p.slug for p in self.patterns])
        except InvalidInput as invalid:
            for name, messages in invalid.errors.items():
                field = _FIELD_FOR.get(name, name)
                for message in messages:
                    self.add_error(
                        None if field == NON_FIELD else field, message[:1].upper() + message[1:]
                    )
        return cleaned
