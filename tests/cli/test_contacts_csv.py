"""Tests for reading contacts CSV rows into drafts or skip reasons."""

from __future__ import annotations

import collections
import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import BUNDLED, DATA

from smartalex_async.cli._contacts_csv import (
    ContactDraft,
    ContactsCsvError,
    ContactsCsvReader,
    ImportRow,
    SkipReason,
    clean_value,
    open_contacts_csv,
)
from smartalex_async.cli._contacts_csv_phone import normalize_phone

HEADER = "first_name,last_name,phone,email,company\n"


def read_rows(tmp_path: Path, text: str, region: str = "US") -> list[ImportRow]:
    path = tmp_path / "contacts.csv"
    path.write_text(text, encoding="utf-8")
    with open_contacts_csv(path, region=region) as contacts:
        return list(contacts)


def test_row_draft_fields(tmp_path: Path) -> None:
    rows = read_rows(tmp_path, HEADER + "Ann,Lee,(202) 555-0128,ann@example.com,Acme\n")

    assert rows[0].draft == ContactDraft(
        first_name="Ann",
        last_name="Lee",
        phone="+12025550128",
        email="ann@example.com",
        company="Acme",
    )
    assert rows[0].skip_reason is None
    assert rows[0].duplicate_of is None


def test_row_optional_columns_absent(tmp_path: Path) -> None:
    rows = read_rows(tmp_path, "phone,first_name\n+12025550128,Ann\n")

    assert rows[0].draft == ContactDraft("Ann", None, "+12025550128", None, None)


def test_row_values_raw(tmp_path: Path) -> None:
    rows = read_rows(tmp_path, "first_name,phone,Notes\n  Ann ,202-555-0128, VIP \n")

    assert rows[0].values == {"first_name": "  Ann ", "phone": "202-555-0128", "Notes": " VIP "}


def test_row_whitespace_trimmed(tmp_path: Path) -> None:
    rows = read_rows(tmp_path, HEADER + "  Ann  ,  Lee ,  +12025550128 ,   , \tAcme\t\n")
    draft = rows[0].draft

    assert draft is not None
    assert draft.first_name == "Ann"
    assert draft.last_name == "Lee"
    assert draft.phone == "+12025550128"
    assert draft.email is None
    assert draft.company == "Acme"


def test_row_multi_value_first(tmp_path: Path) -> None:
    line = "Jess ::: Jessica,Lee,+1 413 555 0132 ::: +1 202 555 0128,a@example.com ::: b@x,Acme\n"
    rows = read_rows(tmp_path, HEADER + line)
    draft = rows[0].draft

    assert draft is not None
    assert draft.first_name == "Jess"
    assert draft.phone == "+14135550132"
    assert draft.email == "a@example.com"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        (" Ann ", "Ann"),
        ("Ann ::: Anna", "Ann"),
        ("  Ann  :::  Anna ", "Ann"),
        ("a:::b", "a:::b"),
    ],
)
def test_clean_value(raw: str | None, expected: str | None) -> None:
    assert clean_value(raw) == expected


def test_skip_missing_first_name(tmp_path: Path) -> None:
    rows = read_rows(tmp_path, HEADER + "  ,Lee,+12025550128,,\n")

    assert rows[0].skip_reason is SkipReason.MISSING_FIRST_NAME
    assert rows[0].draft is None


def test_skip_missing_phone(tmp_path: Path) -> None:
    rows = read_rows(tmp_path, HEADER + "Ann,Lee, ,,\n")

    assert rows[0].skip_reason is SkipReason.MISSING_PHONE


def test_skip_invalid_phone(tmp_path: Path) -> None:
    rows = read_rows(tmp_path, HEADER + "Ann,Lee,call me,,\n")

    assert rows[0].skip_reason is SkipReason.INVALID_PHONE


def test_skip_both_missing(tmp_path: Path) -> None:
    rows = read_rows(tmp_path, HEADER + ",Lee,,,\n")

    assert rows[0].skip_reason is SkipReason.MISSING_FIRST_NAME


def test_skip_first_name_before_phone(tmp_path: Path) -> None:
    rows = read_rows(tmp_path, HEADER + ",Lee,garbage,,\n")

    assert rows[0].skip_reason is SkipReason.MISSING_FIRST_NAME


def test_duplicate_reports_earlier_row(tmp_path: Path) -> None:
    text = HEADER + "Ann,,+12025550128,,\nBob,,+13035550142,,\nCid,,(202) 555-0128,,\n"
    rows = read_rows(tmp_path, text)

    assert rows[2].skip_reason is SkipReason.DUPLICATE_PHONE
    assert rows[2].duplicate_of == 1
    assert rows[2].draft is None


def test_duplicate_points_to_first(tmp_path: Path) -> None:
    text = HEADER + "Ann,,+12025550128,,\nBob,,2025550128,,\nCid,,202.555.0128,,\n"
    rows = read_rows(tmp_path, text)

    assert rows[2].duplicate_of == 1


def test_duplicate_ignores_skipped_rows(tmp_path: Path) -> None:
    # Row 1 is skipped, so its phone does not make row 2 a duplicate.
    rows = read_rows(tmp_path, HEADER + ",Lee,+12025550128,,\nAnn,,+12025550128,,\n")

    assert rows[1].draft is not None
    assert rows[1].skip_reason is None


def test_skip_reason_values() -> None:
    assert [reason.value for reason in SkipReason] == [
        "missing_first_name",
        "missing_phone",
        "invalid_phone",
        "duplicate_phone",
    ]


def test_skip_reason_serializes() -> None:
    assert json.dumps([SkipReason.INVALID_PHONE]) == '["invalid_phone"]'


def test_skip_reason_formats_value() -> None:
    assert f"{SkipReason.MISSING_PHONE}" == "missing_phone"


def test_phone_first_non_empty(tmp_path: Path) -> None:
    text = "First Name,Mobile Phone,Business Phone\nAnn, ,(303) 555-0142\n"
    rows = read_rows(tmp_path, text)
    draft = rows[0].draft

    assert draft is not None
    assert draft.phone == "+13035550142"


def test_phone_priority_order(tmp_path: Path) -> None:
    text = "First Name,Business Phone,Mobile Phone\nAnn,(303) 555-0142,(202) 555-0128\n"
    rows = read_rows(tmp_path, text)
    draft = rows[0].draft

    assert draft is not None
    assert draft.phone == "+12025550128"


def test_phone_invalid_no_fallback(tmp_path: Path) -> None:
    text = "First Name,Mobile Phone,Business Phone\nAnn,not a phone,(303) 555-0142\n"
    rows = read_rows(tmp_path, text)

    assert rows[0].skip_reason is SkipReason.INVALID_PHONE


def test_phone_uses_region(tmp_path: Path) -> None:
    rows = read_rows(tmp_path, HEADER + "Achim,,(030) 23125-328,,\n", region="DE")
    draft = rows[0].draft

    assert draft is not None
    assert draft.phone == "+493023125328"


def test_row_numbers_exclude_header(tmp_path: Path) -> None:
    rows = read_rows(tmp_path, HEADER + "Ann,,+12025550128,,\nBob,,+13035550142,,\n")

    assert [row.row_number for row in rows] == [1, 2]


def test_row_numbers_count_blank_lines(tmp_path: Path) -> None:
    rows = read_rows(tmp_path, HEADER + "Ann,,+12025550128,,\n\nBob,,+13035550142,,\n")

    assert [row.row_number for row in rows] == [1, 3]


def test_row_numbers_multiline_field(tmp_path: Path) -> None:
    text = HEADER + 'Ann,,+12025550128,,"Acme\nWest"\nBob,,+13035550142,,\n'
    rows = read_rows(tmp_path, text)

    assert [row.row_number for row in rows] == [1, 2]
    assert rows[0].values["company"] == "Acme\nWest"


def test_row_short_values(tmp_path: Path) -> None:
    rows = read_rows(tmp_path, HEADER + "Ann,Lee\n")

    assert rows[0].values == {"first_name": "Ann", "last_name": "Lee"}
    assert rows[0].skip_reason is SkipReason.MISSING_PHONE


def test_row_extra_fields_dropped(tmp_path: Path) -> None:
    rows = read_rows(tmp_path, "first_name,phone\nAnn,+12025550128,extra\n")

    assert rows[0].values == {"first_name": "Ann", "phone": "+12025550128"}


def test_row_duplicate_header_leftmost(tmp_path: Path) -> None:
    rows = read_rows(tmp_path, "first_name,phone,phone\nAnn,+12025550128,+13035550142\n")

    assert rows[0].values["phone"] == "+12025550128"


def test_header_only_file(tmp_path: Path) -> None:
    assert read_rows(tmp_path, HEADER) == []


def test_empty_file_raises(tmp_path: Path) -> None:
    with pytest.raises(ContactsCsvError, match="The file is empty"):
        read_rows(tmp_path, "")


def test_crlf_line_endings(tmp_path: Path) -> None:
    rows = read_rows(tmp_path, "first_name,phone\r\nAnn,+12025550128\r\n")

    assert rows[0].values == {"first_name": "Ann", "phone": "+12025550128"}


def test_malformed_after_good_rows() -> None:
    text = 'first_name,phone\nAnn,+12025550128\nBob,"+13035550142\n'
    contacts = ContactsCsvReader(io.StringIO(text), encoding="utf-8", region="US")

    assert next(contacts).row_number == 1
    with pytest.raises(ContactsCsvError, match="malformed near line 3"):
        next(contacts)


class CountingStream(io.StringIO):
    """Text stream that counts the lines the reader has pulled from it."""

    lines_read = 0

    # typeshed declares bytes for the io base classes, hence the ignores.
    def readline(self, size: int = -1) -> str:  # type: ignore[override]
        self.lines_read += 1
        return super().readline(size)

    def __next__(self) -> str:  # type: ignore[override]
        self.lines_read += 1
        return super().__next__()


def test_reader_streams_lazily() -> None:
    stream = CountingStream(HEADER + "Ann,,+12025550128,,\n" * 1000)
    contacts = ContactsCsvReader(stream, encoding="utf-8", region="US")

    next(contacts)

    assert stream.lines_read <= 3


def test_reader_closed_after_with(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(HEADER + "Ann,,+12025550128,,\n", encoding="utf-8")

    with open_contacts_csv(path) as contacts:
        pass

    with pytest.raises(ValueError, match="closed file"):
        next(contacts)


def test_reader_properties(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(HEADER, encoding="utf-8")

    with open_contacts_csv(path, region="de") as contacts:
        assert contacts.region == "DE"
        assert contacts.encoding == "utf-8"
        assert contacts.delimiter == ","
        assert contacts.headers == ("first_name", "last_name", "phone", "email", "company")


names = st.sampled_from(["Ann", "", "  ", " Bob ", "Zoë ::: Z"])
phones = st.sampled_from(
    ["+12025550128", "(303) 555-0142", "", " ", "garbage", "202.555.0128", "+44 7700 900149"]
)


@given(st.lists(st.tuples(names, phones), max_size=30))
def test_every_row_accounted(records: list[tuple[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["first_name", "phone"])
    writer.writerows(records)
    buffer.seek(0)

    rows = list(ContactsCsvReader(buffer, encoding="utf-8", region="US"))

    assert [row.row_number for row in rows] == list(range(1, len(records) + 1))
    for row in rows:
        assert (row.draft is None) != (row.skip_reason is None)

    phones_seen = [row.draft.phone for row in rows if row.draft is not None]
    assert len(phones_seen) == len(set(phones_seen))


OUTCOMES = ["draft", *(reason.value for reason in SkipReason)]


def read_bundled(name: str, region: str) -> list[ImportRow]:
    with open_contacts_csv(DATA / name, region=region) as contacts:
        return list(contacts)


def outcome(row: ImportRow) -> str:
    return "draft" if row.skip_reason is None else row.skip_reason.value


@pytest.mark.parametrize(("name", "region", "encoding", "delimiter", "total", "counts"), BUNDLED)
def test_bundled_counts(
    name: str,
    region: str,
    encoding: str,
    delimiter: str,
    total: int,
    counts: dict[str, int],
) -> None:
    rows = read_bundled(name, region)
    actual = collections.Counter(outcome(row) for row in rows)

    assert len(rows) == total
    for key in OUTCOMES:
        assert actual[key] == counts.get(key, 0), key


@pytest.mark.parametrize(("name", "region", "encoding", "delimiter", "total", "counts"), BUNDLED)
def test_bundled_format(
    name: str,
    region: str,
    encoding: str,
    delimiter: str,
    total: int,
    counts: dict[str, int],
) -> None:
    with open_contacts_csv(DATA / name, region=region) as contacts:
        assert contacts.encoding == encoding
        assert contacts.delimiter == delimiter


def test_outlook_duplicates_match_earlier() -> None:
    rows = read_bundled("contacts-outlook-eu.csv", "DE")
    drafts_by_row = {row.row_number: row.draft for row in rows if row.draft is not None}
    duplicates = [row for row in rows if row.skip_reason is SkipReason.DUPLICATE_PHONE]

    for row in duplicates:
        assert row.duplicate_of is not None
        assert row.duplicate_of < row.row_number

        earlier = drafts_by_row[row.duplicate_of]
        assert earlier is not None

        raw_phone = row.values["Mobile Phone"].strip() or row.values["Business Phone"].strip()
        assert normalize_phone(raw_phone, "DE") == earlier.phone


def test_outlook_french_national_invalid() -> None:
    rows = read_bundled("contacts-outlook-eu.csv", "DE")

    # Row 4 is Bernadette Merle, mobile "01 99 00 54 43".
    assert rows[3].values["Mobile Phone"] == "01 99 00 54 43"
    assert rows[3].skip_reason is SkipReason.INVALID_PHONE


def test_outlook_french_international_draft() -> None:
    rows = read_bundled("contacts-outlook-eu.csv", "DE")
    draft = rows[5].draft

    # Row 6 is Daniel Fontaine, mobile "+33 6 39 98 20 36".
    assert draft is not None
    assert draft.phone == "+33639982036"


def test_outlook_cp1252_name() -> None:
    rows = read_bundled("contacts-outlook-eu.csv", "DE")

    # Row 7's last name is "Prévost", stored as the cp1252 byte 0xE9.
    assert rows[6].values["Last Name"] == "Prévost"


def test_google_packed_phone_first() -> None:
    rows = read_bundled("contacts-google.csv", "US")
    karen = rows[15]

    # Row 16 is Karen Shah, phone cell "+1 334 555 0189 ::: +1 215 555 0145". Earlier rows
    # have multi-line Notes, so the row number is less than the physical line number.
    assert karen.values["Last Name"] == "Shah"
    assert karen.draft is not None
    assert karen.draft.phone == "+13345550189"


def test_google_packed_phone_no_fallback() -> None:
    rows = read_bundled("contacts-google.csv", "US")
    angela = rows[49]

    # Row 50 is Angela Evans, phone cell "07700 900490 ::: +1 281 555 0168": only the first
    # value counts, and a UK national number is invalid with region US.
    assert angela.values["Last Name"] == "Evans"
    assert angela.skip_reason is SkipReason.INVALID_PHONE
