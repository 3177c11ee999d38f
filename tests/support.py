"""Helpers for the unit tests, imported as `support` (tests/ is on the pytest path)."""

from __future__ import annotations

from typing import Any

from aioresponses import aioresponses
from yarl import URL

BASE_URL = "http://127.0.0.1:9/v1"
API_KEY = "sk_test_unit_secret_0123456789"


def calls(mock: aioresponses, method: str, url: str) -> list[Any]:
    """Return the requests `mock` received for exactly this method and URL (query included)."""
    return mock.requests.get((method, URL(url)), [])


def error_body(code: str, message: str, status: int) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status}}
