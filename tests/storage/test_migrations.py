"""Schema migrations on SQLite and PostgreSQL: every road ends in the schema of a fresh
database, and old archives keep their rows and jobs.

The archives from before migrations are ``tests/data/legacy_544ac32_{sqlite,postgresql}.sql``:
the code of commit 544ac32 (the last without migrations) made an empty database on each
backend with ``initialise_archive`` and ``create_job_tables``, loaded 2 demo rows of each
product type (10 ObsCore rows) and stored 3 UWS jobs; then the database was dumped
(PostgreSQL: ``pg_dump --column-inserts``, SQLite: its schema and ``quote()``d rows). The
script that did it, and how to run it, is ``tests/storage/make_legacy_dumps.py``.

Schemas are compared by what SQLAlchemy's inspector sees (tables, columns with types,
nullability, defaults and generated expressions, keys, unique and check constraints), plus
what it cannot see: each index's full definition (expression indexes included: SQLAlchemy
skips them on SQLite), triggers, and on PostgreSQL the hidden schema's functions,
sequences and extensions. Column comments are left out.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
import threading
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeAlias

import psycopg
import pyarrow as pa
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from adql import compile_query
from app.storage.adql import translation_context
from app.storage.archive import count_rows, fill_archive, initialise_archive
from app.storage.database import archive_schema, create_sync_engine, libpq_conninfo
from app.storage.schema_migrations import (
    MIGRATIONS,
    SchemaVersionError,
    alembic_config,
    current_revision,
    head_revision,
    upgrade_database,
)
from app.uws.models import ExecutionPhase, Job, JobParameter
from app.uws.store import JobStore
from app.uws.tables import create_job_tables, job_table
from obscore.catalog import published_catalog
from obscore.columns import OBSCORE_COLUMNS
from obscore.explain import query_plan
from obscore.optional_columns import OPTIONAL_COLUMNS
from obscore.schema import ARROW_SCHEMA, backend_of, build_schema
from tests.conftest import BACKENDS
from tests.support.pgcluster import PostgresCluster

DATA = Path(__file__).parents[1] / "data"
LOWER_DID_INDEX = "obscore_publisher_did_lower_idx"
LEGACY_JOBS = ("legacyjob-completed-0001", "legacyjob-pending-0002", "legacyjob-error-0003")
_numbers = itertools.count()

NewEngine: TypeAlias = Callable[[], sa.Engine]
Snapshot: TypeAlias = dict[str, Any]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    backend: str = request.param
    return backend


@pytest.fixture
def new_engine(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NewEngine]:
    """Makes engines on new, empty databases of the backend."""
    cluster: PostgresCluster | None = None
    if backend == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
    engines: list[sa.Engine] = []

    def make() -> sa.Engine:
        name = f"migrations{next(_numbers)}"
        url = (
            f"sqlite:///{tmp_path / name}.db" if cluster is None else cluster.create_database(name)
        )
        engines.append(create_sync_engine(url))
        return engines[-1]

    yield make
    for engine in engines:
        engine.dispose()


def restore_legacy(engine: sa.Engine) -> None:
    """Load the dump of an archive made before migrations into an empty database."""
    backend = engine.dialect.name
    dump = (DATA / f"legacy_544ac32_{backend}.sql").read_text(encoding="utf-8")
    if backend == "sqlite":
        lite = sqlite3.connect(str(engine.url.database))
        try:
            lite.executescript(dump)
        finally:
            lite.close()
    else:
        url = engine.url.render_as_string(hide_password=False)
        with psycopg.connect(libpq_conninfo(url), autocommit=True) as pg:
            pg.execute(dump)  # no parameters: one simple query of many statements


def _normal(sql: str | None) -> str | None:
    return None if sql is None else re.sub(r"\s+", " ", sql).strip()


def _table(inspector: sa.Inspector, table: str, schema: str | None) -> Snapshot:
    columns = [
        (
            c["name"],
            str(c["type"]),
            c["nullable"],
            _normal(str(c["default"])) if c.get("default") is not None else None,
            _normal(str(c["computed"]["sqltext"])) if c.get("computed") else None,
        )
        for c in inspector.get_columns(table, schema=schema)
    ]
    foreign = [
        (
            tuple(k["constrained_columns"]),
            k["referred_schema"],
            k["referred_table"],
            tuple(k["referred_columns"]),
            tuple(sorted(k["options"].items())),
        )
        for k in inspector.get_foreign_keys(table, schema=schema)
    ]
    return {
        "columns": columns,
        "primary key": inspector.get_pk_constraint(table, schema=schema)["constrained_columns"],
        "foreign keys": sorted(foreign),
        "unique": sorted(
            (u["name"], tuple(u["column_names"]))
            for u in inspector.get_unique_constraints(table, schema=schema)
        ),
        "checks": sorted(
            (c["name"], _normal(c["sqltext"]))
            for c in inspector.get_check_constraints(table, schema=schema)
        ),
        "indexes": sorted(
            (i["name"], tuple(i["column_names"]), tuple(i.get("expressions", ())), i["unique"])
            for i in inspector.get_indexes(table, schema=schema)
        ),
    }


def schema_of(engine: sa.Engine, *, version_table: bool = True) -> Snapshot:
    """Everything about the database's schema that migrations must get right."""
    snapshot: Snapshot = {}
    with engine.connect() as conn, warnings.catch_warnings():
        # Expression indexes on SQLite and pgSphere's types are beyond reflection; the
        # catalogue queries below cover them.
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        inspector = sa.inspect(conn)
        if engine.dialect.name == "sqlite":
            schemas: list[str | None] = [None]
            objects = conn.exec_driver_sql(
                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE type IN ('index', 'trigger') ORDER BY name"
            ).all()
            snapshot["indexes and triggers"] = [
                (*row[:3], _normal(row[3]))
                for row in objects
                if version_table or row.tbl_name != "alembic_version"
            ]
        else:
            schemas = [
                s
                for s in inspector.get_schema_names()
                if s != "information_schema" and not s.startswith("pg_")
            ]
            catalogue = {
                "indexes": "SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
                "triggers": "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) "
                "FROM pg_trigger WHERE NOT tgisinternal",
                "functions": "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'obscura'",
                "sequences": "SELECT sequence_schema, sequence_name, data_type "
                "FROM information_schema.sequences",
                "extensions": "SELECT extname, extnamespace::regnamespace::text FROM pg_extension",
            }
            for name, query in catalogue.items():
                rows = conn.exec_driver_sql(query)
                snapshot[name] = sorted(
                    tuple(row) for row in rows if version_table or "alembic_version" not in row
                )
        for schema in schemas:
            for table in inspector.get_table_names(schema=schema):
                if table == "alembic_version" and not version_table:
                    continue
                snapshot[f"{schema}.{table}"] = _table(inspector, table, schema)
    return snapshot


def assert_same_schema(actual: Snapshot, expected: Snapshot) -> None:
    """Compare part by part, so that a failure names the table or catalogue that differs."""
    assert sorted(actual) == sorted(expected)
    for key in expected:
        assert actual[key] == expected[key], key


def revisions() -> list[str]:
    """Every revision, oldest first."""
    return [s.revision for s in reversed(list(ScriptDirectory(str(MIGRATIONS)).walk_revisions()))]


def revision_of(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return current_revision(conn)


def test_revisions_run_in_order_from_the_baseline() -> None:
    assert revisions() == ["0001", "0002", "0003", "0004", "0005", "0006", "0007"]
    assert head_revision() == "0007"


def test_legacy_archive_upgrades_to_a_fresh_schema_keeping_rows_and_jobs(
    new_engine: NewEngine, backend: str
) -> None:
    fresh = new_engine()
    upgrade_database(fresh)
    legacy = new_engine()
    restore_legacy(legacy)
    assert revision_of(legacy) is None
    obscore = archive_schema(legacy).obscore
    # The columns the legacy archive had; the optional ObsCore ones come with revision 0006.
    legacy_columns = [obscore.c.obscore_id, *(obscore.c[c.name] for c in OBSCORE_COLUMNS)]
    with legacy.connect() as conn:
        query = sa.select(*legacy_columns).order_by(obscore.c.obscore_id)
        rows_before = conn.execute(query).all()
    assert len(rows_before) == 10

    initialise_archive(legacy)  # what every start runs

    assert revision_of(legacy) == head_revision()
    assert_same_schema(schema_of(legacy), schema_of(fresh))
    if backend == "postgresql":  # and Alembic's autogenerate sees the tables' metadata
        with legacy.begin() as conn, warnings.catch_warnings():
            warnings.simplefilter("ignore", sa.exc.SAWarning)  # pgSphere's types
            command.check(alembic_config(conn))
    with legacy.connect() as conn:
        assert conn.execute(query).all() == rows_before
        if backend == "postgresql":  # revision 0007 gave every footprint a circle holding it
            held = conn.exec_driver_sql(
                "SELECT count(s_poly), count(*) FILTER (WHERE s_bound @> s_poly) "
                'FROM ivoa."ObsCore"'
            ).one()
            assert held == (10, 10)
        optional = [obscore.c[c.name] for c in OPTIONAL_COLUMNS]
        assert set(conn.execute(sa.select(*optional)).all()) == {(None,) * len(optional)}
        services = conn.execute(sa.select(job_table.c.job_id, job_table.c.service)).all()
    assert sorted(services) == [(job, "tap") for job in sorted(LEGACY_JOBS)]
    store = JobStore(legacy)
    completed = store.get("legacyjob-completed-0001", "alice")
    assert completed is not None
    assert completed.phase is ExecutionPhase.COMPLETED
    assert [p.id for p in completed.parameters] == ["QUERY", "LANG"]
    assert [r.href for r in completed.results] == ["https://example.org/r/1"]
    assert [j.job_id for j in store.list("alice")] == list(LEGACY_JOBS[1::-1])
    assert store.get("legacyjob-error-0003", None) is not None
    # The job store writes as before; new jobs are TAP's by default.
    job = Job(
        job_id="after-migration",
        owner="alice",
        phase=ExecutionPhase.PENDING,
        run_id=None,
        creation_time=datetime(2026, 4, 1, tzinfo=UTC),
        start_time=None,
        end_time=None,
        execution_duration=60,
        destruction_time=None,
        quote=None,
        parameters=(JobParameter("QUERY", "SELECT 1"),),
    )
    store.add(job)
    assert store.get(job.job_id, "alice") == job
    with legacy.connect() as conn:
        service = sa.select(job_table.c.service).where(job_table.c.job_id == job.job_id)
        assert conn.execute(service).scalar_one() == "tap"


def test_version_table_is_hidden_from_tap(new_engine: NewEngine, backend: str) -> None:
    engine = new_engine()
    initialise_archive(engine)
    inspector = sa.inspect(engine)
    if backend == "postgresql":
        where = [
            s
            for s in inspector.get_schema_names()
            if inspector.has_table("alembic_version", schema=s)
        ]
        assert where == ["obscura"]
    assert count_rows(engine) == 0
    tables = archive_schema(engine).tap_schema["tables"]
    with engine.connect() as conn:
        published = conn.execute(sa.select(tables.c.table_name)).scalars().all()
    assert not [name for name in published if "alembic" in name or "uws" in name]


def test_revisions_one_by_one_give_the_legacy_then_the_fresh_schema(
    new_engine: NewEngine,
) -> None:
    fresh = new_engine()
    upgrade_database(fresh)
    legacy = new_engine()
    restore_legacy(legacy)
    stepped = new_engine()
    first, *later = revisions()
    with stepped.begin() as conn:
        command.upgrade(alembic_config(conn), first)
    # The frozen baseline DDL makes what the code of 544ac32 made.
    assert_same_schema(
        schema_of(stepped, version_table=False), schema_of(legacy, version_table=False)
    )
    for revision in later:
        with stepped.begin() as conn:
            command.upgrade(alembic_config(conn), revision)
        assert revision_of(stepped) == revision
    assert_same_schema(schema_of(stepped), schema_of(fresh))
    # And back: every revision after the baseline can be undone.
    with stepped.begin() as conn:
        command.downgrade(alembic_config(conn), first)
    assert_same_schema(
        schema_of(stepped, version_table=False), schema_of(legacy, version_table=False)
    )


def test_legacy_archive_without_job_tables_gets_them(new_engine: NewEngine, backend: str) -> None:
    """``obscura init-db`` alone made the archive but never the job tables."""
    fresh = new_engine()
    upgrade_database(fresh)
    legacy = new_engine()
    restore_legacy(legacy)
    with legacy.begin() as conn:
        if backend == "postgresql":
            conn.exec_driver_sql("DROP TABLE obscura.uws_job CASCADE")
            conn.exec_driver_sql("DROP TABLE obscura.uws_job_parameter, obscura.uws_job_result")
            conn.exec_driver_sql("DROP FUNCTION obscura.uws_job_notify()")
        else:
            for table in ("uws_job_parameter", "uws_job_result", "uws_job"):
                conn.exec_driver_sql(f"DROP TABLE {table}")
    create_job_tables(legacy)  # what a worker runs at start
    assert_same_schema(schema_of(legacy), schema_of(fresh))
    assert count_rows(legacy) == 10


def test_upgrading_twice_changes_nothing(new_engine: NewEngine) -> None:
    engine = new_engine()
    initialise_archive(engine)
    before = schema_of(engine)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    upgrade_database(engine)
    create_job_tables(engine)
    sa.event.remove(engine, "before_cursor_execute", record)
    assert statements  # the lock and the version were read...
    changes = [s for s in statements if re.match(r"\s*(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)", s)]
    assert changes == []  # ...and nothing else happened
    assert schema_of(engine) == before
    assert revision_of(engine) == head_revision()


def test_newer_database_is_refused(new_engine: NewEngine, backend: str) -> None:
    engine = new_engine()
    upgrade_database(engine)
    version = "obscura.alembic_version" if backend == "postgresql" else "alembic_version"
    with engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE {version} SET version_num = '9999'")
    with pytest.raises(SchemaVersionError, match="9999"):
        upgrade_database(engine)


@pytest.mark.parametrize("backend", ["postgresql"])
def test_concurrent_first_starts_on_postgresql(new_engine: NewEngine) -> None:
    """API replicas and workers starting together on an empty database."""
    fresh = new_engine()
    upgrade_database(fresh)
    engine = new_engine()
    starts = [initialise_archive, initialise_archive, create_job_tables, upgrade_database]
    barrier = threading.Barrier(len(starts))

    def start(run: Callable[[sa.Engine], None]) -> None:
        barrier.wait()
        run(engine)

    with ThreadPoolExecutor(len(starts)) as pool:
        for future in [pool.submit(start, run) for run in starts]:
            future.result()
    assert_same_schema(schema_of(engine), schema_of(fresh))
    with engine.connect() as conn:
        versions = conn.exec_driver_sql("SELECT version_num FROM obscura.alembic_version").all()
        columns = archive_schema(engine).tap_schema["columns"]
        rows = conn.execute(sa.select(sa.func.count()).select_from(columns)).scalar_one()
    assert versions == [(head_revision(),)]
    single = new_engine()
    initialise_archive(single)
    with single.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(columns)).scalar_one() == rows


def _uses_lower_did_index(plan: str) -> bool:
    if "SEARCH" in plan:  # SQLite
        return f"USING INDEX {LOWER_DID_INDEX}" in plan
    return (
        re.search(rf"(Index (Only )?Scan using|Bitmap Index Scan on) {LOWER_DID_INDEX}", plan)
        is not None
    )


def test_lower_did_index_serves_sia_id_after_a_bulk_load(
    demo_engine: sa.Engine, demo_tables: list[pa.Table]
) -> None:
    """The demo archive is loaded by ``fill_archive(replace=True)``, whose bulk load drops
    ObsCore's indexes and builds them again. SIA's ID is the ADQL
    ``LOWER(obs_publisher_did) IN (...)``, compiled as every query is."""
    dids = demo_tables[0].column("obs_publisher_did").to_pylist()[:3]
    backend = backend_of(demo_engine.dialect.name)
    listed = ", ".join(f"'{d.lower()}'" for d in dids)
    text = (
        f"SELECT obs_publisher_did FROM ivoa.ObsCore WHERE LOWER(obs_publisher_did) IN ({listed})"
    )
    context = translation_context(build_schema(backend), "https://example.org")
    _bound, statement = compile_query(text, published_catalog(), context)
    with demo_engine.connect() as conn:
        plan = "\n".join(query_plan(conn, statement))
        assert _uses_lower_did_index(plan), plan
        assert sorted(conn.execute(statement).scalars()) == sorted(dids)


def test_lower_did_index_after_migration_and_reload(new_engine: NewEngine, backend: str) -> None:
    """The index the migration made on an old archive serves the query too, and survives a
    bulk load that replaces the rows."""
    engine = new_engine()
    restore_legacy(engine)
    upgrade_database(engine)

    def uses_index() -> bool:
        with engine.connect() as conn:
            if backend == "postgresql":  # 10 rows: a scan would win without this
                conn.exec_driver_sql("SET enable_seqscan = off")
                # ... and so would a filter over the whole unique index (its choice among
                # near-equal costs on 10 rows); the change ends with the rollback.
                conn.exec_driver_sql("DROP INDEX ivoa.obscore_publisher_did_idx")
            obscore = archive_schema(engine).obscore
            did = obscore.c.obs_publisher_did
            query = sa.select(did).where(sa.func.lower(did).in_(["x", "y"]))
            plan = "\n".join(query_plan(conn, query))
            conn.rollback()
        return _uses_lower_did_index(plan)

    assert uses_index()
    obscore = archive_schema(engine).obscore
    with engine.connect() as conn:
        query = sa.select(*[obscore.c[name] for name in ARROW_SCHEMA.names])
        rows = [dict(row._mapping) for row in conn.execute(query)]
    before = schema_of(engine)
    table = pa.Table.from_pylist(rows, schema=ARROW_SCHEMA)
    fill_archive(engine, [table], replace=True, progress=False)
    assert count_rows(engine) == 10
    assert schema_of(engine) == before
    assert uses_index()
