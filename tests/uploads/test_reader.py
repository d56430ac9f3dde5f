"""The bounded VOTable reader of uploads: values against astropy's own reading of the same
documents, in every serialisation it reads; everything it refuses (external streams,
encodings, entities, FITS); every limit, checked while reading."""

from __future__ import annotations

import io
import math
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from astropy.io.votable import parse_single_table
from astropy.io.votable.tree import Field, Resource, TableElement, VOTableFile

from app.votable.decoding import Value
from app.votable.reader import ReadLimits, VOTableReader, VOTableReadError

LIMITS = ReadLimits(max_bytes=10_000_000)
SERIALIZATIONS = ("tabledata", "binary", "binary2")


def _votable(fields: list[dict[str, Any]], rows: list[tuple[Any, ...]], fmt: str) -> bytes:
    """A document written by astropy (the independent writer) in ``fmt``."""
    votable = VOTableFile()
    resource = Resource()
    votable.resources.append(resource)
    table = TableElement(votable)
    resource.tables.append(table)
    for spec in fields:
        field = Field(votable, **spec)
        if spec["datatype"] in _NULLS:  # BINARY has no other way to write a null integer
            field.values.null = _NULLS[spec["datatype"]]
        table.fields.append(field)
    table.create_arrays(len(rows))
    for index, row in enumerate(rows):
        masked = [value is None for value in row]
        table.array[index] = tuple(_fill(f, v) for f, v in zip(fields, row, strict=True))
        table.array.mask[index] = tuple(masked)
    buffer = io.BytesIO()
    votable.to_xml(buffer, tabledata_format=fmt)
    return buffer.getvalue()


_NULLS = {"unsignedByte": 255, "short": 32767, "int": 2**31 - 2, "long": 2**63 - 1}


def _fill(field: dict[str, Any], value: Any) -> Any:
    if isinstance(value, list):
        return np.ma.array(value, mask=[False] * len(value))
    if value is not None:
        return value
    if field["datatype"] in ("char", "unicodeChar"):
        return ""
    if field.get("arraysize"):
        return np.zeros(2) if field["arraysize"] == "2" else np.ma.array([], mask=[])
    return 0


def _rows(data: bytes, *, pieces: int | None = None, limits: ReadLimits = LIMITS) -> list[Any]:
    chunks: Iterator[bytes]
    if pieces is None:
        chunks = iter((data,))
    else:
        chunks = (data[i : i + pieces] for i in range(0, len(data), pieces))
    reader = VOTableReader(chunks, limits)
    return [row for batch in reader.batches(7) for row in batch]


def _astropy_rows(data: bytes) -> list[tuple[Value, ...]]:
    """The same document as astropy reads it, in the reader's value conventions."""
    table = parse_single_table(io.BytesIO(data), verify="ignore")
    out = []
    for record in table.array:
        row: list[Value] = []
        for field in table.fields:
            value = record[field.ID or field.name]
            row.append(_convention(value))
        out.append(tuple(row))
    return out


def _convention(value: Any) -> Value:
    if value is np.ma.masked:
        return None
    if isinstance(value, np.ma.MaskedArray):
        if value.size and np.ma.getmaskarray(value).all():
            return None
        value = value.filled(np.nan)
    if isinstance(value, np.ndarray):
        return " ".join(repr(float(v)) for v in value.ravel()) if value.size else None
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, str):
        return value or None
    if isinstance(value, np.bool_ | bool):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if math.isnan(value) else float(value)
    return int(value)


FIELDS: list[dict[str, Any]] = [
    {"name": "id", "datatype": "long"},
    {"name": "small", "datatype": "short"},
    {"name": "byte", "datatype": "unsignedByte"},
    {"name": "n", "datatype": "int"},
    {"name": "flag", "datatype": "boolean"},
    {"name": "ra", "datatype": "double", "unit": "deg", "ucd": "pos.eq.ra"},
    {"name": "mag", "datatype": "float"},
    {"name": "name", "datatype": "char", "arraysize": "*"},
    {"name": "code", "datatype": "char", "arraysize": "4"},
    {"name": "label", "datatype": "unicodeChar", "arraysize": "*"},
    {"name": "pos", "datatype": "double", "arraysize": "2", "xtype": "point"},
    {"name": "poly", "datatype": "double", "arraysize": "*", "xtype": "polygon"},
]
ROWS: list[tuple[Any, ...]] = [
    (1, -3, 200, 2**31 - 1, True, 53.13, 21.5, "ecdfs", "ab", "Ångström", [53.1, -28.1],
     [10.0, 20.0, 11.0, 20.0, 11.0, 21.0]),
    (-(2**63), 7, 0, -(2**31), False, 359.999, float("nan"), "x" * 300, "abcd", "南", [0.0, 0.0],
     [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
    (3, None, None, None, None, None, None, None, None, None, None, None),
]  # fmt: skip


@pytest.mark.parametrize("fmt", SERIALIZATIONS)
def test_values_match_astropy(fmt: str) -> None:
    data = _votable(FIELDS, ROWS * 5, fmt)
    expected = _astropy_rows(data)
    assert _rows(data) == expected
    assert len(expected) == 15
    assert expected[0][9] == "Ångström"
    assert expected[0][4] == 1


@pytest.mark.parametrize("fmt", SERIALIZATIONS)
def test_any_chunking_reads_the_same(fmt: str) -> None:
    data = _votable(FIELDS, ROWS * 3, fmt)
    whole = _rows(data)
    for size in (1, 3, 64, 1000):
        assert _rows(data, pieces=size) == whole


@pytest.mark.parametrize("fmt", ["binary", "binary2"])
def test_fixed_width_tables_take_the_vectorised_path(fmt: str) -> None:
    fields = [f for f in FIELDS if f["datatype"] not in ("char", "unicodeChar")]
    fields = [f for f in fields if f.get("arraysize") != "*"]
    rows = [tuple(v for f, v in zip(FIELDS, row, strict=True) if f in fields) for row in ROWS]
    data = _votable(fields, rows * 4000, fmt)
    assert _rows(data) == _astropy_rows(data)


def test_columns_carry_field_metadata() -> None:
    reader = VOTableReader(iter((_votable(FIELDS, ROWS, "tabledata"),)), LIMITS)
    columns = reader.columns()
    assert [c.name for c in columns] == [f["name"] for f in FIELDS]
    ra = columns[5]
    assert (ra.unit, ra.ucd, ra.kind) == ("deg", "pos.eq.ra", "float")
    assert columns[10].xtype == "point"
    assert columns[10].kind == "array"


def _document(data: str, fields: str = '<FIELD name="a" datatype="int"/>') -> bytes:
    return (
        '<?xml version="1.0"?><VOTABLE version="1.4" '
        'xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE>'
        f"{fields}<DATA>{data}</DATA></TABLE></RESOURCE></VOTABLE>"
    ).encode()


def _refusal(data: bytes, limits: ReadLimits = LIMITS) -> str:
    with pytest.raises(VOTableReadError) as caught:
        _rows(data, limits=limits)
    return str(caught.value)


@pytest.mark.parametrize("serialization", ["BINARY", "BINARY2", "FITS"])
@pytest.mark.parametrize("encoding", ["", ' encoding="gzip"', ' encoding="base64"'])
@pytest.mark.parametrize("href", ["file:///etc/passwd", "http://127.0.0.1:9/x", "data.bin"])
def test_external_streams_are_refused(serialization: str, encoding: str, href: str) -> None:
    data = _document(f'<{serialization}><STREAM href="{href}"{encoding}/></{serialization}>')
    assert "STREAM elsewhere (href)" in _refusal(data)


def test_inline_streams_must_be_base64() -> None:
    data = _document('<BINARY2><STREAM encoding="gzip">H4sI</STREAM></BINARY2>')
    assert "encoding 'gzip'" in _refusal(data)
    data = _document("<BINARY><STREAM>AAAA</STREAM></BINARY>")
    assert "encoding 'none'" in _refusal(data)


def test_fits_serialisation_is_refused() -> None:
    data = _document('<FITS><STREAM encoding="base64">AAAA</STREAM></FITS>')
    assert "FITS serialisation" in _refusal(data)


def test_entities_are_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE VOTABLE [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><VOTABLE><RESOURCE><TABLE>'
        '<FIELD name="s" datatype="char" arraysize="*"/><DATA><TABLEDATA><TR><TD>&b;</TD>'
        "</TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>"
    )
    assert "declares the XML entity 'a'" in _refusal(bomb.encode())
    external = (
        '<?xml version="1.0"?><!DOCTYPE VOTABLE SYSTEM "file:///etc/passwd"><VOTABLE>'
        '<RESOURCE><TABLE><FIELD name="a" datatype="int"/></TABLE></RESOURCE></VOTABLE>'
    )
    assert _rows(external.encode()) == []  # the DTD is not fetched


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"<VOTABLE><oops", "not well-formed XML (line 1, column 10: unclosed token)"),
        (b"<html><body/></html>", "not a VOTable (its root element is 'html')"),
        (b'<VOTABLE><RESOURCE><INFO name="QUERY_STATUS" value="OK"/></RESOURCE></VOTABLE>',
         "holds no TABLE"),
        (_document("<TABLEDATA/>", fields=""), "no columns"),
        (_document("<TABLEDATA><TR><TD>1</TD><TD>2</TD></TR></TABLEDATA>"),
         "row 1 has 2 cells; the table has 1 columns"),
        (_document("<TABLEDATA><TR><TD>1</TD></TR><TR><TD>one</TD></TR></TABLEDATA>"),
         "row 2, column 'a': 'one' is not a int value"),
        (_document("<TABLEDATA><TR><TD>99999999999</TD></TR></TABLEDATA>"),
         "row 1, column 'a': '99999999999' is out of range for int"),
        (_document('<BINARY2><STREAM encoding="base64">AAAA!!!!</STREAM></BINARY2>'),
         "not valid base64"),
        (_document('<BINARY2><STREAM encoding="base64">AAAAAA==</STREAM></BINARY2>'),
         "end in the middle of a row"),
        (_document("", fields='<FIELD name="c" datatype="floatComplex"/>'),
         "uploads cannot hold complex values"),
        (_document("", fields='<FIELD name="c" datatype="bit"/>'),
         "uploads cannot hold bit values"),
        (_document("", fields='<FIELD name="c" datatype="integer"/>'),
         "not a VOTable datatype"),
        (_document("", fields='<FIELD name="c" datatype="int" arraysize="*x3"/>'),
         "only the last dimension may be variable"),
        (_document("", fields='<FIELD name="c" datatype="int" arraysize="99999999999"/>'),
         "more than an upload may hold"),
        (_document("<TABLEDATA/>").replace(b"</RESOURCE>", b"<TABLE/></RESOURCE>"),
         "more than one TABLE"),
    ],
)  # fmt: skip
def test_malformed_documents_say_what_is_wrong(document: bytes, message: str) -> None:
    assert message in _refusal(document)


def test_nulls_in_tabledata() -> None:
    fields = (
        '<FIELD name="a" datatype="int"><VALUES null="-999"/></FIELD>'
        '<FIELD name="b" datatype="double"/><FIELD name="c" datatype="boolean"/>'
        '<FIELD name="d" datatype="char" arraysize="*"/>'
    )
    data = _document(
        "<TABLEDATA><TR><TD>-999</TD><TD>NaN</TD><TD>?</TD><TD></TD></TR>"
        "<TR><TD>0x1F</TD><TD>-Inf</TD><TD>true</TD><TD> x </TD></TR></TABLEDATA>",
        fields=fields,
    )
    assert _rows(data) == [(None, None, None, None), (31, -math.inf, 1, " x ")]


def test_binary_nul_padding_ends_strings() -> None:
    fields = [{"name": "s", "datatype": "char", "arraysize": "8"}]
    data = _votable(fields, [("ab",), ("abcdefgh",)], "binary")
    assert _rows(data) == [("ab",), ("abcdefgh",)]


def _wide(columns: int) -> bytes:
    fields = "".join(f'<FIELD name="c{i}" datatype="double"/>' for i in range(columns))
    return _document("<TABLEDATA></TABLEDATA>", fields=fields)


def test_too_many_columns_is_refused_at_the_first_one_over() -> None:
    data = _wide(20_000)
    assert len(data) > 700_000
    started = time.perf_counter()
    message = _refusal(data, ReadLimits(max_bytes=10_000_000, max_columns=500))
    elapsed = time.perf_counter() - started
    assert "more than 500 columns" in message
    assert elapsed < 0.2, elapsed
    consumed: list[int] = []

    def pieces() -> Iterator[bytes]:
        for start in range(0, len(data), 4096):
            consumed.append(start)
            yield data[start : start + 4096]

    with pytest.raises(VOTableReadError):
        VOTableReader(pieces(), ReadLimits(max_bytes=10_000_000, max_columns=500)).columns()
    assert len(consumed) * 4096 < 100_000  # stopped near column 501, not at the end


def test_row_limit_stops_reading() -> None:
    rows = "".join(f"<TR><TD>{i}</TD></TR>" for i in range(1000))
    data = _document(f"<TABLEDATA>{rows}</TABLEDATA>")
    assert "more than 100 rows" in _refusal(data, ReadLimits(max_bytes=10**7, max_rows=100))
    assert len(_rows(data, limits=ReadLimits(max_bytes=10**7, max_rows=1000))) == 1000


def test_binary_row_limit() -> None:
    fields = [{"name": "x", "datatype": "unsignedByte"}]
    data = _votable(fields, [(1,)] * 5000, "binary2")
    assert "more than 4,999 rows" in _refusal(data, ReadLimits(max_bytes=10**7, max_rows=4999))


def test_byte_limit_counts_what_arrives() -> None:
    data = _document("<TABLEDATA>" + "<TR><TD>1</TD></TR>" * 10_000 + "</TABLEDATA>")
    message = _refusal(data, ReadLimits(max_bytes=100_000))
    assert "larger than the limit of 100,000 bytes" in message


def test_depth_limit() -> None:
    deep = b"<VOTABLE>" + b"<GROUP>" * 100 + b"</GROUP>" * 100 + b"</VOTABLE>"
    assert "nest deeper than 32 levels" in _refusal(deep)


def test_text_limit() -> None:
    fields = '<FIELD name="s" datatype="char" arraysize="*"/>'
    data = _document(f"<TABLEDATA><TR><TD>{'x' * 2000}</TD></TR></TABLEDATA>", fields=fields)
    message = _refusal(data, ReadLimits(max_bytes=10**6, max_text=1000))
    assert "longer than 1,000 characters" in message


def test_check_runs_between_pieces() -> None:
    data = _document("<TABLEDATA>" + "<TR><TD>1</TD></TR>" * 50_000 + "</TABLEDATA>")
    calls = 0

    class StopError(Exception):
        pass

    def check() -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise StopError

    reader = VOTableReader(iter((data,)), LIMITS, check=check)
    with pytest.raises(StopError):
        list(reader.batches(1000))
    assert calls == 3
