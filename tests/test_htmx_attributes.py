"""htmx is driven by its valid `data-hx-*` attributes only: a bare `hx-get` or `hx-swap-oob`
is refused by the Nu HTML Checker (tests/test_html_validity.py checks the pages drawn; this
cheap scan covers every template, script and the HTML the apps build in Python)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# `hx-` and a lowercase name, not part of a longer name (data-hx-get, htmx-indicator) nor a
# path; the HX-Request and HX-Trigger headers are capitalised. A data-* name takes no colon:
# `data-hx-on:click` is written `data-hx-on-click` (htmx 2 reads both).
BARE_HX = re.compile(r"(?<![A-Za-z0-9_./-])(?:hx-[a-z][a-z:-]*|data-hx-on:[a-z:-]*)")
SOURCES = (
    "templates/**/*.html",
    "static/js/**/*.js",
    "parsecgo_site/**/*.py",
    "workshops/**/*.py",
    "patterns/**/*.py",
)


def bare_attributes(text: str) -> list[str]:
    return [match.group() for match in BARE_HX.finditer(text)]


def sources() -> list[Path]:
    return sorted({path for pattern in SOURCES for path in ROOT.glob(pattern)})


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('<div hx-get="/x" hx-trigger="every 2s">', ["hx-get", "hx-trigger"]),
        ("<form\n      hx-post='/y'>", ["hx-post"]),
        ('attrs={"hx-swap-oob": "true"}', ["hx-swap-oob"]),
        ('<button hx-on:click="go()">', ["hx-on:click"]),
        ('<div data-hx-get="/x" data-hx-on--click="go()">', []),
        ('<div data-hx-on:click="go()">', ["data-hx-on:click"]),
        ('<span class="htmx-indicator">', []),
        ('response["HX-Trigger"] = "saved"', []),
    ],
)
def test_the_scan_tells_a_bare_attribute_from_the_valid_form(text, found):
    assert bare_attributes(text) == found


def test_no_template_script_or_python_source_uses_a_bare_hx_attribute():
    assert len(sources()) > 50  # templates, scripts and modules are all found
    offenders = [
        f"{path.relative_to(ROOT)}: {', '.join(found)}"
        for path in sources()
        if (found := bare_attributes(path.read_text(encoding="utf-8")))
    ]
    assert not offenders, (
        "Write htmx's attributes in their valid data-hx-* form (data-hx-get, ...):\n"
        + "\n".join(offenders)
    )
