"""The UWS job list and jobs as pages for people in a browser, each rendered from the very
XML document the endpoint sends programs. Every text from a document is escaped.

Each page function takes that document (``xml``, bytes), its public URL (``url``, shown
to the person as the address programs use) and the service's home page (``home_url``),
and returns the page."""

from __future__ import annotations

from html import escape
from xml.etree import ElementTree as ET

from app.pages import parts as markup

__all__ = ["job_list_page", "job_page"]


def job_list_page(xml: bytes, *, url: str, home_url: str = "/") -> str:
    """The UWS job list as a page: a table of the jobs (ID linked to the job, phase,
    creation time, run ID, owner).
    """
    top = ET.fromstring(xml)
    rows = [
        [
            markup.link(markup.attr(ref, "href"), markup.attr(ref, "id"))
            if markup.attr(ref, "href")
            else markup.code(markup.attr(ref, "id")),
            escape(markup.text(ref, "phase")),
            escape(markup.text(ref, "creationTime")),
            escape(markup.text(ref, "runId")),
            escape(markup.text(ref, "ownerId")),
        ]
        for ref in markup.children(top, "jobref")
    ]
    body = (
        markup.grid(["job", "phase", "created", "run ID", "owner"], rows)
        if rows
        else "<p>No jobs.</p>"
    )
    return markup.page("Jobs", body, url=url, home_url=home_url, document="the UWS job list")


def job_page(xml: bytes, *, url: str, home_url: str = "/") -> str:
    """A UWS job as a page: its phase and times, its parameters (a table), its results as
    links and, if it failed, the error summary.
    """
    top = ET.fromstring(xml)
    job_url = url.split("?", 1)[0].rstrip("/")
    facts = [
        [escape(what), escape(markup.text(top, tag))]
        for tag, what in (
            ("phase", "Phase"),
            ("runId", "Run ID"),
            ("ownerId", "Owner"),
            ("creationTime", "Created"),
            ("startTime", "Started"),
            ("endTime", "Ended"),
            ("executionDuration", "Time limit (seconds)"),
            ("destruction", "Deleted at"),
            ("quote", "Quote"),
        )
        if markup.text(top, tag)
    ]
    parameters = markup.child(top, "parameters")
    parameter_rows = [
        [
            markup.code(markup.attr(p, "id")),
            f'<span class="value">{escape(markup.text(p))}</span>',
            "by reference" if markup.attr(p, "byReference") == "true" else "",
        ]
        for p in ([] if parameters is None else markup.children(parameters, "parameter"))
    ]
    results = markup.child(top, "results")
    result_rows = [
        [
            markup.link(markup.attr(r, "href"), markup.attr(r, "id")),
            escape(markup.attr(r, "mime-type")),
            escape(f"{int(markup.attr(r, 'size')):,} bytes")
            if markup.attr(r, "size").isdigit()
            else "",
        ]
        for r in ([] if results is None else markup.children(results, "result"))
    ]
    parts = [markup.grid(None, facts)]
    parts.append("<h2>Parameters</h2>")
    parts.append(
        markup.grid(["name", "value", ""], parameter_rows) if parameter_rows else "<p>None.</p>"
    )
    parts.append("<h2>Results</h2>")
    parts.append(
        markup.grid(["result", "type", "size"], result_rows) if result_rows else "<p>None yet.</p>"
    )
    error = markup.child(top, "errorSummary")
    if error is not None:
        detail = (
            f" {markup.link(job_url + '/error', 'The error document.')}"
            if markup.attr(error, "hasDetail") == "true"
            else ""
        )
        parts.append(
            f'<h2>Error</h2><p class="error">{escape(markup.text(error, "message"))}</p>'
            f'<p class="meta">{escape(markup.attr(error, "type"))} error.{detail}</p>'
        )
    parts.append(f"<p>{markup.link(job_url.rsplit('/', 1)[0], 'All your jobs')}</p>")
    return markup.page(
        f"Job {markup.text(top, 'jobId')}",
        "".join(parts),
        url=url,
        home_url=home_url,
        document="the UWS job",
    )
