"""Cached drawings: a key per template version and state, drawn once and shared from the cache."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils.safestring import SafeString

from parsecgo_site import drawings
from parsecgo_site.drawings import DECISION_PDF, DECISION_RECORD, Drawing
from workshops.models import RecordPdf

UPDATED = datetime(2026, 5, 31, 9, 30, tzinfo=UTC)
TABLE = Drawing("test-table", template_version=2)


@pytest.fixture
def table() -> Drawing:
    """A drawing of its own per test: a Redis cache would keep the last run's entries."""
    return Drawing(f"test-table-{uuid.uuid4().hex}", template_version=2)


def bumped(drawing: Drawing) -> Drawing:
    return dataclasses.replace(drawing, template_version=drawing.template_version + 1)


class TestKey:
    def test_the_same_state_gives_the_same_key(self):
        assert TABLE.key(7, UPDATED) == TABLE.key(7, UPDATED)
        # Another process declaring the same drawing computes the same key.
        assert Drawing("test-table", template_version=2).key(7, UPDATED) == TABLE.key(7, UPDATED)

    @pytest.mark.parametrize(
        "other",
        [(8, UPDATED), (7, UPDATED.replace(second=31)), (7,), (UPDATED, 7), (7, UPDATED, "")],
        ids=["other-id", "updated-later", "less-state", "other-order", "more-state"],
    )
    def test_a_changed_state_gives_a_new_key(self, other):
        assert TABLE.key(*other) != TABLE.key(7, UPDATED)

    def test_a_bumped_template_version_gives_a_new_key(self):
        assert bumped(TABLE).key(7, UPDATED) != TABLE.key(7, UPDATED)

    def test_two_drawings_of_the_same_state_have_different_keys(self):
        assert DECISION_RECORD.key(7, UPDATED) != DECISION_PDF.key(7, UPDATED)

    def test_it_names_the_drawing_and_fits_the_stored_pdfs_column(self):
        key = DECISION_PDF.key(7, UPDATED)
        assert key.startswith(f"drawing:decision-pdf:{DECISION_PDF.template_version}:")
        assert len(key) <= RecordPdf._meta.get_field("source_version").max_length


@pytest.mark.django_db  # the shared cache is the database's unless REDIS_URL names a Redis
class TestHtml:
    def test_it_draws_once_and_serves_the_second_call_from_the_shared_cache(self, table):
        draw = mock.Mock(return_value="<table>drawn</table>")
        first = table.html(7, UPDATED, draw=draw)
        # What another app server would find: the drawing, under its key, in the shared cache.
        assert cache.get(table.key(7, UPDATED)) == "<table>drawn</table>"
        second = Drawing(table.name, template_version=2).html(7, UPDATED, draw=draw)
        draw.assert_called_once_with()
        assert first == second == "<table>drawn</table>"
        assert isinstance(second, SafeString)

    def test_a_changed_state_is_drawn_again_and_the_old_drawing_not_served(self, table):
        table.html(7, UPDATED, draw=lambda: "<table>old</table>")
        later = UPDATED.replace(minute=31)
        assert table.html(7, later, draw=lambda: "<table>new</table>") == "<table>new</table>"

    def test_a_bumped_template_version_draws_again_and_does_not_serve_the_old_drawing(self, table):
        table.html(7, UPDATED, draw=lambda: "<table>old template</table>")
        draw = mock.Mock(return_value="<table>new template</table>")
        assert bumped(table).html(7, UPDATED, draw=draw) == "<table>new template</table>"
        draw.assert_called_once_with()

    def test_it_keeps_a_drawing_for_the_drawings_timeout(self):
        record = Drawing("test-record", template_version=1, timeout=60)
        with mock.patch.object(drawings, "cache") as shared:
            shared.get.return_value = None
            record.html(7, draw=lambda: "<p>drawn</p>")
        shared.set.assert_called_once_with(record.key(7), "<p>drawn</p>", timeout=60)


@pytest.mark.django_db
class TestKeptInProcess:
    def test_a_kept_drawing_is_served_without_the_shared_cache(self, table):
        kept = dataclasses.replace(table, kept_in_process=2)
        draw = mock.Mock(return_value="<table>1</table>")
        kept.html(1, draw=draw)
        with mock.patch.object(drawings, "cache") as shared:
            assert kept.html(1, draw=draw) == "<table>1</table>"
        shared.get.assert_not_called()
        draw.assert_called_once()

    def test_a_new_state_is_drawn_and_the_oldest_kept_one_goes(self, table):
        kept = dataclasses.replace(table, kept_in_process=2)
        for state in (1, 2, 3):
            kept.html(state, draw=lambda state=state: f"<p>{state}</p>")
        assert len(kept._kept) == 2
        assert kept.key(1) not in kept._kept
        assert kept.html(3, draw=mock.Mock()) == "<p>3</p>"

    def test_forgetting_goes_back_to_the_shared_cache(self, table):
        kept = dataclasses.replace(table, kept_in_process=2)
        kept.html(1, draw=lambda: "<p>1</p>")
        kept.forget_kept()
        with mock.patch.object(drawings, "cache") as shared:
            shared.get.return_value = "<p>from the cache</p>"
            assert kept.html(1, draw=mock.Mock()) == "<p>from the cache</p>"
