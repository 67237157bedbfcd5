"""Pages of the pattern catalogue, the guide and the quick match (the API: patterns.api)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from parsecgo_site.drawings import CATALOGUE_TABLE
from patterns import selectors
from patterns.evaluation import evaluate
from patterns.forms import DEFAULTS, QuickMatchForm
from patterns.matching import DIMENSIONS


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    # The table is the same for everyone until the catalogue changes, and drawing its few
    # hundred cells is most of the page's cost.
    table = CATALOGUE_TABLE.html(
        selectors.catalogue_version(),
        draw=lambda: render_to_string(
            "patterns/catalogue.html#table", {"patterns": list(selectors.patterns_all())}
        ),
    )
    return render(request, "patterns/catalogue.html", {"table": table})


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
