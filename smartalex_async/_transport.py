"""The HTTP layer: one aiohttp session per client, JSON envelopes, and error mapping.

This is the one place that turns aiohttp exceptions and error responses into SDK errors.
"""

from __future__ import annotations

import asyncio
import json
import logging
import platform
import time
from typing import Any

import aiohttp

from ._errors import APIConnectionError, APIStatusError, APITimeoutError, error_from_response
from ._version import __version__

__all__ = ["DEFAULT_TIMEOUT", "Transport", "parse_retry_after"]

logger = logging.getLogger("smartalex.http")

DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=60, connect=10, sock_read=30)
"""Seconds: 60 for a whole request, 10 to connect, 30 between two reads of the response."""

USER_AGENT = (
    f"smartalex-python/{__version__} aiohttp/{aiohttp.__version__} "
    f"python/{platform.python_version()}"
)


def parse_retry_after(value: str | None) -> float | None:
    """Return the Retry-After header as seconds, or None when absent or not a number.

    NOTE: only the delay-seconds form is read; the HTTP-date form gives None.
    """
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


class Transport:
    """Sends requests for one client and decodes the API's JSON envelopes.

    The aiohttp session is created on first use inside the running event loop, and created
    again when the client is used from another loop, because a session is bound to its loop.
    """

    def __init__(self, *, api_key: str, base_url: str, timeout: aiohttp.ClientTimeout) -> None:
        self._headers = {
            "Authorization": f"Bearer {api_key}",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None

    @property
    def base_url(self) -> str:
        return self._base_url

    def _get_session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._session_loop is not loop:
            # A session from an earlier loop cannot be closed from this one; that loop has
            # ended, and its connections with it.
            if self._session is not None and not self._session.closed:
                self._session.detach()
            self._session = aiohttp.ClientSession(headers=self._headers, timeout=self._timeout)
            self._session_loop = loop
        return self._session

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        """Send one request and return the decoded JSON body, or None for an empty body.

        Raises APIStatusError (or a subclass) for an error status, and APIConnectionError or
        APITimeoutError when no response arrived.
        """
        url = self._base_url + path
        started = time.monotonic()
        try:
            status, headers, body = await self._send(method, url, json_body, params)
        except asyncio.TimeoutError as exc:
            raise APITimeoutError(f"{method} {path} timed out.", method=method, url=url) from exc
        except aiohttp.ClientError as exc:
            raise APIConnectionError(
                f"{method} {path} failed before a response arrived: {exc}", method=method, url=url
            ) from exc

        request_id = headers.get("X-Request-Id")
        elapsed_ms = (time.monotonic() - started) * 1000
        logger.debug(
            "%s %s -> %s in %.1f ms (request %s)", method, path, status, elapsed_ms, request_id
        )
        if status >= 300:
            raise self._error(status, headers, body, request_id)
        return body

    async def _send(
        self, method: str, url: str, json_body: Any, params: dict[str, Any] | None
    ) -> tuple[int, Any, Any]:
        session = self._get_session()
        async with session.request(
            method, url, json=json_body, params=params, allow_redirects=False
        ) as response:
            raw = await response.read()
            return response.status, response.headers, _decode_body(raw)

    @staticmethod
    def _error(status: int, headers: Any, body: Any, request_id: str | None) -> APIStatusError:
        if 300 <= status < 400:
            location = headers.get("Location")
            return APIStatusError(
                f"The server redirected to {location!r}; API calls do not follow redirects. "
                "Check base_url.",
                status=status,
                request_id=request_id,
                body=body,
            )
        retry_after = parse_retry_after(headers.get("Retry-After"))
        return error_from_response(status, body, request_id=request_id, retry_after=retry_after)

    async def close(self) -> None:
        """Close the session. Safe to call more than once."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()


def _decode_body(raw: bytes) -> Any:
    """Decode a JSON body; an empty body is None and a non-JSON body is kept as text."""
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", errors="replace")
