"""TAP sync (TAP 1.1 section 2, DALI 1.1): parameters, results, errors, uploads, limits.

In-process over HTTP, on SQLite and on PostgreSQL + pgSphere; every VOTable parsed by astropy.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from typing import Any

import httpx
import numpy as np
import pyarrow.parquet as pq
import pytest
from astropy.io.votable import parse_single_table
from astropy.io.votable.tree import VOTableFile
from astropy.table import Table

VOT = "{http://www.ivoa.net/xml/VOTable/v1.3}"
CONE = (
    "SELECT obs_publisher_did, s_ra, s_dec, t_min, calib_level, s_region, access_url "
    "FROM ivoa.ObsCore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), "
    "CIRCLE('ICRS', 53.13, -28.1, 0.05)) = 1"
)


async def _sync(client: httpx.AsyncClient, **params: Any) -> httpx.Response:
    return await client.post("/api/tap/sync", data=params)


def _infos(content: bytes) -> list[tuple[str, str, str]]:
    root = ET.fromstring(content)
    resource = root.find(f"{VOT}RESOURCE")
    assert resource is not None
    assert resource.get("type") == "results"
    return [
        (i.get("name", ""), i.get("value", ""), (i.text or "").strip())
        for i in resource.iter(f"{VOT}INFO")
    ]


def _status(content: bytes) -> list[str]:
    return [value for name, value, _ in _infos(content) if name == "QUERY_STATUS"]


def _error(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/x-votable+xml")
    infos = _infos(response.content)
    assert [(n, v) for n, v, _ in infos] == [("QUERY_STATUS", "ERROR")], infos
    return infos[0][2]


def _table(response: httpx.Response) -> Table:
    assert response.status_code == 200, response.text
    return parse_single_table(io.BytesIO(response.content)).to_table()


async def test_cone_query_returns_typed_fields(tap_client: httpx.AsyncClient) -> None:
    response = await _sync(tap_client, LANG="ADQL", QUERY=CONE)
    assert response.headers["content-type"] == "application/x-votable+xml"
    table = _table(response)
    assert len(table) > 10
    assert table.colnames == [
        "obs_publisher_did",
        "s_ra",
        "s_dec",
        "t_min",
        "calib_level",
        "s_region",
        "access_url",
    ]
    assert _status(response.content) == ["OK"]
    votable = parse_single_table(io.BytesIO(response.content))
    fields = {f.name: f for f in votable.fields}
    assert fields["s_ra"].datatype == "double"
    assert str(fields["s_ra"].unit) == "deg"
    assert fields["s_ra"].ucd == "pos.eq.ra"
    assert (
        fields["s_ra"].utype
        == "obscore:Char.SpatialAxis.Coverage.Location.Coord.Position2D.Value2.C1"
    )
    assert fields["calib_level"].datatype in ("short", "int")
    assert fields["s_region"].xtype == "adql:REGION"
    assert all(
        u.startswith("https://archive.example.org/api/datalink/") for u in table["access_url"]
    )


async def test_binning_by_an_expression_with_a_constant(tap_client: httpx.AsyncClient) -> None:
    # The commonest TAP aggregate: on PostgreSQL it needs the GROUP BY expression and the
    # select list's to share their constant's parameter.
    binned = _table(
        await _sync(
            tap_client,
            LANG="ADQL",
            QUERY="SELECT ROUND(s_ra, 0) AS ra_bin, COUNT(*) AS n FROM ivoa.ObsCore "
            "WHERE calib_level = 2 GROUP BY ROUND(s_ra, 0)",
        )
    )
    everything = _table(
        await _sync(
            tap_client, LANG="ADQL", QUERY="SELECT s_ra FROM ivoa.ObsCore WHERE calib_level = 2"
        )
    )
    expected: dict[float, int] = {}
    for ra in everything["s_ra"]:
        expected[float(np.floor(ra + 0.5))] = expected.get(float(np.floor(ra + 0.5)), 0) + 1
    got = {float(b): int(n) for b, n in zip(binned["ra_bin"], binned["n"], strict=True)}
    assert got == expected


async def test_parameter_names_are_case_insensitive_and_get_works(
    tap_client: httpx.AsyncClient,
) -> None:
    query = "SELECT TOP 3 obs_id FROM ivoa.ObsCore"
    response = await tap_client.get(
        "/api/tap/sync", params={"lang": "ADQL", "Query": query, "maxREC": "2"}
    )
    assert len(_table(response)) == 2
    assert _status(response.content) == ["OK", "OVERFLOW"]


async def test_overflow_only_when_truncated(tap_client: httpx.AsyncClient) -> None:
    query = "SELECT TOP 5 obs_id FROM ivoa.ObsCore ORDER BY obs_id"
    exact = await _sync(tap_client, LANG="ADQL", QUERY=query, MAXREC="5")
    assert len(_table(exact)) == 5
    assert _status(exact.content) == ["OK"]
    cut = await _sync(tap_client, LANG="ADQL", QUERY=query, MAXREC="4")
    assert len(_table(cut)) == 4
    assert _status(cut.content) == ["OK", "OVERFLOW"]
    # The OVERFLOW INFO follows the table.
    assert cut.content.index(b"OVERFLOW") > cut.content.index(b"</TABLE>")


async def test_maxrec_zero_returns_metadata_and_overflow(tap_client: httpx.AsyncClient) -> None:
    response = await _sync(tap_client, LANG="ADQL", QUERY=CONE, MAXREC="0")
    table = _table(response)
    assert len(table) == 0
    assert "s_region" in table.colnames
    assert _status(response.content) == ["OK", "OVERFLOW"]


async def test_empty_result_is_a_table_without_rows(tap_client: httpx.AsyncClient) -> None:
    query = "SELECT obs_id FROM ivoa.ObsCore WHERE obs_id = 'nothing'"
    response = await _sync(tap_client, LANG="ADQL-2.1", QUERY=query)
    assert len(_table(response)) == 0
    assert _status(response.content) == ["OK"]


@pytest.mark.parametrize("lang", ["ADQL", "ADQL-2.0", "ADQL-2.1", "adql"])
async def test_languages(tap_client: httpx.AsyncClient, lang: str) -> None:
    response = await _sync(tap_client, LANG=lang, QUERY="SELECT TOP 1 obs_id FROM ivoa.ObsCore")
    assert len(_table(response)) == 1


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"QUERY": "SELECT 1 FROM ivoa.ObsCore"}, "LANG is missing"),
        ({"LANG": "SQL", "QUERY": "SELECT 1"}, "Unknown query language LANG='SQL'"),
        ({"LANG": "ADQL"}, "QUERY is missing"),
        ({"LANG": "ADQL", "QUERY": "SELECT obs_id FROM ivoa.ObsCore", "MAXREC": "ten"}, "MAXREC"),
        ({"LANG": "ADQL", "QUERY": "SELECT obs_id FROM ivoa.ObsCore", "MAXREC": "-1"}, "negative"),
        (
            {"LANG": "ADQL", "QUERY": "SELECT obs_id FROM ivoa.ObsCore", "RESPONSEFORMAT": "xls"},
            "xls",
        ),
        (
            {
                "LANG": "ADQL",
                "QUERY": "SELECT obs_id FROM ivoa.ObsCore",
                "REQUEST": "getCapabilities",
            },
            "REQUEST",
        ),
        ({"LANG": "ADQL", "QUERY": "SELECT obs_idd FROM ivoa.ObsCore"}, "obs_id"),
        ({"LANG": "ADQL", "QUERY": "SELEKT obs_id FROM ivoa.ObsCore"}, "line 1"),
        (
            {
                "LANG": "ADQL",
                "QUERY": "SELECT obs_id FROM ivoa.ObsCore WHERE "
                "CONTAINS(POINT(1, 2), REGION('CIRCLE GALACTIC 1 2 3')) = 1",
            },
            "frame GALACTIC is not supported",
        ),
        (
            {
                "LANG": "ADQL",
                "QUERY": "SELECT 1 FROM ivoa.ObsCore",
                "UPLOAD": "t,http://10.0.0.1/x",
            },
            "an address that is not public",
        ),
        (
            {"LANG": "ADQL", "QUERY": "SELECT 1 FROM ivoa.ObsCore", "UPLOAD": "t,param:nothing"},
            "'nothing'",
        ),
        ({"LANG": "ADQL", "QUERY": "SELECT 1 FROM ivoa.ObsCore", "UPLOAD": "1t,param:x"}, "letter"),
    ],
)
async def test_bad_requests_get_error_documents(
    tap_client: httpx.AsyncClient, params: dict[str, str], fragment: str
) -> None:
    response = await _sync(tap_client, **params)
    assert response.status_code == 400
    assert fragment in _error(response)


async def test_repeated_single_valued_parameter_is_an_error(
    tap_client: httpx.AsyncClient,
) -> None:
    response = await tap_client.get(
        "/api/tap/sync",
        params=[
            ("LANG", "ADQL"),
            ("QUERY", "SELECT 1 FROM ivoa.ObsCore"),
            ("MAXREC", "1"),
            ("maxrec", "2"),
        ],
    )
    assert response.status_code == 400
    assert "MAXREC must be given once" in _error(response)
    both = await _sync(
        tap_client,
        LANG="ADQL",
        QUERY="SELECT 1 FROM ivoa.ObsCore",
        FORMAT="csv",
        RESPONSEFORMAT="tsv",
    )
    assert both.status_code == 400
    assert "RESPONSEFORMAT and FORMAT" in _error(both)


async def test_adql_error_message_keeps_the_caret(tap_client: httpx.AsyncClient) -> None:
    response = await _sync(tap_client, LANG="ADQL", QUERY="SELECT obs_id FROM ivoa.ObsCor")
    message = _error(response)
    assert "ivoa.ObsCor" in message
    assert "^" in message


async def test_database_errors_are_usage_errors(
    tap_client: httpx.AsyncClient, demo_url: str
) -> None:
    # A sum of integers beyond 64 bits (typed long): refused by both databases.
    query = "SELECT SUM(lsst_visit * 1000000) FROM ivoa.ObsCore"
    response = await _sync(tap_client, LANG="ADQL", QUERY=query)
    assert response.status_code == 400
    assert re.search("integer overflow|bigint out of range", _error(response))
    # A division by zero: SQLite answers NULL (so no row matches), PostgreSQL refuses.
    query = "SELECT obs_id FROM ivoa.ObsCore WHERE 1 / (calib_level - calib_level) = 1"
    response = await _sync(tap_client, LANG="ADQL", QUERY=query)
    if demo_url.startswith("sqlite"):
        assert response.status_code == 200
        assert len(_table(response)) == 0
    else:
        assert response.status_code == 400
        assert "division by zero" in _error(response)
    # A CAST that overflows (visits are 13-digit numbers) fails on both, before any row
    # is sent (SQLite's own CAST would wrap the value without a word); one that fits runs.
    query = "SELECT TOP 5 CAST(lsst_visit AS INTEGER) FROM ivoa.ObsCore WHERE lsst_visit > 0"
    response = await _sync(tap_client, LANG="ADQL", QUERY=query)
    assert response.status_code == 400
    assert "out of range" in _error(response)
    query = "SELECT TOP 5 CAST(calib_level AS SMALLINT) AS c FROM ivoa.ObsCore"
    response = await _sync(tap_client, LANG="ADQL", QUERY=query)
    assert response.status_code == 200
    assert len(_table(response)) == 5
    # A circle beyond a hemisphere: SQLite computes its area, pgSphere refuses the circle
    # (an "internal error" that is the query's fault).
    query = "SELECT TOP 1 AREA(CIRCLE(0, 0, 100)) FROM ivoa.ObsCore"
    response = await _sync(tap_client, LANG="ADQL", QUERY=query)
    if demo_url.startswith("sqlite"):
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert "radius must be not greater than 90 degrees" in _error(response)


async def test_nul_characters_are_refused_where_parameters_enter(
    tap_client: httpx.AsyncClient,
) -> None:
    for name, value in (("QUERY", "SELECT obs_id FROM ivoa.ObsCore WHERE obs_id = 'a\x00b'"),
                        ("RUNID", "a\x00b"), ("X\x00Y", "1")):  # fmt: skip
        params = {"LANG": "ADQL", "QUERY": "SELECT TOP 1 obs_id FROM ivoa.ObsCore", name: value}
        response = await _sync(tap_client, **params)
        assert response.status_code == 400, (name, response.text)
        assert "a NUL character (%00) is not allowed" in _error(response)


async def test_runaway_query_ends_with_a_time_limit_error(tap_client: httpx.AsyncClient) -> None:
    query = "SELECT COUNT(*) FROM ivoa.ObsCore AS a, ivoa.ObsCore AS b WHERE a.s_ra < b.s_ra"
    response = await _sync(tap_client, LANG="ADQL", QUERY=query)
    assert response.status_code == 400
    assert "time limit of 3 s" in _error(response)


async def test_tap_schema_is_queryable(tap_client: httpx.AsyncClient) -> None:
    query = (
        'SELECT column_name, datatype, arraysize, xtype, "size" FROM TAP_SCHEMA.columns '
        "WHERE table_name = 'ivoa.ObsCore'"
    )
    table = _table(await _sync(tap_client, LANG="ADQL", QUERY=query))
    assert len(table) == 38
    rows = {r["column_name"]: r for r in table}
    assert rows["s_region"]["xtype"] == "adql:REGION"
    tables = _table(
        await _sync(tap_client, LANG="ADQL", QUERY="SELECT table_name FROM TAP_SCHEMA.tables")
    )
    assert "ivoa.ObsCore" in list(tables["table_name"])


async def test_geometry_output_is_dali(tap_client: httpx.AsyncClient) -> None:
    query = (
        "SELECT TOP 1 POINT(s_ra, s_dec) AS p, CIRCLE(s_ra, s_dec, 0.5) AS c, "
        "POLYGON(10, 20, 11, 20, 11, 21) AS poly, s_ra, s_dec FROM ivoa.ObsCore"
    )
    response = await _sync(tap_client, LANG="ADQL", QUERY=query)
    votable = parse_single_table(io.BytesIO(response.content))
    xtypes = {f.name: (f.datatype, f.arraysize, f.xtype) for f in votable.fields}
    assert xtypes["p"] == ("double", "2", "point")
    assert xtypes["c"] == ("double", "3", "circle")
    assert xtypes["poly"][2] == "polygon"
    row = votable.to_table()[0]
    assert np.allclose(row["p"], [row["s_ra"], row["s_dec"]])
    assert np.allclose(row["c"], [row["s_ra"], row["s_dec"], 0.5])
    assert np.allclose(row["poly"], [10, 20, 11, 20, 11, 21])


def _upload_votable() -> bytes:
    table = Table(
        {
            "name": ["ecdfs", "nowhere"],
            "ra": [53.13, 180.0],
            "dec": [-28.1, 80.0],
            "size": [0.05, 0.1],
        }
    )
    buffer = io.BytesIO()
    VOTableFile.from_table(table).to_xml(buffer)
    return buffer.getvalue()


async def test_upload_is_joinable_with_obscore(tap_client: httpx.AsyncClient) -> None:
    query = (
        'SELECT t.name, t."size", COUNT(*) AS n FROM TAP_UPLOAD.targets AS t '
        "JOIN ivoa.ObsCore AS o "
        'ON CONTAINS(POINT(o.s_ra, o.s_dec), CIRCLE(t.ra, t.dec, t."size")) = 1 '
        'GROUP BY t.name, t."size"'
    )
    response = await tap_client.post(
        "/api/tap/sync",
        data={"LANG": "ADQL", "QUERY": query, "UPLOAD": "targets,param:targetfile"},
        files={"targetfile": ("targets.xml", _upload_votable(), "application/x-votable+xml")},
    )
    table = _table(response)
    counts = dict(zip(table["name"], table["n"], strict=True))
    assert counts["ecdfs"] > 10
    assert "nowhere" not in counts
    # Visible only to that query.
    later = await _sync(tap_client, LANG="ADQL", QUERY="SELECT * FROM TAP_UPLOAD.targets")
    assert later.status_code == 400
    # The same upload again, on a pooled connection that served the first one.
    for _ in range(3):
        again = await tap_client.post(
            "/api/tap/sync",
            data={"LANG": "ADQL", "QUERY": query, "UPLOAD": "targets,param:targetfile"},
            files={"targetfile": ("targets.xml", _upload_votable(), "application/x-votable+xml")},
        )
        assert again.status_code == 200, again.text


async def test_malformed_and_oversized_uploads(tap_client: httpx.AsyncClient) -> None:
    query = "SELECT * FROM TAP_UPLOAD.t"
    bad = await tap_client.post(
        "/api/tap/sync",
        data={"LANG": "ADQL", "QUERY": query, "UPLOAD": "t,param:f"},
        files={"f": ("t.xml", b"<VOTABLE><oops", "text/xml")},
    )
    assert bad.status_code == 400
    assert "not well-formed XML (line 1" in _error(bad)
    big = await tap_client.post(
        "/api/tap/sync",
        data={"LANG": "ADQL", "QUERY": query, "UPLOAD": "t,param:f"},
        files={"f": ("t.xml", b" " * 300_000, "text/xml")},
    )
    assert big.status_code == 400
    assert "the limit is 200,000 bytes" in _error(big)


@pytest.mark.parametrize(
    ("asked", "content_type"),
    [
        ("votable", "application/x-votable+xml"),
        ("text/xml", "text/xml"),
        (
            "application/x-votable+xml;serialization=TABLEDATA",
            "application/x-votable+xml;serialization=TABLEDATA",
        ),
        ("csv", "text/csv;header=present"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("fits", "application/fits"),
        ("parquet", "application/vnd.apache.parquet"),
    ],
)
async def test_output_formats(tap_client: httpx.AsyncClient, asked: str, content_type: str) -> None:
    query = "SELECT TOP 7 obs_id, s_ra, calib_level FROM ivoa.ObsCore ORDER BY obs_id"
    response = await _sync(tap_client, LANG="ADQL", QUERY=query, RESPONSEFORMAT=asked)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == content_type
    body = response.content
    if "xml" in content_type:
        table = parse_single_table(io.BytesIO(body)).to_table()
    elif content_type == "application/fits":
        table = Table.read(io.BytesIO(body), format="fits")
    elif "parquet" in content_type:
        table = Table(pq.read_table(io.BytesIO(body)).to_pydict())
    else:
        table = Table.read(
            body.decode(), format="ascii.csv" if "csv" in content_type else "ascii.tab"
        )
    assert len(table) == 7
    assert list(table.colnames) == ["obs_id", "s_ra", "calib_level"]
    assert list(table["obs_id"]) == sorted(table["obs_id"])


async def test_result_describes_its_query(tap_client: httpx.AsyncClient) -> None:
    query = "SELECT TOP 1 obs_id FROM ivoa.ObsCore"
    response = await _sync(tap_client, LANG="ADQL", QUERY=query, RUNID="run-42", MAXREC="5")
    infos = {name: value for name, value, _ in _infos(response.content)}
    assert infos["standardID"] == "ivo://ivoa.net/std/TAP"
    assert infos["QUERY"] == query
    assert infos["RUNID"] == "run-42"
    assert infos["MAXREC"] == "5"


async def test_time_limit_after_the_first_byte_ends_the_document(
    tap_client: httpx.AsyncClient,
) -> None:
    # The first rows come at once; the whole result would take far longer than 3 s.
    query = (
        "SELECT TOP 100000000 a.calib_level FROM ivoa.ObsCore AS a, ivoa.ObsCore AS b "
        "WHERE DISTANCE(a.s_ra, a.s_dec, b.s_ra, b.s_dec) > 0.0001"
    )
    response = await _sync(tap_client, LANG="ADQL", QUERY=query, MAXREC="100000000")
    assert response.status_code == 200
    assert _status(response.content) == ["OK", "ERROR"]
    infos = _infos(response.content)
    assert "time limit of 3 s" in infos[-1][2]
    # Well-formed (parsed above), with rows before the error.
    assert response.content.index(b'value="ERROR"') > response.content.index(b"</TABLE>")
    assert response.content.index(b"</STREAM>") - response.content.index(b"<STREAM") > 1000
