"""A TAP query request, validated from its DALI parameters (TAP 1.1 section 2.3).

The same validation serves sync queries and, when they start executing, async jobs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from adql import ast
from app.dali import DaliParameters, InlinePart
from app.faults import UsageError
from app.formats.registry import DEFAULT_FORMAT, OutputFormat, UnknownFormatError, find_format

__all__ = [
    "LANGUAGES",
    "RowLimits",
    "TapRequest",
    "UploadSpec",
    "parse_maxrec",
    "parse_tap_request",
]

LANGUAGES = ("ADQL", "ADQL-2.0", "ADQL-2.1")
"""Accepted LANG values: ADQL 2.1 understands every valid ADQL 2.0 query."""

_UPLOAD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


@dataclass(frozen=True, slots=True)
class RowLimits:
    """The service's row limits."""

    default_maxrec: int
    max_maxrec: int


@dataclass(frozen=True, slots=True)
class UploadSpec:
    """One ``UPLOAD=name,source`` pair."""

    name: str
    source: str
    """``param:part`` for an inline multipart part, or a URL."""


@dataclass(frozen=True, slots=True)
class TapRequest:
    """What to run and how to answer."""

    query: str
    """The ADQL (for a built ``tree``: its text, written into the result's QUERY INFO)."""
    output: OutputFormat
    format_asked: str | None
    maxrec: int
    runid: str | None
    uploads: tuple[UploadSpec, ...] = ()
    parts: Mapping[str, InlinePart] = field(default_factory=dict)
    """The request's multipart file parts, which ``param:`` uploads name."""
    tree: ast.Query | None = None
    """The query as a syntax tree, when a service built it (SIA): compiled as it is,
    without writing and parsing its text again."""


def parse_maxrec(value: str | None, limits: RowLimits) -> int:
    """DALI MAXREC: absent means the default, more than the hard limit means the limit."""
    if value is None or not value.strip():
        return limits.default_maxrec
    try:
        maxrec = int(value.strip())
    except ValueError:
        raise UsageError(f"MAXREC must be a whole number of rows, not {value!r}") from None
    if maxrec < 0:
        raise UsageError(f"MAXREC must not be negative (got {maxrec})")
    return min(maxrec, limits.max_maxrec)


def _uploads(values: list[str]) -> tuple[UploadSpec, ...]:
    specs: dict[str, UploadSpec] = {}
    for value in values:
        for item in value.split(";"):
            if not item.strip():
                continue
            name, comma, source = item.partition(",")
            name, source = name.strip(), source.strip()
            if not comma or not source:
                raise UsageError(
                    f"UPLOAD {item!r} must be name,source (for example "
                    "UPLOAD=mytable,param:part with the table in a multipart part named part)"
                )
            if not _UPLOAD_NAME.match(name):
                raise UsageError(
                    f"UPLOAD table name {name!r} must start with a letter and hold only "
                    "letters, digits and underscores"
                )
            if name.lower() in specs:
                raise UsageError(f"UPLOAD names the table {name!r} twice")
            specs[name.lower()] = UploadSpec(name, source)
    return tuple(specs.values())


def parse_tap_request(
    params: DaliParameters, limits: RowLimits, default_format: OutputFormat = DEFAULT_FORMAT
) -> TapRequest:
    """Validate a TAP query's parameters (``default_format``: the output format when
    RESPONSEFORMAT is absent).

    Raises
    ------
    UsageError
        For a missing QUERY or LANG, an unknown language or format, a bad MAXREC or
        UPLOAD, or a single-valued parameter given twice.
    """
    request = params.one("REQUEST")
    if request is not None and request != "doQuery":
        raise UsageError(
            f"REQUEST={request!r} is not supported: TAP 1.1 needs no REQUEST parameter "
            "(doQuery is accepted for TAP 1.0 clients)"
        )
    lang = params.one("LANG")
    if lang is None:
        raise UsageError("LANG is missing: send LANG=ADQL with the QUERY")
    if lang.upper() not in LANGUAGES:
        raise UsageError(
            f"Unknown query language LANG={lang!r}: this service supports {', '.join(LANGUAGES)}"
        )
    query = params.one("QUERY")
    if query is None or not query.strip():
        raise UsageError("QUERY is missing or empty: send the ADQL query to run")
    format_asked = params.one("RESPONSEFORMAT", "FORMAT")
    try:
        output = find_format(format_asked, default_format)
    except UnknownFormatError as exc:
        raise UsageError(str(exc)) from None
    runid = params.one("RUNID")
    if runid is not None and len(runid) > 64:
        raise UsageError("RUNID must be at most 64 characters")
    return TapRequest(
        query=query,
        output=output,
        format_asked=format_asked,
        maxrec=parse_maxrec(params.one("MAXREC"), limits),
        runid=runid,
        uploads=_uploads(params.all("UPLOAD")),
        parts=params.parts,
    )
