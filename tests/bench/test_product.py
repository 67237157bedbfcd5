"""The whole product's load run reads forms as a browser posts them and names each line of
gunicorn's access log as the load generator names the request (bench/product.py)."""

from __future__ import annotations

import pytest

from bench import product
from bench.forms import form_as_posted, form_choices

PAGE = """
<form method="post" action="/accounts/logout/"><button>Log out</button></form>
<form method="post" action="/live/4/consent/">
  <input type="hidden" name="decision" value="7">
  <input type="text" name="consent-reason" value="">
  <button type="submit" name="consent-answer" value="agree">Agree</button>
  <button type="submit" name="consent-answer" value="object">Object</button>
</form>
<form method="post" novalidate>
  <input type="radio" name="vote-trigger" value="scheduled">
  <input type="radio" name="vote-trigger" value="event" checked>
  <textarea name="rationale">Fits</textarea>
</form>
"""


def test_it_reads_the_choices_a_person_picks_from():
    assert form_choices(PAGE, action="/live/4/consent/") == {"consent-answer": ["agree", "object"]}
    assert form_choices(PAGE, action="") == {"vote-trigger": ["scheduled", "event"]}


def test_it_reads_a_form_without_an_action_as_posting_to_its_page():
    assert form_as_posted(PAGE, action="") == {"vote-trigger": "event", "rationale": "Fits"}
    with pytest.raises(LookupError):
        form_choices(PAGE, action="/live/4/vote/")


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        (("GET", "/join/abc/", "200", "-", ""), product.JOIN_PAGE),
        (("POST", "/join/abc/", "302", "-", ""), product.JOIN),
        (("GET", "/live/4/state/", "304", "true", ""), product.POLL_304),
        (("GET", "/live/4/state/", "200", "true", ""), product.POLL_200),
        (("POST", "/live/4/risks/12/dot/", "200", "true", ""), product.DOT),
        (("POST", "/live/4/risks/", "200", "true", ""), product.RISK),
        (("GET", "/workshops/4/live/", "304", "true", ""), product.PANEL_304),
        (("POST", "/workshops/4/workflows/4/risks/batch/adopt/", "302", "-", ""), product.APPLY),
        (("GET", "/decisions/", "200", "-", ""), product.HISTORY),
        (("GET", "/decisions/", "200", "-", "status=accepted"), product.HISTORY_FILTERED),
        (("GET", "/decisions/9.pdf", "202", "-", ""), product.PDF_ASK),
        (("GET", "/decisions/9.pdf", "304", "true", ""), product.PDF_POLL_304),
        (("GET", "/decisions/9.pdf", "200", "-", ""), product.PDF),
        (("GET", "/decisions/9.md", "200", "-", ""), product.MARKDOWN),
        (("GET", "/static/css/parsecgo.css", "200", "-", ""), None),
    ],
)
def test_it_names_each_access_log_line_as_the_load_generator_names_the_request(line, kind):
    assert product.served_kind(*line) == kind
