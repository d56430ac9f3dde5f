"""The SODA service's self-description: its VOSI capabilities (SODA sync-1.0 and
async-1.0, spelled ``standardID`` as VOResource spells it) and its DALI examples page (a
sync cutout, written as DALI's ``generic-parameter`` key/value pairs)."""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree as ET

from app.vosi._xml import NS_VOSI_CAPABILITIES, NS_VR, NS_VS, NS_XHTML, NS_XSI, add, document, root
from app.vosi.capabilities import DALI_EXAMPLES, VOSI_AVAILABILITY, VOSI_CAPABILITIES
from app.vosi.examples import EXAMPLES_VOCABULARY

__all__ = ["SODA_ASYNC", "SODA_SYNC", "soda_capabilities_document", "soda_examples_document"]

SODA_SYNC = "ivo://ivoa.net/std/SODA#sync-1.0"
SODA_ASYNC = "ivo://ivoa.net/std/SODA#async-1.0"


def _capability(top: ET.Element, standard_id: str, url: str, interface: str) -> None:
    capability = add(top, "capability", attrs={"standardID": standard_id})
    element = add(capability, "interface", attrs={"xsi:type": interface, "role": "std"})
    add(element, "accessURL", url, {"use": "full"})


def soda_capabilities_document(service_url: str) -> bytes:
    """The capabilities of the SODA service under ``service_url`` (``.../api/cutout``)."""
    top = root(
        "vosi:capabilities",
        {"vosi": NS_VOSI_CAPABILITIES, "vr": NS_VR, "vs": NS_VS, "xsi": NS_XSI},
    )
    _capability(top, SODA_SYNC, f"{service_url}/sync", "vs:ParamHTTP")
    _capability(top, SODA_ASYNC, f"{service_url}/jobs", "vs:ParamHTTP")
    _capability(top, VOSI_CAPABILITIES, f"{service_url}/capabilities", "vs:ParamHTTP")
    _capability(top, VOSI_AVAILABILITY, f"{service_url}/availability", "vs:ParamHTTP")
    _capability(top, DALI_EXAMPLES, f"{service_url}/examples", "vr:WebBrowser")
    return document(top)


def soda_examples_document(
    service_url: str, examples: Sequence[tuple[str, str, str, Sequence[tuple[str, str]]]]
) -> bytes:
    """The examples page: (id, name, explanation, parameters) each."""
    html = root("html", {"": NS_XHTML}, {"lang": "en", "xml:lang": "en"})
    head = add(html, "head")
    add(head, "meta", attrs={"charset": "utf-8"})
    add(head, "title", "SODA examples")
    body = add(html, "body")
    add(body, "h1", "SODA cutout examples")
    intro = add(body, "p", "Cutouts from the synchronous endpoint ")
    add(intro, "code", f"{service_url}/sync").tail = "; each is one request with these parameters."
    container = add(body, "div", attrs={"vocab": EXAMPLES_VOCABULARY})
    for identifier, name, explanation, parameters in examples:
        div = add(
            container,
            "div",
            attrs={"typeof": "example", "id": identifier, "resource": f"#{identifier}"},
        )
        add(div, "h2", name, {"property": "name"})
        add(div, "p", explanation)
        listing = add(div, "ul")
        for key, value in parameters:
            item = add(listing, "li", attrs={"property": "generic-parameter", "typeof": "keyval"})
            add(item, "code", key, {"property": "key"}).tail = " = "
            add(item, "code", value, {"property": "value"})
    return document(html)
