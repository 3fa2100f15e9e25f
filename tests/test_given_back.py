"""numpy's arrays made in a library call come from memory that goes back to the system (issue 16)."""

from __future__ import annotations

import gc
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import estimates
from estimates._given_back import (
    KEPT_UP_TO,
    MAPPED_FROM,
    _compiled,
    allocator_name,
    given_back,
    mapped_bytes,
)

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
import generate

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="given_back maps memory on Linux only")
OURS = "estimates_given_back"
LARGE = MAPPED_FROM // 8 * 4  # float64 items: four times the size that gets a mapping


def test_the_allocator_compiles_here() -> None:
    assert _compiled() is not None


def test_arrays_made_in_a_block_use_it_and_the_code_after_the_block_does_not() -> None:
    before = np._core.multiarray.get_handler_name()
    with given_back():
        inside = np.ones(LARGE)
        small = np.ones(3)
    after = np.ones(LARGE)
    assert allocator_name(inside) == allocator_name(small) == OURS
    assert allocator_name(after) == before == np._core.multiarray.get_handler_name()


def test_the_allocator_is_put_back_when_the_block_raises() -> None:
    before = np._core.multiarray.get_handler_name()
    with pytest.raises(ValueError), given_back():
        int("not a number")
    assert np._core.multiarray.get_handler_name() == before


def test_another_thread_keeps_numpys_allocator_while_a_block_runs() -> None:
    names: list[str] = []
    started, finish = threading.Event(), threading.Event()

    def other() -> None:
        started.wait()
        names.append(allocator_name(np.ones(LARGE)))
        finish.set()

    thread = threading.Thread(target=other)
    thread.start()
    with given_back():
        started.set()
        finish.wait(10)
    thread.join()
    assert names == ["default_allocator"]


def test_a_large_array_freed_after_the_block_gives_its_memory_back_at_once() -> None:
    start = mapped_bytes()
    with given_back():
        kept = np.ones(LARGE)
    assert mapped_bytes() >= start + kept.nbytes
    del kept
    assert mapped_bytes() == start


def test_freed_memory_is_reused_while_the_block_runs_and_given_back_when_it_ends() -> None:
    start = mapped_bytes()
    with given_back():
        first = np.ones(LARGE)
        address = first.ctypes.data
        del first
        held = mapped_bytes()
        second = np.zeros(LARGE)  # the same memory again, zeroed as asked
        assert second.ctypes.data == address
        assert not second.any()
        assert mapped_bytes() == held
        del second
    assert mapped_bytes() == start


def test_an_array_above_the_kept_size_is_given_back_at_once_even_in_a_block() -> None:
    start = mapped_bytes()
    with given_back():
        huge = np.ones(KEPT_UP_TO // 8 + 1024)
        del huge
        assert mapped_bytes() == start


sizes = st.integers(min_value=0, max_value=3 * MAPPED_FROM // 8)


@settings(max_examples=60, deadline=None)
@given(st.lists(sizes, min_size=1, max_size=6), st.booleans())
def test_resizing_keeps_the_items_across_the_mapped_size_either_way(steps: list[int],
                                                                     in_block: bool) -> None:
    with given_back():
        array = np.arange(steps[0], dtype=np.float64)
    model = array.copy()
    for size in steps[1:]:
        if in_block:
            with given_back():
                array.resize(size, refcheck=False)
        else:
            array.resize(size, refcheck=False)
        model = np.concatenate([model[:size], np.zeros(max(size - model.size, 0))])
        assert np.array_equal(array, model)
    del array
    gc.collect()


def test_blocks_in_several_threads_at_once_compute_right_and_give_everything_back() -> None:
    start = mapped_bytes()
    results: list[float] = []

    def work(seed: int) -> None:
        for round_ in range(20):
            with given_back():
                values = np.full(LARGE + 1000 * round_, float(seed))
                with given_back():  # blocks nest
                    doubled = values * 2
                results.append(float(doubled.sum() - 2 * values.sum()))

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [0.0] * 80
    assert mapped_bytes() == start


def test_reconciling_gives_back_every_mapping_once_the_result_is_dropped() -> None:
    # a notebook's session: 60,000 claims read and reconciled, then the result let go
    frame = generate.generate_claims(60_000, 6_000, seed=3).astype(str)
    start = mapped_bytes()
    claims = estimates.read_claims(frame)
    result = estimates.reconcile(claims)
    assert mapped_bytes() > start  # its large columns live in mappings of their own
    assert allocator_name(result.claims["low"].to_numpy()) == OURS
    assert np._core.multiarray.get_handler_name() == "default_allocator"
    del frame, claims, result
    gc.collect()
    assert mapped_bytes() == start
