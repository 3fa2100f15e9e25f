"""Kernels run as plain Python for small calls and compiled for large ones, with equal results
(issue 16: the first run of a small job compiles nothing)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
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
