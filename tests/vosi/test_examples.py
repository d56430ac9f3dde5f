"""The DALI examples page (DALI 1.1 sect. 2.3, TAP 1.1 sect. 2.6) and its queries, which
must parse, bind and return rows on both backends."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa

from adql import check_query, compile_query
from app.storage.adql import translation_context
from app.storage.database import archive_schema
from app.vosi import EXAMPLES, examples_document
from app.vosi.examples import EXAMPLES_VOCABULARY, Example
from obscore.catalog import load_catalog, published_catalog
from obscore.tap_schema import published_tables

XHTML = "{http://www.w3.org/1999/xhtml}"
TAP_URL = "https://archive.example.org/api/tap"
IDS = [e.id for e in EXAMPLES]


@pytest.fixture(scope="module")
def page() -> ET.Element:
    # Well-formed XML, as DALI requires: ElementTree refuses anything else.
    return ET.fromstring(examples_document("https://archive.example.org/"))


def _with_property(element: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in element.iter() if e.get("property") == name]


def _example_elements(page: ET.Element) -> list[ET.Element]:
    return [e for e in page.iter() if e.get("typeof") == "example"]


def test_an_xhtml_page_with_one_vocabulary(page: ET.Element) -> None:
    assert page.tag == f"{XHTML}html"
    assert page.findtext(f"{XHTML}head/{XHTML}title")
    vocabularies = [e for e in page.iter() if e.get("vocab") is not None]
    assert len(vocabularies) == 1
    assert vocabularies[0].get("vocab") == EXAMPLES_VOCABULARY
    # Every example sits inside the element that carries the vocabulary.
    assert _example_elements(vocabularies[0]) == _example_elements(page)


def test_the_page_names_the_service(page: ET.Element) -> None:
    assert TAP_URL in ET.tostring(page, encoding="unicode")


def test_eight_to_twelve_examples_with_unique_ids() -> None:
    assert 8 <= len(EXAMPLES) <= 12
    assert len(set(IDS)) == len(IDS)
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", i) for i in IDS)


def test_each_example_is_marked_up(page: ET.Element) -> None:
    elements = _example_elements(page)
    assert [e.get("id") for e in elements] == IDS
    for element, example in zip(elements, EXAMPLES, strict=True):
        assert element.get("resource") == f"#{example.id}"
        (name,) = _with_property(element, "name")
        (query,) = _with_property(element, "query")
        # Both plain text: no child elements (DALI for name, TAP for query).
        assert len(name) == 0
        assert len(query) == 0
        assert name.text == example.name
        assert query.text == example.query
        tables = [t.text for t in _with_property(element, "table")]
        assert tables == list(example.tables)


def test_a_client_finds_the_queries(page: ET.Element) -> None:
    """As pyvo's TAPService.examples reads them: every property="query" element's text."""
    found = [e.text for e in page.findall('.//*[@property="query"]')]
    assert found == [e.query for e in EXAMPLES]


def test_tables_are_published_and_queried() -> None:
    published = {t.qualified_name for t in published_tables()}
    for example in EXAMPLES:
        for table in example.tables:
            assert table in published
            assert table.lower() in example.query.lower()


@pytest.mark.parametrize(
    "pattern",
    [
        r"CONTAINS\(POINT\('ICRS', s_ra, s_dec\),\s+CIRCLE\(",
        r"CONTAINS\(POINT\('ICRS', [\d.]+, -?[\d.]+\), s_region\)",
        r"INTERSECTS\(s_region,\s+POLYGON\(",
        r"t_min >= [\d.]+ AND t_max <= [\d.]+",
        r"lsst_band = '[ugrizy]'",
        r"GROUP BY dataproduct_subtype",
        r"DISTANCE\((?s:.*)ORDER BY dist",
        r"FROM TAP_SCHEMA\.columns",
        r"SELECT TOP \d+ (?s:.*)ORDER BY",
        r"dataproduct_subtype = 'lsst\.deep_coadd'",
    ],
)
def test_the_usual_questions_are_covered(pattern: str) -> None:
    assert any(re.search(pattern, e.query) for e in EXAMPLES), pattern


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_query_parses_and_binds(example: Example) -> None:
    bound = check_query(example.query, published_catalog())
    assert bound.columns


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_query_returns_rows(demo_engine: sa.Engine, example: Example) -> None:
    schema = archive_schema(demo_engine)
    with demo_engine.connect() as conn:
        catalog = load_catalog(conn, schema)
        bound, statement = compile_query(
            example.query, catalog, translation_context(schema, "https://e.org")
        )
        rows = conn.execute(statement).all()
    assert rows, example.query
    assert len(rows[0]) == len(bound.columns)
    top = re.search(r"SELECT TOP (\d+)", example.query)
    if top is not None:
        assert len(rows) == int(top.group(1))
