"""ADQL 2.1 conformance: hundreds of queries, each valid or failing with the right error.

``conformance.txt`` holds cases written from the REC by category; more are generated here
from the standard's own lists: every reserved word (refused as a name, accepted quoted) and
every function (accepted with its arity, refused with one argument too many). Valid
queries must also translate for both backends.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from adql import AdqlError, AdqlSemanticError, AdqlSyntaxError, check_query, translate
from adql.functions import FUNCTIONS, Kind
from adql.reserved import RESERVED_WORDS
from app.storage.adql import translation_context
from obscore.catalog import published_catalog
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
    Kind.NUMBER: "s_ra",
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
