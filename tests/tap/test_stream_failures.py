"""A result that fails after its first byte, over real HTTP (uvicorn), in every output
format: each ends in its defined way, and the server logs the user's time-out as such,
never as a server fault.

VOTable, Parquet and JSON end normally with the failure marked in the document (an HTML
page stops at its row limit before the failure); CSV and TSV
cannot mark it, so the response ends without HTTP's end marker (clients see an
incomplete transfer); FITS spools the whole result first, so the failure comes before
its first byte and is answered with an error document.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest

from app.formats.html_table import PAGE_ROWS
from app.formats.registry import OUTPUT_FORMATS
from tests.support.server import ServerProcess, served

# The first rows come at once; the whole result would take far longer than the limit.
QUERY = (
    "SELECT TOP 100000000 a.calib_level, a.obs_id FROM ivoa.ObsCore AS a, ivoa.ObsCore AS b "
    "WHERE DISTANCE(a.s_ra, a.s_dec, b.s_ra, b.s_dec) > 0.0001"
)
VOT = "{http://www.ivoa.net/xml/VOTable/v1.3}"
LIMIT = "time limit of 2 s"


@pytest.fixture(scope="module")
def server(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {"OBSCURA_SYNC_TIMEOUT": "2", "OBSCURA_LOG_LEVEL": "INFO"}
    with served(demo_url, Path(tmp_path_factory.mktemp("cut")), env) as process:
        yield process


def _fetch(server: ServerProcess, fmt: str) -> tuple[int, bytes, bool]:
    """(status, bytes received, whether the transfer ended properly)"""
    received = bytearray()
    params = {"LANG": "ADQL", "QUERY": QUERY, "MAXREC": "100000000", "RESPONSEFORMAT": fmt}
    with httpx.stream("POST", f"{server.tap_url}/sync", data=params, timeout=60) as response:
        try:
            for chunk in response.iter_bytes():
                received += chunk
        except httpx.RemoteProtocolError:
            return response.status_code, bytes(received), False
    return response.status_code, bytes(received), True


@pytest.mark.parametrize("fmt", [f.name for f in OUTPUT_FORMATS])
def test_failure_after_the_first_byte(server: ServerProcess, fmt: str) -> None:
    before = len(server.output())
    status, data, complete = _fetch(server, fmt)
    if fmt == "fits":
        assert status == 400
        assert LIMIT in data.decode()
    elif fmt.startswith("votable"):
        assert (status, complete) == (200, True)
        resource = ET.fromstring(data).find(f"{VOT}RESOURCE")  # well-formed, and fast
        assert resource is not None
        status = [i for i in resource.iter(f"{VOT}INFO") if i.get("name") == "QUERY_STATUS"]
        assert [i.get("value") for i in status] == ["OK", "ERROR"]
        assert LIMIT in (status[-1].text or "")
        assert len(data) > 1_000_000  # rows came before the error
    elif fmt == "parquet":
        assert (status, complete) == (200, True)
        file = pq.ParquetFile(io.BytesIO(data))
        assert file.metadata.metadata[b"QUERY_STATUS"] == b"ERROR"
        assert LIMIT in file.metadata.metadata[b"QUERY_ERROR"].decode()
        assert file.read().num_rows > 1000
    elif fmt == "json":
        assert (status, complete) == (200, True)
        document = json.loads(data)
        assert document["query_status"] == "ERROR"
        assert LIMIT in document["error"]
        assert len(document["data"]) > 1000
    elif fmt == "html":  # a page stops at its row limit, before the time limit
        assert (status, complete) == (200, True)
        assert data.count(b"<tr><td>") == PAGE_ROWS
        assert b"more rows than a page shows" in data
    else:
        assert (status, complete) == (200, False)
        assert data.count(b"\n") > 1000
    log = server.output()[before:]
    assert "Traceback" not in log
    assert "server fault" not in log
    assert "Exception in ASGI application" not in log
    if fmt not in ("fits", "html"):
        assert "result ended early" in log
        assert "QueryTimeoutError" in log
