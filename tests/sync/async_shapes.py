"""Async classes with one member of each kind, for test_generator_rules.py to translate.

pytest does not collect this file; the test imports it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

LIMIT = 3


class AsyncShapes:
    """Members of every kind that the generator translates."""

    def __init__(self) -> None:
        self.label = "shapes"

    @property
    def name(self) -> str:
        """The label."""
        return self.label

    async def add(
        self, left: int, right: int = LIMIT, /, *numbers: int, scale: int = 1, **tags: str
    ) -> int:
        """Add the numbers and multiply by `scale`."""
        return (left + right + sum(numbers)) * scale + len(tags)

    async def count(self, *, limit: int = LIMIT) -> AsyncIterator[int]:
        """Yield 0 up to `limit`."""
        for value in range(limit):
            yield value

    async def opened(self) -> AsyncIterator[int]:
        """Return an iterator from a coroutine."""
        return self.count(limit=2)

    def stream(self) -> AsyncIterator[int]:
        """Return an iterator from a plain method."""
        return self.count(limit=1)

    def describe(self, prefix: str) -> str:
        """Describe the object."""
        return f"{prefix} {self.label}"


class AsyncWithStatic:
    @staticmethod
    def build() -> int:
        return 1


class AsyncReturnsAsync:
    async def copy(self) -> AsyncShapes:
        return AsyncShapes()


class AsyncComputedDefault:
    async def fetch(self, limit: int = LIMIT + 1) -> int:
        return limit
