"""Binding: resolve every name in a parsed query against the catalog, check the calls,
and work out the type and metadata of each output column.

The binder is the only place semantic errors are raised (:class:`AdqlSemanticError`, with
the span of the offending name and, for unknown names, the closest known one). Its result,
:class:`BoundQuery`, records for each table reference and column reference what it
resolved to, keyed by node identity, for the translator.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NoReturn

from adql import ast
from adql.bound import BoundQuery, ColumnInfo, OutputColumn, Source
from adql.catalog import Catalog, CatalogTable, identifier_key
from adql.checks import cast_type, check_geometry_forms, unit_factor
from adql.errors import AdqlSemanticError
from adql.functions import (
    AGGREGATES,
    COORDINATE_SYSTEM_FUNCTIONS,
    FUNCTIONS,
    INT,
    LONG,
    STRING,
    Kind,
    ValueType,
)
from adql.geometry_literals import GEOMETRY_CASTS, expand_geometry_literals
from vometa import FieldType

__all__ = ["BoundQuery", "ColumnInfo", "OutputColumn", "Source", "bind"]


def _columns_of(outputs: Sequence[OutputColumn]) -> list[ColumnInfo]:
    """A derived table's or CTE's columns: its query's outputs."""
    return [ColumnInfo(o.name, o.name.lower(), _value_type(o.type), o.description) for o in outputs]


def _value_type(value: FieldType) -> ValueType:
    """The binder's own type (outputs hold ValueTypes; the static type is wider)."""
    if isinstance(value, ValueType):
        return value
    return ValueType(
        value.datatype, value.arraysize, value.xtype, value.unit, value.ucd, value.utype
    )


_DALI_EXAMPLES = {
    "POINT": "'53.1 -28.1'",
    "CIRCLE": "'53.1 -28.1 0.5'",
    "POLYGON": "'53 -28 54 -28 54 -29'",
}
_INTEGER_DATATYPES = frozenset({"unsignedByte", "short", "int", "long"})


def _fail(message: str, span: ast.Span) -> NoReturn:
    raise AdqlSemanticError(message, span)


def _suggest(word: str, candidates: Iterable[str]) -> str:
    """A "did you mean" hint: the closest candidate, compared without case."""
    by_key = {c.lower(): c for c in candidates}
    close = difflib.get_close_matches(word.lower(), list(by_key), n=1, cutoff=0.6)
    return f"; did you mean '{by_key[close[0]]}'?" if close else ""


@dataclass(slots=True)
class _Scope:
    sources: list[Source]
    parent: _Scope | None = None
    outputs: list[tuple[str, int]] = field(default_factory=list)
    """(alias key, output index) of the SELECT, for ORDER BY and GROUP BY."""
    in_where: bool = False


def _catalog_columns(table: CatalogTable) -> list[ColumnInfo]:
    return [
        ColumnInfo(
            identifier_key(c.name),
            identifier_key(c.name),
            ValueType(c.datatype, c.arraysize, c.xtype, c.unit, c.ucd, c.utype),
            c.description,
        )
        for c in table.columns
    ]


@dataclass(frozen=True, slots=True)
class _CatalogIndex:
    tables: dict[tuple[str, str], CatalogTable]
    """By (schema key, table key)."""
    columns: dict[str, list[ColumnInfo]]
    """By qualified TAP_SCHEMA table name."""


_INDEXES: dict[int, tuple[Catalog, _CatalogIndex]] = {}
"""Catalog indexes by catalog identity (the catalog is held, so its id stays its own)."""


def _index(catalog: Catalog) -> _CatalogIndex:
    cached = _INDEXES.get(id(catalog))
    if cached is not None and cached[0] is catalog:
        return cached[1]
    tables: dict[tuple[str, str], CatalogTable] = {}
    columns: dict[str, list[ColumnInfo]] = {}
    for table in catalog.tables():
        schema, _, name = table.table_name.partition(".")
        tables[(identifier_key(schema), identifier_key(name))] = table
        columns[table.table_name] = _catalog_columns(table)
    index = _CatalogIndex(tables, columns)
    if len(_INDEXES) >= 8:  # a service has one catalog; tests build a few
        _INDEXES.clear()
    _INDEXES[id(catalog)] = (catalog, index)
    return index


class _Binder:
    def __init__(self, catalog: Catalog) -> None:
        index = _index(catalog)
        self.tables = index.tables
        self.table_columns = index.columns

    # ---- queries ------------------------------------------------------------------

    def query(
        self,
        query: ast.Query,
        parent: _Scope | None,
        ctes: dict[str, ast.CommonTable],
        bound: BoundQuery,
    ) -> list[OutputColumn]:
        ctes = dict(ctes)
        for cte in query.with_:
            self.query(cte.query, parent, ctes, bound)
            ctes[cte.name.key] = cte
        scope_holder: list[_Scope] = []
        outputs = self.body(query.body, parent, ctes, bound, scope_holder)
        if query.order_by:
            if not scope_holder:
                # A set operation: sort keys name its output columns.
                scope = _Scope([], parent)
                scope.outputs = [(c.name.lower(), i) for i, c in enumerate(outputs)]
            else:
                scope = scope_holder[0]
            for key in query.order_by:
                self.sort_key(key, scope, outputs, bound)
        bound.outputs[id(query)] = outputs
        return outputs

    def body(
        self,
        body: ast.QueryBody,
        parent: _Scope | None,
        ctes: dict[str, ast.CommonTable],
        bound: BoundQuery,
        scope_holder: list[_Scope],
    ) -> list[OutputColumn]:
        if isinstance(body, ast.Query):
            return self.query(body, parent, ctes, bound)
        if isinstance(body, ast.SetOperation):
            left = self.body(body.left, parent, ctes, bound, [])
            right = self.body(body.right, parent, ctes, bound, [])
            if len(left) != len(right):
                _fail(
                    f"both sides of {body.op} must have the same number of columns "
                    f"(here {len(left)} and {len(right)})",
                    body.span,
                )
            bound.outputs[id(body)] = left
            return left
        scope = _Scope([], parent)
        scope_holder.append(scope)
        for item in body.from_:
            self.from_item(item, scope, ctes, bound)
        outputs = self.select_list(body, scope, bound)
        scope.outputs = [(o.name.lower(), i) for i, o in enumerate(outputs)]
        if body.where is not None:
            scope.in_where = True
            self.expr(body.where, scope, bound)
            scope.in_where = False
        for expr in body.group_by:
            if isinstance(expr, ast.Number) and isinstance(expr.value, int):
                # An output column's position, as in ORDER BY (and as databases read it).
                if not 1 <= expr.value <= len(outputs):
                    _fail(
                        f"GROUP BY {expr.value}: the query has {len(outputs)} "
                        f"output column{'s' if len(outputs) != 1 else ''}",
                        expr.span,
                    )
                continue
            self.expr(expr, scope, bound, allow_alias=True)
        if body.having is not None:
            self.expr(body.having, scope, bound)
        bound.outputs[id(body)] = outputs
        return outputs

    def sort_key(
        self, key: ast.SortKey, scope: _Scope, outputs: list[OutputColumn], bound: BoundQuery
    ) -> None:
        if isinstance(key.expr, ast.Number) and isinstance(key.expr.value, int):
            if not 1 <= key.expr.value <= len(outputs):
                _fail(
                    f"ORDER BY {key.expr.value}: the query has {len(outputs)} "
                    f"output column{'s' if len(outputs) != 1 else ''}",
                    key.span,
                )
            return
        self.expr(key.expr, scope, bound, allow_alias=True)

    # ---- FROM ---------------------------------------------------------------------

    def from_item(
        self, item: ast.FromItem, scope: _Scope, ctes: dict[str, ast.CommonTable], bound: BoundQuery
    ) -> None:
        if isinstance(item, ast.Join):
            self.from_item(item.left, scope, ctes, bound)
            left_sources = list(scope.sources)
            self.from_item(item.right, scope, ctes, bound)
            right = scope.sources[-1]
            for name in item.using:
                if not right.column(name.key) or not any(s.column(name.key) for s in left_sources):
                    _fail(
                        f"USING ({name.name}): both sides of the join need a column '{name.name}'",
                        name.span,
                    )
            if item.on is not None:
                self.expr(item.on, scope, bound)
            return
        if isinstance(item, ast.DerivedTable):
            outputs = self.query(item.query, scope.parent, ctes, bound)
            columns = [
                ColumnInfo(o.name, o.name.lower(), _value_type(o.type), o.description)
                for o in outputs
            ]
            source = Source(item, columns, item.alias.key)
        else:
            source = self.table(item, ctes, bound)
        if any(
            s.name_key == source.name_key and s.schema_key == source.schema_key
            for s in scope.sources
        ):
            _fail(
                f"'{source.name_key}' appears twice in FROM; give one of them an alias "
                "(... AS other_name)",
                item.span,
            )
        scope.sources.append(source)
        bound.sources[id(item)] = source

    def table(
        self, item: ast.TableName, ctes: dict[str, ast.CommonTable], bound: BoundQuery
    ) -> Source:
        parts = item.parts
        name = parts[-1]
        schema = parts[-2] if len(parts) > 1 else None
        alias_key = item.alias.key if item.alias else None
        if schema is None and name.key in ctes:
            cte = ctes[name.key]
            outputs = bound.outputs[id(cte.query)]
            columns = [
                ColumnInfo(o.name, o.name.lower(), _value_type(o.type), o.description)
                for o in outputs
            ]
            return Source(item, columns, alias_key or name.key, cte=cte)
        matches = [
            (key, t)
            for key, t in self.tables.items()
            if key[1] == name.key and (schema is None or key[0] == schema.key)
        ]
        if not matches:
            known = [t.table_name for t in self.tables.values()] + list(ctes)
            written = ".".join(p.name for p in parts)
            _fail(
                f"no table '{written}'{_suggest(written.lower(), known)} "
                "(TAP_SCHEMA.tables lists the tables)",
                item.span,
            )
        if len(matches) > 1:
            _fail(
                f"'{name.name}' is in several schemas; qualify it "
                f"({', '.join(t.table_name for _, t in matches)})",
                item.span,
            )
        (schema_key, _), table = matches[0]
        return Source(
            item,
            list(self.table_columns[table.table_name]),
            alias_key or name.key,
            None if alias_key else schema_key,
            table.table_name,
        )

    # ---- select list --------------------------------------------------------------

    def select_list(
        self, select: ast.Select, scope: _Scope, bound: BoundQuery
    ) -> list[OutputColumn]:
        outputs: list[OutputColumn] = []
        if isinstance(select.items, ast.SelectAll):
            expanded = [(s, c) for s in scope.sources for c in s.columns]
            bound.stars[id(select.items)] = expanded
            outputs = [OutputColumn(c.name, c.type, c.description) for _, c in expanded]
        else:
            for item in select.items:
                if isinstance(item, ast.QualifiedStar):
                    source = self.qualified_source(item.qualifier, scope, item.span)
                    bound.stars[id(item)] = [(source, c) for c in source.columns]
                    outputs += [OutputColumn(c.name, c.type, c.description) for c in source.columns]
                    continue
                value_type = self.expr(item.expr, scope, bound)
                name, description = self.output_name(item, bound)
                outputs.append(OutputColumn(name, value_type, description))
        return _unique_names(outputs)

    def output_name(self, item: ast.DerivedColumn, bound: BoundQuery) -> tuple[str, str | None]:
        if item.alias is not None:
            return item.alias.key if item.alias.delimited else item.alias.name, None
        if isinstance(item.expr, ast.ColumnRef):
            _source, column = bound.column_refs[id(item.expr)]
            if isinstance(column, ColumnInfo):
                return column.name, column.description
        if isinstance(item.expr, ast.FunctionCall):
            return item.expr.name.name.lower(), None
        return "expr", None

    def qualified_source(
        self, qualifier: Sequence[ast.Identifier], scope: _Scope, span: ast.Span
    ) -> Source:
        found = self.find_sources(qualifier, scope)
        if not found:
            written = ".".join(q.name for q in qualifier)
            names = [s.name_key for s in self.visible(scope)]
            _fail(f"no table called '{written}' in FROM{_suggest(written.lower(), names)}", span)
        return found[0]

    # ---- expressions --------------------------------------------------------------

    def visible(self, scope: _Scope | None) -> list[Source]:
        out: list[Source] = []
        while scope is not None:
            out += scope.sources
            scope = scope.parent
        return out

    def find_sources(self, qualifier: Sequence[ast.Identifier], scope: _Scope) -> list[Source]:
        table = qualifier[-1].key
        schema = qualifier[-2].key if len(qualifier) > 1 else None
        current: _Scope | None = scope
        while current is not None:
            found = [
                s
                for s in current.sources
                if s.name_key == table and (schema is None or s.schema_key == schema)
            ]
            if found:
                return found
            current = current.parent
        return []

    def column_ref(
        self, ref: ast.ColumnRef, scope: _Scope, bound: BoundQuery, allow_alias: bool
    ) -> ValueType:
        key = ref.column.key
        if ref.qualifier:
            sources = self.find_sources(ref.qualifier, scope)
            if not sources:
                written = ".".join(q.name for q in ref.qualifier)
                names = [s.name_key for s in self.visible(scope)]
                _fail(
                    f"no table called '{written}' in FROM{_suggest(written.lower(), names)}",
                    ref.span,
                )
            candidates = [(s, s.column(key)) for s in sources]
        else:
            candidates = []
            current: _Scope | None = scope
            while current is not None and not candidates:
                candidates = [(s, s.column(key)) for s in current.sources if s.column(key)]
                current = current.parent
        hits = [(s, c) for s, c in candidates if c is not None]
        if not hits and allow_alias and not ref.qualifier:
            for alias, index in scope.outputs:
                if alias == key:
                    bound.column_refs[id(ref)] = (None, index)
                    return ValueType("double")
        if not hits:
            where = f" in {sources[0].table or sources[0].name_key}" if ref.qualifier else ""
            pool = [
                c.name
                for s in (sources if ref.qualifier else self.visible(scope))
                for c in s.columns
            ]
            _fail(f"no column '{ref.column.name}'{where}{_suggest(key, pool)}", ref.span)
        if len(hits) > 1:
            tables = ", ".join(s.name_key for s, _ in hits)
            _fail(
                f"column '{ref.column.name}' is ambiguous: it is in {tables}; qualify it "
                f"(for example {hits[0][0].name_key}.{ref.column.name})",
                ref.span,
            )
        source, column = hits[0]
        assert column is not None
        bound.column_refs[id(ref)] = (source, column)
        return column.type

    def expr(
        self, node: ast.Expression, scope: _Scope, bound: BoundQuery, allow_alias: bool = False
    ) -> ValueType:
        match node:
            case ast.Number(value=value):
                return LONG if isinstance(value, int) else ValueType("double")
            case ast.String():
                return STRING
            case ast.Null():
                return ValueType("char", "*")
            case ast.ColumnRef():
                return self.column_ref(node, scope, bound, allow_alias)
            case ast.FunctionCall():
                return self.call(node, scope, bound)
            case ast.Cast(operand=operand, type_name=type_name, length=length):
                operand_type = self.expr(operand, scope, bound)
                bound.cast_operands[id(node)] = operand_type
                if type_name in GEOMETRY_CASTS:
                    return self.geometry_cast(node, operand_type)
                return cast_type(type_name, length, node.span)
            case ast.Sign(operand=operand):
                return self.numeric(operand, scope, bound, node.op)
            case ast.Arithmetic(left=left, right=right, op=op):
                lt = self.numeric(left, scope, bound, op)
                rt = self.numeric(right, scope, bound, op)
                integers = {lt.datatype, rt.datatype} <= _INTEGER_DATATYPES
                if op == "/" and integers:
                    bound.integer_divisions.add(id(node))
                return LONG if integers else ValueType("double")
            case ast.Concatenation(left=left, right=right):
                for side in (left, right):
                    kind = self.expr(side, scope, bound).kind
                    if kind.is_geometry:
                        _fail(f"'||' joins strings, but this is {kind.value}", side.span)
                return STRING
            case ast.Comparison(left=left, right=right):
                kinds = []
                for side in (left, right):
                    kind = self.expr(side, scope, bound).kind
                    if kind.is_geometry:
                        _fail(
                            "geometries cannot be compared; use CONTAINS, INTERSECTS or DISTANCE",
                            side.span,
                        )
                    kinds.append(kind)
                nulls = isinstance(left, ast.Null) or isinstance(right, ast.Null)
                if {kinds[0], kinds[1]} == {Kind.NUMBER, Kind.STRING} and not nulls:
                    string = right if kinds[1] is Kind.STRING else left
                    _fail(
                        f"'{node.op}' compares a number with a string; compare numbers with "
                        "numbers (write a number without quotes) or strings with strings",
                        string.span,
                    )
                return INT
            case ast.Exists(query=query) | ast.InSubquery(query=query):
                if isinstance(node, ast.InSubquery):
                    self.expr(node.operand, scope, bound)
                outputs = self.query(query, scope, {}, bound)
                if isinstance(node, ast.InSubquery) and len(outputs) != 1:
                    _fail(
                        f"the subquery after IN must select one column, not {len(outputs)}",
                        query.span,
                    )
                return INT
            case _:
                for child in _children(node):
                    self.expr(child, scope, bound)
                return INT

    def geometry_cast(self, node: ast.Cast, operand: ValueType) -> ValueType:
        """A geometry CAST left after expanding string constants: a no-op on a value
        already of that type (a string constant was expanded before binding)."""
        result = FUNCTIONS[node.type_name].result
        assert result is not None
        if node.length is not None or operand.xtype != result.xtype:
            _fail(
                f"CAST to {node.type_name} takes a string constant in DALI form, such as "
                f"{_DALI_EXAMPLES[node.type_name]}, or a {node.type_name}",
                node.span,
            )
        return result

    def numeric(self, node: ast.Expression, scope: _Scope, bound: BoundQuery, op: str) -> ValueType:
        value_type = self.expr(node, scope, bound)
        if value_type.kind not in (Kind.NUMBER, Kind.ANY) and not isinstance(node, ast.Null):
            _fail(f"'{op}' needs numbers, but this is {value_type.kind.value}", node.span)
        return value_type

    def call(self, call: ast.FunctionCall, scope: _Scope, bound: BoundQuery) -> ValueType:
        name = call.name.name.upper()
        if name in AGGREGATES:
            if scope.in_where:
                _fail(f"{name} is an aggregate and cannot be used in WHERE; use HAVING", call.span)
            if call.star:
                return LONG
            if len(call.args) != 1:
                _fail(f"{name} takes one argument, not {len(call.args)}", call.span)
            arg_type = self.expr(call.args[0], scope, bound)
            result = AGGREGATES[name]
            if name == "SUM" and arg_type.datatype in _INTEGER_DATATYPES:
                bound.integer_sums.add(id(call))
                return LONG
            return result or ValueType(
                arg_type.datatype, arg_type.arraysize, arg_type.xtype, arg_type.unit
            )
        spec = FUNCTIONS.get(name)
        if spec is None:
            known = list(FUNCTIONS) + list(AGGREGATES)
            _fail(f"unknown function {name}{_suggest(name, known)}", call.name.span)
        args = list(call.args)
        if name in COORDINATE_SYSTEM_FUNCTIONS and args and isinstance(args[0], ast.String):
            args = args[1:]  # the deprecated coordinate system: accepted, ignored
        types = [self.expr(a, scope, bound) for a in args]
        kinds = [t.kind for t in types]
        least = len(spec.args) - spec.optional
        if len(args) < least or (not spec.variadic and len(args) > len(spec.args)):
            _fail(f"{name} takes {spec.arity}, not {len(args)}", call.span)
        for i, (arg, kind) in enumerate(zip(args, kinds, strict=True)):
            expected = spec.args[min(i, len(spec.args) - 1)]
            if expected is Kind.ANY or kind in (Kind.ANY, Kind.NULL):
                continue
            ok = kind == expected or (expected is Kind.SHAPE and kind.is_geometry)
            if not ok:
                _fail(
                    f"argument {i + 1} of {name} must be {expected.value}, not {kind.value}",
                    arg.span,
                )
        check_geometry_forms(name, args, kinds, call.span)
        if name == "MOD" and any(t.datatype not in _INTEGER_DATATYPES for t in types):
            bound.float_mods.add(id(call))
        places = types[1] if name in ("ROUND", "TRUNCATE") and len(args) == 2 else None
        if places and places.kind is Kind.NUMBER and places.datatype not in _INTEGER_DATATYPES:
            _fail(f"the number of decimal places of {name} must be an integer", args[1].span)
        if name == "IN_UNIT":
            bound.unit_factors[id(call)] = unit_factor(types[0].unit, args[1], call.span)
        if spec.result is not None:
            return spec.result
        first = types[0] if types else ValueType("double")
        return ValueType(first.datatype, first.arraysize, first.xtype, first.unit)


def _children(node: ast.Expression) -> list[ast.Expression]:
    match node:
        case ast.Between():
            return [node.operand, node.low, node.high]
        case ast.Like():
            return [node.operand, node.pattern]
        case ast.InList():
            return [node.operand, *node.values]
        case ast.IsNull() | ast.Not():
            return [node.operand]
        case ast.And() | ast.Or():
            return [node.left, node.right]
    return []


def _unique_names(outputs: list[OutputColumn]) -> list[OutputColumn]:
    seen: dict[str, int] = {}
    unique = []
    for column in outputs:
        key = column.name.lower()
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            column = OutputColumn(f"{column.name}_{seen[key]}", column.type, column.description)
        unique.append(column)
    return unique


def bind(query: ast.Query, catalog: Catalog) -> BoundQuery:
    """Resolve ``query`` against ``catalog``.

    Raises
    ------
    AdqlSemanticError
        For unknown or ambiguous names, wrong arguments and other misuse; the error's span
        points at the offending text.
    """
    query = expand_geometry_literals(query)
    binder = _Binder(catalog)
    bound = BoundQuery(query, [])
    bound.columns = binder.query(query, None, {}, bound)
    return bound
