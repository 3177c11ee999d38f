"""Input shapes of `smartalex import`: Salesforce reports, full names, Excel-mangled phones."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from click.testing import CliRunner

from smartalex_async.cli._commands import main
from smartalex_async.cli._contacts_csv import (
    ContactsCsvError,
    MissingColumnsError,
    NoDuplicateCheck,
    SkipReason,
    open_contacts_csv,
    split_name,
)
from smartalex_async.cli._contacts_csv_duplicates import FileDuplicates
from smartalex_async.cli._contacts_csv_headers import map_headers
from smartalex_async.emulator import Emulator

SALESFORCE_REPORT = (
    '"First Name","Last Name","Title","Account Name","Phone","Mobile","Email","Mailing Street"\r\n'
    '"Ada","Lovelace","CTO","Analytical Engines","(415) 555-0100","","ada@example.com",'
    '"12 Byron Way\r\nSuite 4"\r\n'
    '"Grace","Hopper","","Navy","","+1 415 555 0101","grace@example.com",""\r\n'
    '"Alan","Turing","","Bletchley","1.4155550102E+10","","alan@example.com","Hut 8"\r\n'
)


def write_bytes(path: Path, text: str, *, bom: bool = False) -> Path:
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"))
    return path


def test_salesforce_report_rows(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "report.csv", SALESFORCE_REPORT, bom=True)

    with open_contacts_csv(path, region="US") as contacts:
        rows = list(contacts)

    assert contacts.encoding == "utf-8-sig"
    assert contacts.headers[0] == "First Name"
    assert contacts.mapping.phone == ("Phone", "Mobile")
    assert contacts.mapping.company == "Account Name"
    assert [row.row_number for row in rows] == [1, 2, 3]
    assert rows[0].values["Mailing Street"] == "12 Byron Way\r\nSuite 4"
    assert rows[0].draft is not None
    assert rows[0].draft.phone == "+14155550100"
    assert rows[0].draft.company == "Analytical Engines"
    assert rows[1].draft is not None
    assert rows[1].draft.phone == "+14155550101"
    assert rows[2].skip_reason is SkipReason.INVALID_PHONE


@pytest.mark.parametrize(
    "phone", ["1.5551234567E+10", "1.4155550102e+10", "4,9301234567E+11", " 2.0255501E+9 "]
)
def test_scientific_notation_phone_invalid(tmp_path: Path, phone: str) -> None:
    path = write_bytes(tmp_path / "contacts.csv", f'first_name,phone\nAda,"{phone}"\n')

    with open_contacts_csv(path, region="DE") as contacts:
        rows = list(contacts)

    assert rows[0].skip_reason is SkipReason.INVALID_PHONE


def test_surrounding_whitespace_trimmed(tmp_path: Path) -> None:
    path = write_bytes(
        tmp_path / "contacts.csv", " First Name , Phone \n  Ada  ,  +1 415 555 0100  \n"
    )

    with open_contacts_csv(path) as contacts:
        rows = list(contacts)

    assert rows[0].draft is not None
    assert rows[0].draft.first_name == "Ada"
    assert rows[0].draft.phone == "+14155550100"
    assert rows[0].values[" First Name "] == "  Ada  "


@pytest.mark.parametrize(
    ("full_name", "first", "last"),
    [
        ("Ada Lovelace", "Ada", "Lovelace"),
        ("Mary Ann Smith", "Mary", "Ann Smith"),
        ("Lovelace, Ada", "Ada", "Lovelace"),
        ("  Cher  ", "Cher", None),
        (None, None, None),
    ],
)
def test_split_name(full_name: str | None, first: str | None, last: str | None) -> None:
    assert split_name(full_name) == (first, last)


def test_full_name_column_split(tmp_path: Path) -> None:
    path = write_bytes(
        tmp_path / "contacts.csv",
        "Name,Phone\nAda Lovelace,+14155550100\n,+14155550101\nGrace,+14155550102\n",
    )

    with open_contacts_csv(path, split_full_name=True) as contacts:
        rows = list(contacts)

    assert contacts.mapping.name == "Name"
    assert contacts.mapping.first_name is None
    assert ("name", "Name") in contacts.mapping.items()
    assert rows[0].draft is not None
    assert (rows[0].draft.first_name, rows[0].draft.last_name) == ("Ada", "Lovelace")
    assert rows[1].skip_reason is SkipReason.MISSING_FIRST_NAME
    assert rows[2].draft is not None
    assert (rows[2].draft.first_name, rows[2].draft.last_name) == ("Grace", None)


def test_full_name_needs_opt_in() -> None:
    with pytest.raises(MissingColumnsError, match="no column for first_name"):
        map_headers(["Name", "Phone"])


def test_first_name_column_wins_over_full_name() -> None:
    mapping = map_headers(["Name", "First Name", "Phone"], split_full_name=True)

    assert mapping.first_name == "First Name"
    assert mapping.name is None


def test_override_replaces_detected_phones() -> None:
    mapping = map_headers(
        ["First Name", "Phone Number", "Mobile Phone", "Other"],
        {"other": "phone", "Mobile Phone": "phone"},
    )

    assert mapping.phone == ("Other", "Mobile Phone")


def test_override_takes_column_from_field() -> None:
    mapping = map_headers(["First Name", "Last Name", "Phone"], {"Last Name": "company"})

    assert mapping.company == "Last Name"
    assert mapping.last_name is None


def test_override_unknown_field() -> None:
    with pytest.raises(ContactsCsvError, match="Cannot map the column 'Phone' to 'mobile'"):
        map_headers(["First Name", "Phone"], {"Phone": "mobile"})


def test_override_missing_header() -> None:
    with pytest.raises(ContactsCsvError, match="the header row has no such column"):
        map_headers(["First Name", "Phone"], {"Cell": "phone"})


def test_file_duplicates_detects_repeats() -> None:
    with FileDuplicates() as duplicates:
        first = duplicates.earlier_row("+14155550100", 1)
        second = duplicates.earlier_row("+14155550101", 2)
        repeat = duplicates.earlier_row("+14155550100", 7)

    assert (first, second, repeat) == (None, None, 1)


def test_file_duplicates_deletes_file() -> None:
    duplicates = FileDuplicates()
    directory = duplicates._directory

    duplicates.close()

    assert not directory.exists()


def test_no_duplicate_check_accepts_repeats(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "c.csv", "first_name,phone\nA,+14155550100\nB,+14155550100\n")

    with open_contacts_csv(path, duplicates=NoDuplicateCheck()) as contacts:
        rows = list(contacts)

    assert [row.skip_reason for row in rows] == [None, None]


def test_import_salesforce_and_names(emulator_thread: Emulator, tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "report.csv", SALESFORCE_REPORT, bom=True)
    names = write_bytes(tmp_path / "names.csv", 'Full Name,Phone\n"Lovelace, Ada",+14155550109\n')
    connection = ["--api-key", emulator_thread.api_key, "--base-url", emulator_thread.base_url]

    first = CliRunner().invoke(main, ["import", str(path), "--campaign-name", "SF", *connection])
    second = CliRunner().invoke(main, ["import", str(names), "--campaign-name", "N", *connection])

    stored = {
        (contact["first_name"], contact["last_name"], contact["phone"])
        for contact in emulator_thread.state.contacts.values()
    }
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert stored == {
        ("Ada", "Lovelace", "+14155550100"),
        ("Grace", "Hopper", "+14155550101"),
        ("Ada", "Lovelace", "+14155550109"),
    }
