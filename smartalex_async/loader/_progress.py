"""Progress events of a load: counts from the journal, a recent rate and an ETA."""

from __future__ import annotations

import collections
import time

from ._journal import Journal, RowState
from ._models import LoadPhase, LoadProgress, LoadReport, ProgressCallback

__all__ = ["ProgressTracker"]

EMIT_INTERVAL = 0.25
"""Seconds between two progress events, except for the first and the last."""

RATE_WINDOW = 10.0
"""Seconds of history behind the reported rate."""


class ProgressTracker:
    """Builds LoadProgress events from the journal's counts and sends them to a callback.

    `tick` is cheap enough to call after every row: it emits at most every EMIT_INTERVAL.
    """

    def __init__(
        self, journal: Journal, callback: ProgressCallback | None, expected_rows: int | None
    ) -> None:
        self._journal = journal
        self._callback = callback
        self._expected_rows = expected_rows
        self._started = time.monotonic()
        self._next_emit = 0.0
        self._samples: collections.deque[tuple[float, int]] = collections.deque()
        self.phase = LoadPhase.LOADING

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def tick(self) -> None:
        """Emit an event if EMIT_INTERVAL passed since the last one."""
        now = time.monotonic()
        if now >= self._next_emit:
            self._next_emit = now + EMIT_INTERVAL
            self._emit(self.snapshot(now))

    def set_phase(self, phase: LoadPhase) -> None:
        self.phase = phase
        self._next_emit = 0.0
        self.tick()

    def finish(self, report: LoadReport) -> LoadProgress:
        """Emit and return the last event, which carries the report."""
        self.phase = LoadPhase.FINISHED if report.stop_reason is None else LoadPhase.STOPPED
        final = self.snapshot(time.monotonic(), report)
        self._emit(final)
        return final

    def snapshot(self, now: float, report: LoadReport | None = None) -> LoadProgress:
        counts = self._journal.counts
        settled = self._settled()
        rate = self._rate(now, settled)
        return LoadProgress(
            phase=self.phase,
            rows_read=self._journal.rows_read,
            created=counts[RowState.CREATED] + counts[RowState.ADDED],
            added=counts[RowState.ADDED],
            skipped=counts[RowState.SKIPPED],
            failed=counts[RowState.FAILED],
            unknown=counts[RowState.UNKNOWN],
            pending=counts[RowState.PENDING] + counts[RowState.CREATING],
            rate=rate,
            elapsed_seconds=now - self._started,
            expected_rows=self._expected_rows,
            eta_seconds=self._eta(rate, settled),
            report=report,
        )

    def _settled(self) -> int:
        counts = self._journal.counts
        return self._journal.rows_read - counts[RowState.PENDING] - counts[RowState.CREATING]

    def _rate(self, now: float, settled: int) -> float:
        """Rows settled per second over the last RATE_WINDOW seconds."""
        self._samples.append((now, settled))
        while len(self._samples) > 2 and now - self._samples[1][0] >= RATE_WINDOW:
            self._samples.popleft()

        first_time, first_settled = self._samples[0]
        span = now - first_time
        return (settled - first_settled) / span if span > 0 else 0.0

    def _eta(self, rate: float, settled: int) -> float | None:
        if self._expected_rows is None or rate <= 0:
            return None
        return max(0.0, self._expected_rows - settled) / rate

    def _emit(self, event: LoadProgress) -> None:
        if self._callback is not None:
            self._callback(event)
