"""`manage.py match`: one workflow as JSON on stdin, the engine's ranking as JSON on stdout."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from patterns.evaluation import evaluate
from patterns.selectors import catalogue_specs
from patterns.wire import InvalidInput, loads, parse_request, result_to_json


class Command(BaseCommand):
    help = (
        "Read one workflow (a JSON object) on standard input and print the ranking of the "
        "catalogue's patterns, the recommendation and the pitfalls as JSON."
    )

    def handle(self, *args, **options) -> None:
        text = sys.stdin.read()
        specs = catalogue_specs()
        try:
            request = parse_request(loads(text), known_patterns=[s.slug for s in specs])
        except InvalidInput as invalid:
            # One line naming the field; CommandError exits non-zero without a traceback.
            raise CommandError(str(invalid)) from None
        evaluation = evaluate(request.requirements, specs, chosen=request.chosen)
        self.stdout.write(json.dumps(result_to_json(evaluation), indent=2))
