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
``long`` K (nulls: TNULL, the type's smallest value, or its largest if the column holds
the smallest; a column holding both extremes and nulls is ambiguous), ``float`` E,
``double`` D (nulls: NaN). ``char`` and ``unicodeChar`` are A columns as wide as the
longest value (or the fixed arraysize), ASCII only: other characters become ``?``, nulls
are empty strings. Numeric arrays of fixed arraysize (point, circle) are repeated
columns (``2D``), nulls NaN or TNULL throughout; variable ones (polygon) are
variable-length array columns (``PD(max)``, or ``QD(max)`` when the heap passes 2 GiB),
nulls of length 0 and without TNULL (astropy's table reader rejects TNULL there). UCD,
utype and description go in ``TUCDn``, ``TUTYPn`` and ``TCOMMn`` (the STIL convention)
and ``OVERFLOW = T`` marks a result cut at MAXREC.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from astropy.io import fits

from app.formats.columns import (
    EMPTY_TEXT,
    ArraySize,
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
from app.result_table import ResultTable, arrow_schema
from vometa import Field

__all__ = ["write_fits"]

_BLOCK = 2880
_TYPES: dict[str, tuple[str, np.dtype]] = {
    "boolean": ("L", np.dtype("u1")),
    "unsignedByte": ("B", np.dtype("u1")),
    "short": ("I", np.dtype(">i2")),
    "int": ("J", np.dtype(">i4")),
    "long": ("K", np.dtype(">i8")),
    "float": ("E", np.dtype(">f4")),
    "double": ("D", np.dtype(">f8")),
}
_INTEGER_RANGES = {
    "unsignedByte": (0, 255),
    "short": (-(2**15), 2**15 - 1),
    "int": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
}
_BOOLEAN_BYTES = np.array([ord("F"), ord("T"), 0], dtype=np.uint8)
_PRIMARY = fits.Header([("SIMPLE", True), ("BITPIX", 8), ("NAXIS", 0), ("EXTEND", True)])


@dataclass(slots=True)
class _Stats:
    """What spooling learnt about one column."""

    longest: int = 0
    """Longest string (characters) or variable-length array (elements)."""
    heap: int = 0
    """Bytes of its variable-length arrays."""
    low: int | None = None
    high: int | None = None
    """Smallest and largest integer values, for choosing TNULL."""


@dataclass(frozen=True, slots=True)
class _Column:
    """How one field is written: its TFORM, its bytes in a row, its null."""

    field: Field
    size: ArraySize
    tform: str
    dtype: np.dtype
    """Of the field in a row: a value, a fixed array or a (count, offset) descriptor."""
    element: np.dtype
    """Of one number (strings: one byte)."""
    tnull: int | None
    fill: float | int
    """Written for a null number."""

    @property
    def variable(self) -> bool:
        """A variable-length array column (values in the heap)."""
        return self.field.is_array and self.size.fixed is None


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
        rows, stats = _spool(table, fields, spool)
        long_heap = sum(s.heap for s in stats) >= 2**31
        columns = [_column(f, s, long_heap=long_heap) for f, s in zip(fields, stats, strict=True)]
        header = _header(columns, rows, sum(s.heap for s in stats), overflow=table.overflow)
        yield _PRIMARY.tostring().encode("ascii") + header.tostring().encode("ascii")
        size = heap = 0
        for arrays in _replay(spool):
            data, heap = _rows(columns, arrays, heap)
            size += len(data)
            yield data
        for arrays in _replay(spool):
            data = b"".join(_heap(c, a) for c, a in zip(columns, arrays, strict=True) if c.variable)
            size += len(data)
            yield data
        yield bytes(-size % _BLOCK)


def _spool(
    table: ResultTable, fields: Sequence[Field], spool: IO[bytes]
) -> tuple[int, list[_Stats]]:
    """Copy the result to ``spool`` as an Arrow IPC stream; count and measure it."""
    rows = 0
    stats = [_Stats() for _ in fields]
    schema = arrow_schema(fields)
    chunks = result_chunks(table, fields)
    try:
        with pa.ipc.new_stream(spool, schema) as writer:
            for arrays in chunks:
                rows += len(arrays[0])
                for f, array, column_stats in zip(fields, arrays, stats, strict=True):
                    _measure(f, array, column_stats)
                writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
    finally:
        chunks.close()
    return rows, stats


def _replay(spool: IO[bytes]) -> Iterator[list[pa.Array]]:
    spool.seek(0)
    for batch in pa.ipc.open_stream(spool):
        yield batch.columns


def _measure(f: Field, array: pa.Array, stats: _Stats) -> None:
    size = parse_arraysize(f.arraysize)
    if pa.types.is_string(array.type):
        longest = pc.max(pc.utf8_length(array)).as_py() or 0
        stats.longest = max(stats.longest, min(longest, size.fixed or size.limit or longest))
        return
    values = pc.list_flatten(array) if f.is_array else array
    if f.datatype in _INTEGER_RANGES:
        low, high = pc.min_max(values).values()
        if low.is_valid:
            stats.low = min(low.as_py(), stats.low if stats.low is not None else low.as_py())
            stats.high = max(high.as_py(), stats.high if stats.high is not None else high.as_py())
    if f.is_array and size.fixed is None:
        lengths = clip_lists(list_parts(array, 0), size.limit).lengths
        stats.longest = max(stats.longest, int(lengths.max()) if len(lengths) else 0)
        stats.heap += int(lengths.sum()) * _TYPES[f.datatype][1].itemsize


def _column(f: Field, stats: _Stats, *, long_heap: bool) -> _Column:
    size = parse_arraysize(f.arraysize)
    if f.datatype in ("char", "unicodeChar"):
        width = max(stats.longest, 1)
        return _Column(f, size, f"{width}A", np.dtype(("u1", width)), np.dtype("u1"), None, 0)
    code, element = _TYPES[f.datatype]
    variable = f.is_array and size.fixed is None
    tnull = None if variable else _tnull(f.datatype, stats)
    fill = tnull if tnull is not None else (0 if f.datatype in _INTEGER_RANGES else math.nan)
    if not f.is_array:
        return _Column(f, size, code, element, element, tnull, fill)
    if size.fixed is not None:
        dtype = np.dtype((element, size.fixed))
        return _Column(f, size, f"{size.fixed}{code}", dtype, element, tnull, fill)
    descriptor = np.dtype((">i8", 2)) if long_heap else np.dtype((">i4", 2))
    tform = f"{'Q' if long_heap else 'P'}{code}({stats.longest})"
    return _Column(f, size, tform, descriptor, element, None, fill)


def _tnull(datatype: str, stats: _Stats) -> int | None:
    """TNULL of an integer column: the type's smallest value, or its largest when the
    column holds the smallest (a column holding both, and nulls, is ambiguous)."""
    if datatype not in _INTEGER_RANGES:
        return None
    smallest, largest = _INTEGER_RANGES[datatype]
    if stats.low is None or stats.low > smallest or stats.high is None:
        return smallest
    return largest if stats.high < largest else smallest


def _header(columns: Sequence[_Column], rows: int, heap: int, *, overflow: bool) -> fits.Header:
    header = fits.Header(
        [
            ("XTENSION", "BINTABLE", "binary table extension"),
            ("BITPIX", 8),
            ("NAXIS", 2),
            ("NAXIS1", sum(c.dtype.itemsize for c in columns), "bytes per row"),
            ("NAXIS2", rows, "number of rows"),
            ("PCOUNT", heap, "heap size"),
            ("GCOUNT", 1),
            ("TFIELDS", len(columns)),
        ]
    )
    for index, column in enumerate(columns, start=1):
        f = column.field
        header.append((f"TTYPE{index}", _ascii(f.name)))
        header.append((f"TFORM{index}", column.tform))
        if column.tnull is not None:
            header.append((f"TNULL{index}", column.tnull))
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


def _rows(columns: Sequence[_Column], arrays: Sequence[pa.Array], heap: int) -> tuple[bytes, int]:
    """The rows of a batch as FITS records, and the heap offset after its arrays."""
    records = np.empty(len(arrays[0]), dtype=[(f"c{i}", c.dtype) for i, c in enumerate(columns)])
    for i, (column, array) in enumerate(zip(columns, arrays, strict=True)):
        records[f"c{i}"], heap = _cells(column, array, heap)
    return records.tobytes(), heap


def _cells(column: _Column, array: pa.Array, heap: int) -> tuple[np.ndarray, int]:
    """One column of a batch shaped as its record field, and the heap offset after it."""
    f, size, rows = column.field, column.size, len(array)
    if f.datatype in ("char", "unicodeChar"):
        text = clip_strings(ascii_only(pc.fill_null(array, EMPTY_TEXT)), size.fixed or size.limit)
        width = column.dtype.itemsize
        return string_bytes(pc.utf8_rpad(text, width=width, padding="\0")).reshape(
            rows, width
        ), heap
    if f.datatype == "boolean":
        codes = numeric_values(array, False).astype(np.uint8)
        codes[array.is_null().to_numpy(zero_copy_only=False)] = 2
        return _BOOLEAN_BYTES[codes], heap
    if not f.is_array:
        return numeric_values(array, column.fill), heap
    parts = list_parts(array, column.fill)
    if size.fixed is not None:
        return fixed_matrix(parts, size.fixed, column.fill), heap
    lengths = clip_lists(parts, size.limit).lengths
    descriptors = np.empty((rows, 2), dtype=np.int64)
    descriptors[:, 0] = lengths
    descriptors[:, 1] = heap + (np.cumsum(lengths) - lengths) * column.element.itemsize
    return descriptors, heap + int(lengths.sum()) * column.element.itemsize


def _heap(column: _Column, array: pa.Array) -> bytes:
    """The heap bytes of a variable-length array column in one batch."""
    values = clip_lists(list_parts(array, column.fill), column.size.limit).values
    return values.astype(column.element).tobytes()
