"""An aiohttp.web application that shares one AsyncSmartAlex client across its requests.

The client is created when the application starts and closed when it stops, through
`cleanup_ctx`. It reads SMARTALEX_API_KEY and SMARTALEX_BASE_URL from the environment.

    SMARTALEX_API_KEY=... python examples/aiohttp_app.py
    curl -X POST http://127.0.0.1:8080/campaigns -d '{"name": "Spring leads"}'
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from smartalex_async import (
    NOT_GIVEN,
    AgentNotFoundError,
    AsyncSmartAlex,
    Campaign,
    InvalidParameterError,
    OutcomeUnknownError,
    SmartAlexError,
)

SMARTALEX = web.AppKey("smartalex", AsyncSmartAlex)


async def smartalex_client(app: web.Application) -> AsyncIterator[None]:
    """Open one client for the whole application and close it at cleanup."""
    # One client per application: every request handler reuses its connection pool and its
    # rate limiter.
    async with AsyncSmartAlex() as client:
        app[SMARTALEX] = client
        yield


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "name": campaign.name,
        "status": str(campaign.status),
        "agent_id": campaign.agent_id,
    }


async def create_campaign(request: web.Request) -> web.Response:
    """POST /campaigns with {"name": ..., "agent_id": ...}: create a campaign in draft."""
    try:
        payload = await request.json()
    except ValueError:
        return web.json_response({"error": "The body must be a JSON object."}, status=400)
    if not isinstance(payload, dict) or "name" not in payload:
        return web.json_response({"error": "The body needs a 'name' member."}, status=400)

    client = request.app[SMARTALEX]
    try:
        # NOT_GIVEN leaves the field out of the request, so the API applies its default.
        campaign = await client.campaigns.create(
            name=payload["name"], agent_id=payload.get("agent_id", NOT_GIVEN)
        )
    except (InvalidParameterError, AgentNotFoundError) as error:
        # The caller's input was wrong: the SDK rejected it before sending, or the API did.
        return web.json_response({"error": str(error)}, status=400)
    except OutcomeUnknownError as error:
        # The create may have happened, and a caller that simply retries could make a
        # duplicate. Report the outcome as unknown, so the caller looks the campaign up first.
        return web.json_response({"error": str(error), "outcome": "unknown"}, status=504)
    except SmartAlexError as error:
        # The API or the connection to it failed, after the retries that the SDK allows.
        return web.json_response({"error": str(error)}, status=502)

    return web.json_response(campaign_json(campaign), status=201)


def create_app() -> web.Application:
    app = web.Application()
    app.cleanup_ctx.append(smartalex_client)
    app.router.add_post("/campaigns", create_campaign)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), host="127.0.0.1", port=8080)
