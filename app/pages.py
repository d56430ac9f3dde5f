"""HTML pages for people (the landing page), written with escaping throughout."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from fastapi.routing import APIRoute

from app.services.archive import ArchiveSummary

__all__ = ["render_landing_page"]

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto;
       padding: 0 1rem; color: #1b1f24; line-height: 1.5; }
h1 { margin-bottom: 0; } .tagline { color: #57606a; margin-top: 0.2rem; }
table { border-collapse: collapse; } td, th { padding: 0.2rem 0.8rem; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr:nth-child(even) { background: #f6f8fa; } code { background: #f6f8fa; padding: 0 0.2rem; }
"""


def _endpoint_rows(routes: Sequence[Any], base_url: str) -> str:
    rows = []
    for route in routes:
        if isinstance(route, APIRoute) and route.include_in_schema:
            methods = ", ".join(sorted((route.methods or set()) - {"HEAD"}))
            url = escape(base_url + route.path)
            rows.append(
                f'<tr><td><a href="{url}">{escape(route.path)}</a></td>'
                f"<td>{escape(methods)}</td>"
                f"<td>{escape(route.summary or route.name)}</td></tr>"
            )
    if not rows:
        return "<p>No protocol endpoints are enabled yet.</p>"
    return (
        "<table><tr><th>Endpoint</th><th>Methods</th><th>What it does</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def render_landing_page(summary: ArchiveSummary, routes: Sequence[Any], base_url: str) -> str:
    """The landing page: the service, the data set it holds and the endpoints it serves."""
    counts = "".join(
        f'<tr><td><code>{escape(name)}</code></td><td class="n">{n:,}</td></tr>'
        for name, n in summary.by_subtype.items()
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Obscura: DP1-like image archive</title><style>{_STYLE}</style></head>
<body>
<h1>Obscura</h1>
<p class="tagline">An IVOA archive service for astronomical images.</p>
<h2>Data set</h2>
<p>An ObsCore 1.1 table, <code>ivoa.ObsCore</code>, modelled on Rubin Observatory's
Data Preview 1 (LSSTComCam raw, visit, difference and coadd images):
{summary.total:,} rows on {escape(summary.backend)}.</p>
<table><tr><th>dataproduct_subtype</th><th>rows</th></tr>{counts}</table>
<h2>Endpoints</h2>
{_endpoint_rows(routes, base_url)}
<p>The URL layout follows Rubin's data.lsst.cloud (<code>/api/tap</code>,
<code>/api/sia/dp1/query</code>, <code>/api/datalink/links</code>, <code>/api/cutout</code>),
so DP1 tutorial code needs only a new base URL.</p>
</body></html>
"""
