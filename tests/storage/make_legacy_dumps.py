"""Writes the SQL of an archive made by the code from before schema migrations (544ac32).

Not a test: a tool run by hand, with the old code, whose output is kept in the repository.
From the repository root::

    mkdir /tmp/obscura-544ac32
    git archive 544ac32 | tar -x -C /tmp/obscura-544ac32
    .venv/bin/python tests/storage/make_legacy_dumps.py /tmp/obscura-544ac32

On each backend it makes an empty database, runs the old ``initialise_archive`` and
``create_job_tables`` (what ``obscura serve`` ran at start), loads 2 demo rows of each
product type and stores 3 UWS jobs, then writes

* ``tests/data/legacy_544ac32_{sqlite,postgresql}.sql``: that database, schema and rows
  (PostgreSQL: ``pg_dump --column-inserts``; SQLite: ``sqlite_master`` and ``quote()``d
  rows, like the sqlite3 shell's ``.dump``), restored by ``tests/storage/test_migrations.py``;
* ``app/storage/migrations/baseline_{sqlite,postgresql}.sql``: the DDL the old code ran
  on the empty database, every ``CREATE`` made ``IF NOT EXISTS``: the baseline revision.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

OLD_COMMIT = "544ac32"
REPOSITORY = Path(__file__).resolve().parents[2]
DUMPS = REPOSITORY / "tests" / "data"
BASELINE = REPOSITORY / "app" / "storage" / "migrations"
STATEMENT_END = ";\n\n"
"""Statements of the baseline files end so; none has a blank line inside."""


def _ddl_of(statement: str) -> str | None:
    """The idempotent form of a DDL statement the old code ran, None for anything else."""
    text = statement.strip()
    if not re.match(r"(CREATE|COMMENT|ALTER)\b", text):
        return None  # existence checks, locks, TAP_SCHEMA rows
    text = re.sub(
        r"^CREATE (UNIQUE )?(TABLE|INDEX) (?!IF NOT EXISTS)", r"CREATE \1\2 IF NOT EXISTS ", text
    )
    text = "\n".join(line.rstrip() for line in text.splitlines() if line.strip())
    if "\n\n" in text or text.endswith(";"):
        raise ValueError(f"cannot store {text!r}")
    return text


def _build(url: str, capture: list[str]) -> None:
    """Create the old schema on an empty database, then fill it with a few rows."""
    # The old code's module paths (this runs with 544ac32 on the path, see above).
    import pyarrow as pa  # noqa: I001
    import sqlalchemy as sa

    from app.storage.archive import fill_archive, initialise_archive
    from app.storage.database import create_sync_engine
    from app.storage.job_tables import create_job_tables
    from app.storage.jobs import JobStore
    from app.uws.models import ExecutionPhase, Job, JobError, JobParameter, JobResult
    from obscore.demo import generate_dp1

    engine = create_sync_engine(url)

    def record(conn: Any, _cursor: Any, statement: str, params: Any, *_args: Any) -> None:
        ddl = _ddl_of(statement)
        if ddl is None:
            return
        if params:
            raise AssertionError(f"DDL with parameters: {statement}")
        if conn.dialect.paramstyle == "pyformat":
            # psycopg turned the escaped "%%" into "%" on the way; the baseline file is
            # run without parameters, so it holds what the server received.
            ddl = ddl.replace("%%", "%")
        capture.append(ddl)

    sa.event.listen(engine, "before_cursor_execute", record)
    initialise_archive(engine)
    create_job_tables(engine)
    sa.event.remove(engine, "before_cursor_execute", record)

    tables = [table.slice(0, 2) for table in generate_dp1()]
    fill_archive(engine, [pa.concat_tables(tables)], replace=False, progress=False)
    store = JobStore(engine)
    t0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    jobs = [
        Job(
            job_id="legacyjob-completed-0001",
            owner="alice",
            phase=ExecutionPhase.COMPLETED,
            run_id="before migrations",
            creation_time=t0,
            start_time=t0 + timedelta(seconds=1),
            end_time=t0 + timedelta(seconds=2),
            execution_duration=600,
            destruction_time=t0 + timedelta(days=7),
            quote=None,
            parameters=(
                JobParameter("QUERY", "SELECT TOP 5 * FROM ivoa.ObsCore"),
                JobParameter("LANG", "ADQL"),
            ),
            results=(JobResult("result", "https://example.org/r/1", 1234, "text/xml"),),
        ),
        Job(
            job_id="legacyjob-pending-0002",
            owner="alice",
            phase=ExecutionPhase.PENDING,
            run_id=None,
            creation_time=t0 + timedelta(minutes=1),
            start_time=None,
            end_time=None,
            execution_duration=60,
            destruction_time=None,
            quote=None,
            parameters=(JobParameter("QUERY", "SELECT 1"),),
        ),
        Job(
            job_id="legacyjob-error-0003",
            owner=None,
            phase=ExecutionPhase.ERROR,
            run_id=None,
            creation_time=t0 + timedelta(minutes=2),
            start_time=None,
            end_time=t0 + timedelta(minutes=3),
            execution_duration=0,
            destruction_time=None,
            quote=None,
            error=JobError("fatal", "bad query"),
        ),
    ]
    for job in jobs:
        store.add(job)
    engine.dispose()


def _sqlite_dump(path: Path) -> str:
    """Schema and rows of a SQLite database as SQL, as the sqlite3 shell's ``.dump`` does,
    but with the R*Tree created as itself (its shadow tables follow from it)."""
    connection = sqlite3.connect(path)
    objects = connection.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    tables = [
        (name, sql)
        for kind, name, sql in objects
        if kind == "table" and not name.startswith(("sqlite_", "obscore_rtree_"))
    ]
    out = [f"-- An archive made by commit {OLD_COMMIT}: tests/storage/make_legacy_dumps.py", ""]
    out += ["BEGIN TRANSACTION;"]
    out += [f"{sql};" for _name, sql in tables]
    for name, _sql in tables:
        columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{name}")')]
        quoted = " || ',' || ".join(f'quote("{c}")' for c in columns)
        rows = connection.execute(f'SELECT {quoted} FROM "{name}" ORDER BY rowid').fetchall()
        out += [f'INSERT INTO "{name}" VALUES({values});' for (values,) in rows]
    out += [f"{sql};" for kind, _name, sql in objects if kind in ("index", "trigger")]
    out += ["COMMIT;", ""]
    connection.close()
    return "\n".join(out)


def _postgresql_dump(cluster: Any, database: str) -> str:
    """``pg_dump`` of the database, made runnable as one script without psql."""
    conninfo = f"postgresql://postgres@127.0.0.1:{cluster.port}/{database}"
    dump = subprocess.run(
        [
            str(cluster.bindir / "pg_dump"),
            "--no-owner",
            "--no-privileges",
            "--column-inserts",
            "--dbname",
            conninfo,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = []
    for line in dump.splitlines():
        if line.startswith(("\\restrict", "\\unrestrict")):  # psql meta-commands
            continue
        if line == "SELECT pg_catalog.set_config('search_path', '', false);":
            # The generated column s_poly calls obscura.stcs_spoly, whose body names
            # pgSphere's types unqualified: the rows only load with pgSphere's schema on
            # the search path.
            line = "-- (search_path left as it is: " + line + ")"
        lines.append(line)
    header = f"-- An archive made by commit {OLD_COMMIT}: tests/storage/make_legacy_dumps.py"
    return header + "\n" + "\n".join(lines) + "\n"


def _baseline(statements: list[str], backend: str) -> str:
    header = (
        f"-- The schema made by commit {OLD_COMMIT} (archive and UWS job tables) on "
        f"{backend}: the baseline revision.\n"
        "-- Written by tests/storage/make_legacy_dumps.py from the DDL that code ran; every "
        "statement creates only what is missing.\n"
        "-- Statements end with ';' and a blank line; none has a blank line inside.\n\n"
    )
    return header + "".join(s + STATEMENT_END for s in statements)


def main(old_tree: Path) -> None:
    sys.path.insert(0, str(old_tree))
    import app

    if not Path(app.__file__).resolve().is_relative_to(old_tree.resolve()):
        raise SystemExit(f"app imported from {app.__file__}, not from {old_tree}")
    from tests.support.pgcluster import PostgresCluster

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "legacy.db"
        ddl: list[str] = []
        _build(f"sqlite:///{path}", ddl)
        (DUMPS / f"legacy_{OLD_COMMIT}_sqlite.sql").write_text(_sqlite_dump(path))
        (BASELINE / "baseline_sqlite.sql").write_text(_baseline(ddl, "SQLite"))

    cluster = PostgresCluster()
    try:
        cluster.start()
        ddl = []
        _build(cluster.create_database("legacy"), ddl)
        (DUMPS / f"legacy_{OLD_COMMIT}_postgresql.sql").write_text(
            _postgresql_dump(cluster, "legacy")
        )
        (BASELINE / "baseline_postgresql.sql").write_text(_baseline(ddl, "PostgreSQL"))
    finally:
        cluster.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
