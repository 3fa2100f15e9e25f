"""Loops that numba compiles only where compiling pays; plain Python everywhere else.

numba compiles a loop on its first call: seconds per kernel (16 s and 0.9 GB for all of
them on the 27 seed claims), then keeps the machine code in a disk cache. A small job pays
that for nothing. A kernel made with `njit` here runs as plain Python (the same function, no
numba import) when a call's arrays hold fewer than `COMPILE_FROM` items, and compiled (with
numba's disk cache, where numba finds a folder it can write: beside the module, else in the
user's cache folder; else for the process alone) from that size on, or as soon as this process
has compiled it once. A kernel called from another kernel runs as its caller does: the choice
is made once, at the outermost call. Kernels of one module are compiled together, so that they call each other
as machine code; `intrinsic` gives LLVM code to compiled kernels and a Python twin to plain
ones.

>>> import numpy as np
>>> @njit(cache=False)
... def total(values):
...     result = 0.0
...     for value in values:
...         result += value
...     return result
>>> float(total(np.arange(4.0)))  # four items: plain Python, nothing compiled
6.0
>>> total.compiled is None
True
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

__all__ = ["COMPILE_FROM", "Intrinsic", "Kernel", "forced", "intrinsic", "njit"]

#: Calls whose arrays hold this many items or more run compiled: below it, plain Python takes
#: less time than compiling (measured in benchmarks/bench_kernels.py).
COMPILE_FROM = 50_000

_forced: bool | None = None  # tests: True compiles every call, False runs every call in Python


@contextmanager
def forced(compiled: bool) -> Iterator[None]:
    """Run every kernel compiled (True) or in plain Python (False) during the block (tests)."""
    global _forced
    before, _forced = _forced, compiled
    try:
        yield
    finally:
        _forced = before


class Kernel:
    """A function numba compiles for large calls; plain Python for small ones."""

    def __init__(self, function: Callable[..., Any], options: dict[str, Any]) -> None:
        self.function = function
        self.options = options
        self.compiled: Callable[..., Any] | None = None
        self.plain: Callable[..., Any] | None = None
        self.__doc__ = function.__doc__
        self.__name__ = function.__name__
        self.__qualname__ = function.__qualname__
        self.__module__ = function.__module__
        self.__wrapped__ = function

    def __call__(self, *args: Any) -> Any:
        if _forced is None:
            use_compiled = self.compiled is not None or _items(args) >= COMPILE_FROM
        else:
            use_compiled = _forced
        if use_compiled:
            return (self.compiled or _compile(self))(*args)
        with np.errstate(all="ignore"):  # as compiled code: inf - inf is nan, without a warning
            return (self.plain or _plain(self))(*args)


def njit(*, cache: bool = True, inline: str = "never") -> Callable[[Callable[..., Any]], Kernel]:
    """A decorator like numba's ``njit``, compiling only where it pays (see the module)."""
    options = {"cache": cache, "inline": inline}
    return lambda function: Kernel(function, options)


class Intrinsic:
    """LLVM code for compiled kernels (numba's ``intrinsic`` of `typing`), `python` for plain ones."""

    def __init__(self, typing: Callable[..., Any], python: Callable[..., Any]) -> None:
        self.typing = typing
        self.python = python
        self.built: Any = None

    def build(self) -> Any:
        if self.built is None:
            from numba.extending import intrinsic as numba_intrinsic

            self.built = numba_intrinsic(self.typing)
        return self.built

    def __call__(self, *args: Any) -> Any:
        return self.python(*args)


def intrinsic(python: Callable[..., Any]) -> Callable[[Callable[..., Any]], Intrinsic]:
    """Declare a numba intrinsic (its typing function) with its plain Python twin."""
    return lambda typing: Intrinsic(typing, python)


def _items(args: tuple[Any, ...]) -> int:
    return max((arg.size for arg in args if isinstance(arg, np.ndarray)), default=0)


def _rebound(function: Callable[..., Any], namespace: dict[str, Any]) -> types.FunctionType:
    """`function` reading its globals from `namespace` instead of its module."""
    code = function.__code__
    copy = types.FunctionType(code, namespace, function.__name__,
                              function.__defaults__, function.__closure__)
    copy.__qualname__ = function.__qualname__
    copy.__doc__ = function.__doc__
    copy.__kwdefaults__ = function.__kwdefaults__
    return copy


def _plain(kernel: Kernel) -> Callable[..., Any]:
    """Give every kernel of `kernel`'s module its plain Python version; return `kernel`'s."""
    home = kernel.function.__globals__
    namespace = dict(home)  # filled in below
    for value in list(namespace.values()):
        if isinstance(value, Kernel) and value.function.__globals__ is home:
            value.plain = _rebound(value.function, namespace)
    for name, value in namespace.items():
        if isinstance(value, Kernel):
            namespace[name] = value.plain if value.plain is not None else value
        elif isinstance(value, Intrinsic):
            namespace[name] = value.python
    assert kernel.plain is not None
    return kernel.plain


def _compile(kernel: Kernel) -> Callable[..., Any]:
    """Give every kernel of `kernel`'s module its numba dispatcher; return `kernel`'s."""
    from numba import njit as numba_njit

    home = kernel.function.__globals__
    namespace = dict(home)  # filled in below
    for value in list(namespace.values()):
        if isinstance(value, Kernel) and value.function.__globals__ is home:
            function = _rebound(value.function, namespace)
            try:
                value.compiled = numba_njit(**value.options)(function)
            except RuntimeError:  # numba finds no folder to cache in: compiled for this process only
                value.compiled = numba_njit(**{**value.options, "cache": False})(function)
    for name, value in namespace.items():
        if isinstance(value, Kernel):
            namespace[name] = value.compiled or _compile(value)
        elif isinstance(value, Intrinsic):
            namespace[name] = value.build()
    assert kernel.compiled is not None
    return kernel.compiled
