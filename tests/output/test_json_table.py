"""JSON output, read back with Python's json module and compared with the rows put in."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from app.faults import QueryTimeoutError
from app.formats.json_table import write_json
from tests.output.tables import SAMPLE_FIELDS, SAMPLE_ROWS, make_table
from vometa import Field

INFOS = [("QUERY", "SELECT 1", None), ("MAXREC", "10", None)]


def _strict(constant: str) -> None:
    raise AssertionError(f"{constant} is not JSON (browsers' JSON.parse refuses it)")


def _read(table: Any) -> dict[str, Any]:
    document = b"".join(write_json(table, INFOS))
    return json.loads(document, parse_constant=_strict)  # type: ignore[no-any-return]


def _expected(value: Any, field: Field) -> Any:
    """What a cell must read back as, from the row put in: nulls for NaN and infinities,
    strings cut to their arraysize, float32 values rounded to float32."""
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if field.datatype == "float":
        return np.asarray(value, dtype=np.float32).tolist()
    if field.datatype in ("char", "unicodeChar") and field.arraysize not in (None, "*"):
        return value[: int(field.arraysize.rstrip("*"))]
    return value


def test_json_round_trip_keeps_every_value() -> None:
    document = _read(make_table(SAMPLE_FIELDS, SAMPLE_ROWS, batch_rows=3))

    assert document["info"] == {"QUERY": "SELECT 1", "MAXREC": "10"}
    assert [m["name"] for m in document["metadata"]] == [f.name for f in SAMPLE_FIELDS]
    ra = next(m for m in document["metadata"] if m["name"] == "ra")
    assert ra == {
        "name": "ra",
        "datatype": "double",
        "arraysize": None,
        "xtype": None,
        "unit": "deg",
        "ucd": "pos.eq.ra",
        "utype": "obscore:Char.SpatialAxis.Coverage",
        "description": None,
    }
    assert document["query_status"] == "OK"
    assert len(document["data"]) == len(SAMPLE_ROWS)
    for row, cells in zip(SAMPLE_ROWS, document["data"], strict=True):
        for field, cell in zip(SAMPLE_FIELDS, cells, strict=True):
            expected = _expected(row[field.name], field)
            if field.datatype == "float" and expected is not None:
                # float32 values are written in float32's shortest form.
                assert np.allclose(np.float32(cell), expected), field.name
            else:
                assert cell == expected, (field.name, cell, expected)


def test_strings_with_control_characters_and_escapes() -> None:
    fields = [Field.make("text", "char", "*")]
    texts = ['quote " backslash \\ slash /', "bell \x07 nul \x00 esc \x1b", "tab\tcr\rlf\n", ""]
    document = _read(make_table(fields, [{"text": t} for t in texts]))
    assert [row[0] for row in document["data"]] == texts


def test_overflow_and_failures_close_the_document() -> None:
    rows = SAMPLE_ROWS[:2]
    assert _read(make_table(SAMPLE_FIELDS, rows, overflow=True))["query_status"] == "OVERFLOW"

    failed = make_table(SAMPLE_FIELDS, rows, fail_with=QueryTimeoutError("too slow"))
    document = _read(failed)
    assert document["query_status"] == "ERROR"
    assert document["error"] == "too slow"
    assert len(document["data"]) == 2  # the rows sent before the failure stay readable
    assert failed.events[-1] == "closed"


def test_empty_result_is_a_valid_document() -> None:
    document = _read(make_table(SAMPLE_FIELDS[:2], []))
    assert document["data"] == []
    assert document["query_status"] == "OK"
