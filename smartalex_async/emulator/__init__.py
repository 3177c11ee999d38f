"""In-memory emulator of the SmartAlex REST API (``/v1``), built on aiohttp.web.

It serves campaigns and contacts with the vendor's envelopes, error codes, pagination and
Bearer authentication. State lives in memory and is lost when the server stops. The
package depends only on the standard library, aiohttp and attrs, not on the SDK.

Usage in a test::

    async with run_emulator() as emulator:
        headers = {"Authorization": f"Bearer {emulator.api_key}"}
        async with aiohttp.ClientSession(headers=headers) as session:
            await session.get(f"{emulator.base_url}/campaigns")

Errors use the generic codes invalid_request (400), unauthorized (401), forbidden (403),
not_found (404), rate_limited (429) and server_error (500). A wrong method on a known route
gets invalid_request with status 405. The vendor gives the campaign codes no statuses, so
the emulator chooses campaign_not_found and agent_not_found as 404 and no_contacts as 400.
STATUS_BY_CODE maps each code to its status, and ``_errors.py`` gives the reasons.
"""

from __future__ import annotations

from ._app import create_app
from ._errors import STATUS_BY_CODE
from ._server import Emulator, run_emulator, serve
from ._state import DEFAULT_API_KEY, SEEDED_AGENT_IDS, SEEDED_PHONE_NUMBER_IDS, EmulatorState

__all__ = [
    "DEFAULT_API_KEY",
    "SEEDED_AGENT_IDS",
    "SEEDED_PHONE_NUMBER_IDS",
    "STATUS_BY_CODE",
    "Emulator",
    "EmulatorState",
    "create_app",
    "run_emulator",
    "serve",
]
