"""A query result ready to send: its content type, its bytes, and how it ends. The one
place a failure after the result has started is handled, whatever the output format.

:meth:`ResultStream.open` (blocking, in a worker thread) produces the first chunk before
anything is sent, so a failure up to then (a FITS result spools the whole result first)
is raised as the fault it is and answered with an error document. After that:

* the result's source (the database cursor) failing with a
  :class:`~app.faults.ServiceError` (the time limit, a cancelled job, a value the query
  cannot compute) is the user's failure: logged at info with its reason; any other
  exception is a server fault: logged once with its traceback, and shown to the user as
  :data:`GENERIC_FAILURE`;
* formats that can say so end their document with the failure (VOTable: a trailing
  ``QUERY_STATUS`` ``ERROR`` INFO; Parquet: ``QUERY_STATUS`` / ``QUERY_ERROR`` file
  metadata), and the response ends normally;
* the others (CSV, TSV) cannot: iteration raises :class:`ResultCutError`, and the web
  edge ends the response without HTTP's end marker, so no client takes the rows it got
  for the whole result.

Either way :attr:`ResultStream.failure` says why, for async jobs to end in ERROR.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import pyarrow as pa
import structlog

from app.faults import ServiceError
from app.result_table import ResultTable
from vometa import Field

__all__ = ["GENERIC_FAILURE", "ResultCutError", "ResultStream"]

log = structlog.get_logger("obscura")

GENERIC_FAILURE = (
    "The query failed on the server while its results were being sent; the result is "
    "incomplete. The fault is logged; please try again."
)


class ResultCutError(Exception):
    """The result failed after its first byte, in a format that cannot say so."""


class _Guarded:
    """A result table whose failures are recorded, and turned into faults."""

    def __init__(self, table: ResultTable, stream: ResultStream) -> None:
        self._table = table
        self._stream = stream

    @property
    def fields(self) -> Sequence[Field]:
        return self._table.fields

    @property
    def overflow(self) -> bool:
        return self._table.overflow

    def batches(self) -> Iterator[pa.RecordBatch]:
        try:
            yield from self._table.batches()
        except ServiceError as exc:
            self._stream.fail(exc)
            raise
        except Exception:
            log.exception("a result's source failed")
            fault = ServiceError(GENERIC_FAILURE)
            self._stream.fail(fault, logged=True)
            raise fault from None


class ResultStream:
    """A result being sent: iterate it once, then :meth:`close` (also when abandoned)."""

    def __init__(
        self,
        table: ResultTable,
        write: Callable[[ResultTable], Iterator[bytes]],
        *,
        content_type: str,
        close: Callable[[], None],
    ) -> None:
        self.content_type = content_type
        """The response's Content-Type."""
        self.failure: str | None = None
        """Why the result ended early (a message for the user), if it did."""
        self._close = close
        self._chunks = write(_Guarded(table, self))
        self._first: bytes | None = None
        self._started = False

    @classmethod
    def open(
        cls,
        table: ResultTable,
        write: Callable[[ResultTable], Iterator[bytes]],
        *,
        content_type: str,
        close: Callable[[], None],
    ) -> ResultStream:
        """The stream with its first chunk made (blocking).

        Raises
        ------
        ServiceError
            If the result fails before its first byte.
        """
        stream = cls(table, write, content_type=content_type, close=close)
        try:
            stream._first = next(stream._chunks, b"")
        except BaseException:
            stream.close()
            raise
        return stream

    def fail(self, fault: ServiceError, *, logged: bool = False) -> None:
        """Record why the result ends early (the first reason counts)."""
        if self.failure is not None:
            return
        self.failure = str(fault)
        if self._started and not logged:  # before, the fault reaches the caller
            log.info("result ended early", fault=type(fault).__name__, reason=self.failure)

    def __iter__(self) -> Iterator[bytes]:
        if self._started:
            raise RuntimeError("a result stream is iterated once")
        self._started = True
        if self._first:
            yield self._first
        try:
            yield from self._chunks
        except ServiceError as exc:  # a format that cannot mark the failure
            self.fail(exc)
            raise ResultCutError(str(exc)) from None
        except Exception:
            log.exception("writing a result failed")
            self.fail(ServiceError(GENERIC_FAILURE), logged=True)
            raise ResultCutError(GENERIC_FAILURE) from None

    def close(self) -> None:
        """Stop the writer and release what the result holds (idempotent)."""
        try:
            close = getattr(self._chunks, "close", None)
            if close is not None:
                close()
        finally:
            self._close()
