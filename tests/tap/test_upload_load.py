"""Uploads against a real server (uvicorn, per backend): abandoned uploads do not stall the
service, and a 32 MiB upload keeps the server's memory within a stated bound."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.server import ServerProcess
from tests.tap.test_upload_safety import wide_document

ABANDONED = 40
MEMORY_BOUND_KIB = 64 * 1024
"""How much a 32 MiB upload may raise the server's peak resident memory."""


def _multipart(query: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in (("LANG", "ADQL"), ("QUERY", query), ("UPLOAD", "t,param:f"))
    ]
    head = "".join(parts) + (
        f'--{boundary}\r\nContent-Disposition: form-data; name="f"; filename="t.xml"\r\n'
        "Content-Type: application/x-votable+xml\r\n\r\n"
    )
    body = head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _abandon(server: ServerProcess, body: bytes, content_type: str) -> None:
    """Send a whole upload request, then go away without reading the answer."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        head = (
            f"POST /api/tap/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        sock.sendall(head + body)
        time.sleep(0.2)


def _latency(url: str, **kwargs: object) -> float:
    started = time.perf_counter()
    response = httpx.request(url=url, timeout=30, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return time.perf_counter() - started


def _slow_upload_document(rows: int) -> bytes:
    body = "".join(f"<TR><TD>{i}</TD><TD>{i * 0.5}</TD></TR>" for i in range(rows))
    return (
        '<?xml version="1.0"?><VOTABLE version="1.4" '
        'xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE>'
        '<FIELD name="n" datatype="int"/><FIELD name="x" datatype="double"/>'
        f"<DATA><TABLEDATA>{body}</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>"
    ).encode()


@pytest.mark.parametrize(
    "kind",
    ["wide", "long"],
)
def test_abandoned_uploads_do_not_stall_the_service(tap_server: ServerProcess, kind: str) -> None:
    """40 clients send an upload and leave: ``wide`` ones (20,000 columns, 1 MB) are
    refused at column 501; ``long`` ones (1 MB of rows, each joined against ObsCore twice)
    wait for their turn and are cancelled when found abandoned."""
    if kind == "wide":
        body, content_type = _multipart("SELECT * FROM TAP_UPLOAD.t", wide_document())
    else:
        query = (
            "SELECT COUNT(*) FROM TAP_UPLOAD.t AS t, ivoa.ObsCore AS a, ivoa.ObsCore AS b "
            "WHERE a.s_ra + b.s_ra > t.x"
        )
        body, content_type = _multipart(query, _slow_upload_document(25_000))
    assert len(body) > 900_000
    trivial = {
        "method": "POST",
        "url": f"{tap_server.tap_url}/sync",
        "data": {"LANG": "ADQL", "QUERY": "SELECT TOP 1 obs_id FROM ivoa.ObsCore"},
        # Another client than the abandoning ones, which all come from this address and
        # share its limit of requests at once (OBSCURA_CLIENT_CONCURRENCY).
        "headers": {"X-Auth-Request-User": "prober"},
    }
    _latency(**trivial)  # type: ignore[arg-type]  # the server's first query warms it up
    clients = [
        threading.Thread(target=_abandon, args=(tap_server, body, content_type))
        for _ in range(ABANDONED)
    ]
    for client in clients:
        client.start()
    query_times, availability_times = [], []
    for _ in range(6):
        query_times.append(_latency(**trivial))  # type: ignore[arg-type]
        availability_times.append(_latency(f"{tap_server.tap_url}/availability", method="GET"))
        time.sleep(0.1)
    for client in clients:
        client.join()
    for _ in range(3):
        query_times.append(_latency(**trivial))  # type: ignore[arg-type]
        availability_times.append(_latency(f"{tap_server.tap_url}/availability", method="GET"))
    print(kind, [f"{t:.3f}" for t in query_times], [f"{t:.3f}" for t in availability_times])
    assert max(query_times) < 1.0, query_times
    assert max(availability_times) < 0.2, availability_times


def _kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field}")


def _big_document(limit: int) -> tuple[bytes, int]:
    """A TABLEDATA document just under ``limit`` bytes, and its number of rows."""
    head = (
        b'<?xml version="1.0"?><VOTABLE version="1.4" '
        b'xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE>'
        b'<FIELD name="id" datatype="long"/><FIELD name="ra" datatype="double"/>'
        b'<FIELD name="dec" datatype="double"/>'
        b'<FIELD name="name" datatype="char" arraysize="*"/><DATA><TABLEDATA>'
    )
    tail = b"</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>"

    def rows() -> Iterator[bytes]:
        i = 0
        while True:
            yield (
                f"<TR><TD>{i}</TD><TD>{(i * 0.37) % 360:.6f}</TD><TD>{(i * 0.11) % 180 - 90:.6f}"
                f"</TD><TD>source-{i}</TD></TR>"
            ).encode()
            i += 1

    pieces, size, count = [head], len(head) + len(tail), 0
    for row in rows():
        if size + len(row) > limit - 2048:  # room for the multipart envelope
            break
        pieces.append(row)
        size += len(row)
        count += 1
    pieces.append(tail)
    return b"".join(pieces), count


def test_a_32_mib_upload_keeps_memory_bounded(tap_server: ServerProcess) -> None:
    document, rows = _big_document(32 * 1024 * 1024)
    body, content_type = _multipart(
        "SELECT COUNT(*) AS n, MAX(id) AS biggest FROM TAP_UPLOAD.t", document
    )
    pid = tap_server.process.pid
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # restart the peak (VmHWM) from now
    before = _kib(pid, "VmRSS")
    started = time.perf_counter()
    response = httpx.post(
        f"{tap_server.tap_url}/sync",
        content=body,
        headers={"Content-Type": content_type},
        params={"RESPONSEFORMAT": "csv"},
        timeout=300,
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text
    assert response.text.splitlines()[1] == f"{rows},{rows - 1}"
    peak = _kib(pid, "VmHWM")
    print(f"32 MiB upload: {rows:,} rows in {elapsed:.1f} s; peak {peak - before:,} KiB over RSS")
    assert peak - before < MEMORY_BOUND_KIB, (before, peak)
