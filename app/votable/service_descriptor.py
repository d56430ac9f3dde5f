"""A service descriptor: ``RESOURCE type="meta" utype="adhoc:service"`` describing how
to call a service, its input parameters with their options and ranges (the SIA 2.0
self-description; DataLink's service descriptors have the same shape)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.votable.elements import escape_attribute, escape_text
from vometa import Field

__all__ = ["InputParam", "service_descriptor"]


@dataclass(frozen=True, slots=True)
class InputParam(Field):
    """One input parameter of the service: a field, with the values it may take."""

    options: tuple[tuple[str, str], ...] = field(default=())
    value: str = ""
    """A fixed value (DataLink: the dataset's ID, a cutout detail); empty: the caller's."""
    ref: str | None = None
    """The ID of a FIELD whose value in each row is this parameter's (DataLink)."""
    minimum: float | str | None = None
    maximum: float | str | None = None
    """A number, or the text of an array (SODA: the circle or polygon around the data)."""


def _number(value: float | str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    return repr(value) if math.isfinite(value) else ("+Inf" if value > 0 else "-Inf")


def _attributes(pairs: Sequence[tuple[str, str | None]]) -> str:
    return " ".join(
        f'{key}="{escape_attribute(value)}"' for key, value in pairs if value is not None
    )


def _param(param: InputParam) -> str:
    attributes = _attributes(
        [
            ("name", param.name),
            ("datatype", param.datatype),
            ("arraysize", param.arraysize),
            ("xtype", param.xtype),
            ("unit", param.unit),
            ("ucd", param.ucd),
            ("value", param.value),
            ("ref", param.ref),
        ]
    )
    inner = []
    if param.description:
        inner.append(f"<DESCRIPTION>{escape_text(param.description)}</DESCRIPTION>")
    values = []
    if param.minimum is not None:
        values.append(f'<MIN value="{_number(param.minimum)}"/>')
    if param.maximum is not None:
        values.append(f'<MAX value="{_number(param.maximum)}"/>')
    values += [f"<OPTION {_attributes([('name', n), ('value', v)])}/>" for n, v in param.options]
    if values:
        inner.append("<VALUES>" + "".join(values) + "</VALUES>")
    return f"<PARAM {attributes}>" + "".join(inner) + "</PARAM>\n"


def service_descriptor(
    *,
    standard_id: str,
    access_url: str,
    description: str,
    params: Sequence[InputParam],
    resource_id: str | None = None,
) -> str:
    """A descriptor RESOURCE as XML text: the service's self-description
    (``name="this"``), or with ``resource_id`` one a DataLink row's ``service_def``
    names."""
    fixed = _attributes([("datatype", "char"), ("arraysize", "*")])
    naming = f'ID="{escape_attribute(resource_id)}"' if resource_id else 'name="this"'
    return (
        f'<RESOURCE type="meta" utype="adhoc:service" {naming}>\n'
        f"<DESCRIPTION>{escape_text(description)}</DESCRIPTION>\n"
        f'<PARAM name="standardID" {fixed} value="{escape_attribute(standard_id)}"/>\n'
        f'<PARAM name="accessURL" {fixed} value="{escape_attribute(access_url)}"/>\n'
        '<GROUP name="inputParams">\n'
        + "".join(_param(p) for p in params)
        + "</GROUP>\n</RESOURCE>\n"
    )
