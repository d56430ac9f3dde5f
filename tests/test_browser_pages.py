"""A person who opens a query's or a search's URL in a browser reads a page: the result
as a table, an error with its query marked. Programs keep getting the protocol's
documents, byte for byte, whatever Accept header they send (pyvo, astropy, curl, and
Java's default, which TOPCAT and STILTS send and which starts with ``text/html``)."""

from __future__ import annotations

import io
import re
import urllib.parse
from html.parser import HTMLParser

import httpx
import pytest
from astropy.io.votable import parse

CHROMIUM = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
PROGRAMS = {
    "pyvo (requests)": "*/*",
    "curl": "*/*",
    "Java, TOPCAT, STILTS": "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2",
    "astropy, urllib": None,
}
"""Accept headers of programs; None: no Accept header at all."""

BAD_QUERY = "SELECT obs_id,\n       s_regoin\nFROM ivoa.ObsCore"
GOOD_QUERY = "SELECT TOP 3 obs_id, s_ra FROM ivoa.ObsCore ORDER BY obs_id"

URLS = {
    "TAP sync, bad ADQL": "/api/tap/sync?"
    + urllib.parse.urlencode({"LANG": "ADQL", "QUERY": BAD_QUERY}),
    "TAP sync, result": "/api/tap/sync?"
    + urllib.parse.urlencode({"LANG": "ADQL", "QUERY": GOOD_QUERY}),
    "TAP sync, no LANG": "/api/tap/sync?QUERY=SELECT+1",
    "SIA, bad POS": "/api/sia/dp1/query?POS=CIRCLE+1+2",
    "SIA, result": "/api/sia/dp1/query?POS=CIRCLE+53.13+-28.10+0.01&MAXREC=2",
    "DataLink, unknown collection path": "/api/datalink/nosuch",
    "SODA, no ID": "/api/cutout/sync?CIRCLE=1+2+3",
    "no such path": "/api/tap/nosuch",
}


async def _get(client: httpx.AsyncClient, url: str, accept: str | None) -> httpx.Response:
    request = client.build_request("GET", url)
    if accept is None:
        del request.headers["accept"]
    else:
        request.headers["accept"] = accept
    return await client.send(request)


@pytest.mark.parametrize("name", URLS)
async def test_programs_get_the_same_bytes_whatever_they_accept(
    datalink_client: httpx.AsyncClient, name: str
) -> None:
    answers = {
        program: await _get(datalink_client, URLS[name], accept)
        for program, accept in PROGRAMS.items()
    }
    first = answers["astropy, urllib"]
    assert "html" not in first.headers["content-type"]
    for program, answer in answers.items():
        assert answer.status_code == first.status_code, program
        assert answer.headers["content-type"] == first.headers["content-type"], program
        assert answer.content == first.content, program


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.marked: list[str] = []
        self.cells: list[str] = []
        self.links: list[str] = []
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag = tag
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self._tag == "mark":
            self.marked.append(data)
        elif self._tag == "td":
            self.cells.append(data)
        self._tag = ""

    @property
    def text(self) -> str:
        return "".join(self.parts)


async def _page(client: httpx.AsyncClient, url: str, status: int) -> _Text:
    response = await _get(client, url, CHROMIUM)
    assert response.status_code == status
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = _Text()
    page.feed(response.text)
    return page


async def test_a_bad_query_opened_in_a_browser_is_a_page_with_the_place_marked(
    datalink_client: httpx.AsyncClient,
) -> None:
    page = await _page(datalink_client, URLS["TAP sync, bad ADQL"], 400)
    # The program's error document says the same, in its own words and place.
    document = parse(
        io.BytesIO((await _get(datalink_client, URLS["TAP sync, bad ADQL"], None)).content)
    )
    (status,) = [i for i in document.resources[0].infos if i.name == "QUERY_STATUS"]
    first_line = str(status.content).splitlines()[0]
    assert first_line.startswith("line 2, column 8: ")
    assert first_line.removeprefix("line 2, column 8: ") in page.text
    assert "(line 2, column 8)" in page.text
    assert page.marked == ["s_regoin"]  # on line 2
    edit = next(link for link in page.links if link.startswith("/?"))
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(edit).query) == {"query": [BAD_QUERY]}
    assert "/" in page.links


@pytest.mark.parametrize(
    ("name", "status", "words"),
    [
        ("TAP sync, no LANG", 400, "LANG is missing"),
        ("SIA, bad POS", 400, "UsageFault: "),
        ("DataLink, unknown collection path", 404, "NotFoundFault: Not found"),
        ("SODA, no ID", 400, "UsageError: "),
        ("no such path", 404, "Not found: /api/tap/nosuch"),
    ],
)
async def test_every_service_error_is_a_page_in_a_browser(
    datalink_client: httpx.AsyncClient, name: str, status: int, words: str
) -> None:
    page = await _page(datalink_client, URLS[name], status)
    assert words in page.text
    assert "/" in page.links  # the way back


async def test_a_result_opened_in_a_browser_is_a_table(
    datalink_client: httpx.AsyncClient,
) -> None:
    csv = await datalink_client.get(URLS["TAP sync, result"] + "&RESPONSEFORMAT=csv")
    expected = [line.split(",") for line in csv.text.splitlines()[1:]]
    page = await _page(datalink_client, URLS["TAP sync, result"], 200)
    assert page.cells == [cell for row in expected for cell in row]
    formats = {
        urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["RESPONSEFORMAT"][0]
        for link in page.links
        if "RESPONSEFORMAT" in link
    }
    assert formats == {"votable", "csv", "tsv", "fits", "parquet", "json"}


async def test_an_image_search_in_a_browser_is_a_table_with_its_adql(
    datalink_client: httpx.AsyncClient,
) -> None:
    page = await _page(datalink_client, URLS["SIA, result"], 200)
    assert "INTERSECTS(s_region, CIRCLE('ICRS', 53.13, -28.1, 0.01)) = 1" in page.text
    assert page.text.count("LSST.DP1") == 2  # MAXREC=2 rows of the DP1 collection


async def test_an_explicit_format_wins_over_the_browser(
    datalink_client: httpx.AsyncClient,
) -> None:
    response = await _get(
        datalink_client, URLS["TAP sync, result"] + "&RESPONSEFORMAT=csv", CHROMIUM
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    html = await _get(datalink_client, URLS["TAP sync, result"] + "&RESPONSEFORMAT=html", None)
    assert html.headers["content-type"] == "text/html; charset=utf-8"


async def test_the_interface_names_addresses_relative_to_itself(
    datalink_client: httpx.AsyncClient,
) -> None:
    """Behind a proxy serving the archive under a path, root-relative addresses would
    leave it: the page's and its scripts' own addresses are relative."""
    page = await datalink_client.get("/")
    addresses = re.findall(r'(?:href|src)="([^"]*)"', page.text)
    assert "static/ui/main.js" in addresses
    assert [a for a in addresses if a.startswith("/")] == []
    for name in ("vo.js", "main.js", "image.js", "sia.js", "jobs.js"):
        script = (await datalink_client.get(f"/static/ui/{name}")).text
        assert re.findall(r"[\"'`]/(?:api|static|docs)", script) == [], name
