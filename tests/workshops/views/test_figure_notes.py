"""Figures noted on a decided record later: a dated note beside the frozen snapshot, and the
decision due for review once a noted figure crosses one of the record's revisit triggers."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.workshops.builders import OUTGROWN, decide, profile
from tests.workshops.hybrids import decide_hybrid, split_into_hybrid
from workshops.models import FigureNote
from workshops.services.decisions import decision_transition, figure_note_add

pytestmark = pytest.mark.django_db

TRIGGER = "volume passes 166.7 M records a day"


@pytest.fixture
def outgrown(workshop, facilitator):
    profile(workshop, **OUTGROWN)
    return decide(workshop, facilitator, review_date=timezone.localdate() + timedelta(days=300))


def url(decision) -> str:
    return reverse("workshops:decision-figures", kwargs={"decision_id": decision.pk})


def note(client, decision, **fields):
    data = {"workflow_position": "0", "noted_on": timezone.localdate().isoformat()}
    data |= {"volume_unit": "day", "latency_unit": "minutes", **fields}
    return client.post(url(decision), data)


def test_it_notes_figures_beside_the_record_without_touching_it(client, teammate, outgrown):
    frozen = copy.deepcopy(outgrown.snapshot)
    client.force_login(teammate)
    response = note(client, outgrown, volume_value="120000000", text="Black Friday volumes")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Figures noted." in page
    notes = page.split('data-testid="figure-notes"')[1].split("</section>")[0]
    assert "volume 120 M records a day — Black Friday volumes" in notes
    assert teammate.get_username() in notes
    assert 'data-testid="review-due-figures"' not in page  # 120 M is under 166.7 M
    outgrown.refresh_from_db()
    assert outgrown.snapshot == frozen
    assert outgrown.noted_review_due is False


def test_a_figure_past_a_trigger_makes_the_decision_due_for_review(facilitator_client, outgrown):
    response = note(facilitator_client, outgrown, volume_value="7500000", volume_unit="hour")
    page = facilitator_client.get(response["Location"]).content.decode()
    assert "the decision is due for review" in page
    due = page.split('data-testid="review-due-figures"')[1].split("</div>")[0]
    assert f"{TRIGGER} — 180 M records a day noted on" in due
    outgrown.refresh_from_db()
    assert outgrown.noted_review_due is True


def test_the_latest_figure_of_each_kind_counts(facilitator_client, outgrown):
    note(facilitator_client, outgrown, volume_value="200000000")
    note(facilitator_client, outgrown, consumers="3")  # another kind: the volume still stands
    outgrown.refresh_from_db()
    assert outgrown.noted_review_due is True
    note(facilitator_client, outgrown, volume_value="90000000", text="the 200 M was a typo")
    outgrown.refresh_from_db()
    assert outgrown.noted_review_due is False
    page = facilitator_client.get(outgrown.get_absolute_url()).content.decode()
    assert page.count("records a day —") + page.count("records a day</li>") >= 2


def test_a_latency_needed_below_the_patterns_floor_crosses_its_trigger(
    facilitator_client, outgrown
):
    (whole,) = outgrown.snapshot["workflows"]
    assert "latency" in [t["dimension"] for t in whole["revisit"]]
    note(facilitator_client, outgrown, latency_value="30", latency_unit="seconds")
    outgrown.refresh_from_db()
    assert outgrown.noted_review_due is True


def test_the_history_and_the_dashboard_show_it_due(facilitator_client, team, facilitator, outgrown):
    later = timezone.localdate() + timedelta(days=300)
    decide(team, facilitator, "Quiet one", review_date=later)
    note(facilitator_client, outgrown, volume_value="200000000")
    history = facilitator_client.get(reverse("workshops:decision-list"), {"review_due": "on"})
    content = history.content.decode()
    assert outgrown.title in content and "Quiet one" not in content
    assert "Due: noted figures" in content
    dashboard = facilitator_client.get("/").content.decode()
    due = dashboard.split('data-testid="due"')[1].split("</ul>")[0]
    assert outgrown.title in due and "noted figures cross a revisit trigger" in due
    assert "Quiet one" not in due


def test_the_api_filters_and_flags_it_as_the_history_does(client, facilitator, team, outgrown):
    from workshops.services.tokens import api_token_create

    decide(team, facilitator, "Quiet one", review_date=timezone.localdate() + timedelta(days=300))
    figure_note_add(
        decision=outgrown, by=facilitator, noted_on=timezone.localdate(), volume_value=2e8
    )
    _token, secret = api_token_create(user=facilitator, name="CI")
    auth = {"Authorization": f"Bearer {secret}"}
    listed = client.get(reverse("api:decision-list"), {"review_due": "true"}, headers=auth)
    assert [d["title"] for d in listed.json()["items"]] == [outgrown.title]
    assert listed.json()["items"][0]["review_due"] is True
    detail = client.get(
        reverse("api:decision-detail", kwargs={"decision_id": outgrown.pk}), headers=auth
    ).json()
    assert detail["figure_notes"][0]["figures"] == ["volume 200 M records a day"]
    assert detail["crossed_triggers"][0].startswith(TRIGGER)


def test_a_superseded_decision_is_no_longer_due(facilitator_client, facilitator, outgrown):
    note(facilitator_client, outgrown, volume_value="200000000")
    decision_transition(decision=outgrown, to_status="deprecated", by=facilitator)
    history = facilitator_client.get(reverse("workshops:decision-list"), {"review_due": "on"})
    assert outgrown.title not in history.content.decode()


# --- bad input: a message beside the field, what was typed kept, nothing written ---------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "volume_value", "Note at least one figure"),
        ({"volume_value": "-5"}, "volume_value", "cannot be negative"),
        ({"volume_value": "lots"}, "volume_value", "Enter a number."),
        ({"volume_value": "inf"}, "volume_value", "Enter a number."),
        ({"volume_value": "1e13"}, "volume_value", "Enter a number up to"),
        ({"latency_value": "0"}, "latency_value", "greater than 0"),
        ({"consumers": "2000000"}, "consumers", "at most 1,000,000 consumers"),
        ({"consumers": "-1"}, "consumers", "greater than or equal to 0"),
        ({"volume_unit": "week", "volume_value": "5"}, "volume_unit", "Select a valid choice"),
        ({"text": "x" * 501, "volume_value": "5"}, "text", "at most 500 characters"),
        ({"text": "a\x00b", "volume_value": "5"}, "text", "Null characters are not allowed"),
    ],
)
def test_it_refuses_bad_figures_beside_the_field(
    facilitator_client, outgrown, fields, field, message
):
    response = note(facilitator_client, outgrown, **{"text": "kept words", **fields})
    assert response.status_code == 200
    content = response.content.decode()
    feedback = content.split(f'id="div_id_{field}"')[1].split("</div></div>")[0]
    assert message in feedback.replace("&#x27;", "'")
    if "text" not in fields:
        assert 'value="kept words"' in content
    assert not FigureNote.objects.exists()


def test_it_says_so_when_the_workflow_is_not_the_records(facilitator_client, outgrown):
    response = note(facilitator_client, outgrown, workflow_position="3", volume_value="5")
    alert = response.content.decode().split('data-testid="figures-errors"')[1].split("</div>")[0]
    assert "Select a valid choice" in alert
    assert not FigureNote.objects.exists()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (timedelta(days=1), "Pick today or an earlier day"),
        (timedelta(days=-3), "Pick a day from the decision on"),
    ],
)
def test_it_refuses_a_day_outside_the_decisions_life(facilitator_client, outgrown, day, message):
    noted_on = (timezone.localdate() + day).isoformat()
    response = note(facilitator_client, outgrown, noted_on=noted_on, volume_value="5")
    feedback = response.content.decode().split('id="div_id_noted_on"')[1].split("</div></div>")[0]
    assert message in feedback
    assert not FigureNote.objects.exists()


def test_it_escapes_what_people_write(facilitator_client, outgrown):
    note(facilitator_client, outgrown, volume_value="5", text='<script>alert(1)</script>"><b>')
    page = facilitator_client.get(outgrown.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    markdown = facilitator_client.get(
        reverse("workshops:decision-markdown", kwargs={"decision_id": outgrown.pk})
    ).content.decode()
    assert "<script>" not in markdown


# --- access and state -----------------------------------------------------------------------


def test_an_outsider_gets_404_and_nothing_is_written(outsider_client, outgrown):
    response = note(outsider_client, outgrown, volume_value="200000000")
    assert response.status_code == 404
    assert not FigureNote.objects.exists()


def test_signing_in_comes_first(client, outgrown):
    response = note(client, outgrown, volume_value="200000000")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not FigureNote.objects.exists()


def test_it_takes_only_posts(facilitator_client, outgrown):
    assert facilitator_client.get(url(outgrown)).status_code == 405


def test_only_a_decision_in_force_takes_figures(facilitator_client, team, facilitator):
    draft = decide(team, facilitator, "Still a draft", status="draft")
    page = facilitator_client.get(draft.get_absolute_url()).content.decode()
    assert 'data-testid="figures-form"' not in page
    response = note(facilitator_client, draft, volume_value="5")
    assert response.status_code == 302
    assert (
        "Figures are noted on a decision in force."
        in facilitator_client.get(response["Location"]).content.decode()
    )
    assert not FigureNote.objects.exists()


def test_the_service_refuses_a_decision_deprecated_meanwhile(facilitator, outgrown):
    decision_transition(decision=outgrown, to_status="deprecated", by=facilitator)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="deprecated"):
        figure_note_add(
            decision=outgrown, by=facilitator, noted_on=timezone.localdate(), volume_value=1.0
        )
    assert not FigureNote.objects.exists()


def test_the_record_page_costs_the_same_with_many_notes(
    facilitator_client, facilitator, outgrown, django_assert_max_num_queries
):
    # Each note moves the record on: both pages below are drawn afresh, not from the cache.
    figure_note_add(decision=outgrown, by=facilitator, noted_on=timezone.localdate(), consumers=2)
    with django_assert_max_num_queries(30) as one:
        assert "2 consumers" in facilitator_client.get(outgrown.get_absolute_url()).text
    for n in range(40):
        figure_note_add(
            decision=outgrown, by=facilitator, noted_on=timezone.localdate(), consumers=n + 3
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert "42 consumers" in facilitator_client.get(outgrown.get_absolute_url()).text


# --- a hybrid: each part's figures against its own triggers -------------------------------


def test_a_hybrids_note_names_its_part_and_meets_its_triggers(
    facilitator_client, workshop, facilitator
):
    hybrid = split_into_hybrid(workshop)
    decision = decide_hybrid(hybrid, facilitator)
    names = [w["name"] for w in decision.snapshot["workflows"]]
    stream = names.index(hybrid.stream.name)
    page = facilitator_client.get(decision.get_absolute_url()).content.decode()
    form = page.split('data-testid="figures-form"')[1].split("</form>")[0]
    assert f"Part: {hybrid.stream.name}" in form and "(the whole)" in form
    # Batch has no consumer trigger: twelve consumers of the staging part cross nothing.
    staging = names.index(hybrid.staging.name)
    note(facilitator_client, decision, workflow_position=str(staging), consumers="12")
    decision.refresh_from_db()
    assert decision.noted_review_due is False
    note(facilitator_client, decision, workflow_position=str(stream), consumers="12")
    page = facilitator_client.get(decision.get_absolute_url()).content.decode()
    assert f"({hybrid.stream.name}): 12 consumers" in page
    due = page.split('data-testid="review-due-figures"')[1].split("</div>")[0]
    assert f"{hybrid.stream.name}: consumers reach 10 — 12 consumers noted on" in due
    decision.refresh_from_db()
    assert decision.noted_review_due is True


# --- revisiting starts from what was noted ----------------------------------------------


def test_a_revisit_starts_from_the_latest_noted_figures(facilitator_client, facilitator, outgrown):
    note(facilitator_client, outgrown, volume_value="150000000", consumers="2")
    note(facilitator_client, outgrown, volume_value="8", volume_unit="hour", text="corrected")
    note(facilitator_client, outgrown, latency_value="2", latency_unit="hours")
    response = facilitator_client.post(
        reverse("workshops:decision-revisit", kwargs={"decision_id": outgrown.pk})
    )
    workshop = outgrown.revisited_by.get()
    assert response["Location"] == workshop.get_absolute_url()
    workflow = workshop.workflows.get(parent=None)
    assert (workflow.volume_value, workflow.volume_unit) == (8, "hour")
    assert (workflow.latency_value, workflow.latency_unit) == (2, "hours")
    assert workflow.consumers == 2
    assert workflow.throughput_estimate == pytest.approx(OUTGROWN["throughput_estimate"])
    assert "latest noted on the record since" in workshop.description


def test_the_empty_form_is_drawn_once_per_version_of_the_record(
    facilitator_client, facilitator, outgrown
):
    from unittest import mock

    from workshops.views import decisions as views

    drawn = []
    real = views.render_to_string

    def counting(name, *args, **kwargs):
        drawn.append(name)
        return real(name, *args, **kwargs)

    with mock.patch.object(views, "render_to_string", side_effect=counting):
        pages = [facilitator_client.get(outgrown.get_absolute_url()).text for _ in range(3)]
        assert drawn.count("workshops/decision_detail.html#figures-fields") == 1
        assert all('name="csrfmiddlewaretoken"' in page for page in pages)
        figure_note_add(
            decision=outgrown, by=facilitator, noted_on=timezone.localdate(), consumers=2
        )
        facilitator_client.get(outgrown.get_absolute_url())
        assert drawn.count("workshops/decision_detail.html#figures-fields") == 2
