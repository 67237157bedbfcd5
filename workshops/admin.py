"""Admin pages for teams and their members, workshops and decisions."""

from django.contrib import admin

from workshops.models import Decision, Membership, Participant, StatusChange, Team, Workshop


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)
    inlines = [MembershipInline]


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    fields = ("name", "role", "involvement", "user")
    autocomplete_fields = ["user"]


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ("title", "team", "facilitator", "status", "current_phase", "scheduled_at")
    list_filter = ("status", "team")
    search_fields = ("title", "description")
    raw_id_fields = ("revisits",)
    inlines = [ParticipantInline]
    readonly_fields = ("invite_code", "version", "phase_seconds", "started_at", "phase_started_at")


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ("from_status", "to_status", "changed_by", "changed_at", "note")
    can_delete = False


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "team",
        "number",
        "status",
        "chosen_pattern",
        "review_date",
        "created_at",
    )
    list_filter = ("status", "team", "chosen_pattern")
    search_fields = ("title", "search_text")
    # The number names the decision's MADR file: given once by the services, never edited.
    readonly_fields = ("number", "snapshot", "created_by", "created_at", "decided_at")
    raw_id_fields = ("workshop", "supersedes")
    inlines = [StatusChangeInline]
