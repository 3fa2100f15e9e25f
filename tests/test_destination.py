"""Outputs never lose the user's files: devices streamed into, folders swapped whole, inputs
never overwritten, every failure an OutputError (issue 16)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from estimates.cli import _Stopped, _stopped_by_signals
from estimates.destination import fill_folder, refuse_inputs, write_file, write_folder
from estimates.errors import OutputError, UsageError


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_fifo_is_streamed_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_file(fifo, lambda handle: handle.write("streamed\n"))
    reader.join(5)
    assert received == ["streamed\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_link_to_a_device_stays_a_link_and_the_device_a_device(tmp_path: Path) -> None:
    link = tmp_path / "null"
    link.symlink_to(os.devnull)
    write_file(link, lambda handle: handle.write("gone\n"))
    assert link.is_symlink() and stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_link_to_a_file_keeps_linking_and_its_target_gets_the_text(tmp_path: Path) -> None:
    target, link = tmp_path / "real.txt", tmp_path / "link.txt"
    target.write_text("old")
    link.symlink_to(target)
    write_file(link, lambda handle: handle.write("new"))
    assert link.is_symlink() and target.read_text() == "new"


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")

    def fail(handle: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_file(target, fail)
    assert target.read_text() == "old" and _leftovers(tmp_path) == []


@pytest.mark.parametrize(("name", "problem"), [
    ("missing/out.txt", "does not exist"), ("folder", "is a folder")])
def test_unwritable_targets_are_output_errors_naming_the_path(tmp_path: Path, name: str,
                                                              problem: str) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(OutputError, match=problem) as caught:
        write_file(tmp_path / name, lambda handle: handle.write("x"))
    assert str(tmp_path / name) in str(caught.value)
    assert _leftovers(tmp_path / "folder") == []


def test_an_interrupted_folder_keeps_its_old_tables_all_three(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    write_folder(out, {n: (lambda h, n=n: h.write(f"old {n}")) for n in ("a.csv", "b.csv", "c.csv")})

    def interrupted(handle: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_folder(out, {"a.csv": lambda h: h.write("new a"), "b.csv": interrupted,
                           "c.csv": lambda h: h.write("new c")})
    assert {p.name: p.read_text() for p in out.iterdir()} == {
        "a.csv": "old a.csv", "b.csv": "old b.csv", "c.csv": "old c.csv"}
    assert _leftovers(tmp_path) == []
    write_folder(out, {n: (lambda h, n=n: h.write(f"new {n}")) for n in ("a.csv", "b.csv", "c.csv")})
    assert sorted(p.read_text() for p in out.iterdir()) == ["new a.csv", "new b.csv", "new c.csv"]
    assert _leftovers(tmp_path) == []


def test_a_folder_holding_other_files_is_refused_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="holds other files"):
        write_folder(tmp_path, {"a.csv": lambda h: h.write("x")})
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_filled_folder_of_part_folders_replaces_the_earlier_output_whole(tmp_path: Path) -> None:
    """The Dask engine's output: tables as folders of part files, written by one function."""
    out = tmp_path / "results"

    def tables(names: tuple[str, ...]) -> Callable[[Path], None]:
        def fill(fresh: Path) -> None:
            for name in names:
                (fresh / name).mkdir()
                (fresh / name / "part.0.parquet").write_text(name)
        return fill

    fill_folder(out, tables(("ranges.parquet", "revisions.parquet")), ["ranges.parquet", "revisions.parquet"])
    fill_folder(out, tables(("ranges.parquet",)), ["ranges.parquet", "revisions.parquet"])
    assert [p.name for p in out.iterdir()] == ["ranges.parquet"]  # never merged with the old tables
    assert _leftovers(tmp_path) == []


def test_an_interrupted_fill_keeps_the_old_folder_and_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "results"
    fill_folder(out, lambda fresh: (fresh / "a.parquet").write_text("old"), ["a.parquet"])

    def interrupted(fresh: Path) -> None:
        (fresh / "a.parquet").write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fill_folder(out, interrupted, ["a.parquet"])
    assert (out / "a.parquet").read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_an_input_reached_by_another_path_is_never_an_output(tmp_path: Path) -> None:
    source = tmp_path / "claims.csv"
    source.write_text("id\n")
    (tmp_path / "alias.csv").symlink_to(source)
    os.link(source, tmp_path / "hard.csv")
    for output in ("alias.csv", "hard.csv", "./claims.csv"):
        with pytest.raises(UsageError, match="would overwrite the input"):
            refuse_inputs([tmp_path / output], [source])


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_stop_a_write_and_clean_up_like_ctrl_c(tmp_path: Path, signum: int) -> None:
    target = tmp_path / "out.txt"

    def killed(handle: object) -> None:
        os.kill(os.getpid(), signum)

    before = signal.getsignal(signum)
    with pytest.raises(_Stopped), _stopped_by_signals():
        write_file(target, killed)
    assert not target.exists() and _leftovers(tmp_path) == []
    assert signal.getsignal(signum) is before


def test_a_link_to_dev_stdout_streams_into_what_stdout_is(tmp_path: Path) -> None:
    captured = tmp_path / "captured.txt"
    link = tmp_path / "out"
    link.symlink_to("/dev/stdout")
    script = ("import sys; from estimates.destination import write_file; "
              f"write_file({str(link)!r}, lambda h: h.write('streamed'))")
    with open(captured, "w") as stdout:
        subprocess.run([sys.executable, "-c", script], stdout=stdout, check=True)
    assert captured.read_text() == "streamed" and link.is_symlink()
    assert _leftovers(tmp_path) == []


def test_a_stop_between_the_renames_of_a_folder_waits_until_the_new_one_is_in_issue_16(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C (or SIGTERM) just after the old tables went aside: the new ones still take
    their place before the stop is felt, so the folder is never missing nor left aside."""
    from estimates import destination

    out = tmp_path / "tables"
    write_folder(out, {"a.csv": lambda h: h.write("old\n")})
    rename = os.rename
    calls = []

    def rename_then_stop(source: object, target: object) -> None:
        rename(source, target)  # type: ignore[arg-type]
        calls.append(target)
        if len(calls) == 1:  # the old folder is aside, the new one not yet in
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(destination.os, "rename", rename_then_stop)
    done = threading.Event()  # another thread, as a reader's pool: the kernel may pick it
    waiting = threading.Thread(target=done.wait)
    waiting.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            write_folder(out, {"a.csv": lambda h: h.write("new\n")})
    finally:
        done.set()
        waiting.join()
    assert (out / "a.csv").read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tables"]
