"""A library call leaves the user's process as it found it (issue 16)."""

from __future__ import annotations

import ctypes
import gc
import os
import subprocess
import sys

import pytest

import estimates


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("estimates changed the process")


def test_reading_and_reconciling_touch_neither_the_allocator_nor_the_collector_nor_stdout(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gc, "disable", _refuse)
    monkeypatch.setattr(os, "dup2", _refuse)
    monkeypatch.setattr(ctypes, "CDLL", _refuse)
    claims = estimates.read_claims("data/estimates.csv")
    result = estimates.reconcile(claims, estimates.read_relations("data/relations.txt"))
    assert len(result.claims) == len(claims)
    assert gc.isenabled()


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
