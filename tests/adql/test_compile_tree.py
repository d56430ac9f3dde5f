"""Compiling a syntax tree without its text: the same SQL as the text gives, errors that
render without a place, and no recursion trouble for wide or deep generated trees."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from adql import (
    AdqlError,
    AdqlSemanticError,
    AdqlSyntaxError,
    ast,
    compile_query,
    compile_tree,
    parse,
)
from adql.parser import MAX_DEPTH
from app.storage.adql import translation_context
from obscore.catalog import published_catalog
from obscore.schema import build_schema

CATALOG = published_catalog()
CONTEXTS = {
    "postgresql": (
        translation_context(build_schema("postgresql"), "https://e.org"),
        postgresql.dialect(),
    ),
    "sqlite": (translation_context(build_schema("sqlite"), "https://e.org"), sqlite.dialect()),
}
BACKENDS = list(CONTEXTS)


def sql(statement: Any, backend: str) -> tuple[str, dict[str, Any]]:
    """The SQL text and bound values of a statement for one backend."""
    compiled = statement.compile(dialect=CONTEXTS[backend][1])
    return str(compiled), dict(compiled.params)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "text",
    [
        "SELECT TOP 5 obs_id, s_ra * 2 AS ra2 FROM ivoa.ObsCore WHERE calib_level IN (1, 2) "
        "ORDER BY t_min DESC",
        "SELECT * FROM ivoa.ObsCore WHERE INTERSECTS(s_region, CIRCLE('ICRS', 53, -28, 1)) = 1 "
        "AND LOWER(obs_publisher_did) LIKE 'ivo://%'",
        "WITH c AS (SELECT s_ra AS ra FROM ivoa.ObsCore) SELECT AVG(ra) FROM c",
        "SELECT lsst_band, COUNT(*) FROM ivoa.ObsCore GROUP BY lsst_band HAVING COUNT(*) > 1",
    ],
)
def test_a_parsed_tree_compiles_as_its_text_does(text: str, backend: str) -> None:
    context = CONTEXTS[backend][0]
    bound, statement = compile_tree(parse(text), CATALOG, context, row_limit=11)
    expected_bound, expected = compile_query(text, CATALOG, context, row_limit=11)
    assert sql(statement, backend) == sql(expected, backend)
    assert bound.columns == expected_bound.columns


def _obscore(where: ast.Expression | None, *items: ast.SelectItem) -> ast.Query:
    table = ast.TableName((ast.Identifier("ivoa"), ast.Identifier("ObsCore")))
    return ast.Query(ast.Select(items or ast.SelectAll(), (table,), where=where))


def _column(name: str) -> ast.ColumnRef:
    return ast.ColumnRef((ast.Identifier(name),))


def test_generated_nodes_have_no_place() -> None:
    node = _column("obs_id")
    assert node.span is ast.GENERATED
    assert not ast.GENERATED.located
    assert parse("SELECT obs_id FROM ivoa.ObsCore").span.located


def test_an_error_in_a_generated_tree_is_a_plain_message() -> None:
    tree = _obscore(ast.Comparison("=", _column("s_raa"), ast.Number(1, "1")))
    with pytest.raises(AdqlSemanticError) as caught:
        compile_tree(tree, CATALOG, CONTEXTS["sqlite"][0])
    error = caught.value
    assert str(error) == "no column 's_raa'; did you mean 's_ra'?"
    assert error.line is None
    assert error.column is None
    # Rendering against some text must not invent a place either.
    assert str(error.with_text("SELECT\n*")) == str(error)


def test_an_error_in_a_parsed_tree_names_its_place_without_a_caret() -> None:
    tree = parse("SELECT obs_id\nFROM ivoa.ObsCore WHERE s_raa = 1")
    with pytest.raises(AdqlSemanticError) as caught:
        compile_tree(tree, CATALOG, CONTEXTS["postgresql"][0])
    assert str(caught.value) == "line 2, column 25: no column 's_raa'; did you mean 's_ra'?"


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        (
            _obscore(
                None,
                ast.DerivedColumn(
                    ast.FunctionCall(ast.Identifier("CIRCLE"), (ast.Number(1, "1"),))
                ),
            ),
            "CIRCLE takes",
        ),
        (
            _obscore(
                ast.Comparison(
                    "=",
                    ast.FunctionCall(ast.Identifier("NO_SUCH"), ()),
                    ast.Number(1, "1"),
                )
            ),
            "unknown function NO_SUCH",
        ),
        (
            ast.Query(ast.Select(ast.SelectAll(), (ast.TableName((ast.Identifier("nowhere"),)),))),
            "no table 'nowhere'",
        ),
    ],
)
def test_semantic_errors_of_generated_trees(tree: ast.Query, message: str) -> None:
    with pytest.raises(AdqlError) as caught:
        compile_tree(tree, CATALOG, CONTEXTS["sqlite"][0])
    assert str(caught.value).startswith(message), str(caught.value)
    assert "line" not in str(caught.value)


def _polygon(index: int) -> ast.Expression:
    ra = (index * 0.7) % 360
    coordinates: list[ast.Expression] = [ast.String("ICRS")]
    for x, y in ((ra, 1.0), (ra + 0.5, 1.0), (ra + 0.5, 1.5)):
        coordinates += [ast.Number(x, repr(x)), ast.Number(y, repr(y))]
    call = ast.FunctionCall(
        ast.Identifier("INTERSECTS"),
        (_column("s_region"), ast.FunctionCall(ast.Identifier("POLYGON"), tuple(coordinates))),
    )
    return ast.Comparison("=", call, ast.Number(1, "1"))


def _balanced(conditions: list[ast.Expression]) -> ast.Expression:
    if len(conditions) == 1:
        return conditions[0]
    middle = len(conditions) // 2
    return ast.Or(_balanced(conditions[:middle]), _balanced(conditions[middle:]))


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_balanced_or_of_hundreds_of_polygons_compiles(backend: str) -> None:
    tree = _obscore(_balanced([_polygon(i) for i in range(700)]))
    assert ast.depth(tree) < 20
    _bound, statement = compile_tree(tree, CATALOG, CONTEXTS[backend][0])
    text, _params = sql(statement, backend)
    # PostgreSQL: each footprint test also takes the rows without a bounding circle.
    assert text.count(" OR ") == 699 + (700 if backend == "postgresql" else 0)


def _chain(levels: int) -> ast.Query:
    """A query whose WHERE is a left-deep chain of ORs, ``levels`` nodes deep in all."""
    condition: ast.Expression = ast.Comparison("=", _column("s_ra"), ast.Number(0, "0"))
    while ast.depth(_obscore(condition)) < levels:
        condition = ast.Or(condition, ast.Comparison("=", _column("s_dec"), ast.Number(1, "1")))
    return _obscore(condition)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_tree_as_deep_as_parsing_allows_compiles(backend: str) -> None:
    tree = _chain(MAX_DEPTH)
    assert ast.depth(tree) == MAX_DEPTH
    _bound, statement = compile_tree(tree, CATALOG, CONTEXTS[backend][0])
    sql(statement, backend)


def test_a_deeper_tree_is_refused_before_anything_recurses() -> None:
    with pytest.raises(AdqlSyntaxError, match="nested too deeply"):
        compile_tree(_chain(MAX_DEPTH + 1), CATALOG, CONTEXTS["sqlite"][0])
    # Far deeper than Python's recursion limit: still a clean error.
    condition: ast.Expression = ast.Null()
    for _ in range(5000):
        condition = ast.Not(condition)
    with pytest.raises(AdqlSyntaxError, match="nested too deeply"):
        compile_tree(_obscore(condition), CATALOG, CONTEXTS["sqlite"][0])


def test_depth_counts_nodes_not_tuples() -> None:
    assert ast.depth(ast.Null()) == 1
    assert ast.depth(_column("a")) == 2  # ColumnRef, Identifier
    assert ast.depth(ast.InList(_column("a"), (ast.Null(), ast.Null()))) == 3
    assert ast.depth(_obscore(None)) == 4  # Query, Select, TableName, Identifier
