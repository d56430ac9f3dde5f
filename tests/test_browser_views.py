"""The service's own documents in a browser: a person (a browser's Accept header) gets an
HTML page of the VOSI tables, capabilities and availability and of the UWS job list and
jobs; programs (pyvo, astropy, curl, TOPCAT/STILTS, each with its real Accept header) get
exactly the XML a request without an Accept header gets. ``/docs`` and ``/redoc`` work
offline. Against a real server on both backends."""

from __future__ import annotations

import re
import shutil
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree as ET

import httpx
import pytest
import requests
from playwright.sync_api import Route, sync_playwright
from typing_extensions import override

from app.pages import uws as uws_pages
from app.pages import vosi as vosi_pages
from tests.support.server import ServerProcess

CHROMIUM = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,"
    "*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
JAVA = "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"
"""Java's default Accept header, which TOPCAT and STILTS send."""

UWS = "{http://www.ivoa.net/xml/UWS/v1.0}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
ADQL = "SELECT TOP 1 * FROM ivoa.ObsCore"

KINDS = (
    "tables",
    "tables-min",
    "table",
    "capabilities",
    "availability",
    "tap-jobs",
    "tap-job",
    "soda-jobs",
    "soda-job",
)
ROOTS = {
    "tables": "tableset",
    "tables-min": "tableset",
    "table": "table",
    "capabilities": "capabilities",
    "availability": "availability",
    "tap-jobs": "jobs",
    "tap-job": "job",
    "soda-jobs": "jobs",
    "soda-job": "job",
}


# ---------------------------------------------------------------------------- helpers


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find_all(element: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in element.iter() if _local(e.tag) == name]


def _text(element: ET.Element, name: str) -> str:
    found = [c for c in element if _local(c.tag) == name]
    return (found[0].text or "").strip() if found else ""


_VOID = {"meta", "link", "br", "img", "input", "hr"}


class _Page(HTMLParser):
    """What a page says: its title, its text, its links, its tables' rows and the assets
    (scripts, stylesheets, icons) it loads."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.texts: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.rows: list[list[str]] = []
        self.assets: list[str] = []
        self._open: list[str] = []
        self._href: str | None = None
        self._link_text: list[str] = []
        self._cell: list[str] | None = None
        self.feed(html)
        self.close()

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())

    @override
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag not in _VOID:
            self._open.append(tag)
        if tag == "a":
            self._href, self._link_text = values.get("href", ""), []
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "script" and values.get("src"):
            self.assets.append(values["src"])
        elif tag == "link" and values.get("href"):
            self.assets.append(values["href"])

    @override
    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._link_text).split())))
            self._href = None
        elif tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    @override
    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1] == "title":
            self.title += data
        if self._open and self._open[-1] in ("style", "script", "title"):
            return
        self.texts.append(data)
        if self._href is not None:
            self._link_text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def row(self, first_cell: str) -> list[str]:
        """The table row whose first cell says ``first_cell``."""
        found = [r for r in self.rows if r and r[0] == first_cell]
        assert found, f"no row starts with {first_cell!r}"
        return found[0]


@dataclass
class _Answer:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _no_accept(url: str, headers: dict[str, str]) -> _Answer:
    with httpx.Client(timeout=60) as client:
        del client.headers["accept"]  # httpx sends */* unless told not to
        response = client.get(url, headers=headers)
    return _Answer(
        response.status_code,
        response.headers["content-type"],
        response.content,
        dict(response.headers),
    )


def _pyvo(url: str, headers: dict[str, str]) -> _Answer:
    """pyvo's requests session: requests' default ``Accept: */*``."""
    response = requests.get(url, headers=headers, timeout=60)
    return _Answer(response.status_code, response.headers["content-type"], response.content)


def _astropy(url: str, headers: dict[str, str]) -> _Answer:
    """astropy's downloads: Python's urllib, which sends no Accept header."""
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as r:
        return _Answer(r.status, r.headers["Content-Type"], r.read())


def _with_accept(accept: str, agent: str) -> Callable[[str, dict[str, str]], _Answer]:
    def fetch(url: str, headers: dict[str, str]) -> _Answer:
        sent = {**headers, "Accept": accept, "User-Agent": agent}
        response = httpx.get(url, headers=sent, timeout=60)
        return _Answer(response.status_code, response.headers["content-type"], response.content)

    return fetch


PROGRAMS: dict[str, Callable[[str, dict[str, str]], _Answer]] = {
    "pyvo": _pyvo,
    "astropy": _astropy,
    "curl": _with_accept("*/*", "curl/8.14.1"),
    "stilts": _with_accept(JAVA, "Java/17.0.16"),
}


def _browser(url: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.get(url, headers={**headers, "Accept": CHROMIUM}, timeout=60)


# ---------------------------------------------------------------------------- fixtures


@dataclass
class _Site:
    server: ServerProcess
    headers: dict[str, str]
    urls: dict[str, str]


def _finished(url: str, headers: dict[str, str]) -> None:
    deadline = time.monotonic() + 120
    while True:
        job = ET.fromstring(httpx.get(url, params={"WAIT": "10"}, headers=headers).content)
        phase = job.findtext(f"{UWS}phase")
        if phase in ("COMPLETED", "ERROR", "ABORTED"):
            assert phase == "COMPLETED", ET.tostring(job)
            return
        assert time.monotonic() < deadline, f"still {phase}"


@pytest.fixture(scope="module")
def site(datalink_server: ServerProcess, sample_rows: dict[str, dict[str, Any]]) -> Iterator[_Site]:
    """The server, a user of its own (jobs are per user) with a finished TAP job and a
    pending SODA job, and the URLs of the documents."""
    server = datalink_server
    headers = {"X-Auth-Request-User": f"browser-{uuid.uuid4().hex[:8]}"}
    created = httpx.post(
        f"{server.tap_url}/async",
        data={"LANG": "ADQL", "QUERY": ADQL, "PHASE": "RUN"},
        headers=headers,
        follow_redirects=True,
        timeout=60,
    )
    assert created.status_code == 200, created.text
    tap_job = str(created.url)
    _finished(tap_job, headers)
    row = sample_rows["visit_image"]
    cutout = httpx.post(
        f"{server.url}/api/cutout/jobs",
        data={"ID": row["obs_publisher_did"], "CIRCLE": f"{row['s_ra']} {row['s_dec']} 0.01"},
        headers=headers,
        timeout=60,
    )
    assert cutout.status_code == 303, cutout.text
    urls = {
        "tables": f"{server.tap_url}/tables",
        "tables-min": f"{server.tap_url}/tables?detail=min",
        "table": f"{server.tap_url}/tables/ivoa.ObsCore",
        "capabilities": f"{server.tap_url}/capabilities",
        "availability": f"{server.tap_url}/availability",
        "tap-jobs": f"{server.tap_url}/async",
        "tap-job": tap_job,
        "soda-jobs": f"{server.url}/api/cutout/jobs",
        "soda-job": str(cutout.headers["location"]),
    }
    yield _Site(server, headers, urls)
    for job in (urls["tap-job"], urls["soda-job"]):
        httpx.delete(job, headers=headers)


# ---------------------------------------------------------------------------- programs


@pytest.mark.parametrize("kind", KINDS)
def test_programs_get_the_same_xml_whatever_their_accept_header(site: _Site, kind: str) -> None:
    url = site.urls[kind]
    baseline = _no_accept(url, site.headers)
    assert baseline.status == 200
    assert baseline.content_type == "application/xml"
    assert baseline.headers["vary"] == "Accept"  # caches keep the page and the XML apart
    assert _local(ET.fromstring(baseline.body).tag) == ROOTS[kind]
    for name, fetch in PROGRAMS.items():
        answer = fetch(url, site.headers)
        assert (answer.status, answer.content_type) == (200, "application/xml"), name
        assert answer.body == baseline.body, name


def test_the_examples_stay_xhtml_for_everyone(site: _Site) -> None:
    url = f"{site.server.tap_url}/examples"
    browser = _browser(url, site.headers)
    assert browser.headers["content-type"] == "application/xhtml+xml"
    assert browser.content == _no_accept(url, site.headers).body


# ---------------------------------------------------------------------------- people


def _page_of(site: _Site, kind: str) -> tuple[_Page, ET.Element]:
    """The page a browser gets for ``kind``, and the XML document programs get."""
    url = site.urls[kind]
    response = _browser(url, site.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["vary"] == "Accept"
    page = _Page(response.text)
    assert page.title.strip()
    hrefs = [href for href, _ in page.links]
    assert f"{site.server.url}/" in hrefs  # back to the home page
    assert url in hrefs  # the same address, for programs
    assert "XML" in page.text
    return page, ET.fromstring(_no_accept(url, site.headers).body)


def _shows(row: list[str], column: ET.Element) -> bool:
    """Whether a row of a page's table shows the column of the XML document."""
    data_type = next(e for e in column if _local(e.tag) == "dataType")
    cells = [" ".join(_text(column, tag).split()) for tag in ("name", "unit", "ucd", "description")]
    return (
        row[0] == cells[0]
        and row[1].startswith((data_type.text or "").strip())
        and (data_type.get("arraysize") or "") in row[1]
        and all(cell in row for cell in cells if cell)
        and all((flag.text or "") in row[-1] for flag in _find_all(column, "flag"))
    )


def _check_columns(page: _Page, table: ET.Element) -> None:
    columns = _find_all(table, "column")
    assert columns
    for column in columns:
        assert any(_shows(row, column) for row in page.rows), _text(column, "name")


@pytest.mark.parametrize("kind", ["tables", "table"])
def test_a_person_reads_the_tables_and_their_columns(site: _Site, kind: str) -> None:
    page, document = _page_of(site, kind)
    assert "ivoa.ObsCore" in page.text
    tables = [document] if kind == "table" else _find_all(document, "table")
    (obscore,) = [t for t in tables if _text(t, "name") == "ivoa.ObsCore"]
    (s_ra,) = [c for c in _find_all(obscore, "column") if _text(c, "name") == "s_ra"]
    assert _text(s_ra, "unit") == "deg"
    assert "deg" in page.row("s_ra")
    for table in tables:
        assert _text(table, "name") in page.text
        assert _text(table, "description") in page.text
        _check_columns(page, table)


def test_a_person_reads_the_list_of_tables(site: _Site) -> None:
    page, document = _page_of(site, "tables-min")
    names = [_text(t, "name") for t in _find_all(document, "table")]
    assert "ivoa.ObsCore" in names
    hrefs = dict(page.links)
    for name in names:
        own_page = f"{site.server.tap_url}/tables/{quote(name, safe='')}"
        assert own_page in hrefs, name
    assert "s_ra" not in page.text  # no columns in the short list


def test_a_person_reads_the_capabilities(site: _Site) -> None:
    page, document = _page_of(site, "capabilities")
    hrefs = [href for href, _ in page.links]
    for access in _find_all(document, "accessURL"):
        assert (access.text or "").strip() in hrefs
    tap = next(
        c for c in _find_all(document, "capability") if c.get("standardID", "").endswith("/TAP")
    )
    base = _text(next(e for e in tap.iter() if _local(e.tag) == "interface"), "accessURL")
    assert f"{base}/sync" in hrefs
    assert "ADQL" in page.text
    for form in _find_all(document, "form"):
        assert (form.text or "").strip() in page.text
    for mime in _find_all(document, "mime"):
        assert (mime.text or "").strip() in page.text
    for capability in _find_all(document, "capability"):
        assert capability.get("standardID", "") in page.text
    hard = next(e for e in _find_all(document, "outputLimit")[0] if _local(e.tag) == "hard")
    assert f"{int(hard.text or 0):,}" in page.text  # 20,000,000: written for people


def test_a_person_reads_the_availability(site: _Site) -> None:
    page, document = _page_of(site, "availability")
    assert _text(document, "available") == "true"
    assert "available" in page.text
    assert "not available" not in page.text
    assert _text(document, "upSince") in page.text
    for note in _find_all(document, "note"):
        assert (note.text or "").strip() in page.text


@pytest.mark.parametrize("kind", ["tap-jobs", "soda-jobs"])
def test_a_person_reads_the_job_list(site: _Site, kind: str) -> None:
    page, document = _page_of(site, kind)
    refs = _find_all(document, "jobref")
    assert len(refs) == 1
    for ref in refs:
        assert (ref.get(XLINK_HREF), ref.get("id")) in page.links
        row = page.row(ref.get("id") or "")
        for tag in ("phase", "creationTime", "ownerId"):
            assert _text(ref, tag) in row


@pytest.mark.parametrize("kind", ["tap-job", "soda-job"])
def test_a_person_reads_a_job(site: _Site, kind: str) -> None:
    page, document = _page_of(site, kind)
    job_id = _text(document, "jobId")
    assert job_id in page.title
    phase = _text(document, "phase")
    assert phase == ("COMPLETED" if kind == "tap-job" else "PENDING")
    assert page.row("Phase") == ["Phase", phase]
    for parameter in _find_all(document, "parameter"):
        assert page.row(parameter.get("id") or "")[1] == (parameter.text or "").strip()
    if kind == "tap-job":
        assert page.row("QUERY")[1] == ADQL
        results = _find_all(document, "result")
        assert results
        hrefs = [href for href, _ in page.links]
        for result in results:
            assert result.get(XLINK_HREF) in hrefs


# ---------------------------------------------------------------------------- /docs


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_api_docs_load_nothing_from_elsewhere(site: _Site, path: str) -> None:
    server = site.server
    response = httpx.get(f"{server.url}{path}", headers={"Accept": CHROMIUM}, timeout=60)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    own = urlsplit(server.url).netloc
    for address in re.findall(r"https?://[^\s\"'<>)]+", response.text):
        assert urlsplit(address).netloc == own, address
    page = _Page(response.text)
    scripts = [a for a in page.assets if a.endswith(".js")]
    styles = [a for a in page.assets if a.endswith(".css")]
    assert scripts
    if path == "/docs":
        assert styles
    kinds = {".js": "javascript", ".css": "text/css", ".png": "image/png"}
    for asset in page.assets:
        fetched = httpx.get(f"{server.url}{asset}" if asset.startswith("/") else asset)
        assert fetched.status_code == 200, asset
        wanted = next(v for k, v in kinds.items() if asset.endswith(k))
        assert wanted in fetched.headers["content-type"], asset
        assert len(fetched.content) > 1000
    spec = httpx.get(f"{server.url}/openapi.json", timeout=60).json()
    assert "/docs" not in spec["paths"]
    assert "/redoc" not in spec["paths"]


def test_the_api_docs_render_offline_in_chromium(site: _Site) -> None:
    """Swagger UI and ReDoc draw the API in a browser that may reach only this service."""
    executable = shutil.which("chromium")
    assert executable is not None, "chromium is not installed (scripts/install-system-deps.sh)"
    own = urlsplit(site.server.url).netloc
    elsewhere: list[str] = []

    def only_this_service(route: Route) -> None:
        if urlsplit(route.request.url).netloc in (own, ""):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=flags)
        try:
            page = browser.new_page()
            page.route("**/*", only_this_service)
            page.goto(f"{site.server.url}/docs", timeout=120_000)
            page.wait_for_selector(".swagger-ui .info .title", timeout=60_000)
            assert "Obscura" in page.inner_text(".swagger-ui .info .title")
            assert page.locator(".opblock-summary-path").count() > 5
            page.goto(f"{site.server.url}/redoc", timeout=120_000)
            page.wait_for_selector("h1", timeout=60_000)
            assert "Obscura" in page.inner_text("h1")
        finally:
            browser.close()
    assert elsewhere == []


# ---------------------------------------------------------------------------- the pages

_TABLESET = b"""<?xml version='1.0' encoding='utf-8'?>
<vosi:tableset xmlns:vosi="http://www.ivoa.net/xml/VOSITables/v1.0"
    xmlns:vs="http://www.ivoa.net/xml/VODataService/v1.1"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <schema>
    <name>cat</name>
    <description>Stars &amp; galaxies</description>
    <table type="output">
      <name>cat.stars</name>
      <description>Magnitudes &lt; 20 &amp; colours; &lt;script&gt;alert(1)&lt;/script&gt;
      </description>
      <column std="false">
        <name>mag_g</name>
        <description>g magnitude, where x &lt; y &amp; z</description>
        <unit>mag</unit>
        <ucd>phot.mag;em.opt.B</ucd>
        <dataType xsi:type="vs:VOTableType" arraysize="3">float</dataType>
        <flag>indexed</flag>
      </column>
    </table>
  </schema>
</vosi:tableset>
"""

_JOB = b"""<?xml version='1.0' encoding='utf-8'?>
<uws:job xmlns:uws="http://www.ivoa.net/xml/UWS/v1.0" xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="1.1">
  <uws:jobId>j&amp;1</uws:jobId>
  <uws:ownerId xsi:nil="true" />
  <uws:phase>ERROR</uws:phase>
  <uws:creationTime>2026-01-02T03:04:05.000Z</uws:creationTime>
  <uws:executionDuration>60</uws:executionDuration>
  <uws:parameters>
    <uws:parameter id="QUERY">SELECT a FROM t WHERE a &lt; 1 &amp; "b" &gt; 2</uws:parameter>
  </uws:parameters>
  <uws:results>
    <uws:result id="result" xlink:href="https://x.example/jobs/j1/results/result?a=1&amp;b=2"
        mime-type="text/csv" size="12345" />
  </uws:results>
  <uws:errorSummary type="fatal" hasDetail="true">
    <uws:message>Column &lt;b&gt; is unknown &amp; so on</uws:message>
  </uws:errorSummary>
</uws:job>
"""


def test_tables_page_escapes_what_the_document_says() -> None:
    html = vosi_pages.tables_page(_TABLESET, url="https://x.example/tap/tables?detail=max")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Magnitudes &lt; 20 &amp; colours" in html
    assert "g magnitude, where x &lt; y &amp; z" in html
    assert "Stars &amp; galaxies" in html
    page = _Page(html)
    assert page.row("mag_g") == [
        "mag_g",
        "float[3]",
        "mag",
        "phot.mag;em.opt.B",
        "g magnitude, where x < y & z",
        "indexed",
    ]
    assert ("https://x.example/tap/tables/cat.stars", "cat.stars") in page.links
    assert (
        "https://x.example/tap/tables?detail=max",
        "https://x.example/tap/tables?detail=max",
    ) in (page.links)
    assert ("/", "Obscura: the archive home page") in page.links


def test_job_page_escapes_parameters_results_and_errors() -> None:
    html = uws_pages.job_page(_JOB, url="https://x.example/jobs/j1", home_url="https://x/")
    assert "<b>" not in html
    assert "Column &lt;b&gt; is unknown &amp; so on" in html
    assert "a &lt; 1 &amp; &quot;b&quot; &gt; 2" in html
    assert 'href="https://x.example/jobs/j1/results/result?a=1&amp;b=2"' in html
    page = _Page(html)
    assert page.title == "Job j&1"
    assert page.row("Phase") == ["Phase", "ERROR"]
    assert page.row("QUERY")[1] == 'SELECT a FROM t WHERE a < 1 & "b" > 2'
    assert ["result", "text/csv", "12,345 bytes"] in page.rows
    assert ("https://x.example/jobs/j1/error", "The error document.") in page.links
    assert ("https://x.example/jobs", "All your jobs") in page.links
    assert "Owner" not in page.text  # nil: left out


def test_job_list_availability_and_capabilities_pages() -> None:
    jobs = uws_pages.job_list_page(
        b'<jobs xmlns="http://www.ivoa.net/xml/UWS/v1.0" xmlns:x="http://www.w3.org/1999/xlink">'
        b'<jobref id="a&lt;1" x:href="https://x/jobs/a%3C1"><phase>QUEUED</phase>'
        b"<creationTime>2026-01-01T00:00:00Z</creationTime></jobref></jobs>",
        url="https://x/jobs",
    )
    assert ("https://x/jobs/a%3C1", "a<1") in _Page(jobs).links
    assert "a&lt;1" in jobs
    assert "No jobs." in uws_pages.job_list_page(b"<jobs/>", url="https://x/jobs")
    down = vosi_pages.availability_page(
        b'<a:availability xmlns:a="http://www.ivoa.net/xml/VOSIAvailability/v1.0">'
        b"<a:available>false</a:available><a:note>Database &lt;down&gt;</a:note>"
        b"</a:availability>",
        url="https://x/tap/availability",
    )
    assert "The service is not available." in _Page(down).text
    assert "Database &lt;down&gt;" in down
    capabilities = vosi_pages.capabilities_page(
        b'<v:capabilities xmlns:v="http://www.ivoa.net/xml/VOSICapabilities/v1.0">'
        b'<capability standardID="ivo://ivoa.net/std/TAP"><interface>'
        b'<accessURL use="base">https://x/tap</accessURL></interface>'
        b"<language><name>ADQL&amp;</name><version>2.1</version></language>"
        b"<outputFormat><mime>text/csv</mime><alias>csv</alias></outputFormat>"
        b'<uploadMethod ivo-id="ivo://ivoa.net/std/TAPRegExt#upload-inline"/>'
        b'<outputLimit><default unit="row">10</default><hard unit="row">20000</hard>'
        b"</outputLimit></capability>"
        b'<capability standardID="ivo://example/unknown#thing"/></v:capabilities>',
        url="https://x/tap/capabilities",
    )
    page = _Page(capabilities)
    assert "ADQL&amp;" in capabilities
    assert {"https://x/tap", "https://x/tap/sync", "https://x/tap/async"} <= {
        href for href, _ in page.links
    }
    assert page.row("Rows of a result")[1:] == ["10 rows", "20,000 rows"]
    assert "ivo://example/unknown#thing" in page.text
