"""The container's health probe: GET /healthz on its own app server; exit 0 on a 200, else 1.

Run by the Dockerfile's HEALTHCHECK as `python -m parsecgo_site.healthcheck URL`. It imports
nothing of Django, so that a probe every 30 s costs a few milliseconds, not a settings load.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence

DEFAULT_URL = "http://127.0.0.1:8000/healthz"
TIMEOUT_S = 4


def probe_host(allowed_hosts: str) -> str:
    """A Host header the site accepts: with DEBUG off Django answers 400 to any other, and the
    container's own address is seldom in ALLOWED_HOSTS. A leading dot allows the domain itself."""
    for name in allowed_hosts.split(","):
        name = name.strip().lstrip(".")
        if name and name != "*":
            return name
    return "localhost"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    url = argv[0] if argv else DEFAULT_URL
    request = urllib.request.Request(
        url, headers={"Host": probe_host(os.environ.get("ALLOWED_HOSTS", ""))}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            healthy = response.status == 200
    except (urllib.error.URLError, OSError) as error:  # HTTPError (a 503) is a URLError
        print(f"{url}: {error}", file=sys.stderr)
        return 1
    return 0 if healthy else 1


if __name__ == "__main__":
    raise SystemExit(main())
