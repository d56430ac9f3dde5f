"""The XML around the rows of a VOTable: document start, INFO and FIELD elements, escaping."""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.formats.columns import declared_arraysize
from vometa import Field

__all__ = [
    "COOSYS_ID",
    "DOCUMENT_END",
    "TIMESYS_ID",
    "VOTABLE_NAMESPACE",
    "document_start",
    "escape_attribute",
    "escape_text",
    "field_element",
    "info_element",
    "reference_systems",
    "system_of",
    "table_start",
]

VOTABLE_NAMESPACE = "http://www.ivoa.net/xml/VOTable/v1.3"
"""VOTable 1.3, 1.4 and 1.5 share this namespace; the version is an attribute."""

DOCUMENT_END = "</RESOURCE>\n</VOTABLE>\n"

# Characters XML 1.0 does not allow at all, even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\t": "&#9;",
        "\n": "&#10;",
        "\r": "&#13;",
    }
)


def escape_text(text: str) -> str:
    """``text`` as XML character data; characters XML cannot carry become ``?``."""
    return _NOT_XML.sub("?", text).translate(_TEXT_ESCAPES)


def escape_attribute(text: str) -> str:
    """``text`` as a double-quoted XML attribute value, white space preserved."""
    return _NOT_XML.sub("?", text).translate(_ATTRIBUTE_ESCAPES)


def document_start(preamble: str = "") -> str:
    """The XML declaration and the opening VOTABLE and results RESOURCE elements, with
    ``preamble`` (whole elements, such as a service descriptor RESOURCE) between them."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://www.ivoa.net/xml/VOTable/v1.3'
        ' http://www.ivoa.net/xml/VOTable/VOTable-1.4.xsd">\n'
        f"{preamble}"
        '<RESOURCE type="results">\n'
    )


COOSYS_ID = "coosys"
TIMESYS_ID = "timesys"
_SYSTEMS = {
    COOSYS_ID: f'<COOSYS ID="{COOSYS_ID}" system="ICRS"/>\n',
    TIMESYS_ID: (
        f'<TIMESYS ID="{TIMESYS_ID}" timeorigin="MJD-origin" timescale="UTC"'
        ' refposition="TOPOCENTER"/>\n'
    ),
}


def system_of(field: Field) -> str | None:
    """The reference system a field's values are in: ICRS positions and footprints
    (UCD ``pos.eq...`` or ``pos.outline...``), or MJD times (``time.start``/``time.end``/
    ``time.epoch`` in days); None for anything else."""
    words = (field.ucd or "").lower().split(";")
    first = words[0]
    if first.startswith(("pos.eq", "pos.outline")):
        return COOSYS_ID
    if first in ("time.start", "time.end", "time.epoch") and field.unit == "d":
        return TIMESYS_ID
    return None


def reference_systems(fields: Sequence[Field]) -> str:
    """The COOSYS and TIMESYS elements the fields refer to (the archive's positions are
    ICRS, its times MJD in UTC)."""
    used = {system_of(f) for f in fields}
    return "".join(element for key, element in _SYSTEMS.items() if key in used)


def info_element(name: str, value: str, content: str | None = None) -> str:
    """An INFO element, with ``content`` as its text if given."""
    start = f'<INFO name="{escape_attribute(name)}" value="{escape_attribute(value)}"'
    if content is None:
        return start + "/>\n"
    return f"{start}>{escape_text(content)}</INFO>\n"


def field_element(field: Field) -> str:
    """The FIELD element describing ``field``."""
    attributes = [
        ("name", field.name),
        ("datatype", field.datatype),
        ("arraysize", declared_arraysize(field)),
        ("xtype", field.xtype),
        ("unit", field.unit),
        ("ucd", field.ucd),
        ("utype", field.utype),
        ("ref", system_of(field)),
    ]
    text = " ".join(f'{key}="{escape_attribute(value)}"' for key, value in attributes if value)
    if not field.description:
        return f"<FIELD {text}/>\n"
    description = escape_text(field.description)
    return f"<FIELD {text}>\n<DESCRIPTION>{description}</DESCRIPTION>\n</FIELD>\n"


def table_start(fields: Sequence[Field]) -> str:
    """The opening TABLE element and its FIELDs."""
    return "<TABLE>\n" + "".join(field_element(f) for f in fields)
