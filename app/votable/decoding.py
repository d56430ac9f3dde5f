"""The columns of a VOTable a client sent, and how their values are decoded: from
TABLEDATA text and from BINARY / BINARY2 bytes (big-endian, VOTable 1.4 section 5).

Values come out as what a database column holds: ``int``, ``float``, ``str`` or ``None``.
Booleans become 1 / 0; numeric arrays (DALI points, circles, polygons...) become text of
space-separated numbers, which can be selected but not computed on. NaN, an empty cell, a
value equal to the FIELD's ``VALUES null`` and an array of NaNs are nulls. Types nobody
uploads to a TAP service (``bit``, complex numbers, boolean arrays) are refused by name.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeAlias, cast

import numpy as np

from vometa import Field, FieldType

__all__ = [
    "BinaryRows",
    "InColumn",
    "VOTableReadError",
    "make_column",
    "text_value",
]


class VOTableReadError(ValueError):
    """The document is not a VOTable this service reads, or breaks a limit."""


_SIZES = {
    "boolean": 1,
    "unsignedByte": 1,
    "short": 2,
    "int": 4,
    "long": 8,
    "float": 4,
    "double": 8,
    "char": 1,
    "unicodeChar": 2,
}
_NUMPY = {
    "unsignedByte": ">u1",
    "short": ">i2",
    "int": ">i4",
    "long": ">i8",
    "float": ">f4",
    "double": ">f8",
}
_INT_RANGE = {
    "unsignedByte": (0, 2**8 - 1),
    "short": (-(2**15), 2**15 - 1),
    "int": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
}
_UNSUPPORTED = {
    "bit": "bit",
    "floatComplex": "complex",
    "doubleComplex": "complex",
}

Value: TypeAlias = int | float | str | None


@dataclass(frozen=True, slots=True)
class InColumn(Field):
    """One FIELD of an uploaded table."""

    count: int | None = 1
    """Elements per value when fixed (1 for a scalar); None when variable (``*``)."""
    null: str | None = None
    """The FIELD's ``VALUES null`` text."""

    @property
    def kind(self) -> str:
        """``int``, ``float``, ``bool``, ``text`` (strings) or ``array`` (numbers)."""
        if self.datatype in ("char", "unicodeChar"):
            return "text"
        if self.arraysize is not None:
            return "array"
        if self.datatype in ("float", "double"):
            return "float"
        return "bool" if self.datatype == "boolean" else "int"

    @property
    def fixed_bytes(self) -> int | None:
        """Bytes of one value in BINARY, or None when variable (a 4-byte count first)."""
        return None if self.count is None else self.count * _SIZES[self.datatype]


def _count(name: str, arraysize: str | None, limit: int) -> int | None:
    """Elements of a fixed arraysize (``3``, ``2x3``), None for variable ones (``*``,
    ``10*``, ``2x*``); raises for nonsense, or a size no upload could hold."""
    if arraysize is None or arraysize.strip() in ("", "1"):
        return 1
    count = 1
    dims = arraysize.strip().split("x")
    variable = False
    for position, dim in enumerate(dims):
        if dim.endswith("*"):
            if position != len(dims) - 1:
                raise VOTableReadError(
                    f"column {name!r} has arraysize {arraysize!r}: only the last "
                    "dimension may be variable"
                )
            variable = True
            dim = dim[:-1]
            if not dim:
                continue
        if not dim.isdigit() or int(dim) < 1:
            raise VOTableReadError(f"column {name!r} has an invalid arraysize {arraysize!r}")
        count *= int(dim)
        if count > limit:
            raise VOTableReadError(
                f"column {name!r} has arraysize {arraysize!r}, more than an upload may hold"
            )
    return None if variable else count


def make_column(attributes: dict[str, str], *, position: int, max_bytes: int) -> InColumn:
    """The column a FIELD element's attributes describe (``position`` counts from 1).

    Raises
    ------
    VOTableReadError
        For a datatype the service cannot hold, or an invalid arraysize.
    """
    name = attributes.get("name") or attributes.get("ID") or f"col{position}"
    datatype = attributes.get("datatype", "")
    if datatype in _UNSUPPORTED:
        raise VOTableReadError(
            f"column {name!r} has datatype {datatype!r}: uploads cannot hold "
            f"{_UNSUPPORTED[datatype]} values"
        )
    if datatype not in _SIZES:
        raise VOTableReadError(
            f"column {name!r} has datatype {datatype!r}, which is not a VOTable datatype"
        )
    raw_size = attributes.get("arraysize")
    arraysize = None if raw_size is None or raw_size.strip() in ("", "1") else raw_size.strip()
    count = _count(name, arraysize, max_bytes)
    if datatype == "boolean" and arraysize is not None:
        raise VOTableReadError(f"column {name!r}: uploads cannot hold arrays of booleans")
    column_type = FieldType(
        datatype,
        arraysize,
        xtype=attributes.get("xtype"),
        unit=attributes.get("unit"),
        ucd=attributes.get("ucd"),
        utype=attributes.get("utype"),
    )
    return InColumn(name, column_type, count=count)


# --- TABLEDATA ------------------------------------------------------------------------


def _parse_int(column: InColumn, text: str) -> int:
    stripped = text.strip()
    digits = stripped.lstrip("+-")
    if digits[:2].lower() == "0x":
        value = int(digits[2:], 16) * (-1 if stripped.startswith("-") else 1)
    else:
        value = int(stripped)
    low, high = _INT_RANGE[column.datatype]
    if not low <= value <= high:
        raise ValueError(f"{text!r} is out of range for {column.datatype}")
    return value


def _parse_bool(text: str) -> int | None:
    word = text.strip().lower()
    if word in ("t", "true", "1"):
        return 1
    if word in ("f", "false", "0"):
        return 0
    if word in ("?", ""):
        return None
    raise ValueError(f"{text!r} is not a boolean")


def _float(value: float) -> float | None:
    return None if math.isnan(value) else value


def _numbers(values: Sequence[float]) -> str | None:
    """An array as text; empty or all NaN (BINARY's null array) is null."""
    if all(v != v for v in values):
        return None
    return " ".join(repr(float(v)) for v in values)


def text_value(column: InColumn, text: str) -> Value:
    """A TABLEDATA cell's value.

    Raises
    ------
    ValueError
        If the text is not a value of the column's type (the caller names row and column).
    """
    kind = column.kind
    if kind == "text":
        return text or None
    if not text.strip() or (column.null is not None and text.strip() == column.null):
        return None
    if kind == "int":
        return _parse_int(column, text)
    if kind == "float":
        return _float(float(text))
    if kind == "bool":
        return _parse_bool(text)
    return _numbers([float(v) for v in text.split()])


# --- BINARY and BINARY2 --------------------------------------------------------------


def _null_int(column: InColumn) -> int | None:
    if column.null is None or column.kind != "int":
        return None
    try:
        return _parse_int(column, column.null)
    except ValueError:
        return None


def _decode_text(column: InColumn, raw: bytes) -> str | None:
    if column.datatype == "unicodeChar":
        text = raw.decode("utf-16-be", "replace")
    else:
        text = raw.decode("utf-8", "replace")
    # A NUL ends a string (fixed-size strings are padded with NULs); PostgreSQL could
    # not store one anyway.
    text = text.split("\0", 1)[0]
    return text or None


_BOOLEAN = {ord("T"): 1, ord("t"): 1, ord("1"): 1, ord("F"): 0, ord("f"): 0, ord("0"): 0}


def _scalar_decoder(column: InColumn) -> Callable[[bytes], Value]:
    kind = column.kind
    if kind == "text":
        return lambda raw: _decode_text(column, raw)
    if kind == "bool":
        return lambda raw: _BOOLEAN.get(raw[0])
    fmt = _NUMPY[column.datatype]
    if kind == "array":
        return lambda raw: _numbers(np.frombuffer(raw, dtype=fmt).tolist())
    unpack = struct.Struct(
        {">u1": ">B", ">i2": ">h", ">i4": ">i", ">i8": ">q", ">f4": ">f", ">f8": ">d"}[fmt]
    )
    if kind == "float":
        return lambda raw: _float(unpack.unpack(raw)[0])
    null = _null_int(column)
    return lambda raw: None if (value := unpack.unpack(raw)[0]) == null else value


_COUNT = struct.Struct(">I")


class BinaryRows:
    """Decodes BINARY or BINARY2 rows from bytes as they arrive.

    When every column has a fixed size, whole runs of rows are decoded at once with
    NumPy; otherwise row by row.
    """

    def __init__(self, columns: Sequence[InColumn], *, binary2: bool) -> None:
        self._columns = list(columns)
        self._flags = (len(columns) + 7) // 8 if binary2 else 0
        self._decoders = [_scalar_decoder(c) for c in columns]
        self._sizes = [c.fixed_bytes for c in columns]
        self._buffer = bytearray()
        self._fixed: int | None = None
        if all(size is not None for size in self._sizes):
            self._fixed = self._flags + sum(s for s in self._sizes if s is not None)
        self.rows = 0
        """Rows decoded so far."""

    @property
    def pending_bytes(self) -> int:
        """Bytes received that do not yet make a whole row."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[tuple[Value, ...]]:
        """Take more bytes; returns the rows they complete."""
        self._buffer += data
        if self._fixed is not None:
            return self._fixed_rows(self._fixed)
        return self._variable_rows()

    def _fixed_rows(self, size: int) -> list[tuple[Value, ...]]:
        count = len(self._buffer) // size if size else 0
        if count == 0:
            return []
        block = bytes(self._buffer[: count * size])
        del self._buffer[: count * size]
        self.rows += count
        records = np.frombuffer(block, dtype=np.uint8).reshape(count, size)
        columns: list[list[Value]] = []
        offset = self._flags
        for column, decode, width in zip(self._columns, self._decoders, self._sizes, strict=True):
            assert width is not None
            columns.append(_column_values(column, decode, records[:, offset : offset + width]))
            offset += width
        if self._flags:
            nulls = np.unpackbits(records[:, : self._flags], axis=1)
            for index, values in enumerate(columns):
                for row in np.flatnonzero(nulls[:, index]).tolist():
                    values[row] = None
        return list(zip(*columns, strict=True))

    def _variable_rows(self) -> list[tuple[Value, ...]]:
        rows: list[tuple[Value, ...]] = []
        buffer, position = self._buffer, 0
        while True:
            row = self._one_row(buffer, position)
            if row is None:
                break
            values, position = row
            rows.append(values)
        del buffer[:position]
        self.rows += len(rows)
        return rows

    def _one_row(self, buffer: bytearray, start: int) -> tuple[tuple[Value, ...], int] | None:
        position = start + self._flags
        if position > len(buffer):
            return None
        flags = buffer[start:position]
        values: list[Value] = []
        for index, (column, decode, size) in enumerate(
            zip(self._columns, self._decoders, self._sizes, strict=True)
        ):
            if size is None:
                if position + 4 > len(buffer):
                    return None
                (count,) = _COUNT.unpack_from(buffer, position)
                position += 4
                size = count * _SIZES[column.datatype]
            if position + size > len(buffer):
                return None
            raw = bytes(buffer[position : position + size])
            position += size
            null = bool(flags) and bool(flags[index // 8] & (0x80 >> (index % 8)))
            values.append(None if null or (size == 0 and column.kind != "text") else decode(raw))
        return tuple(values), position


def _column_values(
    column: InColumn, decode: Callable[[bytes], Value], cells: np.ndarray
) -> list[Value]:
    """One fixed-size column of a block of rows (``cells``: rows x bytes)."""
    kind = column.kind
    if kind in ("int", "float"):
        values = cells.copy().view(_NUMPY[column.datatype]).ravel()
        if kind == "float":
            floats: list[float] = values.astype(np.float64).tolist()
            return [None if v != v else v for v in floats]  # NaN is null
        null = _null_int(column)
        ints: list[int] = values.astype(np.int64).tolist()
        return cast(list[Value], ints) if null is None else [None if v == null else v for v in ints]
    return [decode(cells[row].tobytes()) for row in range(cells.shape[0])]
