"""Lark parse tree -> :mod:`adql.ast`: one method per grammar alias, each returning a node.

Besides building, this is where purely syntactic rules the grammar cannot say are
enforced, each with the span of the offending text: reserved words used as names,
conditions where values belong (and values where conditions belong), and the forms
``COUNT(*)`` and ``DISTINCT`` may take.
"""

from __future__ import annotations

import math
from typing import Any, NoReturn

from lark import Token, Transformer
from typing_extensions import override

from adql import ast
from adql.errors import AdqlSyntaxError
from adql.reserved import RESERVED_WORDS

__all__ = ["AstBuilder"]

_AGGREGATES = frozenset({"COUNT", "AVG", "MIN", "MAX", "SUM"})

MAX_IN_VALUES = 10_000
"""Values in one IN list; longer lists belong in an uploaded table."""


def _edge(item: Any, last: bool) -> ast.Span | None:
    """The span of the first (or last) positioned thing inside a child, or None."""
    if isinstance(item, Token):
        return ast.Span(item.start_pos or 0, item.end_pos or 0, item.line or 1, item.column or 1)
    node_span: object = getattr(item, "span", None)
    if isinstance(node_span, ast.Span) and node_span.end:
        return node_span
    if isinstance(item, (tuple, list)):
        for child in reversed(item) if last else item:
            found = _edge(child, last)
            if found is not None:
                return found
    return None


def _span(children: Any) -> ast.Span:
    """Where a rule's text lies: from its first token to its last.

    Spans come from the children (tokens always carry positions) rather than Lark's
    ``propagate_positions``, which doubles the cost of parsing.
    """
    first = _edge(children, last=False)
    if first is None:
        return ast.Span(0, 0, 1, 1)
    end = _edge(children, last=True)
    return ast.Span(first.start, end.end if end else first.end, first.line, first.column)


MAX_CAST_LENGTH = 65535
"""The longest ``CHAR(n)``/``VARCHAR(n)`` a CAST may ask for."""

_INT64_MAX = 2**63 - 1


def _bounded_int(token: Token) -> int:
    """An integer literal, which must fit the 64 bits both databases hold."""
    value = int(token)
    if value > _INT64_MAX:
        _fail(
            f"{token} is too large for an integer (at most {_INT64_MAX}); "
            "write a larger number as a decimal, such as 1e19",
            token,
        )
    return value


def _fail(message: str, where: Token | ast.Span) -> NoReturn:
    raise AdqlSyntaxError(message, where if isinstance(where, ast.Span) else _span([where]))


def _tokens(children: list[Any]) -> set[str]:
    return {c.type for c in children if isinstance(c, Token)}


def _nodes(children: list[Any]) -> list[Any]:
    return [c for c in children if not isinstance(c, Token)]


def _value(node: Any, what: str = "a value") -> ast.Expression:
    """Check that ``node`` is a value, not a condition."""
    if isinstance(node, ast.CONDITIONS):
        _fail(f"a condition cannot be used as {what}; compare it or move it to WHERE", node.span)
    return node  # type: ignore[no-any-return]


def _condition(node: Any, clause: str) -> ast.Expression:
    """Check that ``node`` is a condition (a predicate), as WHERE, HAVING and ON need."""
    if not isinstance(node, ast.CONDITIONS):
        hint = ""
        if isinstance(node, ast.FunctionCall) and node.name.key in ("contains", "intersects"):
            hint = f"; write {node.name.name.upper()}(...) = 1"
        _fail(f"{clause} needs a condition such as a comparison, not a value{hint}", node.span)
    return node


class AstBuilder(Transformer[Token, ast.Query]):
    """Transforms the parse tree of ``adql.lark`` into an :class:`ast.Query`."""

    @override
    def __default__(self, data: Any, children: Any, meta: Any) -> NoReturn:
        raise NotImplementedError(f"no AST builder for grammar rule {data!r}")

    # ---- names --------------------------------------------------------------------

    def regular_identifier(self, children: list[Token]) -> ast.Identifier:
        token = children[0]
        if token.upper() in RESERVED_WORDS:
            _fail(
                f"'{token}' is a reserved word in ADQL; to use it as a name, put it in "
                f'double quotes: "{token.lower()}"',
                token,
            )
        return ast.Identifier(str(token), False, span=_span(children))

    def delimited_identifier(self, children: list[Token]) -> ast.Identifier:
        return ast.Identifier(children[0][1:-1].replace('""', '"'), True, span=_span(children))

    def name_chain(self, children: list[Any]) -> tuple[ast.Identifier, ...]:
        head = children[0] if isinstance(children[0], tuple) else (children[0],)
        return head + tuple(children[1:])

    # ---- literals and values ------------------------------------------------------

    def integer(self, children: list[Token]) -> ast.Number:
        return ast.Number(_bounded_int(children[0]), str(children[0]), span=_span(children))

    def decimal(self, children: list[Token]) -> ast.Number:
        value = float(children[0])
        if not math.isfinite(value):
            _fail(
                f"{children[0]} is beyond the range of a double-precision number "
                "(at most about 1.8e308)",
                children[0],
            )
        return ast.Number(value, str(children[0]), span=_span(children))

    def string(self, children: list[Token]) -> ast.String:
        # Adjacent literals concatenate, as in SQL-92 (ADQL's <character_string_literal>).
        text = "".join(str(t)[1:-1].replace("''", "'") for t in children)
        return ast.String(text, span=_span(children))

    def null(self, children: list[Token]) -> ast.Null:
        return ast.Null(span=_span(children))

    def column_ref(self, children: list[Any]) -> ast.ColumnRef:
        parts = children[0]
        if len(parts) > 4:
            _fail(
                "a column name has at most four parts: catalog.schema.table.column",
                _span(children),
            )
        return ast.ColumnRef(parts, span=_span(children))

    def parenthesised(self, children: list[Any]) -> ast.Expression:
        node: ast.Expression = children[0]
        return node

    def sign(self, children: list[Any]) -> ast.Sign:
        return ast.Sign(str(children[0]), _value(children[1]), span=_span(children))

    def arithmetic(self, children: list[Any]) -> ast.Arithmetic:
        left, op, right = children
        return ast.Arithmetic(str(op), _value(left), _value(right), span=_span(children))

    def concatenation(self, children: list[Any]) -> ast.Concatenation:
        left, right = _nodes(children)
        return ast.Concatenation(_value(left), _value(right), span=_span(children))

    def function_call(self, children: list[Any]) -> ast.FunctionCall:
        name_token = children[0]
        name = ast.Identifier(str(name_token), False, span=_span(name_token))
        args: tuple[ast.Expression, ...] = ()
        quantifier = None
        star = False
        if len(children) > 1:
            kind, quantifier, args = children[1]
            star = kind == "star"
        upper = name.name.upper()
        if star and upper != "COUNT":
            _fail(f"only COUNT takes *, not {upper}", _span(children))
        if quantifier and upper not in _AGGREGATES:
            _fail(
                f"{quantifier} is allowed only in COUNT, AVG, MIN, MAX and SUM, not {upper}",
                _span(children),
            )
        return ast.FunctionCall(name, args, quantifier, star, span=_span(children))

    def star_argument(self, children: list[Any]) -> tuple[str, None, tuple[()]]:
        return ("star", None, ())

    def expr_arguments(
        self, children: list[Any]
    ) -> tuple[str, str | None, tuple[ast.Expression, ...]]:
        quantifier = children[0] if isinstance(children[0], str) else None
        args = tuple(_value(c, "a function argument") for c in children if not isinstance(c, str))
        return ("args", quantifier, args)

    def quantifier(self, children: list[Token]) -> str:
        return str(children[0]).upper()

    def cast(self, children: list[Any]) -> ast.Cast:
        nodes = _nodes(children)
        operand, (type_name, length) = _value(nodes[0]), nodes[1]
        return ast.Cast(operand, type_name, length, span=_span(children))

    def cast_type(self, children: list[Token]) -> tuple[str, int | None]:
        length = int(children[1]) if len(children) > 1 else None
        if length is not None and not 1 <= length <= MAX_CAST_LENGTH:
            _fail(f"a length of {children[1]}: give 1 to {MAX_CAST_LENGTH}", children[1])
        return (str(children[0]).upper(), length)

    def two_word_type(self, children: list[Token]) -> tuple[str, None]:
        return (f"{children[0]} {children[1]}".upper(), None)

    # ---- conditions ---------------------------------------------------------------

    def comparison(self, children: list[Any]) -> ast.Comparison:
        left, op, right = children
        op_text = "<>" if op == "!=" else str(op)
        return ast.Comparison(op_text, _value(left), _value(right), span=_span(children))

    def between(self, children: list[Any]) -> ast.Between:
        operand, low, high = _nodes(children)
        return ast.Between(
            _value(operand),
            _value(low),
            _value(high),
            "NOT" in _tokens(children),
            span=_span(children),
        )

    def like(self, children: list[Any]) -> ast.Like:
        operand, pattern = _nodes(children)
        return ast.Like(
            _value(operand), _value(pattern), "NOT" in _tokens(children), span=_span(children)
        )

    def ilike(self, children: list[Any]) -> ast.Like:
        operand, pattern = _nodes(children)
        return ast.Like(
            _value(operand),
            _value(pattern),
            "NOT" in _tokens(children),
            True,
            span=_span(children),
        )

    def in_subquery(self, children: list[Any]) -> ast.InSubquery:
        operand, query = _nodes(children)
        return ast.InSubquery(
            _value(operand), query, "NOT" in _tokens(children), span=_span(children)
        )

    def in_list(self, children: list[Any]) -> ast.InList:
        operand, *values = _nodes(children)
        if len(values) > MAX_IN_VALUES:
            _fail(
                f"an IN list may hold at most {MAX_IN_VALUES:,} values, not {len(values):,}; "
                "upload long lists as a table instead",
                _span(children),
            )
        return ast.InList(
            _value(operand),
            tuple(_value(v) for v in values),
            "NOT" in _tokens(children),
            span=_span(children),
        )

    def is_null(self, children: list[Any]) -> ast.IsNull:
        (operand,) = _nodes(children)
        return ast.IsNull(_value(operand), "NOT" in _tokens(children), span=_span(children))

    def exists(self, children: list[Any]) -> ast.Exists:
        return ast.Exists(_nodes(children)[0], span=_span(children))

    def not_(self, children: list[Any]) -> ast.Not:
        return ast.Not(_condition(children[1], "NOT"), span=_span(children))

    def and_(self, children: list[Any]) -> ast.And:
        left, right = _nodes(children)
        return ast.And(_condition(left, "AND"), _condition(right, "AND"), span=_span(children))

    def or_(self, children: list[Any]) -> ast.Or:
        left, right = _nodes(children)
        return ast.Or(_condition(left, "OR"), _condition(right, "OR"), span=_span(children))

    # ---- select lists and tables --------------------------------------------------

    def select_all(self, children: list[Any]) -> tuple[str, ast.SelectAll]:
        return ("items", ast.SelectAll(span=_span(children)))

    def select_items(self, children: list[Any]) -> tuple[str, tuple[ast.SelectItem, ...]]:
        return ("items", tuple(children))

    def derived_column(self, children: list[Any]) -> ast.DerivedColumn:
        nodes = _nodes(children)
        alias = nodes[1] if len(nodes) > 1 else None
        return ast.DerivedColumn(_value(nodes[0], "a selected column"), alias, span=_span(children))

    def qualified_star(self, children: list[Any]) -> ast.QualifiedStar:
        return ast.QualifiedStar(children[0], span=_span(children))

    def table_name(self, children: list[Any]) -> ast.TableName:
        nodes = _nodes(children)
        parts = nodes[0]
        if len(parts) > 3:
            _fail("a table name has at most three parts: catalog.schema.table", _span(children))
        alias = nodes[1] if len(nodes) > 1 else None
        return ast.TableName(parts, alias, span=_span(children))

    def derived_table(self, children: list[Any]) -> ast.DerivedTable:
        query, alias = _nodes(children)
        return ast.DerivedTable(query, alias, span=_span(children))

    def join_type(self, children: list[Any]) -> str:
        return "INNER"

    def left_join(self, children: list[Any]) -> str:
        return "LEFT"

    def right_join(self, children: list[Any]) -> str:
        return "RIGHT"

    def full_join(self, children: list[Any]) -> str:
        return "FULL"

    def join_on(self, children: list[Any]) -> tuple[str, Any]:
        return ("on", _condition(_nodes(children)[0], "ON"))

    def join_using(self, children: list[Any]) -> tuple[str, Any]:
        return ("using", tuple(_nodes(children)))

    def joined_table(self, children: list[Any]) -> ast.Join:
        natural = "NATURAL" in _tokens(children)
        nodes = _nodes(children)
        kind = next((n for n in nodes if isinstance(n, str)), "INNER")
        left, right = (n for n in nodes if not isinstance(n, (str, tuple)))
        spec = next((n for n in nodes if isinstance(n, tuple)), None)
        if natural and spec is not None:
            _fail("a NATURAL join takes neither ON nor USING", _span(children))
        # Without ON or USING (ADQL 2.1 makes the join specification optional) every
        # pair of rows joins: the WHERE clause says which to keep, as in DP1's tutorials.
        on = spec[1] if spec and spec[0] == "on" else None
        using = spec[1] if spec and spec[0] == "using" else ()
        return ast.Join(left, right, kind, natural, on, using, span=_span(children))

    # ---- clauses and queries ------------------------------------------------------

    def top(self, children: list[Token]) -> tuple[str, int]:
        return ("top", _bounded_int(children[1]))

    def from_clause(self, children: list[Any]) -> tuple[str, tuple[Any, ...]]:
        return ("from", tuple(_nodes(children)))

    def where(self, children: list[Any]) -> tuple[str, Any]:
        return ("where", _condition(_nodes(children)[0], "WHERE"))

    def group_by(self, children: list[Any]) -> tuple[str, tuple[Any, ...]]:
        return ("group_by", tuple(_value(n, "a grouping column") for n in _nodes(children)))

    def having(self, children: list[Any]) -> tuple[str, Any]:
        return ("having", _condition(_nodes(children)[0], "HAVING"))

    def select(self, children: list[Any]) -> ast.Select:
        parts: dict[str, Any] = {}
        for child in _nodes(children):
            if isinstance(child, str):
                parts["quantifier"] = child
            else:
                parts[child[0]] = child[1]
        return ast.Select(
            items=parts["items"],
            from_=parts["from"],
            quantifier=parts.get("quantifier"),
            top=parts.get("top"),
            where=parts.get("where"),
            group_by=parts.get("group_by", ()),
            having=parts.get("having"),
            span=_span(children),
        )

    def sort_key(self, children: list[Any]) -> ast.SortKey:
        return ast.SortKey(
            _value(_nodes(children)[0], "a sort key"),
            "DESC" in _tokens(children),
            span=_span(children),
        )

    def order_by(self, children: list[Any]) -> tuple[str, tuple[Any, ...]]:
        return ("order_by", tuple(_nodes(children)))

    def offset(self, children: list[Token]) -> tuple[str, int]:
        return ("offset", _bounded_int(children[1]))

    def common_table(self, children: list[Any]) -> ast.CommonTable:
        name, query = _nodes(children)
        return ast.CommonTable(name, query, span=_span(children))

    def with_clause(self, children: list[Any]) -> tuple[str, tuple[Any, ...]]:
        return ("with", tuple(_nodes(children)))

    def _set_operation(self, op: str, children: list[Any]) -> ast.SetOperation:
        left, right = _nodes(children)
        return ast.SetOperation(op, left, right, "ALL" in _tokens(children), span=_span(children))

    def union(self, children: list[Any]) -> ast.SetOperation:
        return self._set_operation("UNION", children)

    def except_(self, children: list[Any]) -> ast.SetOperation:
        return self._set_operation("EXCEPT", children)

    def intersect(self, children: list[Any]) -> ast.SetOperation:
        return self._set_operation("INTERSECT", children)

    def nested_query(self, children: list[Any]) -> ast.Query:
        query: ast.Query = _nodes(children)[0]
        return query

    def query(self, children: list[Any]) -> ast.Query:
        parts: dict[str, Any] = {}
        body = None
        for child in _nodes(children):
            if isinstance(child, tuple):
                parts[child[0]] = child[1]
            else:
                body = child
        assert body is not None
        return ast.Query(
            body,
            parts.get("with", ()),
            parts.get("order_by", ()),
            parts.get("offset"),
            span=_span(children),
        )

    def start(self, children: list[Any]) -> ast.Query:
        query: ast.Query = children[0]
        return query
