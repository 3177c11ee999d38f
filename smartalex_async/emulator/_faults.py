"""Fault injection settings and the errors that the injected faults produce.

Each request to a /v1 route that passes authentication takes one draw from the state's
random.Random, in arrival order, and the draw selects at most one fault. The rates are
stacked in the order of the Fault members. So a draw below server_error_rate injects a 500,
a draw in the next interval, of width unavailable_rate, injects a 503, and so on.
"""

from __future__ import annotations

import enum
import math

import attrs

from ._errors import ApiError

# Float rounding can push a sum such as 0.1 + 0.2 + 0.7 just above 1.0.
_RATE_SUM_TOLERANCE = 1e-9


class Fault(str, enum.Enum):
    """A fault that the emulator can inject into one request.

    The values are the keys of EmulatorStats.faults.
    """

    SERVER_ERROR = "server_error"
    UNAVAILABLE = "unavailable"
    RATE_LIMITED = "rate_limited"
    DROP_AFTER_APPLY = "drop_after_apply"
    STALL_AFTER_HEADERS = "stall_after_headers"


def _validate_rate(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    # bool is an int subclass, so True would otherwise pass as the rate 1.0.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{attribute.name} must be a number from 0.0 to 1.0, not {value!r}.")

    # The chained comparison is also false for NaN.
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{attribute.name} must be from 0.0 to 1.0, not {value!r}.")


def _validate_non_negative(
    instance: object, attribute: attrs.Attribute[float], value: float
) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{attribute.name} must be a number of at least 0, not {value!r}.")

    if not 0 <= value < math.inf:
        raise ValueError(f"{attribute.name} must be a finite number of at least 0, not {value!r}.")


def _validate_retry_after(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    # A Retry-After delay is a whole number of seconds.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{attribute.name} must be a whole number of seconds, not {value!r}.")

    if value < 0:
        raise ValueError(f"{attribute.name} must be at least 0 seconds, not {value}.")


def _validate_rate_limit(
    instance: object, attribute: attrs.Attribute[int | None], value: int | None
) -> None:
    if value is None:
        return

    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{attribute.name} must be a whole number or None, not {value!r}.")

    if value < 1:
        raise ValueError(
            f"{attribute.name} must be at least 1 request per minute, not {value}; "
            "pass None for no limit."
        )


def _validate_seed(
    instance: object, attribute: attrs.Attribute[int | None], value: int | None
) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(f"{attribute.name} must be an int or None, not {value!r}.")


@attrs.frozen(kw_only=True)
class FaultConfig:
    """Fault injection and per-key rate limit settings of an emulator.

    The five rates are per-request probabilities from 0.0 to 1.0 whose sum is at most 1.0:

    - server_error_rate: 500 ``server_error``.
    - unavailable_rate: 503 with Retry-After. The code is ``server_error`` because the
      vendor has no code for 503, so only the status distinguishes it from a 500.
    - rate_limited_rate: 429 ``rate_limited`` with Retry-After.
    - drop_after_apply_rate: the handler runs and stores its effect, then the emulator
      closes the connection without sending a response. An aiohttp 3.13 client resends a
      dropped GET once by itself, and the resent request takes its own fault draw.
    - stall_after_headers_rate: the handler runs and stores its effect, and the emulator
      sends the status line and headers with Content-Length but never the body. It closes
      the connection when the client disconnects or the server shuts down.

    latency_ms is a delay in milliseconds before each request to a /v1 route is handled,
    including requests that are then rejected. retry_after_seconds is the Retry-After
    value of the injected 503 and 429 responses. rate_limit_per_minute limits the requests
    of each API key per fixed 60-second window, or None for no limit. With a seed, the
    sequence of fault decisions repeats from run to run.
    """

    server_error_rate: float = attrs.field(default=0.0, validator=_validate_rate)
    unavailable_rate: float = attrs.field(default=0.0, validator=_validate_rate)
    rate_limited_rate: float = attrs.field(default=0.0, validator=_validate_rate)
    drop_after_apply_rate: float = attrs.field(default=0.0, validator=_validate_rate)
    stall_after_headers_rate: float = attrs.field(default=0.0, validator=_validate_rate)
    latency_ms: float = attrs.field(default=0.0, validator=_validate_non_negative)
    retry_after_seconds: int = attrs.field(default=1, validator=_validate_retry_after)
    rate_limit_per_minute: int | None = attrs.field(default=None, validator=_validate_rate_limit)
    seed: int | None = attrs.field(default=None, validator=_validate_seed)

    def __attrs_post_init__(self) -> None:
        total = math.fsum(rate for _, rate in self._rates())
        if total > 1.0 + _RATE_SUM_TOLERANCE:
            raise ValueError(
                f"The fault rates add up to {total:g}, but their sum must be at most 1.0 "
                "because each request gets at most one fault; lower some of the rates."
            )

    def choose_fault(self, draw: float) -> Fault | None:
        """Map a draw from [0.0, 1.0) to the fault it selects, or None for no fault."""
        upper_bound = 0.0
        for fault, rate in self._rates():
            upper_bound += rate
            # Strictly below, so a rate of 0.0 never selects its fault.
            if draw < upper_bound:
                return fault

        return None

    def _rates(self) -> list[tuple[Fault, float]]:
        return [
            (Fault.SERVER_ERROR, self.server_error_rate),
            (Fault.UNAVAILABLE, self.unavailable_rate),
            (Fault.RATE_LIMITED, self.rate_limited_rate),
            (Fault.DROP_AFTER_APPLY, self.drop_after_apply_rate),
            (Fault.STALL_AFTER_HEADERS, self.stall_after_headers_rate),
        ]


def injected_error(fault: Fault | None, config: FaultConfig) -> ApiError | None:
    """Return the error response of an injected error fault, or None for other faults."""
    retry_after = {"Retry-After": str(config.retry_after_seconds)}

    if fault is Fault.SERVER_ERROR:
        return ApiError(
            "server_error",
            "Injected fault: the emulator returns 500 for this request because "
            f"server_error_rate is {config.server_error_rate:g}.",
        )

    if fault is Fault.UNAVAILABLE:
        return ApiError(
            "server_error",
            "Injected fault: the emulator returns 503 for this request because "
            f"unavailable_rate is {config.unavailable_rate:g}; retry after "
            f"{config.retry_after_seconds} seconds.",
            status=503,
            headers=retry_after,
        )

    if fault is Fault.RATE_LIMITED:
        return ApiError(
            "rate_limited",
            "Injected fault: the emulator returns 429 for this request because "
            f"rate_limited_rate is {config.rate_limited_rate:g}; retry after "
            f"{config.retry_after_seconds} seconds.",
            headers=retry_after,
        )

    return None
