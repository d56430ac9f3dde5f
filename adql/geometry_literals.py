"""Geometry written as strings, expanded into ADQL's geometry constructors.

``REGION('Circle ICRS 53 -28 1')`` (STC-S) and ``CAST('53 -28 1' AS CIRCLE)`` (DALI,
ADQL 2.1 sect. 4.4) become ``CIRCLE(53, -28, 1)`` before binding, so they bind, translate
and use the spatial index exactly as the constructor would. An STC-S ``Union`` has no
constructor: inside ``CONTAINS(...)`` or ``INTERSECTS(...)`` compared with 0 or 1 it
becomes one predicate per member, joined with OR (AND for ``= 0``); a point lies in a
union, and a region meets one, exactly when it does so for some member.
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any, TypeVar

from adql import ast
from adql.errors import AdqlSemanticError

__all__ = ["GEOMETRY_CASTS", "expand_geometry_literals", "parse_stcs"]

GEOMETRY_CASTS = frozenset({"POINT", "CIRCLE", "POLYGON"})
"""The geometry types ADQL 2.1 can CAST a DALI string to."""

_DALI_SIZES = {"POINT": "2 numbers", "CIRCLE": "3 numbers", "POLYGON": "3 or more pairs"}
_SHAPES = {"POSITION": ("POINT", 2), "CIRCLE": ("CIRCLE", 3), "BOX": ("BOX", 4)}
_FRAMES = frozenset({"ICRS", "FK5", "J2000", "UNKNOWNFRAME"})
_OTHER_FRAMES = frozenset({"FK4", "B1950", "GALACTIC", "ECLIPTIC", "SUPER_GALACTIC", "GEO_C"})
_QUALIFIERS = frozenset(
    {
        "BARYCENTER",
        "GEOCENTER",
        "HELIOCENTER",
        "TOPOCENTER",
        "LSR",
        "UNKNOWNREFPOS",
        "SPHERICAL2",
        "CARTESIAN2",
    }
)
_TOKEN = re.compile(r"\(|\)|[^\s()]+")
_PREDICATES = ("CONTAINS", "INTERSECTS")

N = TypeVar("N")


class _InvalidGeometryError(ValueError):
    """A string that is not the geometry it claims to be."""


def _numbers(words: list[str]) -> list[float]:
    for word in words:
        if not _is_number(word):
            raise _InvalidGeometryError(f"{word!r} is not a number")
    values = [float(w) for w in words]
    if not all(math.isfinite(v) for v in values):
        raise _InvalidGeometryError("coordinates must be finite numbers")
    return values


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\Z")


def _is_number(word: str) -> bool:
    """A decimal number as STC-S and DALI write them (not ``nan`` or ``inf``)."""
    return _NUMBER.match(word) is not None


def _call(name: str, values: list[float], span: ast.Span) -> ast.FunctionCall:
    args = tuple(ast.Number(v, repr(v), span=span) for v in values)
    return ast.FunctionCall(ast.Identifier(name, span=span), args, span=span)


def _check_polygon(values: list[float]) -> None:
    if len(values) < 6 or len(values) % 2:
        raise _InvalidGeometryError("a polygon needs three or more pairs of coordinates")


def parse_dali(text: str, type_name: str, span: ast.Span) -> ast.FunctionCall:
    """A DALI point, circle or polygon string as the ADQL constructor call."""
    values = _numbers(text.split())
    expected = {"POINT": 2, "CIRCLE": 3}.get(type_name)
    if expected is not None and len(values) != expected:
        raise _InvalidGeometryError(f"a DALI {type_name.lower()} is {_DALI_SIZES[type_name]}")
    if type_name == "POLYGON":
        _check_polygon(values)
    return _call(type_name, values, span)


def parse_stcs(text: str, span: ast.Span) -> list[ast.FunctionCall]:
    """An STC-S region as constructor calls: one, or a Union's members."""
    tokens = _TOKEN.findall(text)
    shapes, rest = _stcs_shape(tokens, span)
    if rest:
        raise _InvalidGeometryError(f"unexpected {rest[0]!r} after the region")
    return shapes


def _stcs_shape(tokens: list[str], span: ast.Span) -> tuple[list[ast.FunctionCall], list[str]]:
    if not tokens:
        raise _InvalidGeometryError("the region ends too early")
    word, tokens = tokens[0].upper(), tokens[1:]
    tokens = _skip_qualifiers(tokens)
    if word == "UNION":
        if not tokens or tokens[0] != "(":
            raise _InvalidGeometryError("Union needs its regions in parentheses")
        tokens = tokens[1:]
        members: list[ast.FunctionCall] = []
        while tokens and tokens[0] != ")":
            shapes, tokens = _stcs_shape(tokens, span)
            members += shapes
        if not tokens:
            raise _InvalidGeometryError("Union's parenthesis is not closed")
        if len(members) < 2:
            raise _InvalidGeometryError("a Union needs two or more regions")
        return members, tokens[1:]
    count = 0
    while count < len(tokens) and _is_number(tokens[count]):
        count += 1
    values, tokens = _numbers(tokens[:count]), tokens[count:]
    if word == "POLYGON":
        _check_polygon(values)
        return [_call("POLYGON", values, span)], tokens
    if word in _SHAPES:
        name, size = _SHAPES[word]
        if len(values) != size:
            raise _InvalidGeometryError(f"{word.title()} takes {size} numbers, not {len(values)}")
        return [_call(name, values, span)], tokens
    if word in ("INTERSECTION", "NOT"):
        raise _InvalidGeometryError(
            f"{word.title()} regions are not supported; use Union or one shape"
        )
    raise _InvalidGeometryError(
        f"unknown region {word!r}; expected Position, Circle, Box, Polygon or Union"
    )


def _skip_qualifiers(tokens: list[str]) -> list[str]:
    while tokens and not _is_number(tokens[0]) and tokens[0] not in "()":
        word = tokens[0].upper()
        if word in _OTHER_FRAMES:
            raise _InvalidGeometryError(
                f"frame {tokens[0]} is not supported; this service uses ICRS"
            )
        if word not in _FRAMES and word not in _QUALIFIERS:
            break
        tokens = tokens[1:]
    return tokens


def _region(call: ast.FunctionCall) -> list[ast.FunctionCall]:
    if len(call.args) != 1 or not isinstance(call.args[0], ast.String):
        raise AdqlSemanticError("REGION takes one string constant in STC-S", call.span)
    string = call.args[0]
    try:
        return parse_stcs(string.value, string.span)
    except _InvalidGeometryError as error:
        raise AdqlSemanticError(f"REGION: {error}", string.span) from None


def _is_region(node: Any) -> bool:
    return isinstance(node, ast.FunctionCall) and node.name.name.upper() == "REGION"


def _expand_comparison(node: ast.Comparison) -> ast.Expression | None:
    """``CONTAINS/INTERSECTS(..., REGION('Union ...')) = 0 | 1`` as OR (AND) of members."""
    call, other = node.left, node.right
    if not isinstance(call, ast.FunctionCall):
        call, other = node.right, node.left
    if not (
        isinstance(call, ast.FunctionCall)
        and call.name.name.upper() in _PREDICATES
        and isinstance(other, ast.Number)
        and other.value in (0, 1)
        and node.op in ("=", "<>")
        and any(_is_region(a) for a in call.args)
    ):
        return None
    options = [[a] if not _is_region(a) else _region(a) for a in call.args]  # type: ignore[arg-type]
    if all(len(o) == 1 for o in options):
        return None
    if call.name.name.upper() == "CONTAINS" and len(options[0]) > 1:
        raise AdqlSemanticError(
            "a Union region can be the second argument of CONTAINS, not the first", call.span
        )
    true = (node.op == "=") == (other.value == 1)
    terms = [
        ast.Comparison(
            "=", dataclasses.replace(call, args=(a, b)), ast.Number(1, "1"), span=node.span
        )
        for a in options[0]
        for b in options[1]
    ]
    if true:
        result: ast.Expression = terms[0]
        for term in terms[1:]:
            result = ast.Or(result, term, span=node.span)
        return result
    negated: ast.Expression = ast.Not(terms[0], span=node.span)
    for term in terms[1:]:
        negated = ast.And(negated, ast.Not(term, span=node.span), span=node.span)
    return negated


def _expand(node: Any) -> Any:
    if (
        isinstance(node, ast.Cast)
        and node.type_name in GEOMETRY_CASTS
        and isinstance(node.operand, ast.String)
    ):
        try:
            return parse_dali(node.operand.value, node.type_name, node.operand.span)
        except _InvalidGeometryError as error:
            raise AdqlSemanticError(
                f"CAST to {node.type_name}: {error}", node.operand.span
            ) from None
    if isinstance(node, ast.Comparison):
        expanded = _expand_comparison(node)
        if expanded is not None:
            return _walk(expanded)
    if _is_region(node):
        shapes = _region(node)
        if len(shapes) > 1:
            raise AdqlSemanticError(
                "a Union region can only be used in CONTAINS(...) = 1 or INTERSECTS(...) = 1",
                node.span,
            )
        return shapes[0]
    return None


def _walk(node: N) -> N:
    expanded = _expand(node)
    if expanded is not None:
        return expanded  # type: ignore[no-any-return]
    if not dataclasses.is_dataclass(node) or isinstance(node, (ast.Span, ast.Identifier)):
        return node
    changes = {}
    for item in dataclasses.fields(node):
        value = getattr(node, item.name)
        if isinstance(value, tuple):
            new: Any = tuple(_walk(v) for v in value)
            if any(a is not b for a, b in zip(new, value, strict=True)):
                changes[item.name] = new
        elif dataclasses.is_dataclass(value):
            new = _walk(value)
            if new is not value:
                changes[item.name] = new
    return dataclasses.replace(node, **changes) if changes else node  # type: ignore[type-var]


def expand_geometry_literals(query: ast.Query) -> ast.Query:
    """``query`` with every ``REGION(...)`` and CAST of a string to a geometry expanded."""
    return _walk(query)
