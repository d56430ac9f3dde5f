"""The UWS 1.1 XML documents: a job, the job list, a job's results and its parameters.

Pure functions from `app.uws.models` objects to UTF-8 bytes. Element order follows the
sequences of the UWS 1.1 schema (``UWS.xsd``, namespace unchanged from 1.0):

* ``uws:job``: jobId, runId, ownerId, phase, quote, creationTime, startTime, endTime,
  executionDuration, destruction, parameters, results, errorSummary (jobInfo unused).
* ``uws:jobref``: phase, runId, ownerId, creationTime.

Nillable values that are unknown are written ``xsi:nil="true"``; optional ones are left
out. Names carry their prefixes and the root declares them by hand, so the output always
uses ``uws:``, ``xlink:`` and ``xsi:`` whatever else registered prefixes with ElementTree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from urllib.parse import quote, urljoin
from xml.etree import ElementTree as ET

from app.uws.models import Job, JobParameter, JobResult, format_uws_time

__all__ = [
    "NS_UWS",
    "NS_XLINK",
    "NS_XSI",
    "UWS_VERSION",
    "job_document",
    "job_list_document",
    "parameters_document",
    "results_document",
]

NS_UWS = "http://www.ivoa.net/xml/UWS/v1.0"
NS_XLINK = "http://www.w3.org/1999/xlink"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
UWS_VERSION = "1.1"

_NAMESPACES = {"uws": NS_UWS, "xlink": NS_XLINK, "xsi": NS_XSI}


def _root(tag: str, attrs: Mapping[str, str] | None = None) -> ET.Element:
    declared = {f"xmlns:{prefix}": uri for prefix, uri in _NAMESPACES.items()}
    return ET.Element(tag, {**declared, **(attrs or {})})


def _add(
    parent: ET.Element,
    tag: str,
    text: str | None = None,
    attrs: Mapping[str, str | None] | None = None,
) -> ET.Element:
    present = {k: v for k, v in (attrs or {}).items() if v is not None}
    element = ET.SubElement(parent, tag, present)
    element.text = text
    return element


def _add_nillable(parent: ET.Element, tag: str, text: str | None) -> None:
    if text is None:
        _add(parent, tag, attrs={"xsi:nil": "true"})
    else:
        _add(parent, tag, text)


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else format_uws_time(moment)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _bytes(top: ET.Element) -> bytes:
    ET.indent(top)
    data: bytes = ET.tostring(top, encoding="utf-8", xml_declaration=True)
    return data


def _job_url(list_url: str, job_id: str) -> str:
    return f"{list_url.rstrip('/')}/{quote(job_id, safe='')}"


def _fill_parameters(container: ET.Element, parameters: Sequence[JobParameter]) -> None:
    for parameter in parameters:
        by_reference = "true" if parameter.by_reference else None
        attrs = {"id": parameter.id, "byReference": by_reference}
        _add(container, "uws:parameter", parameter.value, attrs)


def _fill_results(
    container: ET.Element, results: Sequence[JobResult], base_url_of_job: str
) -> None:
    base = base_url_of_job.rstrip("/") + "/"
    for result in results:
        attrs = {
            "id": result.id,
            "xlink:href": urljoin(base, result.href),
            "size": None if result.size is None else str(result.size),
            "mime-type": result.mime_type,
        }
        _add(container, "uws:result", attrs=attrs)


def job_document(job: Job, base_url_of_job: str) -> bytes:
    """The job summary, ``<uws:job version="1.1">`` (``GET {jobs}/{job-id}``).

    Parameters
    ----------
    job
        The job to describe.
    base_url_of_job
        The job's absolute URL; relative result hrefs are resolved against it.

    Returns
    -------
    bytes
        The UTF-8 XML document.
    """
    top = _root("uws:job", {"version": UWS_VERSION})
    _add(top, "uws:jobId", job.job_id)
    if job.run_id is not None:
        _add(top, "uws:runId", job.run_id)
    _add_nillable(top, "uws:ownerId", job.owner)
    _add(top, "uws:phase", job.phase.value)
    _add_nillable(top, "uws:quote", _time(job.quote))
    _add(top, "uws:creationTime", format_uws_time(job.creation_time))
    _add_nillable(top, "uws:startTime", _time(job.start_time))
    _add_nillable(top, "uws:endTime", _time(job.end_time))
    _add(top, "uws:executionDuration", str(job.execution_duration))
    _add_nillable(top, "uws:destruction", _time(job.destruction_time))
    _fill_parameters(_add(top, "uws:parameters"), job.parameters)
    _fill_results(_add(top, "uws:results"), job.results, base_url_of_job)
    if job.error is not None:
        attrs = {"type": job.error.type, "hasDetail": _bool(job.error.has_detail)}
        summary = _add(top, "uws:errorSummary", attrs=attrs)
        _add(summary, "uws:message", job.error.message)
    return _bytes(top)


def job_list_document(jobs: Sequence[Job], list_url: str) -> bytes:
    """The job list, ``<uws:jobs version="1.1">`` of ``<uws:jobref>`` (``GET {jobs}``).

    Jobs are listed in the order given: filter and sort them first (`app.uws.filters`).

    Parameters
    ----------
    jobs
        The jobs to list.
    list_url
        The job list's absolute URL; each jobref links to ``{list_url}/{job_id}``.

    Returns
    -------
    bytes
        The UTF-8 XML document.
    """
    top = _root("uws:jobs", {"version": UWS_VERSION})
    for job in jobs:
        attrs = {"id": job.job_id, "xlink:href": _job_url(list_url, job.job_id)}
        ref = _add(top, "uws:jobref", attrs=attrs)
        _add(ref, "uws:phase", job.phase.value)
        if job.run_id is not None:
            _add(ref, "uws:runId", job.run_id)
        if job.owner is not None:
            _add(ref, "uws:ownerId", job.owner)
        _add(ref, "uws:creationTime", format_uws_time(job.creation_time))
    return _bytes(top)


def results_document(results: Sequence[JobResult], base_url_of_job: str) -> bytes:
    """A job's result list, ``<uws:results>`` (``GET {jobs}/{job-id}/results``).

    Relative result hrefs are resolved against ``base_url_of_job``.
    """
    top = _root("uws:results")
    _fill_results(top, results, base_url_of_job)
    return _bytes(top)


def parameters_document(parameters: Sequence[JobParameter]) -> bytes:
    """A job's parameters, ``<uws:parameters>`` (``GET {jobs}/{job-id}/parameters``)."""
    top = _root("uws:parameters")
    _fill_parameters(top, parameters)
    return _bytes(top)
