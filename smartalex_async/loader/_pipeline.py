"""The bulk load: read rows, create contacts concurrently, add them to the campaign in batches.

One load runs these tasks, and no others, whatever the input size:

- a feeder, which reads the input a chunk at a time, records each chunk in the journal and
  passes the rows to create through a channel that buffers at most `concurrency` rows;
- `concurrency` create workers, each sending one create request at a time;
- one adder, which sends each full batch of 100 created contacts as soon as it is cut, so
  adding overlaps creating. At most ADD_QUEUE_BATCHES batches wait for it.

Every request goes through the client's transport, so its rate limiter and retry rules
apply. The journal (see `_journal`) records each step before and after its request, so a
load that crashed can be run again with the same journal and input.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING

import anyio
import attrs
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from .._errors import (
    APIResponseError,
    APIStatusError,
    AuthenticationError,
    CampaignNotFoundError,
    InvalidParameterError,
    OutcomeUnknownError,
    PermissionDeniedError,
    SmartAlexError,
)
from .._models import CampaignStatus
from .._validation import require_id, require_non_negative_int, require_positive_int
from ._commits import GroupCommitter
from ._journal import SENDABLE_STATES, Journal, RowState
from ._models import (
    CONTACT_LIMIT_CODES,
    ContactInput,
    ContactSource,
    JournalMismatchError,
    LoadPhase,
    LoadProgress,
    LoadReport,
    ProgressCallback,
)
from ._progress import ProgressTracker
from ._reconcile import reconcile_unknown
from ._report import build_report, write_report
from ._rows import ContactFields, prepare_row
from ._source import CHUNK_SIZE, check_source, read_chunks

if TYPE_CHECKING:
    from ..resources.campaigns import AsyncCampaigns
    from ..resources.contacts import AsyncContacts

__all__ = ["LoadOptions", "iterate_load", "run_load"]

logger = logging.getLogger("smartalex.bulk")

ADD_QUEUE_BATCHES = 2
"""Full batches that may wait for the adder before create workers wait for it."""

BATCH_SIZE = 100
"""Contact ids per add request, the most the API accepts."""

WARNINGS_PER_CODE = 5
"""Row failures logged at WARNING per error code. Later ones are logged at DEBUG."""

_FATAL_ERRORS = (AuthenticationError, PermissionDeniedError, CampaignNotFoundError)
"""Errors that every later request would get too, so the load stops at the first one."""

_CLOSED_STATUSES = (CampaignStatus.COMPLETED, CampaignStatus.CANCELLED)


@attrs.frozen(kw_only=True)
class LoadOptions:
    """The settings of one load, checked by `check`."""

    campaign_id: str
    journal: str | os.PathLike[str] | None = None
    concurrency: int = 8
    reconcile: bool = True
    input_fingerprint: str | None = None
    expected_rows: int | None = None
    report: str | os.PathLike[str] | None = None

    def check(self) -> None:
        """Raise InvalidParameterError for an invalid setting, before anything is sent."""
        require_id("campaign_id", self.campaign_id)
        require_positive_int("concurrency", self.concurrency)
        if self.expected_rows is not None:
            require_non_negative_int("expected_rows", self.expected_rows)
        if self.input_fingerprint is not None:
            require_id("input_fingerprint", self.input_fingerprint)


@attrs.frozen
class _Dispatch:
    """A row to create, and the state it is in until its intent is recorded."""

    seq: int
    row_number: int
    fields: ContactFields
    state: RowState


@attrs.frozen
class _Stop:
    """The reason a load stopped reading early. `error` is raised once in-flight work settled."""

    reason: str
    detail: str
    error: BaseException | None = None


async def run_load(
    campaigns: AsyncCampaigns,
    contacts: AsyncContacts,
    source: ContactSource,
    options: LoadOptions,
    on_progress: ProgressCallback | None = None,
) -> LoadReport:
    """Load `source` into the campaign with the settings of `options`, and return the report.

    Checks the campaign before the journal is opened, so a wrong campaign id leaves no
    journal behind.
    """
    options.check()
    check_source(source)
    await _check_campaign(campaigns, options.campaign_id)

    with Journal.open(options.journal) as journal:
        journal.bind(options.campaign_id, options.input_fingerprint)
        tracker = ProgressTracker(journal, on_progress, options.expected_rows)
        load = _Load(journal, campaigns, contacts, options, tracker)
        return await load.run(source)


async def iterate_load(
    campaigns: AsyncCampaigns,
    contacts: AsyncContacts,
    source: ContactSource,
    options: LoadOptions,
) -> AsyncGenerator[LoadProgress, None]:
    """Run `run_load` in a task of its own and yield its progress events.

    A slow consumer receives only the latest event, so it never holds the load back. The last
    event carries the report. Closing the iterator early cancels the load, and the next
    run with the same journal continues it.
    """
    channel = _LatestEvent()
    # A task of its own, because the sync facade pulls each event from a different task.
    task = asyncio.get_running_loop().create_task(
        run_load(campaigns, contacts, source, options, channel.publish)
    )
    try:
        async with contextlib.aclosing(channel.events(task)) as events:
            async for event in events:
                yield event
    finally:
        await _stop_task(task)


class _Load:
    """One run of a load over one open journal."""

    def __init__(
        self,
        journal: Journal,
        campaigns: AsyncCampaigns,
        contacts: AsyncContacts,
        options: LoadOptions,
        tracker: ProgressTracker,
    ) -> None:
        self._journal = journal
        self._contacts = contacts
        self._options = options
        self._tracker = tracker
        self._commits = GroupCommitter(journal)
        self._batcher = _Batcher(
            journal, self._commits, campaigns, options.campaign_id, tracker, self._stop_on
        )
        self._stop: _Stop | None = None
        self._position = 0
        self._created_this_run = 0
        self._reconciled = 0
        self._failure_logs: collections.Counter[str] = collections.Counter()

    async def run(self, source: ContactSource) -> LoadReport:
        self._log_start()
        # Rows that were in flight when an earlier run died have an unknown outcome.
        self._journal.mark_interrupted()
        await self._settle_unknown(add_matches=False)

        self._tracker.set_phase(LoadPhase.LOADING)
        async with anyio.create_task_group() as group:
            group.start_soon(self._commits.run)
            group.start_soon(self._batcher.run_adds)
            try:
                await self._batcher.requeue_created()
                await self._create_all(self._input_rows(source))
                await self._settle_unknown_of_this_run()
                await self._batcher.flush()
            finally:
                self._batcher.close()
                self._commits.close()

        return self._finish()

    def _log_start(self) -> None:
        journal = self._journal
        if journal.rows_read:
            logger.info(
                "Resuming the load into campaign %s from the journal %s: %d rows recorded.",
                self._options.campaign_id,
                journal.path,
                journal.rows_read,
            )
        else:
            logger.info(
                "Loading contacts into campaign %s with %d concurrent creates, journal %s.",
                self._options.campaign_id,
                self._options.concurrency,
                "temporary" if journal.temporary else journal.path,
            )

    # -- creating

    async def _create_all(self, rows: AsyncGenerator[_Dispatch, None]) -> None:
        """Create the contact of every row from `rows`, `concurrency` at a time."""
        send, receive = anyio.create_memory_object_stream[_Dispatch](self._options.concurrency)
        async with anyio.create_task_group() as creators:
            creators.start_soon(self._feed, rows, send)
            for _ in range(self._options.concurrency):
                creators.start_soon(self._create_worker, receive.clone())
            receive.close()

    async def _feed(
        self, rows: AsyncGenerator[_Dispatch, None], send: MemoryObjectSendStream[_Dispatch]
    ) -> None:
        async with send, contextlib.aclosing(rows):
            try:
                async for row in rows:
                    if self._stop is not None:
                        break
                    await send.send(row)
            except Exception as exc:
                # The input failed (a read error, a bad row, a changed input). Rows already
                # sent finish first, and the error is raised at the end.
                self._stop_on(exc)

    async def _create_worker(self, receive: MemoryObjectReceiveStream[_Dispatch]) -> None:
        async with receive:
            async for row in receive:
                # After a stop, queued rows stay pending in the journal for the next run.
                if self._stop is None:
                    await self._create(row)
                    self._tracker.tick()

    async def _create(self, row: _Dispatch) -> None:
        # The intent is committed before the request is sent: a crash from here on leaves
        # the row in `creating`, which the next run treats as unknown.
        self._journal.begin_create(row.seq, row.state)
        try:
            await self._commits.durable()
        except BaseException:
            self._journal.record_not_sent(row.seq, "interrupted", "The load was interrupted.")
            raise

        try:
            contact = await self._contacts.create(**row.fields.create_arguments())
        except SmartAlexError as exc:
            self._record_error(row, exc)
            return
        except BaseException:
            # Cancelled, or a bug: the request may have reached the server.
            self._journal.record_unknown(row.seq, "interrupted", "The load was interrupted.")
            raise

        self._journal.record_created(row.seq, contact.id)
        self._created_this_run += 1
        await self._batcher.push(row.seq, contact.id)

    def _record_error(self, row: _Dispatch, error: SmartAlexError) -> None:
        code = _error_code(error)
        message = str(error)
        if isinstance(error, (OutcomeUnknownError, APIResponseError)):
            # The create may have taken effect (for APIResponseError it did, but its id is
            # unreadable), so it is never sent again without reading back first.
            self._journal.record_unknown(row.seq, code, message)
            self._log_row_error(row, code, error, "create outcome unknown")
            return
        if _is_contact_limit(error) or isinstance(error, _FATAL_ERRORS):
            # The server rejected it without storing anything, so the next run sends it again.
            self._journal.record_not_sent(row.seq, code, message)
            self._stop_on(error)
            return

        self._journal.record_failed(row.seq, code, message)
        self._log_row_error(row, code, error, "contact not created")

    def _log_row_error(
        self, row: _Dispatch, code: str, error: SmartAlexError, outcome: str
    ) -> None:
        self._failure_logs[code] += 1
        level = logging.WARNING if self._failure_logs[code] <= WARNINGS_PER_CODE else logging.DEBUG
        logger.log(level, "Row %d: %s (%s).", row.row_number, outcome, code)
        # The server's message may quote the row's name or phone, so it stays at DEBUG.
        logger.debug("Row %d: %s", row.row_number, error)

    def _stop_on(self, error: BaseException) -> None:
        """Stop reading new rows. When called more than once, the first reason wins."""
        if self._stop is not None:
            return

        if isinstance(error, APIStatusError) and _is_contact_limit(error):
            self._stop = _Stop("contact_limit_reached", error.message)
            logger.warning("The account reached its plan's contact cap, so the load stops.")
        else:
            self._stop = _Stop("error", str(error), error)
            logger.warning("Stopping the load after an error: %s", type(error).__name__)

    # -- reading the input

    async def _input_rows(self, source: ContactSource) -> AsyncGenerator[_Dispatch, None]:
        """Record each chunk of input rows, then yield the rows that need a create."""
        async with contextlib.aclosing(read_chunks(source, CHUNK_SIZE)) as chunks:
            async for chunk in chunks:
                for row in self._record_chunk(chunk):
                    yield row
                self._tracker.tick()
                if self._stop is not None:
                    return

        self._check_input_complete()

    def _record_chunk(self, chunk: list[ContactInput]) -> list[_Dispatch]:
        first = self._position + 1
        prepared = [prepare_row(item, seq) for seq, item in enumerate(chunk, first)]
        self._position += len(prepared)

        recorded = self._journal.recorded_rows(first, self._position)
        dispatches = []
        for row in prepared:
            earlier = recorded.get(row.seq)
            if earlier is None:
                break
            if earlier.content_hash != row.content_hash:
                raise JournalMismatchError(_changed_row_message(self._journal, row.row_number))
            if earlier.state in SENDABLE_STATES and earlier.fields is not None:
                dispatches.append(_Dispatch(row.seq, row.row_number, earlier.fields, earlier.state))

        fresh = prepared[len(recorded) :]
        for stored in self._journal.insert_rows(fresh):
            if stored.fields is not None:
                dispatches.append(
                    _Dispatch(stored.seq, stored.row_number, stored.fields, stored.state)
                )
        return dispatches

    def _check_input_complete(self) -> None:
        recorded = self._journal.rows_read
        if self._position < recorded:
            raise JournalMismatchError(
                f"The input has {self._position} rows, but the journal {self._journal.path} "
                f"recorded {recorded}: the input changed since the journal was written. Resume "
                "with the original input, or use another journal path to start a new load."
            )

    # -- reading back

    async def _settle_unknown(self, *, add_matches: bool) -> None:
        if not self._options.reconcile or not self._journal.counts[RowState.UNKNOWN]:
            return

        self._tracker.set_phase(LoadPhase.RECONCILING)
        try:
            matched = await reconcile_unknown(self._journal, self._contacts)
        except SmartAlexError as exc:
            logger.warning("Reading contacts back failed, so unknown rows stay unknown: %s", exc)
            return
        finally:
            self._tracker.set_phase(LoadPhase.LOADING)

        self._reconciled += len(matched)
        if add_matches:
            for seq, contact_id in matched:
                await self._batcher.push(seq, contact_id)

    async def _settle_unknown_of_this_run(self) -> None:
        """Read back the rows this run left unknown, and create those that have no contact."""
        fatal = self._stop is not None and self._stop.error is not None
        if fatal:
            return

        await self._settle_unknown(add_matches=True)
        if self._stop is None:
            await self._create_all(self._pending_rows())

    async def _pending_rows(self) -> AsyncGenerator[_Dispatch, None]:
        after = 0
        while rows := self._journal.rows_in_state(RowState.PENDING, after, CHUNK_SIZE):
            for seq, row_number, _, fields in rows:
                if fields is not None:
                    yield _Dispatch(seq, row_number, fields, RowState.PENDING)
            after = rows[-1][0]

    # -- finishing

    def _finish(self) -> LoadReport:
        report = build_report(
            self._journal,
            self._options.campaign_id,
            created_this_run=self._created_this_run,
            reconciled=self._reconciled,
            elapsed_seconds=self._tracker.elapsed,
            stop_reason=None if self._stop is None else self._stop.reason,
            report_path=None if self._options.report is None else os.fspath(self._options.report),
        )
        if self._stop is not None:
            report = attrs.evolve(report, message=self._stop_message(report))
        if self._options.report is not None:
            write_report(self._journal, self._options.report)

        self._log_finish(report)
        self._tracker.finish(report)
        if self._stop is not None and self._stop.error is not None:
            raise self._stop.error
        return report

    def _stop_message(self, report: LoadReport) -> str:
        assert self._stop is not None
        where = (
            "then load the remaining rows again. Pass a journal path to make a load resumable."
            if self._journal.temporary
            else f"then run the load again with the journal {self._journal.path} to continue."
        )
        detail = self._stop.detail.rstrip(".")
        if self._stop.reason == "contact_limit_reached":
            return (
                "The load stopped because the account reached its plan's cap on stored "
                f"contacts. The API answered: {detail}. {report.rows_read} rows were read: "
                f"{report.added} added, {report.skipped} skipped, {report.pending} not sent "
                "yet. Raise the plan's contact cap or delete contacts you no longer need, "
                f"{where}"
            )
        return (
            f"The load stopped after an error: {detail}. {report.rows_read} rows were read "
            f"and {report.added} added. Fix the cause, {where}"
        )

    def _log_finish(self, report: LoadReport) -> None:
        logger.info(
            "Load into campaign %s: %d rows read, %d added, %d skipped, %d failed, %d unknown, "
            "%d pending, in %.1f s.",
            report.campaign_id,
            report.rows_read,
            report.added,
            report.skipped,
            report.failed,
            report.unknown,
            report.pending,
            report.elapsed_seconds,
        )


class _Batcher:
    """Cuts created contacts into batches of BATCH_SIZE and adds each to the campaign."""

    def __init__(
        self,
        journal: Journal,
        commits: GroupCommitter,
        campaigns: AsyncCampaigns,
        campaign_id: str,
        tracker: ProgressTracker,
        on_fatal: Callable[[BaseException], None],
    ) -> None:
        self._journal = journal
        self._commits = commits
        self._campaigns = campaigns
        self._campaign_id = campaign_id
        self._tracker = tracker
        self._on_fatal = on_fatal
        self._waiting: list[tuple[int, str]] = []
        self._send, self._receive = anyio.create_memory_object_stream[tuple[int, list[str]]](
            ADD_QUEUE_BATCHES
        )

    async def push(self, seq: int, contact_id: str) -> None:
        """Queue a created contact, and hand a full batch to the adder."""
        self._waiting.append((seq, contact_id))
        if len(self._waiting) >= BATCH_SIZE:
            await self._cut()

    async def flush(self) -> None:
        """Hand the last, partial batch to the adder."""
        if self._waiting:
            await self._cut()

    def close(self) -> None:
        """Tell the adder that no more batches come."""
        self._send.close()

    async def requeue_created(self) -> None:
        """Queue the contacts that earlier runs created but did not add."""
        after = 0
        while rows := self._journal.rows_in_state(RowState.CREATED, after, BATCH_SIZE):
            for seq, _, contact_id, _ in rows:
                if contact_id is not None:
                    await self.push(seq, contact_id)
            after = rows[-1][0]

    async def _cut(self) -> None:
        batch, self._waiting = self._waiting, []
        batch_id = self._journal.open_batch([seq for seq, _ in batch])
        await self._send.send((batch_id, [contact_id for _, contact_id in batch]))

    async def run_adds(self) -> None:
        async with self._receive:
            async for batch_id, contact_ids in self._receive:
                # The batch is committed before its add is sent. If the process dies after
                # that, its rows are still `created`, and the next run adds them again.
                await self._commits.durable()
                await self._add(batch_id, contact_ids)
                self._tracker.tick()

    async def _add(self, batch_id: int, contact_ids: list[str]) -> None:
        result = await self._campaigns.add_contacts(self._campaign_id, contact_ids, concurrency=1)
        if not result.failed_batches:
            self._journal.close_batch(batch_id, None)
            return

        error = result.failed_batches[0].error
        logger.warning(
            "Batch %d of %d contacts was not added to campaign %s: %s",
            batch_id,
            len(contact_ids),
            self._campaign_id,
            _error_code(error),
        )
        self._journal.close_batch(batch_id, (_error_code(error), str(error)))
        if isinstance(error, _FATAL_ERRORS):
            self._on_fatal(error)


class _LatestEvent:
    """Hands the latest progress event from the load's task to one consumer."""

    def __init__(self) -> None:
        self._event: LoadProgress | None = None
        self._ready = asyncio.Event()

    def publish(self, event: LoadProgress) -> None:
        self._event = event
        self._ready.set()

    async def events(self, task: asyncio.Task[LoadReport]) -> AsyncGenerator[LoadProgress, None]:
        """Yield events until the one with the report, then raise the task's error if any."""
        while True:
            await _wait_for_either(self._ready, task)
            if self._ready.is_set():
                self._ready.clear()
                # Kept in a local, because the load may publish a newer event before the next read.
                event = self._event
                assert event is not None
                yield event
                if event.report is not None:
                    break
            elif task.done():
                break

        await task


async def _wait_for_either(ready: asyncio.Event, task: asyncio.Task[LoadReport]) -> None:
    waiter = asyncio.ensure_future(ready.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()


async def _stop_task(task: asyncio.Task[LoadReport]) -> None:
    if not task.done():
        task.cancel()
    await asyncio.wait({task})
    if not task.cancelled():
        # Marks the exception as retrieved when the consumer left before seeing it.
        task.exception()


async def _check_campaign(campaigns: AsyncCampaigns, campaign_id: str) -> None:
    campaign = await campaigns.get(campaign_id)
    if campaign.status in _CLOSED_STATUSES:
        raise InvalidParameterError(
            f"Campaign {campaign_id} is {campaign.status}, so contacts can no longer be added "
            "to it. Load the contacts into a new campaign."
        )


def _is_contact_limit(error: SmartAlexError) -> bool:
    return isinstance(error, APIStatusError) and error.code in CONTACT_LIMIT_CODES


def _error_code(error: BaseException) -> str:
    """Return the API's error code, or a name for errors that carry none."""
    if isinstance(error, APIStatusError):
        return error.code or f"http_{error.status}"
    if isinstance(error, OutcomeUnknownError):
        return "outcome_unknown"
    if isinstance(error, APIResponseError):
        return "invalid_response"
    if isinstance(error, InvalidParameterError):
        return "invalid_parameter"
    return "connection_error"


def _changed_row_message(journal: Journal, row_number: int) -> str:
    return (
        f"Input row {row_number} differs from the row that the journal {journal.path} "
        "recorded: the input changed since the journal was written. Resume with the original "
        "input, or use another journal path to start a new load."
    )
