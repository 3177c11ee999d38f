"""Detect the text encoding and the delimiter of a contacts CSV file.

Encoding detection reads the file in fixed-size chunks through incremental decoders, so memory
use does not grow with the file size.
"""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

from smartalex_async.cli._contacts_csv_errors import ContactsCsvError

CHUNK_SIZE = 64 * 1024
"""Bytes read per step while scanning the file for its encoding."""

UTF8_WITH_BOM = "utf-8-sig"
UTF8 = "utf-8"
CP1252 = "cp1252"

_DELIMITERS = (",", ";")


def detect_encoding(path: Path) -> str:
    """Return the codec name for reading `path`: "utf-8-sig", "utf-8" or "cp1252".

    A file that starts with the UTF-8 BOM and decodes as UTF-8 gets "utf-8-sig", so the BOM
    does not end up in the first header name. Any file that is not valid UTF-8 is read as
    cp1252, the encoding that Excel uses on Western European Windows.

    Raises:
        ContactsCsvError: the file decodes as neither UTF-8 nor cp1252.
    """
    if find_decode_error(path, UTF8) is None:
        return UTF8_WITH_BOM if _starts_with_bom(path) else UTF8

    cp1252_error = find_decode_error(path, CP1252)
    if cp1252_error is None:
        return CP1252

    raise ContactsCsvError(
        f"{path} is neither valid UTF-8 nor valid cp1252: the byte at offset {cp1252_error} "
        "is undefined in cp1252. Save the file as UTF-8 and import it again."
    )


def find_decode_error(path: Path, encoding: str) -> int | None:
    """Return the byte offset of the first byte that `encoding` cannot decode, or None."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with path.open("rb") as file:
        while chunk := file.read(CHUNK_SIZE):
            # A multi-byte sequence split across chunks waits in the decoder's buffer, and
            # the error position counts from the start of that buffer.
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return offset - pending + error.start
            offset += len(chunk)

        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            return offset - pending + error.start

    return None


def detect_delimiter(header_line: str) -> str:
    """Return "," or ";", whichever splits the header line into more fields.

    The header is parsed as CSV with each candidate, so a delimiter inside a quoted header name
    does not count. A tie, such as a single-column header, returns ",".
    """
    best = _DELIMITERS[0]
    best_count = 0
    for delimiter in _DELIMITERS:
        count = len(next(csv.reader([header_line], delimiter=delimiter), []))
        if count > best_count:
            best, best_count = delimiter, count

    return best


def _starts_with_bom(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8
