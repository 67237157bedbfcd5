"""The deployed static files storage: WhiteNoise's compressed, hashed files, with every URL
scheme left alone."""

from __future__ import annotations

import re
from collections.abc import Callable

from whitenoise.storage import CompressedManifestStaticFilesStorage

# RFC 3986: a scheme is a letter followed by letters, digits, "+", "-" or ".". Django only skips
# `^[a-z]+:`, so it tried to hash `parsecgo-static:fonts/...` in the PDF stylesheet as a path
# relative to pdf/ and collectstatic failed. That scheme is read by the PDF renderer's fetcher
# (workshops' pdf module), never by a browser, so its URLs must stay as written.
URL_WITH_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


class CompressedManifestStorage(CompressedManifestStaticFilesStorage):
    def url_converter(
        self, name: str, hashed_files: dict, template: str | None = None
    ) -> Callable[[re.Match], str]:
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj: re.Match) -> str:
            if URL_WITH_SCHEME.match(matchobj["url"]):
                return matchobj["matched"]
            return convert(matchobj)

        return converter
