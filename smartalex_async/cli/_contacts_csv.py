"""Read a CRM contacts export (CSV) into contact drafts, streaming, one result per data row.

`open_contacts_csv` reads the file in two passes:

1. `detect_encoding` scans the bytes in chunks and picks UTF-8 with BOM, UTF-8 or cp1252.
2. The file is reopened as text. The header line decides the delimiter (comma or semicolon),
   and the header names decide which column feeds each contact field (`HeaderMapping`).
   A file without a first-name or phone column raises `MissingColumnsError` at this point,
   before any row is read.

Iterating the returned `ContactsCsvReader` then parses one record at a time. Each data row
becomes an `ImportRow` that carries either a `ContactDraft` or a `SkipReason`, checked in the
order missing_first_name, missing_phone, invalid_phone, duplicate_phone. Duplicate phones are
found by a `DuplicateDetector`. The default, `InMemoryDuplicates`, keeps a dict of the phones
already accepted, the only state that grows with the file: about 125 MB per million distinct
phones, an estimate from tracemalloc on CPython 3.11 for 12-character E.164 strings. Pass
`NoDuplicateCheck()` when the consumer detects duplicates itself, as the bulk loader does in
its journal, or a detector backed by a file.

A file with a single full-name column and no first-name column is read when
`split_full_name` is on: "Ada Lovelace" gives first name "Ada" and last name "Lovelace".

Example:

    with open_contacts_csv("contacts.csv", region="US") as contacts:
        for row in contacts:
            if row.draft is None:
                print(f"row {row.row_number} skipped: {row.skip_reason}")
"""

from __future__ import annotations

import csv
import enum
import itertools
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Protocol, TextIO

import attrs

from smartalex_async.cli._contacts_csv_encoding import detect_delimiter, detect_encoding
from smartalex_async.cli._contacts_csv_errors import ContactsCsvError, MissingColumnsError
from smartalex_async.cli._contacts_csv_headers import HeaderMapping, map_headers
from smartalex_async.cli._contacts_csv_phone import check_region, normalize_phone

__all__ = [
    "ContactDraft",
    "ContactsCsvError",
    "ContactsCsvReader",
    "DuplicateDetector",
    "HeaderMapping",
    "ImportRow",
    "InMemoryDuplicates",
    "MissingColumnsError",
    "NoDuplicateCheck",
    "SkipReason",
    "open_contacts_csv",
    "split_name",
]

MULTI_VALUE_SEPARATOR = " ::: "
"""Separator that Google Contacts puts between several values in one cell."""


@attrs.frozen
class ContactDraft:
    """Contact fields from one row, ready to create through the API, with `phone` in E.164."""

    first_name: str
    last_name: str | None
    phone: str
    email: str | None
    company: str | None


class SkipReason(str, enum.Enum):
    """Reason why a row produced no contact draft."""

    MISSING_FIRST_NAME = "missing_first_name"
    MISSING_PHONE = "missing_phone"
    INVALID_PHONE = "invalid_phone"
    DUPLICATE_PHONE = "duplicate_phone"

    def __str__(self) -> str:
        # Format as the bare value, as StrEnum does on Python 3.11+, so f-strings print
        # "missing_phone" rather than "SkipReason.MISSING_PHONE" on every supported version.
        return self.value


@attrs.frozen
class ImportRow:
    """Outcome of one data row: exactly one of `draft` and `skip_reason` is set.

    `row_number` counts data rows from 1, without the header, and blank lines count as rows
    so that the number matches the spreadsheet row minus one. `values` maps each header to
    the row's raw, untrimmed string. A row shorter than the header lacks the missing keys,
    and fields beyond the header's length are dropped. `duplicate_of` is the row number of
    the earlier accepted row with the same phone, set only for duplicate_phone.
    """

    row_number: int
    values: dict[str, str]
    draft: ContactDraft | None
    skip_reason: SkipReason | None
    duplicate_of: int | None = None


class DuplicateDetector(Protocol):
    """Detector of rows whose phone an earlier accepted row already has."""

    def earlier_row(self, phone: str, row_number: int) -> int | None:
        """Return the row that first had `phone`, or None after recording it for `row_number`."""


class InMemoryDuplicates:
    """Duplicate detection with a dict of every accepted phone, so memory grows with the file."""

    def __init__(self) -> None:
        self._row_by_phone: dict[str, int] = {}

    def earlier_row(self, phone: str, row_number: int) -> int | None:
        earlier = self._row_by_phone.get(phone)
        if earlier is None:
            self._row_by_phone[phone] = row_number
        return earlier


class NoDuplicateCheck:
    """Accepts every phone, for consumers that detect duplicates themselves."""

    def earlier_row(self, phone: str, row_number: int) -> int | None:
        return None


class ContactsCsvReader:
    """Iterator of `ImportRow` over an open contacts CSV, and owner of the file.

    The header is read on construction. Rows are read lazily, and the iterator can be
    consumed only once. Closing the reader closes the file. Iteration raises
    `ContactsCsvError` at a malformed record, such as an unclosed quote, after yielding the
    rows before it.
    """

    def __init__(
        self,
        file: TextIO,
        *,
        encoding: str,
        region: str,
        overrides: Mapping[str, str] | None = None,
        split_full_name: bool = False,
        duplicates: DuplicateDetector | None = None,
    ) -> None:
        """Read the header line of `file` and map its columns.

        `encoding` is the codec that `file` was opened with, stored only for reporting.
        `overrides` and `split_full_name` go to `map_headers`. `duplicates` defaults to a new
        InMemoryDuplicates.

        Raises:
            ValueError: `region` is not a supported region code.
            ContactsCsvError: the file is empty, or an override names no column.
            MissingColumnsError: no column feeds first_name or phone.
        """
        self.region = check_region(region)
        self.encoding = encoding
        self._file = file

        header_line = file.readline()
        if not header_line:
            raise ContactsCsvError(
                "The file is empty. Export the contacts again with a header row, such as "
                "'phone,first_name,last_name,email,company'."
            )

        self.delimiter = detect_delimiter(header_line)
        # strict=True raises on an unclosed quote instead of merging the rest of the file
        # into one field, which would silently drop rows.
        lines = itertools.chain([header_line], file)
        self._reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
        self.headers = tuple(self._next_record() or ())
        self.mapping: HeaderMapping = map_headers(
            self.headers, overrides, split_full_name=split_full_name
        )
        self._duplicates = duplicates if duplicates is not None else InMemoryDuplicates()
        self._rows = self._generate_rows()

    def __iter__(self) -> ContactsCsvReader:
        return self

    def __next__(self) -> ImportRow:
        return next(self._rows)

    def __enter__(self) -> ContactsCsvReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying file."""
        self._file.close()

    def _generate_rows(self) -> Iterator[ImportRow]:
        classifier = _RowClassifier(self.mapping, self.region, self._duplicates)
        row_number = 0
        while (fields := self._next_record()) is not None:
            row_number += 1
            if not fields:
                continue  # A blank line has no values to account for.

            yield classifier.classify(row_number, self._row_values(fields))

    def _next_record(self) -> list[str] | None:
        try:
            return next(self._reader, None)
        except csv.Error as error:
            raise ContactsCsvError(
                f"The CSV is malformed near line {self._reader.line_num}: {error}. "
                "Fix that line, for example an unclosed quote, and import the file again."
            ) from error

    def _row_values(self, fields: list[str]) -> dict[str, str]:
        values: dict[str, str] = {}
        for header, field in zip(self.headers, fields, strict=False):
            values.setdefault(header, field)

        return values


class _RowClassifier:
    """Turns row values into an `ImportRow`, asking `duplicates` about each accepted phone."""

    def __init__(self, mapping: HeaderMapping, region: str, duplicates: DuplicateDetector) -> None:
        self._mapping = mapping
        self._region = region
        self._duplicates = duplicates

    def classify(self, row_number: int, values: dict[str, str]) -> ImportRow:
        first_name, last_name = self._names(values)
        if first_name is None:
            return _skipped(row_number, values, SkipReason.MISSING_FIRST_NAME)

        raw_phone = _first_cell(values, self._mapping.phone)
        if raw_phone is None:
            return _skipped(row_number, values, SkipReason.MISSING_PHONE)

        phone = normalize_phone(raw_phone, self._region)
        if phone is None:
            return _skipped(row_number, values, SkipReason.INVALID_PHONE)

        earlier_row = self._duplicates.earlier_row(phone, row_number)
        if earlier_row is not None:
            return _skipped(row_number, values, SkipReason.DUPLICATE_PHONE, earlier_row)

        draft = ContactDraft(
            first_name=first_name,
            last_name=last_name,
            phone=phone,
            email=_cell(values, self._mapping.email),
            company=_cell(values, self._mapping.company),
        )
        return ImportRow(row_number, values, draft, skip_reason=None)

    def _names(self, values: dict[str, str]) -> tuple[str | None, str | None]:
        if self._mapping.first_name is not None or self._mapping.name is None:
            return _cell(values, self._mapping.first_name), _cell(values, self._mapping.last_name)

        first_name, last_name = split_name(_cell(values, self._mapping.name))
        last_column = _cell(values, self._mapping.last_name)
        return first_name, last_column if last_column is not None else last_name


def open_contacts_csv(
    path: str | os.PathLike[str],
    *,
    region: str = "US",
    overrides: Mapping[str, str] | None = None,
    split_full_name: bool = False,
    duplicates: DuplicateDetector | None = None,
) -> ContactsCsvReader:
    """Open a contacts CSV for streaming import.

    `region` is the ISO 3166-1 alpha-2 code assumed for phone numbers written without a
    country code. The other options are those of ContactsCsvReader.

    Raises:
        ValueError: `region` is not a supported region code.
        ContactsCsvError: the file is empty or decodes as neither UTF-8 nor cp1252.
        MissingColumnsError: no column feeds first_name or phone.
        OSError: the file cannot be read.
    """
    check_region(region)
    file_path = Path(path)
    encoding = detect_encoding(file_path)

    file = file_path.open(encoding=encoding, newline="")
    try:
        return ContactsCsvReader(
            file,
            encoding=encoding,
            region=region,
            overrides=overrides,
            split_full_name=split_full_name,
            duplicates=duplicates,
        )
    except BaseException:
        file.close()
        raise


def split_name(full_name: str | None) -> tuple[str | None, str | None]:
    """Split a full name into first and last name.

    "Last, First" splits at the comma. Otherwise the first word is the first name and the
    rest the last name, so "Mary Ann Smith" gives "Mary" and "Ann Smith": the first name is
    what the agent greets the person with. A single word is a first name alone.
    """
    if full_name is None:
        return None, None

    if "," in full_name:
        last, _, first = full_name.partition(",")
        return first.strip() or None, last.strip() or None

    first, _, rest = full_name.strip().partition(" ")
    return first or None, rest.strip() or None


def clean_value(raw: str | None) -> str | None:
    """Return the first of the cell's " ::: "-separated values, trimmed, or None if empty."""
    if raw is None:
        return None

    first = raw.strip().split(MULTI_VALUE_SEPARATOR, 1)[0].strip()
    return first or None


def _cell(values: dict[str, str], header: str | None) -> str | None:
    if header is None:
        return None

    return clean_value(values.get(header))


def _first_cell(values: dict[str, str], headers: tuple[str, ...]) -> str | None:
    for header in headers:
        value = _cell(values, header)
        if value is not None:
            return value

    return None


def _skipped(
    row_number: int,
    values: dict[str, str],
    reason: SkipReason,
    duplicate_of: int | None = None,
) -> ImportRow:
    return ImportRow(row_number, values, None, skip_reason=reason, duplicate_of=duplicate_of)
