"""Parquet output, read back with pyarrow.parquet."""

from __future__ import annotations

import io
import math

import pyarrow.parquet as pq
import pytest

from app.faults import QueryTimeoutError
from app.formats.parquet import write_parquet
from app.result_table import arrow_schema
from tests.output.tables import SAMPLE_FIELDS, SAMPLE_ROWS, make_table


def test_parquet_round_trip() -> None:
    table = make_table(SAMPLE_FIELDS, SAMPLE_ROWS, batch_rows=2)
    result = pq.read_table(io.BytesIO(b"".join(write_parquet(table))))

    assert result.schema.remove_metadata() == arrow_schema(SAMPLE_FIELDS)
    rows = result.to_pylist()
    assert len(rows) == len(SAMPLE_ROWS)
    for got, expected in zip(rows, SAMPLE_ROWS, strict=True):
        for name, value in expected.items():
            if isinstance(value, float) and math.isnan(value):
                assert math.isnan(got[name])
            elif name == "em_range" and value is not None:
                assert got[name] == pytest.approx(value, rel=1e-6)
            else:
                assert got[name] == value, name


def test_parquet_keeps_null_and_nan_apart() -> None:
    table = make_table(SAMPLE_FIELDS, SAMPLE_ROWS)
    ra = pq.read_table(io.BytesIO(b"".join(write_parquet(table))))["ra"].to_pylist()
    assert math.isnan(ra[1])
    assert ra[2] is None


def test_parquet_field_metadata() -> None:
    table = make_table(SAMPLE_FIELDS, SAMPLE_ROWS)
    schema = pq.read_schema(io.BytesIO(b"".join(write_parquet(table))))

    ra = schema.field("ra").metadata
    assert ra[b"unit"] == b"deg"
    assert ra[b"ucd"] == b"pos.eq.ra"
    assert ra[b"utype"] == b"obscore:Char.SpatialAxis.Coverage"
    assert ra[b"datatype"] == b"double"
    region = schema.field("s_region").metadata
    assert region[b"xtype"] == b"polygon"
    assert region[b"arraysize"] == b"*"
    assert schema.field("id").metadata[b"description"] == b"Row <number> & key"
    assert b"unit" not in schema.field("id").metadata


@pytest.mark.parametrize("overflow", [False, True])
def test_parquet_overflow_metadata(overflow: bool) -> None:
    table = make_table(SAMPLE_FIELDS, SAMPLE_ROWS, overflow=overflow)
    metadata = pq.read_metadata(io.BytesIO(b"".join(write_parquet(table)))).metadata
    assert (metadata.get(b"QUERY_STATUS") == b"OVERFLOW") is overflow


def test_parquet_streams_one_row_group_per_batch() -> None:
    table = make_table(SAMPLE_FIELDS, SAMPLE_ROWS, batch_rows=1)
    chunks = write_parquet(table)

    assert next(chunks) == b"PAR1"
    assert table.events == []
    rest = list(chunks)
    assert len(rest) == len(SAMPLE_ROWS) + 1
    metadata = pq.read_metadata(io.BytesIO(b"PAR1" + b"".join(rest)))
    assert metadata.num_row_groups == len(SAMPLE_ROWS)


def test_parquet_empty_result() -> None:
    result = pq.read_table(io.BytesIO(b"".join(write_parquet(make_table(SAMPLE_FIELDS, [])))))
    assert result.num_rows == 0
    assert result.column_names == [f.name for f in SAMPLE_FIELDS]


def test_parquet_failures_are_marked_in_the_footer() -> None:
    table = make_table(
        SAMPLE_FIELDS, SAMPLE_ROWS, batch_rows=2, fail_with=QueryTimeoutError("timed out")
    )
    data = b"".join(write_parquet(table))
    assert table.events[-1] == "closed"
    parquet = pq.ParquetFile(io.BytesIO(data))
    metadata = parquet.metadata.metadata
    assert metadata[b"QUERY_STATUS"] == b"ERROR"
    assert metadata[b"QUERY_ERROR"] == b"timed out"
    assert parquet.read().num_rows == len(SAMPLE_ROWS)
