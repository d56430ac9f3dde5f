"""Uploads hold the bytes the client sent and nothing else, within limits checked while
reading, on both backends, sync and async (issue: uploads reached outside the sandbox).

The secret served by the test's file and HTTP server is a valid BINARY2 row of the
uploaded table's one column, so a service that followed a STREAM href would return it.
"""

from __future__ import annotations

import asyncio
import gzip
import http.server
import io
import struct
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from astropy.io.votable import parse_single_table

from tests.support.app_client import BASE_URL, app_config, in_process_client

VOT = "{http://www.ivoa.net/xml/VOTable/v1.3}"
SECRET = b"obscura-upload-secret-4b1d"
ROW = b"\x00" + struct.pack(">I", len(SECRET)) + SECRET  # BINARY2: null flags, count, chars
QUERY = "SELECT * FROM TAP_UPLOAD.t"


class _Recorder(http.server.ThreadingHTTPServer):
    requests: list[str]


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        assert isinstance(self.server, _Recorder)
        self.server.requests.append(self.path)
        body = gzip.compress(ROW) if self.path.endswith(".gz") else ROW
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def recorder() -> Iterator[_Recorder]:
    """A loopback HTTP server that records every request it gets."""
    server = _Recorder(("127.0.0.1", 0), _Handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def secret_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("secret") / "secret.bin"
    path.write_bytes(ROW)
    (path.parent / "secret.bin.gz").write_bytes(gzip.compress(ROW))
    return path


def _document(data: str, fields: str = '<FIELD name="s" datatype="char" arraysize="*"/>') -> bytes:
    return (
        '<?xml version="1.0"?><VOTABLE version="1.4" '
        'xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE type="results"><TABLE>'
        f"{fields}<DATA>{data}</DATA></TABLE></RESOURCE></VOTABLE>"
    ).encode()


def _error(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/x-votable+xml")
    root = ET.fromstring(response.content)
    infos = [(i.get("name"), i.get("value"), i.text or "") for i in root.iter(f"{VOT}INFO")]
    assert infos[0][:2] == ("QUERY_STATUS", "ERROR"), infos
    return infos[0][2]


async def _upload(client: httpx.AsyncClient, content: bytes, **data: str) -> httpx.Response:
    return await client.post(
        "/api/tap/sync",
        data={"LANG": "ADQL", "QUERY": QUERY, "UPLOAD": "t,param:f", **data},
        files={"f": ("t.xml", content, "application/x-votable+xml")},
    )


def _targets(recorder: _Recorder, secret_file: Path) -> list[tuple[str, str]]:
    """(href, encoding attribute) pairs that would reach outside the request."""
    port = recorder.server_address[1]
    return [
        (secret_file.as_uri(), ""),
        (str(secret_file), ""),
        (f"http://127.0.0.1:{port}/secret", ""),
        (f"http://127.0.0.1:{port}/secret.gz", ' encoding="gzip"'),
        (secret_file.as_uri() + ".gz", ' encoding="gzip"'),
    ]


@pytest.mark.parametrize("serialization", ["BINARY", "BINARY2", "FITS"])
async def test_external_streams_are_refused_and_never_read(
    tap_client: httpx.AsyncClient, recorder: _Recorder, secret_file: Path, serialization: str
) -> None:
    for href, encoding in _targets(recorder, secret_file):
        stream = f'<STREAM href="{href}"{encoding}/>'
        response = await _upload(
            tap_client, _document(f"<{serialization}>{stream}</{serialization}>")
        )
        assert response.status_code == 400, response.text
        assert "STREAM elsewhere (href)" in _error(response)
        assert SECRET not in response.content
    assert recorder.requests == []


async def test_the_secret_is_readable_when_sent_inline(tap_client: httpx.AsyncClient) -> None:
    """The control: the same bytes sent with the request are read, so the refusals above
    are not a reader that cannot read this table."""
    import base64

    stream = base64.b64encode(ROW).decode()
    response = await _upload(
        tap_client, _document(f'<BINARY2><STREAM encoding="base64">{stream}</STREAM></BINARY2>')
    )
    assert response.status_code == 200, response.text
    table = parse_single_table(io.BytesIO(response.content)).to_table()
    assert list(table["s"]) == [SECRET.decode()]


async def test_async_jobs_refuse_external_streams(
    tap_client: httpx.AsyncClient, recorder: _Recorder, secret_file: Path
) -> None:
    href, _ = _targets(recorder, secret_file)[2]
    created = await tap_client.post(
        "/api/tap/async",
        data={"LANG": "ADQL", "QUERY": QUERY, "UPLOAD": "t,param:f", "PHASE": "RUN"},
        files={"f": ("t.xml", _document(f'<BINARY2><STREAM href="{href}"/></BINARY2>'))},
    )
    assert created.status_code == 303
    job = created.headers["location"].removeprefix(BASE_URL)
    waited = await tap_client.get(job, params={"WAIT": "30", "PHASE": "EXECUTING"})
    for _ in range(60):
        phase = (await tap_client.get(f"{job}/phase")).text
        if phase in ("ERROR", "COMPLETED"):
            break
        await asyncio.sleep(0.25)
    assert phase == "ERROR", waited.text
    error = await tap_client.get(f"{job}/error")
    assert "STREAM elsewhere (href)" in _error(error)
    assert SECRET not in error.content
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_document('<BINARY2><STREAM encoding="gzip">H4sIAAAA</STREAM></BINARY2>'),
         "encoding 'gzip'; inline data must be base64"),
        (gzip.compress(_document("<TABLEDATA/>")), "not well-formed XML"),
        (b'<?xml version="1.0"?><!DOCTYPE VOTABLE [<!ENTITY a "aaaa">]><VOTABLE/>',
         "declares the XML entity 'a'"),
    ],
)  # fmt: skip
async def test_nothing_is_inflated(
    tap_client: httpx.AsyncClient, content: bytes, message: str
) -> None:
    response = await _upload(tap_client, content)
    assert response.status_code == 400
    assert message in _error(response)


def wide_document(columns: int = 20_000) -> bytes:
    """About 1 MB: a table of ``columns`` columns and one row."""
    fields = "".join(f'<FIELD name="column_{i:05d}" datatype="double"/>' for i in range(columns))
    cells = "<TD>1</TD>" * columns
    return _document(f"<TABLEDATA><TR>{cells}</TR></TABLEDATA>", fields=fields)


@pytest.fixture(scope="module")
async def default_client(
    demo_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[httpx.AsyncClient]:
    """The application with the default upload limits, per backend."""
    config = app_config(demo_url, tmp_path_factory.mktemp("upload-defaults"))
    async with in_process_client(config) as client:
        yield client


async def test_too_many_columns_is_refused_quickly(default_client: httpx.AsyncClient) -> None:
    document = wide_document()
    assert len(document) > 1_000_000
    started = time.perf_counter()
    response = await default_client.post(
        "/api/tap/sync",
        data={"LANG": "ADQL", "QUERY": QUERY, "UPLOAD": "t,param:f"},
        files={"f": ("t.xml", document)},
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 400, response.text
    assert "more than 500 columns, the limit" in _error(response)
    assert elapsed < 1.0, elapsed


@pytest.fixture(scope="module")
async def small_limits_client(
    demo_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[httpx.AsyncClient]:
    """The application with small upload limits, per backend."""
    config = app_config(
        demo_url,
        tmp_path_factory.mktemp("upload-limits"),
        sync_timeout=2,
        upload_limit_bytes=100_000,
        upload_max_rows=50,
        upload_max_columns=3,
    )
    async with in_process_client(config) as client:
        yield client


def _rows_document(rows: int) -> bytes:
    body = "".join(f"<TR><TD>{i}</TD></TR>" for i in range(rows))
    return _document(f"<TABLEDATA>{body}</TABLEDATA>", fields='<FIELD name="n" datatype="int"/>')


async def test_every_limit_is_refused_with_its_reason(
    small_limits_client: httpx.AsyncClient,
) -> None:
    client = small_limits_client
    fine = await _upload(client, _rows_document(50))
    assert fine.status_code == 200, fine.text
    cases = [
        (_rows_document(51), "more than 50 rows, the limit"),
        (wide_document(4), "more than 3 columns, the limit"),
        (
            b"<VOTABLE>" + b"<GROUP>" * 40 + b"</GROUP>" * 40 + b"</VOTABLE>",
            "nest deeper than 32 levels",
        ),
        (_rows_document(50).replace(b"<TD>1</TD>", b"<TD>" + b" " * 99_000 + b"1</TD>"),
         "bytes; the limit is 100,000 bytes"),
    ]  # fmt: skip
    for content, message in cases:
        response = await _upload(client, content)
        assert response.status_code == 400, response.text
        assert message in _error(response)


async def test_bodies_over_the_limit_are_refused_before_they_are_read(
    small_limits_client: httpx.AsyncClient,
) -> None:
    limit = 100_000 + 1024 * 1024
    declared = await small_limits_client.post(
        "/api/tap/sync", content=b"x" * (limit + 1), headers={"Content-Type": "text/plain"}
    )
    assert declared.status_code == 413
    assert f"larger than the limit of {limit:,} bytes" in _error(declared)
    sent: list[int] = []

    async def body() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'--b\r\nContent-Disposition: form-data; name="f"; filename="t.xml"\r\n\r\n'
        for _ in range(100):
            sent.append(1)
            yield b"y" * 65536

    chunked = await small_limits_client.post(
        "/api/tap/sync", content=body(), headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert chunked.status_code == 413
    assert len(sent) < 100  # reading stopped at the limit


async def test_upload_reading_counts_against_the_time_limit(
    small_limits_client: httpx.AsyncClient,
) -> None:
    """A query whose upload is read but whose join takes long stops at the sync limit."""
    query = (
        "SELECT COUNT(*) FROM TAP_UPLOAD.t AS t, ivoa.ObsCore AS a, ivoa.ObsCore AS b "
        "WHERE a.s_ra + b.s_ra > t.n"
    )
    started = time.perf_counter()
    response = await small_limits_client.post(
        "/api/tap/sync",
        data={"LANG": "ADQL", "QUERY": query, "UPLOAD": "t,param:f"},
        files={"f": ("t.xml", _rows_document(50))},
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 400
    assert "time limit of 2 s" in _error(response)
    assert elapsed < 6, elapsed


async def test_uploads_by_url_can_be_turned_off(
    demo_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    config = app_config(demo_url, tmp_path_factory.mktemp("no-url"), upload_url_enabled=False)
    async with in_process_client(config) as client:
        response = await client.post(
            "/api/tap/sync",
            data={"LANG": "ADQL", "QUERY": QUERY, "UPLOAD": "t,https://data.example.org/t.xml"},
        )
        assert response.status_code == 400
        assert "does not fetch tables from URLs" in _error(response)
        capabilities = (await client.get("/api/tap/capabilities")).text
        assert "upload-inline" in capabilities
        assert "TAPRegExt#upload-http" not in capabilities


async def test_upload_names_beyond_adql_are_refused_by_name(tap_client: httpx.AsyncClient) -> None:
    document = _document("<TABLEDATA><TR><TD>a</TD></TR></TABLEDATA>")
    for name in ("é", "a b", "1t"):
        answer = await _upload(tap_client, document, UPLOAD=f"{name},param:f")
        assert answer.status_code == 400
        assert repr(name) in _error(answer) or name in _error(answer), _error(answer)
