"""In-memory results for the writer tests: a ResultTable over Arrow batches, and a sample
with every datatype, DALI xtype and awkward value the writers must handle."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from app.result_table import arrow_schema
from vometa import Field

__all__ = ["SAMPLE_FIELDS", "SAMPLE_ROWS", "MemoryTable", "make_table"]


@dataclass
class MemoryTable:
    """A ResultTable over batches held in memory, recording how it is used.

    ``events`` logs ``batches`` (the call), ``batch`` (each batch handed out) and
    ``closed`` (the batch generator finished or was closed). ``fail_with`` is raised after
    the batches, as a query that fails mid-way would.
    """

    fields: list[Field]
    data: list[pa.RecordBatch]
    overflow: bool = False
    fail_with: BaseException | None = None
    events: list[str] = field(default_factory=list)

    def batches(self) -> Iterator[pa.RecordBatch]:
        self.events.append("batches")
        try:
            for batch in self.data:
                self.events.append("batch")
                yield batch
            if self.fail_with is not None:
                raise self.fail_with
        finally:
            self.events.append("closed")


def make_table(
    fields: Sequence[Field],
    rows: Sequence[dict[str, Any]],
    *,
    batch_rows: int | None = None,
    overflow: bool = False,
    fail_with: BaseException | None = None,
) -> MemoryTable:
    """A table of ``rows`` (dicts by field name) cut into batches of ``batch_rows``."""
    schema = arrow_schema(fields)
    size = batch_rows or max(len(rows), 1)
    batches = [
        pa.RecordBatch.from_pylist(list(rows[start : start + size]), schema=schema)
        for start in range(0, len(rows), size)
    ]
    return MemoryTable(list(fields), batches, overflow=overflow, fail_with=fail_with)


SAMPLE_FIELDS = [
    Field.make("id", "long", ucd="meta.id;meta.main", description="Row <number> & key"),
    Field.make("small", "short"),
    Field.make("medium", "int"),
    Field.make("ubyte", "unsignedByte"),
    Field.make("flag", "boolean"),
    Field.make("single", "float", unit="mag"),
    Field.make(
        "ra", "double", unit="deg", ucd="pos.eq.ra", utype="obscore:Char.SpatialAxis.Coverage"
    ),
    Field.make("name", "char", "*", description='Names with "quotes", <tags> & é'),
    Field.make("band", "char", "8"),
    Field.make("obs_title", "char", "16*"),
    Field.make("target", "unicodeChar", "*"),
    Field.make("code", "unicodeChar", "4"),
    Field.make("t_start", "char", "*", xtype="timestamp"),
    Field.make("pos", "double", "2", xtype="point", unit="deg", ucd="pos.eq"),
    Field.make("circle", "double", "3", xtype="circle", unit="deg"),
    Field.make("s_region", "double", "*", xtype="polygon", unit="deg", ucd="pos.outline"),
    Field.make("em_range", "float", "2", xtype="interval", unit="m"),
    Field.make("pixels", "int", "*"),
]
"""One field per case: every datatype, fixed/bounded/variable strings, DALI xtypes."""

SAMPLE_ROWS: list[dict[str, Any]] = [
    {
        "id": 1,
        "small": -(2**15),
        "medium": 2**31 - 1,
        "ubyte": 255,
        "flag": True,
        "single": 1.5,
        "ra": 0.1,
        "name": "a<b & c>d \"q\" 's' ]]>",
        "band": "r",
        "obs_title": "Visit image",
        "target": "Caf\u00e9 \u2603 \u03a9",
        "code": "\u00e9t\u00e9",
        "t_start": "2024-11-26T01:02:03.456",
        "pos": [53.1, -28.1],
        "circle": [53.1, -28.1, 0.5],
        "s_region": [53.0, -28.0, 53.2, -28.0, 53.2, -28.2, 53.0, -28.2],
        "em_range": [5.5e-07, 7.0e-07],
        "pixels": [1, -2, 3],
    },
    {
        "id": 2,
        "small": 2**15 - 1,
        "medium": -(2**31),
        "ubyte": 0,
        "flag": False,
        "single": math.nan,
        "ra": math.nan,
        "name": "",
        "band": "longer than eight",
        "obs_title": "x" * 40,
        "target": "",
        "code": "abcdef",
        "t_start": "2024-11-26",
        "pos": [0.0, 90.0],
        "circle": [359.9, -89.9, 180.0],
        "s_region": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        "em_range": [1e-9, 1e-3],
        "pixels": [],
    },
    {
        "id": 2**62,
        "small": None,
        "medium": None,
        "ubyte": None,
        "flag": None,
        "single": None,
        "ra": None,
        "name": None,
        "band": None,
        "obs_title": None,
        "target": None,
        "code": None,
        "t_start": None,
        "pos": None,
        "circle": None,
        "s_region": None,
        "em_range": None,
        "pixels": None,
    },
    {
        "id": -(2**63),
        "small": 0,
        "medium": 0,
        "ubyte": 7,
        "flag": True,
        "single": -math.inf,
        "ra": math.inf,
        "name": "line one\nline two\ttab, comma",
        "band": "g",
        "obs_title": "non-ASCII \u00e9",
        "target": "\u65e5\u672c",
        "code": "x",
        "t_start": "2024-11-26T23:59:59",
        "pos": [10.0, 20.0],
        "circle": [1.0, 2.0, 3.0],
        "s_region": [0.0, 0.0, 1.0, 0.0, 1.0, 1.0],
        "em_range": [1.0, 2.0],
        "pixels": [2**31 - 1],
    },
]
"""Edge values: type limits, NaN and infinities, XML specials, non-ASCII text, empty
strings and arrays, over-long strings for fixed and bounded arraysizes, a row of nulls."""
