"""Bound ADQL -> SQLAlchemy Core, never SQL text built from input.

Tables come from the caller (:class:`TranslationContext`), so a query can reach only
what the catalog publishes. Geometry compiles through :mod:`adql.dialects.geometry`;
``CONTAINS(...) = 1`` and ``INTERSECTS(...) = 1`` become boolean predicates, and on a
table with spatial helper columns they use its index: pgSphere's GiST columns on
PostgreSQL, an R*Tree prefilter on SQLite.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from typing_extensions import override

from adql import ast
from adql.bound import BoundQuery, ColumnInfo, Source
from adql.context import SpatialColumns, TranslationContext
from adql.dialects.geometry import Geometry
from adql.dialects.keywords import BACKEND_KEYWORDS
from adql.geometry_literals import GEOMETRY_CASTS
from adql.translate_geometry import COMPARISONS, GeometryTranslation, constant

__all__ = ["SpatialColumns", "TranslationContext", "translate"]

Expr = sa.ColumnElement[Any]


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
_DIVISION = sa.sql.operators._PRECEDENCE[sa.sql.operators.truediv]
"""SQLAlchemy's precedence of "/", for the integer division written as a custom operator
(whose default precedence would drop the parentheses of ``1 / (a - b)``)."""
_INTEGER_TYPES = frozenset({"SMALLINT", "INTEGER", "BIGINT"})
_NARROW_INTEGERS = {"SMALLINT": 16, "INTEGER": 32}
_FLIPPED = {"=": "=", "<>": "<>", "<": ">", ">": "<", "<=": ">=", ">=": "<="}
_PG_NAMES = {"CEILING": "ceil", "LOG": "ln", "LOG10": "log", "RAND": "random", "TRUNCATE": "trunc"}
_SQLITE_BUILTIN = {"ABS", "LOWER", "UPPER", "COALESCE"}


def _has_spatial_predicate(node: object) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.FunctionCall) and current.name.name.upper() in (
            "CONTAINS",
            "INTERSECTS",
        ):
            return True
        if isinstance(current, (ast.Query, ast.Span)) or not dataclasses.is_dataclass(current):
            continue  # a subquery is negated as a whole (EXISTS, IN)
        for item in dataclasses.fields(current):
            value = getattr(current, item.name)
            stack.extend(value if isinstance(value, tuple) else (value,))
    return False


def _multiset_operation(op: str, left: Any, right: Any) -> Any:
    """EXCEPT ALL or INTERSECT ALL where the database has only the set forms (SQLite).

    Numbering the copies of each row (1, 2, ... within its group of equal rows) makes
    every copy distinct; the set operation on (row, number) then keeps max(m - n, 0)
    copies for EXCEPT and min(m, n) for INTERSECT, as the ALL forms do.
    """
    names = [c.name for c in left.selected_columns]

    def numbered(statement: Any) -> Any:
        rows = statement.subquery()
        copy = sa.func.row_number().over(partition_by=list(rows.c)).label("obscura_copy")
        return sa.select(*rows.c, copy)

    combine = sa.except_ if op == "EXCEPT" else sa.intersect
    combined = combine(numbered(left), numbered(right)).subquery()
    return sa.select(*[c.label(n) for c, n in zip(combined.c, names, strict=False)])


def _name(name: str) -> str:
    """A name the user chose, quoted when a backend reserves it (``nothing``, ``window``)."""
    return sa.sql.quoted_name(name, quote=True) if name.lower() in BACKEND_KEYWORDS else name


class _Translator(GeometryTranslation):
    def __init__(self, bound: BoundQuery, context: TranslationContext) -> None:
        self.bound = bound
        self.ctx = context
        self.geometry = Geometry(context.backend, context.polygon_centroid)
        self.froms: dict[int, sa.FromClause] = {}
        self.ctes: dict[int, sa.CTE] = {}
        self.labelled: list[Any] = []
        """Output columns of the SELECT being translated, for alias references."""
        self.constants: dict[tuple[type, Any], Any] = {}
        """One bound parameter per distinct constant of the query: ``GROUP BY ROUND(s_ra,
        1)`` then holds the very parameter of the select list's ``ROUND(s_ra, 1)``, which
        PostgreSQL needs to see the two as the same expression."""

    # ---- queries ------------------------------------------------------------------

    def query(self, query: ast.Query, row_limit: int | None = None) -> Any:
        for cte in query.with_:
            self.ctes[id(cte)] = self.query(cte.query).cte(_name(cte.name.key))
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
                return _multiset_operation(body.op, left, right)
            return op(left, right)
        return self.select(body)

    def operand(self, body: ast.QueryBody) -> Any:
        statement = self.body(body)
        if isinstance(body, ast.Select) and body.top is not None:
            return sa.select(statement.limit(body.top).subquery())
        if isinstance(statement, sa.CompoundSelect):
            return sa.select(statement.subquery())
        return statement

    def group_key(self, key: ast.Expression) -> Any:
        if isinstance(key, ast.Number) and isinstance(key.value, int):
            return self.labelled[key.value - 1].element  # the expression, not its name
        return self.expr(key)

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
        labelled = [c.label(_name(o.name)) for c, o in zip(columns, outputs, strict=True)]
        self.labelled = labelled
        statement = sa.select(*labelled).select_from(*froms)
        if select.quantifier == "DISTINCT":
            statement = statement.distinct()
        if select.where is not None:
            statement = statement.where(self.condition(select.where))
        if select.group_by:
            statement = statement.group_by(*[self.group_key(g) for g in select.group_by])
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
            clause: sa.FromClause = self.query(item.query).subquery(_name(item.alias.key))
        elif source.cte is not None:
            cte = self.ctes[id(source.cte)]
            # A CTE aliased to its own name is the CTE itself (SQL forbids the alias).
            own_name = source.name_key == source.cte.name.key
            clause = cte if own_name else cte.alias(_name(source.name_key))
        else:
            assert source.table is not None
            table = self.ctx.tables[source.table.lower()]
            # The binder allows an unaliased table once per FROM, so it needs no alias;
            # skipping it also spares SQLAlchemy building a new set of column proxies.
            clause = table if item.alias is None else table.alias(_name(source.name_key))
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

    def constant(self, value: Any) -> Expr:
        key = (type(value), value)  # 1 and 1.0 are equal, but not the same parameter
        if key not in self.constants:
            typed = sa.String() if isinstance(value, str) else None
            self.constants[key] = sa.literal(value, typed)
        constant: Expr = self.constants[key]
        return constant

    def condition(self, node: ast.Expression) -> Expr:
        condition: Expr = self.expr(node)
        return condition

    @override
    def expr(self, node: ast.Expression) -> Any:
        match node:
            case ast.Number(value=value):
                return self.constant(value)
            case ast.String(value=value):
                return self.constant(value)
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
                if id(node) in self.bound.integer_divisions:
                    # SQL's integer division, truncating toward zero on both backends
                    # (SQLAlchemy's "/" would make it a true division).
                    return lhs.op("/", precedence=_DIVISION, return_type=sa.BigInteger())(rhs)
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
            case ast.Not(operand=ast.Comparison(op="=" | "<>" as op) as comparison) if (
                _has_spatial_predicate(comparison)
            ):
                # NOT (x = 1) is x <> 1 (also for NULL): the negated spatial test's form.
                flipped = "<>" if op == "=" else "="
                return self.expr(dataclasses.replace(comparison, op=flipped))
            case ast.Not(operand=operand):
                return self.negate(self.expr(operand), _has_spatial_predicate(operand))
            case ast.And(left=left, right=right):
                return sa.and_(self.expr(left), self.expr(right))
            case ast.Or(left=left, right=right):
                return sa.or_(self.expr(left), self.expr(right))
            case ast.Cast(operand=operand, type_name=type_name) if type_name in GEOMETRY_CASTS:
                return self.expr(operand)  # already of that type (the binder checked)
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
                cast = sa.cast(cast_value, _CASTS[type_name](length))
                if self.ctx.backend == "sqlite" and type_name in _NARROW_INTEGERS:
                    # SQLite's CAST never overflows; SQL's (and PostgreSQL's) does.
                    bits = _NARROW_INTEGERS[type_name]
                    return sa.func.adql_integer_in_range(cast, bits, type_=cast.type)
                return cast
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

    def negate(self, condition: Expr, spatial: bool) -> Expr:
        """NOT ``condition``. On PostgreSQL a spatial condition is negated as ``IS FALSE``:
        the planner would rewrite ``NOT (a && b)`` to pgSphere's negator ``!&&``, which
        for two polygons (pgSphere 1.2) computes ``&&`` itself, so the answer was the
        rows that do intersect."""
        if spatial and self.ctx.backend == "postgresql":
            return condition.is_(sa.false())
        return sa.not_(condition)

    def comparison(self, node: ast.Comparison) -> Expr:
        for call, other, flipped in ((node.left, node.right, False), (node.right, node.left, True)):
            if not isinstance(call, ast.FunctionCall):
                continue
            name = call.name.name.upper()
            if (
                name in ("CONTAINS", "INTERSECTS")
                and constant(other) in (0.0, 1.0)
                and node.op in ("=", "<>")
            ):
                wanted = (constant(other) == 1.0) == (node.op == "=")
                if not wanted and (anti := self.rows_not_found(call)) is not None:
                    return anti
                predicate = self.spatial_predicate(call)
                if wanted:
                    return predicate
                negated = self.negate(predicate, spatial=True)
                if self.ctx.backend == "postgresql":
                    return negated  # IS FALSE: a NULL shape is neither 0 nor 1
                # SQLite's test may start with an R*Tree search, false for a NULL
                # footprint: negated, that row would pass. Every value the shapes are
                # made of must be set.
                return sa.and_(*self.values_set(call), negated)
            op = _FLIPPED[node.op] if flipped else node.op
            if name == "DISTANCE" and op in ("<", "<="):
                return self.distance_predicate(call, op, other)
        result: Expr = COMPARISONS[node.op](self.expr(node.left), self.expr(node.right))
        return result

    # ---- functions ----------------------------------------------------------------

    def call(self, call: ast.FunctionCall) -> Any:
        name = call.name.name.upper()
        if name in ("COUNT", "AVG", "MIN", "MAX", "SUM"):
            if call.star:
                return sa.func.count()
            arg = self.expr(call.args[0])
            if name == "AVG":
                arg = sa.cast(arg, sa.Double())
            if call.quantifier == "DISTINCT":
                arg = arg.distinct()
            result = getattr(sa.func, name.lower())(arg)
            if self.ctx.backend == "postgresql" and id(call) in self.bound.integer_sums:
                result = sa.cast(result, sa.BigInteger())  # overflow: an error, as on SQLite
            return result
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
        if name == "COALESCE" and len(args) == 1:
            return args[0]  # SQLite's coalesce() wants two or more
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
        if name == "MOD" and id(call) in self.bound.float_mods:
            # PostgreSQL's mod() takes integers or numeric, not double precision.
            numbers = [sa.cast(a, sa.Numeric()) for a in args]
            return sa.cast(sa.func.mod(*numbers), sa.Double())
        return getattr(sa.func, _PG_NAMES.get(name, name.lower()))(*args)


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
