"""Syntax tree -> ADQL 2.1 text, which parses back to an equal tree.

One line; keywords in upper case; names as they are in the tree (delimited ones quoted
again); numbers as written (or, for a node without its text, ``repr`` of the float and
the digits of the integer); strings quoted with ``''`` for a quote. Parentheses appear
only where the grammar's precedence needs them: the parser keeps no node for them, so a
tree with them left out is the same tree (``a OR (b OR c)`` and ``(a OR b) OR c`` are
different trees; the second is written ``a OR b OR c``).
"""

from __future__ import annotations

import math
import re

from adql import ast
from adql.reserved import RESERVED_WORDS

__all__ = ["format_expression", "format_query"]

_REGULAR = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_INTEGER = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+")
_CAST_TYPE = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)?")

# Levels of the grammar's precedence ladder, loosest first: an operand is parenthesised
# when its own level is looser than its place needs.
_OR, _AND, _NOT, _PREDICATE, _CONCAT, _SUM, _PRODUCT, _FACTOR, _PRIMARY = range(1, 10)
_UNION, _INTERSECT, _SET_PRIMARY = range(1, 4)

_JOINS = {
    "INNER": "JOIN",
    "LEFT": "LEFT OUTER JOIN",
    "RIGHT": "RIGHT OUTER JOIN",
    "FULL": "FULL OUTER JOIN",
}
_COMPARISONS = frozenset({"=", "<>", "!=", "<", ">", "<=", ">="})
_QUANTIFIERS = frozenset({"DISTINCT", "ALL"})


def format_query(query: ast.Query) -> str:
    """ADQL 2.1 text for a query tree: ``parse(format_query(tree)) == tree`` for any tree
    the parser makes, and for generated trees whose numbers carry their text.

    Raises
    ------
    TypeError
        For an object that is not a node of :mod:`adql.ast` where one is needed.
    ValueError
        For a node ADQL cannot write: a regular name that is not one (reserved or with
        other characters; make it delimited), a number that is not finite, an unknown
        operator, an empty IN list.
    """
    parts = []
    if query.with_:
        tables = ", ".join(f"{_name(c.name)} AS ({format_query(c.query)})" for c in query.with_)
        parts.append(f"WITH {tables}")
    parts.append(_body(query.body, _UNION))
    if query.order_by:
        parts.append("ORDER BY " + ", ".join(_sort_key(k) for k in query.order_by))
    if query.offset is not None:
        parts.append(f"OFFSET {_count(query.offset, 'OFFSET')}")
    return " ".join(parts)


def format_expression(node: ast.Expression) -> str:
    """ADQL 2.1 text for a value or a condition (as it would stand in WHERE).

    Raises
    ------
    TypeError, ValueError
        As :func:`format_query`.
    """
    return _expr(node, _OR)


# ---- queries ----------------------------------------------------------------------------


def _count(value: int, what: str) -> int:
    if value < 0:
        raise ValueError(f"{what} takes a whole number of at least 0, not {value!r}")
    return value


def _body(body: ast.QueryBody, level: int) -> str:
    if isinstance(body, ast.Select):
        return _select(body)
    if isinstance(body, ast.Query):
        return f"({format_query(body)})"
    if isinstance(body, ast.SetOperation):
        if body.op not in ("UNION", "EXCEPT", "INTERSECT"):
            raise ValueError(f"unknown set operation {body.op!r}")
        own = _INTERSECT if body.op == "INTERSECT" else _UNION
        text = (
            f"{_body(body.left, own)} {body.op}{' ALL' if body.all else ''} "
            f"{_body(body.right, own + 1)}"
        )
        return text if own >= level else f"({text})"
    raise TypeError(f"cannot write {type(body).__name__} as a query body")


def _select(select: ast.Select) -> str:
    parts = ["SELECT"]
    if select.quantifier is not None:
        if select.quantifier not in _QUANTIFIERS:
            raise ValueError(f"unknown quantifier {select.quantifier!r}")
        parts.append(select.quantifier)
    if select.top is not None:
        parts.append(f"TOP {_count(select.top, 'TOP')}")
    if isinstance(select.items, ast.SelectAll):
        parts.append("*")
    else:
        if not select.items:
            raise ValueError("a SELECT needs at least one item")
        parts.append(", ".join(_select_item(i) for i in select.items))
    if not select.from_:
        raise ValueError("a SELECT needs at least one table in FROM")
    parts.append("FROM " + ", ".join(_from_item(f, top=True) for f in select.from_))
    if select.where is not None:
        parts.append("WHERE " + _expr(select.where, _OR))
    if select.group_by:
        parts.append("GROUP BY " + ", ".join(_expr(g, _OR) for g in select.group_by))
    if select.having is not None:
        parts.append("HAVING " + _expr(select.having, _OR))
    return " ".join(parts)


def _select_item(item: ast.SelectItem) -> str:
    if isinstance(item, ast.QualifiedStar):
        return _chain(item.qualifier) + ".*"
    if isinstance(item, ast.DerivedColumn):
        text = _expr(item.expr, _OR)
        return text if item.alias is None else f"{text} AS {_name(item.alias)}"
    raise TypeError(f"cannot write {type(item).__name__} as a select item")


def _sort_key(key: ast.SortKey) -> str:
    return _expr(key.expr, _OR) + (" DESC" if key.descending else "")


def _from_item(item: ast.FromItem, top: bool) -> str:
    """``top``: where any table reference may stand (a join's right side may not be an
    unparenthesised join)."""
    if isinstance(item, ast.TableName):
        text = _chain(item.parts)
        return text if item.alias is None else f"{text} AS {_name(item.alias)}"
    if isinstance(item, ast.DerivedTable):
        return f"({format_query(item.query)}) AS {_name(item.alias)}"
    if isinstance(item, ast.Join):
        if item.kind not in _JOINS:
            raise ValueError(f"unknown join type {item.kind!r}")
        natural = "NATURAL " if item.natural else ""
        text = (
            f"{_from_item(item.left, top=True)} {natural}{_JOINS[item.kind]} "
            f"{_from_item(item.right, top=False)}"
        )
        if item.on is not None:
            text += " ON " + _expr(item.on, _OR)
        if item.using:
            text += " USING (" + ", ".join(_name(n) for n in item.using) + ")"
        return text if top else f"({text})"
    raise TypeError(f"cannot write {type(item).__name__} as a table reference")


# ---- names and literals -------------------------------------------------------------------


def _name(identifier: ast.Identifier) -> str:
    if identifier.delimited:
        if not identifier.name:
            raise ValueError("a delimited name cannot be empty")
        return '"' + identifier.name.replace('"', '""') + '"'
    if not _REGULAR.fullmatch(identifier.name) or identifier.name.upper() in RESERVED_WORDS:
        raise ValueError(
            f"{identifier.name!r} cannot be written as a regular name (it is reserved or "
            "has other characters); make it a delimited one"
        )
    return identifier.name


def _chain(parts: tuple[ast.Identifier, ...]) -> str:
    if not parts:
        raise ValueError("a name needs at least one part")
    return ".".join(_name(p) for p in parts)


def _number(node: ast.Number) -> tuple[str, int]:
    """The literal and its level: a negative value is written as a sign and a number."""
    value = node.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"a number's value must be an int or a float, not {value!r}")
    if isinstance(value, int):
        if _INTEGER.fullmatch(node.text) and int(node.text) == value:
            return node.text, _PRIMARY
        return str(value), _PRIMARY if value >= 0 else _FACTOR
    if not math.isfinite(value):
        raise ValueError(f"ADQL has no literal for {value!r}")
    if _DECIMAL.fullmatch(node.text) and float(node.text) == value:
        return node.text, _PRIMARY
    text = repr(value).upper()  # the shortest text that reads back as the same float
    return text, _FACTOR if text.startswith("-") else _PRIMARY


def _string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# ---- expressions --------------------------------------------------------------------------


def _expr(node: ast.Expression, level: int) -> str:
    """``node`` as it may stand where the grammar wants ``level`` or tighter."""
    text, own = _written(node)
    return text if own >= level else f"({text})"


def _predicate_operand(node: ast.Expression) -> str:
    return _expr(node, _CONCAT)


def _written(node: ast.Expression) -> tuple[str, int]:
    """The text of ``node`` and its precedence level."""
    match node:
        case ast.Number():
            return _number(node)
        case ast.String(value=value):
            return _string(value), _PRIMARY
        case ast.Null():
            return "NULL", _PRIMARY
        case ast.ColumnRef(parts=parts):
            return _chain(parts), _PRIMARY
        case ast.FunctionCall():
            return _call(node), _PRIMARY
        case ast.Cast(operand=operand, type_name=type_name, length=length):
            if not _CAST_TYPE.fullmatch(type_name):
                raise ValueError(f"cannot CAST to {type_name!r}")
            size = "" if length is None else f"({_count(length, 'a CAST length')})"
            return f"CAST({_expr(operand, _OR)} AS {type_name}{size})", _PRIMARY
        case ast.Sign(op=op, operand=operand):
            if op not in ("+", "-"):
                raise ValueError(f"unknown sign {op!r}")
            # A signed operand is parenthesised: "--" would start a comment.
            return op + _expr(operand, _PRIMARY if _signed(operand) else _FACTOR), _FACTOR
        case ast.Arithmetic(op=op, left=left, right=right):
            if op not in ("+", "-", "*", "/"):
                raise ValueError(f"unknown arithmetic operator {op!r}")
            own = _SUM if op in ("+", "-") else _PRODUCT
            return f"{_expr(left, own)} {op} {_expr(right, own + 1)}", own
        case ast.Concatenation(left=left, right=right):
            return f"{_expr(left, _CONCAT)} || {_expr(right, _SUM)}", _CONCAT
        case _:
            return _condition(node), _condition_level(node)


def _signed(node: ast.Expression) -> bool:
    return isinstance(node, ast.Sign) or (
        isinstance(node, ast.Number) and _number(node)[1] == _FACTOR
    )


def _call(call: ast.FunctionCall) -> str:
    name = call.name.name
    if call.name.delimited or not _REGULAR.fullmatch(name):
        raise ValueError(f"{name!r} cannot be written as a function name")
    if call.star:
        return f"{name}(*)"
    args = ", ".join(_expr(a, _OR) for a in call.args)
    if call.quantifier is not None:
        if call.quantifier not in _QUANTIFIERS:
            raise ValueError(f"unknown quantifier {call.quantifier!r}")
        args = f"{call.quantifier} {args}"
    return f"{name}({args})"


def _condition_level(node: ast.Expression) -> int:
    if isinstance(node, ast.Or):
        return _OR
    if isinstance(node, ast.And):
        return _AND
    if isinstance(node, ast.Not):
        return _NOT
    return _PREDICATE


def _condition(node: ast.Expression) -> str:
    match node:
        case ast.Comparison(op=op, left=left, right=right):
            if op not in _COMPARISONS:
                raise ValueError(f"unknown comparison {op!r}")
            return f"{_predicate_operand(left)} {op} {_predicate_operand(right)}"
        case ast.Between(operand=operand, low=low, high=high, negated=negated):
            return (
                f"{_predicate_operand(operand)} {'NOT ' if negated else ''}BETWEEN "
                f"{_predicate_operand(low)} AND {_predicate_operand(high)}"
            )
        case ast.Like(operand=operand, pattern=pattern):
            word = "ILIKE" if node.case_insensitive else "LIKE"
            return (
                f"{_predicate_operand(operand)} {'NOT ' if node.negated else ''}{word} "
                f"{_predicate_operand(pattern)}"
            )
        case ast.InList(operand=operand, values=values, negated=negated):
            if not values:
                raise ValueError("an IN list needs at least one value")
            listed = ", ".join(_predicate_operand(v) for v in values)
            return f"{_predicate_operand(operand)} {'NOT ' if negated else ''}IN ({listed})"
        case ast.InSubquery(operand=operand, query=query, negated=negated):
            return (
                f"{_predicate_operand(operand)} {'NOT ' if negated else ''}IN "
                f"({format_query(query)})"
            )
        case ast.IsNull(operand=operand, negated=negated):
            return f"{_predicate_operand(operand)} IS {'NOT ' if negated else ''}NULL"
        case ast.Exists(query=query):
            return f"EXISTS ({format_query(query)})"
        case ast.Not(operand=operand):
            return "NOT " + _expr(operand, _NOT)
        case ast.And(left=left, right=right):
            return f"{_expr(left, _AND)} AND {_expr(right, _NOT)}"
        case ast.Or(left=left, right=right):
            return f"{_expr(left, _OR)} OR {_expr(right, _AND)}"
    raise TypeError(f"cannot write {type(node).__name__} as an ADQL expression")
