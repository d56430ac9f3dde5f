"""STILTS taplint, the IVOA's TAP validator, against a real server started with the
defaults (no setting changed), on each backend.

Every stage runs (sync and async queries, UWS, uploads, ObsCore, examples, locators).
The test fails on any error, on any failure (``F-`` lines, and the ``Failures`` total)
but the one listed below, and on any warning not listed in ``ACCEPTED`` (each explained
in docs/conformance.md).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from tests.support.server import ServerProcess

CONFORMANCE = Path(__file__).parents[2] / "docs" / "conformance.md"
STAGES = ("TMV", "TME", "TMS", "TMC", "CPV", "CAP", "AVV", "QGE", "QPO", "QAS", "UWS", "MDQ")
STAGES_TOO = ("OBS", "UPL", "LOC", "EXA")
_REPORT = re.compile(r"^([EWSIF])-([A-Z]{3}-[A-Z0-9]{4})-\d+\s+(.*)$")
_TOTALS = re.compile(r"Totals:\s+Errors:\s*(\d+);\s*Warnings:\s*(\d+);.*Failures:\s*(\d+)")

ACCEPTED = {
    "W-CAP-CULF": "features-adql-conditional: ADQL 2.1's feature type, unknown to STILTS 3.4.7",
}
"""Warnings that may appear, by level and code; each is explained in docs/conformance.md."""
ACCEPTED_FAILURES = {
    "F-LOC-": "ivoa.obsplan",
}
"""Failures that may appear: code prefix -> text the message must hold. LOC (ObsLocTAP)
fails on a service without the ivoa.obsplan table, which an image archive does not have."""


def _run_taplint(url: str, log: Path) -> tuple[list[tuple[str, str, str]], tuple[int, ...]]:
    stilts = shutil.which("stilts")
    assert stilts is not None, (
        "stilts is not installed (scripts/install-system-deps.sh installs it)"
    )
    stages = " ".join(STAGES + STAGES_TOO)
    completed = subprocess.run(
        [stilts, "taplint", f"tapurl={url}", f"stages={stages}", "maxrepeat=20", "truncate=400"],
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    log.write_text(completed.stdout + completed.stderr)
    totals = _TOTALS.search(completed.stdout)
    assert totals is not None, completed.stdout[-3000:] + completed.stderr[-3000:]
    for stage in STAGES + STAGES_TOO:
        assert f"Section {stage}:" in completed.stdout, f"taplint did not run stage {stage}"
    reports = []
    for line in completed.stdout.splitlines():
        match = _REPORT.match(line)
        if match:
            reports.append((match.group(1), match.group(2), match.group(3)))
    return reports, tuple(int(n) for n in totals.groups())


def _accepted_failure(code: str, text: str) -> bool:
    return any(
        f"F-{code}".startswith(prefix) and needle in text
        for prefix, needle in ACCEPTED_FAILURES.items()
    )


def test_taplint_passes_a_server_with_the_defaults(
    default_server: ServerProcess, tmp_path: Path
) -> None:
    log = tmp_path / "taplint.txt"
    reports, (errors_total, _warnings_total, failures_total) = _run_taplint(
        default_server.tap_url, log
    )
    errors = [f"E-{code} {text}" for level, code, text in reports if level == "E"]
    assert not errors, "\n".join(errors) + f"\n(full report: {log})"
    assert errors_total == 0, f"taplint counted {errors_total} errors (full report: {log})"
    failures = [(code, text) for level, code, text in reports if level == "F"]
    unexpected = [f"F-{c} {t}" for c, t in failures if not _accepted_failure(c, t)]
    assert not unexpected, "\n".join(unexpected) + f"\n(full report: {log})"
    assert failures_total == len(failures), f"failures not all listed (full report: {log})"
    warnings = sorted({f"W-{code}: {text}" for level, code, text in reports if level == "W"})
    unaccepted = [w for w in warnings if w.split(":")[0] not in ACCEPTED]
    assert not unaccepted, "warnings not accepted in ACCEPTED:\n" + "\n".join(unaccepted)


def test_every_accepted_warning_is_explained() -> None:
    explained = CONFORMANCE.read_text()
    for code in ACCEPTED:
        assert f"| {code.removeprefix('W-')} |" in explained, code
