"""Shared parameter types: the `NOT_GIVEN` sentinel and the `Timeout` alias."""

from __future__ import annotations

import enum
from typing import Final, Literal, TypeAlias

import aiohttp

__all__ = ["NOT_GIVEN", "NotGiven", "Timeout"]


class NotGiven(enum.Enum):
    """Type of `NOT_GIVEN`: a parameter the caller left out, so the request omits the field.

    The API treats an absent field differently from an explicit JSON null, and None is a value
    a caller may mean to send.
    """

    NOT_GIVEN = "NOT_GIVEN"

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> Literal[False]:
        return False


NOT_GIVEN: Final = NotGiven.NOT_GIVEN
"""Default of optional request fields: the field is left out of the request."""


Timeout: TypeAlias = float | aiohttp.ClientTimeout | None
"""A request timeout: seconds for the whole request, an aiohttp.ClientTimeout, or None for
the client's default."""
