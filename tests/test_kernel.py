"""Kernels run as plain Python for small calls and compiled for large ones, with equal results
(issue 16: the first run of a small job compiles nothing)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from estimates import _kernel, _outward

_BOUNDS = st.one_of(
    st.floats(allow_nan=False),
    st.sampled_from([0.0, -0.0, 5e-324, -5e-324, 1.7976931348623157e308, 2.0**1000, 2.0**-960, 0.1]),
)


def _intervals(size: int) -> st.SearchStrategy[tuple[np.ndarray, np.ndarray]]:
    pairs = st.lists(st.tuples(_BOUNDS, _BOUNDS), min_size=size, max_size=size)
    return pairs.map(lambda ps: (np.array([min(p) for p in ps]), np.array([max(p) for p in ps])))


@given(_intervals(8), _intervals(8))
def test_plain_and_compiled_interval_rules_agree_bit_for_bit(a, b) -> None:
    for rule in (_outward.add_arrays, _outward.sub_arrays, _outward.mul_arrays, _outward.div_arrays):
        results = []
        for compiled in (False, True):
            low, high = np.empty(8), np.empty(8)
            with _kernel.forced(compiled):
                rule(a[0], a[1], b[0], b[1], low, high)
            results.append((low.view(np.int64).tolist(), high.view(np.int64).tolist()))
        assert results[0] == results[1], rule.__name__


def test_reconciling_the_seed_claims_gives_the_same_result_plain_and_compiled() -> None:
    import estimates

    claims = estimates.read_claims("data/estimates.csv")
    relations = estimates.read_relations("data/relations.txt")
    outputs = []
    for compiled in (False, True):
        with _kernel.forced(compiled):
            outputs.append(estimates.reconcile(claims, relations).to_json())
    assert outputs[0] == outputs[1]


def test_a_small_job_neither_compiles_nor_imports_numba_issue_16() -> None:
    script = ("import sys, estimates\n"
              "claims = estimates.read_claims('data/estimates.csv')\n"
              "estimates.reconcile(claims, estimates.read_relations('data/relations.txt'))\n"
              "print('numba' in sys.modules)\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
    assert run.stderr == ""


def test_a_large_call_runs_compiled() -> None:
    values = np.ones(_kernel.COMPILE_FROM)
    low, high = np.empty_like(values), np.empty_like(values)
    _outward.add_arrays(values, values, values, values, low, high)
    assert _outward.add_arrays.compiled is not None
    assert high[0] == 2.0


@_kernel.njit(cache=True)
def _total(values):
    result = 0.0
    for value in values:
        result += value
    return result


def test_a_kernel_compiles_for_the_process_where_numba_finds_no_folder_to_cache_in_issue_16(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import numba

    njit = numba.njit

    def no_cache_folder(*args: object, **options: object) -> object:
        if options.get("cache"):  # as numba says for a read-only install and user cache folder
            raise RuntimeError("cannot cache function '_total': no locator available for file")
        return njit(*args, **options)

    monkeypatch.setattr(numba, "njit", no_cache_folder)
    with _kernel.forced(True):
        assert _total(np.arange(4.0)) == 6.0
    assert _total.compiled is not None


def test_every_command_works_where_the_user_s_cache_folder_cannot_be_written_issue_16(
        tmp_path: Path) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")  # no folder can be made under it, not even by root
    environment = {**os.environ, "XDG_CACHE_HOME": str(blocked), "MPLCONFIGDIR": str(tmp_path)}
    for argv in (["parse", "over 10,000 troops"],
                 ["reconcile", "data/estimates.csv", "--relations", "data/relations.txt"]):
        run = subprocess.run([sys.executable, "-m", "estimates", *argv], capture_output=True, text=True,
                             env=environment)
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr
