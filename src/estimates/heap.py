"""Keeping freed memory in the process while `reconcile` works on large arrays (glibc).

glibc's ``malloc`` gives every block above its mapping threshold (128 KiB, rising to at most
32 MiB once such blocks are freed) a fresh mapping of its own and hands it back to the kernel
when freed, so every new array of that size has its pages zeroed by the kernel again on first
touch. Reconciling 10 million claims makes hundreds of arrays of 10 to 80 MB and spent 7 to 11
of its 32 seconds in the kernel that way. While `retained` is active (in `read_claims` and
`reconcile`, and around the whole of ``estimates reconcile``), blocks up to 1 GiB come from
the heap and freed ones stay there for the next; afterwards the thresholds glibc settles on
by itself are set (32 MiB to map a block, 64 MiB of free heap top to trim). `read_claims`
then hands the free heap, and the buffers Arrow's pool keeps, back to the system
(`release`): reading leaves much garbage. `reconcile` leaves its freed working memory in the
heap (a second saved at 10 million claims), where its next call, or any block below 32 MiB,
finds it; call `release` to hand it back. Where the C library is not glibc, or where the
user tunes ``malloc`` through ``MALLOC_*_`` or ``GLIBC_TUNABLES``, `retained` does nothing.

>>> with retained():
...     total = sum(range(10))
>>> total
45
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa

__all__ = ["arrow_pool", "release", "retained"]

_TRIM_THRESHOLD, _TOP_PAD, _MMAP_THRESHOLD = -1, -2, -3  # mallopt parameters (malloc.h)
_WHILE = {_MMAP_THRESHOLD: 1 << 30, _TRIM_THRESHOLD: 1 << 40, _TOP_PAD: 1 << 30}
_AFTER = {_MMAP_THRESHOLD: 32 << 20, _TRIM_THRESHOLD: 64 << 20, _TOP_PAD: 128 << 10}
_USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_",
                  "GLIBC_TUNABLES")
_depth = 0  # blocks open, across threads
_lock = threading.Lock()


def _glibc() -> Any:
    """The process's C library when it is glibc and left to its defaults, else None."""
    if any(name in os.environ for name in _USER_SETTINGS):
        return None
    try:
        libc = ctypes.CDLL(None)
    except (OSError, TypeError):
        return None
    glibc = all(hasattr(libc, name) for name in ("gnu_get_libc_version", "mallopt", "malloc_trim"))
    return libc if glibc else None


_LIBC = _glibc()


@contextmanager
def retained(*, give_back: bool = True) -> Iterator[None]:
    """Keep freed blocks in the heap for reuse during the block (nested, or in several threads:
    from the first block opened until the last one ends); then `release` them unless the
    last block to end says ``give_back=False``: handing gigabytes back costs the kernel about
    a second per 2 GB, which a caller that exits, or soon reconciles again, need not pay."""
    global _depth
    if _LIBC is None:
        yield
        return
    with _lock:
        _depth += 1
        if _depth == 1:
            _set(_WHILE)
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _set(_AFTER)
                if give_back:
                    release()


def arrow_pool() -> pa.MemoryPool:
    """The Arrow memory pool for buffers made inside `retained`: glibc's malloc, whose freed
    blocks `retained` keeps for reuse, where glibc is tuned; else Arrow's default. (Arrow's
    default, mimalloc, maps each large buffer afresh and unmaps it when freed, so the kernel
    zeroes its pages each time: 2-3 s at 10 million claims.)

    >>> arrow_pool().backend_name in ("system", pa.default_memory_pool().backend_name)
    True
    """
    return pa.system_memory_pool() if _LIBC is not None else pa.default_memory_pool()


def release() -> None:
    """Give freed memory back to the system now: glibc's free heap pages and what Arrow's
    memory pool holds unused (Arrow keeps freed buffers for reuse, as glibc does in `retained`)."""
    pa.default_memory_pool().release_unused()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _set(settings: dict[int, int]) -> None:
    for parameter, value in settings.items():
        _LIBC.mallopt(parameter, value)
