"""Pages of the pattern catalogue, the guide, the quick match and the matching API."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from patterns import selectors
from patterns.evaluation import evaluate
from patterns.forms import DEFAULTS, QuickMatchForm
from patterns.matching import DIMENSIONS
from patterns.wire import InvalidInput, loads, parse_request, result_to_json

# Bump when the comparison table's template changes.
CATALOGUE_TABLE_VERSION = 1
# (catalogue version, rendered table). Keyed by the version read from the database on every
# request, so a process never serves a stale table, whatever another process changed: this
# is a memo of a pure function, not state other servers need.
_table_memo: tuple[str, str] = ("", "")


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    # The table is the same for everyone until the catalogue changes, and drawing its few
    # hundred cells is most of the page's cost: draw it once per catalogue version.
    global _table_memo
    version = f"{CATALOGUE_TABLE_VERSION}:{selectors.catalogue_version()}"
    memo_version, table = _table_memo
    if memo_version != version:
        table = render_to_string(
            "patterns/catalogue.html#table", {"patterns": list(selectors.patterns_all())}
        )
        _table_memo = (version, table)
    # The memo holds HTML from our own template, which escaped every catalogue value.
    return render(request, "patterns/catalogue.html", {"table": mark_safe(table)})


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "patterns/detail.html", {"pattern": selectors.pattern_get(slug=slug)})


@require_GET
def guide(request: HttpRequest) -> HttpResponse:
    return render(request, "patterns/guide.html")


@require_GET
def match_page(request: HttpRequest) -> HttpResponse:
    """Type a profile, see the ranking; htmx re-ranks on every change, plain GET works too."""
    specs = selectors.catalogue_specs()
    form = QuickMatchForm(request.GET or DEFAULTS, patterns=specs)
    evaluation = None
    if form.is_valid() and form.match_request is not None:
        evaluation = evaluate(
            form.match_request.requirements, specs, chosen=form.match_request.chosen
        )
    template = "patterns/match.html#results" if request.htmx else "patterns/match.html"
    return render(
        request,
        template,
        {
            "form": form,
            "evaluation": evaluation,
            "dimensions": DIMENSIONS,
            "pattern_count": len(specs),
        },
    )


@csrf_exempt  # a pure computation over public data: no cookie-borne state to protect
@require_POST
def api_match(request: HttpRequest) -> JsonResponse:
    specs = selectors.catalogue_specs()
    try:
        match_request = parse_request(loads(request.body), known_patterns=[s.slug for s in specs])
    except InvalidInput as invalid:
        return JsonResponse({"errors": invalid.errors}, status=400)
    evaluation = evaluate(match_request.requirements, specs, chosen=match_request.chosen)
    return JsonResponse(result_to_json(evaluation.result, evaluation.pitfalls))
