"""SIA 2.0 image search: request parameters in, a streamed ObsCore result out.

The query parameters become ADQL over ``ivoa.ObsCore`` (the ``sia`` library) and run
exactly as a TAP query would: the same compiler, indexes and streaming writers. Error
messages start with the SIA fault names (``UsageFault: ...``, ``TransientFault: ...``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
import structlog

from adql import AdqlError
from app.config import Config
from app.errors import QueryTimeoutError, ServiceError, UsageError
from app.formats.registry import OUTPUT_FORMATS, OutputFormat, UnknownFormatError, find_format
from app.parameters import DaliParameters
from app.services.tap import TapService
from app.services.tap_request import RowLimits, TapRequest, parse_maxrec
from app.storage.query_runner import RunningQuery
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
    to_adql,
)
from sia.parameters import POL_STATES

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
    return InputParam(
        name=spec.name,
        datatype=datatype,
        arraysize=arraysize,
        xtype=spec.xtype,
        unit=None if spec.kind is Kind.SHAPE else spec.unit,
        ucd=_UCDS.get(spec.name),
        description=spec.description,
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
        config: Config,
    ) -> None:
        self._tap = tap
        self._engine = engine
        self._table = table
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
        log.info("sia search", parameters=[c.parameter.name for c in request.query.constraints])
        tap_request = TapRequest(
            query=request.adql,
            output=request.output,
            format_asked=request.format_asked,
            maxrec=request.maxrec,
            runid=None,
            uploads=(),
        )
        try:
            return self._tap.start(tap_request, {})
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

    @staticmethod
    def describes_itself(request: SiaRequest) -> bool:
        """Whether the answer carries the self-description: ``MAXREC=0`` in VOTable."""
        return request.maxrec == 0 and request.output.name in _SERIALIZATIONS

    def write(
        self, request: SiaRequest, result: RunningQuery, descriptor: str = ""
    ) -> Iterator[bytes]:
        """The response body (``descriptor``, from :meth:`descriptor`, goes before the
        results when the request :meth:`describes_itself`)."""
        infos = self.result_infos(request)
        serialization = _SERIALIZATIONS.get(request.output.name)
        if not self.describes_itself(request) or serialization is None:
            return request.output.writer(result, infos)
        return write_votable(result, serialization=serialization, infos=infos, preamble=descriptor)

    def descriptor(self, service_url: str) -> str:
        """The self-description: every input parameter, with the options and ranges the
        archive holds (blocking: reads the archive, cached)."""
        domains = parameter_domains(self._engine, self._table)
        params = [_input_param(spec, domains.get(spec.name, Domain())) for spec in SIA_PARAMETERS]
        limits = self._config
        params += [
            InputParam(
                "MAXREC",
                "int",
                description=f"Most rows to return (default {limits.tap_default_maxrec:,})",
                minimum=0,
                maximum=limits.tap_max_maxrec,
            ),
            InputParam(
                "RESPONSEFORMAT",
                "char",
                "*",
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
