"""`import_decision`: a JSON export or a record PDF read back, all or nothing, or refused."""

from __future__ import annotations

import copy
import json
from io import StringIO

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.urls import reverse

from workshops.documents.json import decision_to_json
from workshops.documents.pdf import render_hello_pdf
from workshops.models import Decision, Membership, StatusChange, Team

pytestmark = pytest.mark.django_db


def json_url(decision) -> str:
    return reverse("workshops:decision-json", kwargs={"decision_id": decision.pk})


@pytest.fixture
def exported(decision) -> dict:
    return json.loads(json.dumps(decision_to_json(decision)))


def rows() -> dict[str, int]:
    return {
        "decisions": Decision.objects.count(),
        "changes": StatusChange.objects.count(),
        "teams": Team.objects.count(),
        "memberships": Membership.objects.count(),
    }


def import_file(path, **options) -> str:
    out = StringIO()
    call_command("import_decision", str(path), stdout=out, **options)
    return out.getvalue()


def newest_decision() -> Decision:
    return Decision.objects.order_by("-pk").first()


# --- import: round trip --------------------------------------------------------------------


class TestRoundTrip:
    def test_it_reimports_to_the_same_document(
        self, facilitator_client, successor, facilitator, tmp_path
    ):
        """Export, import, export: equal in every key.

        Only the ids differ (the decision's and its changes'), and the document holds none:
        they appear in the URL and the file name. created_at, decided_at and each change's
        time are kept; the superseded decision is linked again by its title, unique here.
        """
        exported = facilitator_client.get(json_url(successor)).json()
        path = tmp_path / "decision.json"
        path.write_bytes(facilitator_client.get(json_url(successor)).content)

        output = import_file(path, user="fiona")

        imported = newest_decision()
        assert imported.pk != successor.pk
        assert f"as decision {imported.pk}" in output
        assert imported.created_by == facilitator
        assert imported.workshop is None
        assert imported.supersedes == successor.supersedes
        assert "Store inventory database" in imported.search_text
        assert facilitator_client.get(json_url(imported)).json() == exported
        assert facilitator_client.get(imported.get_absolute_url()).status_code == 200

    def test_it_reimports_elsewhere_keeping_who_did_what_in_the_notes(
        self, facilitator_client, successor, teammate, tmp_path
    ):
        """Into a new team, as another user, where the original author has no account.

        Exactly these keys differ: "team" (the new team), "supersedes" (no decision of that
        title in the new team, so no link), and each status change's "by" (the importing
        user) and "note" (the original author kept in it). The frozen snapshot, dates and
        texts are equal; the snapshot still names the team it was decided in.
        """
        exported = facilitator_client.get(json_url(successor)).json()
        for change in exported["status_changes"]:
            change["by"] = "ghost"  # an author with no account on this server
        path = tmp_path / "decision.json"
        path.write_text(json.dumps(exported), encoding="utf-8")

        output = import_file(path, user="tariq", team="Imported")

        expected = copy.deepcopy(exported)
        expected["team"] = "Imported"
        expected["supersedes"] = None
        for change in expected["status_changes"]:
            lead = "Recorded by ghost, who has no account here."
            change["note"] = f"{lead} {change['note']}" if change["note"] else lead
            change["by"] = "tariq"
        imported = newest_decision()
        facilitator_client.force_login(teammate)
        assert facilitator_client.get(json_url(imported)).json() == expected
        assert imported.snapshot["team"] == "Platform"
        assert "Created team “Imported” with tariq in it." in output
        assert "No account here for ghost" in output
        assert "Not linked to the superseded decision “Nightly inventory sync”" in output

    def test_it_imports_into_the_team_named_in_the_file_creating_it(
        self, exported, staff_user, tmp_path
    ):
        exported["team"] = "Data platform"
        path = tmp_path / "decision.json"
        path.write_text(json.dumps(exported), encoding="utf-8")

        import_file(path)  # as the first superuser

        team = Team.objects.get(name="Data platform")
        assert list(team.members.all()) == [staff_user]
        assert newest_decision().team == team
        assert newest_decision().created_by == staff_user


# --- import: refusals ------------------------------------------------------------------------


def without(data: dict, *keys: str) -> dict:
    return {key: value for key, value in data.items() if key not in keys}


def changed(data: dict, **values) -> dict:
    return {**data, **values}


def first_change(data: dict, **values) -> dict:
    changes = [dict(change) for change in data["status_changes"]]
    changes[0].update(values)
    return {**data, "status_changes": changes}


BAD_DOCUMENTS = {
    "a JSON array": (lambda d: [d], "found an array"),
    "no format marker": (lambda d: without(d, "format"), 'it has no "format"'),
    "the snapshot's schema as format": (
        lambda d: changed(d, format="parsecgo.decision/1"),
        'Unsupported "format" "parsecgo.decision/1"',
    ),
    "missing keys": (
        lambda d: without(d, "rationale", "snapshot"),
        "Missing keys: rationale, snapshot.",
    ),
    "a number for a title": (lambda d: changed(d, title=42), '"title" must be a string'),
    "an empty title": (lambda d: changed(d, title="  "), '"title" must not be empty'),
    "an overlong team name": (lambda d: changed(d, team="x" * 81), "at most 80 fit"),
    "an unknown status": (
        lambda d: changed(d, status="maybe"),
        '"status" "maybe" is not one of "draft", "proposed", "accepted", "rejected"',
    ),
    "a review date that is no date": (
        lambda d: changed(d, review_date="next spring"),
        '"review_date" "next spring" is not a date',
    ),
    "a creation time without offset": (
        lambda d: changed(d, created_at="2026-05-31T09:30:00"),
        '"created_at" "2026-05-31T09:30:00" has no UTC offset',
    ),
    "changes that are no array": (
        lambda d: changed(d, status_changes="accepted"),
        '"status_changes" must be an array, not a string',
    ),
    "a change with an unknown status": (
        lambda d: first_change(d, to="maybe"),
        '"status_changes[0].to" "maybe" is not one of "draft"',
    ),
    "a change without its author": (
        lambda d: changed(d, status_changes=[without(d["status_changes"][0], "by")]),
        '"status_changes[0]" is missing by',
    ),
    "changes that end elsewhere": (
        lambda d: changed(d, status_changes=d["status_changes"][:1]),
        '"status_changes" ends at "draft" but "status" is "accepted"',
    ),
    "a snapshot that is no object": (
        lambda d: changed(d, snapshot=[]),
        '"snapshot" must be an object, not an array',
    ),
    "another snapshot schema": (
        lambda d: changed(d, snapshot={**d["snapshot"], "schema": "parsecgo.decision/0"}),
        '"snapshot.schema" is "parsecgo.decision/0"',
    ),
    "snapshot workflows that are no objects": (
        lambda d: changed(d, snapshot={**d["snapshot"], "workflows": ["batch"]}),
        '"snapshot.workflows[0]" must be an object, not a string',
    ),
    "a workflow emptied of every key": (
        lambda d: changed(d, snapshot={**d["snapshot"], "workflows": [{}]}),
        '"snapshot.workflows[0]" is missing name, is_part, description, source_system, '
        "target_system, data_elements and ",
    ),
    "a snapshot without workflows": (
        lambda d: changed(d, snapshot=without(d["snapshot"], "workflows")),
        '"snapshot" is missing workflows.',
    ),
}


class TestRefusals:
    @pytest.mark.parametrize("case", BAD_DOCUMENTS)
    def test_it_refuses_an_invalid_document_in_one_line_writing_nothing(
        self, case, exported, facilitator, tmp_path
    ):
        mutate, message = BAD_DOCUMENTS[case]
        path = tmp_path / "decision.json"
        path.write_text(json.dumps(mutate(exported)), encoding="utf-8")
        before = rows()

        with pytest.raises(CommandError) as error:
            import_file(path, user="fiona", team="New team")

        assert message in str(error.value)
        assert str(error.value).startswith(f"{path}: ")
        assert "\n" not in str(error.value)
        assert rows() == before

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"Nightly inventory sync, accepted", "not JSON (Expecting value at line 1, column 1)"),
            (b'{"format": ', "not JSON (Expecting value at line 1, column 12)"),
            (b"", "not JSON (Expecting value"),
            (b"\xff\xfe{\x00}\x00", "not UTF-8 text"),
            (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not a PDF this importer can read"),
        ],
        ids=["prose", "truncated", "empty", "utf-16", "pdf"],
    )
    def test_it_refuses_a_file_that_is_not_a_json_export(
        self, content, message, facilitator, decision, tmp_path
    ):
        path = tmp_path / "decision.json"
        path.write_bytes(content)
        before = rows()

        with pytest.raises(CommandError) as error:
            import_file(path, user="fiona")

        assert str(error.value).startswith(f"{path}: ")
        assert message in str(error.value)
        assert "\n" not in str(error.value)
        assert rows() == before

    def test_it_refuses_a_file_that_does_not_exist(self, facilitator, tmp_path):
        before = rows()
        with pytest.raises(CommandError, match=r"missing\.json: no such file\.$"):
            import_file(tmp_path / "missing.json", user="fiona")
        assert rows() == before

    def test_it_refuses_a_directory(self, facilitator, tmp_path):
        with pytest.raises(CommandError, match="is a directory"):
            import_file(tmp_path, user="fiona")

    def test_it_exits_non_zero_with_one_line_and_no_traceback(self, capsys, tmp_path):
        path = tmp_path / "missing.json"
        with pytest.raises(SystemExit) as exit_:
            execute_from_command_line(["manage.py", "import_decision", str(path)])
        assert exit_.value.code == 1
        assert capsys.readouterr().err == f"CommandError: {path}: no such file.\n"

    def test_it_refuses_an_unknown_user(self, exported, tmp_path):
        path = tmp_path / "decision.json"
        path.write_text(json.dumps(exported), encoding="utf-8")
        before = rows()
        with pytest.raises(CommandError, match="^No user is called “nobody”.$"):
            import_file(path, user="nobody")
        assert rows() == before

    def test_it_asks_for_a_user_when_there_is_no_superuser(self, exported, tmp_path):
        path = tmp_path / "decision.json"
        path.write_text(json.dumps(exported), encoding="utf-8")
        before = rows()
        with pytest.raises(CommandError, match="No superuser to import as: pass --user"):
            import_file(path)
        assert rows() == before

    def test_it_takes_the_importers_own_team_when_two_teams_share_the_name(
        self, exported, outsider, tmp_path
    ):
        from workshops.services.teams import team_create

        olgas = team_create(name="Platform", creator=outsider)  # beside fiona's "Platform"
        path = tmp_path / "decision.json"
        path.write_text(json.dumps(exported), encoding="utf-8")
        import_file(path, user="olga")
        assert newest_decision().team == olgas

    def test_it_refuses_when_the_importer_has_two_teams_of_that_name(
        self, exported, facilitator, tmp_path
    ):
        from workshops.services.teams import team_create

        team_create(name="Platform", creator=facilitator)
        path = tmp_path / "decision.json"
        path.write_text(json.dumps(exported), encoding="utf-8")
        before = rows()
        with pytest.raises(CommandError, match="fiona is in several teams named “Platform”"):
            import_file(path, user="fiona")
        assert rows() == before

    def test_it_refuses_a_team_the_user_is_not_in(self, exported, outsider, tmp_path):
        path = tmp_path / "decision.json"
        path.write_text(json.dumps(exported), encoding="utf-8")
        before = rows()
        with pytest.raises(CommandError, match="olga is not a member of team “Platform”"):
            import_file(path, user="olga")
        assert rows() == before

    def test_it_leaves_nothing_behind_when_writing_fails_halfway(
        self, exported, facilitator, tmp_path, monkeypatch
    ):
        def disk_full(*args, **kwargs):
            raise RuntimeError("disk full")

        # The team and the decision are written by then; the changes fail.
        monkeypatch.setattr(StatusChange.objects, "bulk_create", disk_full)
        path = tmp_path / "decision.json"
        path.write_text(json.dumps(exported), encoding="utf-8")
        before = rows()
        with pytest.raises(RuntimeError, match="disk full"):
            import_file(path, user="fiona", team="Brand new team")
        assert rows() == before
        assert not Team.objects.filter(name="Brand new team").exists()


def test_import_refuses_a_pdf_that_carries_no_record(tmp_path):
    path = tmp_path / "hello.pdf"
    path.write_bytes(render_hello_pdf())
    with pytest.raises(CommandError, match="this PDF carries no decision.json"):
        call_command("import_decision", str(path), team="Archive", user="fiona")
    assert not Decision.objects.exists()
