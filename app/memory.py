"""Keeping the process's resident memory near what it uses (glibc's allocator).

glibc serves an allocation over ``M_MMAP_THRESHOLD`` with its own mapping, returned to the
system when freed, and smaller ones from heaps that rarely shrink. The threshold starts at
128 KiB and, unless it is set, rises to the size of every mapped block freed, up to 32 MiB.
After one demo image has been made (blocks of 8 MiB, a 16 MiB mask), its temporaries land
in the heaps, where fragments of them stay resident: measured with `bench/datalink_bench.py`,
the server's peak grew by about 210 MiB with the dynamic threshold and by 116 MiB with it
fixed at 4 MiB; the price is a few tenths of a second on the first download of a file that
is made on the spot. A threshold given in the environment (``MALLOC_MMAP_THRESHOLD_``)
is left as it is.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

__all__ = ["MMAP_THRESHOLD", "fix_mmap_threshold"]

MMAP_THRESHOLD = 4 << 20
"""Allocations of this many bytes or more get their own mapping."""

_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)


def fix_mmap_threshold(threshold: int = MMAP_THRESHOLD) -> bool:
    """Fix glibc's mmap threshold at ``threshold`` bytes; False where that is not possible
    (another C library) or the environment already chose one."""
    if "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, threshold))
