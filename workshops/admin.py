"""Admin pages for teams and their members, workshops and decisions."""

from django.contrib import admin

from workshops.models import (
    Decision,
    Invitation,
    Membership,
    Participant,
    StatusChange,
    Team,
    Workshop,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


class InvitationInline(admin.TabularInline):
    """The team's invitations, to read: a link is made on the team's page, which shows it
    once (only its hash is kept, so no admin page could)."""

    model = Invitation
    extra = 0
    can_delete = False
    fields = ("note", "created_by", "created_at", "expires_at", "uses", "max_uses", "revoked_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    # Team names need not be unique: the id tells two of the same name apart.
    list_display = ("name", "id", "created_at")
    search_fields = ("name",)
    inlines = [MembershipInline, InvitationInline]


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
