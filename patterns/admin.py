"""Admins edit and add catalogue patterns; the engine picks up every row with no code change."""

from django.contrib import admin

from patterns.models import Pattern


@admin.register(Pattern)
class PatternAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "trigger",
        "granularity",
        "consistency",
        "failure",
        "latency_floor_seconds",
        "complexity_rank",
    )
    list_filter = ("trigger", "granularity", "consistency", "failure")
    search_fields = ("name", "slug", "summary")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "summary")}),
        (
            "Profile on the four dimensions",
            {
                "fields": (
                    ("trigger", "granularity"),
                    ("consistency", "consistency_note"),
                    ("failure", "failure_note"),
                )
            },
        ),
        (
            "Constraints the engine checks",
            {
                "fields": (
                    ("latency_floor_seconds", "latency_label"),
                    "complexity_rank",
                    "excluded_compliance",
                    "observability_required",
                )
            },
        ),
        (
            "Economics",
            {
                "fields": (
                    ("infrastructure_cost", "infrastructure_cost_note"),
                    ("skill_level", "skill_note"),
                    "maintenance_level",
                    "default_monthly_cost",
                )
            },
        ),
        ("Guidance", {"fields": ("typical_tools", "growth_mechanics", "fits", "pitfalls_notes")}),
    )
