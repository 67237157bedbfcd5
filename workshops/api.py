"""The read-only decisions API: the history's list with its filters, and one decision.

The same access rules as the pages (workshops.selectors): a signed-in session or a personal
token sees the decisions of the person's teams, and anything else is 404.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import AuthenticationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth
from pydantic import ConfigDict, ValidationInfo, field_validator

from parsecgo_site.drawings import DECISIONS_API_PAGE
from patterns.api import FieldErrors
from workshops import selectors
from workshops.forms import EARLIEST_FILTER_DATE, LATEST_FILTER_DATE
from workshops.models import ApiToken, Decision, DecisionChoice, StatusChange
from workshops.selectors import DEFAULT_SORT, SORTS, DecisionFilters
from workshops.services.tokens import api_token_hash, api_token_note_use

router = Router(tags=["decisions"])

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
# Ids and page numbers are bounded so that no database is asked about a number it cannot hold.
MAX_ID = 2**63 - 1
MAX_PAGE = 1_000_000
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# JSON Schema has no range for a date: the years the filters take (EARLIEST_FILTER_DATE to
# LATEST_FILTER_DATE, 1900 to 2999) as a pattern; a test holds the two together.
FILTER_DAY_PATTERN = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$"
UNLISTED_FIELDS = ("snapshot", "search_text", "rationale", "consequences")

Status = Literal[tuple(Decision.Status.values)]  # type: ignore[valid-type]
Sort = Literal[tuple(SORTS)]  # type: ignore[valid-type]


class TokenAuth(HttpBearer):
    """Authorization: Bearer <token>, a personal token made on the API tokens page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found: ApiToken | None = selectors.api_token_active(api_token_hash(token))
        if found is None:
            # A token that was sent and is wrong (unknown, revoked) is refused outright, even
            # beside a session cookie: its client must learn that it no longer works.
            raise AuthenticationError(401, "The API token is unknown or was revoked.")
        api_token_note_use(token=found)
        return found.user


# The session's CSRF check applies to unsafe methods only; every operation here is a GET.
AUTH = [TokenAuth(), SessionAuth(csrf=True)]


# --- input ---------------------------------------------------------------------------------


def _day(*, alias: str, description: str) -> Any:
    return Field(
        None,
        alias=alias,
        ge=EARLIEST_FILTER_DATE,
        le=LATEST_FILTER_DATE,
        description=f"{description} YYYY-MM-DD, from 1900 to 2999.",
        json_schema_extra={"pattern": FILTER_DAY_PATTERN},
    )


class DecisionQuery(Schema):
    """The history page's filters, by the names its address bar shows."""

    model_config = ConfigDict(populate_by_name=True)

    q: str = Field(
        "",
        max_length=200,
        pattern=r"^[^\x00]*$",
        description="Words that must all appear in the title, systems or description.",
    )
    pattern: str = Field(
        "",
        max_length=50,
        pattern=r"^[-a-zA-Z0-9_]*$",
        description="A pattern's slug: decisions that chose it, for the whole or a part.",
    )
    status: Status | None = None
    team: int | None = Field(None, ge=1, le=MAX_ID, description="One of your teams' ids.")
    recorded_from: date | None = _day(alias="from", description="Recorded on or after this day.")
    recorded_to: date | None = _day(
        alias="to", description="Recorded on or before this day, not before “from”."
    )
    review_due: bool = Field(
        False,
        description=(
            "Accepted decisions due for review: their review date has come, or a figure "
            "noted since crosses one of their revisit triggers."
        ),
    )
    sort: Sort = DEFAULT_SORT
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    @field_validator("recorded_from", "recorded_to", mode="before")
    @classmethod
    def _a_calendar_day(cls, value: Any) -> Any:
        # As the date field writes it, 2026-05-01: not a number of seconds since 1970.
        if isinstance(value, str) and not ISO_DAY.fullmatch(value):
            raise ValueError("expected a day as YYYY-MM-DD")
        return value

    @field_validator("recorded_to")
    @classmethod
    def _not_before_from(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("recorded_from")
        if value is not None and start is not None and value < start:
            raise ValueError("this date is before the “from” date")
        return value

    def filters(self) -> DecisionFilters:
        return DecisionFilters(
            words=tuple(self.q.split()),
            pattern=self.pattern,
            status=self.status or "",
            team_id=self.team,
            created_from=self.recorded_from,
            created_to=self.recorded_to,
            review_due=self.review_due,
            sort=self.sort,
        )


# --- output --------------------------------------------------------------------------------


class TeamOut(Schema):
    id: int
    name: str


class PartOut(Schema):
    part: str
    pattern: str
    pattern_name: str


class DecisionOut(Schema):
    id: int
    url: str = Field(description="The record's page.")
    title: str
    status: Status
    team: TeamOut
    chosen_pattern: str = Field(description="The headline pattern's slug (blank: none yet).")
    chosen_pattern_name: str
    parts: list[PartOut] = Field(description="A hybrid's parts and the pattern each chose.")
    review_date: date | None
    review_due: bool = Field(
        description=(
            "Accepted, and its review date has come or a figure noted since crosses one of "
            "its revisit triggers (the review_due filter's test)."
        )
    )
    decided_at: datetime | None
    created_at: datetime
    updated_at: datetime
    supersedes: int | None = Field(description="The id of the decision this one replaces.")


class StatusChangeOut(Schema):
    model_config = ConfigDict(populate_by_name=True)

    from_status: str = Field(alias="from", description="Blank for the first status.")
    to_status: Status = Field(alias="to")
    by: str
    at: datetime
    note: str


class FigureNoteOut(Schema):
    workflow: int = Field(description="The record's workflow: 0 the whole, then its parts.")
    noted_on: date
    by: str
    figures: list[str] = Field(description="What was noted: 'volume 40 M records a day', …")
    note: str


class DecisionDetailOut(DecisionOut):
    rationale: str
    consequences: str
    status_changes: list[StatusChangeOut]
    superseded_by: list[int]
    figure_notes: list[FigureNoteOut] = Field(
        description="Figures noted on the record since the decision, oldest first."
    )
    crossed_triggers: list[str] = Field(
        description="The record's revisit triggers that the latest noted figures cross."
    )


class DecisionPage(Schema):
    count: int = Field(description="How many decisions match, on every page.")
    page: int
    pages: int
    next: str | None
    previous: str | None
    items: list[DecisionOut]


class Detail(Schema):
    detail: str


# --- operations ----------------------------------------------------------------------------


@router.get(
    "/decisions",
    response={200: DecisionPage, 400: FieldErrors, 401: Detail},
    auth=AUTH,
    url_name="decision-list",
    summary="Your teams' decisions, filtered as on the history page",
)
def decision_list(request: HttpRequest, query: Query[DecisionQuery]):
    teams = list(selectors.teams_of(request.auth))
    today = timezone.localdate()
    # Sorting a long history for every request costs more than the rest of the answer: a
    # page is drawn once per state of the teams' decisions, as the history page is.
    body = DECISIONS_API_PAGE.html(
        query.model_dump(mode="json"),
        [(team.pk, team.decisions_version) for team in teams],
        today.isoformat(),
        request.build_absolute_uri(request.path),
        draw=lambda: _draw_page(request, query, today=today),
    )
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def _draw_page(request: HttpRequest, query: DecisionQuery, *, today: date) -> str:
    decisions = selectors.decisions_filtered(
        selectors.decisions_visible_to(request.auth), query.filters(), today=today
    )
    count = decisions.count()
    start = (query.page - 1) * query.page_size
    rows = selectors.decision_parts(decisions.defer(*UNLISTED_FIELDS))[
        start : start + query.page_size
    ]
    pages = max(1, -(-count // query.page_size))
    page = DecisionPage.model_validate(
        {
            "count": count,
            "page": query.page,
            "pages": pages,
            "next": _page_url(request, query, query.page + 1) if query.page < pages else None,
            "previous": (
                _page_url(request, query, min(query.page - 1, pages)) if query.page > 1 else None
            ),
            "items": [_summary(request, d, parts=d.parts, today=today) for d in rows],
        }
    )
    # As django-ninja writes an answer it validated itself.
    return JSONRenderer().render(request, page.model_dump(), response_status=200)


@router.get(
    "/decisions/{decision_id}",
    response={200: DecisionDetailOut, 400: FieldErrors, 401: Detail, 404: Detail},
    auth=AUTH,
    url_name="decision-detail",
    by_alias=True,  # the timeline's "from" and "to", as in the JSON export
    summary="One decision with its rationale and its timeline",
)
def decision_detail(request: HttpRequest, decision_id: int = Path(..., ge=1, le=MAX_ID)):
    decision = selectors.decision_get_for_member(user=request.auth, decision_id=decision_id)
    parts = [choice for choice in decision.choices.all() if choice.is_part]
    figures = selectors.decision_figures(decision)
    return {
        **_summary(request, decision, parts=parts, today=timezone.localdate()),
        "rationale": decision.rationale,
        "consequences": decision.consequences,
        "status_changes": [_change(c) for c in selectors.decision_timeline(decision)],
        "superseded_by": [d.pk for d in selectors.decision_successors(decision)],
        "figure_notes": [
            {
                "workflow": note.workflow_position,
                "noted_on": note.noted_on,
                "by": note.author,
                "figures": list(note.figures),
                "note": note.text,
            }
            for note in figures["figure_notes"]
        ],
        "crossed_triggers": [c.sentence for c in figures["crossings"]],
    }


def _summary(
    request: HttpRequest, decision: Decision, *, parts: list[DecisionChoice], today: date
) -> dict:
    return {
        "id": decision.pk,
        "url": request.build_absolute_uri(decision.get_absolute_url()),
        "title": decision.title,
        "status": decision.status,
        "team": {"id": decision.team_id, "name": decision.team.name},
        "chosen_pattern": decision.chosen_pattern,
        "chosen_pattern_name": decision.chosen_pattern_name,
        "parts": [
            {"part": c.part_name, "pattern": c.pattern_slug, "pattern_name": c.pattern_name}
            for c in parts
        ],
        "review_date": decision.review_date,
        "review_due": decision.review_due_on(today),
        "decided_at": decision.decided_at,
        "created_at": decision.created_at,
        "updated_at": decision.updated_at,
        "supersedes": decision.supersedes_id,
    }


def _change(change: StatusChange) -> dict:
    return {
        "from": change.from_status,
        "to": change.to_status,
        "by": change.changed_by.get_username(),
        "at": change.changed_at,
        "note": change.note,
    }


def _page_url(request: HttpRequest, query: DecisionQuery, number: int) -> str:
    """The same query on another page: the filters given, by the names the schema publishes."""
    params = query.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    params["page"] = number
    return request.build_absolute_uri(f"{request.path}?{urlencode(params)}")
