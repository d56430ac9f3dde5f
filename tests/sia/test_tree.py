"""SIA queries as ADQL syntax trees (:func:`sia.to_query_tree`), without a database.

``golden/to_adql.jsonl`` holds, for a varied set of requests (every parameter kind,
CIRCLE, POLYGON and RANGE across RA 0, at the poles and over all longitudes, several
values), the ADQL text that ``sia.to_adql`` wrote before SIA built trees (with, since,
the restriction to images and cubes ANDed at the end; a RANGE of limited longitudes
rewritten when it became a UNION ALL of indexed searches, December 2026). The tree must
be that text's tree (up to how a chain of ORs is grouped: values are now ORed as a
balanced tree) and compile to the same SQL on both backends.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from adql import AdqlSyntaxError, ast, compile_query, compile_tree, parse
from adql.parser import MAX_DEPTH, MAX_QUERY_LENGTH
from app.storage.adql import translation_context
from obscore.catalog import published_catalog
from obscore.schema import build_schema
from sia import SIA_PARAMETERS, parse_query, to_adql, to_query_tree, where_clause
from sia.ranges import edge_strips
from sia.values import Range

CATALOG = published_catalog()
CONTEXTS = {
    "postgresql": (
        translation_context(build_schema("postgresql"), "https://e.org"),
        postgresql.dialect(),
    ),
    "sqlite": (translation_context(build_schema("sqlite"), "https://e.org"), sqlite.dialect()),
}
BACKENDS = list(CONTEXTS)

GOLDEN = Path(__file__).parent / "golden" / "to_adql.jsonl"
CASES: list[tuple[dict[str, list[str]], str]] = [
    (entry["params"], entry["adql"]) for entry in map(json.loads, GOLDEN.read_text().splitlines())
]
IDS = [" ".join(f"{k}={'|'.join(v)}" for k, v in params.items())[:60] for params, _ in CASES]


def sql(statement: Any, backend: str) -> tuple[str, dict[str, Any]]:
    """The SQL text and bound values of a statement for one backend."""
    compiled = statement.compile(dialect=CONTEXTS[backend][1])
    return str(compiled), dict(compiled.params)


def ungrouped(node: Any) -> Any:
    """A comparable form of a tree in which a chain of ORs is one list, however grouped."""
    if isinstance(node, ast.Or):
        terms: list[Any] = []
        stack: list[Any] = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, ast.Or):
                stack += [current.right, current.left]
            else:
                terms.append(ungrouped(current))
        return ("OR", terms)
    if isinstance(node, tuple):
        return tuple(ungrouped(item) for item in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, (type, ast.Span)):
        fields = [f.name for f in dataclasses.fields(node) if f.name != "span"]
        return (type(node).__name__, *(ungrouped(getattr(node, f)) for f in fields))
    return node


def test_the_golden_requests_cover_every_parameter() -> None:
    names = {name.upper() for params, _ in CASES for name in params}
    assert names == {p.name for p in SIA_PARAMETERS}
    texts = [text for _, text in CASES]
    for shape in ("CIRCLE", "POLYGON", "s_ra >= ", "s_ra BETWEEN", "IS NOT NULL", "CONTAINS"):
        assert any(shape in text for text in texts), shape


@pytest.fixture
def long_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Golden texts may be longer than a TAP query may be (a RANGE all around the sky):
    here they are compared, not served."""
    monkeypatch.setattr("adql.parser.MAX_QUERY_LENGTH", 1_000_000)


@pytest.mark.usefixtures("long_texts")
@pytest.mark.parametrize(("params", "text"), CASES, ids=IDS)
def test_the_tree_is_the_former_text(params: dict[str, list[str]], text: str) -> None:
    tree = to_query_tree(parse_query(params))
    assert ungrouped(tree) == ungrouped(parse(text))
    if all(len(values) < 3 for values in params.values()):
        assert tree == parse(text)  # nothing to regroup: exactly the same tree


@pytest.mark.usefixtures("long_texts")
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("params", "text"), CASES, ids=IDS)
def test_the_tree_compiles_to_the_sql_of_the_text(
    params: dict[str, list[str]], text: str, backend: str
) -> None:
    query = parse_query(params)
    context = CONTEXTS[backend][0]
    bound, statement = compile_tree(to_query_tree(query), CATALOG, context, row_limit=101)
    former_bound, former = compile_query(text, CATALOG, context, row_limit=101)
    assert sql(statement, backend) == sql(former, backend)
    assert bound.columns == former_bound.columns
    _bound, current = compile_query(to_adql(query), CATALOG, context, row_limit=101)
    assert sql(statement, backend) == sql(current, backend)


@pytest.mark.usefixtures("long_texts")
@pytest.mark.parametrize(("params", "_text"), CASES, ids=IDS)
def test_to_adql_is_the_tree_written_out(params: dict[str, list[str]], _text: str) -> None:
    query = parse_query(params)
    text = to_adql(query)
    assert parse(text) == to_query_tree(query)
    assert text.startswith("SELECT * FROM ivoa.ObsCore")
    where = where_clause(query)
    assert where.endswith("dataproduct_type IN ('image', 'cube')")  # SIA finds images
    assert text == f"SELECT * FROM ivoa.ObsCore WHERE {where}"


def test_generated_nodes_carry_no_span() -> None:
    tree = to_query_tree(parse_query({"POS": ["RANGE 350 10 -10 10"], "CALIB": ["-1"]}))
    assert tree.span is ast.GENERATED
    assert tree.body.span is ast.GENERATED


WIDE = {"POS": ["RANGE 0 359 -89 89", "RANGE 0.5 359.5 -89.5 89.5"], "BAND": ["4e-7 6e-7"]}
"""Two RANGEs of 144 pieces each: more ADQL text than a TAP query may have."""


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_range_too_long_as_text_compiles_as_a_tree(backend: str) -> None:
    query = parse_query(WIDE)
    text = to_adql(query)
    assert len(text) > MAX_QUERY_LENGTH
    context = CONTEXTS[backend][0]
    with pytest.raises(AdqlSyntaxError, match="characters long"):
        compile_query(text, CATALOG, context)
    tree = to_query_tree(query)
    assert ast.depth(tree) < MAX_DEPTH // 3
    _bound, statement = compile_tree(tree, CATALOG, context, row_limit=101)
    compiled, _params = sql(statement, backend)
    # Each RANGE: one search of the centres, one of each edge strip.
    ranges = [v for c in query.constraints for v in c.values if isinstance(v, Range)]
    strips = sum(len(edge_strips(value)) for value in ranges)
    assert compiled.count(" UNION ALL ") == strips  # (1 + n) searches per RANGE


def test_many_values_stay_shallow() -> None:
    params = {"POS": [f"CIRCLE {i % 360} 0 1" for i in range(1000)]}
    tree = to_query_tree(parse_query(params))
    assert ast.depth(tree) < 25
    compile_tree(tree, CATALOG, CONTEXTS["sqlite"][0])
