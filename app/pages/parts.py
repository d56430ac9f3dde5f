"""What the pages for people share: their look, and reading XML documents by local name
(so a page does not depend on the prefixes or namespaces a document uses)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from html import escape
from xml.etree import ElementTree as ET

__all__ = [
    "PAGE_STYLE",
    "attr",
    "child",
    "children",
    "code",
    "grid",
    "link",
    "local",
    "page",
    "text",
]

PAGE_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 64rem; margin: 2rem auto;
       padding: 0 1rem; color: #1b1f24; line-height: 1.5; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; word-break: break-all; }
h3 { font-size: 1rem; margin-top: 1.5rem; }
table { border-collapse: collapse; margin: 0.5rem 0; }
td, th { padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
tr:nth-child(even) { background: #f6f8fa; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.error { color: #cf222e; font-weight: 600; } .ok { color: #1a7f37; font-weight: 600; }
code { background: #f6f8fa; padding: 0 0.2rem; } td:first-child { white-space: nowrap; }
.meta { color: #57606a; } nav { margin-bottom: 1rem; } .value { white-space: pre-wrap; }
"""
"""The pages' look (that of the DataLink page, ``app/pages/datalink.py``)."""


def local(name: str) -> str:
    """A tag or attribute name without its ``{namespace}``."""
    return name.rsplit("}", 1)[-1]


def children(element: ET.Element, name: str) -> Iterator[ET.Element]:
    return (child for child in element if local(child.tag) == name)


def child(element: ET.Element, name: str) -> ET.Element | None:
    return next(children(element, name), None)


def text(element: ET.Element | None, name: str | None = None) -> str:
    """The stripped text of ``element`` (or of its first child called ``name``); ""."""
    if element is not None and name is not None:
        element = child(element, name)
    return "" if element is None or element.text is None else element.text.strip()


def attr(element: ET.Element, name: str) -> str:
    """An attribute by local name, unqualified first (``type``, then ``xsi:type``)."""
    if name in element.attrib:
        return element.attrib[name]
    return next((v for k, v in element.attrib.items() if local(k) == name), "")


def link(url: str, text: str | None = None) -> str:
    return f'<a href="{escape(url)}">{escape(url if text is None else text)}</a>'


def code(text: str) -> str:
    return f"<code>{escape(text)}</code>" if text else ""


def grid(headings: Sequence[str] | None, rows: Sequence[Sequence[str]]) -> str:
    """A table of already escaped cells, with a row of ``headings`` if given."""
    head = "" if headings is None else "".join(f"<th>{escape(h)}</th>" for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{f'<tr>{head}</tr>' if head else ''}{body}</table>"


def page(title: str, body: str, *, url: str, home_url: str, document: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{PAGE_STYLE}</style></head><body>"
        f"<nav>{link(home_url, 'Obscura: the archive home page')}</nav>"
        f"<h1>{escape(title)}</h1>{body}"
        f'<p class="meta">This page is for people. Programs fetching the same address, '
        f"{link(url)}, get {escape(document)} as XML.</p>"
        "</body></html>\n"
    )
