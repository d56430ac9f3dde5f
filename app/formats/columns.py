"""Vectorised helpers the writers share: conforming a batch to its fields, arraysizes,
list and string columns as numpy arrays.

Everything here works on whole Arrow arrays (one call per column and batch), never
row by row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from app.result_table import arrow_type
from vometa import Field

__all__ = [
    "DATATYPES",
    "EMPTY_TEXT",
    "ArraySize",
    "ListParts",
    "ascii_only",
    "bmp_only",
    "check_fields",
    "clip_lists",
    "clip_strings",
    "conform",
    "declared_arraysize",
    "fixed_matrix",
    "joined_bytes",
    "list_parts",
    "numeric_fill",
    "numeric_values",
    "parse_arraysize",
    "string_bytes",
]

_FLOAT_TYPES = frozenset({"float", "double"})
DATATYPES = frozenset(
    {"char", "unicodeChar", "boolean", "unsignedByte", "short", "int", "long", "float", "double"}
)
"""The VOTable datatypes the writers handle."""

EMPTY_TEXT = pa.scalar("", pa.string())
"""The empty string as an Arrow scalar. Compute functions given a plain Python value
infer its type at every call, which costs more than the call itself on a 10,000-row
batch: the writers pass typed scalars built once."""


@dataclass(frozen=True, slots=True)
class ArraySize:
    """A VOTable arraysize as an element count: ``fixed`` or a ``limit`` (or neither)."""

    fixed: int | None = None
    """Number of elements when the arraysize has no ``*`` (``2``, ``3``, ``2x3``)."""
    limit: int | None = None
    """Largest number of elements of a bounded variable arraysize (``64*``)."""


def parse_arraysize(text: str | None) -> ArraySize:
    """Read an arraysize (``None``, ``n``, ``n*``, ``*``, ``nxm``, ``nxm*``, ``nx*``).

    ``None`` means variable and unbounded here: the writers only call this for strings
    and arrays, and a string field without an arraysize is declared ``*``
    (see :func:`declared_arraysize`).
    """
    if text is None or text.strip() == "":
        return ArraySize()
    dims = text.strip().split("x")
    variable = dims[-1].endswith("*")
    sizes = [d.rstrip("*") for d in dims]
    if variable and sizes[-1] == "":
        return ArraySize()
    count = math.prod(int(s) for s in sizes)
    return ArraySize(limit=count) if variable else ArraySize(fixed=count)


def declared_arraysize(field: Field) -> str | None:
    """The arraysize written for ``field``: ``*`` for a string field declared without one.

    A ``char`` field without arraysize is a single character in VOTable; a result column
    holding strings is far more likely meant as a variable-length string, so the writers
    declare ``*`` rather than cut every value to one character.
    """
    if field.datatype in ("char", "unicodeChar") and field.arraysize is None:
        return "*"
    return field.arraysize


def check_fields(fields: Sequence[Field]) -> None:
    """Check that every field has a datatype the writers handle.

    Raises
    ------
    ValueError
        If there is no field, or for the first field with another datatype.
    """
    if not fields:
        raise ValueError("a result needs at least one field")
    for field in fields:
        if field.datatype not in DATATYPES:
            raise ValueError(f"unsupported datatype {field.datatype!r} of field {field.name!r}")


def conform(batch: pa.RecordBatch, fields: Sequence[Field]) -> list[pa.Array]:
    """The batch's columns, cast where needed to the Arrow type of their field.

    Raises
    ------
    ValueError
        If the batch does not have one column per field.
    """
    if batch.num_columns != len(fields):
        raise ValueError(f"batch has {batch.num_columns} columns, expected {len(fields)}")
    columns = []
    for column, field in zip(batch.columns, fields, strict=True):
        expected = arrow_type(field)
        columns.append(column if column.type == expected else column.cast(expected))
    return columns


def string_bytes(array: pa.Array) -> np.ndarray:
    """The UTF-8 bytes of the values of a string array, concatenated (a view, no copy)."""
    if len(array) == 0:
        return np.zeros(0, dtype=np.uint8)
    _, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)
    start = int(offsets[array.offset])
    end = int(offsets[array.offset + len(array)])
    if data_buffer is None or end == start:
        return np.zeros(0, dtype=np.uint8)
    return np.frombuffer(data_buffer, dtype=np.uint8, count=end - start, offset=start)


def joined_bytes(array: pa.Array) -> memoryview:
    """The bytes of all values of a fresh binary or string array (such as the output of
    ``binary_join_element_wise``), concatenated: a view of its data buffer."""
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)
    data = array.buffers()[2]
    end = int(offsets[array.offset + len(array)])
    if data is None or end == 0:
        return memoryview(b"")
    return memoryview(data)[int(offsets[array.offset]) : end]


def ascii_only(array: pa.Array) -> pa.Array:
    """``array`` with every non-ASCII character replaced by ``?`` (for ``char`` in binary)."""
    data = string_bytes(array)
    if data.size == 0 or data.max() < 0x80:
        return array
    return pc.replace_substring_regex(array, pattern="[^\\x00-\\x7f]", replacement="?")


def bmp_only(array: pa.Array) -> pa.Array:
    """``array`` with characters beyond U+FFFF replaced by ``?`` (UCS-2 cannot hold them)."""
    data = string_bytes(array)
    if data.size == 0 or data.max() < 0xF0:
        return array
    return pc.replace_substring_regex(array, pattern="[\\x{10000}-\\x{10FFFF}]", replacement="?")


def clip_strings(array: pa.Array, limit: int | None) -> pa.Array:
    """``array`` with values longer than ``limit`` characters cut to ``limit``."""
    if limit is None or len(array) == 0:
        return array
    longest = pc.max(pc.utf8_length(array)).as_py()
    if longest is None or longest <= limit:
        return array
    return pc.utf8_slice_codeunits(array, start=0, stop=limit)


def numeric_fill(datatype: str) -> float | int:
    """The value written for a null number: NaN for floating point, zero otherwise."""
    return math.nan if datatype in _FLOAT_TYPES else 0


def numeric_values(array: pa.Array, fill: float | int) -> np.ndarray:
    """A numeric or boolean array as numpy, nulls replaced by ``fill``."""
    if array.null_count:
        array = pc.fill_null(array, pa.scalar(fill, array.type))
    values: np.ndarray = array.to_numpy(zero_copy_only=False)
    return values


@dataclass(frozen=True, slots=True)
class ListParts:
    """A list column as its flat values and per-row lengths (null lists have length 0)."""

    values: np.ndarray
    lengths: np.ndarray


def list_parts(array: pa.Array, fill: float | int) -> ListParts:
    """Split a list array into values (nulls replaced by ``fill``) and lengths."""
    values = numeric_values(pc.list_flatten(array), fill)
    lengths = pc.list_value_length(array)
    if lengths.null_count:
        lengths = pc.fill_null(lengths, 0)
    return ListParts(values, lengths.to_numpy().astype(np.int64))


def _positions(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every flat value: its row and its position within the row."""
    rows = np.repeat(np.arange(len(lengths)), lengths)
    starts = np.cumsum(lengths) - lengths
    return rows, np.arange(int(lengths.sum())) - starts[rows]


def clip_lists(parts: ListParts, limit: int | None) -> ListParts:
    """``parts`` with lists longer than ``limit`` elements cut to ``limit``."""
    if limit is None or len(parts.lengths) == 0 or int(parts.lengths.max()) <= limit:
        return parts
    _, position = _positions(parts.lengths)
    return ListParts(parts.values[position < limit], np.minimum(parts.lengths, limit))


def fixed_matrix(parts: ListParts, count: int, fill: float | int) -> np.ndarray:
    """A ``(rows, count)`` matrix of the lists: short or null lists padded with ``fill``,
    long ones cut."""
    rows = len(parts.lengths)
    if bool((parts.lengths == count).all()):
        return parts.values.reshape(rows, count)
    matrix = np.full((rows, count), fill, dtype=parts.values.dtype)
    row, position = _positions(parts.lengths)
    keep = position < count
    matrix[row[keep], position[keep]] = parts.values[keep]
    return matrix
