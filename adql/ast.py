"""The typed syntax tree of an ADQL query: frozen dataclasses, each with its source span.

Spans are excluded from equality, so two parses of the same query in different layouts
compare equal. No Lark object appears here; :mod:`adql.builder` makes these from the
parse tree. A program may also build a tree itself (as :mod:`sia` does) and compile it
with :func:`adql.compile_tree`: leave out ``span`` and a node gets :data:`GENERATED`,
which errors render without a place. A node may appear at several places of one tree
only where it means the same thing (the binder records what each node resolves to by
its identity).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import TypeAlias

__all__ = [
    "GENERATED",
    "And",
    "Arithmetic",
    "Between",
    "Cast",
    "ColumnRef",
    "CommonTable",
    "Comparison",
    "Concatenation",
    "DerivedColumn",
    "DerivedTable",
    "Exists",
    "Expression",
    "FromItem",
    "FunctionCall",
    "Identifier",
    "InList",
    "InSubquery",
    "IsNull",
    "Join",
    "Like",
    "Literal",
    "Not",
    "Null",
    "Number",
    "Or",
    "QualifiedStar",
    "Query",
    "QueryBody",
    "Select",
    "SelectAll",
    "SelectItem",
    "SetOperation",
    "Sign",
    "SortKey",
    "Span",
    "String",
    "TableName",
    "depth",
]


@dataclass(frozen=True, slots=True)
class Span:
    """Where a node came from: character offsets and 1-based line and column."""

    start: int
    end: int
    line: int
    """0 for a node that was not parsed (:data:`GENERATED`)."""
    column: int

    @property
    def located(self) -> bool:
        """Whether the span is a place in a query's text."""
        return self.line > 0


GENERATED = Span(0, 0, 0, 0)
"""The span of a node a program built rather than parsed (the default): in no text."""


def _span() -> Span:
    return field(default=GENERATED, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Identifier:
    """A name: regular (case-insensitive) or delimited (``"..."``, case-sensitive)."""

    name: str
    delimited: bool = False
    span: Span = _span()

    @property
    def key(self) -> str:
        """The name as compared: folded to lower case unless delimited."""
        return self.name if self.delimited else self.name.lower()


# ---- Values --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Number:
    """A numeric literal; ``text`` keeps the form written (for exact decimals)."""

    value: int | float
    text: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class String:
    """A string literal (quotes removed, ``''`` unescaped)."""

    value: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Null:
    """The NULL literal."""

    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ColumnRef:
    """A possibly qualified column name: ``col``, ``t.col``, ``schema.table.col``..."""

    parts: tuple[Identifier, ...]
    span: Span = _span()

    @property
    def column(self) -> Identifier:
        """The column name (the last part)."""
        return self.parts[-1]

    @property
    def qualifier(self) -> tuple[Identifier, ...]:
        """The table qualifier (all but the last part), possibly empty."""
        return self.parts[:-1]


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """``NAME(args)``: built-in, geometry, aggregate or user-defined function."""

    name: Identifier
    args: tuple[Expression, ...]
    quantifier: str | None = None
    """``DISTINCT`` or ``ALL`` inside an aggregate, else None."""
    star: bool = False
    """``COUNT(*)``."""
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Cast:
    """``CAST(expr AS type[(length)])``."""

    operand: Expression
    type_name: str
    """Upper case, words joined by one space (``DOUBLE PRECISION``)."""
    length: int | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Sign:
    """Unary ``+`` or ``-``."""

    op: str
    operand: Expression
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """``left op right`` for ``+ - * /``."""

    op: str
    left: Expression
    right: Expression
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Concatenation:
    """``left || right``."""

    left: Expression
    right: Expression
    span: Span = _span()


# ---- Conditions ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Comparison:
    """``left op right`` for ``= <> != < > <= >=`` (``!=`` is normalised to ``<>``)."""

    op: str
    left: Expression
    right: Expression
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Between:
    """``operand [NOT] BETWEEN low AND high``."""

    operand: Expression
    low: Expression
    high: Expression
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Like:
    """``operand [NOT] LIKE|ILIKE pattern``."""

    operand: Expression
    pattern: Expression
    negated: bool = False
    case_insensitive: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class InList:
    """``operand [NOT] IN (v1, v2, ...)``."""

    operand: Expression
    values: tuple[Expression, ...]
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class InSubquery:
    """``operand [NOT] IN (query)``."""

    operand: Expression
    query: Query
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class IsNull:
    """``operand IS [NOT] NULL``."""

    operand: Expression
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Exists:
    """``EXISTS (query)``."""

    query: Query
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Not:
    """``NOT condition``."""

    operand: Expression
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class And:
    """``left AND right``."""

    left: Expression
    right: Expression
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Or:
    """``left OR right``."""

    left: Expression
    right: Expression
    span: Span = _span()


Literal: TypeAlias = Number | String | Null
Condition: TypeAlias = (
    Comparison | Between | Like | InList | InSubquery | IsNull | Exists | Not | And | Or
)
Expression: TypeAlias = (
    Literal | ColumnRef | FunctionCall | Cast | Sign | Arithmetic | Concatenation | Condition
)

CONDITIONS = (Comparison, Between, Like, InList, InSubquery, IsNull, Exists, Not, And, Or)
"""The node types that are conditions (true, false or unknown), not values."""

# ---- Select lists, tables, queries ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class SelectAll:
    """``SELECT *``."""

    span: Span = _span()


@dataclass(frozen=True, slots=True)
class QualifiedStar:
    """``t.*``."""

    qualifier: tuple[Identifier, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class DerivedColumn:
    """``expr [AS alias]``."""

    expr: Expression
    alias: Identifier | None = None
    span: Span = _span()


SelectItem: TypeAlias = QualifiedStar | DerivedColumn


@dataclass(frozen=True, slots=True)
class TableName:
    """A table by name (``schema.table``), with an optional correlation name."""

    parts: tuple[Identifier, ...]
    alias: Identifier | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class DerivedTable:
    """``(query) [AS] alias``."""

    query: Query
    alias: Identifier
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Join:
    """``left [NATURAL] [kind] JOIN right [ON cond | USING (cols)]``."""

    left: FromItem
    right: FromItem
    kind: str = "INNER"
    """``INNER``, ``LEFT``, ``RIGHT`` or ``FULL``."""
    natural: bool = False
    on: Expression | None = None
    using: tuple[Identifier, ...] = ()
    span: Span = _span()


FromItem: TypeAlias = TableName | DerivedTable | Join


@dataclass(frozen=True, slots=True)
class SortKey:
    """``expr [ASC|DESC]``; an integer literal means a select-list position."""

    expr: Expression
    descending: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Select:
    """One ``SELECT ... FROM ...`` block."""

    items: tuple[SelectItem, ...] | SelectAll
    from_: tuple[FromItem, ...]
    quantifier: str | None = None
    top: int | None = None
    where: Expression | None = None
    group_by: tuple[Expression, ...] = ()
    having: Expression | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class SetOperation:
    """``left UNION|EXCEPT|INTERSECT [ALL] right``."""

    op: str
    left: QueryBody
    right: QueryBody
    all: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class CommonTable:
    """``name AS (query)`` in a WITH clause."""

    name: Identifier
    query: Query
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Query:
    """A whole query: WITH tables, the body, and the ordering and offset of its result."""

    body: QueryBody
    with_: tuple[CommonTable, ...] = ()
    order_by: tuple[SortKey, ...] = ()
    offset: int | None = None
    span: Span = _span()


QueryBody: TypeAlias = Select | SetOperation | Query


def depth(node: object) -> int:
    """Levels of nesting of a tree, 1 for a leaf, found without recursion (so it is safe
    on a tree too deep for the stages that recurse).

    Parameters
    ----------
    node
        Any node of this module; a tuple of nodes in a field is one level, like a node.
    """
    deepest = 0
    stack: list[tuple[object, int]] = [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        if not is_dataclass(current) or isinstance(current, (type, Span)):
            continue
        for item in fields(current):
            value = getattr(current, item.name)
            children = value if isinstance(value, tuple) else (value,)
            stack.extend(
                (child, level + 1)
                for child in children
                if is_dataclass(child) and not isinstance(child, Span)
            )
    return deepest
