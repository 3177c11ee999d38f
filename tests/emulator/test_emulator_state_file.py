"""The state file: save and load round trip, validation of bad files, and the clock offset."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from smartalex_async.emulator import EmulatorState, SimulatedClock

SUNDAY_NOON = datetime(2026, 3, 15, 16, tzinfo=timezone.utc)
MONDAY_9_TO_5 = {"monday": {"enabled": True, "start": "09:00", "end": "17:00"}}


def populated_state() -> tuple[EmulatorState, str]:
    """A state with a campaign that has made 2 of its 3 calls. Returns it and the campaign id."""
    state = EmulatorState(clock=SimulatedClock.frozen_at(SUNDAY_NOON))
    campaign_id = state.create_campaign(
        {"name": "Spring", "timezone": "America/New_York", "business_hours": MONDAY_9_TO_5}
    )["id"]
    contact_ids = [state.create_contact({"first_name": f"C{index}"})["id"] for index in range(3)]
    state.create_contact({"first_name": "Not in a campaign", "tags": ["vip"]})
    state.add_campaign_contacts(campaign_id, {"contact_ids": contact_ids})
    state.start_campaign(campaign_id)

    # Sunday 12:00 EDT to Monday 09:02 EDT, so two calls have ended.
    state.advance(timedelta(hours=21, minutes=2).total_seconds())
    return state, campaign_id


def test_round_trip(tmp_path: Path) -> None:
    saved, campaign_id = populated_state()
    path = tmp_path / "emulator.json"

    saved.save(path)
    loaded = EmulatorState()
    found = loaded.load(path)

    assert found is True
    assert loaded.campaigns == saved.campaigns
    assert loaded.contacts == saved.contacts
    assert loaded.campaign_contacts(campaign_id) == saved.campaign_contacts(campaign_id)
    assert loaded.campaign_calls(campaign_id) == saved.campaign_calls(campaign_id)
    assert len(loaded.campaign_calls(campaign_id)) == 2
    assert isinstance(loaded.clock, SimulatedClock)
    assert loaded.clock.offset == timedelta(hours=21, minutes=2)
    assert not (tmp_path / "emulator.json.tmp").exists()


def test_loaded_campaign_continues(tmp_path: Path) -> None:
    saved, campaign_id = populated_state()
    saved.save(tmp_path / "emulator.json")
    # A frozen clock at the saved time, so that the loaded offset lands on the same instant.
    loaded = EmulatorState(clock=SimulatedClock.frozen_at(SUNDAY_NOON))
    loaded.load(tmp_path / "emulator.json")

    result = loaded.advance(60)

    assert result.calls_placed == 1
    assert loaded.campaigns[campaign_id]["status"] == "completed"
    assert list(loaded.campaign_calls(campaign_id).values())[-1] == "2026-03-16T13:02:00Z"


def test_loaded_ids_stay_unique(tmp_path: Path) -> None:
    saved, _ = populated_state()
    saved.save(tmp_path / "emulator.json")
    loaded = EmulatorState()
    loaded.load(tmp_path / "emulator.json")

    new_id = loaded.create_contact({"first_name": "New"})["id"]

    assert len(loaded.contacts) == 5
    assert new_id not in saved.contacts


def test_file_is_readable_json(tmp_path: Path) -> None:
    saved, campaign_id = populated_state()
    saved.save(tmp_path / "emulator.json")

    data = json.loads((tmp_path / "emulator.json").read_text(encoding="utf-8"))

    assert data["format_version"] == 1
    assert data["clock"]["offset_seconds"] == 75720.0
    assert data["clock"]["now"] == "2026-03-16T13:02:00Z"
    assert list(data["calls"]) == [campaign_id]


def test_load_missing_file(tmp_path: Path) -> None:
    state = EmulatorState()

    assert state.load(tmp_path / "missing.json") is False
    assert state.campaigns == {}


def test_save_replaces_file(tmp_path: Path) -> None:
    path = tmp_path / "emulator.json"
    path.write_text("old content", encoding="utf-8")
    state = EmulatorState()
    state.create_contact({"first_name": "Ada"})

    state.save(path)

    assert len(json.loads(path.read_text(encoding="utf-8"))["contacts"]) == 1


def saved_data() -> dict[str, Any]:
    state, _ = populated_state()
    return state.snapshot().to_json()


def break_campaign_name(data: dict[str, Any]) -> None:
    del data["campaigns"][0]["name"]


def break_member(data: dict[str, Any]) -> None:
    campaign_id = data["campaigns"][0]["id"]
    data["campaign_contacts"][campaign_id].append("contact_missing")


def break_call_time(data: dict[str, Any]) -> None:
    calls = next(iter(data["calls"].values()))
    calls[next(iter(calls))] = "yesterday"


def break_status(data: dict[str, Any]) -> None:
    data["campaigns"][0]["status"] = "running"


def break_duplicate_id(data: dict[str, Any]) -> None:
    data["contacts"].append(dict(data["contacts"][0]))


def break_offset(data: dict[str, Any]) -> None:
    data["clock"]["offset_seconds"] = "soon"


def break_version(data: dict[str, Any]) -> None:
    data["format_version"] = 2


def break_business_hours(data: dict[str, Any]) -> None:
    data["campaigns"][0]["business_hours"]["monday"]["start"] = "9am"


@pytest.mark.parametrize(
    ("corrupt", "message_part"),
    [
        pytest.param(break_campaign_name, "campaigns[0] is invalid: name is required", id="name"),
        pytest.param(break_member, "unknown contact 'contact_missing'", id="member"),
        pytest.param(break_call_time, '"yesterday", not an ISO 8601 timestamp', id="call-time"),
        pytest.param(break_status, 'campaigns[0].status is "running"', id="status"),
        pytest.param(break_duplicate_id, "appears twice", id="duplicate-id"),
        pytest.param(break_offset, "clock.offset_seconds", id="offset"),
        pytest.param(break_version, "format_version is 2, not 1", id="version"),
        pytest.param(break_business_hours, "business_hours.monday.start", id="hours"),
    ],
)
def test_load_rejects_bad_file(tmp_path: Path, corrupt: Any, message_part: str) -> None:
    data = saved_data()
    corrupt(data)
    path = tmp_path / "emulator.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    state = EmulatorState()

    with pytest.raises(ValueError, match="cannot be loaded") as caught:
        state.load(path)

    assert message_part in str(caught.value)
    assert str(path) in str(caught.value)
    assert "delete it" in str(caught.value)
    assert state.campaigns == {}


def test_load_rejects_non_json(tmp_path: Path) -> None:
    path = tmp_path / "emulator.json"
    path.write_text("{campaigns: []", encoding="utf-8")

    with pytest.raises(ValueError, match="it is not valid JSON"):
        EmulatorState().load(path)
