"""The archive's web interface at ``/``: the page, written with escaping throughout; its
script and style are static files (``app/static/ui``)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from app.paths import SIA_PATH
from app.services.archive import ArchiveSummary
from obscore.demo import FIELDS
from obscore.products import BANDS

__all__ = ["STATIC_UI", "interface_settings", "render_landing_page"]

STATIC_UI = "/static/ui"
"""Where the interface's script and style are served."""

_RELATIVE_UI = STATIC_UI.lstrip("/")
"""The page names every address relative to itself, so that it also works behind a proxy
that serves the archive under a path."""


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


def interface_settings(sia_collection: str) -> dict[str, Any]:
    """What the interface's search form offers: the DP1 bands (their wavelength ranges,
    for SIA's BAND) and target fields, and where the SIA service is."""
    return {
        "siaUrl": f"{SIA_PATH.lstrip('/')}/{sia_collection}/query",
        "bands": {name: [band.em_min, band.em_max] for name, band in BANDS.items()},
        "fields": [{"name": f.name, "ra": f.ra, "dec": f.dec} for f in FIELDS],
        "maxrec": 1000,
    }


def _settings_json(settings: Mapping[str, Any]) -> str:
    """Settings for the page's script, safe inside ``<script>`` (no ``</``)."""
    return json.dumps(settings).replace("</", "<\\/")


def _field_options(fields: Sequence[Mapping[str, Any]]) -> str:
    return "".join(
        f'<option value="{i}">{escape(field["name"])}</option>' for i, field in enumerate(fields)
    )


def _band_boxes(bands: Mapping[str, Any]) -> str:
    return " ".join(
        f'<label><input type="checkbox" name="band" value="{escape(name)}"> {escape(name)}</label>'
        for name in bands
    )


def render_landing_page(
    summary: ArchiveSummary,
    paths: Mapping[str, Mapping[str, Any]],
    base_url: str,
    path_values: Mapping[str, str] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> str:
    """The archive's web interface, with what the landing page says (the service, the data
    set it holds and the endpoints it serves, under "About").

    ``paths`` are the OpenAPI document's; ``path_values`` fill in path parameters, such as
    the SIA collection label; ``settings`` go to the page's script: ``siaUrl``, ``bands``
    (name: [low, high] wavelengths in metres), ``fields`` (name, ra, dec) and
    ``maxrec`` (the editor's default MAXREC).
    """
    settings = dict(settings or {})
    counts = "".join(
        f'<tr><td><code>{escape(name)}</code></td><td class="n">{n:,}</td></tr>'
        for name, n in summary.by_subtype.items()
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Obscura: DP1-like image archive</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{_RELATIVE_UI}/style.css">
<script id="settings" type="application/json">{_settings_json(settings)}</script>
<script type="module" src="{_RELATIVE_UI}/main.js"></script>
</head>
<body>
<header><h1>Obscura</h1>
<span class="tagline">An IVOA archive of astronomical images: {summary.total:,} images on
{escape(summary.backend)}</span>
<span class="links"><a href="docs">API</a><a href="api/tap/tables">Tables</a>
<a href="api/tap/capabilities">Capabilities</a></span></header>
<nav role="tablist">
<button type="button" data-tab="query" aria-selected="true">Query (ADQL)</button>
<button type="button" data-tab="images">Image search</button>
<button type="button" data-tab="jobs">Jobs</button>
<button type="button" data-tab="about">About</button>
</nav>
<main>
<section data-tab="query">
<div class="query-layout">
<aside><strong>Tables</strong> <span class="note">(click a name to insert it)</span>
<div id="tables"></div></aside>
<div>
<div class="toolbar">
<button type="button" id="run" class="primary" title="Ctrl+Enter">Run</button>
<button type="button" id="run-async">Run async</button>
<label>MAXREC <input id="maxrec" type="number" min="0" value="{int(settings.get("maxrec", 1000))}"
 style="width:7rem"></label>
<select id="examples" aria-label="Examples"><option value="">Examples…</option></select>
</div>
<div id="editor"><div class="gutter" aria-hidden="true"></div><div class="area">
<div class="backdrop" aria-hidden="true"></div>
<textarea spellcheck="false" aria-label="ADQL query"></textarea></div></div>
<div id="query-error" role="alert" hidden></div>
</div></div>
</section>
<section data-tab="images" hidden>
<form id="sia-form">
<fieldset><legend>Position (ICRS degrees)</legend>
<label>RA <input type="text" name="ra" value="53.13"></label>
<label>Dec <input type="text" name="dec" value="-28.10"></label>
<label>radius <input type="text" name="radius" value="0.1"></label>
<p><label>Field <select id="field-preset"><option value="">choose a target field…</option>
{_field_options(settings.get("fields", []))}</select></label></p>
<label>or a polygon (RA Dec of each vertex)<textarea name="polygon" rows="2"
 placeholder="52.9 -28.2 53.3 -28.2 53.3 -27.9 52.9 -27.9"></textarea></label>
</fieldset>
<fieldset><legend>Bands</legend>{_band_boxes(settings.get("bands", {}))}</fieldset>
<fieldset><legend>Time (MJD or UTC date)</legend>
<label>from <input type="text" name="time_start" placeholder="2024-11-01"></label>
<label>to <input type="text" name="time_end" placeholder="60650"></label></fieldset>
<fieldset><legend>Product</legend>
<label>type <select name="dptype"><option value="">any</option><option>image</option>
<option>cube</option></select></label>
<p>calibration level:
<label><input type="checkbox" name="calib" value="1"> 1 raw</label>
<label><input type="checkbox" name="calib" value="2"> 2 visit</label>
<label><input type="checkbox" name="calib" value="3"> 3 difference, coadd</label></p>
<label>exposure time (s) <input type="number" name="exptime_min" placeholder="min"
 style="width:5rem"> to <input type="number" name="exptime_max" placeholder="max"
 style="width:5rem"></label>
<label>MAXREC <input type="number" name="maxrec" value="1000" style="width:6rem"></label>
</fieldset>
<p><button type="submit" class="primary">Search images</button></p>
</form>
<div id="sia-adql-block" hidden><p>The search ran this ADQL query:
<button type="button" id="sia-edit">Edit it in the query editor</button></p>
<pre id="sia-adql"></pre></div>
</section>
<section data-tab="jobs" id="jobs" hidden>
<p class="note"></p>
<table><thead><tr><th>job</th><th>phase</th><th>created (UTC)</th><th>query</th><th></th></tr>
</thead><tbody></tbody></table>
</section>
<section data-tab="about" id="about" hidden>
<h2>Data set</h2>
<p>An ObsCore 1.1 table, <code>ivoa.ObsCore</code>, modelled on Rubin Observatory's
Data Preview 1 (LSSTComCam raw, visit, difference and coadd images):
{summary.total:,} rows on {escape(summary.backend)}.</p>
<table><tr><th>dataproduct_subtype</th><th>rows</th></tr>{counts}</table>
<h2>Endpoints</h2>
{_endpoint_rows(paths, base_url, path_values or {})}
<p>The URL layout follows Rubin's data.lsst.cloud (<code>/api/tap</code>,
<code>/api/sia/dp1/query</code>, <code>/api/datalink/links</code>, <code>/api/cutout</code>),
so DP1 tutorial code needs only a new base URL. Every page here uses those services as
any client would.</p>
</section>
<section id="result" hidden>
<div class="result-bar"><span id="status" role="status"></span>
<button type="button" id="stop" hidden>Stop</button><span id="downloads"></span></div>
<div class="result-layout">
<div id="grid"><div class="grid-scroll"><table></table></div></div>
<div><div id="sky"><canvas width="960" height="768"></canvas><div class="tip" hidden></div></div>
<div id="image" hidden></div></div>
</div>
</section>
</main>
</body></html>
"""
