"""The DataLink links of some IDs as an HTML page for people: per dataset its preview,
a download button, and every link with what it is; errors said in words."""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from html import escape

from app.services.datalink import LinkedDataset
from app.votable.datalink import LinkRow

__all__ = ["render_links_page"]

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 64rem; margin: 2rem auto;
       padding: 0 1rem; color: #1b1f24; line-height: 1.5; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; word-break: break-all; }
.dataset { display: flex; gap: 1.5rem; align-items: flex-start; flex-wrap: wrap; }
.preview img { width: 20rem; max-width: 100%; border: 1px solid #d0d7de; background: #000; }
table { border-collapse: collapse; flex: 1; min-width: 24rem; }
td, th { padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
tr:nth-child(even) { background: #f6f8fa; }
.button { display: inline-block; padding: 0.4rem 0.9rem; background: #0969da; color: #fff;
          border-radius: 6px; text-decoration: none; font-weight: 600; }
.error { color: #cf222e; font-weight: 600; }
code { background: #f6f8fa; padding: 0 0.2rem; }
.meta { color: #57606a; }
"""


def _size(length: int | None) -> str:
    if length is None:
        return ""
    for unit in ("bytes", "kB", "MB", "GB"):
        if length < 1000 or unit == "GB":
            return f"{length:,.0f} {unit}" if unit == "bytes" else f"{length:,.1f} {unit}"
        length = length / 1000  # type: ignore[assignment]
    return ""


def _link_cell(row: LinkRow) -> str:
    if row.error_message:
        return f'<span class="error">{escape(row.error_message)}</span>'
    if row.access_url:
        return f'<a href="{escape(row.access_url)}">{escape(row.content_type or "link")}</a>'
    return f"service <code>{escape(row.service_def or '')}</code> (SODA)"


def _dataset(item: LinkedDataset) -> str:
    rows = item.rows
    this = next((r for r in rows if r.semantics == "#this" and r.access_url), None)
    preview = next((r for r in rows if r.semantics == "#preview"), None)
    parts = [f"<h2>{escape(item.id)}</h2>"]
    if item.dataset is None:
        message = rows[0].error_message if rows else "No such dataset"
        parts.append(f'<p class="error">{escape(message or "")}</p>')
        return "<section>" + "".join(parts) + "</section>"
    row = item.dataset.row
    facts = ", ".join(
        f"{name} {escape(str(row[key]))}"
        for name, key in (
            ("band", "lsst_band"),
            ("visit", "lsst_visit"),
            ("detector", "lsst_detector"),
            ("tract", "lsst_tract"),
            ("patch", "lsst_patch"),
        )
        if row.get(key) is not None
    )
    parts.append(f'<p class="meta">{escape(item.dataset.subtype.replace("_", " "))}: {facts}</p>')
    parts.append('<div class="dataset">')
    if preview is not None and preview.access_url:
        parts.append(
            f'<a class="preview" href="{escape(preview.access_url)}">'
            f'<img src="{escape(preview.access_url)}" alt="Preview of {escape(item.id)}"></a>'
        )
    table = ["<table><tr><th>link</th><th>what</th><th>size</th></tr>"]
    for link in rows:
        table.append(
            f"<tr><td>{escape(link.semantics)}</td><td>{escape(link.description or '')}<br>"
            f"{_link_cell(link)}</td><td>{_size(link.content_length)}</td></tr>"
        )
    table.append("</table>")
    parts.append("".join(table))
    parts.append("</div>")
    if this is not None and this.access_url:
        size = _size(this.content_length)
        parts.append(
            f'<p><a class="button" href="{escape(this.access_url)}" download>'
            f"Download the FITS file{f' ({size})' if size else ''}</a></p>"
        )
    cutout = _cutout_urls(item, this.access_url if this else None)
    if cutout is not None:
        fits_url, png_url = cutout
        parts.append(
            "<p>Cut out the 30 arcseconds around the image centre: "
            f'<a href="{escape(png_url)}">look at it</a> (PNG) or '
            f'<a href="{escape(fits_url)}">download it</a> (FITS: image, mask, variance), '
            "through the SODA service; change <code>CIRCLE</code> (RA, Dec, radius in "
            "degrees) in the address for another region.</p>"
        )
    return "<section>" + "".join(parts) + "</section>"


def _cutout_urls(item: LinkedDataset, file_url: str | None) -> tuple[str, str] | None:
    dataset = item.dataset
    if dataset is None or file_url is None or dataset.subtype in ("", "raw"):
        return None
    ra, dec = dataset.row.get("s_ra"), dataset.row.get("s_dec")
    if ra is None or dec is None:
        return None
    base = file_url.split("/api/datalink/", 1)[0] + "/api/cutout/sync?"
    query = {"ID": dataset.did, "CIRCLE": f"{ra:.6f} {dec:.6f} 0.00833"}
    fits_url = base + urllib.parse.urlencode({**query, "CUTOUTDETAIL": "MaskedImage"})
    png_url = base + urllib.parse.urlencode({**query, "RESPONSEFORMAT": "image/png"})
    return fits_url, png_url


def render_links_page(linked: Sequence[LinkedDataset], links_url: str) -> str:
    """The page; ``links_url`` is the VOTable's address, for programs."""
    body = "".join(_dataset(item) for item in linked) or "<p>No ID was given.</p>"
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<title>DataLink: what the archive has for these datasets</title>"
        f"<style>{_STYLE}</style></head><body>"
        "<h1>What the archive has for these datasets</h1>"
        f"{body}"
        f'<p class="meta">The same links for programs (DataLink 1.1 VOTable): '
        f'<a href="{escape(links_url)}">{escape(links_url)}</a></p>'
        "</body></html>\n"
    )
