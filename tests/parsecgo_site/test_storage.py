"""The deployed static files storage hashes relative URLs in CSS and keeps URLs with a scheme."""

from __future__ import annotations

import re

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from parsecgo_site.storage import CompressedManifestStorage

SHEET = """
.logo { background: url("img/dot.png"); }
@font-face { src: url("parsecgo-static:fonts/Sans.ttf"); }
.a { background: url("vendor.x+y-z:thing"); }
.b { background: url(data:image/png;base64,AAAA); }
"""


def collect(tmp_path, files: dict[str, bytes]) -> tuple[CompressedManifestStorage, list]:
    source = FileSystemStorage(location=tmp_path / "source")
    target = CompressedManifestStorage(location=tmp_path / "root")
    for name, content in files.items():
        source.save(name, ContentFile(content))
        target.save(name, ContentFile(content))
    paths = {name: (source, name) for name in files}
    return target, list(target.post_process(paths))


def test_it_hashes_relative_urls_and_keeps_urls_with_a_scheme(tmp_path):
    storage, results = collect(tmp_path, {"img/dot.png": b"\x89PNG", "sheet.css": SHEET.encode()})

    assert not [error for *_, error in results if isinstance(error, Exception)]
    css = storage.open(storage.stored_name("sheet.css")).read().decode()
    assert re.search(r'url\("img/dot\.[0-9a-f]{12}\.png"\)', css)
    assert 'url("parsecgo-static:fonts/Sans.ttf")' in css
    assert 'url("vendor.x+y-z:thing")' in css
    assert "url(data:image/png;base64,AAAA)" in css


def test_it_still_refuses_a_relative_url_to_a_missing_file(tmp_path):
    _, results = collect(tmp_path, {"sheet.css": b'.x { background: url("img/missing.png"); }'})

    errors = [error for *_, error in results if isinstance(error, Exception)]
    assert errors
    assert "img/missing.png" in str(errors[0])
