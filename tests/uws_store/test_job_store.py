"""The UWS job store on SQLite and on PostgreSQL: round trips, owners, filters, phases."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeAlias

import pytest
import sqlalchemy as sa

from app.uws.models import ExecutionPhase, Job, JobError, JobParameter, JobResult, new_job_id
from app.uws.store import JobStore
from app.uws.tables import create_job_tables, job_parameter_table, job_result_table

P = ExecutionPhase
T0 = datetime(2026, 3, 1, 12, 0, 0, 123000, tzinfo=UTC)
"""A fixed creation time; jobs of a test are created at T0 + n minutes."""

MakeJob: TypeAlias = Callable[..., Job]


@pytest.fixture
def store(empty_engine: sa.Engine) -> JobStore:
    create_job_tables(empty_engine)
    return JobStore(empty_engine)


@pytest.fixture
def make_job(store: JobStore) -> MakeJob:
    """Store a job (PENDING, owner ``alice``, created at T0) with the given overrides."""

    def make(**overrides: Any) -> Job:
        fields: dict[str, Any] = {
            "job_id": new_job_id(),
            "owner": "alice",
            "phase": P.PENDING,
            "run_id": None,
            "creation_time": T0,
            "start_time": None,
            "end_time": None,
            "execution_duration": 600,
            "destruction_time": None,
            "quote": None,
            "parameters": (JobParameter("QUERY", "SELECT 1"),),
        }
        fields.update(overrides)
        job = Job(**fields)
        store.add(job)
        return job

    return make


def _running(store: JobStore, make_job: MakeJob, **overrides: Any) -> Job:
    job = make_job(**overrides)
    assert store.mark_queued(job.job_id)
    assert store.mark_executing(job.job_id, T0, T0 + timedelta(minutes=5))
    return job


def test_round_trip_of_every_field(store: JobStore, make_job: MakeJob) -> None:
    cet = timezone(timedelta(hours=1))
    job = make_job(
        run_id="my run",
        phase=P.ERROR,
        creation_time=datetime(2026, 3, 1, 13, 0, 0, 500000, tzinfo=cet),
        start_time=T0 + timedelta(seconds=1),
        end_time=T0 + timedelta(seconds=2),
        execution_duration=0,
        destruction_time=T0 + timedelta(days=7),
        quote=T0 + timedelta(seconds=30),
        parameters=(
            JobParameter("QUERY", "SELECT TOP 5 * FROM ivoa.ObsCore"),
            JobParameter("LANG", "ADQL"),
            JobParameter("UPLOAD", "t1,param:t1"),
            JobParameter("t1", "param:t1", by_reference=True),
            JobParameter("LANG", "ADQL-2.1"),
        ),
        results=(
            JobResult("result", "https://example.org/r/1", size=1234, mime_type="text/xml"),
            JobResult("extra", "results/extra"),
        ),
        error=JobError("fatal", "bad query"),
    )
    loaded = store.get(job.job_id, "alice")
    expected = replace(job, creation_time=datetime(2026, 3, 1, 12, 0, 0, 500000, tzinfo=UTC))
    assert loaded == expected
    assert loaded is not None
    assert [p.id for p in loaded.parameters] == ["QUERY", "LANG", "UPLOAD", "t1", "LANG"]
    # A JobError with has_detail but no detail of its own serves its message.
    assert store.error_detail(job.job_id, "alice") == "bad query"


def test_anonymous_job_and_error_without_detail(store: JobStore, make_job: MakeJob) -> None:
    job = make_job(owner=None, parameters=(), error=JobError("transient", "x", has_detail=False))
    assert store.get(job.job_id, None) == job
    assert store.error_detail(job.job_id, None) is None


def test_returned_datetimes_are_aware_utc(store: JobStore, make_job: MakeJob) -> None:
    job = _running(store, make_job, destruction_time=T0 + timedelta(days=1), quote=T0)
    assert store.mark_completed(job.job_id, T0 + timedelta(minutes=1), [])
    loaded = store.get(job.job_id, "alice")
    assert loaded is not None
    times = [
        loaded.creation_time,
        loaded.start_time,
        loaded.end_time,
        loaded.destruction_time,
        loaded.quote,
    ]
    for moment in times:
        assert moment is not None
        assert moment.utcoffset() == timedelta(0)
    assert loaded.end_time == T0 + timedelta(minutes=1)


def test_naive_datetimes_are_taken_as_utc(store: JobStore, make_job: MakeJob) -> None:
    job = make_job(creation_time=datetime(2026, 3, 1, 12, 0))
    loaded = store.get(job.job_id, "alice")
    assert loaded is not None
    assert loaded.creation_time == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_duplicate_job_id_is_refused(store: JobStore, make_job: MakeJob) -> None:
    job = make_job()
    with pytest.raises(sa.exc.IntegrityError):
        store.add(job)


def test_owner_isolation(store: JobStore, make_job: MakeJob) -> None:
    alices = make_job()
    anonymous = make_job(owner=None)
    assert store.get(alices.job_id, "bob") is None
    assert store.get(alices.job_id, None) is None
    assert store.get(anonymous.job_id, "alice") is None
    assert store.get(anonymous.job_id, None) == anonymous
    assert store.get("no-such-job", "alice") is None
    assert [j.job_id for j in store.list("bob")] == []
    assert [j.job_id for j in store.list(None)] == [anonymous.job_id]
    assert not store.set_parameters(alices.job_id, "bob", [])
    assert not store.set_destruction(alices.job_id, "bob", T0)
    assert not store.set_execution_duration(alices.job_id, None, 1)
    assert not store.delete(alices.job_id, "bob")
    assert store.get(alices.job_id, "alice") == alices


def test_list_is_newest_first_and_hides_archived(store: JobStore, make_job: MakeJob) -> None:
    jobs = [make_job(creation_time=T0 + timedelta(minutes=n)) for n in range(4)]
    archived = make_job(creation_time=T0 + timedelta(minutes=10), phase=P.ARCHIVED)
    make_job(owner="bob", creation_time=T0 + timedelta(minutes=20))
    newest_first = [j.job_id for j in reversed(jobs)]
    assert [j.job_id for j in store.list("alice")] == newest_first
    assert store.list("alice")[0] == jobs[-1]
    assert [j.job_id for j in store.list("alice", phases=["ARCHIVED"])] == [archived.job_id]
    both = store.list("alice", phases=["PENDING", "ARCHIVED"])
    assert [j.job_id for j in both] == [archived.job_id, *newest_first]


def test_list_filters(store: JobStore, make_job: MakeJob) -> None:
    pending = make_job(creation_time=T0)
    running = _running(store, make_job, creation_time=T0 + timedelta(minutes=1))
    done = _running(store, make_job, creation_time=T0 + timedelta(minutes=2))
    assert store.mark_completed(done.job_id, T0 + timedelta(minutes=3), [])
    aborted = make_job(creation_time=T0 + timedelta(minutes=3))
    assert store.mark_aborted(aborted.job_id, T0 + timedelta(minutes=4))

    def ids(**filters: Any) -> list[str]:
        return [j.job_id for j in store.list("alice", **filters)]

    # PHASE is ORed.
    assert ids(phases=["EXECUTING", "COMPLETED"]) == [done.job_id, running.job_id]
    assert ids(phases=[P.PENDING]) == [pending.job_id]
    # AFTER is strictly after, and compares instants whatever the time zone.
    after = (T0 + timedelta(minutes=1)).astimezone(timezone(timedelta(hours=-5)))
    assert ids(after=after) == [aborted.job_id, done.job_id]
    # LAST keeps the newest n.
    assert ids(last=2) == [aborted.job_id, done.job_id]
    assert ids(last=0) == []
    # Filters are ANDed.
    assert ids(phases=["PENDING", "EXECUTING"], after=T0, last=5) == [running.job_id]
    assert ids(phases=["PENDING", "EXECUTING", "ABORTED"], last=1) == [aborted.job_id]


def test_parameters_only_while_pending(store: JobStore, make_job: MakeJob) -> None:
    job = make_job()
    new = [JobParameter("LANG", "ADQL"), JobParameter("QUERY", "SELECT 2")]
    assert store.set_parameters(job.job_id, "alice", new)
    loaded = store.get(job.job_id, "alice")
    assert loaded is not None
    assert loaded.parameters == tuple(new)
    assert store.mark_queued(job.job_id)
    assert not store.set_parameters(job.job_id, "alice", [JobParameter("QUERY", "x")])
    loaded = store.get(job.job_id, "alice")
    assert loaded is not None
    assert loaded.parameters == tuple(new)
    assert not store.set_parameters("no-such-job", "alice", new)


def test_lifecycle_to_completed(store: JobStore, make_job: MakeJob) -> None:
    job = make_job()
    assert store.phase(job.job_id) == P.PENDING
    assert not store.mark_executing(job.job_id, T0, T0)  # not QUEUED yet
    assert store.mark_queued(job.job_id)
    assert not store.mark_queued(job.job_id)
    assert store.phase(job.job_id) == P.QUEUED
    assert store.mark_executing(job.job_id, T0 + timedelta(seconds=1), T0 + timedelta(hours=1))
    assert not store.mark_executing(job.job_id, T0, T0 + timedelta(hours=1))
    results = [JobResult("result", "https://example.org/r", 10, "application/x-votable+xml")]
    assert store.mark_completed(job.job_id, T0 + timedelta(seconds=5), results)
    assert not store.mark_completed(job.job_id, T0, [JobResult("other", "x")])
    assert store.phase(job.job_id) == P.COMPLETED
    loaded = store.get(job.job_id, "alice")
    assert loaded is not None
    assert loaded.results == tuple(results)
    assert loaded.start_time == T0 + timedelta(seconds=1)
    assert loaded.end_time == T0 + timedelta(seconds=5)
    # Finished jobs cannot be aborted or failed any more.
    assert not store.mark_aborted(job.job_id, T0)
    assert not store.mark_error(job.job_id, T0, JobError("fatal", "late"))
    assert store.phase(job.job_id) == P.COMPLETED
    assert store.phase("no-such-job") is None


def test_only_one_worker_claims_a_job(store: JobStore, make_job: MakeJob) -> None:
    job = make_job()
    assert store.mark_queued(job.job_id)
    workers = 6
    barrier = threading.Barrier(workers)

    def claim(_: int) -> bool:
        barrier.wait()
        return store.mark_executing(job.job_id, T0, T0 + timedelta(minutes=1))

    with ThreadPoolExecutor(workers) as pool:
        claims = list(pool.map(claim, range(workers)))
    assert claims.count(True) == 1


def test_abort_and_error(store: JobStore, make_job: MakeJob) -> None:
    pending = make_job()
    assert store.mark_aborted(pending.job_id, T0 + timedelta(seconds=3))
    assert not store.mark_aborted(pending.job_id, T0)
    assert not store.mark_queued(pending.job_id)
    aborted = store.get(pending.job_id, "alice")
    assert aborted is not None
    assert (aborted.phase, aborted.end_time) == (P.ABORTED, T0 + timedelta(seconds=3))

    running = _running(store, make_job)
    error = JobError("fatal", "table not found", has_detail=True)
    assert store.mark_error(running.job_id, T0, error, "<VOTABLE>...</VOTABLE>")
    assert not store.mark_completed(running.job_id, T0, [JobResult("result", "r")])
    failed = store.get(running.job_id, "alice")
    assert failed is not None
    assert (failed.phase, failed.error, failed.results) == (P.ERROR, error, ())
    assert store.error_detail(running.job_id, "alice") == "<VOTABLE>...</VOTABLE>"
    assert store.error_detail(running.job_id, "bob") is None


def test_destruction_and_execution_duration(store: JobStore, make_job: MakeJob) -> None:
    job = make_job()
    when = datetime(2026, 4, 1, 8, 0, tzinfo=timezone(timedelta(hours=2)))
    assert store.set_destruction(job.job_id, "alice", when)
    assert store.set_execution_duration(job.job_id, "alice", 60)
    loaded = store.get(job.job_id, "alice")
    assert loaded is not None
    assert loaded.destruction_time == datetime(2026, 4, 1, 6, 0, tzinfo=UTC)
    assert loaded.execution_duration == 60


def test_delete_cascades(store: JobStore, make_job: MakeJob, empty_engine: sa.Engine) -> None:
    job = _running(store, make_job)
    other = make_job()
    assert store.mark_completed(job.job_id, T0, [JobResult("result", "r")])
    assert store.delete(job.job_id, "alice")
    assert not store.delete(job.job_id, "alice")
    assert store.get(job.job_id, "alice") is None
    assert store.phase(job.job_id) is None
    with empty_engine.connect() as conn:
        for table in (job_parameter_table, job_result_table):
            count = sa.select(sa.func.count()).select_from(table)
            assert conn.execute(count.where(table.c.job_id == job.job_id)).scalar_one() == 0
        remaining = sa.select(sa.func.count()).select_from(job_parameter_table)
        assert conn.execute(remaining).scalar_one() == len(other.parameters)


def test_count_active(store: JobStore, make_job: MakeJob) -> None:
    make_job()
    queued = make_job()
    assert store.mark_queued(queued.job_id)
    _running(store, make_job)
    done = _running(store, make_job)
    assert store.mark_completed(done.job_id, T0, [])
    _running(store, make_job, owner="bob")
    _running(store, make_job, owner=None)
    assert store.count_active("alice") == 2
    assert store.count_active("bob") == 1
    assert store.count_active(None) == 1
    assert store.count_active("carol") == 0


def test_expired(store: JobStore, make_job: MakeJob) -> None:
    now = T0 + timedelta(days=7)
    past = make_job(destruction_time=now - timedelta(seconds=1))
    exactly = make_job(owner="bob", destruction_time=now)
    make_job(destruction_time=now + timedelta(seconds=1))
    make_job(destruction_time=None)
    assert sorted(store.expired(now)) == sorted([past.job_id, exactly.job_id])
    assert store.expired(T0) == []


def test_fail_stale_executing(store: JobStore, make_job: MakeJob) -> None:
    now = T0 + timedelta(hours=1)
    stale = make_job()
    fresh = make_job()
    queued = make_job()
    for job, lease in ((stale, now - timedelta(seconds=1)), (fresh, now + timedelta(minutes=1))):
        assert store.mark_queued(job.job_id)
        assert store.mark_executing(job.job_id, T0, lease)
    assert store.mark_queued(queued.job_id)

    assert store.fail_stale_executing(now, "worker lost") == [stale.job_id]
    failed = store.get(stale.job_id, "alice")
    assert failed is not None
    assert failed.phase == P.ERROR
    assert failed.end_time == now
    assert failed.error == JobError("transient", "worker lost", has_detail=False)
    # A worker that comes back late cannot complete a job that was failed.
    assert not store.mark_completed(stale.job_id, now, [JobResult("result", "r")])
    assert store.phase(fresh.job_id) == P.EXECUTING

    # At startup every EXECUTING job is orphaned, whatever its lease.
    assert store.fail_stale_executing(now, "server restarted", all_executing=True) == [fresh.job_id]
    assert store.phase(fresh.job_id) == P.ERROR
    assert store.phase(queued.job_id) == P.QUEUED
    assert store.fail_stale_executing(now, "again", all_executing=True) == []


def test_tables_are_created_idempotently_in_the_hidden_schema(
    store: JobStore, make_job: MakeJob, empty_engine: sa.Engine
) -> None:
    job = make_job()
    create_job_tables(empty_engine)
    assert store.get(job.job_id, "alice") == job
    inspector = sa.inspect(empty_engine)
    schema = None if empty_engine.dialect.name == "sqlite" else "obscura"
    tables = set(inspector.get_table_names(schema=schema))
    assert {"uws_job", "uws_job_parameter", "uws_job_result"} <= tables
    indexes = {ix["name"] for ix in inspector.get_indexes("uws_job", schema=schema)}
    assert "uws_job_owner_creation" in indexes


def test_stored_limit_holds_under_a_race(store: JobStore, make_job: MakeJob) -> None:
    make_job(owner="bob")
    existing = make_job()
    assert store.mark_queued(existing.job_id)

    def new(owner: str | None) -> Job:
        return replace(existing, job_id=new_job_id(), owner=owner, phase=P.PENDING)

    with ThreadPoolExecutor(8) as pool:
        added = list(pool.map(lambda _: store.add_within_limit(new("alice"), 5), range(20)))
    assert added.count(True) == 4  # with the one stored before: 5
    assert len(store.list("alice")) == 5
    assert store.add_within_limit(new("bob"), 5)  # another owner's count is their own
    assert store.add_within_limit(new(None), 1)
    assert not store.add_within_limit(new(None), 1)
    stored = store.get(store.list("alice")[0].job_id, "alice")
    assert stored is not None
    assert stored.parameters == existing.parameters
