"""Benchmark: the web interface's weight and speed, in Debian's Chromium (headless, through
Playwright) against ``obscura serve`` on the demo archive in SQLite (53,525 rows).

Not a test. Measures, ``--repeat`` times each, the median of:

1. the first render of ``/`` in a fresh browser context (no cache): bytes and requests,
   first contentful paint, the load event, and the moment the interface is ready (the
   tables and examples read from the service);
2. a result drawn in the grid: n full ObsCore rows (``SELECT TOP n *``; for 100,000, more
   than the demo holds, the rows of a self-join on ``obs_id``) run from the editor with
   MAXREC n, for n = 10,000 and 100,000, from the click on Run to the rows on screen, with
   the JSON response's size; then a scroll to the last row of the virtual grid;
3. the HTML page of the same 10,000-row query opened directly (what a browser gets from a
   sync URL; it shows the first ``PAGE_ROWS``): bytes and the load event.

    .venv/bin/python bench/interface_bench.py [--repeat R]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1]))

from common import machine, revision
from playwright.sync_api import Browser, Page, sync_playwright

from app.formats.html_table import PAGE_ROWS
from app.storage.archive import fill_archive
from app.storage.database import create_sync_engine
from obscore.demo import generate_dp1
from tests.support.browser import CHROMIUM_FLAGS
from tests.support.server import ServerProcess


def _fresh_page(browser: Browser) -> tuple[Any, Page, dict[str, int]]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    traffic = {"bytes": 0, "requests": 0}

    def count(request: Any) -> None:
        traffic["requests"] += 1
        traffic["bytes"] += request.sizes()["responseBodySize"]

    page.on("requestfinished", count)
    return context, page, traffic


def first_render(browser: Browser, url: str) -> dict[str, float]:
    context, page, traffic = _fresh_page(browser)
    started = time.perf_counter()
    page.goto(f"{url}/", wait_until="load")
    page.wait_for_function(
        "() => document.querySelector('#tables details') &&"
        " document.querySelectorAll('#examples option').length > 1"
    )
    ready = time.perf_counter() - started
    timing = page.evaluate(
        """() => {
            const paint = performance.getEntriesByName('first-contentful-paint')[0];
            const nav = performance.getEntriesByType('navigation')[0];
            return {fcp: paint ? paint.startTime : NaN, load: nav.loadEventEnd};
        }"""
    )
    context.close()
    return {
        "bytes": traffic["bytes"],
        "requests": traffic["requests"],
        "fcp_ms": timing["fcp"],
        "load_ms": timing["load"],
        "ready_ms": ready * 1000,
    }


def _query(rows: int) -> str:
    """``rows`` full ObsCore rows. The demo has 53,525: beyond that, rows of a self-join
    on ``obs_id`` (the products of one exposure share it), ObsCore's columns only."""
    if rows <= 50_000:
        return f"SELECT TOP {rows} * FROM ivoa.ObsCore"
    return (
        f"SELECT TOP {rows} a.* FROM ivoa.ObsCore AS a "
        "JOIN ivoa.ObsCore AS b ON a.obs_id = b.obs_id"
    )


def grid_result(browser: Browser, url: str, rows: int) -> dict[str, float]:
    context, page, _ = _fresh_page(browser)
    page.set_default_timeout(600_000)
    page.goto(f"{url}/", wait_until="networkidle")
    page.fill("#editor textarea", _query(rows))
    page.fill("#maxrec", str(rows))
    sizes: list[int] = []
    page.on(
        "requestfinished",
        lambda r: sizes.append(r.sizes()["responseBodySize"]) if "/api/tap/sync" in r.url else None,
    )
    started = time.perf_counter()
    page.click("#run")
    page.wait_for_function(
        "n => obscura.grid.rows.length === n &&"
        " document.querySelectorAll('#grid tbody tr[data-row]').length > 0",
        arg=rows,
    )
    shown = time.perf_counter() - started
    started = time.perf_counter()
    page.evaluate(
        "() => { const s = document.querySelector('#grid .grid-scroll');"
        " s.scrollTop = s.scrollHeight; s.dispatchEvent(new Event('scroll')); }"
    )
    page.wait_for_function(
        "n => [...document.querySelectorAll('#grid tbody tr[data-row]')]"
        ".some(tr => Number(tr.dataset.row) === n - 1)",
        arg=rows,
    )
    scrolled = time.perf_counter() - started
    context.close()
    return {"shown_ms": shown * 1000, "scroll_ms": scrolled * 1000, "json_bytes": sizes[-1]}


def html_page(browser: Browser, url: str, rows: int) -> dict[str, float]:
    context, page, traffic = _fresh_page(browser)
    page.set_default_timeout(600_000)
    query = urllib.parse.urlencode(
        {"LANG": "ADQL", "QUERY": f"SELECT TOP {rows} * FROM ivoa.ObsCore", "MAXREC": rows}
    )
    page.goto(f"{url}/api/tap/sync?{query}", wait_until="load")
    load = page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
    context.close()
    return {"bytes": traffic["bytes"], "load_ms": load}


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def _repeat(times: int, measure: Callable[[], dict[str, float]]) -> dict[str, float]:
    return _median([measure() for _ in range(times)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("chromium is not installed (scripts/install-system-deps.sh)")
    with tempfile.TemporaryDirectory(prefix="obscura-ui-") as temporary:
        root = Path(temporary)
        database = f"sqlite:///{root / 'demo.db'}"
        engine = create_sync_engine(database)
        fill_archive(engine, generate_dp1(), replace=True, progress=False)
        engine.dispose()
        server = ServerProcess(database, root / "server")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=executable, args=CHROMIUM_FLAGS
                )
                first = _repeat(args.repeat, lambda: first_render(browser, server.url))
                grids = {
                    n: _repeat(args.repeat, lambda n=n: grid_result(browser, server.url, n))
                    for n in (10_000, 100_000)
                }
                page = _repeat(args.repeat, lambda: html_page(browser, server.url, 10_000))
                browser.close()
        finally:
            server.stop()
    print(f"# Interface, Chromium headless; {machine()}; revision {revision()}")
    print(f"# medians of {args.repeat} runs\n")
    print("| what | size | time |")
    print("|---|---|---|")
    print(
        f"| first render of `/` ({first['requests']:.0f} requests) | "
        f"{first['bytes'] / 1024:.0f} KiB | first paint {first['fcp_ms']:.0f} ms, load "
        f"{first['load_ms']:.0f} ms, ready (tables, examples) {first['ready_ms']:.0f} ms |"
    )
    for n, grid in grids.items():
        print(
            f"| {n:,} full rows in the grid (JSON) | {grid['json_bytes'] / 1024**2:.1f} MiB | "
            f"Run to rows shown {grid['shown_ms']:.0f} ms; scroll to the last row "
            f"{grid['scroll_ms']:.0f} ms |"
        )
    print(
        f"| a 10,000-row sync URL opened directly (HTML page, first {PAGE_ROWS:,} rows) | "
        f"{page['bytes'] / 1024**2:.1f} MiB"
        f" | load {page['load_ms']:.0f} ms |"
    )


if __name__ == "__main__":
    main()
