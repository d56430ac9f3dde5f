"""The ADQL 2.1 parser: what it accepts, the tree it builds, and its error messages."""

from __future__ import annotations

import pytest

from adql import ast
from adql.errors import AdqlSyntaxError
from adql.parser import build_parser, parse


def test_grammar_has_no_conflicts() -> None:
    build_parser(strict=True)


VALID = [
    "SELECT * FROM ivoa.ObsCore",
    "select top 10 obs_id from IVOA.obscore",
    "SELECT ALL TOP 3 a FROM t",
    "SELECT DISTINCT a, b AS c, d e, t.* FROM t",
    'SELECT "size", "Mixed Case" FROM tap_schema.columns',
    "SELECT a FROM t WHERE a <> 1 AND b != 2 OR NOT c >= 3",
    "SELECT a FROM t WHERE a BETWEEN 1 AND 2 AND b NOT BETWEEN -1.5e3 AND .5",
    "SELECT a FROM t WHERE s LIKE 'a%' AND s NOT ILIKE 'B_' AND s IS NOT NULL",
    "SELECT a FROM t WHERE a IN (1, 2, 3) AND b NOT IN (SELECT b FROM u)",
    "SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a)",
    "SELECT a FROM t LEFT JOIN u ON t.i = u.i RIGHT OUTER JOIN v USING (i)",
    "SELECT a FROM t FULL JOIN u ON t.i = u.i INNER JOIN v ON v.i = u.i",
    "SELECT a FROM t NATURAL JOIN u, w AS x",
    "SELECT a FROM ((t JOIN u ON t.i = u.i) JOIN v ON v.i = t.i)",
    "SELECT a FROM t JOIN u WHERE t.i = u.i",
    "SELECT a FROM t LEFT OUTER JOIN u JOIN v ON v.i = u.i",
    "SELECT d.a FROM (SELECT a FROM t) AS d",
    "WITH c AS (SELECT a FROM t), d AS (SELECT b FROM u) SELECT * FROM c, d",
    "SELECT a FROM t UNION ALL SELECT b FROM u EXCEPT SELECT c FROM v",
    "(SELECT a FROM t ORDER BY a OFFSET 1) INTERSECT (SELECT b FROM u)",
    "SELECT COUNT(*), COUNT(DISTINCT a), AVG(ALL b), MIN(c), MAX(d), SUM(e) FROM t "
    "GROUP BY f, g + 1 HAVING COUNT(*) > 1 ORDER BY 1 DESC, t.g ASC, h + 1 OFFSET 10",
    "SELECT CAST(a AS DOUBLE PRECISION), CAST(b AS VARCHAR(10)), CAST(c AS BIGINT) FROM t",
    "SELECT COALESCE(a, b, 0), LOWER(s) || UPPER(s) || 'x', IN_UNIT(em_min, 'nm') FROM t",
    "SELECT ABS(-a), MOD(a, 3), POWER(a, 2), ROUND(a, 2), TRUNCATE(a), RAND(), PI() FROM t",
    "SELECT a FROM t WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), "
    "CIRCLE('ICRS', 53.1, -28.1, 0.1)) = 1",
    "SELECT a FROM t WHERE 1 = INTERSECTS(s_region, POLYGON(10, 20, 11, 20, 11, 21))",
    "SELECT DISTANCE(POINT(a, b), POINT(1, 2)), DISTANCE(a, b, 1, 2), AREA(s_region), "
    "COORD1(CENTROID(s_region)), COORDSYS(POINT(1, 2)), BOX(1, 2, 3, 4) FROM t",
    "SELECT ROUND(5)as x FROM t WHERE (a)=(b)AND(c=1)",
    "SELECT a FROM t -- a comment\n-- another ---\nWHERE a = 'it''s'",
    "SELECT 12, 12., 12.5, .5, 1e5, 1.5E-3, NULL FROM t",
    "SELECT a FROM t WHERE a IN ((1), 2)",
    "SELECT dec, filter, type, name FROM t",
]


@pytest.mark.parametrize("text", VALID)
def test_valid_adql_parses(text: str) -> None:
    assert isinstance(parse(text), ast.Query)


def test_tree_shape_and_spans() -> None:
    query = parse("SELECT TOP 5 o.s_ra AS ra\nFROM ivoa.ObsCore AS o WHERE o.calib_level != 2")
    select = query.body
    assert isinstance(select, ast.Select)
    assert select.top == 5
    item = select.items[0]  # type: ignore[index]
    assert item == ast.DerivedColumn(
        ast.ColumnRef((ast.Identifier("o"), ast.Identifier("s_ra"))), ast.Identifier("ra")
    )
    assert select.where == ast.Comparison(
        "<>",
        ast.ColumnRef((ast.Identifier("o"), ast.Identifier("calib_level"))),
        ast.Number(2, "2"),
    )
    table = select.from_[0]
    assert isinstance(table, ast.TableName)
    assert table.span.line == 2 and table.span.column == 6  # noqa: PT018
    assert [p.key for p in table.parts] == ["ivoa", "obscore"]


def test_identifiers_fold_unless_delimited() -> None:
    select = parse('SELECT Abc, "Abc" FROM t').body
    assert isinstance(select, ast.Select)
    keys = [i.expr.column.key for i in select.items]  # type: ignore[union-attr]
    assert keys == ["abc", "Abc"]


def test_layout_does_not_change_the_tree() -> None:
    assert parse("SELECT a+1 FROM t WHERE b=2") == parse(
        "select  a + 1\n  from T  -- comment\n where b = 2".replace("T", "t")
    )


def test_set_operations_bind_intersect_tighter() -> None:
    body = parse("SELECT a FROM t UNION SELECT b FROM u INTERSECT SELECT c FROM v").body
    assert isinstance(body, ast.SetOperation)
    assert body.op == "UNION"
    assert isinstance(body.right, ast.SetOperation)
    assert body.right.op == "INTERSECT"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "SELECT FROM t",
            "line 1, column 8: unexpected 'FROM'; expected an expression, ALL, DISTINCT, EXISTS, "
            "NOT, '*' or TOP\n  SELECT FROM t\n         ^",
        ),
        (
            "SELECT a FROM t WHERE",
            "line 1, column 22: the query ends too early; expected an expression, EXISTS or NOT",
        ),
        (
            "SELECT size FROM tap_schema.columns",
            "'size' is a reserved word in ADQL; to use it as a name, put it in double quotes: "
            '"size"',
        ),
        ("SELECT distance FROM t", "'distance' is a reserved word"),
        ("SELECT from, a FROM t", "unexpected 'from'"),
        (
            "SELECT a FROM t WHERE CONTAINS(POINT(1, 2), CIRCLE(1, 2, 3))",
            "WHERE needs a condition such as a comparison, not a value; write CONTAINS(...) = 1",
        ),
        (
            "SELECT a\nFROM t WHERE a = = 2",
            "line 2, column 18: unexpected '='; expected an expression\n  FROM t WHERE a = = 2\n"
            "                   ^",
        ),
        ("SELECT a FROM t NATURAL JOIN u ON t.a = u.a", "a NATURAL join takes neither ON nor"),
        ("SELECT TOP 5 DISTINCT a FROM t", "unexpected 'DISTINCT'"),
        ("SELECT a FROM t LIMIT 5", "ADQL has no LIMIT; write SELECT TOP n ... instead"),
        ("SELECT a % 2 FROM t", "ADQL has no % operator; use MOD(x, y)"),
        ("SELECT a FROM t;", "remove the ';'"),
        ("SELECT SUM(*) FROM t", "only COUNT takes *, not SUM"),
        ("SELECT ABS(DISTINCT a) FROM t", "DISTINCT is allowed only in COUNT, AVG"),
        ("SELECT a FROM t WHERE (a > 1) + 2 = 3", "a condition cannot be used as a value"),
        ("SELECT a FROM t WHERE a AND b = 1", "AND needs a condition"),
        ("SELECT a FROM t WHERE a = TRUE", "'TRUE' is a reserved word"),
        ("SELECT CASE WHEN a THEN b END FROM t", "'CASE' is a reserved word"),
        ("SELECT a FROM t WHERE x = 0x1F", "unexpected"),
        ("   ", "the query is empty"),
    ],
)
def test_errors_say_where_and_what(text: str, message: str) -> None:
    with pytest.raises(AdqlSyntaxError) as caught:
        parse(text)
    assert message in str(caught.value)


def test_error_carries_line_and_column() -> None:
    with pytest.raises(AdqlSyntaxError) as caught:
        parse("SELECT a\n  FROM t\n WHERE b = ")
    assert (caught.value.line, caught.value.column) == (3, 11)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT " + "+".join(["1"] * 5000) + " FROM t", "nested too deeply"),
        ("SELECT " + "(" * 3000 + "1" + ")" * 3000 + " FROM t", "nested too deeply"),
        ("SELECT a FROM t WHERE " + " OR ".join(["a = 1"] * 3000), "nested too deeply"),
        (
            "SELECT a FROM t WHERE a IN (" + ",".join(["1"] * 10_001) + ")",
            "an IN list may hold at most 10,000 values",
        ),
        ("SELECT a FROM t WHERE b = '" + "x" * 100_000 + "'", "the limit is 100,000"),
    ],
)
def test_limits_give_clear_errors_not_recursion_errors(text: str, message: str) -> None:
    with pytest.raises(AdqlSyntaxError, match=message):
        parse(text)


def test_long_but_flat_queries_are_fine() -> None:
    parse("SELECT a FROM t WHERE a IN (" + ",".join(["1"] * 5000) + ")")
    parse("SELECT " + ", ".join(f"c{i}" for i in range(2000)) + " FROM t")
    parse("SELECT " + "+".join(["1"] * 60) + " FROM t")
