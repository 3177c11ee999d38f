"""In-memory store of the emulator and the operations that the HTTP handlers call.

Each operation validates its input and raises ApiError before it changes anything, and none
of them awaits, so every request is applied all at once on the event loop.

The operations are public so tests can set up data without HTTP. For example, calling
``state.create_contact({"first_name": "Ada"})`` in a loop stores thousands of contacts with
no request each, and these calls bypass fault injection and the rate limit. The plan's
contact cap applies to them too.
"""

from __future__ import annotations

import math
import random
import secrets
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs

from ._clock import SimulatedClock, format_timestamp, seconds_to_timedelta, utc_now
from ._errors import ApiError, invalid_request
from ._faults import FaultConfig
from ._fields import parse_campaign_fields, parse_contact_fields, parse_contact_ids
from ._lifecycle import CampaignRun, StatusChange, advance_campaign, start_status
from ._persistence import Snapshot, read_snapshot, write_snapshot
from ._plans import UNLIMITED, Plan
from ._ratelimit import RateLimiter, RateLimitStatus
from ._traffic import Admission, EmulatorStats
from ._validation import JsonObject

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_CALL_INTERVAL_SECONDS",
    "SEEDED_AGENT_IDS",
    "SEEDED_PHONE_NUMBER_IDS",
    "AdvanceResult",
    "EmulatorState",
    "format_timestamp",
    "utc_now",
]

DEFAULT_API_KEY = "sk_test_emulator"
SEEDED_AGENT_IDS = ("agent_def456", "agent_demo")
SEEDED_PHONE_NUMBER_IDS = ("phone_xyz789", "phone_demo")
DEFAULT_CALL_INTERVAL_SECONDS = 60.0

_STARTABLE_STATUSES = ("draft", "scheduled", "paused")
_CLOSED_STATUSES = ("completed", "cancelled")


def _validate_call_interval(
    instance: object, attribute: attrs.Attribute[float], value: float
) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{attribute.name} must be a number of seconds, not {value!r}.")

    if not 0 < value < math.inf:
        raise ValueError(
            f"{attribute.name} must be a finite number of seconds above 0, not {value!r}."
        )


@attrs.frozen
class AdvanceResult:
    """The outcome of advancing the simulated clock.

    now is the clock's new time, status_changes the campaign status changes in the order
    they happened, and calls_placed the number of calls recorded.
    """

    now: datetime
    status_changes: tuple[StatusChange, ...]
    calls_placed: int

    def to_json(self) -> JsonObject:
        return {
            "now": format_timestamp(self.now),
            "status_changes": [change.to_json() for change in self.status_changes],
            "calls_placed": self.calls_placed,
        }


@attrs.define
class EmulatorState:
    """The data behind one emulator app, readable and writable by tests.

    campaigns and contacts map each id to the JSON object that the API returns.
    api_keys is the set of keys that the Authorization header may carry.
    clock returns the current aware datetime and sets every timestamp. The default is a
    SimulatedClock that follows real time until advance() moves it ahead. A test may assign
    any callable, and advance() then wraps it in a SimulatedClock.
    agent_ids and phone_number_ids are the ids that a new campaign may reference.
    faults (keyword ``faults`` in the constructor) sets fault injection and rate limits.
    plan (keyword ``plan``) caps the stored contacts and sets a rate limit, see the property.
    call_interval_seconds is the simulated duration of one call of a started campaign.
    monotonic returns seconds for the rate limit windows. Tests can replace it to step time.
    stats counts requests and injected faults.
    """

    api_keys: set[str] = attrs.field(factory=lambda: {DEFAULT_API_KEY})
    clock: Callable[[], datetime] = attrs.field(factory=SimulatedClock)
    agent_ids: set[str] = attrs.field(factory=lambda: set(SEEDED_AGENT_IDS))
    phone_number_ids: set[str] = attrs.field(factory=lambda: set(SEEDED_PHONE_NUMBER_IDS))
    campaigns: dict[str, JsonObject] = attrs.field(factory=dict)
    contacts: dict[str, JsonObject] = attrs.field(factory=dict)
    _faults: FaultConfig = attrs.field(factory=FaultConfig, alias="faults")
    monotonic: Callable[[], float] = time.monotonic
    stats: EmulatorStats = attrs.field(factory=EmulatorStats)
    # After the older fields, so positional construction keeps working.
    _plan: Plan = attrs.field(default=UNLIMITED, alias="plan")
    call_interval_seconds: float = attrs.field(
        default=DEFAULT_CALL_INTERVAL_SECONDS, validator=_validate_call_interval
    )
    # Campaign id to its contact ids. The inner dict is an ordered set (values are None).
    _members: dict[str, dict[str, None]] = attrs.field(factory=dict, init=False)
    # Campaign id to the calling progress of each campaign that was started or advanced.
    _runs: dict[str, CampaignRun] = attrs.field(factory=dict, init=False)
    _fault_random: random.Random = attrs.field(init=False)
    _rate_limiter: RateLimiter = attrs.field(factory=RateLimiter, init=False)

    @_fault_random.default
    def _seed_fault_random(self) -> random.Random:
        return random.Random(self._faults.seed)

    def __attrs_post_init__(self) -> None:
        # A rate limit given in faults wins over the plan's, so --rate-limit overrides --plan.
        if self._faults.rate_limit_per_minute is None:
            self._apply_plan_rate_limit()

    @property
    def plan(self) -> Plan:
        """The plan: its contact cap applies to every new contact.

        Setting it also sets faults.rate_limit_per_minute to the plan's rate, or to None for
        the unlimited plan. Assign faults afterwards to use another rate.
        """
        return self._plan

    @plan.setter
    def plan(self, plan: Plan) -> None:
        self._plan = plan
        self._apply_plan_rate_limit()

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

    def advance(self, seconds: float) -> AdvanceResult:
        """Move the simulated clock ahead and run every started campaign through that time.

        seconds is a finite number of at least 0. Each advance applies every status change
        and call due by the clock's new time, at the instant it was due. So advancing by 0
        applies what real time has made due since the last advance, such as a scheduled
        campaign whose window is open now. Between advances, campaigns do not change.
        ``_lifecycle.py`` gives the rules.
        """
        clock = self._simulated_clock()
        before = clock()
        step = seconds_to_timedelta(seconds)
        # Checked here, so an overflow leaves the clock where it was.
        try:
            before + step
        except OverflowError:
            raise ValueError(
                f"Advancing {before.isoformat()} by {seconds} seconds passes the year 9999; "
                "advance by a smaller amount."
            ) from None

        clock.advance(seconds)
        return self._run_campaigns(before, clock())

    def reset(self) -> None:
        """Delete every campaign, contact and call. Keys, settings, stats and the clock stay."""
        self.campaigns.clear()
        self.contacts.clear()
        self._members.clear()
        self._runs.clear()

    def campaign_calls(self, campaign_id: str) -> dict[str, str]:
        """Return the called contacts of a campaign, each with the UTC time its call started.

        The dict is in call order, which is the order the contacts were added. Raises
        KeyError if no campaign has that id.
        """
        if campaign_id not in self.campaigns:
            raise KeyError(campaign_id)

        run = self._runs.get(campaign_id)
        return {} if run is None else dict(run.calls)

    def snapshot(self) -> Snapshot:
        """Return the campaigns, contacts, calls and clock offset as a Snapshot."""
        clock = self.clock
        offset = clock.offset if isinstance(clock, SimulatedClock) else timedelta(0)
        return Snapshot(
            campaigns=[dict(campaign) for campaign in self.campaigns.values()],
            contacts=[dict(contact) for contact in self.contacts.values()],
            campaign_contacts={key: list(members) for key, members in self._members.items()},
            calls={key: dict(run.calls) for key, run in self._runs.items()},
            call_cursors={key: run.cursor for key, run in self._runs.items()},
            clock_now=clock(),
            clock_offset=offset,
        )

    def restore(self, snapshot: Snapshot) -> None:
        """Replace the data and the clock offset with those of a snapshot."""
        self.campaigns = {campaign["id"]: campaign for campaign in snapshot.campaigns}
        self.contacts = {contact["id"]: contact for contact in snapshot.contacts}
        self._members = {key: dict.fromkeys(ids) for key, ids in snapshot.campaign_contacts.items()}
        self._runs = {
            key: CampaignRun(cursor=cursor, calls=dict(snapshot.calls.get(key, {})))
            for key, cursor in snapshot.call_cursors.items()
        }
        self._simulated_clock().offset = snapshot.clock_offset

    def save(self, path: str | Path) -> None:
        """Write the snapshot to a JSON state file, replacing it in one step."""
        write_snapshot(self.snapshot(), Path(path))

    def load(self, path: str | Path) -> bool:
        """Restore the snapshot in a JSON state file. Returns False if the file does not exist.

        Raises ValueError naming the file and the bad entry when the file is invalid.
        """
        snapshot = read_snapshot(Path(path))
        if snapshot is None:
            return False

        self.restore(snapshot)
        return True

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
        """Validate a create-contact body, then store and return a new active contact.

        Raises ``contact_limit_reached`` (403) when the plan's contact cap is reached.
        """
        fields = parse_contact_fields(body)
        self._check_contact_cap()
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
        """Start a campaign and return its id, status and started_at.

        The status becomes active when the campaign's calling window is open at the clock's
        time, else scheduled. Starting an active campaign changes nothing, and starting a
        scheduled one checks its window again. A restarted campaign keeps the started_at of
        its first start.
        """
        campaign = self.get_campaign(campaign_id)
        status = campaign["status"]

        if status in _STARTABLE_STATUSES:
            self._start(campaign)
        elif status != "active":
            raise invalid_request(
                f"Campaign {campaign_id} has the status {status!r} and cannot be started; "
                f"only campaigns in status {', '.join(_STARTABLE_STATUSES)} can be started."
            )

        return {key: campaign[key] for key in ("id", "status", "started_at")}

    def _start(self, campaign: JsonObject) -> None:
        campaign_id = campaign["id"]
        if not self._members.get(campaign_id):
            raise ApiError(
                "no_contacts",
                f"Campaign {campaign_id} has no contacts; add contacts with "
                f"POST /v1/campaigns/{campaign_id}/contacts before starting it.",
            )

        # format_timestamp raises for a naive clock, so it runs before anything changes.
        now = self.clock()
        started_at = format_timestamp(now)
        campaign["status"] = start_status(campaign, now)
        if campaign["started_at"] is None:
            campaign["started_at"] = started_at

        # Calls start no earlier than the start, and a restart keeps the calls already made.
        run = self._runs.setdefault(campaign_id, CampaignRun(cursor=now))
        run.cursor = now.astimezone(timezone.utc)

    def _run_campaigns(self, previous_now: datetime, until: datetime) -> AdvanceResult:
        interval = timedelta(seconds=self.call_interval_seconds)
        calls_before = sum(len(run.calls) for run in self._runs.values())
        changes: list[StatusChange] = []
        for campaign_id, campaign in self.campaigns.items():
            run = self._runs.get(campaign_id)
            if run is None and campaign["status"] in ("scheduled", "active"):
                # A test set the status by hand, so its calls count from the previous reading.
                run = self._runs[campaign_id] = CampaignRun(cursor=previous_now)
            if run is None:
                continue

            contact_ids = list(self._members.get(campaign_id, {}))
            changes += advance_campaign(campaign, run, contact_ids, until, interval)

        calls_after = sum(len(run.calls) for run in self._runs.values())
        changes.sort(key=lambda change: change.at)
        return AdvanceResult(
            now=until, status_changes=tuple(changes), calls_placed=calls_after - calls_before
        )

    def _simulated_clock(self) -> SimulatedClock:
        """Return the clock as a SimulatedClock, wrapping a plain callable clock first."""
        if not isinstance(self.clock, SimulatedClock):
            self.clock = SimulatedClock(source=self.clock)

        return self.clock

    def _apply_plan_rate_limit(self) -> None:
        # Assigning _faults directly keeps the fault draws where they are.
        rate = self._plan.requests_per_minute
        self._faults = attrs.evolve(self._faults, rate_limit_per_minute=rate)

    def _check_contact_cap(self) -> None:
        cap = self._plan.max_contacts
        if cap is None or len(self.contacts) < cap:
            return

        raise ApiError(
            "contact_limit_reached",
            f"The {self._plan.title} plan stores at most {cap:,} contacts, and the emulator "
            f"stores {len(self.contacts):,}; reset it with POST /_emulator/reset, or run it "
            "with a plan that stores more (--plan dental: 5,000, real-estate: 50,000, "
            "or unlimited).",
        )

    def _check_contacts_exist(self, contact_ids: list[str]) -> None:
        if self.contacts.keys() >= set(contact_ids):
            return

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
