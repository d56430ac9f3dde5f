"""A query result as a web page, for a person who opened a query's URL in a browser (or
asked for ``RESPONSEFORMAT=html``): the query, the rows as an HTML table whose headers
carry each column's unit, UCD and description, and links to the same result in every
download format.

The page streams like the other formats. It shows at most :data:`PAGE_ROWS` rows and
then stops pulling the result (which ends the query): a person reads a page, a program
downloads the file. Cells are the text of the CSV writer, escaped as the TABLEDATA writer
escapes them.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator, Sequence
from html import escape

import pyarrow as pa
import pyarrow.compute as pc

from app.faults import ServiceError
from app.formats.columns import EMPTY_TEXT, check_fields, joined_bytes
from app.formats.source import result_chunks
from app.formats.text import text_cells
from app.paths import TAP_PATH
from app.result_table import ResultTable
from app.votable.tabledata import xml_escaped
from app.votable.writer import Info
from vometa import Field

__all__ = ["PAGE_ROWS", "write_html"]

PAGE_ROWS = 1_000
"""Most rows a page shows: Chromium lays out 10,000 full ObsCore rows in about 7 s
(``bench/interface_bench.py``), 1,000 in under one; the interface at ``/`` scrolls
through 10^5."""

DOWNLOADS = (
    ("VOTable", "votable"),
    ("CSV", "csv"),
    ("TSV", "tsv"),
    ("FITS", "fits"),
    ("Parquet", "parquet"),
    ("JSON", "json"),
)
"""The download links under the table: label and RESPONSEFORMAT."""

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1b1f24; }
h1 { font-size: 1.3rem; } pre { background: #f6f8fa; padding: 0.6rem; overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.85rem; }
th { position: sticky; top: 0; background: #eaeef2; text-align: left; cursor: help; }
td, th { padding: 0.15rem 0.5rem; border-bottom: 1px solid #d0d7de; white-space: nowrap; }
th small { display: block; font-weight: normal; color: #57606a; }
tr:nth-child(even) td { background: #f6f8fa; } .note { color: #57606a; }
.error { color: #cf222e; font-weight: 600; } a { color: #0969da; }
"""

_CELL_START = pa.scalar("<td>", pa.string())
_CELL_END = pa.scalar("</td>", pa.string())
_ROW_START = pa.scalar("<tr>", pa.string())
_ROW_END = pa.scalar("</tr>\n", pa.string())


def write_html(table: ResultTable, infos: Sequence[Info]) -> Iterator[bytes]:
    """Stream ``table`` as an HTML page (the query is the INFO named ``QUERY``)."""
    fields = list(table.fields)
    check_fields(fields)
    about = {name: value for name, value, _ in infos}
    query = about.get("QUERY")
    yield _head(fields, query).encode()
    shown, more, error = 0, False, None
    # Chunks of a page: the chunk after a full page tells there are more rows, and is
    # cut from the batch already fetched rather than a batch more.
    chunks = result_chunks(table, fields, PAGE_ROWS)
    try:
        for columns in chunks:
            if shown >= PAGE_ROWS:
                more = True
                break
            room = PAGE_ROWS - shown
            columns = [column.slice(0, room) for column in columns]
            yield bytes(joined_bytes(_rows(columns, fields)))
            shown += len(columns[0]) if columns else 0
    except ServiceError as exc:
        error = str(exc)
    finally:
        chunks.close()
    overflow = not more and error is None and table.overflow
    tail = _tail(shown, more=more, overflow=overflow, error=error)
    yield (tail + _links(query, about.get("MAXREC")) + "</body></html>\n").encode()


def _head(fields: Sequence[Field], query: str | None) -> str:
    headers = "".join(_header(field) for field in fields)
    shown_query = f"<pre>{escape(query)}</pre>" if query else ""
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Query result</title><style>{_STYLE}</style></head><body>"
        f"<h1>Query result</h1>{shown_query}"
        f"<table><thead><tr>{headers}</tr></thead><tbody>\n"
    )


def _header(field: Field) -> str:
    about = " · ".join(
        part
        for part in (
            field.description,
            f"unit: {field.unit}" if field.unit else None,
            f"UCD: {field.ucd}" if field.ucd else None,
            f"{field.datatype}" + (f"[{field.arraysize}]" if field.arraysize else ""),
        )
        if part
    )
    unit = f"<small>{escape(field.unit)}</small>" if field.unit else ""
    return f'<th title="{escape(about)}">{escape(field.name)}{unit}</th>'


def _rows(columns: Sequence[pa.Array], fields: Sequence[Field]) -> pa.Array:
    items: list[pa.Array | pa.Scalar] = [_ROW_START]
    for column, field in zip(columns, fields, strict=True):
        text = text_cells(column, field)
        if pa.types.is_string(column.type):
            text = xml_escaped(text)
        items.extend([_CELL_START, text, _CELL_END])
    items.append(_ROW_END)
    return pc.binary_join_element_wise(
        *items, EMPTY_TEXT, null_handling="replace", null_replacement=""
    )


def _tail(shown: int, *, more: bool, overflow: bool, error: str | None) -> str:
    notes = [f"{shown:,} row{'s' if shown != 1 else ''}"]
    if more:
        notes.append(
            f"the result has more rows than a page shows ({PAGE_ROWS:,}): download it whole, "
            "or open it in the query page"
        )
    elif overflow:
        notes.append("cut at the row limit (MAXREC): the result has more rows")
    tail = f"</tbody></table><p class='note'>{escape('; '.join(notes))}.</p>"
    if error is not None:
        tail += f'<p class="error">The query failed after these rows: {escape(error)}</p>'
    return tail


def _links(query: str | None, maxrec: str | None) -> str:
    """Links to the same result in each download format, and to the query page."""
    if not query:
        return ""
    links = " · ".join(
        f'<a href="{escape(_sync_url(query, name, maxrec))}">{label}</a>'
        for label, name in DOWNLOADS
    )
    edit = "/?" + urllib.parse.urlencode({"query": query})
    return (
        f"<p>Download: {links}</p>"
        f'<p><a href="{escape(edit)}">Edit this query</a> in the query page.</p>'
    )


def _sync_url(query: str, response_format: str, maxrec: str | None) -> str:
    parameters = {"LANG": "ADQL", "QUERY": query, "RESPONSEFORMAT": response_format}
    if maxrec is not None:
        parameters["MAXREC"] = maxrec
    return f"{TAP_PATH}/sync?" + urllib.parse.urlencode(parameters)
