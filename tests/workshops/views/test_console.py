"""The workshop console: creating a workshop, the five phase forms, autosave and conflicts."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from workshops.models import Participant, Risk, Workflow, Workshop
from workshops.services.teams import team_create
from workshops.services.workflows import workflow_split, workflow_update
from workshops.services.workshops import participant_add, phase_go, workshop_start

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def console_url(workshop) -> str:
    return reverse("workshops:console", kwargs={"workshop_id": workshop.pk})


def phase_url(workshop, workflow, phase: int) -> str:
    return reverse(
        "workshops:phase-save",
        kwargs={"workshop_id": workshop.pk, "workflow_id": workflow.pk, "phase": phase},
    )


def requirements_data(workflow, **overrides) -> dict:
    data = {
        "p1-version": workflow.version,
        "p1-name": workflow.name,
        "p1-description": "Stores send stock levels nightly.",
        "p1-source_system": "Store POS",
        "p1-target_system": "Warehouse DB",
        "p1-latency_value": "12",
        "p1-latency_unit": "hours",
        "p1-volume_value": "2340000",
        "p1-volume_unit": "day",
        "p1-growth_factor": "10",
        "p1-compliance": ["GDPR"],
        "p1-delay_10s": "fine",
        "p1-delay_10m": "fine",
        "p1-delay_1h": "fine",
    }
    data.update(overrides)
    return data


def profile_data(workflow, **overrides) -> dict:
    data = {
        "p2-version": workflow.version,
        "p2-trigger": "scheduled",
        "p2-granularity": "batch",
        "p2-consistency": "strong",
        "p2-failure": "retry",
        "p2-trigger_notes": "Stores close at 22:00.",
    }
    data.update(overrides)
    return data


class TestCreate:
    def test_it_creates_a_workshop_and_opens_its_console(self, facilitator_client, team):
        response = facilitator_client.post(
            reverse("workshops:workshop-create"),
            {"title": "Order events", "team": team.pk, "scheduled_at": "2026-12-01T10:00"},
        )
        workshop = Workshop.objects.get(title="Order events")
        assert response["Location"] == console_url(workshop)
        assert workshop.workflows.get().name == "Order events"
        assert workshop.status == "draft"

    def test_it_keeps_input_when_the_title_is_missing(self, facilitator_client, team):
        response = facilitator_client.post(
            reverse("workshops:workshop-create"),
            {"title": "", "team": team.pk, "scheduled_at": "2026-12-01T10:00", "description": "x1"},
        )
        assert response.status_code == 200
        assert "This field is required." in response.content.decode()
        assert "x1" in response.content.decode()
        assert not Workshop.objects.exists()

    def test_it_refuses_a_team_i_am_not_in(self, outsider_client, outsider, team):
        team_create(name="Mine", creator=outsider)
        response = outsider_client.post(
            reverse("workshops:workshop-create"),
            {"title": "Sneaky", "team": team.pk, "scheduled_at": "2026-12-01T10:00"},
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        assert not Workshop.objects.exists()

    def test_it_asks_for_a_team_first(self, outsider_client):
        response = outsider_client.get(reverse("workshops:workshop-create"))
        assert response["Location"] == reverse("workshops:team-list")


class TestAccess:
    def test_team_members_see_the_console(self, client, teammate, workshop):
        client.force_login(teammate)
        response = client.get(console_url(workshop))
        assert response.status_code == 200
        assert "Nightly inventory sync" in response.content.decode()

    @pytest.mark.parametrize(
        ("name", "method"),
        [
            ("console", "get"),
            ("console-panel", "get"),
            ("console-timer", "get"),
            ("workshop-start", "post"),
            ("phase-go", "post"),
            ("budget-save", "post"),
            ("participant-add", "post"),
            ("workflow-split", "post"),
        ],
    )
    def test_it_returns_404_to_outsiders(self, outsider_client, workshop, name, method):
        url = reverse(f"workshops:{name}", kwargs={"workshop_id": workshop.pk})
        data = {"phase": "3", "name": "Mallory", "role": "other", "involvement": "informed"}
        response = getattr(outsider_client, method)(url, data)
        assert response.status_code == 404
        workshop.refresh_from_db()
        assert workshop.status == "draft"
        assert workshop.current_phase == 1
        assert not workshop.participants.exists()
        assert workshop.workflows.count() == 1

    def test_it_does_not_let_outsiders_save_a_phase(self, outsider_client, workshop, workflow):
        response = outsider_client.post(
            phase_url(workshop, workflow, 1), requirements_data(workflow, **{"p1-name": "Hacked"})
        )
        assert response.status_code == 404
        assert Workflow.objects.get(pk=workflow.pk).name == "Nightly inventory sync"

    def test_it_sends_anonymous_visitors_to_log_in(self, client, workshop):
        response = client.get(console_url(workshop))
        assert response.status_code == 302

    def test_it_refuses_get_on_a_save(self, facilitator_client, workshop, workflow):
        assert facilitator_client.get(phase_url(workshop, workflow, 1)).status_code == 405


class TestRequirements:
    def test_it_saves_without_javascript_and_comes_back(
        self, facilitator_client, workshop, workflow
    ):
        response = facilitator_client.post(
            phase_url(workshop, workflow, 1), requirements_data(workflow)
        )
        assert response.status_code == 302
        workflow.refresh_from_db()
        assert workflow.source_system == "Store POS"
        assert workflow.max_latency_seconds == 12 * 3600
        assert workflow.volume_per_day == 2340000
        assert workflow.compliance == ["GDPR"]
        assert workflow.version == 2

    def test_it_autosaves_through_htmx_with_a_saved_state(
        self, facilitator_client, workshop, workflow
    ):
        response = facilitator_client.post(
            phase_url(workshop, workflow, 1), requirements_data(workflow), headers=HTMX
        )
        content = response.content.decode()
        assert response.status_code == 200
        assert "Saved at" in content
        assert "workflow-saved" in json.loads(response["HX-Trigger"])  # refreshes the side panel
        # The form's hidden version moves on with the save, so the next autosave is accepted.
        assert 'id="id_p1-version" name="p1-version" value="2" hx-swap-oob="true"' in content

    def test_it_shows_errors_beside_the_field_and_keeps_input(
        self, facilitator_client, workshop, workflow
    ):
        data = requirements_data(workflow, **{"p1-latency_value": "-3", "p1-source_system": "SAP"})
        response = facilitator_client.post(phase_url(workshop, workflow, 1), data)
        content = response.content.decode()
        assert response.status_code == 200
        assert "Enter a latency greater than 0." in content
        assert 'value="SAP"' in content
        assert Workflow.objects.get(pk=workflow.pk).source_system == ""

    def test_it_reswaps_the_form_with_errors_for_htmx(self, facilitator_client, workshop, workflow):
        data = requirements_data(workflow, **{"p1-volume_value": "-1"})
        response = facilitator_client.post(phase_url(workshop, workflow, 1), data, headers=HTMX)
        assert response["HX-Retarget"] == "#phase-form"
        assert response["HX-Reswap"] == "outerHTML"
        assert "The volume cannot be negative." in response.content.decode()

    def test_it_warns_when_the_stated_latency_disagrees_with_the_answers(
        self, facilitator_client, workshop, workflow
    ):
        data = requirements_data(
            workflow, **{"p1-delay_10m": "unacceptable", "p1-delay_1h": "unacceptable"}
        )
        facilitator_client.post(phase_url(workshop, workflow, 1), data)
        content = facilitator_client.get(console_url(workshop)).content.decode()
        assert 'data-testid="tolerance-warning"' in content
        assert "12 hours" in content

    def test_it_records_other_compliance_regimes(self, facilitator_client, workshop, workflow):
        data = requirements_data(workflow, **{"p1-compliance_other": "ISO 27001, gdpr"})
        facilitator_client.post(phase_url(workshop, workflow, 1), data)
        assert Workflow.objects.get(pk=workflow.pk).compliance == ["GDPR", "ISO 27001"]


class TestConflicts:
    def test_the_second_save_is_refused_showing_both_values(
        self, client, facilitator, teammate, workshop, workflow
    ):
        first, second = requirements_data(workflow), requirements_data(workflow)
        first["p1-target_system"] = "Warehouse DB"
        second["p1-target_system"] = "Data lake"
        client.force_login(facilitator)
        client.post(phase_url(workshop, workflow, 1), first)
        client.force_login(teammate)
        response = client.post(phase_url(workshop, workflow, 1), second)
        content = response.content.decode()
        assert "Someone else changed this since you opened it." in content
        assert 'data-conflict="target_system"' in content
        assert "Yours: <strong>Data lake</strong>" in content
        assert "saved by someone else: <strong>Warehouse DB</strong>" in content
        assert 'value="Data lake"' in content  # their input is kept
        assert Workflow.objects.get(pk=workflow.pk).target_system == "Warehouse DB"
        # Saving again, now knowingly over the newer version, keeps theirs.
        second["p1-version"] = "2"
        client.post(phase_url(workshop, workflow, 1), second)
        assert Workflow.objects.get(pk=workflow.pk).target_system == "Data lake"

    def test_the_conflict_reaches_htmx_as_a_swapped_form(
        self, facilitator_client, workshop, workflow
    ):
        stale = requirements_data(workflow)
        facilitator_client.post(phase_url(workshop, workflow, 1), requirements_data(workflow))
        response = facilitator_client.post(phase_url(workshop, workflow, 1), stale, headers=HTMX)
        assert response["HX-Retarget"] == "#phase-form"
        assert "Someone else changed this" in response.content.decode()


class TestPhases:
    def test_moving_between_phases_keeps_everything(self, facilitator_client, workshop, workflow):
        facilitator_client.post(phase_url(workshop, workflow, 1), requirements_data(workflow))
        workflow.refresh_from_db()
        facilitator_client.post(
            phase_url(workshop, workflow, 2), {**profile_data(workflow), "go": "3"}
        )
        workshop.refresh_from_db()
        assert workshop.current_phase == 3
        facilitator_client.post(
            reverse("workshops:phase-go", kwargs={"workshop_id": workshop.pk}), {"phase": "1"}
        )
        content = facilitator_client.get(console_url(workshop)).content.decode()
        assert 'value="Store POS"' in content
        workflow.refresh_from_db()
        assert workflow.trigger == "scheduled"
        assert workflow.trigger_notes == "Stores close at 22:00."

    def test_phase_three_ranks_and_preselects_the_recommendation(
        self, facilitator_client, workshop, workflow
    ):
        workflow_update(
            workflow=workflow,
            version=workflow.version,
            fields={
                "latency_value": 12,
                "latency_unit": "hours",
                "volume_value": 1000,
                "trigger": "scheduled",
                "granularity": "batch",
                "consistency": "strong",
                "failure": "retry",
            },
        )
        phase_go(workshop=workshop, phase=3)
        content = facilitator_client.get(console_url(workshop)).content.decode()
        assert 'data-pattern="batch"' in content
        assert 'value="batch"\n              checked' in content or 'value="batch"\n' in content
        response = facilitator_client.get(console_url(workshop))
        assert response.context["form"]["candidates"].value() == ["batch"]

    def test_phase_three_says_what_is_missing(self, facilitator_client, workshop):
        phase_go(workshop=workshop, phase=3)
        content = facilitator_client.get(console_url(workshop)).content.decode()
        assert "the maximum acceptable latency (phase 1)" in content

    def test_phase_four_saves_risks_and_shows_the_tco_side_by_side(
        self, facilitator_client, workshop, workflow
    ):
        workflow_update(workflow=workflow, version=1, fields={"candidates": ["batch", "streaming"]})
        phase_go(workshop=workshop, phase=4)
        url = reverse(
            "workshops:tradeoff-save",
            kwargs={"workshop_id": workshop.pk, "workflow_id": workflow.pk, "slug": "batch"},
        )
        response = facilitator_client.post(
            url,
            {
                "batch-version": "2",
                "batch-monthly_infrastructure": "500",
                "batch-training": "2000",
                "batch-incident_hours_per_month": "4",
                "batch-hourly_rate": "100",
                "batch-risk1_title": "Window overrun at peak",
                "batch-risk1_likelihood": "4",
                "batch-risk1_impact": "3",
                "batch-risk1_raised_by": "operations",
                "batch-risk1_mitigation": "Partition by region",
                **{
                    f"batch-risk{r}_{f}": v
                    for r in (2, 3)
                    for f, v in (
                        ("title", ""),
                        ("likelihood", "3"),
                        ("impact", "3"),
                        ("raised_by", "engineering"),
                        ("mitigation", ""),
                    )
                },
            },
        )
        assert response.status_code == 302
        risk = Risk.objects.get()
        assert (risk.title, risk.score, risk.raised_by) == (
            "Window overrun at peak",
            12,
            "operations",
        )
        content = facilitator_client.get(console_url(workshop)).content.decode()
        # 36 x 500 + 2,000 + 36 x 4 x 100 = 34,400; streaming at its catalogue default 4,000/month.
        assert "$34,400" in content
        assert "$144,000" in content

    def test_a_pitfall_becomes_a_risk_in_one_click(self, facilitator_client, workshop, workflow):
        workflow_update(
            workflow=workflow,
            version=1,
            fields={
                "latency_value": 1,
                "latency_unit": "days",
                "volume_value": 1000,
                "trigger": "scheduled",
                "granularity": "batch",
                "consistency": "strong",
                "failure": "retry",
                "candidates": ["streaming"],
            },
        )
        url = reverse(
            "workshops:pitfall-to-risk",
            kwargs={"workshop_id": workshop.pk, "workflow_id": workflow.pk, "slug": "streaming"},
        )
        facilitator_client.post(url, {"pitfall": "over_engineering"})
        risk = Risk.objects.get()
        assert risk.pitfall_slug == "over_engineering"
        assert risk.rank == 1
        assert "Start with Batch processing" in risk.mitigation

    def test_phase_five_shows_pass_fail_and_the_growth_projection(
        self, facilitator_client, workshop, workflow
    ):
        workflow_update(
            workflow=workflow,
            version=1,
            fields={
                "volume_value": 2340000,
                "growth_factor": 10,
                "batch_window_hours": 4,
                "target_throughput": 500,
                "measured_throughput": 1000,
            },
        )
        phase_go(workshop=workshop, phase=5)
        content = facilitator_client.get(console_url(workshop)).content.decode()
        assert "6.5 hours" in content
        assert "no longer fits the 4-hour window" in content
        assert 'data-testid="validation-checks"' in content


class TestTimebox:
    def test_starting_runs_the_clock_and_time_stays_with_each_phase(self, workshop):
        start = timezone.now() - timedelta(minutes=12)
        workshop_start(workshop=workshop, now=start)
        phase_go(workshop=workshop, phase=2, now=start + timedelta(minutes=10))
        phase_go(workshop=workshop, phase=1, now=start + timedelta(minutes=12))
        workshop.refresh_from_db()
        assert workshop.phase_seconds == {"1": 600.0, "2": 120.0}
        assert workshop.current_phase == 1

    def test_the_console_shows_overrun(self, facilitator_client, workshop):
        workshop_start(workshop=workshop, now=timezone.now() - timedelta(minutes=40))
        content = facilitator_client.get(console_url(workshop)).content.decode()
        assert "over" in content
        assert "text-danger" in content

    def test_the_budget_is_editable_and_validated(self, facilitator_client, workshop):
        url = reverse("workshops:budget-save", kwargs={"workshop_id": workshop.pk})
        data = {"version": "1", **{f"phase_{n}": "6" for n in range(1, 6)}}
        assert facilitator_client.post(url, data).status_code == 302
        workshop.refresh_from_db()
        assert workshop.budget_minutes == [6, 6, 6, 6, 6]
        response = facilitator_client.post(url, {**data, "version": "2", "phase_3": "500"})
        assert "Ensure this value is less than or equal to 120." in response.content.decode()


class TestParticipantsAndParts:
    def test_it_adds_and_removes_attendees(self, facilitator_client, workshop):
        url = reverse("workshops:participant-add", kwargs={"workshop_id": workshop.pk})
        facilitator_client.post(
            url, {"name": "Dana <ops>", "role": "operations", "involvement": "decision_maker"}
        )
        person = Participant.objects.get()
        content = facilitator_client.get(console_url(workshop)).content.decode()
        assert "Dana &lt;ops&gt;" in content
        remove = reverse(
            "workshops:participant-remove",
            kwargs={"workshop_id": workshop.pk, "participant_id": person.pk},
        )
        facilitator_client.post(remove)
        assert not Participant.objects.exists()

    def test_it_links_an_attendee_to_a_team_members_account(
        self, facilitator_client, workshop, teammate
    ):
        url = reverse("workshops:participant-add", kwargs={"workshop_id": workshop.pk})
        data = {"name": "Tariq", "role": "engineering", "involvement": "consulted"}
        facilitator_client.post(url, {**data, "username": "tariq"})
        assert Participant.objects.get().user == teammate
        response = facilitator_client.post(url, {**data, "username": "olga"})
        assert "olga is not a member of this workshop&#x27;s team." in response.content.decode()
        assert Participant.objects.count() == 1

    def test_it_explains_a_missing_attendee_name(self, facilitator_client, workshop):
        url = reverse("workshops:participant-add", kwargs={"workshop_id": workshop.pk})
        response = facilitator_client.post(url, {"name": "", "role": "business"})
        assert response.status_code == 200
        assert "This field is required." in response.content.decode()

    def test_it_splits_a_workflow_into_parts_with_their_own_profile(
        self, facilitator_client, workshop, workflow
    ):
        url = reverse("workshops:workflow-split", kwargs={"workshop_id": workshop.pk})
        response = facilitator_client.post(
            url, {"first": "Nightly load into staging", "second": "Stream to caches"}
        )
        parts = list(workflow.parts.order_by("position"))
        assert [p.name for p in parts] == ["Nightly load into staging", "Stream to caches"]
        assert response["Location"] == f"{console_url(workshop)}?part={parts[0].pk}"
        page = facilitator_client.get(response["Location"]).content.decode()
        assert "Whole workflow" in page
        assert 'aria-current="page"' in page


def test_the_console_costs_the_same_queries_with_3_or_300_rows(
    facilitator_client, workshop, workflow, django_assert_max_num_queries
):
    workflow_update(
        workflow=workflow, version=1, fields={"candidates": ["batch", "streaming", "choreography"]}
    )
    phase_go(workshop=workshop, phase=4)

    def add_rows(count: int) -> None:
        for n in range(count):
            participant_add(
                workshop=workshop, name=f"Person {n}", role="engineering", involvement="consulted"
            )

    add_rows(3)
    with django_assert_max_num_queries(20) as small:
        facilitator_client.get(console_url(workshop))
    add_rows(297)
    with django_assert_max_num_queries(len(small)):
        facilitator_client.get(console_url(workshop))


@pytest.mark.parametrize(
    "name", ["tradeoff-save", "pitfall-to-risk", "workflow-part-remove", "participant-remove"]
)
def test_outsiders_get_404_from_every_write_and_change_nothing(
    outsider_client, workshop, workflow, name
):
    workflow_update(workflow=workflow, version=1, fields={"candidates": ["batch"]})
    part = workflow_split(workflow=workflow, names=("A", "B"))[0]
    person = participant_add(
        workshop=workshop, name="Dana", role="operations", involvement="informed"
    )
    kwargs = {
        "tradeoff-save": {"workflow_id": workflow.pk, "slug": "batch"},
        "pitfall-to-risk": {"workflow_id": workflow.pk, "slug": "batch"},
        "workflow-part-remove": {"workflow_id": part.pk},
        "participant-remove": {"participant_id": person.pk},
    }[name]
    url = reverse(f"workshops:{name}", kwargs={"workshop_id": workshop.pk, **kwargs})
    response = outsider_client.post(url, {"pitfall": "over_engineering", "batch-version": "2"})
    assert response.status_code == 404
    assert Workflow.objects.filter(workshop=workshop).count() == 3
    assert Participant.objects.filter(pk=person.pk).exists()
    assert not Risk.objects.exists()


def test_the_side_panel_alone_follows_each_save(
    facilitator_client, workshop, workflow, django_assert_max_num_queries
):
    workflow_update(
        workflow=workflow,
        version=1,
        fields={
            "latency_value": 1,
            "latency_unit": "days",
            "volume_value": 1000,
            "trigger": "scheduled",
            "granularity": "batch",
            "consistency": "strong",
            "failure": "retry",
            "candidates": ["batch", "streaming"],
        },
    )
    phase_go(workshop=workshop, phase=4)
    url = reverse("workshops:console-panel", kwargs={"workshop_id": workshop.pk})
    # Session, user, workshop, its attendees, workflows, risks, costs, catalogue: no forms.
    with django_assert_max_num_queries(8):
        response = facilitator_client.get(url, headers=HTMX)
    content = response.content.decode()
    assert content.lstrip().startswith('<aside id="side-panel"')
    assert 'data-pattern="batch"' in content and "Recommended" in content
    assert "<form" not in content
