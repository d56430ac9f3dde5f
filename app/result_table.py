"""A query result as the output writers see it: field metadata (:class:`vometa.Field`)
and a stream of Arrow batches.

The writers (``app/formats``, ``app/votable``) never touch the database; the query runner
(``app/storage``) never knows the output format. This module is the contract between
them, beside both.

Arrow types by VOTable field (see :func:`arrow_type`):

- ``char`` / ``unicodeChar`` (any arraysize): ``pa.string()``
- scalar ``boolean``: ``pa.bool_()``; ``short``/``int``/``long``: ``pa.int16/32/64()``
  (nullable); ``float``/``double``: ``pa.float32/64()``
- numeric with an arraysize (``2``, ``3``, ``*``, DALI point/circle/polygon/interval):
  ``pa.list_(pa.float64())`` or ``pa.list_(pa.int64())``
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

import pyarrow as pa

from vometa import Field

__all__ = ["ResultTable", "arrow_schema", "arrow_type"]


_SCALARS: dict[str, pa.DataType] = {
    "boolean": pa.bool_(),
    "unsignedByte": pa.int16(),
    "short": pa.int16(),
    "int": pa.int32(),
    "long": pa.int64(),
    "float": pa.float32(),
    "double": pa.float64(),
}


def arrow_type(field: Field) -> pa.DataType:
    """The Arrow type of the field's values in a result batch."""
    if field.datatype in ("char", "unicodeChar"):
        return pa.string()
    scalar = _SCALARS.get(field.datatype, pa.float64())
    if field.is_array:
        integer = pa.types.is_integer(scalar)
        return pa.list_(pa.int64() if integer else pa.float64())
    return scalar


def arrow_schema(fields: Sequence[Field]) -> pa.Schema:
    """The schema of every batch of a result with these fields."""
    return pa.schema([pa.field(f.name, arrow_type(f)) for f in fields])


class ResultTable(Protocol):
    """A result being streamed: its fields, then its batches, then whether it overflowed.

    ``batches()`` may be iterated once. It can fail mid-way: with a
    :class:`app.faults.ServiceError` whose message is for the user (the time limit, a
    cancelled job), or with anything else (a server fault, reported without details).
    Writers of formats that can say so end their document with the fault's message
    (VOTable: a trailing ``INFO name="QUERY_STATUS" value="ERROR"``; Parquet: file
    metadata) and let nothing else through; the others let it propagate, and
    ``app/services/result_stream.py`` cuts the response. ``overflow`` is meaningful only
    after ``batches()`` is exhausted: True when the result was cut at MAXREC.
    """

    @property
    def fields(self) -> Sequence[Field]: ...

    def batches(self) -> Iterator[pa.RecordBatch]: ...

    @property
    def overflow(self) -> bool: ...
