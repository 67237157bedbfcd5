"""Teams, workshops with their five phases, and the decision records they produce."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from patterns.models import Consistency, Failure, Granularity, Level, Trigger


def default_budget_minutes() -> list[int]:
    # workshops.phases holds each phase's default minutes; it imports the forms, which import
    # these models, hence the import at call time (migrations refer to this function).
    from workshops.phases import DEFAULT_BUDGET_MINUTES

    return list(DEFAULT_BUDGET_MINUTES)


def new_invite_code() -> str:
    # 160 bits from the OS's CSPRNG: unguessable, as invites must be (DESIGN §4).
    return secrets.token_urlsafe(20)


# The short code people type at /join/: no letters or digits that read alike (0/O, 1/I/L).
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    # 31**6, about 887 million codes: with failed joins rate-limited per client, guessing one
    # is out of reach; the code only leads to the long invite token, which grants the join.
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def new_device_token() -> str:
    # What a participant's browser keeps (in its session) to prove which participant it is.
    return secrets.token_urlsafe(32)


class Team(models.Model):
    # Not unique: a name refused as taken would tell an outsider that such a team exists
    # (DESIGN §4). Teams are told apart by their members, who are the only ones to see them.
    name = models.CharField(max_length=80)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams"
    )
    # Moves on with every write to one of the team's decisions (services bump it), so that
    # what is drawn from them — the history list — can be cached and never be stale.
    decisions_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workshops:team-detail", kwargs={"team_id": self.pk})


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="unique_team_member")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class Invitation(models.Model):
    """A link that lets whoever holds it join a team, until it expires, is revoked or has
    been used `max_uses` times. Only a hash of its token is kept: the link is shown once."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_created",
    )
    note = models.CharField(max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)  # SHA-256, hex
    max_uses = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    uses = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uses__lte=models.F("max_uses")), name="invitation_uses_cap"
            )
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.team} ({self.uses}/{self.max_uses})"

    def refusal(self, now=None) -> str | None:
        """Why this invitation can no longer be used ("revoked", "expired", "used"), or None."""
        if self.revoked_at is not None:
            return "revoked"
        if (now or timezone.now()) >= self.expires_at:
            return "expired"
        if self.uses >= self.max_uses:
            return "used"
        return None

    @property
    def uses_left(self) -> int:
        return max(0, self.max_uses - self.uses)


class Workshop(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Live"
        DECIDED = "decided", "Decided"

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="workshops")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    scheduled_at = models.DateTimeField()
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facilitated_workshops"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    current_phase = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    budget_minutes = models.JSONField(default=default_budget_minutes)
    # Seconds spent in each phase before the current visit, keyed "1".."5".
    phase_seconds = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    phase_started_at = models.DateTimeField(null=True, blank=True)
    invite_code = models.CharField(max_length=40, unique=True, default=new_invite_code)
    # The short form of the invite, typed at /join/; it leads to the invite while joining is
    # open and the workshop is not decided. Rotating the invite replaces both.
    join_code = models.CharField(max_length=12, unique=True, default=new_join_code)
    joining_open = models.BooleanField(default=True)
    # When the facilitator paused the clock (None while it runs); the current phase's time
    # up to the pause is already in phase_seconds.
    paused_at = models.DateTimeField(null=True, blank=True)
    # Moves on with every change anyone in the room could see (services.room.room_changed):
    # the participants' and the facilitator's polls answer 304 while it stays the same.
    room_version = models.PositiveIntegerField(default=0)
    revisits = models.ForeignKey(
        "Decision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revisited_by",
        help_text="The decision this workshop reconsiders; accepting its outcome supersedes it.",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-scheduled_at", "-id"]
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workshops:console", kwargs={"workshop_id": self.pk})


class Participant(models.Model):
    class Role(models.TextChoices):
        ENGINEERING = "engineering", "Engineering"
        OPERATIONS = "operations", "Operations"
        BUSINESS = "business", "Business"
        SECURITY = "security", "Security"
        OTHER = "other", "Other"

    class Involvement(models.TextChoices):
        DECISION_MAKER = "decision_maker", "Decision-maker"
        CONSULTED = "consulted", "Consulted"
        INFORMED = "informed", "Informed"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(max_length=100)
    role = models.CharField(max_length=16, choices=Role.choices)
    involvement = models.CharField(
        max_length=16, choices=Involvement.choices, default=Involvement.CONSULTED
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    # Set when a participant joins from their own device; lets a browser prove which
    # participant it is without an account. Blank for attendees the facilitator listed.
    device_token = models.CharField(max_length=64, blank=True, default="")
    # The phase this participant said they are ready to leave: ready while it is the
    # workshop's current phase, so moving on clears everyone's signal without a write.
    ready_phase = models.PositiveSmallIntegerField(null=True, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def joined(self) -> bool:
        """Joined from their own device (not only listed by the facilitator)."""
        return bool(self.device_token)

    @property
    def is_spectator(self) -> bool:
        # A spectator watches and is kept informed: listed as "informed", never votes.
        return self.involvement == self.Involvement.INFORMED

    @property
    def can_consent(self) -> bool:
        return self.involvement == self.Involvement.DECISION_MAKER


class LatencyUnit(models.TextChoices):
    SECONDS = "seconds", "seconds"
    MINUTES = "minutes", "minutes"
    HOURS = "hours", "hours"
    DAYS = "days", "days"


LATENCY_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


class VolumeUnit(models.TextChoices):
    HOUR = "hour", "per hour"
    DAY = "day", "per day"


def latency_seconds(value: float | None, unit: str) -> float | None:
    """A latency as a form takes it (a value and its unit) in seconds."""
    return None if value is None else value * LATENCY_UNIT_SECONDS[unit]


def records_per_day(value: float | None, unit: str) -> float | None:
    """A volume as a form takes it (records per hour or per day) in records a day."""
    return None if value is None else value * (24 if unit == VolumeUnit.HOUR else 1)


class DelayAnswer(models.TextChoices):
    FINE = "fine", "Fine"
    DEGRADED = "degraded", "Degraded"
    UNACCEPTABLE = "unacceptable", "Unacceptable"


class Coupling(models.TextChoices):
    LOOSE = "loose", "Loose"
    TIGHT = "tight", "Tight"


class Organisation(models.TextChoices):
    CENTRAL_DATA_TEAM = "central_data_team", "One central data team"
    PLATFORM_TEAM = "platform_team", "A platform team serving product teams"
    AUTONOMOUS_TEAMS = "autonomous_teams", "Autonomous product teams"


# The largest figure a workflow's number field takes: far beyond any real workflow, and small
# enough that every figure derived from it (seconds, records per day, growth) stays finite.
MAX_FIGURE = 10**12
# The most consumers a figure noted on a record says (FigureNote): far beyond any real stream.
MAX_CONSUMERS = 1_000_000

# What phase 1 records about a workflow (besides its name): copied into the parts of a
# split, and pre-filled when a decision is revisited.
REQUIREMENT_FIELDS = (
    "description",
    "source_system",
    "target_system",
    "data_elements",
    "update_frequency",
    "latency_value",
    "latency_unit",
    "volume_value",
    "volume_unit",
    "growth_factor",
    "compliance",
    "observability",
    "skill",
    "coupling",
    "consumers",
    "throughput_estimate",
    "batch_window_hours",
    "organisation",
    "idempotency_key",
    "schema_policy",
    "security_controls",
    "delay_10s",
    "delay_10m",
    "delay_1h",
)


class Workflow(models.Model):
    """The workflow a workshop studies, or one part of it (a sub-workflow of a hybrid)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="workflows")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="parts"
    )
    position = models.PositiveSmallIntegerField(default=0)

    # Phase 1: requirements.
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source_system = models.CharField(max_length=200, blank=True)
    target_system = models.CharField(max_length=200, blank=True)
    data_elements = models.TextField(blank=True)
    update_frequency = models.CharField(max_length=100, blank=True)
    latency_value = models.FloatField(null=True, blank=True)
    latency_unit = models.CharField(
        max_length=8, choices=LatencyUnit.choices, default=LatencyUnit.MINUTES
    )
    volume_value = models.FloatField(null=True, blank=True)
    volume_unit = models.CharField(max_length=8, choices=VolumeUnit.choices, default=VolumeUnit.DAY)
    growth_factor = models.FloatField(null=True, blank=True)
    compliance = models.JSONField(default=list, blank=True)
    observability = models.CharField(max_length=8, choices=Level.choices, blank=True)
    skill = models.CharField(max_length=8, choices=Level.choices, blank=True)
    coupling = models.CharField(max_length=8, choices=Coupling.choices, blank=True)
    consumers = models.PositiveIntegerField(null=True, blank=True)
    # Records an hour one run moves, as estimated in phase 1; phase 5's measured throughput
    # replaces it for the growth rules once there is one.
    throughput_estimate = models.FloatField(null=True, blank=True)
    organisation = models.CharField(max_length=24, choices=Organisation.choices, blank=True)
    idempotency_key = models.BooleanField(default=False)
    schema_policy = models.BooleanField(default=False)
    security_controls = models.BooleanField(default=False)
    delay_10s = models.CharField(max_length=16, choices=DelayAnswer.choices, blank=True)
    delay_10m = models.CharField(max_length=16, choices=DelayAnswer.choices, blank=True)
    delay_1h = models.CharField(max_length=16, choices=DelayAnswer.choices, blank=True)

    # Phase 2: the profile on the four dimensions.
    trigger = models.CharField(max_length=16, choices=Trigger.choices, blank=True)
    granularity = models.CharField(max_length=16, choices=Granularity.choices, blank=True)
    consistency = models.CharField(max_length=16, choices=Consistency.choices, blank=True)
    failure = models.CharField(max_length=16, choices=Failure.choices, blank=True)
    trigger_notes = models.TextField(blank=True)
    granularity_notes = models.TextField(blank=True)
    consistency_notes = models.TextField(blank=True)
    failure_notes = models.TextField(blank=True)

    # Phase 2: whether the facilitator has shown the room's dimension votes (they also show
    # once everyone has voted on every dimension).
    votes_revealed = models.BooleanField(default=False)

    # Phase 3: the candidates carried into phase 4 (pattern slugs).
    candidates = models.JSONField(default=list, blank=True)

    # Phase 5: the prototype plan and its results.
    prototype_data_subset = models.TextField(blank=True)
    target_p95_seconds = models.FloatField(null=True, blank=True)
    target_throughput = models.FloatField(null=True, blank=True)
    target_error_rate = models.FloatField(null=True, blank=True)
    batch_window_hours = models.FloatField(null=True, blank=True)
    measured_p95_seconds = models.FloatField(null=True, blank=True)
    measured_throughput = models.FloatField(null=True, blank=True)
    measured_error_rate = models.FloatField(null=True, blank=True)

    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def max_latency_seconds(self) -> float | None:
        return latency_seconds(self.latency_value, self.latency_unit)

    @property
    def volume_per_day(self) -> float | None:
        return records_per_day(self.volume_value, self.volume_unit)

    @property
    def has_profile(self) -> bool:
        return all((self.trigger, self.granularity, self.consistency, self.failure))


class Risk(models.Model):
    class RaisedBy(models.TextChoices):
        ENGINEERING = "engineering", "Engineering"
        OPERATIONS = "operations", "Operations"
        BUSINESS = "business", "Business"
        SECURITY = "security", "Security"
        OTHER = "other", "Other"

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="risks")
    pattern_slug = models.SlugField()
    rank = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(3)])
    title = models.CharField(max_length=200)
    likelihood = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    impact = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    mitigation = models.TextField(blank=True)
    raised_by = models.CharField(max_length=16, choices=RaisedBy.choices)
    pitfall_slug = models.SlugField(blank=True)

    class Meta:
        ordering = ["pattern_slug", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "pattern_slug", "rank"], name="unique_risk_rank"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class CostEstimate(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="costs")
    pattern_slug = models.SlugField()
    monthly_infrastructure = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    training = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    incident_hours_per_month = models.DecimalField(
        max_digits=8,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    hourly_rate = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        ordering = ["pattern_slug"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "pattern_slug"], name="unique_cost")
        ]

    def __str__(self) -> str:
        return f"TCO of {self.pattern_slug}"


class Decision(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        DEPRECATED = "deprecated", "Deprecated"
        SUPERSEDED = "superseded", "Superseded"

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="decisions")
    # The team's decision number, as MADR numbers its files (0001-title.md): given once when
    # the decision is created (services.decisions.decision_number_next), never reused.
    number = models.PositiveIntegerField()
    workshop = models.ForeignKey(
        Workshop, on_delete=models.PROTECT, related_name="decisions", null=True, blank=True
    )
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    # The headline: the pattern chosen for the whole workflow (for a hybrid whose whole has
    # none, the first part's). Every part's pattern is in `choices`.
    chosen_pattern = models.SlugField(blank=True)
    chosen_pattern_name = models.CharField(max_length=80, blank=True)
    rationale = models.TextField(blank=True)
    consequences = models.TextField(blank=True)
    review_date = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # The full record, frozen: once accepted it never changes, whatever happens to the
    # workshop or the catalogue afterwards.
    snapshot = models.JSONField(default=dict)
    # Searchable text (services.decisions.record_search_text), kept beside the snapshot.
    search_text = models.TextField(blank=True)
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseded_by",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # An imported decision: the export it came from (documents.json.export_fingerprint), so
    # that importing the same export into the team again finds it instead of copying it.
    import_fingerprint = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Whether the latest figures noted on the record since (FigureNote) cross one of the
    # frozen record's revisit triggers: kept here, written with each note, so that the
    # history and the dashboard filter on it without reading the notes.
    noted_review_due = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["team", "status"]),
            models.Index(fields=["chosen_pattern"]),
            models.Index(fields=["review_date"]),
            models.Index(fields=["-created_at", "-id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "import_fingerprint"],
                condition=~models.Q(import_fingerprint=""),
                name="unique_import_per_team",
            ),
            models.UniqueConstraint(fields=["team", "number"], name="decision_number_per_team"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workshops:decision-detail", kwargs={"decision_id": self.pk})

    def review_due_on(self, today) -> bool:
        """In force and due for review: its review date has come, or a figure noted since
        crosses one of its revisit triggers (selectors.review_due_q asks the same of rows)."""
        return self.status == self.Status.ACCEPTED and (
            self.noted_review_due or (self.review_date is not None and self.review_date <= today)
        )


class FigureNote(models.Model):
    """A team member's reading of a decided workflow's figures today (volume, the latency now
    needed, the consumers), dated, beside the frozen record and never in it: the latest noted
    figure of each kind is checked against the record's revisit triggers."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="figure_notes")
    # Which of the record's workflows (its place in the snapshot: 0 the whole, then the parts).
    workflow_position = models.PositiveSmallIntegerField(default=0)
    noted_on = models.DateField()
    # Who noted it: the account while it exists here, and the name as it was shown (an
    # imported note keeps its author's name without an account).
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.CharField(max_length=150)
    volume_value = models.FloatField(null=True, blank=True)
    volume_unit = models.CharField(max_length=8, choices=VolumeUnit.choices, default=VolumeUnit.DAY)
    latency_value = models.FloatField(null=True, blank=True)
    latency_unit = models.CharField(
        max_length=8, choices=LatencyUnit.choices, default=LatencyUnit.MINUTES
    )
    consumers = models.PositiveIntegerField(null=True, blank=True)
    text = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["noted_on", "created_at", "id"]

    def __str__(self) -> str:
        return f"Figures noted on {self.noted_on} by {self.author}"

    @property
    def volume_per_day(self) -> float | None:
        return records_per_day(self.volume_value, self.volume_unit)

    @property
    def max_latency_seconds(self) -> float | None:
        return latency_seconds(self.latency_value, self.latency_unit)


class DecisionChoice(models.Model):
    """The pattern a decision chose for its whole workflow or for one part of a hybrid: what
    the history filters, counts and lists by. Written from the frozen record whenever a
    decision is recorded or imported, never edited on its own."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()  # the workflow's place in the record
    part_name = models.CharField(max_length=200, blank=True)  # blank: the whole workflow
    pattern_slug = models.SlugField(db_index=False)  # the index below starts with it
    pattern_name = models.CharField(max_length=80)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["pattern_slug", "decision"])]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "position"], name="unique_decision_choice_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.part_name or 'whole'}: {self.pattern_name}"

    @property
    def is_part(self) -> bool:
        return bool(self.part_name)


class StatusChange(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=16, choices=Decision.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Decision.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"


class RecordPdf(models.Model):
    """A decision record's PDF (a decision's, or a workshop's draft) for one version of what
    it shows: the background worker's job while it is queued or drawing, then the bytes every
    app server serves without drawing, or why the drawing failed."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        DRAWING = "drawing", "Drawing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    class FailureKind(models.TextChoices):
        TOO_LONG = "too_long", "Too long to draw"
        ERROR = "error", "Could not be drawn"

    # Exactly one of the two: a decision's record, or a workshop's draft.
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.CASCADE, related_name="pdfs"
    )
    workshop = models.ForeignKey(
        Workshop, null=True, blank=True, on_delete=models.CASCADE, related_name="draft_pdfs"
    )
    # Who asked: a draft is printed "by" them, so each member gets their own.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The drawing's key (parsecgo_site.drawings): the same version is never drawn twice.
    source_version = models.CharField(max_length=80, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    failure = models.CharField(max_length=16, choices=FailureKind.choices, blank=True)
    content = models.BinaryField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(decision__isnull=False, workshop__isnull=True)
                    | models.Q(decision__isnull=True, workshop__isnull=False)
                ),
                name="record_pdf_of_a_decision_or_a_draft",
            )
        ]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        subject = f"decision {self.decision_id}" if self.decision_id else "a draft"
        return f"PDF of {subject} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.DRAWING)


# --- what the room contributes: participants' answers, votes, proposed risks, consent -------


class DelayResponse(models.Model):
    """One participant's answers to phase 1's three delay questions about a workflow."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="delay_responses"
    )
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="delay_responses")
    delay_10s = models.CharField(max_length=16, choices=DelayAnswer.choices, blank=True)
    delay_10m = models.CharField(max_length=16, choices=DelayAnswer.choices, blank=True)
    delay_1h = models.CharField(max_length=16, choices=DelayAnswer.choices, blank=True)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["answered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "workflow"], name="unique_delay_response"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} on {self.workflow}"


class Dimension(models.TextChoices):
    TRIGGER = "trigger", "Trigger"
    GRANULARITY = "granularity", "Granularity"
    CONSISTENCY = "consistency", "Consistency"
    FAILURE = "failure", "Failure handling"


class DimensionVote(models.Model):
    """One participant's vote for a value on one of the four dimensions, with a reason."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="dimension_votes"
    )
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="dimension_votes")
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    value = models.CharField(max_length=16)
    reason = models.CharField(max_length=200, blank=True)
    voted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["voted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "workflow", "dimension"], name="unique_dimension_vote"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}={self.value} by {self.participant}"


class RiskProposal(models.Model):
    """A risk a participant proposes for a candidate pattern, for the room to dot-vote on."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="risk_proposals")
    pattern_slug = models.SlugField()
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="risk_proposals"
    )
    title = models.CharField(max_length=200)
    mitigation = models.CharField(max_length=300, blank=True)
    proposed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposed_at", "id"]

    def __str__(self) -> str:
        return self.title


class RiskDot(models.Model):
    """One of a participant's three dots per candidate, put on a proposed risk."""

    proposal = models.ForeignKey(RiskProposal, on_delete=models.CASCADE, related_name="dots")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="dots")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "participant"], name="unique_risk_dot")
        ]

    def __str__(self) -> str:
        return f"dot by {self.participant_id} on {self.proposal_id}"


class Consent(models.Model):
    """A decision-maker's answer to a proposed decision: agree, abstain, or object (why)."""

    class Answer(models.TextChoices):
        AGREE = "agree", "Agree"
        ABSTAIN = "abstain", "Abstain"
        OBJECT = "object", "Object"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="consents")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    answer = models.CharField(max_length=8, choices=Answer.choices)
    reason = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "participant"], name="unique_consent")
        ]

    def __str__(self) -> str:
        return f"{self.participant}: {self.answer}"


class JoinThrottle(models.Model):
    """Failed joins counted per client address, shared by every app server (used when no
    Redis is configured; see workshops.services.join_throttle)."""

    client = models.CharField(max_length=64, unique=True)
    window_started_at = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.client}: {self.failures}"


class ApiToken(models.Model):
    """A personal token for the API (Authorization: Bearer ...). Only a hash of the secret
    is kept: the person sees the token once, when it is created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    # The first characters of the token, shown in the list so that people can tell theirs apart.
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)  # SHA-256, hex
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
