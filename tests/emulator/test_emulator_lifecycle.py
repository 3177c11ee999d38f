"""Campaign lifecycle under the simulated clock: scheduled, active, calls and completed.

Most tests use business hours of Monday 09:00-17:00 in America/New_York, which is UTC-4 in
the weeks after 2026-03-08. Sunday 2026-03-15 12:00 EDT is 16:00 UTC, and Monday
2026-03-16 09:00 EDT is 13:00 UTC.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import aiohttp
import pytest

from smartalex_async.emulator import (
    Emulator,
    EmulatorState,
    SimulatedClock,
    StatusChange,
)

UTC = timezone.utc
SUNDAY_NOON = datetime(2026, 3, 15, 16, tzinfo=UTC)
MONDAY_OPENING = datetime(2026, 3, 16, 13, tzinfo=UTC)
MONDAY_9_TO_5 = {"monday": {"enabled": True, "start": "09:00", "end": "17:00"}}


def make_started_campaign(
    state: EmulatorState,
    *,
    contact_count: int = 3,
    business_hours: dict[str, Any] | None = MONDAY_9_TO_5,
    timezone_name: str = "America/New_York",
) -> str:
    """Create a campaign with contacts and start it. Returns the campaign id."""
    body: dict[str, Any] = {"name": "Spring outreach", "timezone": timezone_name}
    if business_hours is not None:
        body["business_hours"] = business_hours
    campaign_id: str = state.create_campaign(body)["id"]

    contact_ids = [
        state.create_contact({"first_name": f"Contact {index}"})["id"]
        for index in range(contact_count)
    ]
    state.add_campaign_contacts(campaign_id, {"contact_ids": contact_ids})
    state.start_campaign(campaign_id)
    return campaign_id


@pytest.fixture
def state() -> EmulatorState:
    """A state whose clock reads Sunday noon in New York until advanced."""
    return EmulatorState(clock=SimulatedClock.frozen_at(SUNDAY_NOON))


def test_draft_to_completed(state: EmulatorState) -> None:
    campaign_id = state.create_campaign(
        {"name": "Spring", "timezone": "America/New_York", "business_hours": MONDAY_9_TO_5}
    )["id"]
    campaign = state.campaigns[campaign_id]
    contact_ids = [state.create_contact({"first_name": f"C{index}"})["id"] for index in range(3)]
    state.add_campaign_contacts(campaign_id, {"contact_ids": contact_ids})
    assert campaign["status"] == "draft"

    started = state.start_campaign(campaign_id)
    assert started == {
        "id": campaign_id,
        "status": "scheduled",
        "started_at": "2026-03-15T16:00:00Z",
    }

    # One second before Monday 09:00 nothing changes.
    before_opening = state.advance((MONDAY_OPENING - SUNDAY_NOON).total_seconds() - 1)
    assert before_opening.status_changes == ()
    assert campaign["status"] == "scheduled"

    opening = state.advance(1)
    assert opening.now == MONDAY_OPENING
    assert opening.status_changes == (
        StatusChange(campaign_id, "scheduled", "active", MONDAY_OPENING),
    )
    assert campaign["status"] == "active"
    assert state.campaign_calls(campaign_id) == {}

    first_call = state.advance(60)
    assert first_call.calls_placed == 1
    assert campaign["status"] == "active"
    assert state.campaign_calls(campaign_id) == {contact_ids[0]: "2026-03-16T13:00:00Z"}

    last_calls = state.advance(120)
    assert last_calls.calls_placed == 2
    assert last_calls.status_changes == (
        StatusChange(campaign_id, "active", "completed", MONDAY_OPENING + timedelta(minutes=3)),
    )
    assert campaign["status"] == "completed"
    assert state.campaign_calls(campaign_id) == {
        contact_ids[0]: "2026-03-16T13:00:00Z",
        contact_ids[1]: "2026-03-16T13:01:00Z",
        contact_ids[2]: "2026-03-16T13:02:00Z",
    }
    assert campaign["started_at"] == "2026-03-15T16:00:00Z"


def test_start_inside_window_active(state: EmulatorState) -> None:
    state.clock = SimulatedClock.frozen_at(MONDAY_OPENING + timedelta(hours=1))
    campaign_id = make_started_campaign(state)

    assert state.campaigns[campaign_id]["status"] == "active"


def test_start_at_closing_scheduled(state: EmulatorState) -> None:
    # 17:00 EDT is outside [09:00, 17:00).
    state.clock = SimulatedClock.frozen_at(MONDAY_OPENING + timedelta(hours=8))
    campaign_id = make_started_campaign(state)

    assert state.campaigns[campaign_id]["status"] == "scheduled"


def test_start_without_hours_active(state: EmulatorState) -> None:
    campaign_id = make_started_campaign(state, contact_count=2, business_hours=None)
    campaign = state.campaigns[campaign_id]
    assert campaign["status"] == "active"

    state.advance(119)
    assert list(state.campaign_calls(campaign_id).values()) == ["2026-03-15T16:00:00Z"]
    assert campaign["status"] == "active"

    result = state.advance(1)
    assert campaign["status"] == "completed"
    assert result.status_changes[0].at == SUNDAY_NOON + timedelta(seconds=120)


def test_start_in_skipped_hour_window(state: EmulatorState) -> None:
    # Sunday 02:30-04:00 in New York on 2026-03-08, when 02:00 EST jumps to 03:00 EDT at
    # 07:00 UTC. The window opens at the first instant after the gap.
    state.clock = SimulatedClock.frozen_at(datetime(2026, 3, 7, 17, tzinfo=UTC))
    hours = {"sunday": {"enabled": True, "start": "02:30", "end": "04:00"}}
    campaign_id = make_started_campaign(state, contact_count=1, business_hours=hours)
    assert state.campaigns[campaign_id]["status"] == "scheduled"

    result = state.advance(timedelta(hours=14, minutes=1).total_seconds())

    assert result.status_changes[0] == StatusChange(
        campaign_id, "scheduled", "active", datetime(2026, 3, 8, 7, tzinfo=UTC)
    )
    assert state.campaign_calls(campaign_id) == {
        state.campaign_contacts(campaign_id)[0]: "2026-03-08T07:00:00Z"
    }


def test_calls_stop_at_closing(state: EmulatorState) -> None:
    hours = {"monday": {"enabled": True, "start": "09:00", "end": "09:02"}}
    campaign_id = make_started_campaign(state, contact_count=3, business_hours=hours)

    state.advance(timedelta(days=2).total_seconds())

    # The third call would end after 09:02, so it waits for the next Monday.
    assert list(state.campaign_calls(campaign_id).values()) == [
        "2026-03-16T13:00:00Z",
        "2026-03-16T13:01:00Z",
    ]
    assert state.campaigns[campaign_id]["status"] == "active"

    result = state.advance(timedelta(days=7).total_seconds())
    assert list(state.campaign_calls(campaign_id).values())[2] == "2026-03-23T13:00:00Z"
    assert result.status_changes[0].at == datetime(2026, 3, 23, 13, 1, tzinfo=UTC)
    assert state.campaigns[campaign_id]["status"] == "completed"


def test_call_longer_than_window_never_fits(state: EmulatorState) -> None:
    state.call_interval_seconds = 600
    hours = {"monday": {"enabled": True, "start": "09:00", "end": "09:05"}}
    campaign_id = make_started_campaign(state, contact_count=1, business_hours=hours)

    state.advance(timedelta(days=30).total_seconds())

    assert state.campaign_calls(campaign_id) == {}
    assert state.campaigns[campaign_id]["status"] == "active"


def test_call_interval_setting(state: EmulatorState) -> None:
    state.call_interval_seconds = 300
    campaign_id = make_started_campaign(state, contact_count=2, business_hours=None)

    state.advance(599)
    assert len(state.campaign_calls(campaign_id)) == 1

    state.advance(1)
    assert list(state.campaign_calls(campaign_id).values()) == [
        "2026-03-15T16:00:00Z",
        "2026-03-15T16:05:00Z",
    ]
    assert state.campaigns[campaign_id]["status"] == "completed"


def test_call_interval_rejects_zero() -> None:
    with pytest.raises(ValueError, match="call_interval_seconds must be a finite number"):
        EmulatorState(call_interval_seconds=0)


def test_no_enabled_day_stays_scheduled(state: EmulatorState) -> None:
    hours = {"monday": {"enabled": False}}
    campaign_id = make_started_campaign(state, business_hours=hours)

    result = state.advance(timedelta(days=30).total_seconds())

    assert result.status_changes == ()
    assert state.campaigns[campaign_id]["status"] == "scheduled"


def test_paused_campaign_does_not_call(state: EmulatorState) -> None:
    campaign_id = make_started_campaign(state, business_hours=None)
    state.campaigns[campaign_id]["status"] = "paused"

    state.advance(3600)

    assert state.campaign_calls(campaign_id) == {}
    assert state.campaigns[campaign_id]["status"] == "paused"


def test_restart_keeps_calls(state: EmulatorState) -> None:
    campaign_id = make_started_campaign(state, business_hours=None)
    state.advance(60)
    state.campaigns[campaign_id]["status"] = "paused"
    state.advance(3600)

    restarted = state.start_campaign(campaign_id)
    state.advance(120)

    assert restarted["started_at"] == "2026-03-15T16:00:00Z"
    assert list(state.campaign_calls(campaign_id).values()) == [
        "2026-03-15T16:00:00Z",
        "2026-03-15T17:01:00Z",
        "2026-03-15T17:02:00Z",
    ]
    assert state.campaigns[campaign_id]["status"] == "completed"


def test_contacts_added_while_active(state: EmulatorState) -> None:
    campaign_id = make_started_campaign(state, contact_count=1, business_hours=None)
    late_id = state.create_contact({"first_name": "Late"})["id"]
    state.add_campaign_contacts(campaign_id, {"contact_ids": [late_id]})

    state.advance(120)

    assert list(state.campaign_calls(campaign_id))[1] == late_id
    assert state.campaigns[campaign_id]["status"] == "completed"


def test_status_set_without_start(state: EmulatorState) -> None:
    campaign_id = state.create_campaign({"name": "Set by hand"})["id"]
    contact_id = state.create_contact({"first_name": "Ada"})["id"]
    state.add_campaign_contacts(campaign_id, {"contact_ids": [contact_id]})
    state.campaigns[campaign_id]["status"] = "active"

    state.advance(60)

    assert state.campaign_calls(campaign_id) == {contact_id: "2026-03-15T16:00:00Z"}


def test_advance_zero_applies_due_changes(state: EmulatorState) -> None:
    campaign_id = make_started_campaign(state)
    # Assigning the clock moves no campaign, so the next advance applies what is due by then.
    state.clock = SimulatedClock.frozen_at(MONDAY_OPENING + timedelta(minutes=5))

    result = state.advance(0)

    assert result.status_changes == (
        StatusChange(campaign_id, "scheduled", "active", MONDAY_OPENING),
        StatusChange(campaign_id, "active", "completed", MONDAY_OPENING + timedelta(minutes=3)),
    )
    assert result.calls_placed == 3
    assert state.campaigns[campaign_id]["status"] == "completed"


def test_call_in_progress_continues(state: EmulatorState) -> None:
    campaign_id = make_started_campaign(state, contact_count=1, business_hours=None)

    first = state.advance(30)
    second = state.advance(30)

    assert first.calls_placed == 0
    assert second.calls_placed == 1
    assert state.campaign_calls(campaign_id) == {
        state.campaign_contacts(campaign_id)[0]: "2026-03-15T16:00:00Z"
    }


@pytest.mark.parametrize("seconds", [-1, float("nan"), float("inf")])
def test_advance_rejects_bad_seconds(state: EmulatorState, seconds: float) -> None:
    with pytest.raises(ValueError, match="seconds must be a finite number of at least 0"):
        state.advance(seconds)

    assert state.clock() == SUNDAY_NOON


def test_advance_rejects_past_year_9999(state: EmulatorState) -> None:
    with pytest.raises(ValueError, match="year 9999"):
        state.advance(timedelta(days=3_000_000).total_seconds())

    assert state.clock() == SUNDAY_NOON


def test_advance_wraps_plain_clock() -> None:
    state = EmulatorState(clock=lambda: SUNDAY_NOON)

    result = state.advance(90)

    assert isinstance(state.clock, SimulatedClock)
    assert result.now == SUNDAY_NOON + timedelta(seconds=90)
    assert state.clock() == SUNDAY_NOON + timedelta(seconds=90)


def test_campaign_calls_unknown_id(state: EmulatorState) -> None:
    with pytest.raises(KeyError):
        state.campaign_calls("campaign_missing")


def test_clock_follows_real_time_by_default() -> None:
    state = EmulatorState()
    before = datetime.now(UTC)

    state.advance(3600)
    reading = state.clock()

    assert isinstance(state.clock, SimulatedClock)
    assert state.clock.follows_real_time
    assert reading - before >= timedelta(hours=1)
    assert reading - before < timedelta(hours=1, minutes=1)


async def test_lifecycle_over_http(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    emulator.state.clock = SimulatedClock.frozen_at(SUNDAY_NOON)
    campaign_id = make_started_campaign(emulator.state, contact_count=1)
    seconds = (MONDAY_OPENING - SUNDAY_NOON).total_seconds() + 60

    async with session.post(
        f"{emulator.admin_url}/clock/advance", json={"seconds": seconds}
    ) as response:
        advanced = await response.json()
    async with session.get(f"{emulator.base_url}/campaigns/{campaign_id}") as response:
        campaign = await response.json()

    assert advanced["data"]["now"] == "2026-03-16T13:01:00Z"
    assert advanced["data"]["status_changes"] == [
        {
            "campaign_id": campaign_id,
            "from": "scheduled",
            "to": "active",
            "at": "2026-03-16T13:00:00Z",
        },
        {
            "campaign_id": campaign_id,
            "from": "active",
            "to": "completed",
            "at": "2026-03-16T13:01:00Z",
        },
    ]
    assert advanced["data"]["calls_placed"] == 1
    assert campaign["data"]["status"] == "completed"
    assert campaign["data"]["started_at"] == "2026-03-15T16:00:00Z"
