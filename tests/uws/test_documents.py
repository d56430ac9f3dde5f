"""Tests for the UWS XML documents: schema validity (STILTS) and content."""

from __future__ import annotations

from dataclasses import replace
from xml.etree import ElementTree as ET

import pytest

from app.uws import (
    Job,
    job_document,
    job_list_document,
    parameters_document,
    results_document,
)
from tests.vosi.conftest import SchemaValidator

UWS = "{http://www.ivoa.net/xml/UWS/v1.0}"
XLINK = "{http://www.w3.org/1999/xlink}"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
JOB_URL = "https://example.org/tap/async/done-Job_2"
LIST_URL = "https://example.org/tap/async"


def _children(element: ET.Element) -> list[str]:
    return [child.tag.removeprefix(UWS) for child in element]


def test_validator_catches_invalid_uws(validate_xsd: SchemaValidator, pending_job: Job) -> None:
    # Guard against a validator that passes anything: element order matters in UWS.
    document = job_document(pending_job, JOB_URL)
    swapped = document.replace(b"<uws:jobId>", b"<uws:runId>", 1).replace(
        b"</uws:jobId>", b"</uws:runId>", 1
    )
    with pytest.raises(AssertionError):
        validate_xsd(swapped)


def test_pending_job(validate_xsd: SchemaValidator, pending_job: Job) -> None:
    document = job_document(pending_job, "https://example.org/tap/async/pending1")
    validate_xsd(document)
    assert document.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(document)
    assert root.tag == f"{UWS}job"
    assert root.get("version") == "1.1"
    assert _children(root) == [
        "jobId",
        "ownerId",
        "phase",
        "quote",
        "creationTime",
        "startTime",
        "endTime",
        "executionDuration",
        "destruction",
        "parameters",
        "results",
    ]
    for name in ("ownerId", "quote", "startTime", "endTime", "destruction"):
        element = root.find(f"{UWS}{name}")
        assert element is not None
        assert element.get(XSI_NIL) == "true"
        assert not element.text
    assert root.findtext(f"{UWS}phase") == "PENDING"
    assert root.findtext(f"{UWS}creationTime") == "2026-12-01T18:30:00.123Z"
    assert root.findtext(f"{UWS}executionDuration") == "0"


def test_completed_job(validate_xsd: SchemaValidator, completed_job: Job) -> None:
    document = job_document(completed_job, JOB_URL)
    validate_xsd(document)
    root = ET.fromstring(document)
    assert _children(root) == [
        "jobId",
        "runId",
        "ownerId",
        "phase",
        "quote",
        "creationTime",
        "startTime",
        "endTime",
        "executionDuration",
        "destruction",
        "parameters",
        "results",
    ]
    assert root.findtext(f"{UWS}runId") == "my run <1> & co"
    assert root.findtext(f"{UWS}ownerId") == "someone"
    assert root.findtext(f"{UWS}destruction") == "2026-12-08T18:30:00.000Z"
    parameters = root.findall(f"{UWS}parameters/{UWS}parameter")
    assert [(p.get("id"), p.text, p.get("byReference")) for p in parameters] == [
        ("LANG", "ADQL", None),
        ("QUERY", "SELECT * FROM t WHERE a < 1 AND b > 2", None),
        ("UPLOAD", "mine,param:table1", None),
        ("table1", "https://example.org/uploads/table1", "true"),
    ]
    results = root.findall(f"{UWS}results/{UWS}result")
    assert [dict(r.attrib) for r in results] == [
        {
            "id": "result",
            f"{XLINK}href": f"{JOB_URL}/results/result",
            "size": "1234",
            "mime-type": "application/x-votable+xml",
        },
        {"id": "log", f"{XLINK}href": "https://example.org/logs/2"},
    ]


def test_error_job(validate_xsd: SchemaValidator, error_job: Job) -> None:
    document = job_document(error_job, "https://example.org/tap/async/failed3/")
    validate_xsd(document)
    root = ET.fromstring(document)
    assert _children(root)[-3:] == ["parameters", "results", "errorSummary"]
    summary = root.find(f"{UWS}errorSummary")
    assert summary is not None
    assert summary.attrib == {"type": "fatal", "hasDetail": "true"}
    assert summary.findtext(f"{UWS}message") == "Column 'nonsense' not found"


def test_error_without_detail(validate_xsd: SchemaValidator, error_job: Job) -> None:
    assert error_job.error is not None
    transient = replace(
        error_job, error=replace(error_job.error, type="transient", has_detail=False)
    )
    document = job_document(transient, "https://example.org/tap/async/failed3")
    validate_xsd(document)
    summary = ET.fromstring(document).find(f"{UWS}errorSummary")
    assert summary is not None
    assert summary.attrib == {"type": "transient", "hasDetail": "false"}


def test_job_list(
    validate_xsd: SchemaValidator, pending_job: Job, completed_job: Job, error_job: Job
) -> None:
    document = job_list_document([completed_job, pending_job, error_job], LIST_URL + "/")
    validate_xsd(document)
    root = ET.fromstring(document)
    assert root.tag == f"{UWS}jobs"
    assert root.get("version") == "1.1"
    refs = root.findall(f"{UWS}jobref")
    assert [(r.get("id"), r.get(f"{XLINK}href")) for r in refs] == [
        ("done-Job_2", f"{LIST_URL}/done-Job_2"),
        ("pending1", f"{LIST_URL}/pending1"),
        ("failed3", f"{LIST_URL}/failed3"),
    ]
    assert _children(refs[0]) == ["phase", "runId", "ownerId", "creationTime"]
    assert _children(refs[1]) == ["phase", "creationTime"]
    assert _children(refs[2]) == ["phase", "ownerId", "creationTime"]
    assert refs[2].findtext(f"{UWS}phase") == "ERROR"


def test_empty_job_list(validate_xsd: SchemaValidator) -> None:
    document = job_list_document([], LIST_URL)
    validate_xsd(document)
    assert len(ET.fromstring(document)) == 0


def test_results_document(validate_xsd: SchemaValidator, completed_job: Job) -> None:
    document = results_document(completed_job.results, JOB_URL)
    validate_xsd(document)
    root = ET.fromstring(document)
    assert root.tag == f"{UWS}results"
    hrefs = [r.get(f"{XLINK}href") for r in root]
    assert hrefs == [f"{JOB_URL}/results/result", "https://example.org/logs/2"]
    validate_xsd(results_document((), JOB_URL))


def test_parameters_document(validate_xsd: SchemaValidator, completed_job: Job) -> None:
    document = parameters_document(completed_job.parameters)
    validate_xsd(document)
    root = ET.fromstring(document)
    assert root.tag == f"{UWS}parameters"
    assert [p.get("id") for p in root] == ["LANG", "QUERY", "UPLOAD", "table1"]
    validate_xsd(parameters_document(()))
