"""Entry point of `python -m bench`: runs every registered case and prints the figures."""

from __future__ import annotations

from bench.harness import main

raise SystemExit(main())
