"""Async client of the SmartAlex voice-agent API.

    async with AsyncSmartAlex(api_key="...") as client:
        campaign = await client.campaigns.create(name="January Outreach")

The sync facade with the same API is `smartalex_sync`.
"""

from ._client import API_KEY_ENV_VAR, BASE_URL_ENV_VAR, DEFAULT_BASE_URL, AsyncSmartAlex
from ._errors import (
    AgentNotFoundError,
    APIConnectionError,
    APIResponseError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CampaignNotFoundError,
    InvalidParameterError,
    MissingAPIKeyError,
    NoContactsError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    SmartAlexError,
)
from ._logging import LOG_ENV_VAR
from ._models import (
    WEEKDAYS,
    AddContactsResult,
    BatchFailure,
    BusinessHours,
    Campaign,
    CampaignStatus,
    Contact,
    ContactStatus,
    DayHours,
    Page,
    StartResult,
)
from ._ratelimit import RateLimitState, RatePlan
from ._transport import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from ._types import NOT_GIVEN, NotGiven, Timeout
from ._version import __version__
from .loader import (
    CONTACT_LIMIT_CODES,
    ContactInput,
    ContactSource,
    JournalError,
    JournalMismatchError,
    LoadPhase,
    LoadProgress,
    LoadReport,
    ProgressCallback,
    RowOutcome,
    write_load_report,
)
from .resources import AsyncCampaigns, AsyncContacts
from .resources.campaigns import DEFAULT_ADD_CONCURRENCY, MAX_CONTACTS_PER_BATCH

__all__ = [
    "API_KEY_ENV_VAR",
    "BASE_URL_ENV_VAR",
    "CONTACT_LIMIT_CODES",
    "DEFAULT_ADD_CONCURRENCY",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "LOG_ENV_VAR",
    "MAX_CONTACTS_PER_BATCH",
    "NOT_GIVEN",
    "WEEKDAYS",
    "APIConnectionError",
    "APIResponseError",
    "APIStatusError",
    "APITimeoutError",
    "AddContactsResult",
    "AgentNotFoundError",
    "AsyncCampaigns",
    "AsyncContacts",
    "AsyncSmartAlex",
    "AuthenticationError",
    "BadRequestError",
    "BatchFailure",
    "BusinessHours",
    "Campaign",
    "CampaignNotFoundError",
    "CampaignStatus",
    "Contact",
    "ContactInput",
    "ContactSource",
    "ContactStatus",
    "DayHours",
    "InvalidParameterError",
    "JournalError",
    "JournalMismatchError",
    "LoadPhase",
    "LoadProgress",
    "LoadReport",
    "MissingAPIKeyError",
    "NoContactsError",
    "NotFoundError",
    "NotGiven",
    "OutcomeUnknownError",
    "Page",
    "PermissionDeniedError",
    "ProgressCallback",
    "RateLimitError",
    "RateLimitState",
    "RatePlan",
    "RowOutcome",
    "ServerError",
    "SmartAlexError",
    "StartResult",
    "Timeout",
    "__version__",
    "write_load_report",
]
