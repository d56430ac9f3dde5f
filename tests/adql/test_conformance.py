"""ADQL 2.1 conformance: hundreds of queries, each valid or failing with the right error.

``conformance.txt`` holds cases written from the REC by category; more are generated here
from the standard's own lists: every reserved word (refused as a name, accepted quoted) and
every function (accepted with its arity, refused with one argument too many). Valid
queries must also translate for both backends.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from adql import AdqlError, AdqlSemanticError, AdqlSyntaxError, check_query, translate
from adql.functions import FUNCTIONS, Kind
from adql.reserved import RESERVED_WORDS
from app.storage.adql import translation_context
from app.storage.database import archive_schema
from obscore.catalog import load_catalog, published_catalog
from obscore.schema import build_schema

CATALOG = published_catalog()

CASES_FILE = Path(__file__).parent / "conformance.txt"
EXPECTED = {"valid": None, "syntax": AdqlSyntaxError, "semantic": AdqlSemanticError}
CONTEXTS = {
    "postgresql": (
        translation_context(build_schema("postgresql"), "https://e.org"),
        postgresql.dialect(),
    ),
    "sqlite": (translation_context(build_schema("sqlite"), "https://e.org"), sqlite.dialect()),
}
_ARGUMENT = {
    Kind.NUMBER: "(calib_level + 1) / 4.0",  # in (0, 1]: in the domain of every function
    Kind.STRING: "obs_id",
    Kind.ANY: "s_dec",
    Kind.POINT: "POINT(1, 2)",
    Kind.SHAPE: "CIRCLE(1, 2, 3)",
}


def _file_cases() -> list[tuple[str, str]]:
    cases = []
    for line in CASES_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            expected, _, query = line.partition(" | ")
            cases.append((expected.strip(), query))
    return cases


def _generated_cases() -> list[tuple[str, str]]:
    cases = []
    for word in sorted(RESERVED_WORDS):
        if "-" not in word:  # END-EXEC cannot be written unquoted anyway
            cases.append(("syntax", f"SELECT obs_id AS {word.lower()} FROM ivoa.ObsCore"))
        cases.append(("valid", f'SELECT obs_id AS "{word.lower()}" FROM ivoa.ObsCore'))
    for name, spec in FUNCTIONS.items():
        if name in ("POINT", "CIRCLE", "BOX", "POLYGON", "REGION", "DISTANCE", "IN_UNIT"):
            continue  # their forms are in conformance.txt
        args = [_ARGUMENT[k] for k in spec.args]
        if name in ("ROUND", "TRUNCATE"):
            args[1] = "calib_level"  # decimal places: an integer
        cases.append(("valid", f"SELECT {name}({', '.join(args)}) FROM ivoa.ObsCore"))
        if not spec.variadic:
            extra = ", ".join([*args, "1"])
            cases.append(("semantic", f"SELECT {name}({extra}) FROM ivoa.ObsCore"))
    return cases


CASES = _file_cases() + _generated_cases()


def test_the_suite_is_large_enough() -> None:
    assert len(CASES) >= 400
    kinds = {expected for expected, _ in CASES}
    assert kinds == set(EXPECTED)


@pytest.mark.parametrize(("expected", "query"), CASES, ids=[f"{i}" for i in range(len(CASES))])
def test_conformance_case(expected: str, query: str) -> None:
    error_type = EXPECTED[expected]
    if error_type is None:
        bound = check_query(query, CATALOG)
        for context, dialect in CONTEXTS.values():
            str(translate(bound, context, row_limit=101).compile(dialect=dialect))
        return
    with pytest.raises(AdqlError) as caught:
        check_query(query, CATALOG)
    assert isinstance(caught.value, error_type), str(caught.value)
    assert caught.value.span is not None or "empty" in str(caught.value)


VALID = [query for expected, query in CASES if expected == "valid"]


@pytest.fixture(scope="module")
def runner(demo_engine: sa.Engine) -> Iterator[tuple[sa.Connection, Any, Any]]:
    schema = archive_schema(demo_engine)
    context = translation_context(schema, "https://e.org")
    with demo_engine.connect() as conn:
        yield conn, load_catalog(conn, schema), context


def test_every_valid_case_runs_on_both_backends(
    runner: tuple[sa.Connection, Any, Any],
) -> None:
    # Each valid query, limited to 5 rows, runs on the database: compiling is not enough.
    conn, catalog, context = runner
    failed = {}
    for query in VALID:
        bound = check_query(query, catalog)
        try:
            conn.execute(translate(bound, context, row_limit=5)).fetchall()
        except sa.exc.DBAPIError as error:
            failed[query] = str(error.orig).splitlines()[0]
            conn.rollback()
    assert not failed, "\n".join(f"{q}\n    {e}" for q, e in failed.items())
