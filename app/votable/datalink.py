"""The DataLink 1.1 ``{links}`` document: one row per link of each ID asked for (the rows
of one ID together), then the service descriptors the rows' ``service_def`` name.

A VOTable 1.4 with TABLEDATA, as DataLink asks for, whose results RESOURCE carries the
``standardID`` INFO DataLink 1.1 requires (before its TABLE, as VOTable's element order
wants), and ``QUERY_STATUS`` OVERFLOW after it when not every ID could be answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.votable.elements import document_start, escape_attribute, escape_text, info_element

__all__ = ["DATALINK_MIME", "DATALINK_STANDARD", "LinkRow", "links_document"]

DATALINK_STANDARD = "ivo://ivoa.net/std/DataLink#links-1.1"
DATALINK_MIME = "application/x-votable+xml;content=datalink"


@dataclass(frozen=True, slots=True)
class LinkRow:
    """One link: exactly one of ``access_url``, ``service_def``, ``error_message``."""

    id: str
    semantics: str
    access_url: str | None = None
    service_def: str | None = None
    error_message: str | None = None
    description: str | None = None
    content_type: str | None = None
    content_length: int | None = None
    content_qualifier: str | None = None
    local_semantics: str | None = None


_FIELDS = (
    # name, datatype, arraysize, ucd, unit, description
    ("ID", "char", "*", "meta.id;meta.main", None, "The identifier this link is for"),
    ("access_url", "char", "*", "meta.ref.url", None, "Where to get the linked resource"),
    ("service_def", "char", "*", "meta.ref", None, "The service descriptor to call"),
    ("error_message", "char", "*", "meta.code.error", None, "Why there is no link"),
    ("description", "char", "*", "meta.note", None, "What the link is"),
    ("semantics", "char", "*", "meta.code", None, "The link's relation to the dataset"),
    ("content_type", "char", "*", "meta.code.mime", None, "Media type of the resource"),
    ("content_length", "long", None, "phys.size;meta.file", "byte", "Size of the resource"),
    ("content_qualifier", "char", "*", "meta.code.class", None, "What the resource holds"),
    ("local_semantics", "char", "*", "meta.code", None, "The link's role in this archive"),
)


def _field(name: str, datatype: str, arraysize: str | None, ucd: str, unit: str | None,
           description: str) -> str:  # fmt: skip
    attributes = [("name", name), ("ID", name), ("datatype", datatype),
                  ("arraysize", arraysize), ("ucd", ucd), ("unit", unit)]  # fmt: skip
    text = " ".join(f'{k}="{escape_attribute(v)}"' for k, v in attributes if v is not None)
    return f"<FIELD {text}><DESCRIPTION>{escape_text(description)}</DESCRIPTION></FIELD>\n"


def _cell(value: str | int | None) -> str:
    return "<TD/>" if value is None else f"<TD>{escape_text(str(value))}</TD>"


def _row(row: LinkRow) -> str:
    values = (
        row.id,
        row.access_url,
        row.service_def,
        row.error_message,
        row.description,
        row.semantics,
        row.content_type,
        row.content_length,
        row.content_qualifier,
        row.local_semantics,
    )
    return "<TR>" + "".join(_cell(v) for v in values) + "</TR>\n"


def links_document(
    rows: Sequence[LinkRow], descriptors: Sequence[str] = (), *, overflow: bool = False
) -> bytes:
    """The document: ``rows`` (an ID's rows together), then the ``descriptors``
    (RESOURCE elements as text)."""
    parts = [
        document_start(),
        info_element("standardID", DATALINK_STANDARD),
        "<TABLE>\n",
        *(_field(*spec) for spec in _FIELDS),
        "<DATA><TABLEDATA>\n",
        *(_row(r) for r in rows),
        "</TABLEDATA></DATA>\n</TABLE>\n",
    ]
    if overflow:
        parts.append(info_element("QUERY_STATUS", "OVERFLOW"))
    parts.append("</RESOURCE>\n")
    parts.extend(descriptors)
    parts.append("</VOTABLE>\n")
    return "".join(parts).encode()
