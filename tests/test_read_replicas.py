"""Read scale-out: sync TAP queries and SIA searches are served by a PostgreSQL streaming
replica (``OBSCURA_DATABASE_READ_URLS``), also after the replica restarts; when it cannot
be reached, the primary answers; uploads (which need a writable session) go to the
primary. A real primary and a real hot standby, both private clusters."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyarrow as pa
import pytest
import sqlalchemy as sa
from astropy.io.votable import parse_single_table

from app.storage.archive import fill_archive
from app.storage.database import create_sync_engine
from tests.support.pgcluster import PostgresCluster
from tests.support.server import served

CONE = (
    "SELECT obs_id FROM ivoa.ObsCore WHERE "
    "CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 53.1, -27.9, 0.1)) = 1"
)
UPLOAD = b"""<?xml version="1.0"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
<RESOURCE><TABLE><FIELD name="n" datatype="int"/>
<DATA><TABLEDATA><TR><TD>1</TD></TR><TR><TD>2</TD></TR></TABLEDATA></DATA>
</TABLE></RESOURCE></VOTABLE>"""


@pytest.fixture
def primary() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    try:
        cluster.start(replicated=True)
        yield cluster
    finally:
        cluster.stop()


def _scalar(url: str, sql: str) -> object:
    engine = create_sync_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar()
    finally:
        engine.dispose()


def _rows(answer: httpx.Response) -> int:
    assert answer.status_code == 200, answer.text
    return len(parse_single_table(io.BytesIO(answer.content)).array)


def test_queries_are_served_by_a_replica_which_may_restart(
    primary: PostgresCluster, tmp_path: Path, demo_tables: list[pa.Table]
) -> None:
    url = primary.url()
    engine = create_sync_engine(url)
    fill_archive(engine, demo_tables, replace=True, progress=False)
    with engine.connect() as conn:
        expected = len(conn.execute(sa.text(_cone_sql())).all())
    engine.dispose()
    assert expected > 10

    replica = primary.start_replica()
    try:
        assert _scalar(replica.url(), "SELECT pg_is_in_recovery()") is True
        env = {"OBSCURA_DATABASE_READ_URLS": json.dumps([replica.url()])}
        with served(url, tmp_path / "data", env=env) as server:
            sync = f"{server.tap_url}/sync"
            query = {"LANG": "ADQL", "QUERY": CONE}
            assert _rows(httpx.post(sync, data=query, timeout=60)) == expected

            # Without the primary, queries and searches are still answered: by the replica.
            primary.halt()
            assert _rows(httpx.post(sync, data=query, timeout=60)) == expected
            search = httpx.get(
                f"{server.url}/api/sia/dp1/query",
                params={"POS": "CIRCLE 53.1 -27.9 0.05", "MAXREC": "5"},
                timeout=60,
            )
            assert _rows(search) == 5

            # The replica restarts (the primary still away): its new connections serve.
            replica.restart()
            assert _rows(httpx.post(sync, data=query, timeout=60)) == expected

            # The replica away, the primary back: the primary answers instead of a 503.
            primary.resume()
            replica.halt()
            started = time.monotonic()
            assert _rows(httpx.post(sync, data=query, timeout=60)) == expected
            assert time.monotonic() - started < 10

            # A query with an upload needs temporary tables: it runs on the primary.
            replica.resume()
            answer = httpx.post(
                sync,
                data={"LANG": "ADQL", "QUERY": "SELECT n FROM TAP_UPLOAD.t", "UPLOAD": "t,param:t"},
                files={"t": ("t.xml", UPLOAD, "application/x-votable+xml")},
                timeout=60,
            )
            assert _rows(answer) == 2
    finally:
        replica.stop()


def _cone_sql() -> str:
    # The same cone in PostgreSQL's own terms (pgSphere), computed independently of ADQL.
    return (
        'SELECT obs_id FROM ivoa."ObsCore" WHERE '
        "spoint(radians(s_ra), radians(s_dec)) <@ "
        "scircle(spoint(radians(53.1), radians(-27.9)), radians(0.1))"
    )
