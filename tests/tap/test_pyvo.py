"""End to end: pyvo against a real ``obscura serve`` (uvicorn) process, on both backends."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import requests
from astropy.io import fits
from astropy.table import Table
from pyvo.dal import DALOverflowWarning, DALQueryError, TAPService

from app.storage.url_fetch import url_under
from tests.support.server import ServerProcess

QUERY = (
    "SELECT obs_publisher_did, s_ra, s_dec, dataproduct_subtype FROM ivoa.ObsCore "
    "WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 53.13, -28.1, 0.1)) = 1"
)


def test_search_returns_the_rows(tap_server: ServerProcess) -> None:
    service = TAPService(tap_server.tap_url)
    result = service.search(QUERY)
    table = result.to_table()
    assert len(table) > 50
    assert set(table["dataproduct_subtype"]) <= {
        "lsst.raw",
        "lsst.visit_image",
        "lsst.difference_image",
        "lsst.deep_coadd",
        "lsst.template_coadd",
    }
    assert result.fieldname_with_ucd("pos.eq.ra") == "s_ra"


def test_maxrec_overflow(tap_server: ServerProcess) -> None:
    service = TAPService(tap_server.tap_url)
    # pyvo 1.9 stays quiet when the cut is at the maxrec the user asked for...
    result = service.search("SELECT obs_id FROM ivoa.ObsCore", maxrec=10)
    assert len(result) == 10
    assert result.status[0] == "OVERFLOW"
    exact = service.search("SELECT TOP 10 obs_id FROM ivoa.ObsCore", maxrec=10)
    assert len(exact) == 10
    assert exact.status[0] == "OK"


def test_service_limit_overflow_warns(tmp_path: Path, demo_url: str) -> None:
    # ...and warns when the service's own default limit cuts the result.
    server = ServerProcess(demo_url, tmp_path, env={"OBSCURA_TAP_DEFAULT_MAXREC": "7"})
    try:
        with pytest.warns(DALOverflowWarning):
            result = TAPService(server.tap_url).search("SELECT obs_id FROM ivoa.ObsCore")
        assert len(result) == 7
    finally:
        server.stop()


def test_adql_error_surfaces_as_dal_query_error(tap_server: ServerProcess) -> None:
    service = TAPService(tap_server.tap_url)
    with pytest.raises(DALQueryError) as raised:
        service.search("SELECT s_raa FROM ivoa.ObsCore")
    message = str(raised.value)
    assert "s_raa" in message
    assert "s_ra" in message  # the "did you mean" hint survives


def test_tap_schema_through_pyvo(tap_server: ServerProcess) -> None:
    service = TAPService(tap_server.tap_url)
    columns = service.search(
        "SELECT column_name FROM TAP_SCHEMA.columns WHERE table_name = 'ivoa.ObsCore'"
    ).to_table()
    assert "s_region" in list(columns["column_name"])
    names = [t.name for t in service.tables]
    assert "ivoa.ObsCore" in names


def test_upload_join_with_pyvo(tap_server: ServerProcess) -> None:
    service = TAPService(tap_server.tap_url)
    targets = Table({"tname": ["ecdfs", "edfs"], "ra": [53.13, 59.1], "dec": [-28.1, -48.73]})
    query = (
        "SELECT t.tname, o.obs_id FROM TAP_UPLOAD.targets AS t JOIN ivoa.ObsCore AS o "
        "ON DISTANCE(t.ra, t.dec, o.s_ra, o.s_dec) < 0.05"
    )
    table = service.search(query, uploads={"targets": targets}).to_table()
    assert set(table["tname"]) == {"ecdfs", "edfs"}


@pytest.mark.parametrize("fmt", ["votable", "votable/td", "csv", "tsv", "fits", "parquet"])
def test_every_format_reads_back(tap_server: ServerProcess, fmt: str) -> None:
    columns = ["obs_id", "s_ra", "s_dec", "t_min", "calib_level"]
    query = f"SELECT TOP 25 {', '.join(columns)} FROM ivoa.ObsCore ORDER BY obs_id"
    response = requests.post(
        f"{tap_server.tap_url}/sync",
        data={"LANG": "ADQL", "QUERY": query, "RESPONSEFORMAT": fmt},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    body = response.content
    if fmt.startswith("votable"):
        table = Table.read(io.BytesIO(body), format="votable")
    elif fmt == "fits":
        with fits.open(io.BytesIO(body)) as hdus:
            table = Table(hdus[1].data)
    elif fmt == "parquet":
        table = Table(pq.read_table(io.BytesIO(body)).to_pydict())
    else:
        table = Table.read(body.decode(), format="ascii.csv" if fmt == "csv" else "ascii.tab")
    assert len(table) == 25
    assert [c.lower() for c in table.colnames] == columns
    reference = TAPService(tap_server.tap_url).search(query).to_table()
    assert [str(x) for x in table[table.colnames[0]]] == [str(x) for x in reference["obs_id"]]


def test_upload_by_url_from_an_allowed_location(tap_server: ServerProcess) -> None:
    service = TAPService(tap_server.tap_url)
    source = f"{tap_server.tap_url}/sync?LANG=ADQL&QUERY=" + quote(
        "SELECT TOP 3 obs_publisher_did AS pub_did FROM ivoa.ObsCore ORDER BY pub_did"
    )
    query = (
        "SELECT u.pub_did, o.calib_level FROM TAP_UPLOAD.u AS u "
        "JOIN ivoa.ObsCore AS o ON o.obs_publisher_did = u.pub_did"
    )
    table = service.search(query, uploads={"u": source}).to_table()
    assert len(table) == 3
    with pytest.raises(DALQueryError, match="not among the locations"):
        service.search(query, uploads={"u": "http://169.254.169.254/latest/meta-data"})


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://data.example.org/tables/t.xml", True),
        ("https://data.example.org/other/t.xml", False),
        ("https://data.example.org.evil.net/tables/t.xml", False),
        ("https://data.example.org@evil.net/tables/t.xml", False),
        ("https://user@data.example.org/tables/t.xml", False),
        ("http://data.example.org/tables/t.xml", False),
        ("https://data.example.org:8443/tables/t.xml", False),
    ],
)
def test_url_allow_list_compares_parsed_urls(url: str, allowed: bool) -> None:
    assert url_under(url, "https://data.example.org/tables/") is allowed


def test_upload_crossmatch_written_as_dp1_tutorial_102_6(
    tap_server: ServerProcess, demo_tables: list[pa.Table]
) -> None:
    # "... JOIN TAP_UPLOAD.ut1 AS ut1 WHERE CONTAINS(...) = 1": a join without ON, the
    # crossmatch in WHERE. Half the positions are near images, half anywhere.
    table = pa.concat_tables(demo_tables)
    ra, dec = table["s_ra"].to_numpy(), table["s_dec"].to_numpy()
    dids = table["obs_publisher_did"].to_numpy(zero_copy_only=False)
    rng = np.random.default_rng(102)
    near = rng.choice(len(ra), 200)
    targets = Table(
        {
            "tid": np.arange(400),
            "ra": np.concatenate(
                [ra[near] + rng.uniform(-3e-4, 3e-4, 200), rng.uniform(0, 360, 200)]
            ),
            "dec": np.concatenate(
                [dec[near] + rng.uniform(-3e-4, 3e-4, 200), rng.uniform(-80, 80, 200)]
            ),
        }
    )
    radius = 2 / 3600
    query = (
        "SELECT ut1.tid, o.obs_publisher_did FROM ivoa.ObsCore AS o "
        "JOIN TAP_UPLOAD.ut1 AS ut1 "
        "WHERE CONTAINS(POINT('ICRS', o.s_ra, o.s_dec), "
        f"CIRCLE('ICRS', ut1.ra, ut1.dec, {radius})) = 1"
    )
    result = TAPService(tap_server.tap_url).search(query, uploads={"ut1": targets}, maxrec=10**6)
    got = {
        (int(t), str(d)) for t, d in zip(result["tid"], result["obs_publisher_did"], strict=True)
    }
    expected = set()
    a1, d1 = np.radians(ra), np.radians(dec)
    for tid, t_ra, t_dec in zip(targets["tid"], targets["ra"], targets["dec"], strict=True):
        a2, d2 = np.radians(t_ra), np.radians(t_dec)
        h = np.sin((d2 - d1) / 2) ** 2 + np.cos(d1) * np.cos(d2) * np.sin((a2 - a1) / 2) ** 2
        separation = np.degrees(2 * np.arcsin(np.sqrt(h)))
        expected.update((int(tid), str(d)) for d in dids[separation <= radius])
    assert len(expected) > 200
    assert got == expected


def test_with_the_defaults_uploads_by_url_never_reach_internal_hosts(
    default_server: ServerProcess,
) -> None:
    service = TAPService(default_server.tap_url)
    capabilities = requests.get(f"{default_server.tap_url}/capabilities", timeout=30).text
    assert "ivo://ivoa.net/std/TAPRegExt#upload-http" in capabilities
    own = f"{default_server.tap_url}/sync?LANG=ADQL&QUERY=" + quote(
        "SELECT TOP 1 obs_id FROM ivoa.ObsCore"
    )
    query = "SELECT * FROM TAP_UPLOAD.u"
    for url in (
        own,
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:1/x",
        "file:///etc/passwd",
    ):
        with pytest.raises(DALQueryError, match=r"not public|use param:part"):
            service.search(query, uploads={"u": url})
    log = default_server.output()
    assert "/sync?LANG=ADQL&QUERY=SELECT%20TOP%201" not in log  # never fetched itself
