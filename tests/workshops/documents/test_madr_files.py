"""The Markdown records as ADR tools take them: MADR's file names (the team's number, then the
title in kebab case), a team's decisions as a zip of docs/decisions/, and files that pass
markdownlint with MADR's own settings."""

from __future__ import annotations

import importlib
import io
import os
import re
import shutil
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.workshops.builders import decide
from tests.workshops.hybrids import decide_hybrid, split_into_hybrid
from workshops.documents.json import decision_to_json
from workshops.documents.markdown import madr_file_name
from workshops.models import Decision
from workshops.services import room as room_services
from workshops.services.decisions import decision_import, decision_revisit, decision_transition

ROOT = Path(__file__).resolve().parents[3]
# MADR's lint settings, committed beside this test (see its header for where they come from).
MADR_LINT_CONFIG = Path(__file__).with_name("madr") / ".markdownlint.yml"
# Installed from the npm registry by `make axe` (.ci/ensure-axe, pinned in .ci/node).
MARKDOWNLINT = ROOT / ".ci/node/node_modules/markdownlint-cli2/markdownlint-cli2-bin.mjs"
HOSTILE = "# Heading\n| a | b |\n---\n<script>alert(1)</script>\n1. first\n- item"
MADR_NAME = re.compile(r"^(?:.*/)?\d{4}-.+\.md$")  # Backstage's madrFilePathFilter


def zip_url(team) -> str:
    return reverse("workshops:team-decisions-zip", kwargs={"team_id": team.pk})


def md_url(decision) -> str:
    return reverse("workshops:decision-markdown", kwargs={"decision_id": decision.pk})


def files_of(response) -> dict[str, str]:
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def join(workshop, name, role, involvement="consulted"):
    return room_services.participant_join(
        workshop=workshop, name=name, role=role, involvement=involvement
    )


@pytest.fixture
def records(team, facilitator, workshop):
    """A team's decision log: a hybrid, accepted; the revisit that supersedes it, where the room
    answered, voted, proposed risks and consented (one objection); a draft full of hostile
    text and figures (0.02%, -5)."""
    first = decide_hybrid(split_into_hybrid(workshop), facilitator)
    revisit = decision_revisit(decision=first, by=facilitator)
    olga = join(revisit, "Olga", "security", "decision_maker")
    bea = join(revisit, "Bea", "business")
    whole = revisit.workflows.get(parent=None)
    for person, answers in ((olga, ("degraded", "unacceptable")), (bea, ("fine", "fine"))):
        room_services.delay_answer(
            participant=person,
            workflow=whole,
            answers=dict(zip(room_services.DELAY_FIELDS, answers, strict=False)),
        )
    for person, failure in ((olga, "dead_letter"), (bea, "retry")):
        whole.refresh_from_db()
        room_services.dimension_vote(
            participant=person, workflow=whole, dimension="failure", value=failure, reason=HOSTILE
        )
    whole.refresh_from_db()
    room_services.votes_reveal(workflow=whole)
    whole.refresh_from_db()
    proposal = room_services.risk_propose(
        participant=bea, workflow=whole, pattern_slug="batch", title=HOSTILE, mitigation="0.02%"
    )
    room_services.risk_dot_toggle(participant=olga, proposal=proposal)
    second = decide(revisit, facilitator, status=Decision.Status.PROPOSED)
    room_services.consent_record(
        participant=olga, decision=second, answer="object", reason="1. The audit trail."
    )
    second = decision_transition(
        decision=second, to_status="accepted", by=facilitator, note="Over Olga's objection."
    )
    draft = decide(
        team,
        facilitator,
        "Why not Kafka? An error rate under 0.02%: retry!",
        status=Decision.Status.DRAFT,
        rationale="0.02% of the events may be late; -5 consumers is not a thing.",
        consequences=HOSTILE,
        description=(
            "0.02%\n-5 °C in the store room\n+1 for batch\n2026. A year.\n"
            "See https://wiki.example.org/sync, www.example.org or mail fiona@example.org."
        ),
    )
    return [Decision.objects.get(pk=d.pk) for d in (first, second, draft)]


# --- file names and numbers --------------------------------------------------------------------


@pytest.mark.django_db
class TestFileNames:
    def test_a_teams_decisions_are_numbered_in_the_order_they_were_recorded(self, records):
        assert [madr_file_name(d) for d in records] == [
            "0001-nightly-inventory-sync.md",
            "0002-nightly-inventory-sync-revisited.md",
            "0003-why-not-kafka-an-error-rate-under-002-retry.md",
        ]
        assert all(MADR_NAME.match(madr_file_name(d)) for d in records)

    def test_a_number_stays_with_its_decision_and_each_team_counts_its_own(
        self, records, facilitator, other_team, outsider
    ):
        first = records[0]
        assert Decision.objects.get(pk=first.pk).status == Decision.Status.SUPERSEDED
        decision_transition(decision=records[2], to_status="rejected", by=facilitator)
        newer = decide(first.team, facilitator, "Another one")
        elsewhere = decide(other_team, outsider, "Their first")
        assert [Decision.objects.get(pk=d.pk).number for d in records] == [1, 2, 3]
        assert (newer.number, elsewhere.number) == (4, 1)

    def test_a_long_or_foreign_title_gives_a_short_ascii_name(self, team, facilitator):
        long = decide(team, facilitator, "Zoë's " + "very " * 30 + "long title")
        foreign = decide(team, facilitator, "在线库存同步")
        assert madr_file_name(long) == (
            "0001-zoes-very-very-very-very-very-very-very-very-very-very-very.md"
        )
        assert madr_file_name(foreign) == "0002-decision.md"

    def test_an_imported_decision_gets_the_teams_next_number(
        self, facilitator_client, records, second_team
    ):
        imported = decision_import(
            data=decision_to_json(records[1]), team=records[0].team, user=records[0].created_by
        )
        elsewhere = decision_import(
            data=decision_to_json(records[1]), team=second_team, user=records[0].created_by
        )
        assert (imported.number, elsewhere.number) == (4, 1)

    def test_the_migration_numbers_existing_decisions_by_team_in_recording_order(
        self, records, other_team, outsider
    ):
        theirs = decide(other_team, outsider, "Their first")
        # As the rows stood before the migration: numbered nothing sensible.
        for offset, decision in enumerate([*records, theirs]):
            Decision.objects.filter(pk=decision.pk).update(number=100 + offset)
        migration = importlib.import_module("workshops.migrations.0013_decision_number")
        migration.number_decisions(apps, schema_editor=None)
        numbers = dict(Decision.objects.values_list("pk", "number"))
        assert [numbers[d.pk] for d in records] == [1, 2, 3]
        assert numbers[theirs.pk] == 1


# --- the zip -----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestZip:
    def test_it_holds_each_decision_as_its_madr_file_in_docs_decisions(
        self, facilitator_client, records
    ):
        response = facilitator_client.get(zip_url(records[0].team))
        assert response["Content-Type"] == "application/zip"
        assert response["Content-Disposition"] == 'attachment; filename="platform-decisions.zip"'
        files = files_of(response)
        assert sorted(files) == [f"docs/decisions/{madr_file_name(d)}" for d in records]
        for decision in records:
            single = facilitator_client.get(md_url(decision)).content.decode("utf-8")
            assert files[f"docs/decisions/{madr_file_name(decision)}"] == single

    def test_its_supersede_links_lead_to_files_in_the_zip(self, facilitator_client, records):
        files = files_of(facilitator_client.get(zip_url(records[0].team)))
        older = files["docs/decisions/0001-nightly-inventory-sync.md"]
        newer = files["docs/decisions/0002-nightly-inventory-sync-revisited.md"]
        assert (
            "* Superseded by [Nightly inventory sync (revisited)]"
            "(0002-nightly-inventory-sync-revisited.md) (accepted)." in older
        )
        assert (
            "* Supersedes [Nightly inventory sync](0001-nightly-inventory-sync.md) (superseded)."
            in newer
        )
        for text in files.values():
            for target in re.findall(r"\]\(([^)]+\.md)\)", text):
                assert f"docs/decisions/{target}" in files

    def test_it_is_offered_on_the_history_page_and_the_team_page(
        self, facilitator_client, records, second_team
    ):
        history = facilitator_client.get(reverse("workshops:decision-list")).content.decode()
        team = records[0].team
        assert f'href="{zip_url(team)}" download>Platform: decisions (zip)</a>' in history
        assert f'href="{zip_url(second_team)}"' in history
        page = facilitator_client.get(team.get_absolute_url()).content.decode()
        assert f'href="{zip_url(team)}" download>' in page

    def test_a_team_with_no_decisions_gets_an_empty_zip(self, facilitator_client, second_team):
        assert files_of(facilitator_client.get(zip_url(second_team))) == {}

    def test_it_returns_404_to_outsiders_and_for_a_team_that_does_not_exist(
        self, outsider_client, records
    ):
        assert outsider_client.get(zip_url(records[0].team)).status_code == 404
        missing = reverse("workshops:team-decisions-zip", kwargs={"team_id": 999_999})
        assert outsider_client.get(missing).status_code == 404

    def test_it_sends_anonymous_visitors_to_log_in_and_refuses_other_methods(
        self, facilitator_client, records
    ):
        response = Client().get(zip_url(records[0].team))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert facilitator_client.post(zip_url(records[0].team)).status_code == 405

    @pytest.mark.parametrize("extra", [0, 30])
    def test_its_queries_do_not_grow_with_the_decisions(
        self, facilitator_client, facilitator, team, extra, django_assert_max_num_queries
    ):
        for number in range(extra):
            decision = decide(team, facilitator, f"Decision {number}", status="draft")
            if number % 3 == 0:
                decision_transition(decision=decision, to_status="accepted", by=facilitator)
        with django_assert_max_num_queries(6):
            files = files_of(facilitator_client.get(zip_url(team)))
        assert len(files) == extra


# --- markdownlint, with MADR's settings --------------------------------------------------------


def markdownlint_command() -> list[str]:
    node = shutil.which("node")
    if node is None or not MARKDOWNLINT.exists():
        message = f"markdownlint-cli2 or node is missing ({MARKDOWNLINT}); run `make axe`."
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # CI must lint the records, never skip it
        pytest.skip(message)
    return [node, str(MARKDOWNLINT)]


def lint(folder: Path) -> str:
    """markdownlint-cli2's findings on every .md file under `folder`, with MADR's settings."""
    command = markdownlint_command()
    result = subprocess.run(
        [*command, "--config", str(MADR_LINT_CONFIG), "**/*.md"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr  # 1: findings; anything else: it broke
    return result.stderr if result.returncode else ""


@pytest.mark.django_db
class TestMarkdownlint:
    def test_every_file_of_the_zip_passes_with_madrs_settings(
        self, facilitator_client, records, tmp_path
    ):
        files = files_of(facilitator_client.get(zip_url(records[0].team)))
        for name, text in files.items():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(text, encoding="utf-8")
        assert len(list(tmp_path.glob("docs/decisions/*.md"))) == 3
        assert lint(tmp_path) == ""

    def test_a_decision_called_more_still_passes_where_it_is_linked(
        self, facilitator_client, facilitator, team, tmp_path
    ):
        older = decide(team, facilitator, "More!")
        newer = decide(decision_revisit(decision=older, by=facilitator), facilitator)
        text = facilitator_client.get(md_url(newer)).content.decode("utf-8")
        assert "* Supersedes [More! (decision 0001)](0001-more.md) (superseded)." in text
        (tmp_path / madr_file_name(newer)).write_text(text, encoding="utf-8")
        assert lint(tmp_path) == ""

    def test_it_finds_what_madrs_settings_refuse(self, tmp_path):
        # The linter runs and reads the settings: a bare URL, a table padded in one row and
        # not in its delimiter row (as the records' tables were), a 300-character line (which
        # MADR allows).
        (tmp_path / "0001-bad.md").write_text(
            "# Bad\n\nSee https://example.org" + " word" * 60 + "\n\n"
            "| # | Risk |\n|--:|---|\n| 1 | The run overruns |\n| 2 | A lost event |\n",
            encoding="utf-8",
        )
        findings = lint(tmp_path)
        assert "MD034/no-bare-urls" in findings
        assert "MD060/table-column-style" in findings
        assert "MD013" not in findings

    def test_figures_read_as_typed_and_hostile_text_stays_text(self, facilitator_client, records):
        text = facilitator_client.get(md_url(records[2])).content.decode("utf-8")
        assert "0.02%" in text and "0\\.02" not in text
        assert "\n-5 °C in the store room\n+1 for batch\n" in text
        assert "\n2026\\. A year." in text
        assert "\n\\# Heading\n\\| a \\| b \\|\n\\---\n" in text
        assert "<script>" not in text
        assert (
            "\nSee <https://wiki.example.org/sync>, www\\.example.org or mail "
            "fiona\\@example.org.\n" in text
        )
        assert "# Why not Kafka? An error rate under 0.02%: retry&#33;\n" in text


@pytest.mark.usefixtures("catalogue")
@pytest.mark.django_db(transaction=True)
def test_decisions_created_at_once_each_get_a_number_of_their_own(team, facilitator):
    export = decision_to_json(decide(team, facilitator, "Seed"))
    threads, rounds = 4, 5
    start = threading.Barrier(threads)
    failures: list[BaseException] = []

    def create() -> None:
        try:
            start.wait()
            for n in range(rounds):
                # A title of its own: the same export twice is one decision (idempotent import).
                copy = {**export, "title": f"{threading.get_ident()} {n}"}
                decision_import(data=copy, team=team, user=facilitator)
        except BaseException as error:  # noqa: BLE001 - the test reports any failure
            failures.append(error)
        finally:
            connection.close()  # each thread's own connection

    workers = [threading.Thread(target=create) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    numbers = sorted(team.decisions.values_list("number", flat=True))
    assert numbers == list(range(1, threads * rounds + 2))
