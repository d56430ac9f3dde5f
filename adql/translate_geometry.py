"""Translation of ADQL geometry, and of the predicates a spatial index can answer.

A mixin of the translator (:mod:`adql.translate`): geometry values compile through
:class:`adql.dialects.geometry.Geometry`; ``CONTAINS``/``INTERSECTS`` compared with 0 or 1
and ``DISTANCE(...) < r`` become boolean predicates that use the table's spatial index:
pgSphere's GiST columns on PostgreSQL, an R*Tree prefilter on SQLite.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from adql import ast
from adql.bound import BoundQuery, ColumnInfo, Source
from adql.context import SpatialColumns, TranslationContext
from adql.dialects.geometry import Geometry, UnsupportedGeometryError
from adql.dialects.sqlite_functions import cone_box
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


def column_refs(node: object) -> list[ast.ColumnRef]:
    """The column references in an expression (the values a geometry call reads)."""
    if isinstance(node, ast.ColumnRef):
        return [node]
    if isinstance(node, ast.FunctionCall):
        return [ref for arg in node.args for ref in column_refs(arg)]
    if isinstance(node, ast.Arithmetic):
        return column_refs(node.left) + column_refs(node.right)
    if isinstance(node, (ast.Sign, ast.Cast)):
        return column_refs(node.operand)
    return []


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
                if len(args) == 2:
                    p1, p2 = self.point_parts(args[0]), self.point_parts(args[1])
                    if p1 is None or p2 is None or self.ctx.backend == "postgresql":
                        first, second = self.shape(args[0])[0], self.shape(args[1])[0]
                        return self.geometry.distance(first, second)
                    args = [*p1, *p2]
                ra1, dec1, ra2, dec2 = (self.expr(a) for a in args)
                return self.geometry.distance_between(ra1, dec1, ra2, dec2)
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
        point, circle = self.point_parts(first_node), self.circle_parts(second_node)
        contains = call.name.name.upper() == "CONTAINS"
        if contains and self.ctx.backend == "sqlite" and point and circle:
            # A point in a circle is a distance, without building the two shapes.
            ra, dec, r = (self.expr(p) for p in circle)
            x, y = (self.expr(p) for p in point)
            predicate = self.geometry.distance_between(x, y, ra, dec) <= r
        elif contains:
            predicate = self.geometry.contains(first, second)
        else:
            predicate = self.geometry.intersects(
                first, second, first_kind == "point", second_kind == "point"
            )
        terms = [predicate]
        if contains:
            cone = self.reversed_cone(first_node, second_node)
            if cone is not None:
                terms.insert(0, cone)
        prefilter = self.rtree_prefilter(first_node, second_node)
        if prefilter is not None:
            terms.insert(0, prefilter)
        terms[:0] = self.bound_prefilters(
            (first_node, first, first_kind), (second_node, second, second_kind)
        )
        return terms[0] if len(terms) == 1 else sa.and_(*terms)

    def bound_prefilters(
        self, first: tuple[ast.Expression, Any, str], second: tuple[ast.Expression, Any, str]
    ) -> list[Expr]:
        """PostgreSQL: for each side that is an indexed table's footprint, its bounding
        circle meets the other shape, or it has none (a necessary condition for either
        shape holding or meeting the other, which the circles' GiST index answers).

        A footprint compared with another table's footprint meets that one's polygon, so
        that the index serves either side of the join; a shape from the same row is no
        search, and gets no condition.
        """
        if self.ctx.backend != "postgresql":
            return []
        terms = []
        for (table_side, _, _), (shape_side, shape, kind) in ((first, second), (second, first)):
            found = None
            if isinstance(table_side, ast.ColumnRef):
                found = self.region_source(table_side)
            if found is None:
                continue
            source, spatial = found
            if spatial.region_bound is None or spatial.region_index is None:
                continue
            if self.mentions(shape_side, source):
                continue
            row = self.froms[id(source.node)].c
            bound, polygon = row[spatial.region_bound], row[spatial.region_index]
            meets = bound.op("@>" if kind == "point" else "&&", is_comparison=True)(shape)
            terms.append(sa.or_(meets, sa.and_(bound.is_(None), polygon.is_not(None))))
        return terms

    def rows_not_found(self, call: ast.FunctionCall) -> Expr | None:
        """``CONTAINS``/``INTERSECTS(...) = 0`` between a table's indexed footprint (or
        position) and a literal shape, on PostgreSQL: the rows whose key is NOT IN the
        rows the index finds, and whose footprint is set (a NULL compares as neither 0
        nor 1). Negating the test row by row would run pgSphere's polygon test on every
        row of the table (about 190 us each, 10 s for the 53k demo); this is one index
        search and a hash probe per row. None when it does not apply."""
        if self.ctx.backend != "postgresql":
            return None
        for column_node, other in (call.args, call.args[::-1]):
            if not self.literal_shape(other):
                continue
            source = self.indexed_source(column_node)
            spatial = self.spatial_of(source)
            if source is None or spatial is None:
                continue
            if spatial.key is None:
                return None
            outer = self.froms[id(source.node)]
            base = outer.element if isinstance(outer, sa.Alias) else outer
            inner = sa.alias(base)
            # The same test, on another instance of the table (an uncorrelated subquery).
            self.froms[id(source.node)] = inner
            try:
                found_rows = sa.select(inner.c[spatial.key]).where(self.spatial_predicate(call))
            finally:
                self.froms[id(source.node)] = outer
            return sa.and_(*self.values_set(call), outer.c[spatial.key].not_in(found_rows))
        return None

    def values_set(self, call: ast.FunctionCall) -> list[Expr]:
        """``IS NOT NULL`` for every column a geometry call reads: a negated test must
        leave out the rows where its shapes are NULL (neither 0 nor 1)."""
        return [self.expr(ref).is_not(None) for ref in column_refs(call)]

    def literal_shape(self, node: ast.Expression) -> bool:
        """Whether ``node`` is POINT, CIRCLE, BOX or POLYGON of numbers (and POINTs of
        numbers): the same shape for every row, never NULL."""
        if not isinstance(node, ast.FunctionCall):
            return False
        if node.name.name.upper() not in ("POINT", "CIRCLE", "BOX", "POLYGON"):
            return False
        return all(
            constant(arg) is not None
            or (
                isinstance(arg, ast.FunctionCall)
                and arg.name.name.upper() == "POINT"
                and self.literal_shape(arg)
            )
            for arg in self.geometry_args(node)
        )

    # ---- crossmatches: the shape comes from another row --------------------------

    def point_parts(self, node: ast.Expression) -> tuple[ast.Expression, ast.Expression] | None:
        """(ra, dec) of ``POINT(ra, dec)``."""
        if isinstance(node, ast.FunctionCall) and node.name.name.upper() == "POINT":
            args = self.geometry_args(node)
            if len(args) == 2:
                return args[0], args[1]
        return None

    def circle_parts(
        self, node: ast.Expression
    ) -> tuple[ast.Expression, ast.Expression, ast.Expression] | None:
        """(ra, dec, radius) of ``CIRCLE(ra, dec, r)`` or ``CIRCLE(POINT(ra, dec), r)``."""
        if not (isinstance(node, ast.FunctionCall) and node.name.name.upper() == "CIRCLE"):
            return None
        args = self.geometry_args(node)
        if len(args) == 3:
            return args[0], args[1], args[2]
        centre = self.point_parts(args[0]) if len(args) == 2 else None
        return None if centre is None else (centre[0], centre[1], args[1])

    def reversed_cone(self, point: ast.Expression, circle: ast.Expression) -> Expr | None:
        """PostgreSQL: ``CONTAINS(POINT(x, y), CIRCLE(POINT(t.ra, t.dec), r))`` with t
        indexed is also ``t``'s point within r of (x, y), which its GiST index answers."""
        parts = self.circle_parts(circle)
        if self.ctx.backend != "postgresql" or parts is None or self.point_parts(point) is None:
            return None
        centre = ast.FunctionCall(ast.Identifier("POINT"), parts[:2], span=circle.span)
        indexed = self.indexed_point(self.geometry_args(centre))
        if indexed is None or self.indexed_source(point) is not None:
            return None
        cone = ast.FunctionCall(ast.Identifier("CIRCLE"), (point, parts[2]), span=circle.span)
        return self.geometry.contains(indexed, self.shape(cone)[0])

    def dec_band(self, point: ast.Expression, circle: ast.Expression) -> Expr | None:
        """SQLite: an indexed ``POINT(ra, dec)`` in a circle around another row's position
        (or another row's point in a circle around it) lies in the band of declinations
        within the radius, which the (s_dec, s_ra) index finds. When both positions are
        indexed, the band is written for each side, so either can drive the join."""
        parts, point_args = self.circle_parts(circle), self.point_parts(point)
        if parts is None or point_args is None:
            return None
        ra, dec, radius = parts
        bands = []
        for indexed, other in ((point_args, (ra, dec)), ((ra, dec), point_args)):
            source = self.point_source(list(indexed))
            spatial = self.spatial_of(source)
            if source is None or spatial is None or any(self.mentions(o, source) for o in other):
                continue
            columns = self.froms[id(source.node)].c
            ra_column, dec_column = columns[spatial.ra], columns[spatial.dec]
            centre_ra, centre_dec, r = self.expr(other[0]), self.expr(other[1]), self.expr(radius)
            gap = sa.func.abs(ra_column - centre_ra)
            bands += [
                dec_column.between(centre_dec - r, centre_dec + r),
                sa.func.min(gap, 360 - gap) <= sa.func.adql_ra_window(centre_dec, r),
            ]
        return sa.and_(*bands) if bands else None

    def mentions(self, node: object, source: Source) -> bool:
        """Whether ``node`` reads a column of ``source`` (a shape from the same row is no
        crossmatch: searching the index with it would cost a search per row)."""
        return any(self.bound.column_refs[id(ref)][0] is source for ref in column_refs(node))

    def row_box(self, node: ast.Expression) -> tuple[list[Any], list[Expr]] | None:
        """The R*Tree box of a shape computed from a row, as (six bounds, conditions): a
        point's or circle's box from its coordinates, or another indexed table's own R*Tree
        row for its footprint (a region column)."""
        parts = self.circle_parts(node)
        if parts is None:
            point = self.point_parts(node)
            parts = None if point is None else (*point, ast.Number(0, "0"))
        if parts is not None:
            ra, dec, radius = (self.expr(p) for p in parts)
            return [sa.func.adql_cone_box(ra, dec, radius, i) for i in range(6)], []
        found = self.region_source(node) if isinstance(node, ast.ColumnRef) else None
        if found is None or found[1].rowid is None or self.ctx.rtree is None:
            return None
        other = self.ctx.rtree.alias("obscura_other_box").c
        rowid = self.froms[id(found[0].node)].c[found[1].rowid]
        bounds = [other.xmin, other.xmax, other.ymin, other.ymax, other.zmin, other.zmax]
        return bounds, [other.id == rowid]

    def rtree_prefilter(self, first: ast.Expression, second: ast.Expression) -> Expr | None:
        """SQLite: restrict an indexed table's rows to R*Tree boxes near the other shape.

        For a constant shape, one R*Tree search. In a crossmatch (the shape comes from
        another row) every side that is an indexed table gets its restriction, so the
        database can drive the join from either side.
        """
        if self.ctx.backend != "sqlite" or self.ctx.rtree is None:
            return None
        boxes = {id(first): self.constant_box(first), id(second): self.constant_box(second)}
        if not any(boxes.values()):
            band = self.dec_band(first, second)
            if band is not None:
                return band
        filters = []
        for table_side, shape_side in ((first, second), (second, first)):
            source = self.indexed_source(table_side)
            spatial = self.spatial_of(source)
            if source is None or spatial is None or spatial.rowid is None:
                continue
            rowid = self.froms[id(source.node)].c[spatial.rowid]
            box = boxes[id(shape_side)]
            if box is not None:
                return rowid.in_(self.rtree_search(list(box)))
            found = None if self.mentions(shape_side, source) else self.row_box(shape_side)
            if found is not None:
                filters.append(rowid.in_(self.rtree_search(*found)))
        return sa.and_(*filters) if filters else None

    def rtree_search(self, bounds: list[Any], conditions: Sequence[Expr] = ()) -> Any:
        """The ids of R*Tree boxes overlapping the box (xmin, xmax, ymin, ymax, zmin,
        zmax) of ``bounds``, under ``conditions``."""
        assert self.ctx.rtree is not None
        rt = self.ctx.rtree.c
        x0, x1, y0, y1, z0, z1 = bounds
        return sa.select(rt.id).where(
            *conditions,
            rt.xmax >= x0,
            rt.xmin <= x1,
            rt.ymax >= y0,
            rt.ymin <= y1,
            rt.zmax >= z0,
            rt.zmin <= z1,
        )

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
            return cone_box(numbers[0], numbers[1], 0.0)
        if name == "CIRCLE" and len(numbers) == 3:
            return cone_box(*numbers)
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
            return cone_box(ra0, dec0, min(180.0, radius * 1.01 + 1e-6))
        return None


def _separation(ra1: float, dec1: float, ra2: float, dec2: float) -> float:
    d1, d2 = math.radians(dec1), math.radians(dec2)
    h = (
        math.sin((d2 - d1) / 2) ** 2
        + math.cos(d1) * math.cos(d2) * math.sin(math.radians(ra2 - ra1) / 2) ** 2
    )
    return math.degrees(2 * math.asin(math.sqrt(min(1.0, h))))
