"""`import_decision` against what a file can hold besides a decision: the same export twice,
files past the size limit, NUL bytes, NaN and lone surrogates, a PDF whose attachment expands
past the limit, a garbled PDF. Each is one line, and nothing is written."""

from __future__ import annotations

import contextlib
import json
import logging
import random
import zlib
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject

from tests.workshops.documents.rich_export import record_pdf
from workshops.documents.json import decision_to_json, export_fingerprint
from workshops.models import Decision, StatusChange, Team
from workshops.services import decisions as decisions_service
from workshops.services.decisions import decision_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(decision) -> dict:
    return json.loads(json.dumps(decision_to_json(decision)))


def rows() -> tuple[int, int, int]:
    return Decision.objects.count(), StatusChange.objects.count(), Team.objects.count()


def import_file(path: Path, *, team: str = "Archive") -> str:
    out = StringIO()
    call_command("import_decision", str(path), user="fiona", team=team, stdout=out)
    return out.getvalue()


def refusal(path: Path) -> str:
    before = rows()
    with pytest.raises(CommandError) as refused:
        import_file(path)
    assert rows() == before
    message = str(refused.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return message.removeprefix(f"{path}: ")


# --- the same export twice ---------------------------------------------------------------------


class TestIdempotency:
    def test_it_recognises_an_export_it_imported_before_and_writes_nothing(
        self, exported, facilitator, tmp_path
    ):
        path = tmp_path / "decision.json"
        path.write_text(json.dumps(exported), encoding="utf-8")
        import_file(path)
        first = Decision.objects.order_by("-pk").first()
        before = rows()

        again = import_file(path)

        assert f"already imported as decision {first.pk} (“{first.title}”)" in again
        assert "nothing written" in again and first.get_absolute_url() in again
        assert rows() == before

    def test_a_reindented_copy_and_the_pdf_carrying_it_are_the_same_export(
        self, decision, exported, facilitator, tmp_path
    ):
        compact = tmp_path / "decision.json"
        compact.write_text(json.dumps(exported, separators=(",", ":")), encoding="utf-8")
        import_file(compact)
        first = Decision.objects.order_by("-pk").first()
        indented = tmp_path / "indented.json"
        indented.write_text(json.dumps(exported, indent=4, sort_keys=True), encoding="utf-8")
        printed = tmp_path / "record.pdf"
        printed.write_bytes(record_pdf(decision))
        before = rows()

        assert f"already imported as decision {first.pk} " in import_file(indented)
        assert f"already imported as decision {first.pk} " in import_file(printed)
        assert rows() == before
        assert first.import_fingerprint == export_fingerprint(exported)

    def test_an_export_of_the_decision_after_it_changed_is_another_document(
        self, decision, facilitator, tmp_path
    ):
        path = tmp_path / "decision.json"
        path.write_text(json.dumps(decision_to_json(decision)), encoding="utf-8")
        import_file(path)
        decision = decision_transition(decision=decision, to_status="deprecated", by=facilitator)
        path.write_text(json.dumps(decision_to_json(decision)), encoding="utf-8")

        output = import_file(path)

        newest = Decision.objects.order_by("-pk").first()
        assert f"as decision {newest.pk}," in output and newest.status == "deprecated"
        assert Decision.objects.filter(team__name="Archive").count() == 2

    def test_the_same_export_imports_once_into_each_team(self, exported, facilitator, tmp_path):
        path = tmp_path / "decision.json"
        path.write_text(json.dumps(exported), encoding="utf-8")
        import_file(path, team="Archive")
        output = import_file(path, team="Second archive")
        assert "already imported" not in output
        assert Decision.objects.filter(import_fingerprint=export_fingerprint(exported)).count() == 2

    def test_of_two_imports_at_once_one_writes_and_the_other_is_told(
        self, exported, facilitator, tmp_path, monkeypatch
    ):
        """The other import commits between this one's look and its write: the unique
        constraint refuses the copy, and this import says what the other one became."""
        path = tmp_path / "decision.json"
        path.write_text(json.dumps(exported), encoding="utf-8")
        import_file(path)
        first = Decision.objects.order_by("-pk").first()
        real = decisions_service._imported_as
        looks = []

        def late_look(*args):
            looks.append(args)
            return None if len(looks) == 1 else real(*args)

        monkeypatch.setattr(decisions_service, "_imported_as", late_look)
        before = rows()

        assert f"already imported as decision {first.pk} " in import_file(path)
        assert rows() == before
        assert len(looks) == 2  # the look before the write, and the one after it failed

    def test_a_decision_made_here_is_no_import(self, decision):
        assert decision.import_fingerprint == ""


# --- size ------------------------------------------------------------------------------------


class TestSize:
    def test_it_refuses_a_file_past_the_limit_without_reading_it(
        self, exported, facilitator, tmp_path, settings, monkeypatch
    ):
        settings.IMPORT_MAX_BYTES = 4096
        path = tmp_path / "decision.json"
        path.write_text(json.dumps(exported) + " " * 5000, encoding="utf-8")
        size = path.stat().st_size

        def never(*args, **kwargs):
            raise AssertionError("the file was opened")

        monkeypatch.setattr(Path, "open", never)
        monkeypatch.setattr(Path, "read_bytes", never)

        assert refusal(path) == (
            f"{size:,} bytes, larger than the 4,096 bytes an import reads (IMPORT_MAX_BYTES)."
        )

    def test_the_documented_default_is_ten_megabytes(self, settings):
        assert settings.IMPORT_MAX_BYTES == 10_000_000
        docs = Path(__file__).resolve().parents[3] / "docs" / "decision-export.md"
        assert "10 MB" in docs.read_text(encoding="utf-8")

    def test_it_reads_a_file_just_under_the_limit(self, exported, facilitator, tmp_path, settings):
        path = tmp_path / "decision.json"
        path.write_text(json.dumps(exported), encoding="utf-8")
        settings.IMPORT_MAX_BYTES = path.stat().st_size
        assert "Imported" in import_file(path)


# --- what JSON can hold that no record keeps ----------------------------------------------------


def with_title(exported: dict, raw_title: str) -> str:
    """The export's text with the title written as `raw_title` (JSON source, unescaped)."""
    text = json.dumps(exported, ensure_ascii=True)
    return text.replace(json.dumps(exported["title"]), raw_title, 1)


@pytest.mark.parametrize(
    ("title", "message"),
    [
        (
            r'"Nightly \u0000 sync"',
            '"title" holds a NUL character (\\u0000), which no record keeps.',
        ),
        (r'"Nightly \ud800 sync"', '"title" holds a lone surrogate (\\ud800), which is not text.'),
        (r'"\udfff"', '"title" holds a lone surrogate (\\udfff), which is not text.'),
        ("NaN", "not JSON: NaN is no JSON number (NaN, Infinity and -Infinity are refused)."),
        ("Infinity", "not JSON: Infinity is no JSON number"),
        ("-Infinity", "not JSON: -Infinity is no JSON number"),
        ("1e999", "not JSON this importer can read: the number 1e999 is too large."),
        ("1" * 5000, "not JSON this importer can read (Exceeds the limit (4300 digits)"),
    ],
    ids=["nul", "high-surrogate", "low-surrogate", "nan", "infinity", "-infinity", "1e999", "int"],
)
def test_it_refuses_what_no_record_keeps_in_one_line(
    title, message, exported, facilitator, tmp_path
):
    path = tmp_path / "decision.json"
    path.write_text(with_title(exported, title), encoding="ascii")
    assert refusal(path).startswith(message)


def test_it_names_where_deep_inside_the_record(exported, facilitator, tmp_path):
    exported["snapshot"]["workflows"][0]["notes"]["trigger"] = "at \x00 night"
    path = tmp_path / "decision.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    assert refusal(path).startswith('"snapshot.workflows[0].notes.trigger" holds a NUL character')


def test_it_refuses_a_nul_in_a_key(exported, facilitator, tmp_path):
    exported["snapshot"]["workflows"][0]["notes"]["tri\x00gger"] = "x"
    path = tmp_path / "decision.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    assert "holds a NUL character" in refusal(path)


def test_it_keeps_every_other_character(exported, facilitator, tmp_path):
    # Astral letters (escaped as surrogate pairs), right-to-left marks and emoji are text.
    exported["title"] = exported["snapshot"]["title"] = "Nightly 𝔰𝔶𝔫𝔠 \u202e 🦉"
    path = tmp_path / "decision.json"
    path.write_text(json.dumps(exported, ensure_ascii=True), encoding="ascii")
    import_file(path)
    assert Decision.objects.order_by("-pk").first().title == "Nightly 𝔰𝔶𝔫𝔠 \u202e 🦉"


# --- record PDFs -----------------------------------------------------------------------------


def pdf_with_attachment(content: bytes, *, declared: int | None = None) -> bytes:
    """A PDF whose decision.json is `content`, deflated, optionally declaring a size."""
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    attachment = writer.add_attachment("decision.json", b"{}")
    stream = attachment._embedded_file
    stream._data = zlib.compress(content, 9)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    if declared is not None:
        attachment.size = NumberObject(declared)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


class TestPdf:
    def test_it_refuses_an_attachment_that_expands_past_the_limit(
        self, facilitator, tmp_path, settings
    ):
        settings.IMPORT_MAX_BYTES = 1_000_000
        path = tmp_path / "record.pdf"
        path.write_bytes(pdf_with_attachment(b" " * 50_000_000))
        assert path.stat().st_size < 100_000  # fifty megabytes of spaces deflate to nothing
        assert refusal(path) == (
            "the PDF's decision.json expands past the 1.0 MB an import reads (IMPORT_MAX_BYTES)."
        )

    def test_it_refuses_an_attachment_that_declares_a_size_past_the_limit(
        self, facilitator, tmp_path
    ):
        path = tmp_path / "record.pdf"
        path.write_bytes(pdf_with_attachment(b"{}", declared=10**12))
        assert "expands past the 10.0 MB" in refusal(path)

    def test_it_reads_an_attachment_it_can_decompress(self, exported, facilitator, tmp_path):
        path = tmp_path / "record.pdf"
        path.write_bytes(pdf_with_attachment(json.dumps(exported).encode()))
        assert "Imported" in import_file(path)

    def test_a_garbled_pdf_is_one_line_and_no_warnings(
        self, decision, facilitator, tmp_path, caplog
    ):
        garbled = bytearray(record_pdf(decision))
        noise = random.Random(10)
        for index in range(len(garbled) // 10, len(garbled) - 2000):
            if noise.random() < 0.05:
                garbled[index] = noise.randrange(256)
        path = tmp_path / "record.pdf"
        path.write_bytes(bytes(garbled))
        # pypdf's own reading, to show what the import keeps quiet.
        with caplog.at_level(logging.WARNING, logger="pypdf"), contextlib.suppress(Exception):
            PdfReader(BytesIO(garbled)).attachments["decision.json"][0]  # noqa: B018
        assert [r for r in caplog.records if r.name.startswith("pypdf")], "pypdf said nothing"
        caplog.clear()

        with caplog.at_level(logging.DEBUG):
            message = refusal(path)

        assert message.startswith(("not a PDF this importer can read", "the PDF's decision.json"))
        assert not [r for r in caplog.records if r.name.startswith("pypdf")]
