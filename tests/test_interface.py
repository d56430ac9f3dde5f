"""The web interface at ``/``, used in a real browser as a newcomer would, against a real
server on both backends: run an example, sort, download, fix a mistyped column, search
images, pick a footprint, cut out pixels, run an async job, open a bad URL.

Expected values come from the services themselves, asked directly with httpx (the page
must show what a program would get), or from astropy. Screenshots of each flow are
saved, and with ``--update-golden`` (SQLite) copied into ``docs/images/``.
"""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import httpx
import numpy as np
import pytest
from astropy.io import fits
from astropy.io.votable import parse_single_table
from astropy.wcs import WCS
from playwright.sync_api import Browser, Page

from tests.support.browser import keep_screenshot
from tests.support.server import ServerProcess

TIMEOUT = 120_000
"""Milliseconds: first uses make demo files and previews, on a shared CPU."""


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors  # no script failed


def _shot(
    page: Page,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    name: str,
    selector: str | None = None,
) -> None:
    """A screenshot of the page (or of one element of it)."""
    shot = tmp_path / name
    if selector is None:
        page.screenshot(path=str(shot))
    else:
        page.locator(selector).screenshot(path=str(shot))
    if "sqlite" in request.node.callspec.id:
        keep_screenshot(request, shot, name)


def _csv(server: ServerProcess, query: str, **params: str) -> list[dict[str, str]]:
    answer = httpx.get(
        f"{server.url}/api/tap/sync",
        params={"LANG": "ADQL", "QUERY": query, "RESPONSEFORMAT": "csv", **params},
        timeout=60,
    )
    answer.raise_for_status()
    return list(csv.DictReader(io.StringIO(answer.text, newline="")))


def _status_rows(page: Page) -> int:
    page.wait_for_function("() => /\\d rows/.test(document.querySelector('#status').textContent)")
    match = re.match(r"([\d,]+) rows", page.text_content("#status") or "")
    assert match is not None
    return int(match.group(1).replace(",", ""))


def _grid_column(page: Page, name: str) -> list[str]:
    """The visible cells of a column, top to bottom."""
    return page.evaluate(
        """name => {
            const heads = [...document.querySelectorAll('#grid thead th')];
            const at = heads.findIndex(th => th.firstChild && th.firstChild.textContent
                                              .replace(/ [▲▼]$/, '') === name);
            return [...document.querySelectorAll('#grid tbody tr[data-row]')]
                .map(tr => tr.children[at].textContent);
        }""",
        name,
    )


def test_run_an_example_sort_and_download(
    page: Page,
    datalink_server: ServerProcess,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    page.goto(f"{datalink_server.url}/", wait_until="networkidle")
    example = page.locator("#examples option").nth(1)
    query = example.get_attribute("value")
    assert query
    page.select_option("#examples", index=1)
    assert page.input_value("#editor textarea") == query
    page.click("#run")
    expected = _csv(datalink_server, query, MAXREC="1000")
    assert _status_rows(page) == len(expected) > 0
    first = page.evaluate("() => obscura.grid.rows[0]")
    assert [str(v) for v in first][:2] == list(expected[0].values())[:2]
    _shot(page, request, tmp_path, "ui-query.png")

    page.click("#grid thead th:has-text('s_ra')")  # ascending
    ras = sorted(float(row["s_ra"]) for row in expected)
    assert float(_grid_column(page, "s_ra")[0]) == ras[0]
    page.click("#grid thead th:has-text('s_ra')")  # descending
    assert float(_grid_column(page, "s_ra")[0]) == ras[-1]

    with page.expect_download() as download:
        page.click("#downloads a:text-is('CSV')")
    saved = Path(download.value.path())
    assert list(csv.DictReader(io.StringIO(saved.read_text(), newline=""))) == expected
    with page.expect_download() as download:
        page.click("#downloads a:text-is('VOTable')")
    table = parse_single_table(download.value.path()).to_table()
    assert len(table) == len(expected)
    assert [str(x) for x in table["obs_publisher_did"]] == [
        row["obs_publisher_did"] for row in expected
    ]


def test_a_mistyped_column_is_marked_with_a_fix(
    page: Page, datalink_server: ServerProcess, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    page.goto(f"{datalink_server.url}/", wait_until="networkidle")
    page.fill("#editor textarea", "SELECT TOP 5 obs_id,\n  s_regoin\nFROM ivoa.ObsCore")
    page.click("#run")
    message = page.locator("#query-error")
    message.wait_for(state="visible")
    assert "Line 2, column 3" in message.inner_text()
    assert "did you mean 's_region'" in message.inner_text()
    assert page.text_content("#editor .backdrop mark") == "s_regoin"
    assert page.text_content("#editor .gutter .bad") == "2"
    _shot(page, request, tmp_path, "ui-error.png")

    page.click("#query-error button:has-text('Use s_region')")
    assert (
        page.input_value("#editor textarea")
        == "SELECT TOP 5 obs_id,\n  s_region\nFROM ivoa.ObsCore"
    )
    page.click("#run")
    assert _status_rows(page) == 5
    assert message.is_hidden()


def _sia_rows(server: ServerProcess, **params: str) -> list[dict[str, str]]:
    answer = httpx.get(
        f"{server.url}/api/sia/dp1/query",
        params={**params, "RESPONSEFORMAT": "csv"},
        timeout=60,
    )
    answer.raise_for_status()
    return list(csv.DictReader(io.StringIO(answer.text, newline="")))


def test_search_images_pick_a_footprint_and_cut_out_pixels(
    page: Page,
    datalink_server: ServerProcess,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    page.goto(f"{datalink_server.url}/?tab=images", wait_until="networkidle")
    page.select_option("#field-preset", label="Extended Chandra Deep Field South")
    page.fill("#sia-form input[name=radius]", "0.05")
    page.check("#sia-form input[name=calib][value='2']")
    page.check("#sia-form input[name=band][value='r']")
    page.click("#sia-form button[type=submit]")
    expected = _sia_rows(
        datalink_server,
        POS="CIRCLE 53.13 -28.1 0.05",
        CALIB="2",
        BAND="5.51e-07 6.891e-07",
        MAXREC="1000",
    )
    assert _status_rows(page) == len(expected) > 0
    assert "INTERSECTS(s_region, CIRCLE('ICRS', 53.13, -28.1, 0.05)) = 1" in (
        page.text_content("#sia-adql") or ""
    )
    drawn = page.evaluate("() => obscura.sky.items.map(item => item.row)")
    assert len(drawn) == len(expected)  # a footprint per image

    # Hover, then click, the footprint of the row with the smallest footprint area there.
    page.locator("#sky canvas").scroll_into_view_if_needed()
    canvas = page.locator("#sky canvas").bounding_box()
    assert canvas is not None
    target = page.evaluate(
        """() => {
            const sky = obscura.sky;
            const ratio = sky.canvas.width / sky.canvas.clientWidth;
            const [x, y] = sky.centreOf(7 % sky.items.length);
            return [x / ratio, y / ratio];
        }"""
    )
    page.mouse.move(canvas["x"] + target[0], canvas["y"] + target[1])
    tip = page.text_content("#sky .tip") or ""
    page.mouse.click(canvas["x"] + target[0], canvas["y"] + target[1])
    picked = page.evaluate("() => obscura.grid.selected")
    assert picked is not None
    row = expected[picked]
    assert tip.startswith(row["obs_id"])
    assert page.locator(f"#grid tr.selected[data-row='{picked}']").is_visible()
    heading = page.locator("#image h3")
    heading.wait_for()
    assert heading.text_content() == row["obs_id"]
    page.wait_for_function(
        "() => { const i = document.querySelector('#image .frame img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    _shot(page, request, tmp_path, "ui-images.png")

    # Draw a circle on the preview: press at a point, drag 14 CSS pixels to the right.
    # Whole CSS pixels, as mouse events carry them; the preview pixels they are follow
    # from the overlay's box and the image's natural size.
    page.locator("#image canvas.overlay[data-ready]").wait_for()  # the image's WCS is read
    page.locator("#image canvas.overlay").scroll_into_view_if_needed()
    overlay = page.locator("#image canvas.overlay").bounding_box()
    natural = page.evaluate(
        "() => { const i = document.querySelector('#image .frame img');"
        " return [i.naturalWidth, i.naturalHeight]; }"
    )
    assert overlay is not None
    per_css = natural[0] / overlay["width"]  # preview pixels per CSS pixel
    cx = round(overlay["x"] + 0.4 * overlay["width"])
    cy = round(overlay["y"] + 0.6 * overlay["height"])
    press = ((cx - overlay["x"]) * per_css, (cy - overlay["y"]) * per_css)  # from top left
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 14, cy, steps=4)
    page.mouse.up()
    download_link = page.locator("#image a.button")
    download_link.wait_for()
    _shot(page, request, tmp_path, "ui-cutout.png", "#image")
    with page.expect_download() as download:
        download_link.click()
    cutout = fits.open(download.value.path())

    # Where the press was, from the full image's own WCS (astropy), and the preview's
    # definition (the image block-averaged by an integer factor, first row at the top).
    file_url = _file_url(datalink_server, row["obs_publisher_did"])
    with fits.open(io.BytesIO(httpx.get(file_url, timeout=120).content)) as whole:
        image = whole["IMAGE"]
        width = image.header["NAXIS1"]
        factor = width // natural[0]
        x = press[0] * factor - 0.5  # 0-based pixel coordinates
        y = (natural[1] - press[1]) * factor - 0.5
        centre = WCS(image.header).pixel_to_world(x, y)
    image_hdu = cutout["IMAGE"] if "IMAGE" in cutout else cutout[1]
    cut_wcs = WCS(image_hdu.header)
    ny, nx = image_hdu.data.shape
    cut_centre = cut_wcs.pixel_to_world((nx - 1) / 2, (ny - 1) / 2)
    assert cut_centre.separation(centre).arcsec < 1.0  # one cutout pixel is 0.2"
    radius = 14 * per_css * factor * 0.2  # arcseconds, at 0.2" a pixel
    assert nx * 0.2 == pytest.approx(2 * radius, abs=1.0)
    assert np.isfinite(image_hdu.data).any()

    # A box: from the same point, 19 CSS pixels right and 9 down.
    page.select_option("#image select.shape", "box")
    page.locator("#image canvas.overlay").scroll_into_view_if_needed()
    moved = page.locator("#image canvas.overlay").bounding_box()
    assert moved is not None
    bx, by = round(moved["x"] + 0.4 * moved["width"]), round(moved["y"] + 0.6 * moved["height"])
    page.mouse.move(bx, by)
    page.mouse.down()
    page.mouse.move(bx + 19, by + 9, steps=4)
    page.mouse.up()
    assert "POLYGON=" in (download_link.get_attribute("href") or "")
    with page.expect_download() as download:
        download_link.click()
    box = fits.open(download.value.path())
    box_hdu = box["IMAGE"] if "IMAGE" in box else box[1]
    height, width = box_hdu.data.shape
    # The box is axis-aligned on the image: its sides in the file's pixels.
    assert width == pytest.approx(19 * per_css * factor, abs=3)
    assert height == pytest.approx(9 * per_css * factor, abs=3)


def _file_url(server: ServerProcess, did: str) -> str:
    links = httpx.get(f"{server.url}/api/datalink/links", params={"ID": did}, timeout=60)
    table = parse_single_table(io.BytesIO(links.content)).to_table()
    (url,) = [str(r["access_url"]) for r in table if r["semantics"] == "#this" and r["access_url"]]
    return url


def test_an_async_query_reaches_completed_and_shows_its_rows(
    page: Page, datalink_server: ServerProcess, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    page.goto(f"{datalink_server.url}/", wait_until="networkidle")
    query = "SELECT TOP 7 obs_id, lsst_band FROM ivoa.ObsCore ORDER BY obs_id"
    page.fill("#editor textarea", query)
    page.click("#run-async")
    page.locator("section#jobs").wait_for(state="visible")
    row = page.locator("#jobs tbody tr", has_text="SELECT TOP 7").first
    row.locator("td.phase:text-is('COMPLETED')").wait_for()
    _shot(page, request, tmp_path, "ui-jobs.png")
    row.locator("button:has-text('Show results')").click()
    assert _status_rows(page) == 7
    expected = [r["obs_id"] for r in _csv(datalink_server, query)]
    assert page.evaluate("() => obscura.grid.rows.map(r => r[0])") == expected

    page.click("nav [data-tab=jobs]")
    job_id = row.get_attribute("data-job")
    row.locator("button:has-text('Delete')").click()
    page.locator(f"#jobs tr[data-job='{job_id}']").wait_for(state="detached")
    gone = httpx.get(f"{datalink_server.url}/api/tap/async/{job_id}", timeout=60)
    assert gone.status_code == 404  # deleted on the service, not only from the page


def test_a_running_async_query_is_aborted_from_the_list(
    page: Page, datalink_server: ServerProcess
) -> None:
    page.goto(f"{datalink_server.url}/", wait_until="networkidle")
    # A self-join the demo cannot finish soon: it runs until aborted.
    page.fill(
        "#editor textarea",
        "SELECT TOP 100000000 a.obs_id FROM ivoa.ObsCore AS a, ivoa.ObsCore AS b "
        "WHERE DISTANCE(a.s_ra, a.s_dec, b.s_ra, b.s_dec) > 0.0001",
    )
    page.fill("#maxrec", "100000000")
    page.click("#run-async")
    row = page.locator("#jobs tbody tr", has_text="SELECT TOP 100000000").first
    row.locator("button:has-text('Abort')").click()
    row.locator("td.phase:text-is('ABORTED')").wait_for()
    job_id = row.get_attribute("data-job")
    phase = httpx.get(f"{datalink_server.url}/api/tap/async/{job_id}/phase", timeout=60)
    assert phase.text.strip() == "ABORTED"
    row.locator("button:has-text('Delete')").click()


def test_a_bad_sync_url_opened_directly_reads_as_a_page(
    page: Page, datalink_server: ServerProcess, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    query = "SELECT TOP 3 obs_id\nFROM ivoa.ObsCore\nWHERE s_dex < -30"
    url = f"{datalink_server.url}/api/tap/sync?" + urllib.parse.urlencode(
        {"LANG": "ADQL", "QUERY": query}
    )
    response = page.goto(url)
    assert response is not None
    assert response.status == 400
    # The message the program gets, shown to the person.
    program = ElementTree.fromstring(httpx.get(url, timeout=60).content)
    (status,) = [
        e for e in program.iter() if e.tag.endswith("INFO") and e.get("name") == "QUERY_STATUS"
    ]
    first_line = (status.text or "").splitlines()[0]
    shown = page.locator(".message").inner_text()
    assert first_line.split(": ", 1)[1] in shown
    assert page.locator("mark").is_visible()
    _shot(page, request, tmp_path, "ui-bad-url.png")
    page.click("text=Edit this query")
    page.wait_for_load_state("networkidle")
    assert page.input_value("#editor textarea") == query
