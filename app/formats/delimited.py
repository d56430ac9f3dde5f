"""CSV (RFC 4180, with a header row) and TSV output of query results.

Cells are the texts of :func:`app.formats.text.text_cells`: numbers in shortest
round-trip form, ``NaN``/``+Inf``/``-Inf``, ``true``/``false``, arrays as numbers
separated by spaces. A null is an empty cell.

CSV quotes a value when it holds a comma, a double quote, CR or LF, doubling the quotes;
an empty (non-null) string is written ``""`` so that it differs from a null. Lines end
with CRLF as RFC 4180 says.

TSV cannot quote: tabs, CRs and LFs in values (and in column names) become spaces.
Lines end with LF.

Neither format can report a failure or an overflow once rows are flowing: an error
from ``batches()`` propagates, and ``app/services/result_stream.py`` ends the response
without HTTP's end marker, so that no client takes the rows it got for the whole
result; an overflow is not marked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from app.formats.columns import EMPTY_TEXT, check_fields, joined_bytes, string_bytes
from app.formats.source import DEFAULT_CHUNK_ROWS, result_chunks
from app.formats.text import text_cells
from app.result_table import ResultTable
from vometa import Field

__all__ = ["write_csv", "write_tsv"]

_Clean: TypeAlias = Callable[[pa.Array], pa.Array]

_QUOTE = pa.scalar('"', pa.string())
_TWO_QUOTES = pa.scalar('""', pa.string())
_CSV_SPECIAL = (b",", b'"', b"\r", b"\n")
_TSV_SPECIAL = (b"\t", b"\r", b"\n")


def write_csv(table: ResultTable) -> Iterator[bytes]:
    """Stream ``table`` as CSV with a header row (``text/csv;header=present``)."""
    fields = list(table.fields)
    check_fields(fields)
    names = pa.array([f.name for f in fields], pa.string())
    yield ",".join(_csv_quoted(names).to_pylist()).encode() + b"\r\n"
    yield from _rows(table, fields, ",", "\r\n", _csv_quoted)


def write_tsv(table: ResultTable) -> Iterator[bytes]:
    """Stream ``table`` as tab-separated values with a header row."""
    fields = list(table.fields)
    check_fields(fields)
    names = pa.array([f.name for f in fields], pa.string())
    yield "\t".join(_tsv_cleaned(names).to_pylist()).encode() + b"\n"
    yield from _rows(table, fields, "\t", "\n", _tsv_cleaned)


def _rows(
    table: ResultTable, fields: Sequence[Field], separator: str, end: str, clean: _Clean
) -> Iterator[bytes]:
    between = pa.scalar(separator, pa.string())
    line_end = pa.scalar(end, pa.string())
    chunks = result_chunks(table, fields, DEFAULT_CHUNK_ROWS)
    try:
        for columns in chunks:
            items: list[pa.Array | pa.Scalar] = []
            for column, field in zip(columns, fields, strict=True):
                text = text_cells(column, field)
                items.extend([clean(text) if pa.types.is_string(column.type) else text, between])
            items[-1] = line_end
            joined = pc.binary_join_element_wise(
                *items, EMPTY_TEXT, null_handling="replace", null_replacement=""
            )
            yield bytes(joined_bytes(joined))
    finally:
        chunks.close()


def _csv_quoted(array: pa.Array) -> pa.Array:
    """Values quoted where RFC 4180 requires it, and empty strings as ``""``."""
    empty = pc.equal(pc.binary_length(array), 0)
    if not _contains(array, _CSV_SPECIAL):
        if not pc.any(empty).as_py():
            return array
        return pc.if_else(empty, _TWO_QUOTES, array)
    special = pc.or_(pc.match_substring_regex(array, '[,"\r\n]'), empty)
    doubled = pc.replace_substring(array, '"', '""')
    quoted = pc.binary_join_element_wise(_QUOTE, doubled, _QUOTE, EMPTY_TEXT)
    return pc.if_else(special, quoted, array)


def _tsv_cleaned(array: pa.Array) -> pa.Array:
    """Values with tabs and line breaks replaced by spaces."""
    if not _contains(array, _TSV_SPECIAL):
        return array
    return pc.replace_substring_regex(array, "[\t\r\n]", " ")


def _contains(array: pa.Array, needles: tuple[bytes, ...]) -> bool:
    """Whether any value of a string array holds one of these bytes."""
    raw = string_bytes(array).tobytes()
    return any(needle in raw for needle in needles)
