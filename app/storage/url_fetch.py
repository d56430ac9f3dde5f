"""Fetching a table a client names by URL, without letting the client reach inside.

A TAP upload may name an http(s) URL. Left alone, that lets anyone make the service
request internal hosts (cloud metadata at 169.254.169.254, databases on localhost, the
private network). So every request goes to an address that was checked:

* the host is resolved once, and every address it resolves to must be public (not
  loopback, private, link-local, multicast, reserved or unspecified), unless the URL
  lies under a location the operator allowed;
* the connection is made to that checked address (the Host header and TLS name stay the
  URL's), so a DNS answer cannot change between the check and the connection;
* a redirect is followed only after the same check of its target, at most
  :data:`MAX_REDIRECTS` times; only http and https, no credentials in the URL;
* every read has a timeout, and the caller reads the body in pieces, so its byte limit,
  deadline and cancellation stop the transfer.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from typing_extensions import override

__all__ = [
    "MAX_REDIRECTS",
    "FetchRefusedError",
    "UrlFetcher",
    "is_public_address",
    "url_under",
]

MAX_REDIRECTS = 5
_PIECE = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

Resolver = Callable[[str, int], Sequence[str]]
"""(host, port) -> the IP addresses the host name stands for."""


class FetchRefusedError(Exception):
    """The URL may not be fetched, or fetching it failed; the message says why."""


def is_public_address(address: str) -> bool:
    """Whether ``address`` is a public unicast address on the Internet."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def url_under(url: str, prefix: str) -> bool:
    """Whether ``url`` lies under the location ``prefix``: same scheme, host and port, and
    a path below the prefix's (compared parsed, so that ``user@host`` or a longer host
    name cannot pass for the allowed one)."""
    try:
        asked, allowed = urllib.parse.urlsplit(url), urllib.parse.urlsplit(prefix)
        same_port = asked.port == allowed.port
    except ValueError:
        return False
    return (
        asked.scheme.lower() == allowed.scheme.lower()
        and asked.username is None
        and (asked.hostname or "") == (allowed.hostname or "")
        and same_port
        and asked.path.startswith(allowed.path or "/")
    )


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to a fixed address, whatever the Host header says."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    @override
    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed address; the certificate is checked against the URL's host."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    @override
    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class UrlFetcher:
    """Fetches http(s) URLs that resolve to public addresses, or lie under ``allow``.

    Parameters
    ----------
    allow
        URL prefixes fetched whatever their address (the operator's own services); when
        ``only_allowed``, nothing else is.
    only_allowed
        Fetch only URLs under ``allow``.
    timeout
        Seconds the remote server may stay silent (connecting, or between pieces).
    resolve, address_allowed
        Name resolution and the address rule (tests replace them).
    """

    allow: tuple[str, ...] = ()
    only_allowed: bool = False
    timeout: float = 30.0
    resolve: Resolver = _resolve
    address_allowed: Callable[[str, int], bool] = field(
        default=lambda address, _port: is_public_address(address)
    )

    def open(self, url: str) -> Iterator[bytes]:
        """The body at ``url``, in pieces as they are read.

        Raises
        ------
        FetchRefusedError
            Before any byte, if the URL (or a redirect's target) may not be fetched or
            the server cannot be reached; while reading, if the transfer fails.
        """
        for _ in range(MAX_REDIRECTS + 1):
            response = self._request(url)
            if response.status in _REDIRECTS:
                location = response.getheader("Location")
                response.close()
                if not location:
                    raise FetchRefusedError(f"{url} redirects without saying where")
                url = urllib.parse.urljoin(url, location)
                continue
            if response.status != 200:
                response.close()
                raise FetchRefusedError(f"{url} answered HTTP {response.status}")
            return self._pieces(url, response)
        raise FetchRefusedError(f"more than {MAX_REDIRECTS} redirects")

    def _request(self, url: str) -> http.client.HTTPResponse:
        parts = self._checked_parts(url)
        host, port, address = parts
        scheme = urllib.parse.urlsplit(url).scheme.lower()
        connection_type = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        connection = connection_type(host, port, address, self.timeout)
        target = urllib.parse.urlsplit(url)
        path = target.path or "/"
        if target.query:
            path += "?" + target.query
        try:
            connection.request("GET", path, headers={"Accept": "*/*", "User-Agent": "obscura"})
            return connection.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            raise FetchRefusedError(f"fetching {url} failed: {exc}") from None

    def _checked_parts(self, url: str) -> tuple[str, int, str]:
        """(host, port, address to connect to) of a URL that may be fetched."""
        try:
            parts = urllib.parse.urlsplit(url)
            port = parts.port
        except ValueError:
            raise FetchRefusedError(f"{url!r} is not a valid URL") from None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefusedError(f"{url!r} is not an http or https URL")
        if parts.username is not None or parts.password is not None:
            raise FetchRefusedError(f"{url} holds credentials; they are not sent")
        port = port or (443 if scheme == "https" else 80)
        allowed = any(url_under(url, prefix) for prefix in self.allow)
        if self.only_allowed and not allowed:
            raise FetchRefusedError(
                f"{url} is not among the locations this service fetches tables from"
            )
        try:
            addresses = self.resolve(parts.hostname, port)
        except (OSError, UnicodeError) as exc:
            raise FetchRefusedError(f"{parts.hostname} cannot be resolved: {exc}") from None
        if not addresses:
            raise FetchRefusedError(f"{parts.hostname} cannot be resolved")
        if not allowed:
            for address in addresses:
                if not self.address_allowed(address, port):
                    raise FetchRefusedError(
                        f"{url} leads to {address}, an address that is not public; this "
                        "service fetches tables only from public hosts"
                    )
        return parts.hostname, port, addresses[0]

    def _pieces(self, url: str, response: http.client.HTTPResponse) -> Iterator[bytes]:
        with response:
            while True:
                try:
                    piece = response.read(_PIECE)
                except (OSError, http.client.HTTPException) as exc:
                    raise FetchRefusedError(f"reading {url} failed: {exc}") from None
                if not piece:
                    return
                yield piece
