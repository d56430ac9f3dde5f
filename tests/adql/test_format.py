"""The ADQL formatter: every tree the parser makes is written as text that parses back to
the same tree (spans aside), with parentheses only where precedence needs them."""

from __future__ import annotations

import math

import pytest

from adql import AdqlError, ast, format_expression, format_query, parse
from tests.adql.test_conformance import CASES
from tests.adql.test_parser import VALID


def _parsed(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        try:
            parse(text)
        except AdqlError:
            continue
        found.append(text)
    return found


CORPUS = _parsed([query for _, query in CASES])

TRICKY = [
    "SELECT - -1, -(-1), +-1, -(1 + 2), 1 - (2 - 3), (1 - 2) - 3, 2 * (3 / 4), 2 / (3 * 4) FROM t",
    "SELECT -2 * 3, -(2 * 3), 1 - -2, 1 + (2 + 3), (1 + 2) * 3, 1 * 2 + 3 FROM t",
    "SELECT a || (b || c), (a || b) || c, a || b + 1, (a || b) + 1 FROM t",
    "SELECT a FROM t WHERE NOT (a = 1 AND b = 2) OR (c = 1 OR d = 2) AND NOT NOT e = 1",
    "SELECT a FROM t WHERE a = 1 AND (b = 2 AND c = 3) AND (d = 4 OR e = 5)",
    "SELECT a FROM t WHERE a BETWEEN 1 AND 2 AND b NOT BETWEEN -1 AND +2 OR c NOT LIKE 'x'",
    "SELECT a FROM t WHERE a - 1 BETWEEN (2 || 3) AND -(4) AND (a + 1) * 2 IN (1, -2, 3.5e-3)",
    "SELECT a FROM t WHERE b NOT IN (SELECT x FROM u UNION SELECT y FROM v) AND "
    "EXISTS (SELECT 1 FROM u) AND c IS NOT NULL AND d IS NULL AND e ILIKE 'y'",
    "SELECT * FROM a JOIN (b JOIN c ON b.x = c.x) ON a.x = b.x LEFT JOIN d USING (x, y) "
    "NATURAL FULL OUTER JOIN e RIGHT JOIN (f NATURAL JOIN g) ON 1 = 1",
    "SELECT * FROM (a NATURAL JOIN b), (SELECT 1 AS one FROM c) d",
    "SELECT x FROM a UNION (SELECT x FROM b UNION ALL SELECT x FROM c) "
    "EXCEPT SELECT x FROM d INTERSECT ALL SELECT x FROM e",
    "SELECT x FROM a INTERSECT (SELECT x FROM b INTERSECT SELECT x FROM c)",
    "(SELECT x FROM a ORDER BY x) UNION SELECT x FROM b ORDER BY 1 DESC OFFSET 3",
    "((SELECT x FROM a))",
    'WITH a AS (SELECT 1 AS one FROM t), "B" AS (SELECT * FROM c) '
    'SELECT DISTINCT TOP 3 a.*, "B".one "x""y" FROM a, "B" AS b2 GROUP BY a.one '
    "HAVING COUNT(*) > 1 AND COUNT(DISTINCT a.one) < 2",
    "SELECT CAST(x AS DOUBLE PRECISION), CAST(y AS VARCHAR(10)), cast(z as integer), PI(), "
    "1.50, 1e5, .5, 5., 0007, 1E-07, 'it''s', 'a' 'b', '' FROM t",
    "select lower(a) from t where a like '%/I/%' -- a comment\n order by a",
]


@pytest.mark.parametrize("text", CORPUS + VALID + TRICKY)
def test_formatted_text_parses_to_the_same_tree(text: str) -> None:
    tree = parse(text)
    written = format_query(tree)
    assert parse(written) == tree, written
    assert "\n" not in written
    assert format_query(parse(written)) == written


def test_the_corpus_is_the_conformance_suite() -> None:
    assert len(CORPUS) >= 500


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "select top 5 a as b from t where a between 1 and 2 or not b is null order by a desc",
            "SELECT TOP 5 a AS b FROM t WHERE a BETWEEN 1 AND 2 OR NOT b IS NULL ORDER BY a DESC",
        ),
        ("SELECT (((a))) FROM t WHERE ((a = 1))", "SELECT a FROM t WHERE a = 1"),
        ("SELECT a FROM t WHERE a = 1 OR (b = 2 OR c = 3)", None),
        (
            "SELECT a FROM t WHERE (a = 1 OR b = 2) OR c = 3",
            "SELECT a FROM t WHERE a = 1 OR b = 2 OR c = 3",
        ),
        ("SELECT a FROM t WHERE (a = 1 OR b = 2) AND c = 3", None),
        ("SELECT 1 - (2 - 3), (1 - 2) - 3 FROM t", "SELECT 1 - (2 - 3), 1 - 2 - 3 FROM t"),
        ("SELECT - -1 FROM t", "SELECT -(-1) FROM t"),
        ('SELECT "a""b", "SIZE" FROM "T"', None),
        ("SELECT 'it''s' FROM t", None),
        ("SELECT a FROM t WHERE a != 1", "SELECT a FROM t WHERE a <> 1"),
        ("SELECT a FROM t LEFT OUTER JOIN u ON t.a = u.a", None),
    ],
)
def test_layout(text: str, expected: str | None) -> None:
    assert format_query(parse(text)) == (expected or text)


def _generated(number: ast.Number) -> ast.Query:
    select = ast.Select((ast.DerivedColumn(number),), (ast.TableName((ast.Identifier("t"),)),))
    return ast.Query(select)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.5, "1.5"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e16, "1E+16"),
        (5e-324, "5E-324"),
        (2.0, "2.0"),
        (12, "12"),
        (2**63 - 1, str(2**63 - 1)),  # the largest integer ADQL here takes
        (-1.5, "-1.5"),
        (-3, "-3"),
    ],
)
def test_numbers_without_their_text_are_written_exactly(value: float, text: str) -> None:
    written = format_query(_generated(ast.Number(value, "")))
    assert written == f"SELECT {text} FROM t"
    (item,) = parse(written).body.items  # type: ignore[union-attr,misc]
    assert isinstance(item, ast.DerivedColumn)
    node = item.expr
    if value < 0:
        assert isinstance(node, ast.Sign)
        node = node.operand
    assert isinstance(node, ast.Number)
    assert node.value == abs(value)
    assert type(node.value) is type(value)


def test_negative_numbers_keep_their_sign_apart() -> None:
    minus_one = ast.Number(-1, "")
    assert format_expression(ast.Sign("-", minus_one)) == "-(-1)"
    assert format_expression(ast.Arithmetic("-", ast.Number(1, "1"), minus_one)) == "1 - -1"
    assert format_expression(ast.Arithmetic("*", minus_one, minus_one)) == "-1 * -1"


@pytest.mark.parametrize(
    ("node", "error", "words"),
    [
        (ast.Number(math.inf, ""), ValueError, "no literal"),
        (ast.Number(math.nan, ""), ValueError, "no literal"),
        (ast.ColumnRef((ast.Identifier("size"),)), ValueError, "delimited"),
        (ast.ColumnRef((ast.Identifier("two words"),)), ValueError, "delimited"),
        (ast.ColumnRef((ast.Identifier("", delimited=True),)), ValueError, "empty"),
        (ast.InList(ast.Null(), ()), ValueError, "at least one value"),
        (ast.Arithmetic("%", ast.Null(), ast.Null()), ValueError, "operator"),
        (ast.Comparison("==", ast.Null(), ast.Null()), ValueError, "comparison"),
        (ast.SelectAll(), TypeError, "SelectAll"),
        (object(), TypeError, "object"),
    ],
)
def test_what_cannot_be_written_is_refused_clearly(
    node: ast.Expression, error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        format_expression(node)


def test_a_generated_tree_round_trips() -> None:
    column = ast.ColumnRef((ast.Identifier("s_region"),))
    circle = ast.FunctionCall(
        ast.Identifier("CIRCLE"),
        (ast.String("ICRS"), ast.Number(10, "10"), ast.Sign("-", ast.Number(5.5, "5.5"))),
    )
    condition = ast.Or(
        ast.Comparison(
            "=",
            ast.FunctionCall(ast.Identifier("INTERSECTS"), (column, circle)),
            ast.Number(1, "1"),
        ),
        ast.Or(ast.IsNull(column, negated=True), ast.Like(column, ast.String("it's"))),
    )
    table = ast.TableName((ast.Identifier("ivoa"), ast.Identifier("ObsCore")))
    tree = ast.Query(ast.Select(ast.SelectAll(), (table,), where=condition))
    written = format_query(tree)
    assert written == (
        "SELECT * FROM ivoa.ObsCore WHERE INTERSECTS(s_region, CIRCLE('ICRS', 10, -5.5)) = 1 "
        "OR (s_region IS NOT NULL OR s_region LIKE 'it''s')"
    )
    assert parse(written) == tree
