"""Freed heap memory goes back to the system after a demo file is made (app/memory.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.memory import release_free_memory


def _resident_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_freed_heap_pages_are_returned() -> None:
    # Many small blocks (heap, below any mmap threshold) with every other one kept: the
    # freed half cannot shrink the heap from its top, so it stays resident until trimmed.
    blocks = [np.ones(16_000, dtype=np.float64) for _ in range(3_000)]  # 125 KB each
    del blocks[::2]  # 180 MiB freed
    before = _resident_kib()
    assert release_free_memory() is True  # glibc here: there was something to return
    after = _resident_kib()
    assert before - after > 100 * 1024, (before, after)
    del blocks
