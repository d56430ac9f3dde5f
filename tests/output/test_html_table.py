"""The result page for a person: parsed back with Python's HTML parser."""

from __future__ import annotations

import csv
import io
import urllib.parse
from html.parser import HTMLParser

import pytest

from app.faults import QueryTimeoutError
from app.formats import html_table
from app.formats.delimited import write_csv
from app.formats.html_table import write_html
from tests.output.tables import SAMPLE_FIELDS, SAMPLE_ROWS, MemoryTable, make_table
from vometa import Field

QUERY = "SELECT * FROM t WHERE name = 'a<b' & 1"
INFOS = [("QUERY", QUERY, None), ("MAXREC", "500", None)]


class _Page(HTMLParser):
    """The table's header titles and cells, the links, and the text outside the table."""

    def __init__(self) -> None:
        super().__init__()
        self.titles: list[str] = []
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "tr" and self._in == "tbody":
            self.rows.append([])
        elif tag in ("thead", "tbody"):
            self._in = tag
        elif tag in ("td", "th"):
            self._cell = []
            if tag == "th":
                self.titles.append(values.get("title") or "")
        elif tag == "small" and self._cell is not None:
            self._cell.append("|")  # the unit under a header
        elif tag == "a":
            self.links.append(values.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell)
            (self.rows[-1] if tag == "td" else self.headers).append(text)
            self._cell = None
        elif tag == "tbody":
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        else:
            self.text.append(data)


def _page(table: MemoryTable) -> _Page:
    page = _Page()
    page.feed(b"".join(write_html(table, INFOS)).decode())
    return page


def test_cells_are_the_csv_texts_escaped() -> None:
    page = _page(make_table(SAMPLE_FIELDS, SAMPLE_ROWS, batch_rows=2))
    # The CSV writer's cells, read by the csv module: what a person sees in a spreadsheet.
    csv_text = b"".join(write_csv(make_table(SAMPLE_FIELDS, SAMPLE_ROWS))).decode()
    header, *rows = list(csv.reader(io.StringIO(csv_text, newline="")))

    assert [h.split("|")[0] for h in page.headers] == header
    assert page.rows == rows
    ra = page.titles[header.index("ra")]
    assert "unit: deg" in ra
    assert "UCD: pos.eq.ra" in ra
    assert page.headers[header.index("ra")] == "ra|deg"


def test_the_query_and_a_link_per_download_format() -> None:
    page = _page(make_table(SAMPLE_FIELDS, SAMPLE_ROWS))
    assert QUERY in "".join(page.text)
    downloads = [urllib.parse.urlsplit(link) for link in page.links if "/sync?" in link]
    asked = [urllib.parse.parse_qs(link.query) for link in downloads]
    assert [a["RESPONSEFORMAT"][0] for a in asked] == [name for _, name in html_table.DOWNLOADS]
    assert all(a["QUERY"] == [QUERY] and a["MAXREC"] == ["500"] for a in asked)
    assert all(link.path == "/api/tap/sync" for link in downloads)
    edit = next(link for link in page.links if link.startswith("/?"))
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(edit).query) == {"query": [QUERY]}


def test_a_page_stops_at_its_row_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_table, "PAGE_ROWS", 5)
    fields = [Field.make("n", "int")]
    table = make_table(fields, [{"n": i} for i in range(40)], batch_rows=3)
    page = _page(table)

    assert [row[0] for row in page.rows] == ["0", "1", "2", "3", "4"]
    assert "more rows than a page shows" in "".join(page.text)
    assert table.events.count("batch") < 14  # it stopped pulling the result
    assert table.events[-1] == "closed"


def test_overflow_and_failure_are_said() -> None:
    page = _page(make_table(SAMPLE_FIELDS, SAMPLE_ROWS[:1], overflow=True))
    assert "cut at the row limit (MAXREC)" in "".join(page.text)

    failed = make_table(
        SAMPLE_FIELDS, SAMPLE_ROWS[:2], fail_with=QueryTimeoutError("ran past 60 s")
    )
    page = _page(failed)
    assert len(page.rows) == 2
    assert "The query failed after these rows: ran past 60 s" in "".join(page.text)
