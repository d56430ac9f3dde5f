"""Bound ADQL -> SQLAlchemy Core, never SQL text built from input.

Tables come from the caller (:class:`TranslationContext`), so a query can reach only
what the catalog publishes. Geometry compiles through :mod:`adql.dialects.geometry`;
``CONTAINS(...) = 1`` and ``INTERSECTS(...) = 1`` become boolean predicates, and on a
table with spatial helper columns they use its index: pgSphere's GiST columns on
PostgreSQL, an R*Tree prefilter on SQLite.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from adql import ast
from adql.binder import BoundQuery, ColumnInfo, Source
from adql.dialects.geometry import Geometry, UnsupportedGeometryError
from adql.errors import AdqlSemanticError

__all__ = ["SpatialColumns", "TranslationContext", "translate"]

Expr = sa.ColumnElement[Any]
Publish = Callable[[str, str, Expr], Expr]


@dataclass(frozen=True, slots=True)
class SpatialColumns:
    """A table's position and footprint columns, and the hidden columns indexing them."""

    ra: str
    dec: str
    region: str
    point_index: str | None = None
    """PostgreSQL: an spoint column of (ra, dec) with a GiST index."""
    region_index: str | None = None
    """PostgreSQL: an spoly column of the region with a GiST index."""
    rowid: str | None = None
    """SQLite: the key of the table's rows in the R*Tree."""


@dataclass(frozen=True, slots=True)
class TranslationContext:
    """What the translator needs to know about the database."""

    backend: str
    tables: Mapping[str, sa.Table]
    """Published tables by lower-case qualified name (``ivoa.obscore``)."""
    spatial: Mapping[str, SpatialColumns] = field(default_factory=dict)
    """Spatial columns by lower-case qualified table name."""
    rtree: sa.Table | None = None
    """SQLite: R*Tree with ``id`` and ``xmin``..``zmax`` over unit-sphere boxes."""
    publish: Publish | None = None
    """Turns a stored column into its published value (table, column, expression)."""


_CASTS: dict[str, Callable[[int | None], Any]] = {
    "SMALLINT": lambda _n: sa.SmallInteger(),
    "INTEGER": lambda _n: sa.Integer(),
    "BIGINT": lambda _n: sa.BigInteger(),
    "REAL": lambda _n: sa.REAL(),
    "DOUBLE PRECISION": lambda _n: sa.Double(),
    "CHAR": lambda n: sa.CHAR(n),
    "VARCHAR": lambda n: sa.String(n),
    "TIMESTAMP": lambda _n: sa.DateTime(),
}
_COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}
_INTEGER_TYPES = frozenset({"SMALLINT", "INTEGER", "BIGINT"})
_FLIPPED = {"=": "=", "<>": "<>", "<": ">", ">": "<", "<=": ">=", ">=": "<="}
_PG_NAMES = {"CEILING": "ceil", "LOG": "ln", "LOG10": "log", "RAND": "random", "TRUNCATE": "trunc"}
_SQLITE_BUILTIN = {"ABS", "LOWER", "UPPER", "COALESCE"}


def _constant(node: ast.Expression) -> float | None:
    if isinstance(node, ast.Number):
        return float(node.value)
    if isinstance(node, ast.Sign):
        inner = _constant(node.operand)
        return None if inner is None else (-inner if node.op == "-" else inner)
    return None


def _cone_box(ra: float, dec: float, radius: float) -> tuple[float, ...]:
    a, d = math.radians(ra), math.radians(dec)
    centre = (math.cos(d) * math.cos(a), math.cos(d) * math.sin(a), math.sin(d))
    r = math.radians(radius)
    box: list[float] = []
    for c in centre:
        theta = math.acos(max(-1.0, min(1.0, c)))
        box += [math.cos(min(math.pi, theta + r)), math.cos(max(0.0, theta - r))]
    return tuple(box)


class _Translator:
    def __init__(self, bound: BoundQuery, context: TranslationContext) -> None:
        self.bound = bound
        self.ctx = context
        self.geometry = Geometry(context.backend)
        self.froms: dict[int, sa.FromClause] = {}
        self.ctes: dict[int, sa.CTE] = {}
        self.labelled: list[Any] = []
        """Output columns of the SELECT being translated, for alias references."""

    # ---- queries ------------------------------------------------------------------

    def query(self, query: ast.Query, row_limit: int | None = None) -> Any:
        for cte in query.with_:
            self.ctes[id(cte)] = self.query(cte.query).cte(cte.name.key)
        body = query.body
        statement = self.body(body)
        self.labelled = list(statement.selected_columns)
        if query.order_by:
            statement = statement.order_by(*[self.sort_key(k, statement) for k in query.order_by])
        if query.offset:
            statement = statement.offset(query.offset)
        limit = body.top if isinstance(body, ast.Select) else None
        if row_limit is not None:
            limit = row_limit if limit is None else min(limit, row_limit)
        if limit is not None:
            statement = statement.limit(limit)
        return statement

    def body(self, body: ast.QueryBody) -> Any:
        if isinstance(body, ast.Query):
            inner = self.query(body)
            if (
                body.order_by
                or body.offset
                or (isinstance(body.body, ast.Select) and body.body.top is not None)
            ):
                # Operands of a compound SELECT cannot carry ORDER BY/LIMIT themselves.
                return sa.select(inner.subquery())
            return inner
        if isinstance(body, ast.SetOperation):
            left, right = self.operand(body.left), self.operand(body.right)
            op = {
                "UNION": (sa.union, sa.union_all),
                "EXCEPT": (sa.except_, sa.except_all),
                "INTERSECT": (sa.intersect, sa.intersect_all),
            }[body.op][int(body.all)]
            if body.all and body.op != "UNION" and self.ctx.backend == "sqlite":
                raise AdqlSemanticError(
                    f"{body.op} ALL is not available on this service's "
                    f"SQLite database; use {body.op}",
                    body.span,
                )
            return op(left, right)
        return self.select(body)

    def operand(self, body: ast.QueryBody) -> Any:
        statement = self.body(body)
        if isinstance(body, ast.Select) and body.top is not None:
            return sa.select(statement.limit(body.top).subquery())
        if isinstance(statement, sa.CompoundSelect):
            return sa.select(statement.subquery())
        return statement

    def sort_key(self, key: ast.SortKey, statement: Any) -> Any:
        columns = list(statement.selected_columns)
        if isinstance(key.expr, ast.Number) and isinstance(key.expr.value, int):
            target: Any = columns[key.expr.value - 1]
        elif (
            isinstance(key.expr, ast.ColumnRef)
            and self.bound.column_refs.get(id(key.expr), (True, 0))[0] is None
        ):
            target = columns[self.bound.column_refs[id(key.expr)][1]]  # type: ignore[index]
        else:
            target = self.expr(key.expr)
        # Where NULLs sort is up to the database; we make them larger than any value on
        # both backends (PostgreSQL's choice), so ORDER BY gives one order everywhere.
        return target.desc().nulls_first() if key.descending else target.asc().nulls_last()

    def select(self, select: ast.Select) -> sa.Select[Any]:
        froms = [self.from_item(item) for item in select.from_]
        outputs = self.bound.outputs[id(select)]
        columns: list[Any] = []
        if isinstance(select.items, ast.SelectAll):
            columns = [self.column(s, c) for s, c in self.bound.stars[id(select.items)]]
        else:
            for item in select.items:
                if isinstance(item, ast.QualifiedStar):
                    columns += [self.column(s, c) for s, c in self.bound.stars[id(item)]]
                else:
                    columns.append(self.expr(item.expr))
        labelled = [c.label(o.name) for c, o in zip(columns, outputs, strict=True)]
        self.labelled = labelled
        statement = sa.select(*labelled).select_from(*froms)
        if select.quantifier == "DISTINCT":
            statement = statement.distinct()
        if select.where is not None:
            statement = statement.where(self.condition(select.where))
        if select.group_by:
            statement = statement.group_by(*[self.expr(g) for g in select.group_by])
        if select.having is not None:
            statement = statement.having(self.condition(select.having))
        return statement

    # ---- FROM ---------------------------------------------------------------------

    def from_item(self, item: ast.FromItem) -> sa.FromClause:
        if isinstance(item, ast.Join):
            left, right = self.from_item(item.left), self.from_item(item.right)
            on = self.join_condition(item)
            if item.kind == "RIGHT":
                return right.join(left, on, isouter=True)
            return left.join(right, on, isouter=item.kind == "LEFT", full=item.kind == "FULL")
        source = self.bound.sources[id(item)]
        if isinstance(item, ast.DerivedTable):
            clause: sa.FromClause = self.query(item.query).subquery(item.alias.key)
        elif source.cte is not None:
            cte = self.ctes[id(source.cte)]
            # A CTE aliased to its own name is the CTE itself (SQL forbids the alias).
            clause = cte if source.name_key == source.cte.name.key else cte.alias(source.name_key)
        else:
            assert source.table is not None
            table = self.ctx.tables[source.table.lower()]
            # The binder allows an unaliased table once per FROM, so it needs no alias;
            # skipping it also spares SQLAlchemy building a new set of column proxies.
            clause = table if item.alias is None else table.alias(source.name_key)
        self.froms[id(item)] = clause
        return clause

    def join_condition(self, join: ast.Join) -> Expr:
        right = self.bound.sources.get(id(join.right))
        if join.on is not None:
            return self.condition(join.on)
        left_sources = [
            s for s in self.bound.sources.values() if id(s.node) in self.froms and s is not right
        ]
        keys = [u.key for u in join.using]
        if join.natural and right is not None:
            keys = [c.key for c in right.columns if any(s.column(c.key) for s in left_sources)]
        if not keys or right is None:
            return sa.true()
        terms = []
        for key in keys:
            left = next(s for s in left_sources if s.column(key))
            left_column, right_column = left.column(key), right.column(key)
            assert left_column is not None
            assert right_column is not None
            terms.append(self.column(left, left_column) == self.column(right, right_column))
        return sa.and_(*terms)

    def column(self, source: Source, column: ColumnInfo) -> Expr:
        clause = self.froms[id(source.node)]
        expr: Expr = clause.c[column.key]
        if source.table is not None and self.ctx.publish is not None:
            expr = self.ctx.publish(source.table, column.key, expr)
        return expr

    # ---- expressions --------------------------------------------------------------

    def condition(self, node: ast.Expression) -> Expr:
        condition: Expr = self.expr(node)
        return condition

    def expr(self, node: ast.Expression) -> Any:
        match node:
            case ast.Number(value=value):
                return sa.literal(value)
            case ast.String(value=value):
                return sa.literal(value, sa.String())
            case ast.Null():
                return sa.null()
            case ast.ColumnRef():
                source, column = self.bound.column_refs[id(node)]
                if source is None:  # an output alias, in ORDER BY or GROUP BY
                    assert isinstance(column, int)
                    return self.labelled[column]
                assert isinstance(column, ColumnInfo)
                return self.column(source, column)
            case ast.Sign(op=op, operand=operand):
                return -self.expr(operand) if op == "-" else self.expr(operand)
            case ast.Arithmetic(op=op, left=left, right=right):
                lhs, rhs = self.expr(left), self.expr(right)
                return {"+": lhs + rhs, "-": lhs - rhs, "*": lhs * rhs, "/": lhs / rhs}[op]
            case ast.Concatenation(left=left, right=right):
                return self.expr(left).concat(self.expr(right))
            case ast.Comparison():
                return self.comparison(node)
            case ast.Between(operand=operand, low=low, high=high, negated=negated):
                value = self.expr(operand).between(self.expr(low), self.expr(high))
                return sa.not_(value) if negated else value
            case ast.Like():
                return self.like(node)
            case ast.InList(operand=operand, values=values, negated=negated):
                value = self.expr(operand).in_([self.expr(v) for v in values])
                return sa.not_(value) if negated else value
            case ast.InSubquery(operand=operand, query=query, negated=negated):
                value = self.expr(operand).in_(self.query(query))
                return sa.not_(value) if negated else value
            case ast.IsNull(operand=operand, negated=negated):
                target = self.expr(operand)
                return target.is_not(None) if negated else target.is_(None)
            case ast.Exists(query=query):
                return sa.exists(self.query(query))
            case ast.Not(operand=operand):
                return sa.not_(self.expr(operand))
            case ast.And(left=left, right=right):
                return sa.and_(self.expr(left), self.expr(right))
            case ast.Or(left=left, right=right):
                return sa.or_(self.expr(left), self.expr(right))
            case ast.Cast(operand=operand, type_name=type_name, length=length):
                cast_value = self.expr(operand)
                source_type = self.bound.cast_operands.get(id(node))
                if (
                    self.ctx.backend == "postgresql"
                    and type_name in _INTEGER_TYPES
                    and source_type is not None
                    and source_type.datatype in ("float", "double")
                ):
                    # SQL leaves float-to-integer rounding to the database; SQLite
                    # truncates and PostgreSQL rounds. We truncate on both.
                    cast_value = sa.func.trunc(cast_value)
                return sa.cast(cast_value, _CASTS[type_name](length))
            case ast.FunctionCall():
                return self.call(node)
        raise AssertionError(f"no translation for {type(node).__name__}")

    def like(self, node: ast.Like) -> Expr:
        operand, pattern = self.expr(node.operand), self.expr(node.pattern)
        if node.case_insensitive:
            value = operand.ilike(pattern)
        elif self.ctx.backend == "postgresql":
            # ADQL's LIKE has no escape character; PostgreSQL's defaults to backslash.
            value = operand.like(pattern, escape="")
        else:
            value = operand.like(pattern)
        result: Expr = sa.not_(value) if node.negated else value
        return result

    def comparison(self, node: ast.Comparison) -> Expr:
        for call, other, flipped in ((node.left, node.right, False), (node.right, node.left, True)):
            if not isinstance(call, ast.FunctionCall):
                continue
            name = call.name.name.upper()
            if (
                name in ("CONTAINS", "INTERSECTS")
                and _constant(other) in (0.0, 1.0)
                and node.op in ("=", "<>")
            ):
                predicate = self.spatial_predicate(call)
                wanted = (_constant(other) == 1.0) == (node.op == "=")
                return predicate if wanted else sa.not_(predicate)
            op = _FLIPPED[node.op] if flipped else node.op
            if name == "DISTANCE" and op in ("<", "<="):
                return self.distance_predicate(call, op, other)
        result: Expr = _COMPARISONS[node.op](self.expr(node.left), self.expr(node.right))
        return result

    def distance_predicate(self, call: ast.FunctionCall, op: str, radius: ast.Expression) -> Expr:
        """``DISTANCE(p1, p2) < r`` as a cone search the spatial index can answer."""
        args = self.geometry_args(call)
        if len(args) == 4:
            point = ast.Identifier("POINT")
            first: ast.Expression = ast.FunctionCall(point, (args[0], args[1]), span=call.span)
            second: ast.Expression = ast.FunctionCall(point, (args[2], args[3]), span=call.span)
        else:
            first, second = args
        if self.indexed_source(second) is not None and self.indexed_source(first) is None:
            first, second = second, first
        circle = ast.FunctionCall(ast.Identifier("CIRCLE"), (second, radius), span=call.span)
        exact = _COMPARISONS[op](self.geometry_function(call, "DISTANCE"), self.expr(radius))
        terms = [exact]
        if self.ctx.backend == "postgresql" and self.indexed_source(first) is not None:
            terms.insert(0, self.geometry.contains(self.shape(first)[0], self.shape(circle)[0]))
        prefilter = self.rtree_prefilter(first, circle)
        if prefilter is not None:
            terms.insert(0, prefilter)
        return sa.and_(*terms)

    # ---- functions ----------------------------------------------------------------

    def call(self, call: ast.FunctionCall) -> Any:
        name = call.name.name.upper()
        if name in ("COUNT", "AVG", "MIN", "MAX", "SUM"):
            if call.star:
                return sa.func.count()
            arg = self.expr(call.args[0])
            if call.quantifier == "DISTINCT":
                arg = arg.distinct()
            if name == "AVG":
                arg = sa.cast(arg, sa.Double())
            return getattr(sa.func, name.lower())(arg)
        if name in (
            "POINT",
            "CIRCLE",
            "BOX",
            "POLYGON",
            "REGION",
            "CENTROID",
            "CONTAINS",
            "INTERSECTS",
            "DISTANCE",
            "AREA",
            "COORD1",
            "COORD2",
            "COORDSYS",
        ):
            return self.geometry_function(call, name)
        args = [self.expr(a) for a in call.args]
        if name == "IN_UNIT":
            return args[0] * sa.literal(self.bound.unit_factors[id(call)])
        if self.ctx.backend == "sqlite":
            if name in _SQLITE_BUILTIN:
                return getattr(sa.func, name.lower())(*args)
            return getattr(sa.func, f"adql_{name.lower()}")(*args)
        if name in ("ROUND", "TRUNCATE"):
            # PostgreSQL's double round() takes no scale and rounds half to even; numeric
            # takes a scale and rounds half away from zero, as SQLite does.
            function = sa.func.round if name == "ROUND" else sa.func.trunc
            return sa.cast(function(sa.cast(args[0], sa.Numeric()), *args[1:]), sa.Double())
        if name == "RAND":
            return sa.func.random()
        return getattr(sa.func, _PG_NAMES.get(name, name.lower()))(*args)

    def geometry_args(self, call: ast.FunctionCall) -> list[ast.Expression]:
        args = list(call.args)
        if (
            args
            and isinstance(args[0], ast.String)
            and call.name.name.upper() in ("POINT", "CIRCLE", "BOX", "POLYGON")
        ):
            return args[1:]
        return args

    def geometry_function(self, call: ast.FunctionCall, name: str) -> Any:
        try:
            if name in ("CONTAINS", "INTERSECTS"):
                predicate = self.spatial_predicate(call)
                if self.ctx.backend == "sqlite":
                    return sa.cast(predicate, sa.Integer())
                return sa.case((predicate, 1), else_=0)
            if name == "DISTANCE":
                args = self.geometry_args(call)
                if len(args) == 4:
                    first = self.geometry.point(self.expr(args[0]), self.expr(args[1]))
                    second = self.geometry.point(self.expr(args[2]), self.expr(args[3]))
                else:
                    first, second = self.shape(args[0])[0], self.shape(args[1])[0]
                return self.geometry.distance(first, second)
            if name == "AREA":
                return self.geometry.area(self.shape(call.args[0])[0])
            if name in ("COORD1", "COORD2"):
                return self.geometry.coord(self.shape(call.args[0])[0], int(name[-1]))
            if name == "COORDSYS":
                return sa.literal("ICRS")
            shape, _kind = self.shape(call)
            return shape
        except UnsupportedGeometryError as exc:
            raise AdqlSemanticError(str(exc), call.span) from None

    def shape(self, node: ast.Expression) -> tuple[Any, str]:
        """A geometry value: (expression, kind) with kind point, circle, polygon or region."""
        if isinstance(node, ast.ColumnRef):
            source, column = self.bound.column_refs[id(node)]
            spatial = self.spatial_of(source)
            if (
                spatial is not None
                and isinstance(column, ColumnInfo)
                and column.key == spatial.region
            ):
                if self.ctx.backend == "postgresql":
                    if spatial.region_index is None:
                        raise UnsupportedGeometryError(
                            f"{column.name} cannot be used as a geometry here"
                        )
                    assert source is not None
                    return self.froms[id(source.node)].c[spatial.region_index], "region"
                return self.expr(node), "region"
            raise UnsupportedGeometryError(f"column {node.column.name} is not a geometry")
        if not isinstance(node, ast.FunctionCall):
            raise UnsupportedGeometryError("expected a geometry (POINT, CIRCLE, POLYGON...)")
        name = node.name.name.upper()
        args = self.geometry_args(node)
        if name == "POINT":
            indexed = self.indexed_point(args)
            if indexed is not None:
                return indexed, "point"
            return self.geometry.point(self.expr(args[0]), self.expr(args[1])), "point"
        if name == "CIRCLE":
            centre = (
                self.shape(args[0])[0]
                if len(args) == 2
                else self.geometry.point(self.expr(args[0]), self.expr(args[1]))
            )
            return self.geometry.circle(centre, self.expr(args[-1])), "circle"
        if name == "POLYGON":
            return self.geometry.polygon(self.vertices(args)), "polygon"
        if name == "BOX":
            centre = (
                self.vertices(args[:1])[0]
                if len(args) == 3
                else (self.expr(args[0]), self.expr(args[1]))
            )
            return self.geometry.box(*centre, self.expr(args[-2]), self.expr(args[-1])), "polygon"
        if name == "CENTROID":
            inner, kind = self.shape(node.args[0])
            return self.geometry.centroid(inner, kind), "point"
        if name == "REGION":
            raise UnsupportedGeometryError(
                "REGION is not supported; use POINT, CIRCLE, BOX or POLYGON"
            )
        raise UnsupportedGeometryError(f"{name} is not a geometry")

    def vertices(self, args: list[ast.Expression]) -> list[tuple[Any, Any]]:
        if all(isinstance(a, ast.FunctionCall) and a.name.name.upper() == "POINT" for a in args):
            pairs = [self.geometry_args(a) for a in args]  # type: ignore[arg-type]
            return [(self.expr(p[0]), self.expr(p[1])) for p in pairs]
        if any(isinstance(a, ast.FunctionCall) for a in args):
            points = [self.shape(a)[0] for a in args]
            return [(self.geometry.coord(p, 1), self.geometry.coord(p, 2)) for p in points]
        return [(self.expr(args[i]), self.expr(args[i + 1])) for i in range(0, len(args), 2)]

    # ---- spatial index use --------------------------------------------------------

    def spatial_of(self, source: Source | None) -> SpatialColumns | None:
        if source is None or source.table is None:
            return None
        return self.ctx.spatial.get(source.table.lower())

    def point_source(self, args: list[ast.Expression]) -> Source | None:
        """The source whose (ra, dec) columns POINT(ra, dec) names, if it does."""
        if len(args) != 2 or not all(isinstance(a, ast.ColumnRef) for a in args):
            return None
        (s1, c1), (s2, c2) = (self.bound.column_refs[id(a)] for a in args)
        spatial = self.spatial_of(s1)
        if (
            s1 is None
            or s1 is not s2
            or spatial is None
            or not isinstance(c1, ColumnInfo)
            or not isinstance(c2, ColumnInfo)
        ):
            return None
        return s1 if (c1.key, c2.key) == (spatial.ra, spatial.dec) else None

    def indexed_point(self, args: list[ast.Expression]) -> Any:
        source = self.point_source(args)
        spatial = self.spatial_of(source)
        if (
            source is None
            or spatial is None
            or self.ctx.backend != "postgresql"
            or spatial.point_index is None
        ):
            return None
        return self.froms[id(source.node)].c[spatial.point_index]

    def spatial_predicate(self, call: ast.FunctionCall) -> Expr:
        first_node, second_node = call.args
        first, first_kind = self.shape(first_node)
        second, second_kind = self.shape(second_node)
        if call.name.name.upper() == "CONTAINS":
            predicate = self.geometry.contains(first, second)
        else:
            predicate = self.geometry.intersects(
                first, second, first_kind == "point", second_kind == "point"
            )
        prefilter = self.rtree_prefilter(first_node, second_node)
        return predicate if prefilter is None else sa.and_(prefilter, predicate)

    def rtree_prefilter(self, first: ast.Expression, second: ast.Expression) -> Expr | None:
        """SQLite: restrict an indexed table's rows to R*Tree boxes near a constant shape."""
        if self.ctx.backend != "sqlite" or self.ctx.rtree is None:
            return None
        for table_side, shape_side in ((first, second), (second, first)):
            source = self.indexed_source(table_side)
            box = self.constant_box(shape_side)
            spatial = self.spatial_of(source)
            if source is None or box is None or spatial is None or spatial.rowid is None:
                continue
            rt = self.ctx.rtree.c
            x0, x1, y0, y1, z0, z1 = box
            boxes = sa.select(rt.id).where(
                rt.xmax >= x0,
                rt.xmin <= x1,
                rt.ymax >= y0,
                rt.ymin <= y1,
                rt.zmax >= z0,
                rt.zmin <= z1,
            )
            return self.froms[id(source.node)].c[spatial.rowid].in_(boxes)
        return None

    def indexed_source(self, node: ast.Expression) -> Source | None:
        if isinstance(node, ast.ColumnRef):
            source, column = self.bound.column_refs[id(node)]
            spatial = self.spatial_of(source)
            if (
                spatial is not None
                and isinstance(column, ColumnInfo)
                and column.key == spatial.region
            ):
                return source
            return None
        if isinstance(node, ast.FunctionCall) and node.name.name.upper() == "POINT":
            return self.point_source(self.geometry_args(node))
        return None

    def constant_box(self, node: ast.Expression) -> tuple[float, ...] | None:
        if not isinstance(node, ast.FunctionCall):
            return None
        name = node.name.name.upper()
        values: list[float | None] = []
        for arg in self.geometry_args(node):
            if isinstance(arg, ast.FunctionCall) and arg.name.name.upper() == "POINT":
                values += [_constant(a) for a in self.geometry_args(arg)]
            else:
                values.append(_constant(arg))
        if any(v is None for v in values):
            return None
        numbers = [v for v in values if v is not None]
        if name == "POINT" and len(numbers) == 2:
            return _cone_box(numbers[0], numbers[1], 0.0)
        if name == "CIRCLE" and len(numbers) == 3:
            return _cone_box(*numbers)
        if name == "POLYGON" and len(numbers) >= 6:
            ras, decs = numbers[0::2], numbers[1::2]
            # A cone around the vertices' mean holds the polygon (edges bulge < 90 deg).
            x = sum(
                math.cos(math.radians(d)) * math.cos(math.radians(r))
                for r, d in zip(ras, decs, strict=True)
            )
            y = sum(
                math.cos(math.radians(d)) * math.sin(math.radians(r))
                for r, d in zip(ras, decs, strict=True)
            )
            z = sum(math.sin(math.radians(d)) for d in decs)
            ra0 = math.degrees(math.atan2(y, x)) % 360
            dec0 = math.degrees(math.atan2(z, math.hypot(x, y)))
            radius = max(_separation(ra0, dec0, r, d) for r, d in zip(ras, decs, strict=True))
            return _cone_box(ra0, dec0, min(180.0, radius * 1.01 + 1e-6))
        return None


def _separation(ra1: float, dec1: float, ra2: float, dec2: float) -> float:
    d1, d2 = math.radians(dec1), math.radians(dec2)
    h = (
        math.sin((d2 - d1) / 2) ** 2
        + math.cos(d1) * math.cos(d2) * math.sin(math.radians(ra2 - ra1) / 2) ** 2
    )
    return math.degrees(2 * math.asin(math.sqrt(min(1.0, h))))


def translate(bound: BoundQuery, context: TranslationContext, row_limit: int | None = None) -> Any:
    """The SQLAlchemy statement for a bound query.

    Parameters
    ----------
    bound
        The result of :func:`adql.binder.bind`.
    context
        The database's tables and capabilities.
    row_limit
        At most this many rows (a service passes MAXREC + 1 to detect overflow); TOP
        still applies when it is smaller.

    Raises
    ------
    AdqlSemanticError
        For constructs this backend cannot run.
    """
    return _Translator(bound, context).query(bound.query, row_limit)
