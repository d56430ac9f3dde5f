"""Namespaces of the VOSI documents and a small helper for writing them with ElementTree.

Names are written with their prefixes (``vosi:tableset``) and the prefixes are declared on
the root element by hand. The documents name XML types by prefix *inside attribute values*
(``xsi:type="vs:VOTableType"``), so the prefixes must be exactly the declared ones, and
ElementTree only picks prefixes of its own through a process-wide registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from xml.etree import ElementTree as ET

__all__ = [
    "NS_TR",
    "NS_VOSI_AVAILABILITY",
    "NS_VOSI_CAPABILITIES",
    "NS_VOSI_TABLES",
    "NS_VR",
    "NS_VS",
    "NS_XHTML",
    "NS_XSI",
    "add",
    "document",
    "root",
]

NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS_VR = "http://www.ivoa.net/xml/VOResource/v1.0"
NS_VS = "http://www.ivoa.net/xml/VODataService/v1.1"
NS_TR = "http://www.ivoa.net/xml/TAPRegExt/v1.0"
NS_VOSI_CAPABILITIES = "http://www.ivoa.net/xml/VOSICapabilities/v1.0"
NS_VOSI_AVAILABILITY = "http://www.ivoa.net/xml/VOSIAvailability/v1.0"
NS_VOSI_TABLES = "http://www.ivoa.net/xml/VOSITables/v1.0"
NS_XHTML = "http://www.w3.org/1999/xhtml"

Attributes = Mapping[str, str | None]
"""Attribute names (prefixed where namespaced) to values; None leaves the attribute out."""


def _attributes(attrs: Attributes | None) -> dict[str, str]:
    return {k: v for k, v in (attrs or {}).items() if v is not None}


def root(tag: str, namespaces: Mapping[str, str], attrs: Attributes | None = None) -> ET.Element:
    """A document's root element declaring ``namespaces`` (prefix to URI; "" = default)."""
    declared = {f"xmlns:{p}" if p else "xmlns": uri for p, uri in namespaces.items()}
    return ET.Element(tag, {**declared, **_attributes(attrs)})


def add(
    parent: ET.Element, tag: str, text: str | None = None, attrs: Attributes | None = None
) -> ET.Element:
    """Append a child element with optional text and attributes; return it."""
    element = ET.SubElement(parent, tag, _attributes(attrs))
    element.text = text
    return element


def document(top: ET.Element) -> bytes:
    """The UTF-8 document with an XML declaration, indented for people to read."""
    ET.indent(top)
    data: bytes = ET.tostring(top, encoding="utf-8", xml_declaration=True)
    return data
