"""Run a translated query and stream its rows as Arrow batches (a
:class:`~app.result_table.ResultTable`), on one database connection held until the
stream ends.

Blocking by design: the server calls it from worker threads, so encoding a batch never
stalls the event loop. The query runs in a transaction with a time limit (PostgreSQL's
``statement_timeout``; a progress handler on SQLite) and a wall-clock deadline checked
between batches. Rows leave PostgreSQL through a server-side cursor, so memory holds one
batch whatever the result's size.
"""

from __future__ import annotations

import heapq
import itertools
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
import structlog

from adql.dialects.sqlite_functions import last_function_error
from app.faults import QueryCancelledError, QueryTimeoutError, TransientError, UsageError
from app.storage.arrow_rows import RowConverter
from app.storage.query_cancel import QueryCancel
from app.storage.unavailable import UNAVAILABLE, database_unavailable
from obscore.schema import backend_of, schema_translate_map
from vometa import Field

__all__ = ["BATCH_CELLS", "RunningQuery", "batch_rows", "deadline_check", "start_query"]

log = structlog.get_logger("obscura")

BATCH_CELLS = 100_000
"""Values per Arrow batch: large enough to vectorise, small enough to keep memory flat
(a batch lives as Python tuples, Arrow arrays and encoded bytes at once)."""


def batch_rows(columns: int) -> int:
    """Rows per batch for a result of ``columns`` columns (10,000 for 10 columns)."""
    return max(500, min(20_000, BATCH_CELLS // max(columns, 1)))


UPLOAD_SCHEMA = "tap_upload"
_UPLOAD_TARGET = {"sqlite": "temp", "postgresql": "pg_temp"}

CANCELLED = "The query was cancelled (its job was aborted or deleted, or its client left)."

Setup = Callable[[sa.Connection], None]
"""Runs on the query's connection before it, under its time limit (fills upload tables)."""
Cleanup = Callable[[sa.Connection], None]
"""Runs on the query's connection before it is released, also when the query or its
setup failed (drops upload tables)."""


def _timeout_message(seconds: float) -> str:
    return (
        f"The query ran past the time limit of {seconds:g} s and was stopped. Narrow it "
        "(a smaller region, fewer columns, TOP or MAXREC), or submit it as an async job."
    )


def deadline_check(deadline: float, timeout: float, cancel: QueryCancel) -> Callable[[], None]:
    """What work before the query (reading uploads) calls between pieces: it raises once
    the query is cancelled or past its deadline (a ``time.monotonic()`` instant)."""

    def check() -> None:
        if cancel.is_set():
            raise QueryCancelledError(CANCELLED)
        if time.monotonic() > deadline:
            raise QueryTimeoutError(_timeout_message(timeout))

    return check


def _driver_error(exc: BaseException) -> BaseException:
    """The database driver's own exception behind ``exc``."""
    return exc.orig if isinstance(exc, sa.exc.DBAPIError) and exc.orig is not None else exc


def _database_message(exc: BaseException) -> str:
    orig = _driver_error(exc)
    if isinstance(orig, sqlite3.OperationalError) and "user-defined function" in str(orig):
        reason = last_function_error()
        if reason is not None:
            return reason
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__


def _is_timeout(exc: BaseException) -> bool:
    orig = _driver_error(exc)
    if isinstance(orig, sqlite3.OperationalError):
        return "interrupted" in str(orig)
    return type(orig).__name__ == "QueryCanceled"


_PGSPHERE_REFUSAL = re.compile(
    r"sphere|spherical|polygon|circle|ellipse|radius|degrees|spoint|scircle|spoly|sbox|spath",
    re.IGNORECASE,
)
"""pgSphere reports a shape it refuses (a radius over 90 degrees, a polygon crossing itself)
as an internal error (XX000); these words tell it from a real one."""


def _is_user_error(exc: BaseException) -> bool:
    """A failure caused by the query itself (bad value, division by zero), not by the
    server (a lost connection)."""
    orig = _driver_error(exc)
    if isinstance(orig, sqlite3.Error):
        return True
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate == "XX000" and _PGSPHERE_REFUSAL.search(str(orig)):
        return True  # pgSphere refusing a shape (a polygon too large, crossing itself...)
    # Class 22: data exception; 42: syntax error or access rule violation; 54: program
    # limit exceeded (a statement too complex).
    return isinstance(sqlstate, str) and sqlstate[:2] in ("22", "42", "54")


class RunningQuery:
    """A query whose first batch has been fetched; iterate :meth:`batches` once."""

    def __init__(
        self,
        *,
        conn: sa.Connection,
        cursor: Any,
        first: Sequence[Any],
        converter: RowConverter,
        maxrec: int,
        deadline: float,
        timeout: float,
        cleanup: Cleanup | None = None,
        detach: Callable[[], None] = lambda: None,
        cancel: QueryCancel | None = None,
    ) -> None:
        self._conn = conn
        self._cursor = cursor
        self._cleanup = cleanup
        self._detach = detach
        self._cancel = cancel or QueryCancel()
        self._first = first
        self._converter = converter
        self._maxrec = maxrec
        self._deadline = deadline
        self._timeout = timeout
        self._overflow = False
        self._batch_rows = batch_rows(len(converter.fields))
        self.rows = 0
        """Rows sent so far."""

    @property
    def fields(self) -> Sequence[Field]:
        """The result's columns."""
        return self._converter.fields

    @property
    def overflow(self) -> bool:
        """Whether the result was cut at MAXREC (known once :meth:`batches` is done)."""
        return self._overflow

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The rows, as Arrow batches of :func:`batch_rows` rows at most.

        Raises
        ------
        QueryTimeoutError, QueryCancelledError, UsageError
            Mid-way, when the query runs past its time limit, is cancelled, or fails
            because of what it asks (a division by zero).
        """
        try:
            rows = self._first
            while rows:
                room = self._maxrec - self.rows
                if len(rows) > room:
                    self._overflow = True
                    rows = rows[:room]
                if rows:
                    self.rows += len(rows)
                    yield self._converter.batch(rows)
                if self._overflow:
                    return
                if self._cancel.is_set():
                    raise QueryCancelledError(CANCELLED)
                if time.monotonic() > self._deadline:
                    raise QueryTimeoutError(_timeout_message(self._timeout))
                rows = self._fetch()
        finally:
            self.close()

    def _fetch(self) -> Sequence[Any]:
        try:
            rows: Sequence[Any] = self._cursor.fetchmany(self._batch_rows)
        except Exception as exc:
            if self._cancel.is_set():
                raise QueryCancelledError(CANCELLED) from None
            if _is_timeout(exc):
                raise QueryTimeoutError(_timeout_message(self._timeout)) from None
            if _is_user_error(exc):
                raise UsageError(f"The query failed: {_database_message(exc)}") from None
            if database_unavailable(exc):
                log.warning("the database connection was lost mid-result", error=str(exc))
                raise TransientError(
                    "The connection to the archive database was lost while the results "
                    "were being sent, so they are incomplete; please run the query again"
                ) from None
            raise
        return rows

    def close(self) -> None:
        """Release the connection (idempotent); temporary upload tables go with it."""
        if self._conn.closed:
            return
        try:
            self._cursor.close()
        except Exception:
            log.warning("closing a query's cursor failed", exc_info=True)
        _release(self._conn, self._cleanup, self._detach)


def _set_limits(
    conn: sa.Connection, backend: str, deadline: float, timeout: float, cancel: QueryCancel
) -> Callable[[], None]:
    """Put the query's time limit and cancellation on ``conn``; returns what takes them
    off again (before the connection is cleaned up and goes back to the pool, where a
    late cancel must not reach whatever runs on it next)."""
    raw = conn.connection.dbapi_connection
    assert raw is not None
    if backend == "postgresql":
        left = max(1, int(min(timeout, deadline - time.monotonic()) * 1000))
        # One round trip: the time limit for this transaction (SET LOCAL), and geometry in
        # degrees, so the output parser reads the same numbers as on SQLite.
        conn.exec_driver_sql(
            f"SELECT set_config('statement_timeout', '{left}', true), set_sphere_output('DEG')"
        )
        return cancel.on_cancel(raw.cancel_safe)

    def over_time() -> int:
        return 1 if cancel.is_set() or time.monotonic() > deadline else 0

    # The progress handler runs between virtual-machine steps, and a query spending its
    # time in a few costly steps (geometry with thousands of vertices, one function call
    # per row) may take seconds between two of them: an interrupt at the deadline, or at
    # the cancel, stops it at the end of the step it is in.
    interrupter = _Interrupter(raw)
    _DEADLINES.watch(deadline, interrupter)
    forget_cancel = cancel.on_cancel(interrupter.interrupt)
    raw.set_progress_handler(over_time, 10_000)

    def detach() -> None:
        if interrupter.detach():
            _DEADLINES.forget()
        forget_cancel()
        raw.set_progress_handler(None, 0)

    return detach


class _Interrupter:
    """Interrupts a SQLite connection's running statement, until detached: then never
    again, so no late timer or cancel can reach the connection's next user."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._lock = threading.Lock()
        self._attached = True

    def interrupt(self) -> None:
        with self._lock:
            if self._attached:
                self._raw.interrupt()

    def detach(self) -> bool:
        """Never interrupt again; whether it could until now."""
        with self._lock:
            was, self._attached = self._attached, False
            return was

    @property
    def attached(self) -> bool:
        """Whether it may still interrupt."""
        return self._attached


class _Deadlines:
    """One thread for the process that interrupts SQLite queries at their deadlines (a
    thread per query cost 1.6 ms each). Entries of queries that ended are dropped when
    they come up, or all at once when they outnumber the running ones."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._heap: list[tuple[float, int, _Interrupter]] = []
        self._order = itertools.count()
        self._running = 0
        self._thread: threading.Thread | None = None

    def watch(self, deadline: float, interrupter: _Interrupter) -> None:
        """Interrupt ``interrupter`` at ``deadline`` (a ``time.monotonic()`` instant)."""
        with self._changed:
            heapq.heappush(self._heap, (deadline, next(self._order), interrupter))
            self._running += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._interrupt_when_due, name="query-deadlines", daemon=True
                )
                self._thread.start()
            self._changed.notify()

    def forget(self) -> None:
        """A watched query ended (its interrupter detached)."""
        with self._changed:
            self._running -= 1
            if len(self._heap) > 2 * self._running + 64:
                self._heap = [entry for entry in self._heap if entry[2].attached]
                heapq.heapify(self._heap)

    def _interrupt_when_due(self) -> None:
        while True:
            with self._changed:
                while self._heap and not self._heap[0][2].attached:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._changed.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._changed.wait(wait)
                    continue
                interrupter = heapq.heappop(self._heap)[2]
            interrupter.interrupt()


_DEADLINES = _Deadlines()


class _StreamedRows:
    """PostgreSQL rows in libpq's chunked mode: the server keeps producing rows while
    Python decodes the last chunk (a server-side cursor makes the two take turns)."""

    def __init__(self, rows: Iterator[Any], cursor: Any) -> None:
        self._rows = rows
        self._cursor = cursor

    def fetchmany(self, size: int) -> list[Any]:
        return list(itertools.islice(self._rows, size))

    def close(self) -> None:
        close = getattr(self._rows, "close", None)
        if close is not None:
            close()  # cancels the query if rows are left
        self._cursor.close()


def _execute(
    conn: sa.Connection,
    statement: Any,
    translate: dict[str | None, str | None],
    *,
    chunk: int,
    binary: bool,
) -> Any:
    """Run ``statement`` on the driver's own connection; returns what ``fetchmany``s rows.

    Rows then come as plain tuples: SQLAlchemy's Row objects, and its one-row prefetch
    for streamed results, would cost more than all the rest of the pipeline. On
    PostgreSQL they come in chunks of ``chunk`` rows, in binary when ``binary`` (pgSphere
    types have no binary output, so results with geometry come as text).
    """
    compiled = statement.compile(
        dialect=conn.dialect,
        schema_translate_map=translate,
        render_schema_translate=True,
        compile_kwargs={"render_postcompile": True},
    )
    params = compiled.construct_params()
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    if conn.dialect.name == "postgresql":
        rows = cursor.stream(compiled.string, params, binary=binary, size=chunk)
        return _StreamedRows(rows, cursor)
    positions = compiled.positiontup or ()
    cursor.execute(compiled.string, [params[name] for name in positions])
    return cursor


def start_query(
    engine: sa.Engine,
    statement: Any,
    fields: Sequence[Field],
    *,
    maxrec: int,
    timeout: float,
    deadline: float | None = None,
    setup: Setup | None = None,
    cleanup: Cleanup | None = None,
    cancel: QueryCancel | None = None,
) -> RunningQuery:
    """Execute ``statement`` (limited to ``maxrec + 1`` rows by its translation) and
    fetch its first batch, so that errors in the query are raised here, before any byte
    of the response is sent. ``deadline`` (a ``time.monotonic()`` instant, default
    ``timeout`` from now) is when the query must end; the request may have begun the clock
    earlier (reading its uploads).

    Raises
    ------
    QueryTimeoutError
        If the query runs past ``timeout`` seconds.
    UsageError
        If the database refuses the query (a division by zero, a value out of range).
    TransientError
        If the database cannot be reached. A query that failed before its statement was
        sent, and before ``setup`` read any of its input, is tried once more first, on a
        fresh connection: a database restarted since the pool's connections were made is
        then no failure.
    """
    for attempt in (1, 2):
        try:
            return _start_query(
                engine, statement, fields, maxrec=maxrec, timeout=timeout, deadline=deadline,
                setup=setup, cleanup=cleanup, cancel=cancel,
            )  # fmt: skip
        except _NotStartedError as exc:
            if attempt == 2:
                log.warning("the database cannot be reached", error=str(exc.__cause__))
                raise TransientError(UNAVAILABLE) from None
            log.info(
                "the database could not be reached; trying once more", error=str(exc.__cause__)
            )
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            # The statement was under way: running it again is the client's decision.
            log.warning("the database connection was lost during a query", error=str(exc))
            raise TransientError(UNAVAILABLE) from None
    raise AssertionError("unreachable")


class _NotStartedError(Exception):
    """The database could not be reached before the query's statement was sent (nor its
    input read), so running it again on a fresh connection changes nothing else."""


def _start_query(
    engine: sa.Engine,
    statement: Any,
    fields: Sequence[Field],
    *,
    maxrec: int,
    timeout: float,
    deadline: float | None,
    setup: Setup | None,
    cleanup: Cleanup | None,
    cancel: QueryCancel | None,
) -> RunningQuery:
    backend = backend_of(engine.dialect.name)
    translate = {**(schema_translate_map(backend) or {}), UPLOAD_SCHEMA: _UPLOAD_TARGET[backend]}
    if deadline is None:
        deadline = time.monotonic() + timeout
    try:
        conn = engine.connect().execution_options(schema_translate_map=translate)
    except Exception as exc:
        if database_unavailable(exc):
            raise _NotStartedError from exc
        raise
    detach: Callable[[], None] = lambda: None  # noqa: E731
    sent = False
    try:
        cancel = cancel or QueryCancel()
        detach = _set_limits(conn, backend, deadline, timeout, cancel)
        if setup is not None:
            setup(conn)
        if cancel.is_set():
            raise QueryCancelledError(CANCELLED)
        rows_per_batch = batch_rows(len(fields))
        binary = not any(f.is_array for f in fields)
        sent = True
        cursor = _execute(conn, statement, translate, chunk=rows_per_batch, binary=binary)
        first = cursor.fetchmany(rows_per_batch)
    except Exception as exc:
        _release(conn, cleanup, detach)
        if cancel is not None and cancel.is_set():
            raise QueryCancelledError(CANCELLED) from None
        if _is_timeout(exc):
            raise QueryTimeoutError(_timeout_message(timeout)) from None
        if _is_user_error(exc):
            message = _database_message(exc)
            raise UsageError(f"The database could not run this query: {message}") from None
        if not sent and setup is None and database_unavailable(exc):
            raise _NotStartedError from exc
        raise
    except BaseException:
        _release(conn, cleanup, detach)
        raise
    return RunningQuery(
        conn=conn,
        cursor=cursor,
        first=first,
        converter=RowConverter(fields),
        maxrec=maxrec,
        deadline=deadline,
        timeout=timeout,
        cleanup=cleanup,
        detach=detach,
        cancel=cancel,
    )


def _release(conn: sa.Connection, cleanup: Cleanup | None, detach: Callable[[], None]) -> None:
    # The limits go first: past the deadline, or cancelled, they would interrupt the cleanup.
    detach()
    try:
        conn.rollback()
        if cleanup is not None:
            cleanup(conn)
            conn.commit()
    except sa.exc.DBAPIError as exc:
        log.warning("releasing a query's connection failed; discarding it", error=str(exc))
        conn.invalidate()  # whatever it still holds (a temporary table) goes with it
    finally:
        conn.close()
