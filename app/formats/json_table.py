"""JSON output of query results, the shape archives' web pages and scripts read (ESA's
TAP services write the same ``metadata`` and ``data`` members)::

    {"info": {"QUERY": "SELECT ...", "MAXREC": "1000", ...},
     "metadata": [{"name": "s_ra", "datatype": "double", "arraysize": null,
                   "xtype": null, "unit": "deg", "ucd": "pos.eq.ra;meta.main",
                   "utype": null, "description": "..."}, ...],
     "data": [[53.1, -27.8, "r", ...], ...],
     "query_status": "OK"}

``info`` holds what a VOTable says in its INFOs (the query, MAXREC, RUNID). Cells are JSON
values: numbers (shortest round-trip form), strings, ``true``/``false``,
arrays of numbers for DALI point, circle, polygon and interval columns, and ``null`` for
nulls, not-a-number and infinities (JSON has no spelling for them).
``query_status`` closes the document: ``OK``, ``OVERFLOW`` (cut at MAXREC) or ``ERROR``
with an ``error`` message (a failure after rows were sent; the document stays valid).

Rows are encoded a chunk at a time with Arrow compute functions, like the CSV writer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from app.faults import ServiceError
from app.formats.columns import EMPTY_TEXT, check_fields, joined_bytes, string_bytes
from app.formats.source import DEFAULT_CHUNK_ROWS, result_chunks
from app.formats.text import text_cells
from app.result_table import ResultTable
from app.votable.writer import Info
from vometa import Field

__all__ = ["write_json"]

_NULL = pa.scalar("null", pa.string())
_QUOTE = pa.scalar('"', pa.string())
_COMMA = pa.scalar(",", pa.string())
_ROW_START = pa.scalar(",\n[", pa.string())
_ROW_END = pa.scalar("]", pa.string())
_LIST_START = pa.scalar("[", pa.string())
_LIST_END = pa.scalar("]", pa.string())
_OTHER_CONTROLS = bytes(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))


def write_json(table: ResultTable, infos: Sequence[Info]) -> Iterator[bytes]:
    """Stream ``table`` as a JSON document (``application/json``); ``infos`` (name,
    value, content) become the ``info`` object's members."""
    fields = list(table.fields)
    check_fields(fields)
    info = json.dumps({name: value for name, value, _ in infos}, ensure_ascii=False)
    metadata = json.dumps([_field_metadata(field) for field in fields], ensure_ascii=False)
    yield ('{"info": ' + info + ',\n"metadata": ' + metadata + ',\n"data": [').encode()
    first = True
    error: str | None = None
    chunks = result_chunks(table, fields, DEFAULT_CHUNK_ROWS)
    try:
        for columns in chunks:
            items: list[pa.Array | pa.Scalar] = [_ROW_START]
            for column, field in zip(columns, fields, strict=True):
                items.extend([_json_cells(column, field), _COMMA])
            items[-1] = _ROW_END
            joined = pc.binary_join_element_wise(*items, EMPTY_TEXT)
            data = joined_bytes(joined)
            if first:  # the first row is not preceded by a comma
                data, first = data[2:], False
            yield bytes(data)
    except ServiceError as exc:
        error = str(exc)
    finally:
        chunks.close()
    if error is not None:
        end = '"ERROR", "error": ' + json.dumps(error, ensure_ascii=False)
    else:
        end = '"OVERFLOW"' if table.overflow else '"OK"'
    yield ('\n],\n"query_status": ' + end + "}\n").encode()


def _field_metadata(field: Field) -> dict[str, str | None]:
    return {
        "name": field.name,
        "datatype": field.datatype,
        "arraysize": field.arraysize,
        "xtype": field.xtype,
        "unit": field.unit,
        "ucd": field.ucd,
        "utype": field.type.utype,
        "description": field.description,
    }


def _json_cells(array: pa.Array, field: Field) -> pa.Array:
    """The column's values as JSON texts (a string array without nulls)."""
    kind = array.type
    text = text_cells(array, field)
    if pa.types.is_string(kind):
        text = _quoted(text)
    elif pa.types.is_list(kind):
        text = pc.replace_substring(text, "NaN", "null")
        text = pc.replace_substring_regex(text, "[+-]Inf", "null")
        text = pc.binary_join_element_wise(
            _LIST_START, pc.replace_substring(text, " ", ","), _LIST_END, EMPTY_TEXT
        )
    elif pa.types.is_floating(kind) and len(array):
        text = pc.if_else(pc.is_finite(array), text, pa.scalar(None, pa.string()))
    return pc.fill_null(text, _NULL)


def _quoted(array: pa.Array) -> pa.Array:
    """Strings as JSON string literals (nulls stay null)."""
    raw = string_bytes(array).tobytes()
    if len(raw.translate(None, _OTHER_CONTROLS)) != len(raw):
        # Rare control characters need \\u escapes: leave them to the json module.
        return pa.array(
            [None if v is None else json.dumps(v, ensure_ascii=False) for v in array.to_pylist()],
            pa.string(),
        )
    escaped = array
    if b"\\" in raw:
        escaped = pc.replace_substring(escaped, "\\", "\\\\")
    if b'"' in raw:
        escaped = pc.replace_substring(escaped, '"', '\\"')
    for char, escape in (("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        if char.encode() in raw:
            escaped = pc.replace_substring(escaped, char, escape)
    return pc.binary_join_element_wise(_QUOTE, escaped, _QUOTE, EMPTY_TEXT)
