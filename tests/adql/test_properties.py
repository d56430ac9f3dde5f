"""Property tests: any text either parses or raises the package's own error, nothing else.

The same holds through binding: a parsed query either binds against the archive's
catalog or raises :class:`AdqlError`.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adql.binder import bind
from adql.errors import AdqlError
from adql.parser import parse
from obscore.catalog import published_catalog

SEEDS = [
    "SELECT TOP 10 * FROM ivoa.ObsCore WHERE calib_level = 2 ORDER BY t_min DESC",
    "SELECT obs_id, s_ra, s_dec FROM ivoa.ObsCore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), "
    "CIRCLE('ICRS', 53.1, -28.1, 0.1)) = 1",
    "SELECT lsst_band, COUNT(*) AS n FROM ivoa.ObsCore GROUP BY lsst_band HAVING COUNT(*) > 1",
    "WITH c AS (SELECT s_ra AS ra FROM ivoa.ObsCore) SELECT AVG(ra) FROM c",
    "SELECT a.obs_id FROM ivoa.ObsCore AS a JOIN ivoa.ObsCore AS b ON a.obs_id = b.obs_id",
    "SELECT column_name, \"size\" FROM tap_schema.columns WHERE table_name LIKE 'ivoa.%'",
    "SELECT DISTANCE(s_ra, s_dec, 1, 2) FROM ivoa.ObsCore WHERE s_dec BETWEEN -30 AND -20 "
    "UNION SELECT 1.5e3 FROM ivoa.ObsCore",
]

ALPHABET = st.sampled_from(
    [
        *list("SELECT FROM WHERE ()*,.'\"-+/|<>=!;%0123456789abc_ \n\t"),
        "SELECT",
        "FROM",
        "WHERE",
        "AND",
        "OR",
        "NOT",
        "IN",
        "JOIN",
        "ON",
        "TOP",
        "ORDER BY",
        "GROUP BY",
        "UNION",
        "WITH",
        "AS",
        "POINT(",
        "CIRCLE(",
        "CONTAINS(",
        "COUNT(*)",
        "s_ra",
        "é",
    ]
)


CATALOG = published_catalog()


def _check(text: str) -> None:
    """Parse and bind; anything but success or AdqlError fails the test."""
    message = "ok"
    try:
        bind(parse(text), CATALOG)
    except AdqlError as error:
        message = str(error)
    assert message  # an error always says something a person can read


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_random_token_soup(text: str) -> None:
    _check(text)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(SEEDS),
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=30),
    st.text(max_size=8),
)
def test_mutated_valid_queries(seed: str, position: int, cut: int, insert: str) -> None:
    position %= len(seed) + 1
    _check(seed[:position] + insert + seed[position + cut :])


@pytest.mark.parametrize("seed", SEEDS)
def test_seeds_are_valid(seed: str) -> None:
    bind(parse(seed), CATALOG)
