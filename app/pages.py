"""HTML pages for people (the landing page), written with escaping throughout."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

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


def _endpoint_rows(
    paths: Mapping[str, Mapping[str, Any]], base_url: str, path_values: Mapping[str, str]
) -> str:
    rows = []
    for template, operations in paths.items():
        path = template
        for name, value in path_values.items():
            path = path.replace(f"{{{name}}}", value)
        if "{" in path:  # a resource per job or table: not something to click
            continue
        methods = ", ".join(sorted(m.upper() for m in operations))
        summaries = list(dict.fromkeys(op.get("summary", "") for op in operations.values()))
        url = escape(base_url + path)
        rows.append(
            f'<tr><td><a href="{url}">{escape(path)}</a></td>'
            f"<td>{escape(methods)}</td>"
            f"<td>{escape('; '.join(s for s in summaries if s))}</td></tr>"
        )
    if not rows:
        return "<p>No protocol endpoints are enabled yet.</p>"
    return (
        "<table><tr><th>Endpoint</th><th>Methods</th><th>What it does</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def render_landing_page(
    summary: ArchiveSummary,
    paths: Mapping[str, Mapping[str, Any]],
    base_url: str,
    path_values: Mapping[str, str] | None = None,
) -> str:
    """The landing page: the service, the data set it holds and the endpoints it serves
    (``paths`` as in the OpenAPI document; ``path_values`` fill in path parameters, such
    as the SIA collection label)."""
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
{_endpoint_rows(paths, base_url, path_values or {})}
<p>The URL layout follows Rubin's data.lsst.cloud (<code>/api/tap</code>,
<code>/api/sia/dp1/query</code>, <code>/api/datalink/links</code>, <code>/api/cutout</code>),
so DP1 tutorial code needs only a new base URL.</p>
</body></html>
"""
