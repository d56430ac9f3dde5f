"""The trusted identity header (``X-Auth-Request-User`` by default), over real HTTP on
each backend: one value names the user, surrounding whitespace is not part of it, and a
request carrying several values (repeated lines or a comma-separated list) is refused
rather than resolved, since one of them may be the client's own beside the proxy's."""

from __future__ import annotations

import socket
import xml.etree.ElementTree as ET

import httpx
import pytest

from tests.support.server import ServerProcess

HEADER = "X-Auth-Request-User"
UWS = "{http://www.ivoa.net/xml/UWS/v1.0}"


def _job_ids(server: ServerProcess, headers: list[tuple[str, str]]) -> set[str]:
    response = httpx.get(f"{server.tap_url}/async", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return _refs(response.content)


def _refs(document: bytes) -> set[str]:
    return {ref.get("id", "") for ref in ET.fromstring(document).iter(f"{UWS}jobref")}


def _raw_job_ids(server: ServerProcess, header_line: str) -> set[str]:
    """The job list, asked with a header line written byte for byte (HTTP clients refuse
    to send the surrounding whitespace a proxy might)."""
    request = (
        f"GET /api/tap/async HTTP/1.1\r\nHost: 127.0.0.1\r\n{header_line}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    if b"transfer-encoding: chunked" in head.lower():
        body = _unchunked(body)
    return _refs(body)


def _unchunked(body: bytes) -> bytes:
    out = b""
    while body:
        size, _, rest = body.partition(b"\r\n")
        length = int(size, 16)
        if length == 0:
            break
        out += rest[:length]
        body = rest[length + 2 :]
    return out


def _new_job(server: ServerProcess, user: str) -> str:
    response = httpx.post(
        f"{server.tap_url}/async",
        data={"LANG": "ADQL", "QUERY": "SELECT TOP 1 obs_id FROM ivoa.ObsCore"},
        headers={HEADER: user},
        timeout=30,
    )
    assert response.status_code == 303, response.text
    return response.headers["location"].rstrip("/").rsplit("/", 1)[-1]


def test_surrounding_whitespace_is_not_part_of_the_name(default_server: ServerProcess) -> None:
    job = _new_job(default_server, "identity-ana")
    for sent in ("identity-ana", " identity-ana", "identity-ana\t", "\t identity-ana  "):
        assert job in _raw_job_ids(default_server, f"{HEADER}:{sent}"), repr(sent)
    assert job not in _job_ids(default_server, [(HEADER, "identity-bea")])
    assert job not in _job_ids(default_server, [])  # anonymous


@pytest.mark.parametrize(
    "headers",
    [
        [(HEADER, "identity-eve"), (HEADER, "identity-ana")],
        [(HEADER, "identity-eve, identity-ana")],
        [(HEADER, "identity-ana"), (HEADER.lower(), "identity-ana")],
    ],
    ids=["two-lines", "comma-list", "same-twice"],
)
def test_several_values_are_refused(
    default_server: ServerProcess, headers: list[tuple[str, str]]
) -> None:
    job = _new_job(default_server, "identity-ana")
    for method, url in (
        ("GET", f"{default_server.tap_url}/async"),
        ("GET", f"{default_server.tap_url}/async/{job}"),
        ("DELETE", f"{default_server.tap_url}/async/{job}"),
    ):
        response = httpx.request(method, url, headers=headers, timeout=30)
        assert response.status_code == 400, (method, url, response.text)
        assert "must carry one" in response.text
    # Nothing happened to the job: its owner still sees it.
    assert job in _job_ids(default_server, [(HEADER, "identity-ana")])
