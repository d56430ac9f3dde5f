"""The VOSI capabilities document of an SIA 2.0 service (one collection).

The SIA query capability (``ivo://ivoa.net/std/SIA#query-2.0``, a ``vs:ParamHTTP``
interface whose ``accessURL`` is the query endpoint, as pyvo's ``SIA2Service`` looks it
up) and the VOSI capabilities and availability resources beside it.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from app.vosi._xml import NS_VOSI_CAPABILITIES, NS_VR, NS_VS, NS_XSI, add, document, root
from app.vosi.capabilities import VOSI_AVAILABILITY, VOSI_CAPABILITIES

__all__ = ["SIA_QUERY", "sia_capabilities_document"]

SIA_QUERY = "ivo://ivoa.net/std/SIA#query-2.0"


def _capability(top: ET.Element, standard_id: str, url: str, version: str | None = None) -> None:
    capability = add(top, "capability", attrs={"standardID": standard_id})
    interface = add(capability, "interface", attrs={"xsi:type": "vs:ParamHTTP", "role": "std"})
    if version is not None:
        interface.set("version", version)
    add(interface, "accessURL", url, {"use": "full"})


def sia_capabilities_document(service_url: str) -> bytes:
    """The capabilities of the SIA service whose resources are under ``service_url``
    (``.../api/sia/dp1``: ``/query``, ``/capabilities``, ``/availability``)."""
    top = root(
        "vosi:capabilities",
        {"vosi": NS_VOSI_CAPABILITIES, "vr": NS_VR, "vs": NS_VS, "xsi": NS_XSI},
    )
    _capability(top, SIA_QUERY, f"{service_url}/query", "2.0")
    _capability(top, VOSI_CAPABILITIES, f"{service_url}/capabilities")
    _capability(top, VOSI_AVAILABILITY, f"{service_url}/availability")
    return document(top)
