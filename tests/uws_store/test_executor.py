"""A job deleted or aborted while it runs leaves nothing behind: no result files, no
fault logged for a failure the deletion itself caused."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from structlog.testing import capture_logs

from app.storage.query_cancel import QueryCancel
from app.uws.events import JobEvents
from app.uws.executor import JobExecutor
from app.uws.models import ExecutionPhase, Job, JobParameter, JobResult, new_job_id
from app.uws.results import ResultBudget, ResultStore
from app.uws.store import JobStore
from app.uws.tables import create_job_tables

Interference = Callable[[JobStore, ResultStore, str], None]


def _delete(store: JobStore, results: ResultStore, job_id: str) -> None:
    """What a concurrent DELETE does."""
    store.mark_aborted(job_id, datetime.now(UTC))
    store.delete(job_id, "alice")
    results.delete(job_id)


def _abort(store: JobStore, _results: ResultStore, job_id: str) -> None:
    store.mark_aborted(job_id, datetime.now(UTC))


class _Work:
    """Writes part of a result, lets ``interfere`` run (as another request would), then
    either finishes the result or fails as a write into a removed folder does."""

    def __init__(self, results: ResultStore, store: JobStore, interfere: Interference, fail: bool):
        self._results, self._store, self._interfere, self._fail = results, store, interfere, fail

    def run(self, job: Job, _cancel: QueryCancel, budget: ResultBudget) -> list[JobResult]:
        def chunks() -> object:
            yield b"<VOTABLE>"
            self._interfere(self._store, self._results, job.job_id)
            if self._fail:
                raise FileNotFoundError("the job's folder is gone")
            yield b"</VOTABLE>"

        size = self._results.write(job.job_id, "result", budget.counted(chunks()))  # type: ignore[arg-type]
        return [JobResult("result", "result", size, "application/x-votable+xml")]


@pytest.mark.parametrize("interfere", [_delete, _abort], ids=["deleted", "aborted"])
@pytest.mark.parametrize("fail", [False, True], ids=["written", "failed"])
def test_a_job_ended_while_running_leaves_no_results_and_logs_no_fault(
    empty_engine: sa.Engine, tmp_path: Path, interfere: Interference, fail: bool
) -> None:
    create_job_tables(empty_engine)
    store = JobStore(empty_engine)
    results = ResultStore(tmp_path / "results")
    job = Job(
        job_id=new_job_id(),
        owner="alice",
        phase=ExecutionPhase.PENDING,
        run_id=None,
        creation_time=datetime.now(UTC),
        start_time=None,
        end_time=None,
        execution_duration=60,
        destruction_time=None,
        quote=None,
        parameters=(JobParameter("QUERY", "SELECT 1"),),
        service="tap",
    )
    store.add(job)
    assert store.mark_queued(job.job_id)
    executor = JobExecutor(
        store=store,
        results=results,
        work={"tap": _Work(results, store, interfere, fail)},
        events=JobEvents(),
        lease_seconds=30,
    )
    with capture_logs() as logs:
        executor.execute(job.job_id)
    assert [e for e in logs if e["log_level"] == "error"] == []
    assert results.read(job.job_id, "result") is None
    left = list((tmp_path / "results").rglob("*"))
    assert [p for p in left if p.is_file()] == []
    after = store.load(job.job_id)
    assert after is None or after.phase == ExecutionPhase.ABORTED


async def test_job_events_hold_only_the_jobs_waited_on() -> None:
    events = JobEvents()
    events.bind(asyncio.get_running_loop())
    with events.watch("a"):
        event = events.event("a")
        with events.watch("a"):
            assert events.event("a") is event  # two waiters share the next change
        events.notify("a")
        await asyncio.wait_for(event.wait(), 5)
        assert events.event("a") is not event  # those awake wait for the change after
        assert events.watched() == 1
    with events.watch("b"):
        pass
    assert events.watched() == 0
    events.notify("c")  # nobody waits: nothing is kept
    await asyncio.sleep(0)
    assert events.watched() == 0
