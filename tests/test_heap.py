"""heap.retained: glibc's malloc keeps freed blocks while reconciling, and is set back after."""

from __future__ import annotations

import platform
import threading

import pytest

from estimates import heap


class _FakeLibc:
    """Records the mallopt and malloc_trim calls made on it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []

    def mallopt(self, parameter: int, value: int) -> int:
        self.calls.append(("mallopt", parameter, value))
        return 1

    def malloc_trim(self, pad: int) -> int:
        self.calls.append(("malloc_trim", pad, 0))
        return 1


@pytest.fixture
def libc(monkeypatch: pytest.MonkeyPatch) -> _FakeLibc:
    fake = _FakeLibc()
    monkeypatch.setattr(heap, "_LIBC", fake)
    return fake


def test_retained_sets_the_policy_and_sets_glibcs_own_thresholds_back(libc: _FakeLibc) -> None:
    with heap.retained():
        assert libc.calls == [("mallopt", p, v) for p, v in heap._WHILE.items()]
    assert libc.calls[len(heap._WHILE):] == [("mallopt", p, v) for p, v in heap._AFTER.items()] \
        + [("malloc_trim", 0, 0)]
    assert heap._WHILE[heap._MMAP_THRESHOLD] > heap._AFTER[heap._MMAP_THRESHOLD]


def test_release_trims_the_heap_and_empties_arrows_pool_of_unused_buffers(
    libc: _FakeLibc, monkeypatch: pytest.MonkeyPatch
) -> None:
    released: list[bool] = []

    class _Pool:
        def release_unused(self) -> None:
            released.append(True)

    monkeypatch.setattr(heap.pa, "default_memory_pool", _Pool)
    heap.release()
    assert released == [True] and libc.calls == [("malloc_trim", 0, 0)]


def test_a_block_that_does_not_give_back_sets_the_thresholds_back_without_trimming(
    libc: _FakeLibc
) -> None:
    with heap.retained(give_back=False), heap.retained():  # the inner one does not trim
        pass
    assert libc.calls == [("mallopt", p, v) for p, v in heap._WHILE.items()] \
        + [("mallopt", p, v) for p, v in heap._AFTER.items()]


def test_nested_blocks_set_the_policy_back_once_the_outermost_ends(libc: _FakeLibc) -> None:
    with heap.retained():
        with heap.retained():
            pass
        assert len(libc.calls) == len(heap._WHILE)
    assert libc.calls[-1] == ("malloc_trim", 0, 0)
    assert len(libc.calls) == len(heap._WHILE) + len(heap._AFTER) + 1


def test_settings_are_set_back_when_the_block_raises(libc: _FakeLibc) -> None:
    with pytest.raises(RuntimeError), heap.retained():
        raise RuntimeError("boom")
    assert libc.calls[-1] == ("malloc_trim", 0, 0)
    assert heap._depth == 0


def test_users_own_malloc_settings_turn_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_TOP_PAD_", "0")
    assert heap._glibc() is None


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="glibc's malloc is only on Linux with glibc")
def test_glibc_is_found_on_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in heap._USER_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    assert heap._glibc() is not None


def test_blocks_in_two_threads_set_the_policy_back_when_the_last_ends(libc: _FakeLibc) -> None:
    entered, release = threading.Event(), threading.Event()

    def other() -> None:
        with heap.retained():
            entered.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    with heap.retained():
        thread.start()
        assert entered.wait(5)
    assert ("malloc_trim", 0, 0) not in libc.calls  # the other thread's block is still open
    release.set()
    thread.join(5)
    assert libc.calls.count(("malloc_trim", 0, 0)) == 1 and heap._depth == 0
