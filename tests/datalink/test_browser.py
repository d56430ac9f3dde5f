"""What a person sees: the DataLink page and a preview opened in a real browser
(``tests/support/browser.py``). ``--update-golden`` also saves the screenshots into
``docs/images/``."""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.support.browser import keep_screenshot
from tests.support.server import ServerProcess


def test_a_person_reads_the_links_and_sees_the_preview(
    browser: Browser,
    datalink_server: ServerProcess,
    sample_rows: dict[str, dict[str, Any]],
    tmp_path: Path,
    request: pytest.FixtureRequest,
    demo_url: str,
) -> None:
    row = sample_rows["visit_image"]
    url = f"{datalink_server.url}/api/datalink/links?" + urllib.parse.urlencode(
        {"ID": row["obs_publisher_did"]}
    )
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    response = page.goto(url, wait_until="networkidle", timeout=120_000)
    assert response is not None
    assert response.status == 200
    assert page.title() == "DataLink: what the archive has for these datasets"
    assert page.get_by_text("Download the FITS file").is_visible()
    assert page.get_by_text(f"visit {row['lsst_visit']}").first.is_visible()
    assert page.locator("text=#progenitor").first.is_visible()
    image = page.locator("img").first
    assert image.evaluate("img => img.complete && img.naturalWidth") >= 900  # it loaded
    shot = tmp_path / "datalink-page.png"
    page.screenshot(path=str(shot), full_page=True)
    backend = "postgresql" if demo_url.startswith("postgresql") else "sqlite"
    if backend == "sqlite":
        keep_screenshot(request, shot, "datalink-page.png")

    cutout_url = page.get_by_text("look at it").get_attribute("href")
    assert cutout_url is not None
    preview_url = image.evaluate("img => img.src")
    page.goto(preview_url, wait_until="load", timeout=120_000)
    size = page.evaluate(
        "() => [document.images[0].naturalWidth, document.images[0].naturalHeight]"
    )
    assert max(size) == 1024 or max(size) >= 900
    shot = tmp_path / "preview.png"
    page.screenshot(path=str(shot))
    if backend == "sqlite":
        keep_screenshot(request, shot, "preview.png")

    response = page.goto(cutout_url, wait_until="load", timeout=120_000)  # SODA, as a PNG
    assert response is not None
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"
    size = page.evaluate("() => [document.images[0].naturalWidth, document.images[0].height]")
    assert 250 <= max(size) <= 400  # 60 arcseconds at 0.2"/px
    page.close()
