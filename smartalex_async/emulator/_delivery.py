"""Delivery of a finished response under the drop-after-apply and stall-after-headers faults.

Both faults close the connection and then return a response to aiohttp anyway. aiohttp
(checked with 3.13) treats its failed write to the closed connection as a client
disconnect and logs it at DEBUG only, so neither fault leaves an error or traceback in
the log.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from ._faults import Fault
from ._traffic import EmulatorStats

logger = logging.getLogger(__name__)

# Set by the app's on_shutdown signal, so stalled responses end before aiohttp waits for
# its handlers to finish (up to 60 seconds by default).
SHUTDOWN_EVENT_KEY = web.AppKey("shutdown_event", asyncio.Event)

# How often a stalled response checks whether its client has disconnected.
_DISCONNECT_POLL_SECONDS = 0.05


async def deliver(
    request: web.Request, response: web.StreamResponse, fault: Fault | None, request_id: str
) -> web.StreamResponse:
    """Apply a drop or stall fault to a response that is ready to send, else return it."""
    if fault is Fault.DROP_AFTER_APPLY:
        logger.info(
            "Request %s: injected fault drop_after_apply closes the connection.", request_id
        )
        _close_connection(request)
        return response

    if fault is Fault.STALL_AFTER_HEADERS:
        logger.info(
            "Request %s: injected fault stall_after_headers withholds the body.", request_id
        )
        return await _stall_after_headers(request, response)

    return response


async def _stall_after_headers(
    request: web.Request, response: web.StreamResponse
) -> web.StreamResponse:
    stalled = web.StreamResponse(status=response.status, reason=response.reason)
    stalled.headers.update(response.headers)
    stalled.content_length = _body_length(response)

    # StreamResponse.prepare sends the status line and headers at once.
    await stalled.prepare(request)

    if await _wait_for_disconnect(request):
        _stats(request).stalls_disconnected += 1
    _close_connection(request)
    return stalled


async def _wait_for_disconnect(request: web.Request) -> bool:
    """Wait until the client disconnects or the app shuts down. Return True on a disconnect."""
    # aiohttp does not cancel a handler when its client disconnects (handler_cancellation is
    # off by default) and has no public awaitable for it, so the check polls the transport.
    shutdown = request.app[SHUTDOWN_EVENT_KEY]
    while _is_connected(request):
        try:
            await asyncio.wait_for(shutdown.wait(), timeout=_DISCONNECT_POLL_SECONDS)
        except asyncio.TimeoutError:
            continue

        return False

    return True


def _stats(request: web.Request) -> EmulatorStats:
    # Imported here because _app imports this module before it defines STATE_KEY.
    from ._app import STATE_KEY

    return request.app[STATE_KEY].stats


def _is_connected(request: web.Request) -> bool:
    transport = request.transport
    return transport is not None and not transport.is_closing()


def _close_connection(request: web.Request) -> None:
    transport = request.transport
    if transport is not None:
        transport.close()


def _body_length(response: web.StreamResponse) -> int:
    # The emulator's handlers and error envelopes all build web.Response with a bytes body.
    if not isinstance(response, web.Response) or not isinstance(response.body, bytes):
        raise TypeError(
            f"The stall fault needs a web.Response with a bytes body, not {response!r}."
        )

    return len(response.body)
