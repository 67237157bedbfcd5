"""URLs of teams, workshops and decisions."""

from django.urls import path

from workshops.views import (
    console,
    decisions,
    documents,
    exports,
    history,
    invitations,
    join,
    live,
    participant,
    phases,
    room,
    teams,
    tokens,
)

app_name = "workshops"

urlpatterns = [
    path("teams/", teams.team_list, name="team-list"),
    path("teams/<int:team_id>/", teams.team_detail, name="team-detail"),
    path(
        "teams/<int:team_id>/invitations/",
        teams.team_invitation_create,
        name="team-invitation-create",
    ),
    path(
        "teams/<int:team_id>/invitations/<int:invitation_id>/revoke/",
        teams.team_invitation_revoke,
        name="team-invitation-revoke",
    ),
    path(
        "invitations/<str:token>/",
        invitations.invitation_accept_view,
        name="invitation-accept",
    ),
    path(
        "teams/<int:team_id>/decisions.zip",
        exports.team_decisions_zip,
        name="team-decisions-zip",
    ),
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
    path("account/tokens/", tokens.token_list, name="api-tokens"),
    path("account/tokens/<int:token_id>/revoke/", tokens.token_revoke, name="api-token-revoke"),
    path("decisions/", history.decision_list, name="decision-list"),
    path("decisions/<int:decision_id>/", decisions.decision_detail, name="decision-detail"),
    path("decisions/<int:decision_id>.json", documents.record_json, name="decision-json"),
    path("decisions/<int:decision_id>.md", documents.record_markdown, name="decision-markdown"),
    path("decisions/export.csv", documents.history_csv, name="decision-csv"),
    path("decisions/<int:decision_id>.pdf", documents.record_pdf, name="decision-pdf"),
    path(
        "decisions/<int:decision_id>/pdf/retry/",
        documents.record_pdf_retry_view,
        name="decision-pdf-retry",
    ),
    path(
        "workshops/<int:workshop_id>/draft.pdf",
        documents.draft_pdf,
        name="workshop-draft-pdf",
    ),
    path(
        "workshops/<int:workshop_id>/draft-pdf/retry/",
        documents.draft_pdf_retry_view,
        name="workshop-draft-pdf-retry",
    ),
    path(
        "decisions/<int:decision_id>/status/",
        decisions.decision_status,
        name="decision-status",
    ),
    path("decisions/<int:decision_id>/revisit/", decisions.revisit, name="decision-revisit"),
    path(
        "decisions/<int:decision_id>/figures/",
        decisions.decision_figures,
        name="decision-figures",
    ),
    # --- the room: joining, the participant's page, the projector, the facilitator's controls
    path("join/", join.join_code, name="join"),
    path("join/<str:invite>/", join.join_invite, name="join-invite"),
    path("live/<int:workshop_id>/", participant.participant_page, name="participant"),
    path("live/<int:workshop_id>/state/", participant.participant_state, name="participant-state"),
    path("live/<int:workshop_id>/delay/", participant.delay_save, name="participant-delay"),
    path("live/<int:workshop_id>/vote/", participant.vote_save, name="participant-vote"),
    path("live/<int:workshop_id>/risks/", participant.risk_propose, name="participant-risk"),
    path(
        "live/<int:workshop_id>/risks/<int:proposal_id>/dot/",
        participant.dot_toggle,
        name="participant-dot",
    ),
    path("live/<int:workshop_id>/ready/", participant.ready_toggle, name="participant-ready"),
    path("live/<int:workshop_id>/consent/", participant.consent_save, name="participant-consent"),
    path("workshops/<int:workshop_id>/room/", room.room_view, name="room"),
    path("workshops/<int:workshop_id>/room/state/", room.room_state, name="room-state"),
    path("workshops/<int:workshop_id>/invite/rotate/", room.invite_rotate, name="invite-rotate"),
    path("workshops/<int:workshop_id>/invite/joining/", room.joining_toggle, name="joining-toggle"),
    path("workshops/<int:workshop_id>/clock/", room.clock_toggle, name="clock-toggle"),
    path("workshops/<int:workshop_id>/facilitator/", room.hand_off, name="facilitator-hand-off"),
    path("workshops/<int:workshop_id>/live/", live.live_panel, name="live-panel"),
    path(
        "workshops/<int:workshop_id>/workflows/<int:workflow_id>/reveal/",
        live.votes_reveal,
        name="votes-reveal",
    ),
    path(
        "workshops/<int:workshop_id>/workflows/<int:workflow_id>/room-delays/",
        live.delays_apply,
        name="room-delays-apply",
    ),
    path(
        "workshops/<int:workshop_id>/workflows/<int:workflow_id>/room-profile/",
        live.profile_apply,
        name="room-profile-apply",
    ),
    path(
        "workshops/<int:workshop_id>/workflows/<int:workflow_id>/risks/<slug:slug>/adopt/",
        live.risks_adopt,
        name="risks-adopt",
    ),
]
