"""The pattern catalogue: each integration pattern with its profile, constraints and economics."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from patterns.matching import PatternSpec, Profile


class Trigger(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled (pull)"
    EVENT = "event", "Event (push)"


class Granularity(models.TextChoices):
    BATCH = "batch", "Batch (file or table)"
    RECORD = "record", "Record (message or event)"


class Consistency(models.TextChoices):
    STRONG = "strong", "Strong"
    EVENTUAL = "eventual", "Eventual"


class Failure(models.TextChoices):
    RETRY = "retry", "Retry"
    DEAD_LETTER = "dead_letter", "Dead-letter"


class Level(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class PatternManager(models.Manager):
    def get_by_natural_key(self, slug: str) -> Pattern:
        return self.get(slug=slug)


class Pattern(models.Model):
    slug = models.SlugField(unique=True, help_text="Short identifier used in URLs and the API.")
    name = models.CharField(max_length=80, unique=True)
    summary = models.TextField(help_text="One or two sentences: what the pattern is.")

    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    granularity = models.CharField(max_length=16, choices=Granularity.choices)
    consistency = models.CharField(max_length=16, choices=Consistency.choices)
    failure = models.CharField(max_length=16, choices=Failure.choices)
    consistency_note = models.CharField(
        max_length=120, blank=True, help_text='e.g. "strong within the batch window".'
    )
    failure_note = models.CharField(
        max_length=120, blank=True, help_text='e.g. "retry or manual intervention".'
    )

    latency_floor_seconds = models.FloatField(
        validators=[MinValueValidator(0.000001)],
        help_text="The fastest it delivers; a workflow that needs data sooner rules it out.",
    )
    latency_label = models.CharField(max_length=80, help_text='e.g. "minutes to hours".')
    complexity_rank = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)],
        help_text="1 is the simplest; ties in fit go to the simpler pattern.",
    )

    infrastructure_cost = models.CharField(max_length=16, choices=Level.choices)
    infrastructure_cost_note = models.CharField(max_length=120, blank=True)
    skill_level = models.CharField(max_length=16, choices=Level.choices)
    skill_note = models.CharField(max_length=120, blank=True)
    maintenance_level = models.CharField(max_length=16, choices=Level.choices)
    observability_required = models.CharField(
        max_length=16,
        choices=Level.choices,
        default=Level.LOW,
        help_text="Teams with less observability maturity than this are warned.",
    )
    default_monthly_cost = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Monthly infrastructure cost in USD used as the TCO default.",
    )
    excluded_compliance = models.CharField(
        max_length=200,
        blank=True,
        help_text="Compliance regimes this pattern cannot meet, comma-separated (e.g. HIPAA).",
    )

    typical_tools = models.TextField(blank=True, help_text="One tool per line.")
    growth_mechanics = models.TextField(blank=True)
    fits = models.TextField(blank=True, help_text="Typical uses, one per line.")
    pitfalls_notes = models.TextField(blank=True)

    updated_at = models.DateTimeField(auto_now=True)

    # A backup names each pattern by its slug (manage.py dumpdata --natural-primary), so
    # that restoring it over the catalogue a fresh `migrate` loads updates those rows instead
    # of adding them again (docs/deploying.md, "Backup and restore").
    objects = PatternManager()

    class Meta:
        ordering = ["complexity_rank", "name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def get_absolute_url(self) -> str:
        return reverse("patterns:detail", kwargs={"slug": self.slug})

    @property
    def tools_list(self) -> list[str]:
        return [line.strip() for line in self.typical_tools.splitlines() if line.strip()]

    @property
    def fits_list(self) -> list[str]:
        return [line.strip() for line in self.fits.splitlines() if line.strip()]

    @property
    def excluded_compliance_list(self) -> list[str]:
        return [item.strip() for item in self.excluded_compliance.split(",") if item.strip()]

    def to_spec(self) -> PatternSpec:
        return PatternSpec(
            slug=self.slug,
            name=self.name,
            profile=Profile(
                trigger=self.trigger,
                granularity=self.granularity,
                consistency=self.consistency,
                failure=self.failure,
            ),
            latency_floor_seconds=self.latency_floor_seconds,
            complexity_rank=self.complexity_rank,
            skill_level=self.skill_level,
            observability_required=self.observability_required,
            excluded_compliance=frozenset(self.excluded_compliance_list),
            failure_note=self.failure_note,
        )
