"""Helpers for the unit tests, imported as `support` (tests/ is on the pytest path)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aioresponses import aioresponses
from yarl import URL

BASE_URL = "http://127.0.0.1:9/v1"
API_KEY = "sk_test_unit_secret_0123456789"

DATA = Path(__file__).parent / "data"
"""The bundled CRM exports."""

# Expected outcomes for the bundled exports. Each count was derived independently of the
# module by a throwaway script that used the plain csv module and hand-written numbering-plan
# rules (NANP [2-9]XX-[2-9]XX-XXXX, UK/FR/AU/DE lengths and leading digits), not phonenumbers.
BUNDLED = [
    # (file, region, encoding, delimiter, data rows, expected counts)
    (
        "contacts-google.csv",
        "US",
        "utf-8",
        ",",
        1500,
        {"draft": 1392, "missing_phone": 40, "invalid_phone": 68},
    ),
    (
        "contacts-hubspot.csv",
        "US",
        "utf-8",
        ",",
        3000,
        {"draft": 2706, "missing_phone": 281, "invalid_phone": 13},
    ),
    ("contacts-minimal.csv", "US", "utf-8", ",", 200, {"draft": 200}),
    # French national-format numbers such as "01 99 00 54 43" are read as German numbers
    # with region DE and are rejected as invalid_phone (136 rows). French numbers in
    # international format ("+33 6 39 98 20 36") are accepted.
    (
        "contacts-outlook-eu.csv",
        "DE",
        "cp1252",
        ";",
        800,
        {"draft": 445, "missing_phone": 165, "invalid_phone": 136, "duplicate_phone": 54},
    ),
]


def calls(mock: aioresponses, method: str, url: str) -> list[Any]:
    """Return the requests `mock` received for exactly this method and URL (query included)."""
    return mock.requests.get((method, URL(url)), [])


def error_body(code: str, message: str, status: int) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status}}
