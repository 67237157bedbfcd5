"""URLs of teams, workshops and decisions."""

from django.urls import path

from workshops import decision_views, export_views, history_views, pdf_views, views

app_name = "workshops"

urlpatterns = [
    path("teams/", views.team_list, name="team-list"),
    path("teams/<int:team_id>/", views.team_detail, name="team-detail"),
    path("workshops/new/", views.workshop_create, name="workshop-create"),
    path("workshops/<int:workshop_id>/", views.console, name="console"),
    path("workshops/<int:workshop_id>/panel/", views.console_panel, name="console-panel"),
    path("workshops/<int:workshop_id>/timer/", views.console_timer, name="console-timer"),
    path("workshops/<int:workshop_id>/start/", views.workshop_start, name="workshop-start"),
    path("workshops/<int:workshop_id>/phase/", views.phase_go, name="phase-go"),
    path("workshops/<int:workshop_id>/budget/", views.budget_save, name="budget-save"),
    path(
        "workshops/<int:workshop_id>/participants/",
        views.participant_add,
        name="participant-add",
    ),
    path(
        "workshops/<int:workshop_id>/participants/<int:participant_id>/remove/",
        views.participant_remove,
        name="participant-remove",
    ),
    path("workshops/<int:workshop_id>/split/", views.workflow_split, name="workflow-split"),
    path(
        "workshops/<int:workshop_id>/workflows/<int:workflow_id>/remove/",
        views.workflow_part_remove,
        name="workflow-part-remove",
    ),
    path(
        "workshops/<int:workshop_id>/workflows/<int:workflow_id>/phase/<int:phase>/",
        views.phase_save,
        name="phase-save",
    ),
    path(
        "workshops/<int:workshop_id>/workflows/<int:workflow_id>/tradeoffs/<slug:slug>/",
        views.tradeoff_save,
        name="tradeoff-save",
    ),
    path(
        "workshops/<int:workshop_id>/workflows/<int:workflow_id>/pitfalls/<slug:slug>/",
        views.pitfall_to_risk,
        name="pitfall-to-risk",
    ),
    path("workshops/<int:workshop_id>/decide/", decision_views.decide, name="decide"),
    path("decisions/", history_views.decision_list, name="decision-list"),
    path("decisions/<int:decision_id>/", decision_views.decision_detail, name="decision-detail"),
    path(
        "decisions/<int:decision_id>.json",
        export_views.decision_json,
        name="decision-json",
    ),
    path(
        "decisions/<int:decision_id>.md",
        export_views.decision_markdown,
        name="decision-markdown",
    ),
    path("decisions/export.csv", history_views.decision_csv, name="decision-csv"),
    path("decisions/<int:decision_id>.pdf", pdf_views.decision_pdf, name="decision-pdf"),
    path(
        "workshops/<int:workshop_id>/draft.pdf",
        pdf_views.workshop_draft_pdf,
        name="workshop-draft-pdf",
    ),
    path(
        "decisions/<int:decision_id>/status/",
        decision_views.decision_status,
        name="decision-status",
    ),
    path(
        "decisions/<int:decision_id>/revisit/",
        decision_views.decision_revisit,
        name="decision-revisit",
    ),
]
