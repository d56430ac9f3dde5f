"""STILTS taplint, the IVOA's TAP validator, against a real server on each backend.

Every stage runs (sync and async queries, UWS, uploads, ObsCore, examples); zero errors,
and every warning it reports must be explained, by its code, in docs/conformance.md.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from tests.support.server import ServerProcess

CONFORMANCE = Path(__file__).parents[2] / "docs" / "conformance.md"
STAGES = ("TMV", "TME", "TMS", "TMC", "CPV", "CAP", "AVV", "QGE", "QPO", "QAS", "UWS", "MDQ")
STAGES_TOO = ("OBS", "UPL", "EXA")
_REPORT = re.compile(r"^([EWS])-([A-Z]{3}-[A-Z0-9]{4})-\d+\s+(.*)$")


def _run_taplint(url: str, log: Path) -> list[tuple[str, str, str]]:
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
    assert "Totals:" in completed.stdout, completed.stdout[-3000:] + completed.stderr[-3000:]
    for stage in STAGES + STAGES_TOO:
        assert f"Section {stage}:" in completed.stdout, f"taplint did not run stage {stage}"
    reports = []
    for line in completed.stdout.splitlines():
        match = _REPORT.match(line)
        if match:
            reports.append((match.group(1), match.group(2), match.group(3)))
    return reports


def test_taplint_finds_no_errors(tap_server: ServerProcess, tmp_path: Path) -> None:
    log = tmp_path / "taplint.txt"
    reports = _run_taplint(tap_server.tap_url, log)
    errors = [f"{code} {text}" for level, code, text in reports if level == "E"]
    assert not errors, "\n".join(errors) + f"\n(full report: {log})"
    explained = CONFORMANCE.read_text()
    unexplained = sorted(
        {
            f"{code}: {text}"
            for level, code, text in reports
            if level == "W" and code not in explained
        }
    )
    assert not unexplained, "warnings not explained in docs/conformance.md:\n" + "\n".join(
        unexplained
    )
