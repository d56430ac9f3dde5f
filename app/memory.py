"""Giving memory the process no longer uses back to the system (glibc's allocator).

glibc serves an allocation over its mmap threshold with a mapping of its own, unmapped when
freed, and smaller ones from heaps that shrink only from the top. The threshold rises to the
size of every mapped block freed (up to 32 MiB), so after a demo image has been made (full
planes of 62 MiB, blocks of 8 MiB, a 16 MiB mask), the next one's temporaries come from the
heaps, and what is freed there stays resident between live blocks. Measured with
`bench/datalink_bench.py`: the server's peak grew by about 210 MiB while making and serving
files. Trimming the heaps after each file brings that down without changing the threshold
(fixing it at 4 MiB did as well on memory, but every cutout then paid for fresh mappings:
a 1000 x 1000 cutout took twice as long).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import Any

__all__ = ["release_free_memory"]


def _malloc_trim() -> Any:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    trim.argtypes = (ctypes.c_size_t,)
    trim.restype = ctypes.c_int
    return trim


_TRIM = _malloc_trim()


def release_free_memory() -> bool:
    """Return the free pages of every heap to the system; False where the C library
    cannot (not glibc) or there was nothing to return."""
    return _TRIM is not None and bool(_TRIM(0))
