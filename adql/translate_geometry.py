"""Translation of ADQL geometry, and of the predicates a spatial index can answer.

A mixin of the translator (:mod:`adql.translate`): geometry values compile through
:class:`adql.dialects.geometry.Geometry`; ``CONTAINS``/``INTERSECTS`` compared with 0 or 1
and ``DISTANCE(...) < r`` become boolean predicates that use the table's spatial index:
pgSphere's GiST columns on PostgreSQL, an R*Tree prefilter on SQLite.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from adql import ast
from adql.binder import BoundQuery, ColumnInfo, Source
from adql.context import SpatialColumns, TranslationContext
from adql.dialects.geometry import Geometry, UnsupportedGeometryError
from adql.errors import AdqlSemanticError

__all__ = ["COMPARISONS", "GeometryTranslation", "constant"]

Expr = sa.ColumnElement[Any]

COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}
"""SQLAlchemy operator for each ADQL comparison."""


def constant(node: ast.Expression) -> float | None:
    if isinstance(node, ast.Number):
        return float(node.value)
    if isinstance(node, ast.Sign):
        inner = constant(node.operand)
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


class GeometryTranslation:
    """Geometry methods of the translator; it provides the attributes declared here."""

    bound: BoundQuery
    ctx: TranslationContext
    geometry: Geometry
    froms: dict[int, sa.FromClause]

    def expr(self, node: ast.Expression) -> Any:
        """Translate any expression (provided by the translator)."""
        raise NotImplementedError

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
        exact = COMPARISONS[op](self.geometry_function(call, "DISTANCE"), self.expr(radius))
        terms = [exact]
        if self.ctx.backend == "postgresql" and self.indexed_source(first) is not None:
            terms.insert(0, self.geometry.contains(self.shape(first)[0], self.shape(circle)[0]))
        prefilter = self.rtree_prefilter(first, circle)
        if prefilter is not None:
            terms.insert(0, prefilter)
        return sa.and_(*terms)

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
            found = self.region_source(node)
            if found is not None:
                source, spatial = found
                if self.ctx.backend != "postgresql":
                    return self.expr(node), "region"
                if spatial.region_index is None:
                    raise UnsupportedGeometryError(
                        f"{node.column.name} cannot be used as a geometry here"
                    )
                return self.froms[id(source.node)].c[spatial.region_index], "region"
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
        """CONTAINS or INTERSECTS as a boolean (index-friendly) predicate."""
        try:
            return self._spatial_predicate(call)
        except UnsupportedGeometryError as exc:
            raise AdqlSemanticError(str(exc), call.span) from None

    def _spatial_predicate(self, call: ast.FunctionCall) -> Expr:
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

    def region_source(self, node: ast.ColumnRef) -> tuple[Source, SpatialColumns] | None:
        """The table and spatial columns whose footprint column ``node`` names, if any."""
        source, column = self.bound.column_refs[id(node)]
        spatial = self.spatial_of(source)
        if (
            source is None
            or spatial is None
            or not isinstance(column, ColumnInfo)
            or column.key != spatial.region
        ):
            return None
        return source, spatial

    def indexed_source(self, node: ast.Expression) -> Source | None:
        if isinstance(node, ast.ColumnRef):
            found = self.region_source(node)
            return found[0] if found else None
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
                values += [constant(a) for a in self.geometry_args(arg)]
            else:
                values.append(constant(arg))
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
