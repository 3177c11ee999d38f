"""HTTP layer of the emulator: routes, handlers and the middleware that writes envelopes.

The middleware checks the API key before routing, so an unknown route without a valid key
gets 401. It turns every error into the error envelope and adds X-Request-Id to every
response that the app produces.

After authentication, a request that matches a /v1 route goes through the state's admission
(rate limit and fault draw), the configured latency and any injected error before its
handler runs. Drop and stall faults act on the finished response, in ``_delivery.py``.
The admin routes under /_emulator (``_admin.py``) skip admission and the stats.
"""

from __future__ import annotations

import asyncio
import logging
import secrets

from aiohttp import web
from aiohttp.typedefs import Handler

from ._admin import ADMIN_PREFIX, AdminHandlers
from ._delivery import SHUTDOWN_EVENT_KEY, deliver
from ._errors import ApiError
from ._faults import injected_error
from ._state import EmulatorState
from ._traffic import Admission
from ._validation import JsonObject, parse_json_object, parse_page

logger = logging.getLogger(__name__)

STATE_KEY = web.AppKey("state", EmulatorState)
REQUEST_ID_HEADER = "X-Request-Id"

# Error codes for the HTTP errors that aiohttp raises itself, such as 404 for unknown routes.
# A status missing here maps to invalid_request (4xx) or server_error (5xx).
_CODE_BY_HTTP_STATUS = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    429: "rate_limited",
}


def create_app(state: EmulatorState | None = None) -> web.Application:
    """Build the emulator app on the given state, or on a new state with the seeded ids."""
    app = web.Application(middlewares=[_envelope_middleware])
    state = EmulatorState() if state is None else state
    app[STATE_KEY] = state
    app[SHUTDOWN_EVENT_KEY] = asyncio.Event()
    app.on_shutdown.append(_end_stalled_responses)
    app.add_routes(
        [
            web.get("/v1/campaigns", list_campaigns),
            web.post("/v1/campaigns", create_campaign),
            web.get("/v1/campaigns/{campaign_id}", get_campaign),
            web.post("/v1/campaigns/{campaign_id}/contacts", add_campaign_contacts),
            web.post("/v1/campaigns/{campaign_id}/start", start_campaign),
            web.get("/v1/contacts", list_contacts),
            web.post("/v1/contacts", create_contact),
            web.get("/v1/contacts/{contact_id}", get_contact),
            *AdminHandlers(state).routes(),
        ]
    )

    return app


async def list_campaigns(request: web.Request) -> web.Response:
    """GET /v1/campaigns: one page of campaigns in creation order."""
    return _list_response(request, list(_state(request).campaigns.values()))


async def create_campaign(request: web.Request) -> web.Response:
    """POST /v1/campaigns: create a draft campaign."""
    body = await _read_json_object(request)
    return _data_response(_state(request).create_campaign(body), status=201)


async def get_campaign(request: web.Request) -> web.Response:
    """GET /v1/campaigns/{campaign_id}."""
    campaign_id = request.match_info["campaign_id"]
    return _data_response(_state(request).get_campaign(campaign_id))


async def add_campaign_contacts(request: web.Request) -> web.Response:
    """POST /v1/campaigns/{campaign_id}/contacts: add stored contacts to a campaign."""
    campaign_id = request.match_info["campaign_id"]
    body = await _read_json_object(request)
    return _data_response(_state(request).add_campaign_contacts(campaign_id, body))


async def start_campaign(request: web.Request) -> web.Response:
    """POST /v1/campaigns/{campaign_id}/start: make it active, or scheduled outside its hours.

    Ignores the body.
    """
    campaign_id = request.match_info["campaign_id"]
    return _data_response(_state(request).start_campaign(campaign_id))


async def list_contacts(request: web.Request) -> web.Response:
    """GET /v1/contacts: one page of contacts in creation order."""
    return _list_response(request, list(_state(request).contacts.values()))


async def create_contact(request: web.Request) -> web.Response:
    """POST /v1/contacts: create an active contact."""
    body = await _read_json_object(request)
    return _data_response(_state(request).create_contact(body), status=201)


async def get_contact(request: web.Request) -> web.Response:
    """GET /v1/contacts/{contact_id}."""
    contact_id = request.match_info["contact_id"]
    return _data_response(_state(request).get_contact(contact_id))


async def _end_stalled_responses(app: web.Application) -> None:
    app[SHUTDOWN_EVENT_KEY].set()


@web.middleware
async def _envelope_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request_id = f"req_{secrets.token_hex(12)}"
    route = _route_name(request)
    if route is not None:
        _state(request).stats.requests[route] += 1

    response, admission = await _respond(request, handler, request_id, route)
    response.headers[REQUEST_ID_HEADER] = request_id
    if admission is None:
        return response

    response.headers.update(admission.headers())
    return await deliver(request, response, admission.fault, request_id)


async def _respond(
    request: web.Request, handler: Handler, request_id: str, route: str | None
) -> tuple[web.StreamResponse, Admission | None]:
    admission: Admission | None = None
    try:
        api_key = _check_api_key(request)
        if route is not None:
            admission = _state(request).admit(api_key)
            await _enforce(admission)

        return await handler(request), admission
    except ApiError as error:
        api_error = error
    except web.HTTPException as error:
        api_error = _api_error_from_http(request, error)
    except Exception:
        # The traceback goes to the log only. The client gets the request id to find it.
        logger.exception("Request %s %s %s failed.", request_id, request.method, request.path)
        api_error = ApiError(
            "server_error",
            f"The emulator failed on request {request_id}; its log has the traceback.",
        )

    logger.info(
        "Request %s %s %s failed with %s %s: %s",
        request_id,
        request.method,
        request.path,
        api_error.status,
        api_error.code,
        api_error.message,
    )
    response = web.json_response(
        api_error.to_json(), status=api_error.status, headers=api_error.headers
    )
    return response, admission


async def _enforce(admission: Admission) -> None:
    """Wait for the configured latency, then raise the rate limit or injected error, if any."""
    latency_ms = admission.config.latency_ms
    if latency_ms > 0:
        await asyncio.sleep(latency_ms / 1000)

    if admission.rate_limit is not None and not admission.rate_limit.allowed:
        raise admission.rate_limit.error()

    error = injected_error(admission.fault, admission.config)
    if error is not None:
        raise error


def _route_name(request: web.Request) -> str | None:
    """Return a matched /v1 route as ``METHOD /v1/path/{param}``.

    Returns None for no match and for the admin routes, which get no stats, rate limit or
    faults.
    """
    match_info = request.match_info
    if match_info.http_exception is not None:
        return None

    resource = match_info.route.resource
    if resource is None or resource.canonical.startswith(f"{ADMIN_PREFIX}/"):
        return None

    return f"{request.method} {resource.canonical}"


def _check_api_key(request: web.Request) -> str:
    """Return the API key of the request, or raise ``unauthorized``."""
    header = request.headers.get("Authorization")
    if header is None:
        raise ApiError(
            "unauthorized",
            "The Authorization header is missing; send 'Authorization: Bearer <API key>'.",
        )

    scheme, _, api_key = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not api_key.strip():
        raise ApiError(
            "unauthorized",
            f"The Authorization header uses the scheme {scheme!r} or has no key; "
            "send 'Authorization: Bearer <API key>'.",
        )

    # The key is a secret, so the message does not repeat it.
    api_key = api_key.strip()
    if api_key not in _state(request).api_keys:
        raise ApiError(
            "unauthorized",
            "The API key in the Authorization header is not valid for this emulator; "
            "send the key from Emulator.api_key or the one printed at startup.",
        )

    return api_key


def _api_error_from_http(request: web.Request, error: web.HTTPException) -> ApiError:
    if isinstance(error, web.HTTPMethodNotAllowed):
        allowed = ", ".join(sorted(error.allowed_methods))
        message = f"{request.method} is not allowed on {request.path}; use one of: {allowed}."
        headers = {"Allow": error.headers["Allow"]}
        return ApiError("invalid_request", message, status=error.status, headers=headers)

    if isinstance(error, web.HTTPNotFound):
        message = (
            f"No endpoint matches {request.method} {request.path}; "
            "the emulator serves /v1/campaigns, /v1/contacts and the admin endpoints "
            f"{ADMIN_PREFIX}/reset, {ADMIN_PREFIX}/state and {ADMIN_PREFIX}/clock/advance."
        )
    else:
        message = f"The emulator rejected the request with HTTP {error.status} ({error.reason})."

    return ApiError(_code_for_status(error.status), message, status=error.status)


def _code_for_status(status: int) -> str:
    default = "server_error" if status >= 500 else "invalid_request"
    return _CODE_BY_HTTP_STATUS.get(status, default)


async def _read_json_object(request: web.Request) -> JsonObject:
    return parse_json_object(await request.read())


def _state(request: web.Request) -> EmulatorState:
    return request.app[STATE_KEY]


def _data_response(data: JsonObject, *, status: int = 200) -> web.Response:
    return web.json_response({"data": data}, status=status)


def _list_response(request: web.Request, items: list[JsonObject]) -> web.Response:
    page = parse_page(request.query)
    meta = {"total": len(items), "page": page.number, "per_page": page.size}
    return web.json_response({"data": page.select(items), "meta": meta})
