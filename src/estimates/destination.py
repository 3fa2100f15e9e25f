"""Where outputs go: the user's files are never lost, half written or mixed.

- A regular file is written to a temporary file beside it and renamed over it, so it holds
  the old text or the new, never part of one; the temporary file is removed on any error or
  interruption. A symbolic link to a regular file keeps being a link: its target is replaced.
- A device, a fifo, a socket, a terminal, or anything under ``/dev`` or ``/proc`` (such as
  ``/dev/stdout`` and the ``/dev/fd/N`` of a shell's ``>(...)``) is streamed into: it is
  opened and written, never renamed over.
- A folder of tables is written whole beside its target and swapped in by renaming, so the
  folder holds the old tables or the new ones, never a mix. A folder that holds anything
  besides the tables being written is refused rather than replaced. This is the one way a
  folder is written: `write_folder` for files written by writers, `fill_folder` for a writer
  of the folder itself (the Dask engine's tables of part files).
- No file that a command writes may be one of its inputs (compared as files, so a link or a
  second path to an input counts), not only the path given.

Every failure to write is an `OutputError` naming the path and the reason.

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_file(folder / "out.txt", lambda handle: handle.write("done\\n"))
>>> (folder / "out.txt").read_text()
'done\\n'
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from estimates.errors import OutputError, UsageError

__all__ = ["fill_folder", "refuse_inputs", "write_file", "write_folder"]

Writer = Callable[[IO[Any]], object]


def _streamed(path: Path) -> bool:
    """True for a target written in place: anything but a regular file or a folder, or a
    path under /dev or /proc (whose entries stand for something else)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise OutputError(path, error) from None
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return True
    for hop in _hops(path):  # a link to /dev/stdout counts as /dev/stdout
        if Path(os.path.realpath(hop.parent)).parts[:2] in (("/", "dev"), ("/", "proc")):
            return True
    return False


def _hops(path: Path) -> list[Path]:
    """`path` and each path its chain of symbolic links leads to (at most 40)."""
    hops = [Path(os.path.abspath(path))]
    while hops[-1].is_symlink() and len(hops) <= 40:
        hops.append(Path(os.path.abspath(hops[-1].parent / os.readlink(hops[-1]))))
    return hops


def _open_failure(path: Path, error: OSError) -> OutputError:
    if isinstance(error, IsADirectoryError) or path.is_dir():
        return OutputError(path, "is a folder; give a file name")
    if not path.parent.exists():
        return OutputError(path, f"its folder {path.parent} does not exist")
    return OutputError(path, error)


def write_file(path: str | os.PathLike[str], write: Writer, *, binary: bool = False) -> None:
    """Write a text file (UTF-8; bytes with `binary`) through `write(handle)`: all of it or
    nothing (streamed into a device or fifo); raise `OutputError` when it cannot be written."""
    path = Path(path)
    if _streamed(path):
        try:
            with (open(path, "wb") if binary else
                  open(path, "w", encoding="utf-8", newline="")) as handle:
                write(handle)
        except OSError as error:
            raise _open_failure(path, error) from None
        return
    target = Path(os.path.realpath(path))  # a link to a file stays a link
    if target.is_dir():
        raise OutputError(path, "is a folder; give a file name")
    _replace(target, write, path, binary)


def _replace(target: Path, write: Writer, shown: Path, binary: bool = False) -> None:
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, kept on success)
            "wb" if binary else "w", encoding=None if binary else "utf-8",
            newline=None if binary else "", dir=target.parent, prefix=f".{target.name}.",
            suffix=".tmp", delete=False)
    except OSError as error:
        raise _open_failure(shown, error) from None
    temporary = Path(handle.name)
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise OutputError(shown, error) from None
    except BaseException:  # an interruption or a bug: no temporary file stays behind
        temporary.unlink(missing_ok=True)
        raise


def _mode_for(target: Path) -> int:
    """The permissions of the file being replaced, else those a new file gets (umask)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    try:  # Linux says it without changing it
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


def write_folder(path: str | os.PathLike[str], tables: Mapping[str, Writer], binary: bool = False,
                 ) -> None:
    """Write the files `tables` (name to writer, of bytes when `binary`) as the folder `path`,
    all or nothing (`fill_folder`).

    >>> import pathlib, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "tables"
    >>> write_folder(out, {"a.csv": lambda h: h.write("x\\n"), "b.csv": lambda h: h.write("y\\n")})
    >>> sorted(p.name for p in out.iterdir())
    ['a.csv', 'b.csv']
    """
    shown = Path(path)

    def fill(fresh: Path) -> None:
        for name, write in tables.items():
            _replace(fresh / name, write, shown / name, binary)

    fill_folder(path, fill, tables)


def fill_folder(path: str | os.PathLike[str], fill: Callable[[Path], object], names: Collection[str],
                ) -> None:
    """Make the folder `path` through `fill(fresh)`, all or nothing: `fill` writes into a
    fresh hidden folder beside `path`, which then takes its place. A folder already there is
    replaced whole (never merged with), and only when it holds nothing but entries `names`
    (an earlier output); on any error or interruption it stays as it was, and the fresh
    folder is removed.

    >>> import pathlib, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "tables"
    >>> fill_folder(out, lambda fresh: (fresh / "a.txt").write_text("done"), ["a.txt"])
    >>> sorted(p.name for p in out.iterdir())
    ['a.txt']
    """
    folder = Path(path)
    if folder.exists() or folder.is_symlink():
        if not folder.is_dir():
            raise OutputError(folder, "is a file; this output is a folder of tables: give a "
                              "folder name")
        others = sorted(p.name for p in folder.iterdir() if p.name not in names)
        if others:
            raise OutputError(folder, f"holds other files ({', '.join(others[:3])}"
                              f"{', ...' if len(others) > 3 else ''}); give a new or empty folder")
        folder = Path(os.path.realpath(folder))
    parent = folder.parent
    if not parent.is_dir():
        raise OutputError(folder, f"its folder {parent} does not exist")
    try:
        fresh = Path(tempfile.mkdtemp(dir=parent, prefix=f".{folder.name}.", suffix=".tmp"))
    except OSError as error:
        raise OutputError(folder, error) from None
    try:
        os.chmod(fresh, 0o777 & ~_umask())  # a temporary folder is private; the output is not
        fill(fresh)
        _swap_in(fresh, folder)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP wait until the block ends (between two renames a stop
    would leave no folder, or an old one aside): each is noted, and given to the handler
    before once that is back. Python runs signal handlers in the main thread only, and the
    kernel may hand a signal to any thread, so they are held by handler, not by mask."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple[int, Any]] = []
    wanted = [s for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP) if signal.getsignal(s) is not None]
    before = {s: signal.signal(s, lambda signum, frame: caught.append((signum, frame))) for s in wanted}
    try:
        yield
    finally:
        for held, handler in before.items():
            signal.signal(held, handler)
        for number, frame in caught:
            handler = before[signal.Signals(number)]
            if callable(handler):
                handler(number, frame)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(number)


def _swap_in(fresh: Path, folder: Path) -> None:
    """Rename `fresh` to `folder`; an old `folder` goes aside first and is then removed
    (signals held meanwhile: the folder is the old one or the new one when a stop comes)."""
    with _signals_held():
        _swap(fresh, folder)


def _swap(fresh: Path, folder: Path) -> None:
    try:
        if not folder.exists():
            os.rename(fresh, folder)
            return
        old = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".old"))
        os.rename(folder, old / "tables")
        try:
            os.rename(fresh, folder)
        except BaseException:
            os.rename(old / "tables", folder)  # put the old tables back
            raise
        shutil.rmtree(old, ignore_errors=True)
    except OSError as error:
        raise OutputError(folder, error) from None


def refuse_inputs(outputs: Iterable[str | os.PathLike[str]],
                  inputs: Iterable[str | os.PathLike[str] | None]) -> None:
    """Raise `UsageError` when any of the files `outputs` is one of `inputs`.

    >>> refuse_inputs(["claims.csv"], ["claims.csv"])
    Traceback (most recent call last):
    ...
    estimates.errors.UsageError: claims.csv would overwrite the input claims.csv; refusing to overwrite it
    """
    given = [Path(p) for p in inputs if p]
    for output in map(Path, outputs):
        for source in given:
            if _same_file(output, source):
                raise UsageError(f"{output} would overwrite the input {source}; refusing to overwrite it")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return os.path.realpath(a) == os.path.realpath(b)
