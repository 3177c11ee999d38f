"""Tests for phone normalization and region checks."""

from __future__ import annotations

from pathlib import Path

import phonenumbers
import pytest

from smartalex_async.cli._contacts_csv import open_contacts_csv
from smartalex_async.cli._contacts_csv_phone import check_region, normalize_phone


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("(202) 555-0128", "US", "+12025550128"),
        ("202.555.0128", "US", "+12025550128"),
        ("2025550128", "US", "+12025550128"),
        ("1-334-555-0195", "US", "+13345550195"),
        ("+1 413 555 0132", "US", "+14135550132"),
        ("+12065550135", "DE", "+12065550135"),
        ("(478) 555-0162 x375", "US", "+14785550162"),
        ("(030) 23125-328", "DE", "+493023125328"),
        ("030 23125 492", "DE", "+493023125492"),
        ("+49 30 23125616", "US", "+493023125616"),
        ("+61 491 570 772", "US", "+61491570772"),
        # Ranges reserved for fiction: possible but not valid in phonenumbers 9.0.43.
        ("+44 7700 900149", "US", "+447700900149"),
        ("+33 6 39 98 20 36", "DE", "+33639982036"),
        ("0033 6 39 98 20 36", "DE", "+33639982036"),
    ],
)
def test_normalize_accepts(raw: str, region: str, expected: str) -> None:
    assert normalize_phone(raw, region) == expected


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("abc", "US"),
        ("12", "US"),
        ("+", "US"),
        # Seven-digit local number: dialable only inside its area code.
        ("555-0128", "US"),
        # National formats of other countries, read with the wrong default region.
        ("0491 570 772", "US"),
        ("07700 900713", "US"),
        ("020 7946 0481", "US"),
        ("01 99 00 54 43", "DE"),
        ("(030) 23125-328", "US"),
        # International format that breaks the country's number pattern or length.
        ("+1 049 157 0772", "US"),
        # Fits the US pattern 3XXXXXX, but seven digits are a local-only length.
        ("+1 355 0142", "US"),
        ("+44 7700 9001", "US"),
        ("+999 1234 5678", "US"),
    ],
)
def test_normalize_rejects(raw: str, region: str) -> None:
    assert normalize_phone(raw, region) is None


def test_library_us_fiction_valid() -> None:
    # National US fiction numbers are accepted only because NXX-555-01xx passes this check.
    number = phonenumbers.parse("(202) 555-0128", "US")

    assert phonenumbers.is_valid_number(number)


def test_library_uk_fiction_invalid() -> None:
    # International numbers skip is_valid_number because ranges reserved for fiction fail it.
    number = phonenumbers.parse("+44 7700 900149", "US")

    assert not phonenumbers.is_valid_number(number)


def test_library_foreign_national_possible() -> None:
    # National numbers need is_valid_number because a length check alone accepts this
    # Australian number as a US one.
    number = phonenumbers.parse("0491 570 772", "US")

    assert phonenumbers.is_possible_number(number)


def test_region_upper_case() -> None:
    assert check_region(" de ") == "DE"


def test_region_unknown_raises() -> None:
    with pytest.raises(ValueError, match="Unknown region code 'XX'"):
        check_region("XX")


def test_region_unknown_on_open(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text("first_name,phone\n", encoding="utf-8")

    with pytest.raises(ValueError, match="Unknown region code 'USA'"):
        open_contacts_csv(path, region="USA")
