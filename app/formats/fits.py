"""FITS output of query results: a primary HDU and one binary table extension.

A FITS header states the row count (NAXIS2) and the heap size (PCOUNT) before the
data, and a character column needs a fixed width, so the result is first spooled to a
temporary file as an Arrow IPC stream (in memory up to ``spool_bytes``, then on
disk), measuring it on the way. The FITS file is then streamed from the spool batch by
batch: header, rows, heap of variable-length arrays, padding. Memory stays at about
one batch whatever the result size, but the first byte leaves only once the query has
finished; an error from ``batches()`` therefore propagates before anything is
yielded, and the caller can still answer with an error document.

Column mapping: ``boolean`` L (null: byte 0), ``unsignedByte`` B, ``short`` I, ``int`` J,
``long`` K (nulls: TNULL, the type's smallest value; 255 for B), ``float`` E, ``double`` D
(nulls: NaN). ``char`` and ``unicodeChar`` are A columns as wide as the longest value
(or the fixed arraysize), ASCII only: other characters become ``?``, nulls are empty
strings. Numeric arrays of fixed arraysize (point, circle) are repeated columns
(``2D``); variable ones (polygon) are variable-length array columns (``PD(max)``, or
``QD(max)`` when the heap passes 2 GiB) with null arrays of length 0. UCD, utype and
description go in ``TUCDn``, ``TUTYPn`` and ``TCOMMn`` (the STIL convention) and
``OVERFLOW = T`` marks a result cut at MAXREC.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from astropy.io import fits

from app.formats.columns import (
    EMPTY_TEXT,
    ascii_only,
    check_fields,
    clip_lists,
    clip_strings,
    fixed_matrix,
    list_parts,
    numeric_values,
    parse_arraysize,
    string_bytes,
)
from app.formats.source import result_chunks
from app.formats.table import ResultField, ResultTable, arrow_schema

__all__ = ["write_fits"]

_BLOCK = 2880
_CODES: dict[str, str] = {
    "boolean": "L",
    "unsignedByte": "B",
    "short": "I",
    "int": "J",
    "long": "K",
    "float": "E",
    "double": "D",
}
_DTYPES: dict[str, np.dtype] = {
    "boolean": np.dtype("u1"),
    "unsignedByte": np.dtype("u1"),
    "short": np.dtype(">i2"),
    "int": np.dtype(">i4"),
    "long": np.dtype(">i8"),
    "float": np.dtype(">f4"),
    "double": np.dtype(">f8"),
}
_TNULL: dict[str, int] = {"unsignedByte": 255, "short": -(2**15), "int": -(2**31), "long": -(2**63)}
_BOOLEAN_BYTES = np.array([ord("F"), ord("T"), 0], dtype=np.uint8)
_PRIMARY = fits.Header([("SIMPLE", True), ("BITPIX", 8), ("NAXIS", 0), ("EXTEND", True)])


@dataclass(slots=True)
class _Measure:
    """What the header needs to know about a spooled result."""

    rows: int = 0
    widths: list[int] = field(default_factory=list)
    """Per column: string width, or largest variable array length (else 0)."""
    heap: int = 0


def write_fits(table: ResultTable, *, spool_bytes: int = 64 * 2**20) -> Iterator[bytes]:
    """Stream ``table`` as a FITS file with one binary table.

    Parameters
    ----------
    table
        The result.
    spool_bytes
        Size of the spool kept in memory before it moves to a temporary file.
    """
    fields = list(table.fields)
    check_fields(fields)
    with tempfile.SpooledTemporaryFile(max_size=spool_bytes) as spool:
        measure = _spool(table, fields, spool)
        long_heap = measure.heap >= 2**31
        header = _header(fields, measure, long_heap=long_heap, overflow=table.overflow)
        yield _PRIMARY.tostring().encode("ascii") + header.tostring().encode("ascii")
        size = 0
        heap = 0
        for columns in _replay(spool):
            rows, heap = _rows(fields, columns, measure.widths, heap, long_heap=long_heap)
            size += len(rows)
            yield rows
        for columns in _replay(spool):
            data = b"".join(_heap(f, c) for f, c in zip(fields, columns, strict=True))
            size += len(data)
            yield data
        yield bytes(-size % _BLOCK)


def _spool(table: ResultTable, fields: Sequence[ResultField], spool: IO[bytes]) -> _Measure:
    measure = _Measure(widths=[0] * len(fields))
    chunks = result_chunks(table, fields)
    try:
        schema = arrow_schema(fields)
        with pa.ipc.new_stream(spool, schema) as writer:
            for columns in chunks:
                measure.rows += len(columns[0])
                for index, (f, column) in enumerate(zip(fields, columns, strict=True)):
                    width, heap = _measure(f, column)
                    measure.widths[index] = max(measure.widths[index], width)
                    measure.heap += heap
                writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=schema))
    finally:
        chunks.close()
    spool.seek(0)
    return measure


def _replay(spool: IO[bytes]) -> Iterator[list[pa.Array]]:
    spool.seek(0)
    for batch in pa.ipc.open_stream(spool):
        yield batch.columns


def _measure(f: ResultField, column: pa.Array) -> tuple[int, int]:
    """A column's string width or variable array length, and its heap bytes."""
    size = parse_arraysize(f.arraysize)
    if pa.types.is_string(column.type):
        if size.fixed is not None:
            return size.fixed, 0
        longest = pc.max(pc.utf8_length(column)).as_py() or 0
        return min(longest, size.limit or longest), 0
    if not f.is_array or size.fixed is not None:
        return 0, 0
    lengths = clip_lists(list_parts(column, 0), size.limit).lengths
    longest = int(lengths.max()) if len(lengths) else 0
    return longest, int(lengths.sum()) * _DTYPES[f.datatype].itemsize


def _tform(f: ResultField, width: int, *, long_heap: bool) -> str:
    size = parse_arraysize(f.arraysize)
    if f.datatype in ("char", "unicodeChar"):
        return f"{max(width, 1)}A"
    code = _CODES[f.datatype]
    if not f.is_array:
        return code
    if size.fixed is not None:
        return f"{size.fixed}{code}"
    return f"{'Q' if long_heap else 'P'}{code}({width})"


def _header(
    fields: Sequence[ResultField], measure: _Measure, *, long_heap: bool, overflow: bool
) -> fits.Header:
    tforms = [
        _tform(f, w, long_heap=long_heap) for f, w in zip(fields, measure.widths, strict=True)
    ]
    row_bytes = sum(
        _width(f, w, long_heap=long_heap) for f, w in zip(fields, measure.widths, strict=True)
    )
    header = fits.Header(
        [
            ("XTENSION", "BINTABLE", "binary table extension"),
            ("BITPIX", 8),
            ("NAXIS", 2),
            ("NAXIS1", row_bytes, "bytes per row"),
            ("NAXIS2", measure.rows, "number of rows"),
            ("PCOUNT", measure.heap, "heap size"),
            ("GCOUNT", 1),
            ("TFIELDS", len(fields)),
        ]
    )
    for index, (f, tform) in enumerate(zip(fields, tforms, strict=True), start=1):
        header.append((f"TTYPE{index}", _ascii(f.name)))
        header.append((f"TFORM{index}", tform))
        if f.datatype in _TNULL:
            header.append((f"TNULL{index}", _TNULL[f.datatype]))
        for key, value in (("TUNIT", f.unit), ("TUCD", f.ucd), ("TUTYP", f.utype)):
            if value:
                header.append((f"{key}{index}", _ascii(value)))
        if f.description:
            header.append((f"TCOMM{index}", _ascii(f.description)))
    if overflow:
        header.append(("OVERFLOW", True, "result truncated at MAXREC"))
    return header


def _ascii(text: str) -> str:
    """Header text: printable ASCII only."""
    return "".join(c if " " <= c <= "~" else "?" for c in text)


def _width(f: ResultField, width: int, *, long_heap: bool) -> int:
    """Bytes of ``f`` in a row."""
    size = parse_arraysize(f.arraysize)
    if f.datatype in ("char", "unicodeChar"):
        return max(width, 1)
    if not f.is_array:
        return _DTYPES[f.datatype].itemsize
    if size.fixed is not None:
        return size.fixed * _DTYPES[f.datatype].itemsize
    return 16 if long_heap else 8


def _rows(
    fields: Sequence[ResultField],
    columns: Sequence[pa.Array],
    widths: Sequence[int],
    heap: int,
    *,
    long_heap: bool,
) -> tuple[bytes, int]:
    """The rows of a batch as FITS records, and the heap offset after its arrays."""
    rows = len(columns[0])
    parts: list[tuple[np.dtype, np.ndarray]] = []
    for f, column, width in zip(fields, columns, widths, strict=True):
        size = parse_arraysize(f.arraysize)
        if f.datatype in ("char", "unicodeChar"):
            text = clip_strings(
                ascii_only(pc.fill_null(column, EMPTY_TEXT)), size.fixed or size.limit
            )
            padded = pc.utf8_rpad(text, width=max(width, 1), padding="\0")
            parts.append((np.dtype(("u1", max(width, 1))), string_bytes(padded)))
            continue
        dtype = _DTYPES[f.datatype]
        fill = _TNULL.get(f.datatype, np.nan)
        if f.datatype == "boolean":
            codes = numeric_values(column, False).astype(np.uint8)
            codes[column.is_null().to_numpy(zero_copy_only=False)] = 2
            parts.append((dtype, _BOOLEAN_BYTES[codes]))
        elif not f.is_array:
            parts.append((dtype, numeric_values(column, fill)))
        elif size.fixed is not None:
            matrix = fixed_matrix(list_parts(column, fill), size.fixed, fill)
            parts.append((np.dtype((dtype, size.fixed)), matrix))
        else:
            lengths = clip_lists(list_parts(column, fill), size.limit).lengths
            descriptors = np.empty((rows, 2), dtype=np.int64)
            descriptors[:, 0] = lengths
            descriptors[:, 1] = heap + (np.cumsum(lengths) - lengths) * dtype.itemsize
            heap += int(lengths.sum()) * dtype.itemsize
            parts.append((np.dtype((">i8" if long_heap else ">i4", 2)), descriptors))
    records = np.empty(rows, dtype=[(f"c{i}", d) for i, (d, _) in enumerate(parts)])
    for i, (_, values) in enumerate(parts):
        records[f"c{i}"] = values.reshape(records[f"c{i}"].shape)
    return records.tobytes(), heap


def _heap(f: ResultField, column: pa.Array) -> bytes:
    """The heap bytes of a variable-length array column (empty for other columns)."""
    size = parse_arraysize(f.arraysize)
    if not f.is_array or size.fixed is not None:
        return b""
    fill = _TNULL.get(f.datatype, np.nan)
    values = clip_lists(list_parts(column, fill), size.limit).values
    return values.astype(_DTYPES[f.datatype]).tobytes()
