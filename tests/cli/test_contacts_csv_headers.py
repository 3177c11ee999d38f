"""Tests for mapping contacts CSV headers to contact fields."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support import DATA

from smartalex_async.cli._contacts_csv import (
    HeaderMapping,
    MissingColumnsError,
    open_contacts_csv,
)
from smartalex_async.cli._contacts_csv_headers import map_headers

EXPECTED_MAPPINGS = {
    "contacts-google.csv": HeaderMapping(
        first_name="First Name",
        last_name="Last Name",
        phone=("Phone 1 - Value", "Phone 2 - Value"),
        email="E-mail 1 - Value",
        company="Organization Name",
    ),
    "contacts-hubspot.csv": HeaderMapping(
        first_name="First Name",
        last_name="Last Name",
        phone=("Phone Number", "Mobile Phone Number"),
        email="Email",
        company="Company Name",
    ),
    "contacts-outlook-eu.csv": HeaderMapping(
        first_name="First Name",
        last_name="Last Name",
        phone=("Mobile Phone", "Business Phone"),
        email="E-mail Address",
        company="Company",
    ),
    "contacts-minimal.csv": HeaderMapping(
        first_name="first_name",
        last_name="last_name",
        phone=("phone",),
        email="email",
        company="company",
    ),
}


def read_header(name: str) -> list[str]:
    encoding = "cp1252" if "outlook" in name else "utf-8"
    delimiter = ";" if "outlook" in name else ","
    with (DATA / name).open(encoding=encoding, newline="") as file:
        return next(csv.reader(file, delimiter=delimiter))


@pytest.mark.parametrize("name", sorted(EXPECTED_MAPPINGS))
def test_mapping_bundled_header(name: str) -> None:
    assert map_headers(read_header(name)) == EXPECTED_MAPPINGS[name]


@pytest.mark.parametrize("name", sorted(EXPECTED_MAPPINGS))
def test_mapping_exposed_by_reader(name: str) -> None:
    region = "DE" if "outlook" in name else "US"

    with open_contacts_csv(DATA / name, region=region) as contacts:
        assert contacts.mapping == EXPECTED_MAPPINGS[name]


def test_mapping_outlook_all_phones() -> None:
    mapping = map_headers(["First Name", "Home Phone", "Business Phone", "Mobile Phone"])

    assert mapping.phone == ("Mobile Phone", "Business Phone", "Home Phone")


def test_mapping_case_and_whitespace() -> None:
    mapping = map_headers(["  FIRST NAME ", "phone number\t", "E-MAIL ADDRESS"])

    assert mapping.first_name == "  FIRST NAME "
    assert mapping.phone == ("phone number\t",)
    assert mapping.email == "E-MAIL ADDRESS"


def test_mapping_optional_absent() -> None:
    mapping = map_headers(["first_name", "phone"])

    assert mapping.last_name is None
    assert mapping.email is None
    assert mapping.company is None


def test_mapping_leftmost_duplicate() -> None:
    mapping = map_headers(["first_name", "Phone", "phone"])

    assert mapping.phone == ("Phone",)


def test_mapping_alias_priority() -> None:
    mapping = map_headers(["First Name", "Company Name", "Organization Name", "phone"])

    assert mapping.company == "Organization Name"


def test_mapping_items_order() -> None:
    mapping = EXPECTED_MAPPINGS["contacts-google.csv"]

    assert mapping.items() == [
        ("first_name", "First Name"),
        ("last_name", "Last Name"),
        ("phone", "Phone 1 - Value"),
        ("phone", "Phone 2 - Value"),
        ("email", "E-mail 1 - Value"),
        ("company", "Organization Name"),
    ]


def test_mapping_items_skip_absent() -> None:
    mapping = map_headers(["phone", "first_name"])

    assert mapping.items() == [("first_name", "first_name"), ("phone", "phone")]


def test_missing_first_name_column() -> None:
    with pytest.raises(MissingColumnsError) as caught:
        map_headers(["Name", "Phone Number"])

    assert caught.value.missing == ("first_name",)
    assert caught.value.headers == ("Name", "Phone Number")


def test_missing_column_message() -> None:
    with pytest.raises(MissingColumnsError) as caught:
        map_headers(["Name", "Phone Number"])

    message = str(caught.value)
    assert "no column for first_name" in message
    assert "Found: 'Name', 'Phone Number'" in message
    assert "'First Name'" in message


def test_missing_phone_column() -> None:
    with pytest.raises(MissingColumnsError) as caught:
        map_headers(["First Name", "Fax"])

    assert caught.value.missing == ("phone",)


def test_missing_both_columns() -> None:
    with pytest.raises(MissingColumnsError) as caught:
        map_headers(["Name", "Fax"])

    assert caught.value.missing == ("first_name", "phone")


def test_missing_column_on_open(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text("Name,Phone Number\nAnn,+12025550128\n", encoding="utf-8")

    with pytest.raises(MissingColumnsError, match="no column for first_name"):
        open_contacts_csv(path)


def test_missing_column_tab_delimited(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text("first_name\tphone\nAnn\t+12025550128\n", encoding="utf-8")

    with pytest.raises(MissingColumnsError) as caught:
        open_contacts_csv(path)

    assert caught.value.headers == ("first_name\tphone",)
