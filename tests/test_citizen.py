"""A library call leaves the user's process as it found it (issue 16)."""

from __future__ import annotations

import ctypes
import gc
import os
import subprocess
import sys
from collections.abc import Callable

import pytest

import estimates
from estimates._given_back import _LIBC


def test_reading_and_reconciling_touch_neither_the_allocator_nor_the_collector_nor_stdout(
        monkeypatch: pytest.MonkeyPatch) -> None:
    callers: list[str] = []

    def watched(function: Callable[..., object]) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            callers.append(sys._getframe(1).f_globals.get("__name__", ""))
            return function(*args, **kwargs)
        return call

    for module, name in ((gc, "disable"), (os, "dup2"), (ctypes, "CDLL")):
        monkeypatch.setattr(module, name, watched(getattr(module, name)))
    claims = estimates.read_claims("data/estimates.csv")
    result = estimates.reconcile(claims, estimates.read_relations("data/relations.txt"))
    monkeypatch.undo()
    assert len(result.claims) == len(claims)
    assert gc.isenabled()
    # the C library is opened only for the addresses of its memory functions (given_back's
    # allocator, compiled once per process): no mallopt, no malloc_trim
    assert not [caller for caller in callers
                if caller.startswith("estimates") and caller != "estimates._given_back"]
    assert set(_LIBC) <= {"mmap", "munmap", "mremap", "madvise", "malloc", "calloc", "realloc",
                          "free", "pthread_mutex_lock", "pthread_mutex_unlock"}


def _modules_after(code: str) -> set[str]:
    run = subprocess.run([sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True)
    return set(run.stdout.split()[-1:] and run.stdout.splitlines()[-1].split())


@pytest.mark.parametrize("argv", [["--version"], ["parse", "over 10,000 troops"]])
def test_version_and_parse_load_neither_pandas_nor_the_solvers(argv: list[str]) -> None:
    code = f"from estimates.cli import main\ntry:\n    main({argv!r})\nexcept SystemExit:\n    pass"
    loaded = _modules_after(code)
    assert not loaded & {"pandas", "highspy", "scipy.optimize", "numba", "matplotlib"}


def test_importing_the_package_loads_no_pandas_and_its_names_still_work() -> None:
    loaded = _modules_after("import estimates\nestimates.Interval(1, 2)")
    assert "pandas" not in loaded
    assert callable(estimates.reconcile) and callable(estimates.parse)


def test_the_accessor_is_registered_when_pandas_came_first() -> None:
    loaded = _modules_after("import pandas as pd, estimates\n"
                            "assert hasattr(pd.DataFrame(), 'estimates')")
    assert "estimates.accessor" in loaded
