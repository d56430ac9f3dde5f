"""The streaming VOTable writer: astropy round trips of both serialisations, the bytes of
BINARY2 cells, document structure (INFOs, OVERFLOW, errors) and streaming behaviour."""

from __future__ import annotations

import base64
import io
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Generator, Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from astropy.io.votable import parse, parse_single_table

from app.faults import QueryTimeoutError
from app.votable import error_document, write_votable
from app.votable.binary2 import Base64Stream
from tests.output.tables import SAMPLE_FIELDS, SAMPLE_ROWS, MemoryTable, make_table
from vometa import Field

SERIALIZATIONS = ("BINARY2", "TABLEDATA")
NS = {"v": "http://www.ivoa.net/xml/VOTable/v1.3"}


def document(table: MemoryTable, serialization: str = "BINARY2", **kwargs: Any) -> bytes:
    return b"".join(write_votable(table, serialization=serialization, **kwargs))  # type: ignore[arg-type]


def parsed_array(data: bytes) -> np.ma.MaskedArray:
    array: np.ma.MaskedArray = parse(io.BytesIO(data)).get_first_table().array
    return array


def resource_infos(data: bytes) -> list[tuple[str, str, str]]:
    """(name, value, text) of the INFO children of the results RESOURCE, in order."""
    resource = ET.fromstring(data).find("v:RESOURCE", NS)
    assert resource is not None
    assert resource.get("type") == "results"
    return [
        (info.get("name", ""), info.get("value", ""), info.text or "")
        for info in resource.findall("v:INFO", NS)
    ]


def stream_bytes(data: bytes) -> bytes:
    """The decoded BINARY2 stream of a document."""
    match = re.search(rb"<STREAM encoding=\"base64\">(.*?)</STREAM>", data, re.S)
    assert match is not None
    return base64.b64decode(match.group(1))


def column(array: np.ma.MaskedArray, name: str) -> list[Any]:
    """A column as Python values, masked cells as None (strings: astropy never masks them)."""
    values = array[name]
    mask = np.ma.getmaskarray(values)
    return [None if mask[i] else values.data[i] for i in range(len(values))]


@pytest.mark.parametrize("serialization", SERIALIZATIONS)
def test_scalar_values_round_trip(serialization: str) -> None:
    array = parsed_array(document(make_table(SAMPLE_FIELDS, SAMPLE_ROWS), serialization))

    assert column(array, "id") == [1, 2, 2**62, -(2**63)]
    assert column(array, "small") == [-(2**15), 2**15 - 1, None, 0]
    assert column(array, "medium") == [2**31 - 1, -(2**31), None, 0]
    assert column(array, "ubyte") == [255, 0, None, 7]
    assert column(array, "flag") == [True, False, None, True]
    assert array["single"].dtype == np.float32
    assert array["single"][0] == 1.5
    assert array["single"][3] == -math.inf
    assert array["ra"][0] == 0.1
    assert array["ra"][3] == math.inf
    assert all(math.isnan(array[name].data[i]) for name in ("single", "ra") for i in (1, 2))
    assert array["id"].dtype == np.int64
    assert array["small"].dtype == np.int16
    assert array["medium"].dtype == np.int32


@pytest.mark.parametrize("serialization", SERIALIZATIONS)
def test_strings_round_trip(serialization: str) -> None:
    array = parsed_array(document(make_table(SAMPLE_FIELDS, SAMPLE_ROWS), serialization))

    # astropy never masks strings: a null reads as "" (BINARY2 flags are checked below).
    assert list(array["name"]) == [
        "a<b & c>d \"q\" 's' ]]>",
        "",
        "",
        "line one\nline two\ttab, comma",
    ]
    assert list(array["band"]) == ["r", "longer t", "", "g"]  # cut to arraysize 8
    assert list(array["obs_title"])[1] == "x" * 16  # cut to arraysize 16*
    assert list(array["target"]) == ["Caf\u00e9 \u2603 \u03a9", "", "", "\u65e5\u672c"]
    assert list(array["code"]) == ["\u00e9t\u00e9", "abcd", "", "x"]
    assert list(array["t_start"]) == [
        "2024-11-26T01:02:03.456",
        "2024-11-26",
        "",
        "2024-11-26T23:59:59",
    ]


def test_non_ascii_char_policy() -> None:
    """TABLEDATA writes char values as UTF-8; BINARY2 (one byte per char) writes '?'."""
    table = make_table(SAMPLE_FIELDS, SAMPLE_ROWS)
    assert parsed_array(document(table, "TABLEDATA"))["obs_title"][3] == "non-ASCII \u00e9"
    table = make_table(SAMPLE_FIELDS, SAMPLE_ROWS)
    assert parsed_array(document(table, "BINARY2"))["obs_title"][3] == "non-ASCII ?"


def test_unicode_char_is_ucs2_and_non_bmp_becomes_question_mark() -> None:
    fields = [Field.make("u", "unicodeChar", "*"), Field.make("f", "unicodeChar", "3")]
    rows: list[dict[str, Any]] = [{"u": "\u00e9\U0001d11e!", "f": "\u2603"}]
    raw = stream_bytes(document(make_table(fields, rows)))

    # flags, count 3 (characters), UCS-2 BE "é?!", fixed: "☃" and two NUL characters
    assert raw == bytes([0]) + (3).to_bytes(4, "big") + "\u00e9?!".encode("utf-16-be") + (
        "\u2603\0\0".encode("utf-16-be")
    )
    assert parsed_array(document(make_table(fields, rows), "TABLEDATA"))["u"][0] == rows[0]["u"]


@pytest.mark.parametrize("serialization", SERIALIZATIONS)
def test_arrays_and_dali_xtypes_round_trip(serialization: str) -> None:
    array = parsed_array(document(make_table(SAMPLE_FIELDS, SAMPLE_ROWS), serialization))

    assert array["pos"].data[0].tolist() == [53.1, -28.1]
    assert np.ma.getmaskarray(array["pos"])[2].all()
    assert array["circle"].data[1].tolist() == [359.9, -89.9, 180.0]
    assert np.ma.getmaskarray(array["circle"])[2].all()
    assert list(array["s_region"][0]) == [53.0, -28.0, 53.2, -28.0, 53.2, -28.2, 53.0, -28.2]
    assert list(array["s_region"][3]) == [0.0, 0.0, 1.0, 0.0, 1.0, 1.0]
    assert len(array["s_region"][2]) == 0
    assert array["em_range"].dtype.base == np.float32
    assert array["em_range"].data[0].tolist() == np.array([5.5e-7, 7e-7], np.float32).tolist()
    assert list(array["pixels"][0]) == [1, -2, 3]
    assert list(array["pixels"][3]) == [2**31 - 1]
    assert len(array["pixels"][1]) == 0


@pytest.mark.parametrize("serialization", SERIALIZATIONS)
def test_metadata_round_trips(serialization: str) -> None:
    votable = parse(io.BytesIO(document(make_table(SAMPLE_FIELDS, SAMPLE_ROWS), serialization)))
    fields = {f.name: f for f in votable.get_first_table().fields}

    assert [f.name for f in votable.get_first_table().fields] == [f.name for f in SAMPLE_FIELDS]
    for expected in SAMPLE_FIELDS:
        got = fields[expected.name]
        assert got.datatype == expected.datatype
        assert (got.arraysize or None) == (expected.arraysize or None)
        assert got.xtype == expected.xtype
        assert (str(got.unit) if got.unit else None) == expected.unit
        assert got.ucd == expected.ucd
        assert got.utype == expected.utype
        assert got.description == expected.description


def test_char_without_arraysize_is_declared_variable() -> None:
    fields = [Field.make("s", "char")]
    votable = parse(io.BytesIO(document(make_table(fields, [{"s": "several characters"}]))))
    assert votable.get_first_table().fields[0].arraysize == "*"
    assert votable.get_first_table().array["s"][0] == "several characters"


def test_binary2_null_flags_and_cells() -> None:
    """Null flags per column (first column = most significant bit); NaN is a value, not
    a null; null cells hold NaN, zero, '?' or a zero count."""
    fields = [
        Field.make("d", "double"),
        Field.make("i", "int"),
        Field.make("b", "boolean"),
        Field.make("s", "char", "*"),
        Field.make("p", "double", "*"),
    ]
    rows: list[dict[str, Any]] = [
        {"d": math.nan, "i": 7, "b": True, "s": "", "p": []},
        {"d": None, "i": None, "b": None, "s": None, "p": None},
    ]
    raw = stream_bytes(document(make_table(fields, rows)))
    nan = np.array(np.nan, ">f8").tobytes()
    zero_count = bytes(4)

    first = bytes([0]) + nan + (7).to_bytes(4, "big") + b"T" + zero_count + zero_count
    second = bytes([0b11111000]) + nan + bytes(4) + b"?" + zero_count + zero_count
    assert raw == first + second


def test_tabledata_cells() -> None:
    """Empty TD for null, NaN spelled NaN, arrays space-separated, XML escaped."""
    fields = [
        Field.make("d", "double"),
        Field.make("s", "char", "*"),
        Field.make("p", "double", "2", xtype="point"),
    ]
    rows: list[dict[str, Any]] = [
        {"d": math.nan, "s": "<&>\r", "p": [1.5, -2.0]},
        {"d": None, "s": "\x01ctrl", "p": None},
        {"d": 1e300, "s": None, "p": [math.nan, math.inf]},
    ]
    data = document(make_table(fields, rows), "TABLEDATA").decode()
    trs = re.findall(r"<TR>.*?</TR>", data)

    assert trs == [
        "<TR><TD>NaN</TD><TD>&lt;&amp;&gt;&#13;</TD><TD>1.5 -2</TD></TR>",
        "<TR><TD></TD><TD>?ctrl</TD><TD></TD></TR>",
        "<TR><TD>1e+300</TD><TD></TD><TD>NaN +Inf</TD></TR>",
    ]


@pytest.mark.parametrize("serialization", SERIALIZATIONS)
def test_document_structure_and_infos(serialization: str) -> None:
    infos = [("QUERY", "SELECT *", 'SELECT * FROM t WHERE a < 1 & b > "2"'), ("x", "1", None)]
    data = document(make_table(SAMPLE_FIELDS, SAMPLE_ROWS), serialization, infos=infos)

    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<VOTABLE version="1.4"')
    root = ET.fromstring(data)
    assert root.tag == "{http://www.ivoa.net/xml/VOTable/v1.3}VOTABLE"
    assert root.get("version") == "1.4"
    assert resource_infos(data) == [
        ("QUERY_STATUS", "OK", ""),
        ("QUERY", "SELECT *", 'SELECT * FROM t WHERE a < 1 & b > "2"'),
        ("x", "1", ""),
    ]
    resource = root.find("v:RESOURCE", NS)
    assert resource is not None
    tags = [child.tag.split("}")[1] for child in resource]
    assert tags == ["INFO", "INFO", "INFO", "COOSYS", "TABLE"]  # positions are ICRS


@pytest.mark.parametrize("serialization", SERIALIZATIONS)
@pytest.mark.parametrize("overflow", [False, True])
def test_overflow_info_only_when_overflowed(serialization: str, overflow: bool) -> None:
    data = document(make_table(SAMPLE_FIELDS, SAMPLE_ROWS, overflow=overflow), serialization)

    statuses = [value for name, value, _ in resource_infos(data) if name == "QUERY_STATUS"]
    assert statuses == (["OK", "OVERFLOW"] if overflow else ["OK"])
    if overflow:
        assert data.rstrip().endswith(
            b'</TABLE>\n<INFO name="QUERY_STATUS" value="OVERFLOW"/>\n</RESOURCE>\n</VOTABLE>'
        )
    assert len(parsed_array(data)) == len(SAMPLE_ROWS)


@pytest.mark.parametrize("serialization", SERIALIZATIONS)
@pytest.mark.parametrize("batch_rows", [None, 1])
def test_empty_result_is_valid(serialization: str, batch_rows: int | None) -> None:
    data = document(make_table(SAMPLE_FIELDS, [], batch_rows=batch_rows), serialization)

    votable = parse(io.BytesIO(data))
    assert len(votable.get_first_table().array) == 0
    assert len(votable.get_first_table().fields) == len(SAMPLE_FIELDS)
    assert resource_infos(data) == [("QUERY_STATUS", "OK", "")]


@pytest.mark.parametrize("serialization", SERIALIZATIONS)
def test_batches_and_chunks_do_not_change_the_document(serialization: str) -> None:
    rows: list[dict[str, Any]] = [dict(SAMPLE_ROWS[i % len(SAMPLE_ROWS)], id=i) for i in range(50)]
    whole = document(make_table(SAMPLE_FIELDS, rows), serialization)

    for batch_rows, chunk_rows in ((7, 10_000), (50, 3), (1, 1)):
        table = make_table(SAMPLE_FIELDS, rows, batch_rows=batch_rows)
        pieces = document(table, serialization, chunk_rows=chunk_rows)
        assert stream_or_rows(pieces, serialization) == stream_or_rows(whole, serialization)
    assert list(parsed_array(whole)["id"]) == list(range(50))


def stream_or_rows(data: bytes, serialization: str) -> bytes:
    if serialization == "BINARY2":
        return stream_bytes(data)
    return data


@pytest.mark.parametrize("serialization", SERIALIZATIONS)
def test_stream_error_ends_a_well_formed_document(serialization: str) -> None:
    table = make_table(
        SAMPLE_FIELDS,
        SAMPLE_ROWS,
        batch_rows=2,
        fail_with=QueryTimeoutError("Query timed out <60 s>"),
    )
    data = document(table, serialization)

    assert resource_infos(data) == [
        ("QUERY_STATUS", "OK", ""),
        ("QUERY_STATUS", "ERROR", "Query timed out <60 s>"),
    ]
    assert list(parsed_array(data)["id"]) == [1, 2, 2**62, -(2**63)]
    assert table.events[-1] == "closed"


@pytest.mark.parametrize("serialization", SERIALIZATIONS)
def test_other_errors_propagate(serialization: str) -> None:
    """Only faults are written into the document; ResultStream turns every failure of
    a result's source into one (tests/output/test_result_stream.py)."""
    table = make_table(SAMPLE_FIELDS, SAMPLE_ROWS[:1], fail_with=RuntimeError("secret dsn"))
    with pytest.raises(RuntimeError):
        document(table, serialization)


def test_error_in_the_first_batch_still_gives_a_document() -> None:
    table = make_table(SAMPLE_FIELDS, [], fail_with=QueryTimeoutError("lost connection"))
    data = document(table, "BINARY2")
    assert resource_infos(data)[-1] == ("QUERY_STATUS", "ERROR", "lost connection")
    assert len(parsed_array(data)) == 0


def test_header_is_sent_before_batches_are_pulled() -> None:
    table = make_table(SAMPLE_FIELDS, SAMPLE_ROWS, batch_rows=2)
    chunks = write_votable(table)

    header = next(chunks)
    assert table.events == []
    assert header.endswith(b'<STREAM encoding="base64">\n')
    assert b'<FIELD name="s_region"' in header
    next(chunks)
    assert table.events == ["batches", "batch"]


def test_closing_the_writer_closes_the_batches() -> None:
    """A client that goes away closes the response generator: the row source is released."""
    table = make_table(SAMPLE_FIELDS, SAMPLE_ROWS, batch_rows=1)
    chunks = write_votable(table)
    assert isinstance(chunks, Generator)
    next(chunks)
    next(chunks)
    chunks.close()
    assert table.events == ["batches", "batch", "closed"]


def test_invalid_arguments_fail_before_anything_is_sent() -> None:
    table = make_table([Field.make("x", "bit")], [])
    with pytest.raises(ValueError, match="unsupported datatype 'bit'"):
        next(write_votable(table))
    with pytest.raises(ValueError, match="serialization"):
        next(write_votable(make_table(SAMPLE_FIELDS, []), serialization="FITS"))  # type: ignore[arg-type]
    assert table.events == []


def test_error_document() -> None:
    data = error_document('Bad query: unknown column "x" & <y>')

    root = ET.fromstring(data)
    resource = root.find("v:RESOURCE", NS)
    assert resource is not None
    assert [child.tag.split("}")[1] for child in resource] == ["INFO"]
    assert resource_infos(data) == [
        ("QUERY_STATUS", "ERROR", 'Bad query: unknown column "x" & <y>')
    ]
    votable = parse(io.BytesIO(data))
    assert votable.resources[0].type == "results"
    assert votable.resources[0].infos[0].value == "ERROR"


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 5, 100, 1001])
def test_base64_stream_is_continuous(size: int) -> None:
    rng = np.random.default_rng(size)
    data = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
    cuts = sorted(rng.integers(0, size + 1, 5).tolist())
    stream = Base64Stream()
    text = b"".join(stream.feed(data[a:b]) for a, b in zip([0, *cuts], [*cuts, size], strict=True))
    text += stream.finish()

    assert base64.b64decode(text) == data
    assert b"=" not in text.rstrip(b"\n=")


def test_writer_yields_bytes() -> None:
    chunks = list(write_votable(make_table(SAMPLE_FIELDS, SAMPLE_ROWS, batch_rows=1)))
    assert all(type(chunk) is bytes for chunk in chunks)


def test_batches_with_other_arrow_types_are_cast() -> None:
    fields = [Field.make("i", "int"), Field.make("s", "char", "*")]

    class LooseTable:
        overflow = False

        @property
        def fields(self) -> list[Field]:
            return fields

        def batches(self) -> Iterator[pa.RecordBatch]:
            yield pa.record_batch(
                [pa.array([1, 2], pa.int64()), pa.array(["a", "b"], pa.large_string())],
                names=["i", "s"],
            )

    array = parsed_array(b"".join(write_votable(LooseTable())))
    assert list(array["i"]) == [1, 2]
    assert array["i"].dtype == np.int32


def test_positions_and_times_refer_to_their_systems() -> None:
    fields = [
        Field.make("s_ra", "double", unit="deg", ucd="pos.eq.ra;meta.main"),
        Field.make("s_region", "char", "*", ucd="pos.outline;obs.field"),
        Field.make("t_min", "double", unit="d", ucd="time.start;obs.exposure"),
        Field.make("t_exptime", "double", unit="s", ucd="time.duration;obs.exposure"),
        Field.make("obs_id", "char", "*", ucd="meta.id"),
    ]
    data = document(
        make_table(
            fields,
            [{"s_ra": 1.0, "s_region": "x", "t_min": 60000.5, "t_exptime": 30.0, "obs_id": "a"}],
        ),
        "TABLEDATA",
    )
    root = ET.fromstring(data)
    resource = root.find("v:RESOURCE", NS)
    assert resource is not None
    coosys = resource.find("v:COOSYS", NS)
    timesys = resource.find("v:TIMESYS", NS)
    assert coosys is not None
    assert coosys.get("system") == "ICRS"
    assert timesys is not None
    assert timesys.get("timeorigin") == "MJD-origin"
    assert timesys.get("timescale") == "UTC"
    refs = {f.get("name"): f.get("ref") for f in resource.iter("{{{}}}FIELD".format(NS["v"]))}
    assert refs == {
        "s_ra": coosys.get("ID"),
        "s_region": coosys.get("ID"),
        "t_min": timesys.get("ID"),
        "t_exptime": None,
        "obs_id": None,
    }
    # astropy reads the references back.
    table = parse_single_table(io.BytesIO(data))
    assert table.get_field_by_id_or_name("t_min").ref == timesys.get("ID")


def test_no_systems_without_positions_or_times() -> None:
    fields = [Field.make("n", "int"), Field.make("t_exptime", "double", unit="s")]
    data = document(make_table(fields, [{"n": 1, "t_exptime": 2.0}]), "TABLEDATA")
    assert b"COOSYS" not in data
    assert b"TIMESYS" not in data
