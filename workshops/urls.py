"""URLs of teams, workshops and decisions."""

from django.urls import path

from workshops.views import console, decisions, documents, history, phases, teams

app_name = "workshops"

urlpatterns = [
    path("teams/", teams.team_list, name="team-list"),
    path("teams/<int:team_id>/", teams.team_detail, name="team-detail"),
    path("workshops/new/", console.workshop_new, name="workshop-create"),
    path("workshops/<int:workshop_id>/", console.console, name="console"),
    path("workshops/<int:workshop_id>/panel/", console.console_panel, name="console-panel"),
    path("workshops/<int:workshop_id>/timer/", console.console_timer, name="console-timer"),
    path(
        "workshops/<int:workshop_id>/start/",
        console.workshop_start_clock,
        name="workshop-start",
    ),
    path("workshops/<int:workshop_id>/phase/", console.phase_change, name="phase-go"),
    path("workshops/<int:workshop_id>/budget/", console.budget_save, name="budget-save"),
    path(
        "workshops/<int:workshop_id>/participants/",
        console.attendee_add,
        name="participant-add",
    ),
    path(
        "workshops/<int:workshop_id>/participants/<int:participant_id>/remove/",
        console.attendee_remove,
        name="participant-remove",
    ),
    path("workshops/<int:workshop_id>/split/", console.split, name="workflow-split"),
    path(
        "workshops/<int:workshop_id>/workflows/<int:workflow_id>/remove/",
        console.part_remove,
        name="workflow-part-remove",
    ),
    path(
        "workshops/<int:workshop_id>/workflows/<int:workflow_id>/phase/<int:phase>/",
        phases.phase_save,
        name="phase-save",
    ),
    path(
        "workshops/<int:workshop_id>/workflows/<int:workflow_id>/tradeoffs/<slug:slug>/",
        phases.tradeoff_save,
        name="tradeoff-save",
    ),
    path(
        "workshops/<int:workshop_id>/workflows/<int:workflow_id>/pitfalls/<slug:slug>/",
        phases.pitfall_to_risk,
        name="pitfall-to-risk",
    ),
    path("workshops/<int:workshop_id>/decide/", decisions.decide, name="decide"),
    path("decisions/", history.decision_list, name="decision-list"),
    path("decisions/<int:decision_id>/", decisions.decision_detail, name="decision-detail"),
    path("decisions/<int:decision_id>.json", documents.record_json, name="decision-json"),
    path("decisions/<int:decision_id>.md", documents.record_markdown, name="decision-markdown"),
    path("decisions/export.csv", documents.history_csv, name="decision-csv"),
    path("decisions/<int:decision_id>.pdf", documents.record_pdf, name="decision-pdf"),
    path(
        "workshops/<int:workshop_id>/draft.pdf",
        documents.draft_pdf,
        name="workshop-draft-pdf",
    ),
    path(
        "decisions/<int:decision_id>/status/",
        decisions.decision_status,
        name="decision-status",
    ),
    path("decisions/<int:decision_id>/revisit/", decisions.revisit, name="decision-revisit"),
]
