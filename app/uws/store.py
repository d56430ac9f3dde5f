"""The persistent UWS job store: jobs, their parameters and results, on either backend.

Blocking code on a synchronous engine; the server calls it from threads. Every phase
transition is one conditional ``UPDATE ... WHERE phase IN (...)`` whose row count says
whether it happened, so two workers (or a worker and an ABORT) can never both win.
Transitions made by the job's owner take the owner; those made by workers do not.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa

from app.uws.models import ExecutionPhase, Job, JobError, JobParameter, JobResult
from app.uws.tables import job_parameter_table, job_result_table, job_table

__all__ = ["RUNNING_PHASES", "TRANSITIONS", "JobStore"]

P = ExecutionPhase

RUNNING_PHASES = frozenset({P.QUEUED, P.EXECUTING})
"""Phases that count against a user's limit of running jobs."""
_UNFINISHED = frozenset(phase for phase in P if not phase.is_final)

TRANSITIONS: Mapping[ExecutionPhase, frozenset[ExecutionPhase]] = MappingProxyType(
    {
        P.QUEUED: frozenset({P.PENDING, P.HELD}),
        P.EXECUTING: frozenset({P.QUEUED}),
        P.COMPLETED: frozenset({P.EXECUTING}),
        P.ERROR: _UNFINISHED,
        P.ABORTED: _UNFINISHED,
    }
)
"""The phase-changing methods' target phases and the phases each may be reached from.
(Stale EXECUTING jobs reach ERROR through ``fail_stale_executing``.)"""

_job = job_table.c
_param = job_parameter_table.c
_result = job_result_table.c


def _owner_is(owner: str | None) -> sa.ColumnElement[bool]:
    # Anonymous jobs (owner NULL) are visible to anonymous requests only.
    return _job.owner.is_(None) if owner is None else _job.owner == owner


def _phases(phases: Iterable[ExecutionPhase]) -> list[str]:
    return sorted(str(phase) for phase in phases)


def _job_from_rows(
    row: sa.Row[tuple[object, ...]],
    parameters: Sequence[sa.Row[tuple[object, ...]]],
    results: Sequence[sa.Row[tuple[object, ...]]],
) -> Job:
    """The domain model of one ``uws_job`` row and its parameter and result rows (in
    order); the only place rows become a ``Job``."""
    m = row._mapping
    error = None
    if m["error_type"] is not None:
        error = JobError(
            type=m["error_type"],
            message=m["error_message"] or "",
            has_detail=m["error_detail"] is not None,
        )
    return Job(
        job_id=m["job_id"],
        owner=m["owner"],
        service=m["service"],
        phase=ExecutionPhase(m["phase"]),
        run_id=m["run_id"],
        creation_time=m["creation_time"],
        start_time=m["start_time"],
        end_time=m["end_time"],
        execution_duration=m["execution_duration"],
        destruction_time=m["destruction_time"],
        quote=m["quote"],
        parameters=tuple(
            JobParameter(id=p.name, value=p.value, by_reference=bool(p.by_reference))
            for p in parameters
        ),
        results=tuple(
            JobResult(id=r.result_id, href=r.href, size=r.size, mime_type=r.mime_type)
            for r in results
        ),
        error=error,
    )


def _parameter_rows(job_id: str, params: Sequence[JobParameter]) -> list[dict[str, object]]:
    return [
        {
            "job_id": job_id,
            "position": position,
            "name": param.id,
            "value": param.value,
            "by_reference": param.by_reference,
        }
        for position, param in enumerate(params)
    ]


def _result_rows(job_id: str, results: Sequence[JobResult]) -> list[dict[str, object]]:
    return [
        {
            "job_id": job_id,
            "position": position,
            "result_id": result.id,
            "href": result.href,
            "size": result.size,
            "mime_type": result.mime_type,
        }
        for position, result in enumerate(results)
    ]


def _stored_detail(error: JobError, detail: str | None) -> str | None:
    # has_detail is derived from the stored detail when reading: a job whose error
    # claims a detail but was given none serves its message at {job}/error.
    if detail is not None:
        return detail
    return error.message if error.has_detail else None


def _job_row(job: Job) -> dict[str, Any]:
    """The job table's row for a new job."""
    error = job.error
    return {
        "job_id": job.job_id,
        "owner": job.owner,
        "service": job.service,
        "phase": str(job.phase),
        "run_id": job.run_id,
        "creation_time": job.creation_time,
        "start_time": job.start_time,
        "end_time": job.end_time,
        "execution_duration": job.execution_duration,
        "destruction_time": job.destruction_time,
        "quote": job.quote,
        "error_type": error.type if error else None,
        "error_message": error.message if error else None,
        "error_detail": _stored_detail(error, None) if error else None,
        "attempt": 0,
    }


class JobStore:
    """UWS jobs in the database, read and changed by intent.

    Parameters
    ----------
    engine
        Blocking engine from ``app.storage.database.create_sync_engine`` (its schema
        translation puts the tables in SQLite's ``main``); the tables must exist, see
        ``app.uws.tables.create_job_tables``.
    """

    def __init__(self, engine: sa.Engine, *, service: str | None = None) -> None:
        self._engine = engine
        self._service = service

    def for_service(self, service: str) -> JobStore:
        """The same store, its owners' operations limited to ``service``'s jobs (a TAP
        job is no job at the SODA service's address)."""
        return JobStore(self._engine, service=service)

    def _owned_by(self, owner: str | None) -> sa.ColumnElement[bool]:
        if self._service is None:
            return _owner_is(owner)
        return sa.and_(_owner_is(owner), _job.service == self._service)

    @property
    def engine(self) -> sa.Engine:
        """The database the jobs live in."""
        return self._engine

    def queued(self) -> builtins.list[Job]:
        """Every owner's QUEUED jobs, oldest first (to run them after a restart)."""
        query = (
            sa.select(job_table)
            .where(_job.phase == str(P.QUEUED))
            .order_by(_job.creation_time, _job.job_id)
        )
        with self._engine.connect() as conn:
            return self._load(conn, conn.execute(query).all())

    # -- creation and reading ---------------------------------------------------------

    def add(self, job: Job) -> None:
        """Store a new job with its parameters (and results and error, if any).

        Raises
        ------
        sqlalchemy.exc.IntegrityError
            If a job with the same id exists.
        """
        with self._engine.begin() as conn:
            conn.execute(sa.insert(job_table).values(_job_row(job)))
            self._add_parts(conn, job)

    def add_within_limit(self, job: Job, limit: int) -> bool:
        """Store a new job if its owner has fewer than ``limit`` jobs stored (of this
        store's service), as one step: requests racing each other cannot together pass
        the limit. False (and nothing stored) when the owner is at the limit."""
        stored = (
            sa.select(sa.func.count())
            .select_from(job_table)
            .where(self._owned_by(job.owner))
            .scalar_subquery()
        )
        row = _job_row(job)
        values = sa.select(
            *(sa.literal(value, job_table.c[name].type).label(name) for name, value in row.items())
        ).where(stored < limit)
        with self._engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # As in queue_within_limit: serialise one owner's creations.
                key = f"uws-stored:{self._service}:{job.owner}"
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(key))))
            insert = sa.insert(job_table).from_select(list(row), values)
            # RETURNING says whether the row went in (psycopg gives no row count here).
            if conn.execute(insert.returning(_job.job_id)).first() is None:
                return False
            self._add_parts(conn, job)
        return True

    @staticmethod
    def _add_parts(conn: sa.Connection, job: Job) -> None:
        if job.parameters:
            conn.execute(
                sa.insert(job_parameter_table), _parameter_rows(job.job_id, job.parameters)
            )
        if job.results:
            conn.execute(sa.insert(job_result_table), _result_rows(job.job_id, job.results))

    def get(self, job_id: str, owner: str | None) -> Job | None:
        """The job, or None when it does not exist or belongs to someone else."""
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(job_table).where(_job.job_id == job_id, self._owned_by(owner))
            ).first()
            if row is None:
                return None
            return self._load(conn, [row])[0]

    def load(self, job_id: str) -> Job | None:
        """The job whatever its owner (for the runners), or None if there is none."""
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(job_table).where(_job.job_id == job_id)).first()
            return None if row is None else self._load(conn, [row])[0]

    def list(
        self,
        owner: str | None,
        phases: Sequence[str] | None = None,
        after: datetime | None = None,
        last: int | None = None,
    ) -> builtins.list[Job]:
        """The owner's jobs, newest first, filtered as UWS job lists are.

        Parameters
        ----------
        owner
            Whose jobs (None: the anonymous ones).
        phases
            Only jobs in one of these phases (``PHASE`` parameters are ORed). ARCHIVED
            jobs are left out unless asked for here.
        after
            Only jobs created strictly after this (aware) time.
        last
            At most this many jobs, the most recently created.

        Raises
        ------
        ValueError
            If a phase is not a UWS phase name.
        """
        query = sa.select(job_table).where(self._owned_by(owner))
        if phases:
            query = query.where(_job.phase.in_(_phases(ExecutionPhase(p) for p in phases)))
        else:
            query = query.where(_job.phase != str(P.ARCHIVED))
        if after is not None:
            query = query.where(_job.creation_time > after)
        query = query.order_by(_job.creation_time.desc(), _job.job_id.desc())
        if last is not None:
            query = query.limit(last)
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
            return self._load(conn, rows)

    def phase(self, job_id: str) -> ExecutionPhase | None:
        """The job's phase alone (cheap enough to poll for a blocking ``WAIT``)."""
        with self._engine.connect() as conn:
            value = conn.execute(
                sa.select(_job.phase).where(_job.job_id == job_id)
            ).scalar_one_or_none()
        return None if value is None else ExecutionPhase(value)

    def error_detail(self, job_id: str, owner: str | None) -> str | None:
        """The error document of a failed job (None if it has none or is not visible)."""
        with self._engine.connect() as conn:
            value: str | None = conn.execute(
                sa.select(_job.error_detail).where(_job.job_id == job_id, self._owned_by(owner))
            ).scalar_one_or_none()
        return value

    def count_active(self, owner: str | None) -> int:
        """How many of the owner's jobs are QUEUED or EXECUTING."""
        query = (
            sa.select(sa.func.count())
            .select_from(job_table)
            .where(self._owned_by(owner), _job.phase.in_(_phases(RUNNING_PHASES)))
        )
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def result_bytes(self, owner: str | None) -> int:
        """How many bytes the owner's stored job results take."""
        query = (
            sa.select(sa.func.coalesce(sa.func.sum(_result.size), 0))
            .select_from(job_result_table.join(job_table, _result.job_id == _job.job_id))
            .where(self._owned_by(owner))
        )
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def expired(self, now: datetime) -> builtins.list[str]:
        """Ids of the jobs whose destruction time has come (``destruction_time <= now``)."""
        query = (
            sa.select(_job.job_id)
            .where(_job.destruction_time <= now)
            .order_by(_job.destruction_time, _job.job_id)
        )
        with self._engine.connect() as conn:
            return builtins.list(conn.execute(query).scalars())

    # -- changes requested by the owner -----------------------------------------------

    def set_parameters(
        self, job_id: str, owner: str | None, params: Sequence[JobParameter]
    ) -> bool:
        """Replace the job's parameters; refused (False) unless the job is PENDING."""
        with self._engine.begin() as conn:
            # A no-op conditional UPDATE takes the row lock first, so the job cannot be
            # queued between the phase check and the parameter writes.
            claimed = conn.execute(
                sa.update(job_table)
                .where(_job.job_id == job_id, self._owned_by(owner), _job.phase == str(P.PENDING))
                .values(phase=_job.phase)
            )
            if claimed.rowcount != 1:
                return False
            conn.execute(sa.delete(job_parameter_table).where(_param.job_id == job_id))
            if params:
                conn.execute(sa.insert(job_parameter_table), _parameter_rows(job_id, params))
        return True

    def set_destruction(self, job_id: str, owner: str | None, destruction_time: datetime) -> bool:
        """Set when the job is to be destroyed (False if it is not the owner's)."""
        return self._update_owned(job_id, owner, destruction_time=destruction_time)

    def set_execution_duration(self, job_id: str, owner: str | None, seconds: int) -> bool:
        """Set the job's run time limit in seconds, 0 = unlimited (False if not found)."""
        return self._update_owned(job_id, owner, execution_duration=seconds)

    def delete_expired(self, job_id: str) -> None:
        """Delete a job whatever its owner (the sweeper's, for expired jobs)."""
        with self._engine.begin() as conn:
            conn.execute(sa.delete(job_table).where(_job.job_id == job_id))

    def delete(self, job_id: str, owner: str | None) -> bool:
        """Delete the job, its parameters and its results (False if not the owner's)."""
        with self._engine.begin() as conn:
            deleted = conn.execute(
                sa.delete(job_table).where(_job.job_id == job_id, self._owned_by(owner))
            )
        return deleted.rowcount == 1

    # -- phase transitions --------------------------------------------------------------

    def mark_queued(self, job_id: str) -> bool:
        """PENDING (or HELD) → QUEUED; False if the job was in another phase."""
        return self._transition(job_id, P.QUEUED)

    def queue_within_limit(self, job_id: str, owner: str | None, limit: int) -> bool | None:
        """PENDING (or HELD) → QUEUED if the owner has fewer than ``limit`` jobs QUEUED or
        EXECUTING (of this store's service), as one step: requests racing each other
        cannot together pass the limit.

        Returns
        -------
        bool or None
            True when queued; False when the job was in another phase; None when the
            owner is at the limit.
        """
        running = (
            sa.select(sa.func.count())
            .select_from(job_table)
            .where(self._owned_by(owner), _job.phase.in_(_phases(RUNNING_PHASES)))
            .scalar_subquery()
        )
        with self._engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Each statement sees the rows committed when it began, so two requests
                # could each count the other's job as not yet running: serialise them
                # per owner and service (SQLite serialises every write already).
                key = f"uws-active:{self._service}:{owner}"
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(key))))
            queueable = _phases(TRANSITIONS[P.QUEUED])
            updated = conn.execute(
                sa.update(job_table)
                .where(_job.job_id == job_id, _job.phase.in_(queueable), running < limit)
                .values(phase=str(P.QUEUED))
            )
            if updated.rowcount == 1:
                return True
            phase = conn.execute(sa.select(_job.phase).where(_job.job_id == job_id)).scalar()
        return None if phase in _phases(TRANSITIONS[P.QUEUED]) else False

    def mark_executing(self, job_id: str, start_time: datetime, lease_until: datetime) -> bool:
        """QUEUED → EXECUTING, claiming the job for one worker until ``lease_until``.

        Returns
        -------
        bool
            True for the one caller that claimed the job; False for any other (the job
            was no longer QUEUED).
        """
        return self._transition(
            job_id,
            P.EXECUTING,
            start_time=start_time,
            lease_until=lease_until,
            attempt=_job.attempt + 1,
        )

    def renew_lease(self, job_id: str, lease_until: datetime) -> bool:
        """Extend an EXECUTING job's claim; False if the job is no longer EXECUTING
        (aborted, deleted, or failed as stale), which tells its runner to stop."""
        return self._update_in_phase(job_id, P.EXECUTING, lease_until=lease_until)

    def mark_completed(self, job_id: str, end_time: datetime, results: Sequence[JobResult]) -> bool:
        """EXECUTING → COMPLETED with the job's results; False if it was no longer
        EXECUTING (aborted, or failed as stale), in which case the results are not stored."""
        with self._engine.begin() as conn:
            done = self._transition_in(
                conn, job_id, P.COMPLETED, end_time=end_time, lease_until=None
            )
            if done:
                conn.execute(sa.delete(job_result_table).where(_result.job_id == job_id))
                if results:
                    conn.execute(sa.insert(job_result_table), _result_rows(job_id, results))
        return done

    def mark_error(
        self, job_id: str, end_time: datetime, error: JobError, detail: str | None = None
    ) -> bool:
        """Any unfinished phase → ERROR; ``detail`` is the document served at
        ``{job}/error``. False if the job had already finished."""
        return self._transition(
            job_id,
            P.ERROR,
            end_time=end_time,
            lease_until=None,
            error_type=error.type,
            error_message=error.message,
            error_detail=_stored_detail(error, detail),
        )

    def mark_aborted(self, job_id: str, end_time: datetime) -> bool:
        """Any unfinished phase → ABORTED; False if the job had already finished."""
        return self._transition(job_id, P.ABORTED, end_time=end_time, lease_until=None)

    def fail_stale_executing(
        self, now: datetime, message: str, *, all_executing: bool = False
    ) -> builtins.list[str]:
        """Put EXECUTING jobs whose worker is gone into ERROR.

        Parameters
        ----------
        now
            Jobs whose lease ended before this are stale; also their end time.
        message
            The (transient) error message they get.
        all_executing
            Fail every EXECUTING job whatever its lease: at startup no worker of this
            server can be running any of them.

        Returns
        -------
        list of str
            Ids of the jobs that were failed.
        """
        query = sa.update(job_table).where(_job.phase == str(P.EXECUTING))
        if not all_executing:
            query = query.where(sa.or_(_job.lease_until.is_(None), _job.lease_until < now))
        query = query.values(
            phase=str(P.ERROR),
            end_time=now,
            lease_until=None,
            error_type="transient",
            error_message=message,
            error_detail=None,
        ).returning(_job.job_id)
        with self._engine.begin() as conn:
            return sorted(conn.execute(query).scalars())

    # -- helpers ------------------------------------------------------------------------

    def _load(
        self, conn: sa.Connection, rows: Sequence[sa.Row[tuple[object, ...]]]
    ) -> builtins.list[Job]:
        if not rows:
            return []
        ids = [row._mapping["job_id"] for row in rows]
        params: dict[str, builtins.list[sa.Row[tuple[object, ...]]]] = {i: [] for i in ids}
        results: dict[str, builtins.list[sa.Row[tuple[object, ...]]]] = {i: [] for i in ids}
        param_rows = conn.execute(
            sa.select(job_parameter_table)
            .where(_param.job_id.in_(ids))
            .order_by(_param.job_id, _param.position)
        )
        for prow in param_rows:
            params[prow.job_id].append(prow)
        result_rows = conn.execute(
            sa.select(job_result_table)
            .where(_result.job_id.in_(ids))
            .order_by(_result.job_id, _result.position)
        )
        for rrow in result_rows:
            results[rrow.job_id].append(rrow)
        return [
            _job_from_rows(row, params[i], results[i]) for row, i in zip(rows, ids, strict=True)
        ]

    def _update_owned(self, job_id: str, owner: str | None, **values: object) -> bool:
        with self._engine.begin() as conn:
            updated = conn.execute(
                sa.update(job_table)
                .where(_job.job_id == job_id, self._owned_by(owner))
                .values(**values)
            )
        return updated.rowcount == 1

    def _update_in_phase(self, job_id: str, phase: ExecutionPhase, **values: object) -> bool:
        with self._engine.begin() as conn:
            updated = conn.execute(
                sa.update(job_table)
                .where(_job.job_id == job_id, _job.phase == str(phase))
                .values(**values)
            )
        return updated.rowcount == 1

    def _transition(self, job_id: str, to: ExecutionPhase, **values: object) -> bool:
        with self._engine.begin() as conn:
            return self._transition_in(conn, job_id, to, **values)

    @staticmethod
    def _transition_in(
        conn: sa.Connection, job_id: str, to: ExecutionPhase, **values: object
    ) -> bool:
        # One conditional UPDATE: the phase check and the change cannot be separated.
        updated = conn.execute(
            sa.update(job_table)
            .where(_job.job_id == job_id, _job.phase.in_(_phases(TRANSITIONS[to])))
            .values(phase=str(to), **values)
        )
        return updated.rowcount == 1
