"""Tests for encoding and delimiter detection of contacts CSV files."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from smartalex_async.cli import _contacts_csv_encoding
from smartalex_async.cli._contacts_csv import ContactsCsvError, open_contacts_csv
from smartalex_async.cli._contacts_csv_encoding import (
    detect_delimiter,
    detect_encoding,
    find_decode_error,
)

CONTENT = "first_name,phone\nJosé Müller,+12025550128\n"


def write_bytes(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_bytes(data)
    return path


def test_encoding_utf8_bom(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, codecs.BOM_UTF8 + CONTENT.encode("utf-8"))

    assert detect_encoding(path) == "utf-8-sig"


def test_encoding_bom_not_in_header(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, codecs.BOM_UTF8 + CONTENT.encode("utf-8"))

    with open_contacts_csv(path) as contacts:
        assert contacts.headers[0] == "first_name"


def test_encoding_utf8_without_bom(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, CONTENT.encode("utf-8"))

    assert detect_encoding(path) == "utf-8"


def test_encoding_cp1252(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, CONTENT.encode("cp1252"))

    assert detect_encoding(path) == "cp1252"


def test_encoding_cp1252_values_decoded(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "first_name;phone\nFrançois €;+12025550128\n".encode("cp1252"))

    with open_contacts_csv(path) as contacts:
        draft = next(contacts).draft

    assert draft is not None
    assert draft.first_name == "François €"


def test_encoding_ascii_is_utf8(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"first_name,phone\n")

    assert detect_encoding(path) == "utf-8"


def test_encoding_undecodable_raises(tmp_path: Path) -> None:
    # 0x81 is invalid as a UTF-8 start byte and undefined in cp1252.
    path = write_bytes(tmp_path, b"first_name,phone\nA\x81,1\n")

    with pytest.raises(ContactsCsvError, match="byte at offset 18 "):
        detect_encoding(path)


def test_decode_error_none_for_valid(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, CONTENT.encode("utf-8"))

    assert find_decode_error(path, "utf-8") is None


def test_decode_error_split_sequence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # With 3-byte chunks, "é" (2 bytes at offset 2) is split across the first two chunks.
    monkeypatch.setattr(_contacts_csv_encoding, "CHUNK_SIZE", 3)
    path = write_bytes(tmp_path, "abé-é".encode())

    assert find_decode_error(path, "utf-8") is None


def test_decode_error_offset_in_later_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_contacts_csv_encoding, "CHUNK_SIZE", 3)
    # "é" occupies offsets 2-3, so the lone continuation byte sits at offset 5.
    path = write_bytes(tmp_path, "abé-".encode() + b"\xa9xyz")

    assert find_decode_error(path, "utf-8") == 5


def test_decode_error_truncated_at_end(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"abc\xc3")

    assert find_decode_error(path, "utf-8") == 3


def test_decode_error_truncated_is_cp1252(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"first_name,phone\nJos\xc3")

    assert detect_encoding(path) == "cp1252"


def test_delimiter_comma() -> None:
    assert detect_delimiter("First Name,Last Name,Phone\r\n") == ","


def test_delimiter_semicolon() -> None:
    assert detect_delimiter("First Name;Last Name;Phone\r\n") == ";"


def test_delimiter_ignores_quoted() -> None:
    assert detect_delimiter('"Name, first, given";Phone\n') == ";"


def test_delimiter_single_column() -> None:
    assert detect_delimiter("phone\n") == ","


def test_delimiter_semicolon_file(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"first_name;phone\nAnn;+12025550128\n")

    with open_contacts_csv(path) as contacts:
        assert contacts.delimiter == ";"
        row = next(contacts)

    assert row.values == {"first_name": "Ann", "phone": "+12025550128"}
