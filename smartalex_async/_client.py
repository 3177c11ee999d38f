"""AsyncSmartAlex, the client object users create."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING

import aiohttp
import yarl

from ._errors import InvalidParameterError, MissingAPIKeyError
from ._logging import configure_from_environment
from ._ratelimit import RateLimitState
from ._transport import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, Transport, as_client_timeout
from ._types import Timeout
from ._validation import require_non_negative_int
from .resources import AsyncCampaigns, AsyncContacts

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["API_KEY_ENV_VAR", "BASE_URL_ENV_VAR", "DEFAULT_BASE_URL", "AsyncSmartAlex"]

DEFAULT_BASE_URL = "https://api.getsmartalex.com/v1"
"""The production API root, used when neither base_url nor SMARTALEX_BASE_URL is set."""

API_KEY_ENV_VAR = "SMARTALEX_API_KEY"
"""Environment variable read for the API key when the client gets no api_key."""

BASE_URL_ENV_VAR = "SMARTALEX_BASE_URL"
"""Environment variable read for the API root when the client gets no base_url."""


class AsyncSmartAlex:
    """Async client of the SmartAlex API.

    Create one per application and share it: all its requests reuse one aiohttp session,
    which is opened on first use, and one rate limiter. Close it with `await client.close()`
    or `async with`.

    Args:
        api_key: The API key. Defaults to the SMARTALEX_API_KEY environment variable.
        base_url: The API root. Defaults to SMARTALEX_BASE_URL, else the production URL. It
            must use https unless its host is loopback or `allow_insecure_http` is set.
        timeout: Seconds for each attempt, or an aiohttp.ClientTimeout; see DEFAULT_TIMEOUT.
        max_retries: Retries after the first attempt of a retryable failure (default 4).
        requests_per_minute: Space requests evenly to stay under this rate, such as
            RatePlan.PROFESSIONAL; None sends as fast as the server's headers allow.
        trace_configs: aiohttp TraceConfig objects to attach to the session.
        allow_insecure_http: Allow an http base_url on a non-loopback host.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: Timeout = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        requests_per_minute: float | None = None,
        trace_configs: Sequence[aiohttp.TraceConfig] = (),
        allow_insecure_http: bool = False,
    ) -> None:
        configure_from_environment()
        key = api_key if api_key is not None else os.environ.get(API_KEY_ENV_VAR)
        if not key:
            raise MissingAPIKeyError(
                f"No API key given: pass api_key=... or set the {API_KEY_ENV_VAR} "
                "environment variable."
            )
        url = base_url or os.environ.get(BASE_URL_ENV_VAR) or DEFAULT_BASE_URL
        _check_base_url(url, allow_insecure_http=allow_insecure_http)
        if requests_per_minute is not None and not requests_per_minute > 0:
            raise InvalidParameterError(
                "requests_per_minute must be a positive number or None; "
                f"got {requests_per_minute!r}."
            )
        self._transport = Transport(
            api_key=key,
            base_url=url,
            timeout=as_client_timeout(timeout) or DEFAULT_TIMEOUT,
            max_retries=require_non_negative_int("max_retries", max_retries),
            requests_per_minute=requests_per_minute,
            trace_configs=trace_configs,
        )
        self._campaigns = AsyncCampaigns(self._transport)
        self._contacts = AsyncContacts(self._transport)

    @property
    def rate_limit(self) -> RateLimitState | None:
        """The X-RateLimit-* headers of the latest response that had them, or None."""
        return self._transport.rate_limit

    @property
    def base_url(self) -> str:
        """The API root that requests are sent to, without a trailing slash."""
        return self._transport.base_url

    @property
    def campaigns(self) -> AsyncCampaigns:
        """Outbound calling campaigns."""
        return self._campaigns

    @property
    def contacts(self) -> AsyncContacts:
        """Contacts that campaigns call."""
        return self._contacts

    async def close(self) -> None:
        """Close the HTTP session. Safe to call more than once."""
        await self._transport.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        # The key is never shown, not even in part.
        return f"{type(self).__name__}(base_url={self.base_url!r}, api_key='<hidden>')"


def _check_base_url(url: str, *, allow_insecure_http: bool) -> None:
    """Reject a base URL that would send the API key in clear text to another machine."""
    parsed = yarl.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InvalidParameterError(
            f"base_url must be an absolute http(s) URL such as {DEFAULT_BASE_URL!r}; got {url!r}."
        )
    if parsed.scheme == "https" or allow_insecure_http or _is_loopback(parsed.host):
        return
    raise InvalidParameterError(
        f"base_url {url!r} uses plain http, which would send the API key unencrypted. "
        "Use https, or pass allow_insecure_http=True for a trusted network."
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
