"""An SIA query: the constraints of a request's query parameters, parsed and checked.

Parameters are matched by name in any case; values of one parameter are alternatives
(ORed), different parameters all apply (ANDed). Parameters that are not query
constraints (MAXREC, RESPONSEFORMAT, unknown ones) are not this module's business.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeAlias

from sia.errors import SiaParameterError
from sia.parameters import POL_STATES, SIA_PARAMETERS, Kind, SiaParameter, parameter
from sia.values import Interval, Shape, parse_integer, parse_interval, parse_shape

__all__ = ["Constraint", "SiaQuery", "Value", "parse_query"]

Value: TypeAlias = Shape | Interval | str | int


@dataclass(frozen=True, slots=True)
class Constraint:
    """One parameter's values (any of them may match)."""

    parameter: SiaParameter
    values: tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class SiaQuery:
    """Every constraint of a request (all must match); empty means all images."""

    constraints: tuple[Constraint, ...] = field(default=())


def _value(spec: SiaParameter, text: str) -> Value:
    name = spec.name
    if spec.kind is Kind.SHAPE:
        return parse_shape(name, text)
    if spec.kind in (Kind.OVERLAP, Kind.INTERVAL):
        return parse_interval(name, text)
    if spec.kind is Kind.INTEGER:
        return parse_integer(name, text)
    value = text.strip()
    if not value:
        raise SiaParameterError(name, "empty value")
    if spec.kind is Kind.POLARIZATION and value not in POL_STATES:
        raise SiaParameterError(
            name, f"{value!r} is not a polarization state; use one of {' '.join(POL_STATES)}"
        )
    return value


def parse_query(values: Mapping[str, Iterable[str]]) -> SiaQuery:
    """The query constraints among a request's parameters.

    Parameters
    ----------
    values
        Every request parameter by name (any case), with all its values.

    Raises
    ------
    SiaParameterError
        For the first value that is malformed, naming its parameter.
    """
    collected: dict[str, tuple[SiaParameter, list[Value]]] = {}
    for name, texts in values.items():
        spec = parameter(name)
        if spec is None:
            continue
        _, found = collected.setdefault(spec.name, (spec, []))
        found.extend(_value(spec, text) for text in texts)
    # In the order of SIA_PARAMETERS, whatever the request's order: one query, one text.
    constraints = [
        Constraint(spec, tuple(found))
        for spec in SIA_PARAMETERS
        if spec.name in collected
        for _, found in [collected[spec.name]]
        if found
    ]
    return SiaQuery(tuple(constraints))
