"""TAP queries: ADQL in, a streamed result out.

:meth:`TapService.start` does everything that can fail because of the request (parameters,
uploads, ADQL, the database's first answer) before any byte is sent, so those failures get
a proper error document and status; what fails later ends the stream with an error INFO.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
import structlog

from adql import TranslationContext, compile_query, compile_tree
from app.dali import InlinePart
from app.faults import TransientError, UploadError, UsageError
from app.formats.registry import content_type
from app.services.result_stream import ResultStream
from app.services.tap_request import TapRequest, UploadSpec
from app.storage.query_cancel import QueryCancel
from app.storage.query_runner import RunningQuery, deadline_check, start_query
from app.storage.uploads import (
    ReadLimits,
    UploadTable,
    drop_upload_tables,
    fill_upload_tables,
    open_upload,
)
from app.storage.url_fetch import FetchRefusedError, UrlFetcher
from obscore.catalog import ArchiveCatalog

__all__ = ["TapService", "TapSettings"]

log = structlog.get_logger("obscura")


_LOGGED_CHARACTERS = 1000


def _for_log(query: str) -> str:
    """At most 1,000 characters of a query (an SIA RANGE is tens of kilobytes of ADQL)."""
    if len(query) <= _LOGGED_CHARACTERS:
        return query
    return f"{query[:_LOGGED_CHARACTERS]}... ({len(query):,} characters)"


@dataclass(frozen=True, slots=True)
class TapSettings:
    """The deployment's choices a TAP query runs under."""

    sync_timeout: float
    """Seconds a query may take unless the caller says otherwise (async jobs do)."""
    upload_limits: ReadLimits
    upload_fetcher: UrlFetcher | None = None
    """Fetches uploads named by URL; None: uploads by URL are off."""


class TapService:
    """Runs ADQL queries against the archive."""

    def __init__(
        self,
        *,
        engine: sa.Engine,
        catalog: ArchiveCatalog,
        context: TranslationContext,
        settings: TapSettings,
        read_engine: sa.Engine | None = None,
    ) -> None:
        """``read_engine``: a read replica for queries without uploads (their tables
        need a writable session), ``engine`` the primary."""
        self._engine = engine
        self._read_engine = read_engine
        self._catalog = catalog
        self._context = context
        self._settings = settings

    def run(
        self,
        request: TapRequest,
        *,
        timeout: float | None = None,
        cancel: QueryCancel | None = None,
    ) -> ResultStream:
        """The query's result, ready to send in the format asked for; blocking (call it
        from a worker thread). Raises as :meth:`start` does."""
        result = self.start(request, timeout=timeout, cancel=cancel)
        infos = self.result_infos(request)
        return ResultStream.open(
            result,
            lambda table: request.output.writer(table, infos),
            content_type=content_type(request.output, request.format_asked),
            close=result.close,
        )

    def start(
        self,
        request: TapRequest,
        *,
        timeout: float | None = None,
        cancel: QueryCancel | None = None,
    ) -> RunningQuery:
        """Read the uploads, compile and start the query; blocking (call it from a worker
        thread). The time limit runs from here: reading uploads counts against it.

        Raises
        ------
        adql.AdqlError
            If the query is not valid ADQL or names what the archive does not publish.
        UsageError
            For a bad upload, or a query the database refuses.
        QueryTimeoutError
            If reading the uploads and running the query take longer than the time limit.
        QueryCancelledError
            If ``cancel`` is set (the client went away, the job was aborted).
        """
        timeout = self._settings.sync_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        cancel = cancel or QueryCancel()
        check = deadline_check(deadline, timeout, cancel)
        uploads = self._open_uploads(request.uploads, request.parts, check)
        catalog, context = self._catalog, self._context
        if uploads:
            catalog = ArchiveCatalog(catalog.entries + tuple(u.entry for u in uploads))
            tables = {**context.tables}
            tables.update({u.entry.table_name.lower(): u.table for u in uploads})
            context = dataclasses.replace(context, tables=tables)
        row_limit = request.maxrec + 1
        if request.tree is not None:
            bound, statement = compile_tree(request.tree, catalog, context, row_limit=row_limit)
        else:
            bound, statement = compile_query(request.query, catalog, context, row_limit=row_limit)
        structlog.contextvars.bind_contextvars(query_id=uuid.uuid4().hex[:12])
        log.info(
            "tap query",
            runid=request.runid,
            maxrec=request.maxrec,
            uploads=[u.entry.table_name for u in uploads],
            query=_for_log(request.query),
        )

        def start(engine: sa.Engine) -> RunningQuery:
            return start_query(
                engine,
                statement,
                list(bound.columns),
                maxrec=request.maxrec,
                timeout=timeout,
                deadline=deadline,
                cancel=cancel,
                setup=(lambda conn: fill_upload_tables(conn, uploads)) if uploads else None,
                cleanup=(lambda conn: drop_upload_tables(conn, uploads)) if uploads else None,
            )

        if self._read_engine is None or uploads:
            return start(self._engine)
        try:
            return start(self._read_engine)
        except TransientError:
            # A read-only query may run again anywhere: the primary answers instead.
            log.warning("a read replica is unavailable; the primary answers")
            return start(self._engine)

    def result_infos(self, request: TapRequest) -> list[tuple[str, str, str | None]]:
        """INFOs describing a result (DALI): the standard, the query, the request's RUNID."""
        infos: list[tuple[str, str, str | None]] = [
            ("standardID", "ivo://ivoa.net/std/TAP", None),
            ("QUERY", request.query, None),
            ("MAXREC", str(request.maxrec), None),
        ]
        if request.runid is not None:
            infos.append(("RUNID", request.runid, None))
        return infos

    def _open_uploads(
        self,
        specs: Sequence[UploadSpec],
        parts: Mapping[str, InlinePart],
        check: Callable[[], None],
    ) -> list[UploadTable]:
        metadata = sa.MetaData()
        return [
            open_upload(
                spec.name,
                self._upload_content(spec, parts),
                limits=self._settings.upload_limits,
                metadata=metadata,
                check=check,
            )
            for spec in specs
        ]

    def _upload_content(self, spec: UploadSpec, parts: Mapping[str, InlinePart]) -> Iterator[bytes]:
        if spec.source.startswith("param:"):
            part_name = spec.source.removeprefix("param:")
            part = parts.get(part_name)
            if part is None:
                sent = ", ".join(sorted(parts)) or "none"
                raise UploadError(
                    f"UPLOAD {spec.name} refers to the multipart part {part_name!r}, which "
                    f"this request does not contain (parts sent: {sent}); send the table "
                    "as a file part of a multipart/form-data POST"
                )
            return part.chunks()
        if not spec.source.startswith(("http://", "https://")):
            raise UsageError(
                f"UPLOAD {spec.name} has source {spec.source!r}: use param:part for a "
                "table sent with the request"
            )
        return self._fetch_upload(spec)

    def _fetch_upload(self, spec: UploadSpec) -> Iterator[bytes]:
        """The table at the URL, read in pieces as the reader takes them (so the byte
        limit, the deadline and a cancellation stop the transfer); only from public
        hosts or the locations the operator allowed (:mod:`app.storage.url_fetch`)."""
        fetcher = self._settings.upload_fetcher
        if fetcher is None:
            raise UsageError(
                f"UPLOAD {spec.name}: this service does not fetch tables from URLs; send the "
                "table inline instead (UPLOAD=name,param:part with a multipart part)"
            )
        try:
            pieces = fetcher.open(spec.source)
        except FetchRefusedError as exc:
            raise UsageError(f"UPLOAD {spec.name}: {exc}; send the table inline instead") from None

        def checked() -> Iterator[bytes]:
            try:
                yield from pieces
            except FetchRefusedError as exc:
                raise UploadError(f"UPLOAD {spec.name}: {exc}") from None

        return checked()
