"""AsyncSmartAlex, the client object users create."""

from __future__ import annotations

import os
from types import TracebackType
from typing import TYPE_CHECKING

import aiohttp

from ._errors import MissingAPIKeyError
from ._transport import DEFAULT_TIMEOUT, Transport
from .resources import AsyncCampaigns, AsyncContacts

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["API_KEY_ENV_VAR", "BASE_URL_ENV_VAR", "DEFAULT_BASE_URL", "AsyncSmartAlex"]

DEFAULT_BASE_URL = "https://api.getsmartalex.com/v1"
API_KEY_ENV_VAR = "SMARTALEX_API_KEY"
BASE_URL_ENV_VAR = "SMARTALEX_BASE_URL"


class AsyncSmartAlex:
    """Async client of the SmartAlex API.

    Create one per application and share it: all its requests reuse one aiohttp session,
    which is opened on first use. Close it with `await client.close()` or `async with`.

    Args:
        api_key: The API key. Defaults to the SMARTALEX_API_KEY environment variable.
        base_url: The API root. Defaults to SMARTALEX_BASE_URL, else the production URL.
        timeout: aiohttp timeouts in seconds; see `DEFAULT_TIMEOUT` for the defaults.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: aiohttp.ClientTimeout | None = None,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get(API_KEY_ENV_VAR)
        if not key:
            raise MissingAPIKeyError(
                f"No API key given: pass api_key=... or set the {API_KEY_ENV_VAR} "
                "environment variable."
            )
        url = base_url or os.environ.get(BASE_URL_ENV_VAR) or DEFAULT_BASE_URL
        self._transport = Transport(api_key=key, base_url=url, timeout=timeout or DEFAULT_TIMEOUT)
        self._campaigns = AsyncCampaigns(self._transport)
        self._contacts = AsyncContacts(self._transport)

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
