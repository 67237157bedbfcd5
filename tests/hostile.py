"""Hostile text and the checks that it stayed text: the payloads that go into every free-text
field, a browser-like filler that posts them through a page's own forms, and a parser-based
inspection of a page for any element or attribute the payload could have made."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import tinyhtml5  # WeasyPrint's HTML5 parser: the tree a browser would build
from django.urls import Resolver404, resolve

XHTML = "{http://www.w3.org/1999/xhtml}"

# One line each; the first is a spreadsheet formula, so that a title that starts with it
# starts a CSV cell with it, and Markdown's block syntax starts lines of its own.
PAYLOAD_LINES = (
    '=HYPERLINK("https://evil.example/f","x")',
    "</title></textarea><script>alert(2)</script>",  # out of the raw-text elements
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "hx-get=/x hx-trigger=load",
    'data-hx-get="/x"',
    "javascript:alert(1)",
    "\u202eevil\u202c",
    "url(https://evil.example/x)",
    "@import url(https://evil.example/a.css)",
    "# Heading",
    "---",
    "title: x",
    "---",
    "+1 -1 @SUM(A1:A2)",
)
PAYLOAD = "\n".join(PAYLOAD_LINES)
# What shows that a payload reached a page: it is in every field's text, however short.
MARKER = "=HYPERLINK("
CSV_FORMULAS = ('=HYPERLINK("https://evil.example/f","x")', "+1", "-1", "@SUM(A1:A2)")
JAVASCRIPT_URL = "javascript:alert(1)"
LONG = "x" * 100_000
# The attributes a browser follows as an address.
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "xlink:href")
NOT_TYPED = frozenset({"submit", "button", "reset", "image", "file"})
TEXT_TYPES = frozenset({"text", "search", "url", ""})


def hostile(max_length: int | None = None) -> str:
    """The payload, cut to a field's length so that the field saves it."""
    return PAYLOAD if max_length is None else PAYLOAD[:max_length]


def parse(html: str) -> Element:
    return tinyhtml5.parse(io.StringIO(html))


def _tag(element: Element) -> str:
    return element.tag.removeprefix(XHTML) if isinstance(element.tag, str) else ""


def _text(element: Element) -> str:
    return "".join(element.itertext())


def _from_payload(value: str) -> bool:
    return (
        any(sign in value for sign in ("alert(", "evil.example", "onerror", "hx-trigger"))
        or value.strip() == "/x"
    )


def findings(html: str) -> list[str]:
    """Every element and attribute of the page that user data could have made: empty when
    the payload stayed text."""
    found = []
    for element in parse(html).iter():
        tag = _tag(element)
        attributes = dict(element.attrib)
        if tag == "script":
            source = attributes.get("src", "")
            kind = attributes.get("type", "")
            if kind == "application/json":
                continue  # data, not run; Django's json_script escapes what is in it
            if not source.startswith("/static/") or _text(element).strip():
                found.append(f"a <script> that is not ours: {attributes} {_text(element)[:80]!r}")
        if tag == "style" and _from_payload(_text(element)):
            found.append(f"a <style> with the payload: {_text(element)[:80]!r}")
        if tag == "img" and attributes.get("src") == "x":
            found.append("the payload's <img>")
        if tag in ("iframe", "object", "embed", "base") or (
            tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh"
        ):
            found.append(f"a <{tag}> {attributes}")
        for name, value in attributes.items():
            name = name.lower()
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value[:60]!r}>")
            elif name.startswith("hx-"):
                found.append(f"a bare htmx attribute <{tag} {name}={value[:60]!r}>")
            elif name.startswith("data-hx-") and _from_payload(value):
                found.append(f"<{tag} {name}={value[:60]!r}> from the payload")
            elif name == "style" and _from_payload(value):
                found.append(f"<{tag} style={value[:60]!r}> from the payload")
            elif name in URL_ATTRIBUTES and "".join(value.split()).lower().startswith(
                ("javascript:", "vbscript:", "data:text")
            ):
                found.append(f"<{tag} {name}={value[:60]!r}>")
    return found


def shows_payload(html: str) -> bool:
    """Whether the page shows the payload as text (or holds it in a field's value)."""
    root = parse(html)
    if MARKER in _text(root):
        return True
    return any(MARKER in value for element in root.iter() for value in element.attrib.values())


# --- filling a page's forms like a browser, with hostile text in every free-text field ---------


@dataclass
class Form:
    action: str
    url_name: str
    method: str  # "get" or "post"
    htmx: bool  # posted by htmx (data-hx-post), answered with a fragment
    data: dict[str, list[str]] = field(default_factory=dict)
    free_text: list[str] = field(default_factory=list)  # the names given the payload


def _field_value(element: Element, tag: str) -> tuple[str | None, list[str]]:
    """(its type, the values a browser would send) for one field; type None for a select."""
    if tag == "textarea":
        return "textarea", [_text(element)]
    if tag == "select":
        options = list(element.iter(f"{XHTML}option"))
        chosen = [o for o in options if "selected" in o.attrib]
        if not chosen and options and "multiple" not in element.attrib:
            chosen = options[:1]
        return None, [o.get("value", _text(o)) for o in chosen]
    kind = element.get("type", "text").lower()
    if kind in ("checkbox", "radio"):
        return kind, [element.get("value", "on")] if "checked" in element.attrib else []
    return kind, [element.get("value", "")]


def forms_on(html: str, page: str, *, text: str | None = None) -> Iterator[Form]:
    """Each form of the page, its fields as a browser would send them untouched, except that
    every free-text field (text, search, url, textarea) gets `text` (default: the payload cut
    to the field's maxlength; a url field gets a javascript: URL). `page` is the page's URL,
    where a form without an action posts."""
    for element in parse(html).iter(f"{XHTML}form"):
        action = element.get("action") or element.get("data-hx-post") or page
        try:
            url_name = resolve(action.split("?")[0]).url_name
        except Resolver404:
            continue
        method = "post" if element.get("data-hx-post") else element.get("method", "get")
        form = Form(action, url_name, method.lower(), bool(element.get("data-hx-post")))
        for control in element.iter():
            tag = _tag(control)
            name = control.get("name")
            if tag not in ("input", "select", "textarea") or not name:
                continue
            kind, values = _field_value(control, tag)
            if kind in NOT_TYPED or "disabled" in control.attrib:
                continue
            if kind in TEXT_TYPES or kind == "textarea":
                limit = control.get("maxlength")
                if text is not None:
                    values = [text]
                elif kind == "url":
                    values = [JAVASCRIPT_URL]
                else:
                    values = [hostile(int(limit) if limit else None)]
                form.free_text.append(name)
            form.data.setdefault(name, []).extend(values)
        yield form


def form_on(html: str, page: str, url_name: str, *, text: str | None = None, **overrides) -> Form:
    """The page's first form that posts to `url_name`, filled; `overrides` replace fields."""
    for form in forms_on(html, page, text=text):
        if form.url_name == url_name:
            form.data.update({name: [str(value)] for name, value in overrides.items()})
            return form
    raise AssertionError(f"no form posting to {url_name} on the page")
