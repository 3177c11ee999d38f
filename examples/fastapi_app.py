"""A FastAPI application that shares one AsyncSmartAlex client across its requests.

The lifespan handler creates the client at startup and closes it at shutdown. The client
reads SMARTALEX_API_KEY and SMARTALEX_BASE_URL from the environment. FastAPI is not a
dependency of smartalex-python; install it with an ASGI server to run this file:

    pip install fastapi uvicorn
    SMARTALEX_API_KEY=... uvicorn examples.fastapi_app:app
    curl -X POST http://127.0.0.1:8000/campaigns -H 'Content-Type: application/json' \
        -d '{"name": "Spring leads"}'
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel

from smartalex_async import (
    NOT_GIVEN,
    AgentNotFoundError,
    AsyncSmartAlex,
    InvalidParameterError,
    OutcomeUnknownError,
    SmartAlexError,
)


class CampaignRequest(BaseModel):
    name: str
    agent_id: str | None = None


class CampaignResponse(BaseModel):
    id: str
    name: str
    status: str
    agent_id: str | None


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, AsyncSmartAlex]]:
    """Open one client for the whole application; handlers find it in `request.state`."""
    async with AsyncSmartAlex() as client:
        yield {"smartalex": client}


def smartalex(request: Request) -> AsyncSmartAlex:
    client: AsyncSmartAlex = request.state.smartalex
    return client


SmartAlexClient = Annotated[AsyncSmartAlex, Depends(smartalex)]

app = FastAPI(lifespan=lifespan)


@app.post("/campaigns", status_code=201)
async def create_campaign(body: CampaignRequest, client: SmartAlexClient) -> CampaignResponse:
    """Create a campaign in draft status."""
    # NOT_GIVEN leaves the field out of the request, so the API applies its default.
    agent_id = NOT_GIVEN if body.agent_id is None else body.agent_id
    try:
        campaign = await client.campaigns.create(name=body.name, agent_id=agent_id)
    except (InvalidParameterError, AgentNotFoundError) as error:
        # The caller's input was wrong: the SDK rejected it before sending, or the API did.
        raise HTTPException(status_code=400, detail=str(error)) from error
    except OutcomeUnknownError as error:
        # The create may have happened, and a caller that simply retries could make a
        # duplicate. Report the outcome as unknown, so the caller looks the campaign up first.
        raise HTTPException(status_code=504, detail=f"Outcome unknown: {error}") from error
    except SmartAlexError as error:
        # The API or the connection to it failed, after the retries that the SDK allows.
        raise HTTPException(status_code=502, detail=str(error)) from error

    return CampaignResponse(
        id=campaign.id,
        name=campaign.name,
        status=str(campaign.status),
        agent_id=campaign.agent_id,
    )
