"""CSV and TSV output, read back with Python's csv module."""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import pytest

from app.faults import QueryTimeoutError
from app.formats.delimited import write_csv, write_tsv
from tests.output.tables import SAMPLE_FIELDS, SAMPLE_ROWS, make_table
from vometa import Field


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(), newline="")))


def test_csv_round_trip() -> None:
    data = b"".join(write_csv(make_table(SAMPLE_FIELDS, SAMPLE_ROWS, batch_rows=3)))
    header, *rows = read_csv(data)
    by_name = [dict(zip(header, row, strict=True)) for row in rows]

    assert header == [f.name for f in SAMPLE_FIELDS]
    assert len(rows) == len(SAMPLE_ROWS)
    first, second, nulls, last = by_name
    assert first["id"] == "1"
    assert first["flag"] == "true"
    assert float(first["ra"]) == 0.1
    assert first["name"] == "a<b & c>d \"q\" 's' ]]>"
    assert first["target"] == "Caf\u00e9 \u2603 \u03a9"
    assert first["pos"] == "53.1 -28.1"
    assert [float(x) for x in first["s_region"].split()] == SAMPLE_ROWS[0]["s_region"]
    assert first["em_range"] == "5.5e-7 7e-7"  # float32 values, shortest form
    assert first["pixels"] == "1 -2 3"
    assert second["single"] == "NaN"
    assert second["band"] == "longer t"
    assert second["pixels"] == ""
    assert last["name"] == "line one\nline two\ttab, comma"
    assert last["single"] == "-Inf"
    assert last["ra"] == "+Inf"
    assert float(last["ra"]) == math.inf
    assert last["id"] == str(-(2**63))
    assert all(value == "" for key, value in nulls.items() if key != "id")


def test_csv_quoting_follows_rfc_4180() -> None:
    fields = [Field.make("a,b", "char", "*"), Field.make("n", "int")]
    rows: list[dict[str, Any]] = [
        {"a,b": 'say "hi", ok', "n": 1},
        {"a,b": "", "n": None},
        {"a,b": None, "n": 2},
    ]
    data = b"".join(write_csv(make_table(fields, rows)))

    assert data == b'"a,b",n\r\n"say ""hi"", ok",1\r\n"",\r\n,2\r\n'


def test_tsv_round_trip_replaces_tabs_and_newlines() -> None:
    data = b"".join(write_tsv(make_table(SAMPLE_FIELDS, SAMPLE_ROWS, batch_rows=2)))
    lines = data.decode().split("\n")

    assert lines[-1] == ""
    rows = [line.split("\t") for line in lines[:-1]]
    assert rows[0] == [f.name for f in SAMPLE_FIELDS]
    assert all(len(row) == len(SAMPLE_FIELDS) for row in rows)
    assert rows[4][7] == "line one line two tab, comma"
    assert rows[1][7] == "a<b & c>d \"q\" 's' ]]>"
    assert rows[1][13] == "53.1 -28.1"
    assert rows[3][1:] == [""] * (len(SAMPLE_FIELDS) - 1)


@pytest.mark.parametrize("writer", [write_csv, write_tsv])
def test_empty_result_has_the_header(writer: object) -> None:
    assert callable(writer)
    data = b"".join(writer(make_table(SAMPLE_FIELDS[:2], [])))
    assert data.decode().strip() == ("id,small" if writer is write_csv else "id\tsmall")


@pytest.mark.parametrize("writer", [write_csv, write_tsv])
def test_errors_propagate(writer: object) -> None:
    assert callable(writer)
    table = make_table(SAMPLE_FIELDS, SAMPLE_ROWS, fail_with=QueryTimeoutError("timed out"))
    chunks = writer(table)
    next(chunks)
    next(chunks)
    with pytest.raises(QueryTimeoutError):
        next(chunks)
    assert table.events[-1] == "closed"
