"""Error codes of the SmartAlex API and the exception that carries them to the HTTP layer.

Every error response has the envelope
``{"error": {"code": ..., "message": ..., "status": ...}}`` with the same HTTP status.

Generic codes and their statuses:

- ``invalid_request``: 400, or 405 when the route exists but not for the request method.
- ``unauthorized``: 401.
- ``forbidden``: 403.
- ``not_found``: 404.
- ``rate_limited``: 429.
- ``server_error``: 500, or 503 when fault injection makes the service unavailable.

The vendor documents the campaign-specific codes without statuses, so the emulator chooses them:

- ``campaign_not_found``: 404, like any unknown resource.
- ``agent_not_found``: 404, because the request names an agent that does not exist.
- ``no_contacts``: 400, because the request is valid only after contacts are added.

The emulator adds ``contact_limit_reached`` with 403 for a new contact beyond the plan's cap
(``_plans.py``), because the plan does not permit it and retrying cannot help.

NOTE: No emulator endpoint returns ``forbidden`` yet. It is listed so the status table is
complete. ``rate_limited`` comes only from rate limits and fault injection (``_faults.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

STATUS_BY_CODE: dict[str, int] = {
    "invalid_request": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "rate_limited": 429,
    "server_error": 500,
    "campaign_not_found": 404,
    "agent_not_found": 404,
    "no_contacts": 400,
    "contact_limit_reached": 403,
}


class ApiError(Exception):
    """An API error that the HTTP layer turns into the error envelope.

    The status defaults to the one in STATUS_BY_CODE for the code. headers are extra
    response headers, such as Allow on a 405 response.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = STATUS_BY_CODE[code] if status is None else status
        self.headers = dict(headers or {})

    def to_json(self) -> dict[str, object]:
        """Return the error envelope as a JSON-ready dict."""
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


def invalid_request(message: str) -> ApiError:
    """Return a 400 ``invalid_request`` error with the given message."""
    return ApiError("invalid_request", message)
