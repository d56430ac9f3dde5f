"""A real browser for the tests of what a person sees: Debian's Chromium, headless, driven
by Playwright (no browser download). ``--update-golden`` also copies the screenshots
the tests take into ``docs/images/``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

__all__ = ["CHROMIUM_FLAGS", "DOCS_IMAGES", "browser", "keep_screenshot"]

DOCS_IMAGES = Path(__file__).parents[2] / "docs" / "images"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Without the background-networking flags, Chromium's calls home are refused by the
closed network, many at a time."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    assert executable is not None, "chromium is not installed (scripts/install-system-deps.sh)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


def keep_screenshot(request: pytest.FixtureRequest, shot: Path, name: str) -> None:
    """With ``--update-golden``, copy ``shot`` to ``docs/images/name``."""
    if request.config.getoption("--update-golden"):
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, DOCS_IMAGES / name)
