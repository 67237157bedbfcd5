"""Reading an exported file back: its bytes (JSON, or a record PDF carrying the JSON) to JSON
data, refusing in one line what no decision can keep, before anything is written."""

from __future__ import annotations

import json
import logging
import math
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from typing import Any, BinaryIO

from pypdf import PdfReader
from pypdf.generic import ArrayObject, NameObject, StreamObject

from workshops.documents.pdf import ATTACHMENT_NAME


class UnreadableExport(ValueError):
    """The file is no export this version can read; the message (one line) says why."""


def size_text(size: int) -> str:
    """A file size as people read it: 10.5 MB, or 2,048 bytes below a megabyte."""
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size:,} bytes"


def read_at_most(stream: BinaryIO, *, max_bytes: int) -> bytes:
    """The stream's bytes, read only as far as the limit allows: a larger file is refused
    without being read whole (a file's declared size can be wrong or grow)."""
    raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise UnreadableExport(
            f"larger than the {size_text(max_bytes)} an import reads (IMPORT_MAX_BYTES)."
        )
    return raw


def export_data(raw: bytes, *, max_bytes: int) -> Any:
    """The JSON data of an export file, or of the decision.json a record PDF carries."""
    if raw.startswith(b"%PDF"):
        raw = pdf_attachment(raw, max_bytes=max_bytes)
    try:
        # utf-8-sig: a byte-order mark, added by some editors on Windows, is no reason to refuse.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableExport("not UTF-8 text, so not a JSON export.") from None
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except json.JSONDecodeError as error:
        raise UnreadableExport(
            f"not JSON ({error.msg} at line {error.lineno}, column {error.colno})."
        ) from None
    except UnreadableExport:
        raise
    except RecursionError:
        raise UnreadableExport("not JSON this importer can read (nested too deeply).") from None
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        reason = str(error).split(";")[0]  # not Python's advice on raising the limit
        raise UnreadableExport(f"not JSON this importer can read ({reason}).") from None
    _refuse_unkeepable_text(data)
    return data


def _no_constant(name: str) -> Any:
    raise UnreadableExport(
        f"not JSON: {name} is no JSON number (NaN, Infinity and -Infinity are refused)."
    )


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise UnreadableExport(
            f"not JSON this importer can read: the number {text[:40]} is too large."
        )
    return value


def _refuse_unkeepable_text(data: Any) -> None:
    """NUL characters (PostgreSQL keeps none) and lone surrogates (no UTF-8 encodes them)
    are refused wherever they are, key or value, naming where."""
    # Iterative: the parser's own recursion limit bounds the depth, not this walk.
    pending: list[tuple[str, Any]] = [("", data)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, str):
            _check_text(value, where)
        elif isinstance(value, dict):
            for key, item in value.items():
                path = f"{where}.{key}" if where else key
                _check_text(key, path)
                pending.append((path, item))
        elif isinstance(value, list):
            pending.extend((f"{where}[{index}]", item) for index, item in enumerate(value))


def _check_text(text: str, where: str) -> None:
    shown = json.dumps(where[:80], ensure_ascii=True)
    if "\x00" in text:
        raise UnreadableExport(f"{shown} holds a NUL character (\\u0000), which no record keeps.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        code = f"\\u{ord(text[error.start]):04x}"
        raise UnreadableExport(
            f"{shown} holds a lone surrogate ({code}), which is not text."
        ) from None


# --- a record PDF's attachment ---------------------------------------------------------------


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs a warning for every object it cannot repair; a garbled file would print
    hundreds. Its verdict is what the import reports, in one line."""
    logger = logging.getLogger("pypdf")  # pypdf's modules log through its children
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def pdf_attachment(pdf: bytes, *, max_bytes: int) -> bytes:
    """The decision.json a printed record carries, decompressed only up to `max_bytes`: an
    attachment that would expand past it is refused before it fills memory."""
    with _quiet_pypdf():
        try:
            return _attachment(PdfReader(BytesIO(pdf)), max_bytes=max_bytes)
        except UnreadableExport:
            raise
        except RecursionError:
            raise UnreadableExport("not a PDF this importer can read (nested too deep).") from None
        except Exception as error:  # a garbled file fails pypdf in many ways, all of them one
            raise UnreadableExport(f"not a PDF this importer can read ({_short(error)}).") from None


def _attachment(reader: PdfReader, *, max_bytes: int) -> bytes:
    entry = next((e for e in reader.attachment_list if e.name == ATTACHMENT_NAME), None)
    if entry is None:
        raise UnreadableExport(f"this PDF carries no {ATTACHMENT_NAME}; it was not printed by us.")
    too_large = UnreadableExport(
        f"the PDF's {ATTACHMENT_NAME} expands past the {size_text(max_bytes)} an import "
        "reads (IMPORT_MAX_BYTES)."
    )
    declared = entry.size
    if isinstance(declared, int) and declared > max_bytes:
        raise too_large
    stream = entry._embedded_file
    if not isinstance(stream, StreamObject):
        raise UnreadableExport(f"the PDF's {ATTACHMENT_NAME} is no file stream.")
    encoding = stream.get("/Filter")
    filters = list(encoding) if isinstance(encoding, ArrayObject) else [encoding]
    raw = stream._data  # as stored: the PDF's bytes, bounded by the file's size
    if filters == [None]:
        content = raw
    elif filters == [NameObject("/FlateDecode")] and "/DecodeParms" not in stream:
        try:
            content = zlib.decompressobj().decompress(raw, max_bytes + 1)
        except zlib.error as error:
            raise UnreadableExport(
                f"the PDF's {ATTACHMENT_NAME} cannot be decompressed ({error})."
            ) from None
    else:
        shown = ", ".join(str(name) for name in filters)
        raise UnreadableExport(
            f"the PDF's {ATTACHMENT_NAME} is encoded with {shown[:60]}, which this importer "
            "does not read."
        )
    if len(content) > max_bytes:
        raise too_large
    return content


def _short(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 100 else text[:97] + "..."
