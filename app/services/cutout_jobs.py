"""What an async SODA job does: every cutout its IDs and stencils ask for, one result each;
a combination that fails (an unknown ID, no overlap) becomes a text result saying why,
labelled as SODA labels errors (``UsageError: ...``), and the job still completes. A
request that cannot be read at all (a malformed stencil) fails the job."""

from __future__ import annotations

from collections.abc import Callable

import structlog

from app.faults import ServiceError
from app.services.cutouts import CutoutService, parse_cutout_request
from app.storage.query_cancel import QueryCancel
from app.uws.models import Job, JobResult
from app.uws.results import ResultBudget, ResultStore
from app.uws.stored_parameters import job_parameters

__all__ = ["CutoutJobWork"]

log = structlog.get_logger("obscura")


class CutoutJobWork:
    """Runs async cutout jobs (a :class:`app.uws.executor.JobWork`)."""

    def __init__(
        self,
        *,
        cutouts: CutoutService,
        results: ResultStore,
        job_url: Callable[[str], str],
    ) -> None:
        self._cutouts = cutouts
        self._results = results
        self._job_url = job_url

    def run(self, job: Job, cancel: QueryCancel, budget: ResultBudget) -> list[JobResult]:
        """Make the job's cutouts and store them.

        Raises
        ------
        ServiceError
            If the request cannot be read, or the job was cancelled.
        """
        request = parse_cutout_request(job_parameters(job, self._results), single=False)
        base = f"{self._job_url(job.job_id)}/results"
        results: list[JobResult] = []
        for number, (identifier, shape) in enumerate(request.combinations(), start=1):
            if cancel.is_set():
                raise ServiceError("The job was aborted before all its cutouts were made")
            try:
                cutout = self._cutouts.cut(request, identifier, shape)
            except ServiceError as exc:
                name = f"error-{number}"
                text = f"{type(exc).soda_label}: {exc}\n".encode()
                size = self._results.write(job.job_id, name, budget.counted([text]))
                results.append(JobResult(name, f"{base}/{name}", size, "text/plain"))
                continue
            name = f"cutout-{number}"
            try:
                size = self._results.write(job.job_id, name, budget.counted(cutout.chunks()))
            finally:
                cutout.close()
            results.append(JobResult(name, f"{base}/{name}", size, cutout.content_type))
        log.info("cutouts made", results=len(results))
        return results
