"""The `NOT_GIVEN` sentinel, for parameters where "absent" differs from None."""

from __future__ import annotations

import enum
from typing import Final, Literal

__all__ = ["NOT_GIVEN", "NotGiven"]


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
