"""Template helpers of the workshop pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def conflict(form, field_name: str):
    """(mine, theirs) when someone else saved another value of this field, else None."""
    return getattr(form, "conflicts", {}).get(field_name)


@register.filter
def minutes(seconds: float) -> int:
    return round((seconds or 0) / 60)


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
    stand-in for crispy's field rendering on pages drawn on every keystroke."""
    kind = widget_type(bound_field)
    css = _WIDGET_CLASS.get(kind, "form-control")
    if bound_field.errors:
        css += " is-invalid"
    attrs = {"class": css} if css else {}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    existing = bound_field.field.widget.attrs.get("class")
    if existing:
        attrs["class"] = f"{existing} {attrs.get('class', '')}".strip()
    return bound_field.as_widget(attrs=attrs)
