"""The VOSI capabilities document of the TAP service (VOSI 1.1, TAPRegExt 1.0, DALI 1.1).

One ``tr:TableAccess`` capability for TAP itself (``accessURL use="base"``), and one
capability per sibling resource: VOSI capabilities, availability and tables, and the
DALI examples page (each ``accessURL use="full"``). None declares a security method:
VOSI says capabilities and availability must be reachable anonymously.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias
from xml.etree import ElementTree as ET

from app.vosi._xml import (
    NS_TR,
    NS_VOSI_CAPABILITIES,
    NS_VR,
    NS_VS,
    NS_XSI,
    add,
    document,
    root,
)
from app.vosi.features import language_features

__all__ = [
    "ADQL_VERSIONS",
    "DALI_EXAMPLES",
    "OBSCORE_MODEL",
    "OUTPUT_VOTABLE_BINARY",
    "OUTPUT_VOTABLE_BINARY2",
    "OUTPUT_VOTABLE_TD",
    "TAP",
    "UPLOAD_HTTP",
    "UPLOAD_HTTPS",
    "UPLOAD_INLINE",
    "VOSI_AVAILABILITY",
    "VOSI_CAPABILITIES",
    "VOSI_TABLES",
    "FormatEntry",
    "TapLimits",
    "capabilities_document",
    "tap_service_url",
]

TAP = "ivo://ivoa.net/std/TAP"
VOSI_CAPABILITIES = "ivo://ivoa.net/std/VOSI#capabilities"
VOSI_AVAILABILITY = "ivo://ivoa.net/std/VOSI#availability"
VOSI_TABLES = "ivo://ivoa.net/std/VOSI#tables-1.1"
"""VOSI 1.1 tables, which include the per-table child resources ``/tables/{name}``."""
DALI_EXAMPLES = "ivo://ivoa.net/std/DALI#examples"
"""The identifier DALI 1.1 sect. 2.3 gives the examples capability, without a version
suffix (as DaCHS and TAPLib write it too)."""

OBSCORE_MODEL = ("ivo://ivoa.net/std/ObsCore#core-1.1", "ObsCore-1.1")
"""``ivoa.ObsCore`` has every ObsCore 1.1 mandatory column, so the model is declared."""
ADQL_VERSIONS = (("2.0", "ivo://ivoa.net/std/ADQL#v2.0"), ("2.1", "ivo://ivoa.net/std/ADQL#v2.1"))
"""Both answer ``LANG=ADQL-2.0`` and ``LANG=ADQL-2.1``; oldest first, as TAPRegExt asks."""

OUTPUT_VOTABLE_TD = "ivo://ivoa.net/std/TAPRegExt#output-votable-td"
OUTPUT_VOTABLE_BINARY = "ivo://ivoa.net/std/TAPRegExt#output-votable-binary"
OUTPUT_VOTABLE_BINARY2 = "ivo://ivoa.net/std/TAPRegExt#output-votable-binary2"
UPLOAD_INLINE = "ivo://ivoa.net/std/TAPRegExt#upload-inline"
UPLOAD_HTTP = "ivo://ivoa.net/std/TAPRegExt#upload-http"
UPLOAD_HTTPS = "ivo://ivoa.net/std/TAPRegExt#upload-https"

_ADQL_DESCRIPTION = (
    "The Astronomical Data Query Language 2.1, with the optional features listed here; "
    "ADQL 2.0 queries are accepted too."
)


FormatEntry: TypeAlias = tuple[str, str | Sequence[str] | None, str | None]
"""A RESPONSEFORMAT the service answers: ``(mime, alias or aliases or None, IVOID or None)``,
e.g. ``(fmt.mime, fmt.aliases, fmt.ivo_id)`` for an entry of an output-format registry."""


@dataclass(frozen=True, slots=True)
class TapLimits:
    """The limits a TAP service declares in TAPRegExt; times in seconds."""

    default_maxrec: int
    """Rows a query returns when it gives no MAXREC."""
    hard_maxrec: int
    """The most rows any query returns."""
    retention_default: int
    """Seconds from creating an async job to its destruction, by default."""
    retention_hard: int
    """The longest a client may make a job's destruction time."""
    execution_duration_default: int
    """Seconds a job may run, by default."""
    execution_duration_hard: int
    """The longest a client may make a job's execution duration."""
    upload_limit_bytes: int
    """The largest table an UPLOAD may send."""

    def __post_init__(self) -> None:
        pairs = (
            ("maxrec", self.default_maxrec, self.hard_maxrec),
            ("retention", self.retention_default, self.retention_hard),
            ("execution duration", self.execution_duration_default, self.execution_duration_hard),
        )
        for what, default, hard in pairs:
            if not 0 <= default <= hard:
                raise ValueError(f"{what}: need 0 <= default ({default}) <= hard ({hard})")
        if self.upload_limit_bytes <= 0:
            raise ValueError("the upload limit must be positive")


def tap_service_url(base_url: str, tap_path: str) -> str:
    """The TAP base URL, ``base_url`` joined to ``tap_path`` with exactly one slash."""
    return f"{base_url.rstrip('/')}/{tap_path.strip('/')}"


def _interface(capability: ET.Element, xsi_type: str, url: str, use: str) -> ET.Element:
    interface = add(capability, "interface", attrs={"xsi:type": xsi_type, "role": "std"})
    add(interface, "accessURL", url, {"use": use})
    return interface


def _limits(parent: ET.Element, tag: str, default: int | None, hard: int, unit: str | None) -> None:
    element = add(parent, tag)
    if default is not None:
        add(element, "default", str(default), {"unit": unit})
    add(element, "hard", str(hard), {"unit": unit})


def _tap_capability(
    top: ET.Element,
    url: str,
    limits: TapLimits,
    output_formats: Sequence[FormatEntry],
    upload_methods: Sequence[str],
) -> None:
    capability = add(top, "capability", attrs={"standardID": TAP, "xsi:type": "tr:TableAccess"})
    _interface(capability, "vs:ParamHTTP", url, "base").set("version", "1.1")
    add(capability, "dataModel", OBSCORE_MODEL[1], {"ivo-id": OBSCORE_MODEL[0]})
    language = add(capability, "language")
    add(language, "name", "ADQL")
    for version, version_id in ADQL_VERSIONS:
        add(language, "version", version, {"ivo-id": version_id})
    add(language, "description", _ADQL_DESCRIPTION)
    for group in language_features():
        features = add(language, "languageFeatures", attrs={"type": group.type})
        for form in group.forms:
            add(add(features, "feature"), "form", form)
    for mime, aliases, ivo_id in output_formats:
        output = add(capability, "outputFormat", attrs={"ivo-id": ivo_id})
        add(output, "mime", mime)
        for alias in [aliases] if isinstance(aliases, str) else aliases or ():
            add(output, "alias", alias)
    for method in upload_methods:
        add(capability, "uploadMethod", attrs={"ivo-id": method})
    _limits(capability, "retentionPeriod", limits.retention_default, limits.retention_hard, None)
    _limits(
        capability,
        "executionDuration",
        limits.execution_duration_default,
        limits.execution_duration_hard,
        None,
    )
    _limits(capability, "outputLimit", limits.default_maxrec, limits.hard_maxrec, "row")
    if upload_methods:
        _limits(capability, "uploadLimit", None, limits.upload_limit_bytes, "byte")


def capabilities_document(
    *,
    base_url: str,
    tap_path: str,
    limits: TapLimits,
    output_formats: Sequence[FormatEntry],
    upload_methods: Sequence[str],
) -> bytes:
    """The VOSI capabilities of the TAP service at ``base_url`` + ``tap_path``.

    Parameters
    ----------
    base_url
        The public URL of the whole service (``https://example.org``).
    tap_path
        Where TAP lives under it (``/api/tap``); ``/capabilities``, ``/availability``,
        ``/tables`` and ``/examples`` are its children.
    limits
        Row, time and upload limits.
    output_formats
        Each RESPONSEFORMAT answered: ``(mime, alias(es) or None, IVOID or None)``, see
        :data:`FormatEntry`. VOTable first, by convention.
    upload_methods
        IVOIDs of the UPLOAD methods accepted (:data:`UPLOAD_INLINE`...); empty when
        uploads are off, which also leaves out the upload limit.

    Returns
    -------
    bytes
        The UTF-8 XML document.

    Raises
    ------
    ValueError
        If ``output_formats`` is empty (TAPRegExt requires at least one).
    """
    if not output_formats:
        raise ValueError("a TAP capability declares at least one output format")
    url = tap_service_url(base_url, tap_path)
    top = root(
        "vosi:capabilities",
        {"vosi": NS_VOSI_CAPABILITIES, "vr": NS_VR, "vs": NS_VS, "tr": NS_TR, "xsi": NS_XSI},
    )
    _tap_capability(top, url, limits, output_formats, upload_methods)
    for standard_id, child in (
        (VOSI_CAPABILITIES, "capabilities"),
        (VOSI_AVAILABILITY, "availability"),
        (VOSI_TABLES, "tables"),
    ):
        capability = add(top, "capability", attrs={"standardID": standard_id})
        _interface(capability, "vs:ParamHTTP", f"{url}/{child}", "full")
    # An XHTML page for browsers as much as for clients: DALI's examples are registered
    # with a vr:WebBrowser interface.
    examples = add(top, "capability", attrs={"standardID": DALI_EXAMPLES})
    _interface(examples, "vr:WebBrowser", f"{url}/examples", "full")
    return document(top)
