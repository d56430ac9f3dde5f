"""Golden error messages, with their caret lines, for parse and bind errors.

The cases live in ``golden/errors.txt``; run pytest with ``--update-golden`` after an
intended change to the wording and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from adql import AdqlError, check_query
from obscore.catalog import published_catalog

CATALOG = published_catalog()

GOLDEN = Path(__file__).parent / "golden" / "errors.txt"

QUERIES = [
    "SELECT FROM ivoa.ObsCore",
    "SELECT obs_id FROM ivoa.ObsCore WHERE",
    "SELECT size FROM tap_schema.columns",
    "SELECT obs_id\nFROM ivoa.ObsCore\nWHERE s_dec < -30 LIMIT 10",
    "SELECT obs_id FROM ivoa.ObsCore WHERE calib_level % 2 = 0",
    "SELECT obs_id FROM ivoa.ObsCore;",
    "SELECT obs_id FROM ivoa.ObsCore WHERE CONTAINS(POINT(s_ra, s_dec), CIRCLE(1, 2, 3))",
    "SELECT TOP 10 DISTINCT obs_id FROM ivoa.ObsCore",
    "SELECT s_ras FROM ivoa.ObsCore",
    "SELECT s_ra FROM ivoa.obscor",
    "SELECT o.obs_id FROM ivoa.ObsCore AS x",
    "SELECT obs_id FROM ivoa.ObsCore AS a, ivoa.ObsCore AS b",
    "SELECT CIRCLE(1, 2) FROM ivoa.ObsCore",
    "SELECT SQRT(obs_id) FROM ivoa.ObsCore",
    "SELECT obs_id FROM ivoa.ObsCore WHERE AVG(s_ra) > 1",
    "SELECT obs_id FROM ivoa.ObsCore ORDER BY 2",
    "SELECT obs_id, value FROM ivoa.ObsCore",
    "SELECT obs_id FROM ivoa.ObsCore WHERE obs_id = 'unterminated",
]


def _message(query: str) -> str:
    try:
        check_query(query, CATALOG)
    except AdqlError as error:
        return str(error)
    raise AssertionError(f"no error for {query!r}")


def _read() -> dict[str, str]:
    cases: dict[str, str] = {}
    blocks = GOLDEN.read_text().split("\n\n")
    for block in blocks:
        lines = [ln for ln in block.splitlines() if not ln.startswith("-- ")]
        if "=>" not in lines:
            continue
        split = lines.index("=>")
        cases["\n".join(lines[:split])] = "\n".join(lines[split + 1 :])
    return cases


def _write() -> None:
    header = (
        '-- Golden error messages: each case is a query (lines up to "=>"), then the '
        "exact message.\n-- Regenerate with: pytest tests/adql/test_golden_errors.py "
        "--update-golden\n"
    )
    blocks = [f"{q}\n=>\n{_message(q)}" for q in QUERIES]
    GOLDEN.write_text(header + "\n\n".join(blocks) + "\n")


@pytest.fixture(scope="module")
def golden(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.config.getoption("--update-golden"):
        _write()
    return _read()


@pytest.mark.parametrize("query", QUERIES)
def test_error_message_matches_golden_text(golden: dict[str, str], query: str) -> None:
    assert query in golden, "new case: run pytest --update-golden and review the file"
    assert _message(query) == golden[query]
