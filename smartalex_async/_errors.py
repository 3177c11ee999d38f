"""Exceptions raised by the SDK.

    SmartAlexError
    ├── MissingAPIKeyError           no key given and SMARTALEX_API_KEY unset
    ├── InvalidParameterError        a value failed validation; nothing was sent (also ValueError)
    ├── APIConnectionError           no HTTP response arrived
    │   └── APITimeoutError
    ├── APIResponseError             a success response whose body breaks the API contract
    ├── OutcomeUnknownError          an unsafe request may or may not have taken effect
    └── APIStatusError               the server answered with an error status
        ├── BadRequestError          400
        │   └── NoContactsError      code no_contacts
        ├── AuthenticationError      401
        ├── PermissionDeniedError    403
        ├── NotFoundError            404
        │   ├── CampaignNotFoundError    code campaign_not_found
        │   └── AgentNotFoundError       code agent_not_found
        ├── RateLimitError           429, with the Retry-After delay
        └── ServerError              5xx

`error_from_response` picks the class: by the body's error code first, then by HTTP status.
No exception text ever contains the API key.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "APIConnectionError",
    "APIResponseError",
    "APIStatusError",
    "APITimeoutError",
    "AgentNotFoundError",
    "AuthenticationError",
    "BadRequestError",
    "CampaignNotFoundError",
    "InvalidParameterError",
    "MissingAPIKeyError",
    "NoContactsError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "SmartAlexError",
    "error_from_response",
]


class SmartAlexError(Exception):
    """Base class of every exception the SDK raises."""

    def __reduce__(self) -> tuple[Any, ...]:
        # The subclasses take keyword-only arguments, which the default exception pickling
        # (type(self)(*self.args)) cannot pass; errors must cross process boundaries intact.
        return (_restore_error, (type(self), self.args, self.__dict__))


def _restore_error(cls: type[SmartAlexError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class MissingAPIKeyError(SmartAlexError):
    """No API key was passed and the SMARTALEX_API_KEY environment variable is unset."""


class InvalidParameterError(SmartAlexError, ValueError):
    """A value given to the SDK is invalid. Raised before any request is sent."""


class APIConnectionError(SmartAlexError):
    """The request failed before an HTTP response arrived."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class APIResponseError(SmartAlexError):
    """A success response whose body does not have the shape the API documents.

    Attributes:
        body: The decoded body.
    """

    def __init__(self, message: str, *, body: Any = None) -> None:
        super().__init__(message)
        self.body = body


class OutcomeUnknownError(SmartAlexError):
    """A request that is unsafe to repeat failed in a way that hides whether it took effect.

    Raised for creates and starts after the connection was lost, the response timed out, or a
    gateway responded with 502 or 504. The SDK does not send such a request again, because a replay
    could create a duplicate; check whether it took effect (list or get) before sending it
    again. `__cause__` is the underlying error.

    Attributes:
        method: The HTTP method.
        path: The request path, relative to the base URL.
        json_body: The JSON body that was sent, or None.
    """

    def __init__(self, message: str, *, method: str, path: str, json_body: Any) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.json_body = json_body


class APIStatusError(SmartAlexError):
    """The server responded with an error status.

    Attributes:
        status: The HTTP status code.
        code: The `error.code` of the body, or None when the body had no error envelope.
        message: The `error.message` of the body, or a description of the status.
        request_id: The `X-Request-Id` response header, when sent.
        body: The decoded JSON body, or the raw text when it was not JSON.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str | None = None,
        request_id: str | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.request_id = request_id
        self.body = body

    def __str__(self) -> str:
        code = f" {self.code}" if self.code else ""
        request = f" (request {self.request_id})" if self.request_id else ""
        return f"HTTP {self.status}{code}: {self.message}{request}"


class BadRequestError(APIStatusError):
    """The server rejected the request as invalid (400)."""


class NoContactsError(BadRequestError):
    """The campaign cannot start because it has no contacts (`no_contacts`)."""


class AuthenticationError(APIStatusError):
    """The API key is missing, invalid or revoked (401)."""


class PermissionDeniedError(APIStatusError):
    """The API key may not perform this request (403)."""


class NotFoundError(APIStatusError):
    """The requested object does not exist (404)."""


class CampaignNotFoundError(NotFoundError):
    """No campaign has the given id (`campaign_not_found`)."""


class AgentNotFoundError(NotFoundError):
    """No agent has the given id (`agent_not_found`)."""


class RateLimitError(APIStatusError):
    """The API key's rate limit is spent (429).

    `retry_after` is the delay in seconds the server asked for, or None when it sent no
    usable Retry-After header.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """The server failed to handle the request (5xx)."""


_ERRORS_BY_CODE: dict[str, type[APIStatusError]] = {
    "invalid_request": BadRequestError,
    "no_contacts": NoContactsError,
    "unauthorized": AuthenticationError,
    "forbidden": PermissionDeniedError,
    "not_found": NotFoundError,
    "campaign_not_found": CampaignNotFoundError,
    "agent_not_found": AgentNotFoundError,
    "rate_limited": RateLimitError,
    "server_error": ServerError,
}

_ERRORS_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def _error_class(status: int, code: str | None) -> type[APIStatusError]:
    if code in _ERRORS_BY_CODE:
        return _ERRORS_BY_CODE[code]
    if status in _ERRORS_BY_STATUS:
        return _ERRORS_BY_STATUS[status]
    if status >= 500:
        return ServerError
    return APIStatusError


def _read_envelope(body: Any) -> tuple[str | None, str | None]:
    """Return the code and message of an error envelope, or (None, None) when it has none."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None, None
    code = error.get("code")
    message = error.get("message")
    return (
        code if isinstance(code, str) else None,
        message if isinstance(message, str) else None,
    )


def error_from_response(
    status: int,
    body: Any,
    *,
    request_id: str | None = None,
    retry_after: float | None = None,
) -> APIStatusError:
    """Build the most specific exception for an error response.

    The body's `error.code` decides first, so `campaign_not_found` becomes
    CampaignNotFoundError whatever status carries it. An unknown code falls back to the status.
    """
    code, message = _read_envelope(body)
    error_class = _error_class(status, code)
    message = message or f"The server responded with HTTP status {status}."
    if issubclass(error_class, RateLimitError):
        return error_class(
            message,
            status=status,
            code=code,
            request_id=request_id,
            body=body,
            retry_after=retry_after,
        )
    return error_class(message, status=status, code=code, request_id=request_id, body=body)


# Tracebacks and reprs name the public module, where users import these classes from.
for _name in __all__:
    _member = globals()[_name]
    if isinstance(_member, type):
        _member.__module__ = "smartalex_async"
