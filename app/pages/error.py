"""An error as a page for a person in a browser: what went wrong, the query with the
place marked (for ADQL errors), and the ways back. No web framework here: the error edge
(``app/handlers/errors.py``) decides when to send it."""

from __future__ import annotations

import re
import urllib.parse
from html import escape

__all__ = ["render_error_page"]

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #1b1f24; line-height: 1.5; }
h1 { font-size: 1.4rem; color: #cf222e; }
.message { white-space: pre-wrap; font-size: 1.05rem; background: #fff8f8;
           border-left: 4px solid #cf222e; padding: 0.6rem 1rem; }
pre.query { background: #f6f8fa; padding: 0.8rem 1rem 0.8rem 0; overflow-x: auto;
            line-height: 1.4; }
pre.query span.no { display: inline-block; width: 3rem; color: #8c959f;
                    text-align: right; padding-right: 1rem; user-select: none; }
pre.query .bad { background: #ffebe9; }
pre.query mark { background: #ff8182; color: #1b1f24; border-radius: 2px; }
pre.query .caret { color: #cf222e; font-weight: bold; }
.meta { color: #57606a; } a { color: #0969da; }
"""


def _marked_query(query: str, line: int | None, column: int | None) -> str:
    """The query, its lines numbered; the line at fault highlighted, with the word (or
    character) at ``column`` marked and a caret under it."""
    rows = []
    for number, text in enumerate(query.splitlines() or [""], start=1):
        if number != line:
            rows.append(f'<span class="no">{number}</span>{escape(text)}')
            continue
        at = min(max((column or 1) - 1, 0), len(text))
        word = _WORD.match(text, at)
        end = word.end() if word else at + 1
        head, marked, tail = text[:at], text[at:end], text[end:]
        mark = f"<mark>{escape(marked)}</mark>" if marked else "<mark> </mark>"
        rows.append(
            f'<span class="bad"><span class="no">{number}</span>{escape(head)}{mark}'
            f"{escape(tail)}</span>"
        )
        rows.append(f'<span class="no"></span><span class="caret">{" " * at}^</span>')
    return '<pre class="query">' + "\n".join(rows) + "</pre>"


def render_error_page(
    message: str,
    status: int,
    *,
    query: str | None = None,
    line: int | None = None,
    column: int | None = None,
) -> str:
    """The page for an error answered with ``status``.

    Parameters
    ----------
    message
        The error's message, as the protocol's document would carry it.
    status
        The HTTP status.
    query
        The ADQL query at fault, if the request carried one.
    line, column
        Where in ``query`` the problem is (1-based), if known.
    """
    title = "The request could not be answered" if status < 500 else "The service failed"
    parts = [f'<h1>{escape(title)}</h1><p class="message">{escape(message)}</p>']
    if query is not None:
        where = f" (line {line}, column {column})" if line is not None else ""
        parts.append(f"<h2>The query{escape(where)}</h2>{_marked_query(query, line, column)}")
        edit = "/?" + urllib.parse.urlencode({"query": query})
        parts.append(f'<p><a href="{escape(edit)}">Edit this query</a> in the query page.</p>')
    parts.append(
        '<p class="meta"><a href="javascript:history.back()">Back</a> · '
        f'<a href="/">The archive\'s home page</a> · HTTP status {status}. Programs '
        "sending this request get the protocol's own error document.</p>"
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Error: {escape(message.splitlines()[0] if message else title)}</title>"
        f"<style>{_STYLE}</style></head><body>{''.join(parts)}</body></html>\n"
    )
