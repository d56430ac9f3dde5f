"""SIA 2.0 image search: request parameters in, a streamed ObsCore result out.

The query parameters become ADQL over ``ivoa.ObsCore`` (the ``sia`` library) and run
exactly as a TAP query would: the same compiler, indexes and streaming writers. Faults
are raised as types; the web edge writes them with SIA's labels (``UsageFault: ...``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
import structlog

from adql import AdqlError, ast, format_query
from app.dali import DaliParameters
from app.faults import UsageError
from app.formats.registry import (
    DEFAULT_FORMAT,
    OUTPUT_FORMATS,
    OutputFormat,
    UnknownFormatError,
    content_type,
    find_format,
)
from app.result_table import ResultTable
from app.services.result_stream import ResultStream
from app.services.tap import TapService
from app.services.tap_request import RowLimits, TapRequest, parse_maxrec
from app.storage.query_cancel import QueryCancel
from app.storage.sia_domains import Domain, parameter_domains
from app.votable.service_descriptor import InputParam, service_descriptor
from app.votable.writer import Serialization, write_votable
from sia import (
    SIA_PARAMETERS,
    Kind,
    SiaParameter,
    SiaParameterError,
    SiaQuery,
    parse_query,
    to_query_tree,
)
from sia.parameters import POL_STATES
from vometa import FieldType

__all__ = ["SIA_STANDARD_ID", "SiaRequest", "SiaService", "parse_sia_request"]

_SERIALIZATIONS: dict[str, Serialization] = {"votable": "BINARY2", "votable/td": "TABLEDATA"}
"""Output formats that carry the self-description (the VOTable ones)."""
_UCDS = {"POS": "pos.outline;obs", "BAND": "em.wl", "TIME": "time.epoch;obs"}

log = structlog.get_logger("obscura")

SIA_STANDARD_ID = "ivo://ivoa.net/std/SIA#query-2.0"


@dataclass(frozen=True, slots=True)
class SiaRequest:
    """What to search for and how to answer."""

    query: SiaQuery
    tree: ast.Query
    """The search as an ADQL syntax tree over ``ivoa.ObsCore``."""
    adql: str
    """Its text, for the result's QUERY INFO."""
    output: OutputFormat
    format_asked: str | None
    maxrec: int


def parse_sia_request(
    params: DaliParameters, limits: RowLimits, default_format: OutputFormat = DEFAULT_FORMAT
) -> SiaRequest:
    """Read an SIA query request (``default_format``: the output format when
    RESPONSEFORMAT is absent).

    Raises
    ------
    UsageError
        For a malformed parameter value, an unknown RESPONSEFORMAT, a bad MAXREC or a
        repeated single-valued parameter; the message names the parameter.
    """
    try:
        format_asked = params.one("RESPONSEFORMAT")
        output = find_format(format_asked, default_format)
        maxrec = parse_maxrec(params.one("MAXREC"), limits)
        query = parse_query(params.values)
    except (UnknownFormatError, SiaParameterError) as exc:
        raise UsageError(str(exc)) from None
    tree = to_query_tree(query)
    return SiaRequest(query, tree, format_query(tree), output, format_asked, maxrec)


def _input_param(spec: SiaParameter, domain: Domain) -> InputParam:
    """A query parameter as the self-description declares it."""
    numeric = spec.kind in (Kind.OVERLAP, Kind.INTERVAL)
    options = domain.options
    if spec.kind is Kind.POLARIZATION:
        options = tuple((state, state) for state in POL_STATES)
    if numeric:
        datatype, arraysize = "double", "2"
    elif spec.kind is Kind.INTEGER:
        datatype, arraysize = "int", None
    else:
        datatype, arraysize = "char", "*"
    param_type = FieldType(
        datatype,
        arraysize,
        xtype=spec.xtype,
        unit=None if spec.kind is Kind.SHAPE else spec.unit,
        ucd=_UCDS.get(spec.name),
    )
    return InputParam(
        spec.name,
        param_type,
        spec.description,
        options=options,
        minimum=domain.minimum,
        maximum=domain.maximum,
    )


class SiaService:
    """Searches the archive's images."""

    def __init__(
        self,
        *,
        tap: TapService,
        engine: sa.Engine,
        table: sa.Table,
        limits: RowLimits,
    ) -> None:
        self._tap = tap
        self._engine = engine
        self._table = table
        self._limits = limits

    def run(
        self, request: SiaRequest, service_url: str, *, cancel: QueryCancel | None = None
    ) -> ResultStream:
        """The search's result, ready to send (blocking: call it from a worker thread).
        With ``MAXREC=0`` in VOTable it carries the self-description of the service at
        ``service_url``.

        Raises
        ------
        UsageError
            If the database refuses the search.
        QueryTimeoutError
            If it runs past the sync time limit.
        """
        log.info("sia search", parameters=[c.parameter.name for c in request.query.constraints])
        tap_request = TapRequest(
            query=request.adql,
            output=request.output,
            format_asked=request.format_asked,
            maxrec=request.maxrec,
            runid=None,
            tree=request.tree,
        )
        try:
            result = self._tap.start(tap_request, cancel=cancel)
        except AdqlError as exc:  # the ADQL is ours: what it says is about the request
            raise UsageError(str(exc)) from None
        try:
            descriptor = self.descriptor(service_url) if self.describes_itself(request) else ""
        except BaseException:
            result.close()
            raise
        infos = self.result_infos(request)
        serialization = _SERIALIZATIONS.get(request.output.name)
        if descriptor and serialization is not None:

            def write(table: ResultTable) -> Iterator[bytes]:
                return write_votable(
                    table, serialization=serialization, infos=infos, preamble=descriptor
                )

        else:

            def write(table: ResultTable) -> Iterator[bytes]:
                return request.output.writer(table, infos)

        return ResultStream.open(
            result,
            write,
            content_type=content_type(request.output, request.format_asked),
            close=result.close,
        )

    def result_infos(self, request: SiaRequest) -> list[tuple[str, str, str | None]]:
        """INFOs describing a result: the standard, the equivalent ADQL, MAXREC."""
        return [
            ("standardID", SIA_STANDARD_ID, None),
            ("QUERY", request.adql, "The equivalent TAP query over ivoa.ObsCore"),
            ("MAXREC", str(request.maxrec), None),
        ]

    @staticmethod
    def describes_itself(request: SiaRequest) -> bool:
        """Whether the answer carries the self-description: ``MAXREC=0`` in VOTable."""
        return request.maxrec == 0 and request.output.name in _SERIALIZATIONS

    def descriptor(self, service_url: str) -> str:
        """The self-description: every input parameter, with the options and ranges the
        archive holds (blocking: reads the archive, cached)."""
        domains = parameter_domains(self._engine, self._table)
        params = [_input_param(spec, domains.get(spec.name, Domain())) for spec in SIA_PARAMETERS]
        limits = self._limits
        params += [
            InputParam(
                "MAXREC",
                FieldType("int"),
                description=f"Most rows to return (default {limits.default_maxrec:,})",
                minimum=0,
                maximum=limits.max_maxrec,
            ),
            InputParam(
                "RESPONSEFORMAT",
                FieldType("char", "*"),
                description="Output format (default VOTable)",
                options=tuple((f.name, f.mime) for f in OUTPUT_FORMATS),
            ),
        ]
        return service_descriptor(
            standard_id=SIA_STANDARD_ID,
            access_url=f"{service_url}/query",
            description="SIA 2.0 image search over the archive's ObsCore table (ivoa.ObsCore)",
            params=params,
        )
