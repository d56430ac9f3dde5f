"""The VOSI documents (tables, capabilities, availability) as pages for people in a
browser, each rendered from the very XML document the endpoint sends programs. Every
text from a document is escaped.

Each page function takes that document (``xml``, bytes), its public URL (``url``, shown
to the person as the address programs use) and the service's home page (``home_url``),
and returns the page."""

from __future__ import annotations

from html import escape
from urllib.parse import quote
from xml.etree import ElementTree as ET

from app.pages import parts as markup

__all__ = ["availability_page", "capabilities_page", "tables_page"]

_STANDARDS = {
    "ivo://ivoa.net/std/tap": "TAP: table access (ADQL queries)",
    "ivo://ivoa.net/std/vosi#capabilities": "VOSI capabilities: this description",
    "ivo://ivoa.net/std/vosi#availability": "VOSI availability: whether the service is up",
    "ivo://ivoa.net/std/vosi#tables": "VOSI tables: the published tables and columns",
    "ivo://ivoa.net/std/vosi#tables-1.1": "VOSI tables: the published tables and columns",
    "ivo://ivoa.net/std/dali#examples": "DALI examples: queries to copy",
}
_FEATURES = {
    "features-adqlgeo": "Geometry",
    "features-adql-string": "String functions",
    "features-adql-sets": "Set operations",
    "features-adql-common-table": "Common table expressions",
    "features-adql-type": "Type conversion",
    "features-adql-conditional": "Conditional functions",
    "features-adql-unit": "Unit conversion",
    "features-adql-offset": "Row offset",
    "features-udf": "User-defined functions",
}
_UPLOADS = {
    "upload-inline": "inline, as a part of the request (multipart)",
    "upload-http": "by an http:// URL",
    "upload-https": "by an https:// URL",
}
_LIMITS = (
    ("retentionPeriod", "How long a job is kept", "s"),
    ("executionDuration", "How long a job may run", "s"),
    ("outputLimit", "Rows of a result", "row"),
    ("uploadLimit", "Size of an uploaded table", "byte"),
)


def _described(element: ET.Element) -> str:
    description = markup.text(element, "description")
    return f"<p>{escape(description)}</p>" if description else ""


def _datatype(column: ET.Element) -> str:
    element = markup.child(column, "dataType")
    if element is None:
        return ""
    text, size, xtype = (
        markup.text(element),
        markup.attr(element, "arraysize"),
        markup.attr(element, "extendedType"),
    )
    return escape(text + (f"[{size}]" if size else "") + (f" ({xtype})" if xtype else ""))


def _columns(table: ET.Element) -> str:
    rows = []
    for column in markup.children(table, "column"):
        flags = [markup.text(f) for f in markup.children(column, "flag")]
        if markup.attr(column, "std") == "true":
            flags.append("standard")
        rows.append(
            [
                markup.code(markup.text(column, "name")),
                _datatype(column),
                escape(markup.text(column, "unit")),
                escape(markup.text(column, "ucd")),
                escape(markup.text(column, "description")),
                escape(", ".join(flags)),
            ]
        )
    if not rows:
        return ""
    return markup.grid(["column", "datatype", "unit", "UCD", "description", "flags"], rows)


def _foreign_keys(table: ET.Element) -> str:
    items = []
    for key in markup.children(table, "foreignKey"):
        pairs = ", ".join(
            f"{markup.text(p, 'fromColumn')} → {markup.text(p, 'targetColumn')}"
            for p in markup.children(key, "fkColumn")
        )
        description = markup.text(key, "description")
        items.append(
            f"<li>to {markup.code(markup.text(key, 'targetTable'))} ({escape(pairs)})"
            f"{': ' + escape(description) if description else ''}</li>"
        )
    return f"<p>Foreign keys:</p><ul>{''.join(items)}</ul>" if items else ""


def _table(table: ET.Element, tables_url: str | None) -> str:
    name = markup.text(table, "name")
    heading = markup.code(name)
    if tables_url is not None:  # in the list of every table: link to the table's own page
        heading = markup.link(f"{tables_url}/{quote(name, safe='')}", name)
        heading = f"<code>{heading}</code>"
    return (
        f'<section id="{escape(name)}"><h3>{heading}</h3>{_described(table)}'
        f"{_columns(table)}{_foreign_keys(table)}</section>"
    )


def tables_page(xml: bytes, *, url: str, home_url: str = "/") -> str:
    """The VOSI tables document (``vosi:tableset``, or ``vosi:table`` for one table) as a
    page: each schema and table with its description and a table of its columns (name,
    datatype and arraysize, unit, UCD, description, flags), and its foreign keys.
    """
    top = ET.fromstring(xml)
    if markup.local(top.tag) == "table":
        name = markup.text(top, "name")
        body = _described(top) + _columns(top) + _foreign_keys(top)
        return markup.page(f"Table {name}", body, url=url, home_url=home_url, document="VOSI table")
    tables_url = url.split("?", 1)[0].rstrip("/")
    schemas = list(markup.children(top, "schema"))
    contents = "".join(
        f'<li><a href="#{escape(markup.text(t, "name"))}">{escape(markup.text(t, "name"))}</a></li>'
        for s in schemas
        for t in markup.children(s, "table")
    )
    parts = [
        "<p>The tables ADQL queries can read. Click a table for its own page.</p>",
        f"<ul>{contents}</ul>",
    ]
    for schema in schemas:
        parts.append(
            f"<h2>Schema {markup.code(markup.text(schema, 'name'))}</h2>{_described(schema)}"
        )
        parts.extend(_table(t, tables_url) for t in markup.children(schema, "table"))
    return markup.page(
        "Tables of this TAP service",
        "".join(parts),
        url=url,
        home_url=home_url,
        document="VOSI tables",
    )


def _standard(standard_id: str) -> str:
    return _STANDARDS.get(standard_id.lower(), standard_id or "Capability")


def _interfaces(capability: ET.Element, tap: bool) -> str:
    items = []
    for interface in markup.children(capability, "interface"):
        kind = "web page" if markup.attr(interface, "type").endswith("WebBrowser") else "HTTP"
        for access in markup.children(interface, "accessURL"):
            address = markup.text(access)
            items.append(f"<li>{markup.link(address)} ({escape(kind)})</li>")
            if tap and markup.attr(access, "use") == "base":  # TAP's resources below its base
                base = address.rstrip("/")
                items.append(f"<li>{markup.link(base + '/sync')} (synchronous queries)</li>")
                items.append(
                    f"<li>{markup.link(base + '/async')} (asynchronous queries: jobs)</li>"
                )
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _languages(capability: ET.Element) -> str:
    parts = []
    for language in markup.children(capability, "language"):
        versions = ", ".join(markup.text(v) for v in markup.children(language, "version"))
        parts.append(
            f"<h3>Language {escape(markup.text(language, 'name'))} {escape(versions)}</h3>"
            f"{_described(language)}"
        )
        rows = []
        for group in markup.children(language, "languageFeatures"):
            kind = markup.attr(group, "type")
            fragment = kind.rsplit("#", 1)[-1]
            forms = [markup.text(f, "form") for f in markup.children(group, "feature")]
            words = _FEATURES.get(fragment.lower(), fragment)
            rows.append([escape(words), ", ".join(markup.code(f) for f in forms)])
        if rows:
            parts.append(markup.grid(["optional features", "forms"], rows))
    return "".join(parts)


def _formats(capability: ET.Element) -> str:
    rows = [
        [
            markup.code(markup.text(o, "mime")),
            ", ".join(markup.code(markup.text(a)) for a in markup.children(o, "alias")),
        ]
        for o in markup.children(capability, "outputFormat")
    ]
    return "<h3>Output formats (RESPONSEFORMAT)</h3>" + markup.grid(["MIME type", "aliases"], rows)


def _number(text: str, unit: str) -> str:
    try:
        value = int(text)
    except ValueError:
        return escape(f"{text} {unit}")
    words = {"s": "seconds", "row": "rows", "byte": "bytes"}.get(unit, unit)
    extra = ""
    if unit == "s" and value >= 3600:
        extra = f" ({value / 86400:g} days)" if value >= 86400 else f" ({value / 3600:g} hours)"
    elif unit == "byte" and value >= 2**20:
        extra = f" ({value / 2**20:g} MiB)"
    return escape(f"{value:,} {words}{extra}")


def _limits(capability: ET.Element) -> str:
    rows = []
    for tag, what, unit in _LIMITS:
        element = markup.child(capability, tag)
        if element is None:
            continue
        cells = []
        for bound in ("default", "hard"):
            found = markup.child(element, bound)
            cells.append(
                ""
                if found is None
                else _number(markup.text(found), markup.attr(found, "unit") or unit)
            )
        rows.append([escape(what), *cells])
    return "<h3>Limits</h3>" + markup.grid(["", "by default", "at most"], rows) if rows else ""


def _capability(capability: ET.Element) -> str:
    standard_id = markup.attr(capability, "standardID")
    tap = standard_id.lower() == "ivo://ivoa.net/std/tap"
    parts = [
        f"<section><h2>{escape(_standard(standard_id))}</h2>",
        f'<p class="meta">{markup.code(standard_id)}</p>',
        _interfaces(capability, tap),
    ]
    models = [markup.text(m) for m in markup.children(capability, "dataModel")]
    if models:
        parts.append(f"<p>Data model: {', '.join(markup.code(m) for m in models)}</p>")
    parts.append(_languages(capability))
    if markup.child(capability, "outputFormat") is not None:
        parts.append(_formats(capability))
    uploads = [
        markup.attr(u, "ivo-id").rsplit("#", 1)[-1]
        for u in markup.children(capability, "uploadMethod")
    ]
    if uploads:
        items = "".join(f"<li>{escape(_UPLOADS.get(u.lower(), u))}</li>" for u in uploads)
        parts.append(f"<h3>Uploads (UPLOAD)</h3><ul>{items}</ul>")
    parts.append(_limits(capability))
    return "".join(parts) + "</section>"


def capabilities_page(xml: bytes, *, url: str, home_url: str = "/") -> str:
    """The VOSI capabilities document as a page: each capability (its standard in words),
    its access URLs as links, and for TAP the query languages with their features, the
    output formats, the upload methods and the limits.
    """
    top = ET.fromstring(xml)
    body = "".join(_capability(c) for c in markup.children(top, "capability"))
    return markup.page(
        "Capabilities of this TAP service",
        body,
        url=url,
        home_url=home_url,
        document="VOSI capabilities",
    )


def availability_page(xml: bytes, *, url: str, home_url: str = "/") -> str:
    """The VOSI availability document as a page: available or not, since when, notes."""
    top = ET.fromstring(xml)
    available = markup.text(top, "available").lower() in ("true", "1")
    state = (
        '<p class="ok">The service is available.</p>'
        if available
        else '<p class="error">The service is not available.</p>'
    )
    facts = [
        f"<li>{escape(what)}: {escape(markup.text(top, tag))}</li>"
        for tag, what in (("upSince", "Up since"), ("downAt", "Down at"), ("backAt", "Back at"))
        if markup.text(top, tag)
    ]
    notes = "".join(f"<p>{escape(markup.text(n))}</p>" for n in markup.children(top, "note"))
    body = state + (f"<ul>{''.join(facts)}</ul>" if facts else "") + notes
    return markup.page(
        "Availability of this TAP service",
        body,
        url=url,
        home_url=home_url,
        document="VOSI availability",
    )
