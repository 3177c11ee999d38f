"""Error mapping: each documented code and status becomes its own exception class."""

from __future__ import annotations

import pickle

import pytest
from aioresponses import aioresponses
from support import API_KEY, BASE_URL, calls, error_body

from smartalex_async import (
    AgentNotFoundError,
    APIConnectionError,
    APIResponseError,
    APIStatusError,
    AsyncSmartAlex,
    AuthenticationError,
    BadRequestError,
    CampaignNotFoundError,
    NoContactsError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    SmartAlexError,
)

URL = f"{BASE_URL}/campaigns/campaign_abc123"


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (400, "invalid_request", BadRequestError),
        (401, "unauthorized", AuthenticationError),
        (403, "forbidden", PermissionDeniedError),
        (404, "not_found", NotFoundError),
        (429, "rate_limited", RateLimitError),
        (500, "server_error", ServerError),
        (404, "campaign_not_found", CampaignNotFoundError),
        (404, "agent_not_found", AgentNotFoundError),
        (400, "no_contacts", NoContactsError),
        # The code decides before the status: these statuses are not documented for them.
        (422, "no_contacts", NoContactsError),
        (400, "campaign_not_found", CampaignNotFoundError),
        # An unknown code falls back to the status.
        (404, "gone_fishing", NotFoundError),
        (503, "maintenance", ServerError),
        (418, "teapot", APIStatusError),
    ],
)
async def test_error_class_by_code_then_status(
    client: AsyncSmartAlex,
    mocked: aioresponses,
    status: int,
    code: str,
    expected: type[APIStatusError],
) -> None:
    mocked.get(URL, status=status, payload=error_body(code, "Something failed.", status))

    with pytest.raises(APIStatusError) as caught:
        await client.campaigns.get("campaign_abc123")

    assert type(caught.value) is expected
    assert caught.value.status == status
    assert caught.value.code == code
    assert caught.value.message == "Something failed."
    assert len(calls(mocked, "GET", URL)) == 1


async def test_error_without_envelope(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    mocked.get(URL, status=502, body="<html>Bad gateway</html>")

    with pytest.raises(ServerError) as caught:
        await client.campaigns.get("campaign_abc123")

    assert caught.value.code is None
    assert caught.value.body == "<html>Bad gateway</html>"


async def test_error_carries_request_id(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    body = error_body("campaign_not_found", "No campaign has that id.", 404)
    mocked.get(URL, status=404, payload=body, headers={"X-Request-Id": "req_7"})

    with pytest.raises(CampaignNotFoundError) as caught:
        await client.campaigns.get("campaign_abc123")

    assert caught.value.request_id == "req_7"
    assert caught.value.body == body
    assert "req_7" in str(caught.value)


async def test_rate_limit_retry_after(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    body = error_body("rate_limited", "Too many requests.", 429)
    mocked.get(URL, status=429, payload=body, headers={"Retry-After": "12"})

    with pytest.raises(RateLimitError) as caught:
        await client.campaigns.get("campaign_abc123")

    assert caught.value.retry_after == 12.0


async def test_redirect_is_not_followed(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    mocked.get(URL, status=302, headers={"Location": "https://elsewhere.example/v1"})

    with pytest.raises(APIStatusError, match=r"elsewhere\.example"):
        await client.campaigns.get("campaign_abc123")

    assert len(calls(mocked, "GET", URL)) == 1


async def test_success_without_data(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    mocked.get(URL, payload={"campaign": {}})

    with pytest.raises(APIResponseError, match="'data'"):
        await client.campaigns.get("campaign_abc123")


async def test_error_text_hides_api_key(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    mocked.get(URL, status=401, payload=error_body("unauthorized", "Invalid API key.", 401))

    with pytest.raises(AuthenticationError) as caught:
        await client.campaigns.get("campaign_abc123")

    assert API_KEY not in str(caught.value)
    assert API_KEY not in repr(caught.value)


@pytest.mark.parametrize(
    "error",
    [
        RateLimitError("Slow down.", status=429, code="rate_limited", retry_after=3.0),
        CampaignNotFoundError("Missing.", status=404, code="campaign_not_found", request_id="r"),
        OutcomeUnknownError("Lost.", method="POST", path="/contacts", json_body={"a": 1}),
        APIConnectionError("Refused.", method="GET", url="http://127.0.0.1:9/v1"),
    ],
    ids=type,
)
def test_errors_survive_pickling(error: SmartAlexError) -> None:
    copy = pickle.loads(pickle.dumps(error))

    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert vars(copy) == vars(error)


def test_errors_name_public_module() -> None:
    assert NotFoundError.__module__ == "smartalex_async"
    assert repr(NotFoundError("x", status=404)).startswith("NotFoundError(")
