"""The cattrs converters between API JSON and the models: the only place payloads are parsed.

`response_converter` is lenient, because a newer server may add fields and status values:
unknown fields go to the model's `extra` mapping, and an unknown status stays a plain string.
`request_converter` is strict, because a typo in a caller's dict (`"mondy"`) must fail before
anything is sent, with the path of the bad field in the message.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime, time, timezone
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override
from cattrs.v import format_exception

from ._errors import InvalidParameterError
from ._models import WEEKDAYS, BusinessHours, DayHours

__all__ = [
    "format_time_of_day",
    "parse_time_of_day",
    "parse_timestamp",
    "request_converter",
    "response_converter",
    "structure_business_hours",
    "unstructure_business_hours",
]

T = TypeVar("T")

_TIME_OF_DAY = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")
_EXTRA_KEY = "__smartalex_extra__"


def parse_timestamp(value: Any, _type: Any = datetime) -> datetime:
    """Parse an ISO 8601 timestamp into an aware UTC datetime.

    A trailing `Z` is accepted on every supported Python: `datetime.fromisoformat` learned it
    only in 3.11. A timestamp without an offset is taken as UTC, the API's only timezone.
    """
    if not isinstance(value, str):
        raise ValueError(f"Expected an ISO 8601 timestamp string; got {value!r}.")
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def parse_time_of_day(value: Any, _type: Any = time) -> time:
    """Parse a 24-hour `HH:MM` string, the only time format the API documents."""
    if not isinstance(value, str) or not _TIME_OF_DAY.fullmatch(value):
        raise ValueError(f"Expected a 24-hour time as HH:MM, such as 09:30; got {value!r}.")
    return time(int(value[:2]), int(value[3:]))


def format_time_of_day(value: time) -> str:
    """Format a time as the API's `HH:MM`; seconds are dropped."""
    return f"{value.hour:02d}:{value.minute:02d}"


def _open_enum_members(union: Any) -> tuple[type[enum.Enum], bool] | None:
    """Return (enum class, allows None) for a `StrEnum | str [| None]` union, else None."""
    if typing.get_origin(union) not in (typing.Union, types.UnionType):
        return None
    members = typing.get_args(union)
    enums = [m for m in members if isinstance(m, type) and issubclass(m, enum.Enum)]
    if len(enums) != 1 or str not in members:
        return None
    return enums[0], type(None) in members


def _structure_open_enum(union: Any) -> Callable[[Any, Any], Any]:
    found = _open_enum_members(union)
    assert found is not None
    enum_class, allows_none = found

    def structure(value: Any, _type: Any) -> Any:
        if value is None and allows_none:
            return None
        if not isinstance(value, str):
            raise ValueError(f"Expected a status string; got {value!r}.")
        try:
            return enum_class(value)
        except ValueError:
            return value

    return structure


def _has_extra_field(cls: Any) -> bool:
    return attrs.has(cls) and "extra" in attrs.fields_dict(cls)


def _structure_keeping_extra(converter: cattrs.Converter) -> Callable[[Any], Any]:
    def factory(cls: Any) -> Callable[[Any, Any], Any]:
        known = set(attrs.fields_dict(cls)) - {"extra"}
        base = make_dict_structure_fn(cls, converter, extra=override(rename=_EXTRA_KEY))

        def structure(data: Any, _type: Any) -> Any:
            if not isinstance(data, Mapping):
                raise ValueError(f"Expected a JSON object for {cls.__name__}; got {data!r}.")
            extra = {key: value for key, value in data.items() if key not in known}
            return base({**data, _EXTRA_KEY: extra}, cls)

        return structure

    return factory


def _unstructure_day_hours(day: DayHours) -> dict[str, Any]:
    result: dict[str, Any] = {"enabled": day.enabled}
    if day.start is not None:
        result["start"] = format_time_of_day(day.start)
    if day.end is not None:
        result["end"] = format_time_of_day(day.end)
    return result


def unstructure_business_hours(hours: BusinessHours) -> dict[str, Any]:
    """Turn business hours into the API's JSON, leaving out days that are not set."""
    return {name: _unstructure_day_hours(day) for name, day in hours.days().items()}


def _make_converter(*, forbid_extra_keys: bool) -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=forbid_extra_keys)
    converter.register_structure_hook(datetime, parse_timestamp)
    converter.register_structure_hook(time, parse_time_of_day)
    converter.register_unstructure_hook(time, format_time_of_day)
    converter.register_unstructure_hook(datetime, lambda value: value.isoformat())
    converter.register_unstructure_hook(BusinessHours, unstructure_business_hours)
    converter.register_structure_hook_factory(
        lambda cls: _open_enum_members(cls) is not None, _structure_open_enum
    )
    return converter


response_converter = _make_converter(forbid_extra_keys=False)
response_converter.register_structure_hook_factory(
    _has_extra_field, _structure_keeping_extra(response_converter)
)

request_converter = _make_converter(forbid_extra_keys=True)


def _format_cause(error: BaseException, expected: Any) -> str:
    """Keep the SDK's own messages, which name the bad value; defer to cattrs for the rest."""
    if isinstance(error, ValueError) and str(error):
        return str(error)
    return format_exception(error, expected)


def _describe_structure_error(error: Exception, path: str) -> str:
    if isinstance(error, (cattrs.ClassValidationError, cattrs.IterableValidationError)):
        messages = cattrs.transform_error(error, path=path, format_exception=_format_cause)
        return "; ".join(messages)
    return f"{path}: {error}"


def structure_business_hours(value: BusinessHours | Mapping[str, Any]) -> BusinessHours:
    """Validate business hours given by a caller, as a model or as the API's JSON shape.

    Raises InvalidParameterError naming each bad field by its path, such as
    `business_hours.monday.start`.
    """
    if isinstance(value, BusinessHours):
        return value
    if not isinstance(value, Mapping):
        raise InvalidParameterError(
            f"business_hours must be a BusinessHours or a dict keyed by weekday; got {value!r}."
        )
    try:
        return request_converter.structure(dict(value), BusinessHours)
    except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
        detail = _describe_structure_error(exc, "business_hours")
        raise InvalidParameterError(
            f"Invalid business_hours: {detail}. Weekday keys are {', '.join(WEEKDAYS)}; "
            'each day is {"enabled": bool, "start": "HH:MM", "end": "HH:MM"}.'
        ) from exc
