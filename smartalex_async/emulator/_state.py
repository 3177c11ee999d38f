"""In-memory store of the emulator and the operations that the HTTP handlers call.

Each operation validates its input and raises ApiError before it changes anything, and none
of them awaits, so every request is applied all at once on the event loop.

The operations are public so tests can set up data without HTTP. For example, calling
``state.create_contact({"first_name": "Ada"})`` in a loop stores thousands of contacts with
no request each, and these calls bypass fault injection and the rate limit.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

import attrs

from ._errors import ApiError, invalid_request
from ._faults import FaultConfig
from ._fields import parse_campaign_fields, parse_contact_fields, parse_contact_ids
from ._ratelimit import RateLimiter, RateLimitStatus
from ._traffic import Admission, EmulatorStats
from ._validation import JsonObject

DEFAULT_API_KEY = "sk_test_emulator"
SEEDED_AGENT_IDS = ("agent_def456", "agent_demo")
SEEDED_PHONE_NUMBER_IDS = ("phone_xyz789", "phone_demo")

_STARTABLE_STATUSES = ("draft", "scheduled", "paused")
_CLOSED_STATUSES = ("completed", "cancelled")


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)


def format_timestamp(moment: datetime) -> str:
    """Format an aware datetime as UTC with seconds precision, e.g. ``2026-01-15T10:30:00Z``."""
    if moment.tzinfo is None:
        raise ValueError(
            f"The emulator clock returned the naive datetime {moment.isoformat()}; "
            "return an aware datetime such as datetime.now(timezone.utc)."
        )

    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@attrs.define
class EmulatorState:
    """The data behind one emulator app, readable and writable by tests.

    campaigns and contacts map each id to the JSON object that the API returns.
    api_keys is the set of keys that the Authorization header may carry.
    clock returns the current aware datetime and sets every timestamp.
    agent_ids and phone_number_ids are the ids that a new campaign may reference.
    faults (keyword ``faults`` in the constructor) sets fault injection and rate limits.
    monotonic returns seconds for the rate limit windows. Tests can replace it to step time.
    stats counts requests and injected faults.
    """

    api_keys: set[str] = attrs.field(factory=lambda: {DEFAULT_API_KEY})
    clock: Callable[[], datetime] = utc_now
    agent_ids: set[str] = attrs.field(factory=lambda: set(SEEDED_AGENT_IDS))
    phone_number_ids: set[str] = attrs.field(factory=lambda: set(SEEDED_PHONE_NUMBER_IDS))
    campaigns: dict[str, JsonObject] = attrs.field(factory=dict)
    contacts: dict[str, JsonObject] = attrs.field(factory=dict)
    _faults: FaultConfig = attrs.field(factory=FaultConfig, alias="faults")
    monotonic: Callable[[], float] = time.monotonic
    stats: EmulatorStats = attrs.field(factory=EmulatorStats)
    # Campaign id to its contact ids. The inner dict is an ordered set (values are None).
    _members: dict[str, dict[str, None]] = attrs.field(factory=dict, init=False)
    _fault_random: random.Random = attrs.field(init=False)
    _rate_limiter: RateLimiter = attrs.field(factory=RateLimiter, init=False)

    @_fault_random.default
    def _seed_fault_random(self) -> random.Random:
        return random.Random(self._faults.seed)

    @property
    def faults(self) -> FaultConfig:
        """The fault injection and rate limit settings in effect for new requests."""
        return self._faults

    @faults.setter
    def faults(self, config: FaultConfig) -> None:
        # A new config restarts the draws, so its seed alone fixes the fault sequence that
        # follows, whatever requests came before.
        self._faults = config
        self._fault_random = random.Random(config.seed)

    def admit(self, api_key: str) -> Admission:
        """Decide the rate limit and fault for an authenticated request to a /v1 route.

        Call it once per request, in arrival order. Each call takes exactly one random
        draw, even when the rate limit rejects the request, so the fault sequence of a
        seeded config does not depend on the limit. A rejected request gets no fault.
        """
        config = self._faults
        draw = self._fault_random.random()
        rate_limit = self._check_rate_limit(api_key, config)

        if rate_limit is not None and not rate_limit.allowed:
            self.stats.rate_limited += 1
            return Admission(config=config, fault=None, rate_limit=rate_limit)

        fault = config.choose_fault(draw)
        if fault is not None:
            self.stats.faults[fault.value] += 1

        return Admission(config=config, fault=fault, rate_limit=rate_limit)

    def campaign_contacts(self, campaign_id: str) -> list[str]:
        """Return the contact ids of a campaign in the order they were added.

        Raises KeyError if no campaign has that id.
        """
        if campaign_id not in self.campaigns:
            raise KeyError(campaign_id)

        return list(self._members.get(campaign_id, {}))

    def get_campaign(self, campaign_id: str) -> JsonObject:
        """Return the stored campaign, or raise ``campaign_not_found``."""
        campaign = self.campaigns.get(campaign_id)
        if campaign is None:
            raise ApiError(
                "campaign_not_found",
                f"No campaign has the id {campaign_id!r}; "
                "list campaigns with GET /v1/campaigns to find a valid id.",
            )

        return campaign

    def get_contact(self, contact_id: str) -> JsonObject:
        """Return the stored contact, or raise ``not_found``."""
        contact = self.contacts.get(contact_id)
        if contact is None:
            raise ApiError(
                "not_found",
                f"No contact has the id {contact_id!r}; "
                "list contacts with GET /v1/contacts to find a valid id.",
            )

        return contact

    def create_campaign(self, body: Mapping[str, Any]) -> JsonObject:
        """Validate a create-campaign body, then store and return a new draft campaign."""
        fields = parse_campaign_fields(body)
        self._check_agent(fields["agent_id"])
        self._check_phone_number(fields["phone_number_id"])

        campaign_id = _new_id("campaign", self.campaigns)
        self.campaigns[campaign_id] = {
            "id": campaign_id,
            **fields,
            "status": "draft",
            "created_at": self._now(),
            "started_at": None,
        }

        return self.campaigns[campaign_id]

    def create_contact(self, body: Mapping[str, Any]) -> JsonObject:
        """Validate a create-contact body, then store and return a new active contact."""
        fields = parse_contact_fields(body)
        now = self._now()

        contact_id = _new_id("contact", self.contacts)
        self.contacts[contact_id] = {
            "id": contact_id,
            **fields,
            "status": "active",
            "created_at": now,
            "updated_at": now,
        }

        return self.contacts[contact_id]

    def add_campaign_contacts(self, campaign_id: str, body: Mapping[str, Any]) -> JsonObject:
        """Add the contacts named in the body to a campaign, all or none.

        Ids already in the campaign are skipped, so repeating a request adds nothing.
        Returns the number of ids added and the campaign's new contact count.
        """
        campaign = self.get_campaign(campaign_id)
        contact_ids = parse_contact_ids(body)
        _check_open(campaign)
        self._check_contacts_exist(contact_ids)

        members = self._members.setdefault(campaign_id, {})
        count_before = len(members)
        members.update(dict.fromkeys(contact_ids))

        return {
            "campaign_id": campaign_id,
            "added": len(members) - count_before,
            "total_contacts": len(members),
        }

    def start_campaign(self, campaign_id: str) -> JsonObject:
        """Set a campaign to active and return its id, status and started_at.

        Starting an active campaign changes nothing. A restarted campaign keeps the
        started_at of its first start.
        """
        campaign = self.get_campaign(campaign_id)
        status = campaign["status"]

        if status in _STARTABLE_STATUSES:
            self._activate(campaign)
        elif status != "active":
            raise invalid_request(
                f"Campaign {campaign_id} has the status {status!r} and cannot be started; "
                f"only campaigns in status {', '.join(_STARTABLE_STATUSES)} can be started."
            )

        return {key: campaign[key] for key in ("id", "status", "started_at")}

    def _activate(self, campaign: JsonObject) -> None:
        campaign_id = campaign["id"]
        if not self._members.get(campaign_id):
            raise ApiError(
                "no_contacts",
                f"Campaign {campaign_id} has no contacts; add contacts with "
                f"POST /v1/campaigns/{campaign_id}/contacts before starting it.",
            )

        campaign["status"] = "active"
        if campaign["started_at"] is None:
            campaign["started_at"] = self._now()

    def _check_contacts_exist(self, contact_ids: list[str]) -> None:
        for contact_id in contact_ids:
            if contact_id not in self.contacts:
                raise ApiError(
                    "not_found",
                    f"No contact has the id {contact_id!r}, so none of the {len(contact_ids)} "
                    "contact_ids were added; create the contact with POST /v1/contacts "
                    "or remove its id from the request.",
                )

    def _check_agent(self, agent_id: str | None) -> None:
        if agent_id is not None and agent_id not in self.agent_ids:
            raise ApiError(
                "agent_not_found",
                f"No agent has the id {agent_id!r}; "
                f"use one of: {', '.join(sorted(self.agent_ids))}.",
            )

    def _check_phone_number(self, phone_number_id: str | None) -> None:
        if phone_number_id is not None and phone_number_id not in self.phone_number_ids:
            raise invalid_request(
                f"phone_number_id {phone_number_id!r} is not a known phone number; "
                f"use one of: {', '.join(sorted(self.phone_number_ids))}."
            )

    def _check_rate_limit(self, api_key: str, config: FaultConfig) -> RateLimitStatus | None:
        if config.rate_limit_per_minute is None:
            return None

        return self._rate_limiter.admit(api_key, config.rate_limit_per_minute, self.monotonic())

    def _now(self) -> str:
        return format_timestamp(self.clock())


def _check_open(campaign: JsonObject) -> None:
    status = campaign["status"]
    if status in _CLOSED_STATUSES:
        raise invalid_request(
            f"Campaign {campaign['id']} is {status}, so contacts can no longer be added; "
            "create a new campaign for these contacts."
        )


def _new_id(prefix: str, existing: Mapping[str, object]) -> str:
    """Return ``<prefix>_<12 hex digits>`` that is not a key of existing."""
    while True:
        candidate = f"{prefix}_{secrets.token_hex(6)}"
        if candidate not in existing:
            return candidate
