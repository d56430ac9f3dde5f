"""End to end: pyvo against a real ``obscura serve`` (uvicorn) process, on both backends."""

from __future__ import annotations

import io
import warnings

import pyarrow.parquet as pq
import pytest
import requests
from astropy.io import fits
from astropy.table import Table
from pyvo.dal import DALOverflowWarning, DALQueryError, TAPService

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


def test_maxrec_overflow_warns(tap_server: ServerProcess) -> None:
    service = TAPService(tap_server.tap_url)
    with pytest.warns(DALOverflowWarning):
        result = service.search("SELECT obs_id FROM ivoa.ObsCore", maxrec=10)
    assert len(result) == 10
    with warnings.catch_warnings():
        warnings.simplefilter("error", DALOverflowWarning)
        exact = service.search("SELECT TOP 10 obs_id FROM ivoa.ObsCore", maxrec=10)
    assert len(exact) == 10


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
