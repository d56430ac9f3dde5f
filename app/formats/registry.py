"""The output formats of query results, and RESPONSEFORMAT resolution.

Each :class:`OutputFormat` names its writer, the MIME type sent as Content-Type, the
RESPONSEFORMAT values that select it and, for VOTable, its TAPRegExt ivo-id (what a
capabilities document declares). :func:`find_format` maps a RESPONSEFORMAT value to
its format (case-insensitively, ignoring spaces around ``;`` and ``=``), and
:func:`content_type` gives the Content-Type to answer: DALI wants the MIME type the
client asked for, so a request for ``text/xml`` is answered ``text/xml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from app.formats.delimited import write_csv, write_tsv
from app.formats.fits import write_fits
from app.formats.html_table import write_html
from app.formats.json_table import write_json
from app.formats.parquet import write_parquet
from app.result_table import ResultTable
from app.votable.writer import Info, write_votable

__all__ = [
    "DEFAULT_FORMAT",
    "HTML_FORMAT",
    "OUTPUT_FORMATS",
    "OutputFormat",
    "UnknownFormatError",
    "Writer",
    "content_type",
    "find_format",
]

Writer: TypeAlias = Callable[[ResultTable, Sequence[Info]], Iterator[bytes]]
"""Writes a result; the INFOs (name, value, content) describe the query, where the format
has a place for them (VOTable)."""
"""A result writer: the result in, the file's bytes out, chunk by chunk."""


class UnknownFormatError(ValueError):
    """A RESPONSEFORMAT value that names no supported format."""


@dataclass(frozen=True, slots=True)
class OutputFormat:
    """One way of writing a query result."""

    name: str
    """Short name, also the first alias."""
    mime: str
    """Content-Type of the response (unless the client asked for one of ``echoed``)."""
    aliases: tuple[str, ...]
    """RESPONSEFORMAT values selecting this format, lower case, no spaces around ``;``."""
    writer: Writer
    extension: str
    """File name extension, without the dot."""
    ivo_id: str | None = None
    """TAPRegExt ``outputFormat`` ivo-id, if the format has one."""
    echoed: tuple[str, ...] = ()
    """Aliases that are MIME types of their own: the response is labelled as asked."""


def _votable_binary2(table: ResultTable, infos: Sequence[Info]) -> Iterator[bytes]:
    return write_votable(table, serialization="BINARY2", infos=infos)


def _votable_tabledata(table: ResultTable, infos: Sequence[Info]) -> Iterator[bytes]:
    return write_votable(table, serialization="TABLEDATA", infos=infos)


def _without_infos(write: Callable[[ResultTable], Iterator[bytes]]) -> Writer:
    def writer(table: ResultTable, _infos: Sequence[Info]) -> Iterator[bytes]:
        return write(table)

    return writer


DEFAULT_FORMAT = OutputFormat(
    name="votable",
    mime="application/x-votable+xml",
    aliases=(
        "votable",
        "application/x-votable+xml",
        "text/xml",
        "application/x-votable+xml;serialization=binary2",
        "votable/b2",
        "binary2",
    ),
    writer=_votable_binary2,
    extension="xml",
    ivo_id="ivo://ivoa.net/std/TAPRegExt#output-votable-binary2",
    echoed=("text/xml",),
)
"""VOTable with BINARY2 serialisation, the answer when RESPONSEFORMAT is absent."""

HTML_FORMAT = OutputFormat(
    name="html",
    mime="text/html; charset=utf-8",
    aliases=("html", "text/html"),
    writer=write_html,
    extension="html",
)
"""A page for a person: the answer to a browser that asked for no format."""

OUTPUT_FORMATS: tuple[OutputFormat, ...] = (
    DEFAULT_FORMAT,
    OutputFormat(
        name="votable/td",
        mime="application/x-votable+xml;serialization=TABLEDATA",
        aliases=("votable/td", "application/x-votable+xml;serialization=tabledata", "tabledata"),
        writer=_votable_tabledata,
        extension="xml",
        ivo_id="ivo://ivoa.net/std/TAPRegExt#output-votable-td",
    ),
    OutputFormat(
        name="csv",
        mime="text/csv;header=present",
        aliases=("csv", "text/csv", "text/csv;header=present"),
        writer=_without_infos(write_csv),
        extension="csv",
    ),
    OutputFormat(
        name="tsv",
        mime="text/tab-separated-values",
        aliases=("tsv", "text/tab-separated-values"),
        writer=_without_infos(write_tsv),
        extension="tsv",
    ),
    OutputFormat(
        name="fits",
        mime="application/fits",
        aliases=("fits", "application/fits"),
        writer=_without_infos(write_fits),
        extension="fits",
    ),
    OutputFormat(
        name="parquet",
        mime="application/vnd.apache.parquet",
        aliases=("parquet", "application/vnd.apache.parquet", "application/x-parquet"),
        writer=_without_infos(write_parquet),
        extension="parquet",
        echoed=("application/x-parquet",),
    ),
    OutputFormat(
        name="json",
        mime="application/json",
        aliases=("json", "application/json"),
        writer=write_json,
        extension="json",
    ),
    HTML_FORMAT,
)
"""Every supported format, the default first."""

_BY_ALIAS = {alias: fmt for fmt in OUTPUT_FORMATS for alias in fmt.aliases}
_SEPARATOR = re.compile(r"\s*([;=])\s*")


def _normalised(value: str) -> str:
    return _SEPARATOR.sub(r"\1", value.strip().lower())


def find_format(value: str | None, default: OutputFormat = DEFAULT_FORMAT) -> OutputFormat:
    """The format selected by a RESPONSEFORMAT value (absent or empty: ``default``).

    Raises
    ------
    UnknownFormatError
        If no format has this alias; the message lists the accepted values.
    """
    if value is None or not value.strip():
        return default
    found = _BY_ALIAS.get(_normalised(value))
    if found is None:
        accepted = ", ".join(alias for fmt in OUTPUT_FORMATS for alias in fmt.aliases)
        raise UnknownFormatError(
            f"Unsupported RESPONSEFORMAT {value.strip()!r}; accepted values: {accepted}"
        )
    return found


def content_type(fmt: OutputFormat, value: str | None) -> str:
    """The Content-Type answering a request for ``value`` (which selected ``fmt``)."""
    if value is not None and (asked := _normalised(value)) in fmt.echoed:
        return asked
    return fmt.mime
