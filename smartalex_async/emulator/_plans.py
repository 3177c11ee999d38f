"""SmartAlex plans: the request rate per API key and the number of stored contacts they allow.

The API has one account per key, so the emulator applies a plan's contact cap to all the
contacts it stores, whatever key created them.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Plan:
    """A plan's limits. None means no limit.

    name is the value of the ``--plan`` option, and title the plan's display name.
    requests_per_minute applies to each API key in fixed 60-second windows.
    """

    name: str
    title: str
    requests_per_minute: int | None
    max_contacts: int | None

    def describe(self) -> str:
        """Return the plan and its limits as one line, such as for the startup output."""
        rate = "no rate limit"
        if self.requests_per_minute is not None:
            rate = f"{self.requests_per_minute} requests per minute per API key"

        contacts = "no contact cap"
        if self.max_contacts is not None:
            contacts = f"at most {self.max_contacts:,} stored contacts"

        return f"{self.title} plan: {rate}, {contacts}"


# The request rates match smartalex_async.RatePlan.
PROFESSIONAL = Plan("professional", "Professional", 60, 1_000)
DENTAL = Plan("dental", "Dental", 300, 5_000)
REAL_ESTATE = Plan("real-estate", "Real Estate", 600, 50_000)
UNLIMITED = Plan("unlimited", "Unlimited", None, None)

PLANS = {plan.name: plan for plan in (PROFESSIONAL, DENTAL, REAL_ESTATE, UNLIMITED)}
"""Every plan, keyed by its name."""


def plan_named(name: str) -> Plan:
    """Return the plan with this name, or raise ValueError listing the valid names."""
    plan = PLANS.get(name)
    if plan is None:
        raise ValueError(f"Unknown plan {name!r}; use one of: {', '.join(PLANS)}.")

    return plan
