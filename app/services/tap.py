"""TAP queries: ADQL in, a streamed result out.

:meth:`TapService.start` does everything that can fail because of the request (parameters,
uploads, ADQL, the database's first answer) before any byte is sent, so those failures get
a proper error document and status; what fails later ends the stream with an error INFO.
"""

from __future__ import annotations

import dataclasses
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import structlog
from typing_extensions import override

from adql import TranslationContext, compile_query, compile_tree
from app.dali import InlinePart
from app.faults import UploadError, UsageError
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
from obscore.catalog import ArchiveCatalog

__all__ = ["TapService", "TapSettings", "url_allowed"]

log = structlog.get_logger("obscura")


_LOGGED_CHARACTERS = 1000


def _for_log(query: str) -> str:
    """At most 1,000 characters of a query (an SIA RANGE is tens of kilobytes of ADQL)."""
    if len(query) <= _LOGGED_CHARACTERS:
        return query
    return f"{query[:_LOGGED_CHARACTERS]}... ({len(query):,} characters)"


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead from an allowed location to an internal host."""

    @override
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_NO_REDIRECTS = urllib.request.build_opener(_RefuseRedirects)
_FETCH_TIMEOUT = 30.0
"""Seconds an upload's server may stay silent (the query's deadline bounds the whole)."""
_FETCH_PIECE = 64 * 1024


def url_allowed(url: str, prefix: str) -> bool:
    """Whether ``url`` lies under the allowed location ``prefix``: same scheme, host and
    port, and a path below the prefix's (compared parsed, so that ``user@host`` or a
    longer host name cannot pass for the allowed one)."""
    try:
        asked, allowed = urllib.parse.urlsplit(url), urllib.parse.urlsplit(prefix)
        same_port = asked.port == allowed.port
    except ValueError:
        return False
    return (
        asked.scheme.lower() == allowed.scheme.lower()
        and asked.username is None
        and (asked.hostname or "") == (allowed.hostname or "")
        and same_port
        and asked.path.startswith(allowed.path or "/")
    )


@dataclass(frozen=True, slots=True)
class TapSettings:
    """The deployment's choices a TAP query runs under."""

    sync_timeout: float
    """Seconds a query may take unless the caller says otherwise (async jobs do)."""
    upload_limits: ReadLimits
    upload_url_allow: tuple[str, ...] | None = None
    """Locations uploads may be fetched from; None: uploads by URL are off."""


class TapService:
    """Runs ADQL queries against the archive."""

    def __init__(
        self,
        *,
        engine: sa.Engine,
        catalog: ArchiveCatalog,
        context: TranslationContext,
        settings: TapSettings,
    ) -> None:
        self._engine = engine
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
        return start_query(
            self._engine,
            statement,
            list(bound.columns),
            maxrec=request.maxrec,
            timeout=timeout,
            deadline=deadline,
            cancel=cancel,
            setup=(lambda conn: fill_upload_tables(conn, uploads)) if uploads else None,
            cleanup=(lambda conn: drop_upload_tables(conn, uploads)) if uploads else None,
        )

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
        """The table at an allowed URL, read in pieces as the reader takes them (so the
        byte limit, the deadline and a cancellation stop the transfer)."""
        allowed = self._settings.upload_url_allow
        if allowed is None:
            raise UsageError(
                f"UPLOAD {spec.name}: this service does not fetch tables from URLs; send the "
                "table inline instead (UPLOAD=name,param:part with a multipart part)"
            )
        if not any(url_allowed(spec.source, prefix) for prefix in allowed):
            raise UsageError(
                f"UPLOAD {spec.name}: {spec.source} is not among the locations this service "
                "fetches tables from; send the table inline instead"
            )
        try:
            response = _NO_REDIRECTS.open(spec.source, timeout=_FETCH_TIMEOUT)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise UploadError(f"UPLOAD {spec.name}: fetching {spec.source} failed: {exc}") from None

        def pieces() -> Iterator[bytes]:
            with response:
                while True:
                    try:
                        piece: bytes = response.read(_FETCH_PIECE)
                    except OSError as exc:
                        raise UploadError(
                            f"UPLOAD {spec.name}: reading {spec.source} failed: {exc}"
                        ) from None
                    if not piece:
                        return
                    yield piece

        return pieces()
