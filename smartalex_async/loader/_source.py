"""Read the load's input in chunks, lazily, without blocking the event loop."""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator, AsyncIterable, Iterable, Iterator

import anyio.to_thread

from .._errors import InvalidParameterError
from ._models import ContactInput, ContactSource

__all__ = ["CHUNK_SIZE", "check_source", "read_chunks"]

CHUNK_SIZE = 256
"""Input rows read, and recorded in the journal, per step."""


def check_source(source: object) -> None:
    """Raise InvalidParameterError unless `source` is a (possibly async) iterable of rows."""
    if isinstance(source, (str, bytes)) or not isinstance(source, (AsyncIterable, Iterable)):
        raise InvalidParameterError(
            "contacts must be an iterable or async iterable of ContactInput; "
            f"got {type(source).__name__}."
        )


async def read_chunks(
    source: ContactSource, size: int = CHUNK_SIZE
) -> AsyncGenerator[list[ContactInput], None]:
    """Yield the rows of `source` in lists of up to `size`, reading only as they are needed.

    A plain iterable is advanced on a worker thread, one chunk per hop, so a slow file read
    or parse never blocks the event loop. Only one chunk is pulled at a time, so the
    iterable is never advanced from two threads at once.
    """
    if isinstance(source, AsyncIterable):
        async for chunk in _async_chunks(source, size):
            yield chunk
        return

    iterator = iter(source)
    while chunk := await anyio.to_thread.run_sync(_take, iterator, size):
        yield chunk


async def _async_chunks(
    source: AsyncIterable[ContactInput], size: int
) -> AsyncGenerator[list[ContactInput], None]:
    chunk: list[ContactInput] = []
    async for item in source:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []

    if chunk:
        yield chunk


def _take(iterator: Iterator[ContactInput], size: int) -> list[ContactInput]:
    return list(itertools.islice(iterator, size))
