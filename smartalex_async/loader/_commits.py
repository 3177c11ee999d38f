"""Group commits: many journal writes share one SQLite commit, so rows cost less than a commit.

A commit costs tens of microseconds to milliseconds of disk writes, while a row needs up to
three state changes. The committer task commits whatever was written since its last commit,
as soon as the event loop is free to run it. A task that must not send a request before its
write is durable, such as a create after its intent, awaits `durable()` first.

Writes that are not committed yet are lost in a crash, and always as a suffix of the writes,
because one connection makes them in order. Losing the result of a create leaves its row in
`creating`, which the next run treats as unknown, so a crash never leads to a duplicate.
"""

from __future__ import annotations

import anyio

from ._journal import Journal

__all__ = ["COMMIT_DELAY", "GroupCommitter"]

COMMIT_DELAY = 0.002
"""Seconds from the first write of a group to its commit. A create waits up to this long
before it is sent, which is small next to the request itself."""


class GroupCommitter:
    """Commits the journal's writes in groups while `run` runs.

    While `run` runs, the journal leaves its writes uncommitted until this task commits
    them. After `close`, `run` commits the rest and the journal commits each write again.
    """

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        self._dirty = anyio.Event()
        self._committed = anyio.Event()
        self._closing = False

    async def durable(self) -> None:
        """Wait until every write made so far is committed."""
        if not self._journal.in_transaction:
            return

        # The next commit includes every write made before this call.
        committed = self._committed
        await committed.wait()

    async def run(self) -> None:
        self._journal.on_write = self._mark_dirty
        try:
            while not self._closing:
                await self._dirty.wait()
                self._dirty = anyio.Event()
                # Writes made while this task sleeps join the same commit.
                await anyio.sleep(COMMIT_DELAY)
                self._commit()
        finally:
            self._journal.on_write = None
            self._commit()

    def close(self) -> None:
        """Make `run` commit the last writes and return."""
        self._closing = True
        self._dirty.set()

    def _mark_dirty(self) -> None:
        self._dirty.set()

    def _commit(self) -> None:
        self._journal.commit()
        committed, self._committed = self._committed, anyio.Event()
        committed.set()
