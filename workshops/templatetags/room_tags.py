"""Template helpers of the room: the invite's absolute URL, its QR code, and the phase clock."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import segno
from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from workshops.models import Workshop
from workshops.rules.timebox import Timebox

register = template.Library()

QR_LABEL = "QR code to join"


@register.filter
def short_label(label: str) -> str:
    """A dimension value's label without its gloss ("Event", not "Event (push)"): what fits
    beside its bar in the projector's large type, where the dimension names the rest."""
    return label.split(" (")[0]


@register.simple_tag(takes_context=True)
def invite_url(context, workshop: Workshop) -> str:
    """The invite link, absolute (as the browser reached this site), to copy or to scan."""
    path = reverse("workshops:join-invite", kwargs={"invite": workshop.invite_code})
    return context["request"].build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def join_url(context) -> str:
    """The short /join/ address, absolute, for people who type the code."""
    return context["request"].build_absolute_uri(reverse("workshops:join"))


@register.simple_tag(takes_context=True)
def invite_qr(context, workshop: Workshop, css_class: str = "qr") -> SafeString:
    """The invite link as an inline SVG QR code. segno draws it without style attributes
    (the page's CSP refuses them): its size comes from `css_class` through the viewBox."""
    return _qr_svg(invite_url(context, workshop), css_class)


# Drawing a code costs about 4 ms, a tenth of the console's page; it depends on nothing but
# the link and the class, so each process keeps the last few (a rotated link draws anew).
@lru_cache(maxsize=128)
def _qr_svg(url: str, css_class: str) -> SafeString:
    svg = segno.make(url, error="m").svg_inline(
        scale=1,
        border=4,
        light="#fff",
        dark="#000",
        title=QR_LABEL,
        svgclass=css_class,
        lineclass=None,
        omitsize=True,
    )
    # segno names neither role nor label; screen readers need both to announce the picture.
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{QR_LABEL}" ', 1)
    # segno's own markup: the URL is encoded into the path, never written out as text.
    return mark_safe(svg)


@register.simple_tag(takes_context=True)
def steers(context, workshop: Workshop) -> bool:
    """Whether the signed-in user is the workshop's facilitator, who holds its controls."""
    user = context.get("user")
    return bool(user and user.is_authenticated and user.pk == workshop.facilitator_id)


@dataclass(frozen=True)
class Clock:
    state: str  # "draft", "running", "paused" or "decided"
    phase_number: int
    phase_title: str
    remaining_seconds: float  # negative once the phase runs over its budget

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def text(self) -> str:
        return clock_text(self.remaining_seconds)


def clock_text(remaining: float) -> str:
    """ "04:32" while time is left, "1:05 over" past the budget (static/js/live.js draws the
    same while it counts down between polls)."""
    if remaining >= 0:
        seconds = math.ceil(remaining)
        return f"{seconds // 60:02d}:{seconds % 60:02d}"
    seconds = math.floor(-remaining)
    return f"{seconds // 60}:{seconds % 60:02d} over"


@register.simple_tag
def room_clock(workshop: Workshop, timebox: Timebox) -> Clock:
    """The clock everyone in the room sees: the current phase and its time left."""
    from workshops.phases import phase_get

    phase = phase_get(workshop.current_phase)
    clock = next((c for c in timebox.phases if c.number == phase.number), None)
    remaining = clock.budget_seconds - clock.spent_seconds if clock else 0.0
    if workshop.status == Workshop.Status.DRAFT:
        state = "draft"
    elif workshop.status == Workshop.Status.DECIDED:
        state = "decided"
    elif workshop.paused_at is not None or workshop.phase_started_at is None:
        state = "paused"
    else:
        state = "running"
    return Clock(
        state=state,
        phase_number=phase.number,
        phase_title=phase.title,
        remaining_seconds=remaining,
    )
