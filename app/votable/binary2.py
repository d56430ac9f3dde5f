"""BINARY2 rows from Arrow batches, vectorised, and their continuous base64 stream.

Each column becomes one or two *parts*: a fixed-width numpy array (numbers, null
flags, fixed strings and arrays, the 4-byte count of a variable-length value) or a
variable-width Arrow binary array (the bytes of a variable-length value). Consecutive
fixed parts are packed into one numpy record array (the byte swap to big endian happens
in that assignment); the packed and variable parts are then joined row by row with
Arrow's ``binary_join_element_wise``, whose output buffer is the chunk.

``char`` carries ASCII: other characters are written as ``?``. ``unicodeChar`` is
UCS-2 big endian: characters beyond U+FFFF are written as ``?``. Fixed-size strings
are padded with NUL bytes. Null cells have their flag set and hold NaN (floating
point), zero (integers), ``?`` (boolean), NULs (fixed strings and arrays: NaN for
floating point) or a zero count (variable-length values).
"""

from __future__ import annotations

import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from app.formats.columns import (
    EMPTY_TEXT,
    ArraySize,
    ascii_only,
    bmp_only,
    clip_lists,
    clip_strings,
    fixed_matrix,
    joined_bytes,
    list_parts,
    numeric_fill,
    numeric_values,
    parse_arraysize,
    string_bytes,
)
from vometa import Field

__all__ = ["Base64Stream", "Binary2Encoder"]

_NUMBER_DTYPES: dict[str, np.dtype] = {
    "unsignedByte": np.dtype("u1"),
    "short": np.dtype(">i2"),
    "int": np.dtype(">i4"),
    "long": np.dtype(">i8"),
    "float": np.dtype(">f4"),
    "double": np.dtype(">f8"),
}
_COUNT = np.dtype(">i4")
_NO_SEPARATOR = pa.scalar(b"", pa.binary())
_BOOLEAN_BYTES = np.array([ord("F"), ord("T"), ord("?")], dtype=np.uint8)


@dataclass(frozen=True, slots=True)
class _Fixed:
    """A part of the same width in every row: ``values`` has one item per row."""

    dtype: np.dtype
    values: np.ndarray


_Part: TypeAlias = _Fixed | pa.Array
_ColumnEncoder: TypeAlias = Callable[[pa.Array], list[_Part]]


class Binary2Encoder:
    """Encodes batches of a result with these fields as BINARY2 row bytes."""

    def __init__(self, fields: Sequence[Field]) -> None:
        self._encoders = [_column_encoder(field) for field in fields]
        self._flag_bytes = (len(fields) + 7) // 8

    def encode(self, columns: Sequence[pa.Array]) -> bytes | memoryview:
        """The rows of a batch whose columns are already conformed to their fields."""
        rows = len(columns[0]) if columns else 0
        if rows == 0:
            return b""
        parts: list[_Part] = [_Fixed(np.dtype(("u1", self._flag_bytes)), _flags(columns))]
        for encoder, column in zip(self._encoders, columns, strict=True):
            parts.extend(encoder(column))
        return _assemble(parts, rows)


def _flags(columns: Sequence[pa.Array]) -> np.ndarray:
    """The null-flag bytes: bit 7 of byte 0 for the first column, and so on."""
    flags = np.zeros((len(columns[0]), (len(columns) + 7) // 8), dtype=np.uint8)
    for index, column in enumerate(columns):
        if column.null_count:
            nulls = column.is_null().to_numpy(zero_copy_only=False)
            flags[:, index // 8] |= nulls.astype(np.uint8) << (7 - index % 8)
    return flags


def _assemble(parts: list[_Part], rows: int) -> bytes | memoryview:
    pieces: list[pa.Array] = []
    run: list[_Fixed] = []
    for part in [*parts, None]:
        if isinstance(part, _Fixed):
            run.append(part)
            continue
        if run:
            packed = _pack(run, rows)
            if part is None and not pieces:
                return memoryview(packed.view(np.uint8).data)
            width = packed.dtype.itemsize
            offsets = np.arange(0, (rows + 1) * width, width, dtype=np.int32)
            pieces.append(
                pa.Array.from_buffers(
                    pa.binary(),
                    rows,
                    [None, pa.py_buffer(offsets), pa.py_buffer(packed.view(np.uint8))],
                )
            )
            run = []
        if part is not None:
            pieces.append(part)
    joined = pc.binary_join_element_wise(
        *pieces, _NO_SEPARATOR, null_handling="replace", null_replacement=""
    )
    return joined_bytes(joined)


def _pack(run: list[_Fixed], rows: int) -> np.ndarray:
    """The fixed parts side by side: one packed record per row."""
    dtype = np.dtype([(f"p{i}", part.dtype) for i, part in enumerate(run)])
    records = np.empty(rows, dtype=dtype)
    for i, part in enumerate(run):
        records[f"p{i}"] = part.values
    return records


def _column_encoder(field: Field) -> _ColumnEncoder:
    size = parse_arraysize(field.arraysize)
    if field.datatype == "char":
        return lambda array: _strings(ascii_only(array), size, unicode=False)
    if field.datatype == "unicodeChar":
        return lambda array: _strings(bmp_only(array), size, unicode=True)
    if field.datatype == "boolean":
        return _booleans
    dtype = _NUMBER_DTYPES.get(field.datatype)
    if dtype is None:
        raise ValueError(f"unsupported VOTable datatype {field.datatype!r} of {field.name!r}")
    fill = numeric_fill(field.datatype)
    if not field.is_array:
        return lambda array: [_Fixed(dtype, numeric_values(array, fill))]
    return lambda array: _arrays(array, dtype, size, fill)


def _booleans(array: pa.Array) -> list[_Part]:
    codes = numeric_values(array, False).astype(np.uint8)
    if array.null_count:
        codes[array.is_null().to_numpy(zero_copy_only=False)] = 2
    return [_Fixed(np.dtype("u1"), _BOOLEAN_BYTES[codes])]


def _strings(array: pa.Array, size: ArraySize, *, unicode: bool) -> list[_Part]:
    rows = len(array)
    if size.fixed is not None:
        padded = pc.utf8_rpad(
            clip_strings(pc.fill_null(array, EMPTY_TEXT), size.fixed),
            width=size.fixed,
            padding="\0",
        )
        data = _ucs2(padded) if unicode else string_bytes(padded)
        width = size.fixed * (2 if unicode else 1)
        return [_Fixed(np.dtype(("u1", width)), data.reshape(rows, width))]
    array = clip_strings(array, size.limit)
    if not unicode:
        counts = numeric_values(pc.binary_length(array), 0)
        return [_Fixed(_COUNT, counts), array.cast(pa.binary())]
    array = pc.fill_null(array, EMPTY_TEXT) if array.null_count else array
    characters = pc.utf8_length(array).to_numpy()
    return [_Fixed(_COUNT, characters), _variable(_ucs2(array), characters * 2)]


def _ucs2(array: pa.Array) -> np.ndarray:
    """UCS-2 big endian of the concatenated values (every character is in the BMP)."""
    text = string_bytes(array).tobytes().decode("utf-8")
    return np.frombuffer(text.encode("utf-16-be"), dtype=np.uint8)


def _arrays(array: pa.Array, dtype: np.dtype, size: ArraySize, fill: float | int) -> list[_Part]:
    parts = list_parts(array, fill)
    if size.fixed is not None:
        matrix = fixed_matrix(parts, size.fixed, fill)
        return [_Fixed(np.dtype((dtype, size.fixed)), matrix)]
    parts = clip_lists(parts, size.limit)
    data = parts.values.astype(dtype).view(np.uint8)
    return [_Fixed(_COUNT, parts.lengths), _variable(data, parts.lengths * dtype.itemsize)]


def _variable(data: np.ndarray, lengths: np.ndarray) -> pa.Array:
    """A binary array of the consecutive values of ``data`` with these byte lengths."""
    offsets = np.zeros(len(lengths) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(data))]
    return pa.Array.from_buffers(pa.binary(), len(lengths), buffers)


class Base64Stream:
    """Base64 of a byte stream fed in pieces: continuous, one line per piece.

    Up to two bytes are carried to the next piece so that no padding appears before
    the end of the stream.
    """

    def __init__(self) -> None:
        self._carry = b""

    def feed(self, data: bytes | memoryview) -> bytes:
        """The base64 text of ``data`` (and the carry), as far as whole 3-byte groups go."""
        view = memoryview(data).cast("B")
        head = (3 - len(self._carry)) % 3
        if len(self._carry) + len(view) < 3:
            self._carry += bytes(view)
            return b""
        first = binascii.b2a_base64(self._carry + bytes(view[:head]), newline=False)
        rest = view[head:]
        whole = len(rest) - len(rest) % 3
        self._carry = bytes(rest[whole:])
        return first + binascii.b2a_base64(rest[:whole], newline=True)

    def finish(self) -> bytes:
        """The base64 of the carried bytes, padded: the end of the stream."""
        carry, self._carry = self._carry, b""
        return binascii.b2a_base64(carry, newline=True) if carry else b""
