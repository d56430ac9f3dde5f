"""glibc's mmap threshold is fixed by the serving processes (see app/memory.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.memory import fix_mmap_threshold

_PROBE = "from app.memory import fix_mmap_threshold; print(fix_mmap_threshold())"


def _run_probe(env: dict[str, str]) -> str:
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env, check=True
    )
    return completed.stdout.strip()


def test_the_threshold_is_fixed_on_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    assert fix_mmap_threshold() is True  # this machine's C library is glibc


def test_a_threshold_from_the_environment_is_kept() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_MMAP_THRESHOLD_"}
    assert _run_probe(env) == "True"
    assert _run_probe({**env, "MALLOC_MMAP_THRESHOLD_": "65536"}) == "False"
