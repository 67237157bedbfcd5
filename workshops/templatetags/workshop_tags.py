"""Template helpers of the workshop pages."""

from __future__ import annotations

from django import template
from django.forms.boundfield import BoundWidget

from workshops.models import Risk
from workshops.snapshot import dimension_value_label

RAISED_BY_LABELS = dict(Risk.RaisedBy.choices)

register = template.Library()


@register.filter
def raised_by_label(value) -> str:
    """A recorded risk's "raised by" as people read it ("Operations" for "operations")."""
    return RAISED_BY_LABELS.get(value, value)


@register.filter
def dimension_value(value, dimension: str) -> str:
    """A recorded profile value's label ("Dead-letter" for "dead_letter")."""
    return dimension_value_label(dimension, value)


@register.filter
def conflict(form, field_name: str):
    """(mine, theirs) when someone else saved another value of this field, else None."""
    return getattr(form, "conflicts", {}).get(field_name)


@register.filter
def minutes(seconds: float) -> int:
    return round((seconds or 0) / 60)


@register.filter
def phase_short_title(number: int) -> str:
    from workshops.phases import phase_get

    return phase_get(number).short_title


@register.filter
def singular_for(unit: str, amount) -> str:
    """A plural unit ("seconds") as one amount of it reads: "1 second", "1.5 seconds"."""
    return unit.removesuffix("s") if amount == 1 else unit


@register.filter
def widget_type(bound_field) -> str:
    return bound_field.field.widget.__class__.__name__.lower()


_WIDGET_CLASS = {
    "select": "form-select",
    "checkboxinput": "form-check-input",
    "radioselect": "",
    "checkboxselectmultiple": "",
}


@register.filter
def bootstrap_widget(bound_field):
    """The field's widget with Bootstrap's classes and, when invalid, is-invalid; a lean
    stand-in for crispy's field rendering on pages drawn on every keystroke. The widget
    names its feedback element, where an autosave puts its errors without redrawing it."""
    kind = widget_type(bound_field)
    css = bound_field.field.widget.attrs.get("class") or _WIDGET_CLASS.get(kind, "form-control")
    attrs = {"aria-describedby": f"fb_{bound_field.auto_id}"}
    if bound_field.errors:
        css = f"{css} is-invalid"
        attrs["aria-invalid"] = "true"
    if css:
        attrs["class"] = css.strip()
    return bound_field.as_widget(attrs=attrs)


@register.filter
def bootstrap_choice(choice, bound_field):
    """One box of a multiple-choice field (`{{ choice|bootstrap_choice:field }}`) with
    Bootstrap's check-input look, naming the field's feedback element like bootstrap_widget."""
    attrs = {
        **choice.data["attrs"],
        "class": "form-check-input is-invalid" if bound_field.errors else "form-check-input",
        "aria-describedby": f"fb_{bound_field.auto_id}",
    }
    return BoundWidget(choice.parent_widget, {**choice.data, "attrs": attrs}, choice.renderer).tag()


@register.simple_tag
def profile_chart(workflow_record, key=""):
    """The profile chart of one workflow of a record (its snapshot data); `key` (the
    workflow's place in the record) keeps the ids of two charts of the same input apart."""
    from workshops.charts.profile import profile_chart_svg

    return profile_chart_svg(**_chart_inputs(workflow_record), key=str(key))


def _chart_inputs(workflow_record) -> dict:
    """What the profile chart (and its table) draws, from a workflow of a record."""
    return {
        "profile": workflow_record.get("profile") or {},
        "ranking": workflow_record.get("ranking") or [],
        "chosen": (workflow_record.get("chosen") or {}).get("pattern") or None,
        "recommended": workflow_record.get("recommended"),
    }


@register.simple_tag
def live_profile_chart(view):
    """The profile chart of a workflow being worked on in the console."""
    from workshops.charts.profile import profile_chart_svg
    from workshops.snapshot import ranking_as_data

    workflow = view.workflow
    result = view.evaluation.result if view.evaluation else None
    return profile_chart_svg(
        profile={
            d: getattr(workflow, d) for d in ("trigger", "granularity", "consistency", "failure")
        },
        ranking=ranking_as_data(result),
        recommended=result.recommended.pattern.slug if result and result.recommended else None,
    )


@register.simple_tag
def rationale_of(record, workflow_record) -> str:
    """Why the record chose the workflow's pattern (a part's own reason, where it has one)."""
    from workshops.snapshot import recorded_rationale

    return recorded_rationale(record, workflow_record)


@register.simple_tag
def record_heading_levels(record) -> dict[str, int]:
    """The heading levels inside a record's workflow sections, so that headings nest as the
    sections do: under the title (h1) directly when the record has one workflow; under the
    part's own h2 in a hybrid."""
    section = 3 if len(record.get("workflows") or ()) > 1 else 2
    return {"section": section, "inner": section + 1}


@register.simple_tag
def profile_fit_table(workflow_record):
    """The profile chart of one workflow of a record as a table (its text equivalent)."""
    from workshops.charts.profile import profile_fit_matrix

    return profile_fit_matrix(**_chart_inputs(workflow_record))


@register.simple_tag(takes_context=True)
def record_href(context, target) -> str:
    """Where a link in the record goes: a decision (anything with get_absolute_url) or a
    pattern's slug. On the page, the path; in the printed record (`printed` in the context)
    the whole URL under settings.SITE_URL, since a relative link in a PDF leads nowhere.
    Empty when there is nowhere to go: no SITE_URL for a print, a slug no page has."""
    from django.conf import settings
    from django.urls import NoReverseMatch, reverse

    if hasattr(target, "get_absolute_url"):
        path = target.get_absolute_url()
    else:
        try:
            path = reverse("patterns:detail", kwargs={"slug": str(target or "")})
        except NoReverseMatch:
            return ""
    if not context.get("printed"):
        return path
    return f"{settings.SITE_URL}{path}" if settings.SITE_URL else ""
