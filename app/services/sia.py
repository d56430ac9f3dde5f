"""SIA 2.0 image search: request parameters in, a streamed ObsCore result out.

The query parameters become ADQL over ``ivoa.ObsCore`` (the ``sia`` library) and run
exactly as a TAP query would: the same compiler, indexes and streaming writers. Error
messages start with the SIA fault names (``UsageFault: ...``, ``TransientFault: ...``).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import structlog

from adql import AdqlError, TranslationContext, compile_query
from app.config import Config
from app.errors import QueryTimeoutError, ServiceError, UsageError
from app.formats.registry import OutputFormat, UnknownFormatError, find_format
from app.parameters import DaliParameters
from app.services.tap import result_fields
from app.services.tap_request import RowLimits, parse_maxrec
from app.storage.query_runner import RunningQuery, start_query
from obscore.catalog import ArchiveCatalog
from sia import SiaParameterError, SiaQuery, parse_query, to_adql

__all__ = ["SIA_STANDARD_ID", "SiaRequest", "SiaService", "parse_sia_request"]

log = structlog.get_logger("obscura")

SIA_STANDARD_ID = "ivo://ivoa.net/std/SIA#query-2.0"


@dataclass(frozen=True, slots=True)
class SiaRequest:
    """What to search for and how to answer."""

    query: SiaQuery
    adql: str
    output: OutputFormat
    format_asked: str | None
    maxrec: int


def _fault(exc: Exception, kind: str = "UsageFault") -> str:
    return f"{kind}: {exc}"


def parse_sia_request(params: DaliParameters, limits: RowLimits) -> SiaRequest:
    """Read an SIA query request.

    Raises
    ------
    UsageError
        For a malformed parameter value, an unknown RESPONSEFORMAT, a bad MAXREC or a
        repeated single-valued parameter; the message names the parameter.
    """
    try:
        format_asked = params.one("RESPONSEFORMAT")
        output = find_format(format_asked)
        maxrec = parse_maxrec(params.one("MAXREC"), limits)
        query = parse_query(params.values)
    except (UsageError, UnknownFormatError, SiaParameterError) as exc:
        raise UsageError(_fault(exc)) from None
    return SiaRequest(query, to_adql(query), output, format_asked, maxrec)


class SiaService:
    """Searches the archive's images."""

    def __init__(
        self,
        *,
        engine: sa.Engine,
        catalog: ArchiveCatalog,
        context: TranslationContext,
        config: Config,
    ) -> None:
        self._engine = engine
        self._catalog = catalog
        self._context = context
        self._config = config

    def start(self, request: SiaRequest) -> RunningQuery:
        """Start the search; blocking (call it from a worker thread).

        Raises
        ------
        UsageError
            If the database refuses the search (``UsageFault: ...``).
        QueryTimeoutError
            If it runs past the sync time limit (``TransientFault: ...``).
        """
        log.info("sia query", maxrec=request.maxrec, adql=request.adql)
        try:
            bound, statement = compile_query(
                request.adql, self._catalog, self._context, row_limit=request.maxrec + 1
            )
            return start_query(
                self._engine,
                statement,
                result_fields(bound.columns),
                maxrec=request.maxrec,
                timeout=self._config.sync_timeout,
            )
        except QueryTimeoutError as exc:
            raise QueryTimeoutError(_fault(exc, "TransientFault")) from None
        except (AdqlError, ServiceError) as exc:
            raise UsageError(_fault(exc)) from None

    def result_infos(self, request: SiaRequest) -> list[tuple[str, str, str | None]]:
        """INFOs describing a result: the standard, the equivalent ADQL, MAXREC."""
        return [
            ("standardID", SIA_STANDARD_ID, None),
            ("QUERY", request.adql, "The equivalent TAP query over ivoa.ObsCore"),
            ("MAXREC", str(request.maxrec), None),
        ]
