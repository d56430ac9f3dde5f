"""FITS output, read back with astropy.io.fits."""

from __future__ import annotations

import io
import math
import warnings
from typing import Any

import numpy as np
import pytest
from astropy.io import fits
from astropy.table import Table

from app.faults import QueryTimeoutError
from app.formats.fits import write_fits
from tests.output.tables import SAMPLE_FIELDS, SAMPLE_ROWS, make_table
from vometa import Field


def open_fits(data: bytes) -> fits.HDUList:
    assert len(data) % 2880 == 0
    hdus = fits.open(io.BytesIO(data))
    hdus.verify("exception")
    return hdus


@pytest.mark.parametrize("spool_bytes", [0, 64 * 2**20])
def test_fits_round_trip(spool_bytes: int) -> None:
    table = make_table(SAMPLE_FIELDS, SAMPLE_ROWS, batch_rows=3)
    hdus = open_fits(b"".join(write_fits(table, spool_bytes=spool_bytes)))
    hdu = hdus[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # astropy warns that null logicals read as False
        data = hdu.data

    assert hdu.header["NAXIS2"] == len(SAMPLE_ROWS)
    assert list(data["id"]) == [1, 2, 2**62, -(2**63)]
    # These columns hold both extremes of their type: TNULL falls back to the smallest.
    assert list(data["small"]) == [-(2**15), 2**15 - 1, -(2**15), 0]
    assert hdu.header["TNULL2"] == -(2**15)
    assert list(data["medium"]) == [2**31 - 1, -(2**31), -(2**31), 0]
    assert list(data["ubyte"]) == [255, 0, 0, 7]
    assert data["single"][0] == 1.5
    assert math.isnan(data["single"][1])
    assert math.isnan(data["single"][2])
    assert data["ra"][3] == math.inf
    assert data["name"][0] == "a<b & c>d \"q\" 's' ]]>"
    assert data["name"][3] == "line one\nline two\ttab, comma"
    assert list(data["band"]) == ["r", "longer t", "", "g"]
    assert list(data["obs_title"]) == ["Visit image", "x" * 16, "", "non-ASCII ?"]
    assert list(data["target"]) == ["Caf? ? ?", "", "", "??"]
    assert data["pos"].tolist()[0] == [53.1, -28.1]
    assert np.isnan(data["pos"][2]).all()
    assert data["circle"].tolist()[1] == [359.9, -89.9, 180.0]
    assert list(data["s_region"][0]) == SAMPLE_ROWS[0]["s_region"]
    assert list(data["s_region"][1]) == SAMPLE_ROWS[1]["s_region"]
    assert len(data["s_region"][2]) == 0
    assert list(data["s_region"][3]) == SAMPLE_ROWS[3]["s_region"]
    assert list(data["pixels"][0]) == [1, -2, 3]
    assert list(data["pixels"][3]) == [2**31 - 1]


def test_fits_tnull_avoids_values_in_the_column() -> None:
    fields = [Field.make("a", "short"), Field.make("b", "short"), Field.make("c", "long")]
    rows: list[dict[str, Any]] = [
        {"a": 1, "b": -(2**15), "c": 5},
        {"a": None, "b": None, "c": None},
        {"a": 2**15 - 1, "b": 0, "c": -(2**63)},
    ]
    data = b"".join(write_fits(make_table(fields, rows)))
    header = open_fits(data)[1].header
    table = Table.read(io.BytesIO(data), format="fits")

    assert [header["TNULL1"], header["TNULL2"], header["TNULL3"]] == [
        -(2**15),
        2**15 - 1,
        2**63 - 1,
    ]
    for name in "abc":
        assert table[name].mask.tolist() == [False, True, False]
    assert table["b"].tolist()[0] == -(2**15)
    assert table["c"].tolist()[2] == -(2**63)


def test_fits_logical_nulls() -> None:
    fields = [Field.make("flag", "boolean")]
    rows: list[dict[str, Any]] = [{"flag": True}, {"flag": False}, {"flag": None}]
    data = b"".join(write_fits(make_table(fields, rows)))
    hdus = fits.open(io.BytesIO(data), logical_as_bytes=True)
    assert hdus[1].header["TFORM1"] == "L"
    assert list(hdus[1].data["flag"]) == [b"T", b"F", b""]  # NUL: undefined


def test_fits_header_metadata() -> None:
    table = make_table(SAMPLE_FIELDS, SAMPLE_ROWS, overflow=True)
    header = open_fits(b"".join(write_fits(table)))[1].header
    columns = {header[f"TTYPE{i}"]: i for i in range(1, header["TFIELDS"] + 1)}

    ra = columns["ra"]
    assert header[f"TUNIT{ra}"] == "deg"
    assert header[f"TUCD{ra}"] == "pos.eq.ra"
    assert header[f"TUTYP{ra}"] == "obscore:Char.SpatialAxis.Coverage"
    assert header[f"TCOMM{columns['id']}"] == "Row <number> & key"
    assert header[f"TFORM{columns['pos']}"] == "2D"
    assert header[f"TFORM{columns['em_range']}"] == "2E"
    assert header[f"TFORM{columns['s_region']}"] == "PD(8)"
    assert header[f"TFORM{columns['pixels']}"] == "PJ(3)"
    assert header[f"TFORM{columns['band']}"] == "8A"
    assert header[f"TFORM{columns['name']}"] == "28A"  # the longest value
    assert header["OVERFLOW"] is True


def test_fits_without_overflow_has_no_card() -> None:
    header = open_fits(b"".join(write_fits(make_table(SAMPLE_FIELDS, SAMPLE_ROWS))))[1].header
    assert "OVERFLOW" not in header


def test_fits_empty_result() -> None:
    hdus = open_fits(b"".join(write_fits(make_table(SAMPLE_FIELDS, []))))
    assert hdus[1].header["NAXIS2"] == 0
    assert len(hdus[1].columns) == len(SAMPLE_FIELDS)


def test_fits_heap_offsets_span_batches() -> None:
    fields = [Field.make("i", "int"), Field.make("poly", "double", "*", xtype="polygon")]
    rows: list[dict[str, Any]] = [{"i": i, "poly": [float(i)] * (i % 5)} for i in range(23)]
    hdus = open_fits(b"".join(write_fits(make_table(fields, rows, batch_rows=4))))

    assert [list(p) for p in hdus[1].data["poly"]] == [r["poly"] for r in rows]
    assert hdus[1].header["PCOUNT"] == sum(len(r["poly"]) for r in rows) * 8


def test_fits_errors_propagate_before_any_byte() -> None:
    table = make_table(SAMPLE_FIELDS, SAMPLE_ROWS, fail_with=QueryTimeoutError("timed out"))
    chunks = write_fits(table)
    with pytest.raises(QueryTimeoutError, match="timed out"):
        next(chunks)
    assert table.events[-1] == "closed"
