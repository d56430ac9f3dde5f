"""Uploads by URL reach only public hosts, at the address that was checked, with every
redirect checked again (app/storage/url_fetch.py), against real HTTP servers on loopback."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from app.storage.url_fetch import (
    MAX_REDIRECTS,
    FetchRefusedError,
    UrlFetcher,
    is_public_address,
)


@dataclass
class _Site:
    """A loopback HTTP server answering each path from ``routes``: (status, headers, body)."""

    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    seen: list[tuple[str, str]] = field(default_factory=list)
    """(path, Host header) of every request."""
    port: int = 0


@pytest.fixture
def sites() -> Iterator[list[_Site]]:
    made: list[_Site] = []
    servers = []
    for _ in range(2):
        site = _Site()

        class Handler(http.server.BaseHTTPRequestHandler):
            site_: _Site = site

            def do_GET(self) -> None:
                self.site_.seen.append((self.path, self.headers.get("Host", "")))
                status, headers, body = self.site_.routes.get(self.path, (404, {}, b""))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        site.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        made.append(site)
        servers.append(server)
    yield made
    for server in servers:
        server.shutdown()
        server.server_close()


def _read(fetcher: UrlFetcher, url: str) -> bytes:
    return b"".join(fetcher.open(url))


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "fe80::1",
        "fd00::1",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "192.0.2.1",
    ],
)
def test_internal_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "134.158.1.1", "2001:4860:4860::8888"])
def test_internet_addresses_are_public(address: str) -> None:
    assert is_public_address(address)


def test_loopback_urls_are_refused_before_any_request(sites: list[_Site]) -> None:
    site = sites[0]
    site.routes["/t.xml"] = (200, {}, b"secret")
    fetcher = UrlFetcher()
    for url in (
        f"http://127.0.0.1:{site.port}/t.xml",
        f"http://localhost:{site.port}/t.xml",
        f"http://2130706433:{site.port}/t.xml",  # 127.0.0.1 written as one number
        f"http://0x7f.1:{site.port}/t.xml",
        f"http://[::ffff:127.0.0.1]:{site.port}/t.xml",
    ):
        with pytest.raises(FetchRefusedError, match=r"not public|cannot be resolved"):
            _read(fetcher, url)
    assert site.seen == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "not an http or https URL"),
        ("ftp://example.org/t.xml", "not an http or https URL"),
        ("http:///t.xml", "not an http or https URL"),
        ("http://user:secret@example.org/t.xml", "holds credentials"),
        ("http://169.254.169.254/latest/meta-data", "not public"),
        ("http://[fe80::1]/t.xml", "not public"),
        ("http://example.invalid/t.xml", "cannot be resolved"),
    ],
)
def test_urls_that_are_not_fetched_say_why(url: str, message: str) -> None:
    with pytest.raises(FetchRefusedError, match=message):
        _read(UrlFetcher(), url)


def _only(port: int) -> UrlFetcher:
    """A fetcher for which one loopback port stands for "a public host"."""
    return UrlFetcher(address_allowed=lambda address, p: address == "127.0.0.1" and p == port)


def test_the_connection_goes_to_the_checked_address(sites: list[_Site]) -> None:
    # The name resolves once; the connection is made to that address, with the URL's
    # host name in the Host header (a second, different DNS answer would never be used).
    site = sites[0]
    site.routes["/t.xml"] = (200, {}, b"<VOTABLE/>")
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])
    fetcher = UrlFetcher(
        resolve=lambda _host, _port: next(answers),
        address_allowed=lambda address, p: address == "127.0.0.1" and p == site.port,
    )
    assert _read(fetcher, f"http://tables.example:{site.port}/t.xml") == b"<VOTABLE/>"
    assert site.seen == [("/t.xml", f"tables.example:{site.port}")]


def test_a_redirect_to_an_internal_host_is_refused(sites: list[_Site]) -> None:
    public, internal = sites
    internal.routes["/secret"] = (200, {}, b"secret")
    public.routes["/t.xml"] = (302, {"Location": f"http://127.0.0.1:{internal.port}/secret"}, b"")
    public.routes["/ok.xml"] = (301, {"Location": "/final.xml"}, b"")
    public.routes["/final.xml"] = (200, {}, b"table")
    fetcher = _only(public.port)
    with pytest.raises(FetchRefusedError, match="not public"):
        _read(fetcher, f"http://127.0.0.1:{public.port}/t.xml")
    assert internal.seen == []
    # A redirect within the public host is followed.
    assert _read(fetcher, f"http://127.0.0.1:{public.port}/ok.xml") == b"table"


def test_redirect_loops_end(sites: list[_Site]) -> None:
    site = sites[0]
    site.routes["/loop"] = (307, {"Location": "/loop"}, b"")
    with pytest.raises(FetchRefusedError, match=f"more than {MAX_REDIRECTS} redirects"):
        _read(_only(site.port), f"http://127.0.0.1:{site.port}/loop")
    assert len(site.seen) == MAX_REDIRECTS + 1


def test_errors_of_the_remote_server_are_reported(sites: list[_Site]) -> None:
    site = sites[0]
    with pytest.raises(FetchRefusedError, match="answered HTTP 404"):
        _read(_only(site.port), f"http://127.0.0.1:{site.port}/missing")


def test_the_allow_list_admits_the_operators_own_locations_only(sites: list[_Site]) -> None:
    site = sites[0]
    site.routes["/api/tap/t.xml"] = (200, {}, b"table")
    site.routes["/admin"] = (200, {}, b"secret")
    prefix = f"http://127.0.0.1:{site.port}/api/tap/"
    fetcher = UrlFetcher(allow=(prefix,), only_allowed=True)
    assert _read(fetcher, prefix + "t.xml") == b"table"
    with pytest.raises(FetchRefusedError, match="not among the locations"):
        _read(fetcher, f"http://127.0.0.1:{site.port}/admin")
    with pytest.raises(FetchRefusedError, match="not among the locations"):
        _read(fetcher, "http://8.8.8.8/t.xml")
    assert [path for path, _ in site.seen] == ["/api/tap/t.xml"]
