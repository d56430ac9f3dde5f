"""What an async TAP job does: run its query like a sync one, with the job's execution
duration as time limit, and store the result as the job's ``result``."""

from __future__ import annotations

from collections.abc import Callable

from app.faults import ServiceError
from app.services.result_stream import ResultCutError
from app.services.tap import TapService
from app.services.tap_request import RowLimits, parse_tap_request
from app.storage.query_cancel import QueryCancel
from app.uws.models import Job, JobResult
from app.uws.results import ResultBudget, ResultStore
from app.uws.stored_parameters import job_parameters

__all__ = ["RESULT", "TapJobWork"]

RESULT = "result"
"""The name of a TAP job's result (TAP 1.1: clients look for it)."""


class TapJobWork:
    """Runs async TAP jobs (a :class:`app.uws.executor.JobWork`)."""

    def __init__(
        self,
        *,
        tap: TapService,
        results: ResultStore,
        limits: RowLimits,
        job_url: Callable[[str], str],
    ) -> None:
        self._tap = tap
        self._results = results
        self._limits = limits
        self._job_url = job_url

    def run(self, job: Job, cancel: QueryCancel, budget: ResultBudget) -> list[JobResult]:
        """Run the job's query and store its result.

        Raises
        ------
        ServiceError, adql.AdqlError
            For a bad request or query, or a result that ended early.
        """
        request = parse_tap_request(job_parameters(job, self._results), self._limits)
        stream = self._tap.run(request, timeout=float(job.execution_duration), cancel=cancel)
        size = 0
        try:
            size = self._results.write(job.job_id, RESULT, budget.counted(stream))
        except ResultCutError:
            pass  # stream.failure says why
        finally:
            stream.close()
        if stream.failure is not None:
            raise ServiceError(stream.failure)
        href = f"{self._job_url(job.job_id)}/results/{RESULT}"
        return [JobResult(RESULT, href, size, stream.content_type)]
