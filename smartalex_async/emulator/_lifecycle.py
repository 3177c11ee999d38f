"""Campaign lifecycle under the simulated clock: the status at start, and calls as time advances.

A started campaign is ``active`` when its calling window is open at the emulator's current
time and ``scheduled`` otherwise. The window follows the rule of ``smartalex_async._schedule``:
an instant is inside it when its wall-clock time in the campaign's timezone lies in
[start, end) on an enabled weekday of that local date. A campaign without business hours is
always open. A day that the business hours omit is closed.

Campaigns move on only when the clock is advanced (EmulatorState.advance, by any amount
including 0). Each advance applies everything due by the clock's new time, counted from each
campaign's start, so time that passed under a clock that follows real time counts too:

- a ``scheduled`` campaign becomes ``active`` at the first instant its window is open;
- an ``active`` campaign calls its contacts one at a time, in the order they were added.
  Each call takes the call interval, and it starts and ends inside one open stretch of the
  window, so a call never runs past closing time. The emulator records each contact's call
  at the instant the call starts.
- an ``active`` campaign becomes ``completed`` when the call to its last contact ends.

Paused, completed and cancelled campaigns do not change.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import attrs

from .._schedule import Windows, is_open, next_closing, next_opening
from ._clock import format_timestamp
from ._validation import JsonObject


@attrs.frozen
class CampaignSchedule:
    """The calling window of one campaign. windows is None for a campaign that is always open."""

    windows: Windows | None
    timezone: str

    @classmethod
    def from_campaign(cls, campaign: JsonObject) -> CampaignSchedule:
        """Return the schedule of a stored campaign, from its business_hours and timezone."""
        hours = campaign.get("business_hours")
        zone = campaign.get("timezone") or "UTC"
        if hours is None:
            return cls(windows=None, timezone=zone)

        windows = {
            day: (time.fromisoformat(value["start"]), time.fromisoformat(value["end"]))
            for day, value in hours.items()
            if value["enabled"]
        }
        return cls(windows=windows, timezone=zone)

    def is_open(self, at: datetime) -> bool:
        return self.windows is None or is_open(self.windows, at, self.timezone)

    def next_opening(self, after: datetime) -> datetime | None:
        if self.windows is None:
            return after

        return next_opening(self.windows, after, self.timezone)

    def next_closing(self, after: datetime) -> datetime | None:
        """Return the next instant at which the window is closed, or None if it never closes."""
        if self.windows is None:
            return None

        return next_closing(self.windows, after, self.timezone)


@attrs.define
class CampaignRun:
    """The calling progress of a started campaign.

    cursor is the earliest instant at which the next call may start, in UTC. calls maps each
    called contact id to the time its call started, as a UTC timestamp string.
    """

    cursor: datetime
    calls: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen
class StatusChange:
    """A campaign's move from one status to another at an instant of the simulated clock."""

    campaign_id: str
    old_status: str
    new_status: str
    at: datetime

    def to_json(self) -> JsonObject:
        return {
            "campaign_id": self.campaign_id,
            "from": self.old_status,
            "to": self.new_status,
            "at": format_timestamp(self.at),
        }


def start_status(campaign: JsonObject, now: datetime) -> str:
    """Return the status a started campaign gets: active in its window, else scheduled."""
    return "active" if CampaignSchedule.from_campaign(campaign).is_open(now) else "scheduled"


def advance_campaign(
    campaign: JsonObject,
    run: CampaignRun,
    contact_ids: list[str],
    until: datetime,
    interval: timedelta,
) -> list[StatusChange]:
    """Apply what is due by `until` to one campaign, and return its status changes.

    contact_ids are the campaign's contacts in the order they were added. The campaign
    moves on from run.cursor, so a call in progress at the previous advance continues.
    """
    schedule = CampaignSchedule.from_campaign(campaign)
    changes: list[StatusChange] = []

    if campaign["status"] == "scheduled":
        opening = schedule.next_opening(run.cursor)
        if opening is None or opening > until:
            return changes

        changes.append(_set_status(campaign, "active", opening))
        run.cursor = opening

    if campaign["status"] != "active":
        return changes

    pending = [contact_id for contact_id in contact_ids if contact_id not in run.calls]
    finished_at = _place_calls(schedule, run, pending, until, interval)
    if finished_at is not None:
        changes.append(_set_status(campaign, "completed", finished_at))

    return changes


def _place_calls(
    schedule: CampaignSchedule,
    run: CampaignRun,
    pending: list[str],
    until: datetime,
    interval: timedelta,
) -> datetime | None:
    """Call the pending contacts in order while each call can end by `until`.

    Returns the instant the last call ends once every contact is called, else None.
    """
    index = 0
    while index < len(pending):
        stretch = _next_open_stretch(schedule, run.cursor, interval, until)
        if stretch is None:
            return None

        # Back-to-back calls fill the open stretch. Each call ends before the stretch does.
        call_start, stretch_end = stretch
        while index < len(pending) and call_start + interval <= stretch_end:
            run.calls[pending[index]] = format_timestamp(call_start)
            call_start += interval
            index += 1

        run.cursor = call_start

    return run.cursor


def _next_open_stretch(
    schedule: CampaignSchedule, earliest: datetime, interval: timedelta, until: datetime
) -> tuple[datetime, datetime] | None:
    """Return the next (start, end) at or after `earliest` with room for one whole call.

    The stretch is open from start to end and ends by `until`. Returns None when no call
    can end by `until`.
    """
    start = earliest
    while True:
        opening = schedule.next_opening(start)
        if opening is None or opening + interval > until:
            return None

        closing = schedule.next_closing(opening)
        if closing is None:
            return opening, until

        end = min(closing, until)
        if opening + interval <= end:
            return opening, end

        # The window closes before a call could end, so the next call starts after closing.
        start = closing


def _set_status(campaign: JsonObject, new_status: str, at: datetime) -> StatusChange:
    change = StatusChange(campaign["id"], campaign["status"], new_status, at)
    campaign["status"] = new_status
    return change
