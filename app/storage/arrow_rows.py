"""Database rows to Arrow record batches, column by column, typed by the result's fields.

The fast path hands the whole batch of row tuples to Arrow as one struct array (Arrow
transposes it in C++). When a value is not of the field's type (PostgreSQL's numeric sums
as ``Decimal``, dates as ``datetime``, geometry as text), the batch is built column by
column instead, and only the columns that need it convert value by value.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa

from app.result_table import arrow_schema, arrow_type
from vometa import Field

__all__ = ["RowConverter"]

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:inf|nan)", re.I)


def _numbers(value: Any) -> list[float] | None:
    """Geometry text (SQLite ``POINT 10 20``, pgSphere ``(10d , 20d)``) or a sequence
    as a list of numbers."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [float(v) for v in value]
    return [float(n) for n in _NUMBER.findall(str(value))]


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None).isoformat(timespec="milliseconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _slow_path(field: Field) -> Callable[[Any], Any]:
    if field.datatype in ("char", "unicodeChar"):
        return _text
    if field.is_array:
        return _numbers
    if field.datatype in ("float", "double"):
        return _float
    if field.datatype == "boolean":
        return _bool
    return _int


class RowConverter:
    """Builds Arrow batches for one result's fields."""

    def __init__(self, fields: Sequence[Field]) -> None:
        self.fields = tuple(fields)
        self.schema = arrow_schema(self.fields)
        self._types = [arrow_type(f) for f in self.fields]
        self._slow = [_slow_path(f) for f in self.fields]
        # Array columns always come as text or sequences: go straight to the parser.
        self._direct = [not f.is_array for f in self.fields]
        self._rows_type = (
            pa.struct([pa.field(f"c{i}", t) for i, t in enumerate(self._types)])
            if all(self._direct)
            else None
        )

    def batch(self, rows: Sequence[Sequence[Any]]) -> pa.RecordBatch:
        """One record batch of ``rows`` (tuples in field order)."""
        if not rows:
            return pa.record_batch([pa.array([], t) for t in self._types], schema=self.schema)
        if self._rows_type is not None:
            try:
                struct = pa.array(rows, self._rows_type)
            except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError):
                pass
            else:
                return pa.record_batch(struct.flatten(), schema=self.schema)
        columns = list(zip(*rows, strict=True))
        arrays = [self._column(values, i) for i, values in enumerate(columns)]
        return pa.record_batch(arrays, schema=self.schema)

    def _column(self, values: Sequence[Any], index: int) -> pa.Array:
        kind = self._types[index]
        if self._direct[index]:
            try:
                return pa.array(values, kind)
            except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError):
                pass
        convert = self._slow[index]
        return pa.array([convert(v) for v in values], kind)
