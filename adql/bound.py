"""What binding found: the result of :func:`adql.binder.bind`, read by the translator.

Everything is keyed by the identity (``id()``) of the syntax-tree node it describes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from adql import ast
from adql.functions import ValueType
from vometa import Field

__all__ = ["BoundQuery", "ColumnInfo", "OutputColumn", "Source"]


@dataclass(frozen=True, slots=True)
class ColumnInfo:
    """A column visible through a FROM item."""

    name: str
    key: str
    type: ValueType
    description: str | None = None


@dataclass(slots=True)
class Source:
    """One FROM item (catalog table, CTE reference or derived table) and its columns."""

    node: ast.TableName | ast.DerivedTable
    columns: list[ColumnInfo]
    name_key: str
    """The key a qualifier must match: the alias if given, else the table name."""
    schema_key: str | None = None
    table: str | None = None
    """Qualified catalog name (``ivoa.ObsCore``) for catalog tables."""
    cte: ast.CommonTable | None = None

    def column(self, key: str) -> ColumnInfo | None:
        """The column with this key, if any."""
        return next((c for c in self.columns if c.key == key), None)


OutputColumn = Field
"""A column of the query's result, with the metadata its VOTable FIELD carries (its
``type`` is the binder's :class:`~adql.functions.ValueType`)."""


@dataclass(slots=True)
class BoundQuery:
    """A parsed query with everything it names resolved."""

    query: ast.Query
    columns: list[OutputColumn]
    sources: dict[int, Source] = field(default_factory=dict)
    """By ``id()`` of the ``TableName``/``DerivedTable`` node."""
    column_refs: dict[int, tuple[Source | None, ColumnInfo | int]] = field(default_factory=dict)
    """By ``id()`` of the ``ColumnRef``: its source and column, or (None, i) for a
    reference to output column i of the same SELECT (an alias in ORDER BY or GROUP BY)."""
    stars: dict[int, list[tuple[Source, ColumnInfo]]] = field(default_factory=dict)
    """By ``id()`` of ``SelectAll``/``QualifiedStar``: the columns it stands for."""
    outputs: dict[int, list[OutputColumn]] = field(default_factory=dict)
    """By ``id()`` of each ``Select``, ``SetOperation`` and ``Query``."""
    cast_operands: dict[int, ValueType] = field(default_factory=dict)
    """By ``id()`` of each ``Cast``: the type of the value being cast."""
    unit_factors: dict[int, float] = field(default_factory=dict)
    """By ``id()`` of each ``IN_UNIT`` call: the factor converting to the target unit."""
    integer_sums: set[int] = field(default_factory=set)
    """``id()`` of each SUM of integers: typed long, so beyond 64 bits it is an error
    on every backend (PostgreSQL would sum into numeric)."""
    float_mods: set[int] = field(default_factory=set)
    """``id()`` of each MOD with an argument that is not an integer."""
    integer_divisions: set[int] = field(default_factory=set)
    """``id()`` of each ``/`` between two integers: SQL's division, truncating (7/2 = 3)."""
