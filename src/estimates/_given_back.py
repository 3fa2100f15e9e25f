"""Memory that a library call takes goes back to the system when the call is done with it.

glibc keeps what a process frees in its heap and returns only the top of it: after reading
and reconciling a million claims, some 250 MB of free memory stayed in the user's process,
pinned under a few small chunks, until the process ended (``docs/robustness.md``). The
remedies that act on the whole process (glibc's settings and its trimming of the whole
heap) are not a library's to call. `given_back` acts on the call alone. numpy's allocator
is chosen per context (a ``contextvars`` variable that numpy reads for each new array, so
the user's other threads and tasks keep theirs), and inside a `given_back` block numpy
takes its arrays from here:

- an array of `MAPPED_FROM` bytes or more gets a mapping of its own (``mmap``), which goes
  back to the system as soon as the array is freed (``munmap``); smaller ones come from
  ``malloc``, as they would anyway. Mappings from `HUGE_FROM` bytes on may use transparent
  huge pages, as numpy's own allocator lets its large arrays do;
- while a block runs, a freed mapping of up to `KEPT_UP_TO` bytes is kept (at most `SLOTS`
  of them, `KEPT_AT_MOST` bytes in all) for the next large array, as glibc's heap keeps
  what is freed: the smallest that is long enough (split when it is over twice as long, the
  rest kept on its own), else the longest, lengthened (``mremap`` moves its pages without
  copying them). Fresh memory
  costs a page fault per 4 KiB written: without this, reconciling a million claims took
  twice as long. What is kept goes back when the last block ends;
- an array keeps the allocator it was made with: one freed after the call (``del result``)
  gives its mapping back at once.

The allocator is a few functions in LLVM's language, compiled by llvmlite (which numba, a
dependency, brings) once per process in some 50 ms: numpy calls them from any thread, with
or without the GIL, so they cannot be Python. numpy's ``PyDataMem_SetHandler`` is reached
through numpy's C API table (its slots never move: that is numpy's ABI promise).
`given_back` does nothing where this is not Linux, or where the allocator cannot be set up.

Arrow's tables are another matter: `arrow_pool` says where a call's tables are made.

>>> import numpy as np
>>> with given_back():
...     values = np.arange(1_000_000.0)
>>> allocator_name(values) in {"estimates_given_back", "default_allocator"}
True
>>> float(values.sum())
499999500000.0
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import mmap
import platform
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["HUGE_FROM", "KEPT_AT_MOST", "KEPT_UP_TO", "MAPPED_FROM", "SLOTS", "allocator_name", "arrow_pool",
           "given_back", "mapped_bytes"]

#: Arrays of this many bytes or more (32,768 numbers) get a mapping of their own: glibc's
#: first threshold is 128 KiB; smaller arrays are many and short-lived.
MAPPED_FROM = 256 * 1024
#: Freed mappings up to this size are kept for reuse while a block runs: glibc never keeps
#: a chunk above its largest threshold (32 MiB) either.
KEPT_UP_TO = 32 * 1024 * 1024
#: Mappings of this many bytes (a huge page) or more are marked for transparent huge pages,
#: as numpy's own allocator marks its arrays of 4 MiB or more: one page fault per 2 MiB
#: instead of per 4 KiB (reconciling a million claims: 2.08 s with 4 MiB, 1.8 s with 2 MiB).
HUGE_FROM = 2 * 1024 * 1024
#: How many freed mappings, and how many bytes of them, are kept at most.
SLOTS = 64
KEPT_AT_MOST = 512 * 1024 * 1024
#: Bytes before each array: the length of its memory, and whether it is mapped (1) or not.
_HEADER = 64
_NAME = b"estimates_given_back"
_LIBC = ("mmap", "munmap", "mremap", "madvise", "malloc", "calloc", "realloc", "free",
         "pthread_mutex_lock", "pthread_mutex_unlock")

_IR = """
@lock = internal global [64 x i8] zeroinitializer, align 16
@scopes = internal global i64 0
@mapped = internal global i64 0
@kept = internal global i64 0
@slot_base = internal global [{slots} x ptr] zeroinitializer
@slot_length = internal global [{slots} x i64] zeroinitializer

declare {{i64, i1}} @llvm.umul.with.overflow.i64(i64, i64)
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)

define internal i64 @page_length(i64 %size) {{
  %a = add i64 %size, {header_and_page}
  %b = and i64 %a, {page_mask}
  ret i64 %b
}}

define internal ptr @map(i64 %length) {{
  %p = call ptr inttoptr (i64 {mmap} to ptr)(ptr null, i64 %length, i32 3, i32 34, i32 -1, i64 0)
  %failed = icmp eq ptr %p, inttoptr (i64 -1 to ptr)
  br i1 %failed, label %fail, label %done
fail:
  ret ptr null
done:
  %old = atomicrmw add ptr @mapped, i64 %length monotonic
  %huge = icmp uge i64 %length, {huge_from}
  br i1 %huge, label %advise, label %out
advise:
  %a = call i32 inttoptr (i64 {madvise} to ptr)(ptr %p, i64 %length, i32 14)
  br label %out
out:
  ret ptr %p
}}

define internal void @unmap(ptr %base, i64 %length) {{
  %r = call i32 inttoptr (i64 {munmap} to ptr)(ptr %base, i64 %length)
  %old = atomicrmw sub ptr @mapped, i64 %length monotonic
  ret void
}}

; A kept mapping made `length` bytes long, null if none is kept: the smallest that is long
; enough (split when it is over twice that: the rest is kept on its own), else the longest,
; lengthened (its pages move, they are not copied).
define internal ptr @reuse(i64 %length) {{
entry:
  %i = alloca i64
  %best = alloca i64
  %best_length = alloca i64
  %longest = alloca i64
  %longest_length = alloca i64
  store i64 0, ptr %i
  store i64 -1, ptr %best
  store i64 -1, ptr %best_length
  store i64 -1, ptr %longest
  store i64 0, ptr %longest_length
  %r0 = call i32 inttoptr (i64 {pthread_mutex_lock} to ptr)(ptr @lock)
  br label %loop
loop:
  %iv = load i64, ptr %i
  %end = icmp eq i64 %iv, {slots}
  br i1 %end, label %found, label %body
body:
  %pb = getelementptr [{slots} x ptr], ptr @slot_base, i64 0, i64 %iv
  %b = load ptr, ptr %pb
  %pl = getelementptr [{slots} x i64], ptr @slot_length, i64 0, i64 %iv
  %l = load i64, ptr %pl
  %used = icmp ne ptr %b, null
  br i1 %used, label %weigh, label %next
weigh:
  %bl = load i64, ptr %best_length
  %fits = icmp uge i64 %l, %length
  %smaller = icmp ult i64 %l, %bl
  %c = and i1 %fits, %smaller
  br i1 %c, label %better, label %longer
better:
  store i64 %iv, ptr %best
  store i64 %l, ptr %best_length
  br label %longer
longer:
  %ll = load i64, ptr %longest_length
  %exceeds = icmp ugt i64 %l, %ll
  br i1 %exceeds, label %new_longest, label %next
new_longest:
  store i64 %iv, ptr %longest
  store i64 %l, ptr %longest_length
  br label %next
next:
  %iv1 = add i64 %iv, 1
  store i64 %iv1, ptr %i
  br label %loop
found:
  %bk = load i64, ptr %best
  %lk = load i64, ptr %longest
  %no_fit = icmp eq i64 %bk, -1
  %k = select i1 %no_fit, i64 %lk, i64 %bk
  %none = icmp eq i64 %k, -1
  br i1 %none, label %nothing, label %take
nothing:
  %r1 = call i32 inttoptr (i64 {pthread_mutex_unlock} to ptr)(ptr @lock)
  ret ptr null
take:
  %tb = getelementptr [{slots} x ptr], ptr @slot_base, i64 0, i64 %k
  %base = load ptr, ptr %tb
  store ptr null, ptr %tb
  %tl = getelementptr [{slots} x i64], ptr @slot_length, i64 0, i64 %k
  %had = load i64, ptr %tl
  %kept = load i64, ptr @kept
  %kept1 = sub i64 %kept, %had
  store i64 %kept1, ptr @kept
  %r2 = call i32 inttoptr (i64 {pthread_mutex_unlock} to ptr)(ptr @lock)
  %twice = shl i64 %length, 1
  %too_long = icmp ugt i64 %had, %twice
  br i1 %too_long, label %split, label %short_or_whole
split:
  ; the part past `length` becomes a kept mapping of its own (its pages stay resident for the
  ; next arrays), or goes back if there is no room for it
  %tail = getelementptr i8, ptr %base, i64 %length
  %rest = sub i64 %had, %length
  store i64 %rest, ptr %tail
  %tail_kind = getelementptr i64, ptr %tail, i64 1
  store i64 1, ptr %tail_kind
  %tail_kept = call i1 @keep(ptr %tail, i64 %rest)
  br i1 %tail_kept, label %split_done, label %drop_tail
drop_tail:
  call void @unmap(ptr %tail, i64 %rest)
  br label %split_done
split_done:
  store i64 %length, ptr %base
  ret ptr %base
short_or_whole:
  %too_short = icmp ult i64 %had, %length
  br i1 %too_short, label %resize, label %whole
resize:
  %q = call ptr inttoptr (i64 {mremap} to ptr)(ptr %base, i64 %had, i64 %length, i32 1)
  %failed = icmp eq ptr %q, inttoptr (i64 -1 to ptr)
  br i1 %failed, label %give_up, label %resized
give_up:
  call void @unmap(ptr %base, i64 %had)
  ret ptr null
resized:
  %change = sub i64 %length, %had
  %old = atomicrmw add ptr @mapped, i64 %change monotonic
  store i64 %length, ptr %q
  ret ptr %q
whole:
  store i64 %had, ptr %base
  ret ptr %base
}}

; Keeps a freed mapping for reuse while a block runs; false if it is not kept.
define internal i1 @keep(ptr %base, i64 %length) {{
entry:
  %open = load atomic i64, ptr @scopes monotonic, align 8
  %closed = icmp eq i64 %open, 0
  %large = icmp ugt i64 %length, {kept_up_to}
  %no = or i1 %closed, %large
  br i1 %no, label %refuse, label %try
refuse:
  ret i1 false
try:
  %i = alloca i64
  store i64 0, ptr %i
  %r0 = call i32 inttoptr (i64 {pthread_mutex_lock} to ptr)(ptr @lock)
  %kept = load i64, ptr @kept
  %kept1 = add i64 %kept, %length
  %full = icmp ugt i64 %kept1, {kept_at_most}
  br i1 %full, label %unlock_refuse, label %loop
loop:
  %iv = load i64, ptr %i
  %end = icmp eq i64 %iv, {slots}
  br i1 %end, label %unlock_refuse, label %body
body:
  %pb = getelementptr [{slots} x ptr], ptr @slot_base, i64 0, i64 %iv
  %b = load ptr, ptr %pb
  %free = icmp eq ptr %b, null
  br i1 %free, label %store, label %next
next:
  %iv1 = add i64 %iv, 1
  store i64 %iv1, ptr %i
  br label %loop
store:
  store ptr %base, ptr %pb
  %pl = getelementptr [{slots} x i64], ptr @slot_length, i64 0, i64 %iv
  store i64 %length, ptr %pl
  store i64 %kept1, ptr @kept
  %r1 = call i32 inttoptr (i64 {pthread_mutex_unlock} to ptr)(ptr @lock)
  ret i1 true
unlock_refuse:
  %r2 = call i32 inttoptr (i64 {pthread_mutex_unlock} to ptr)(ptr @lock)
  ret i1 false
}}

; Gives back every kept mapping.
define internal void @drain() {{
entry:
  %i = alloca i64
  store i64 0, ptr %i
  %r0 = call i32 inttoptr (i64 {pthread_mutex_lock} to ptr)(ptr @lock)
  br label %loop
loop:
  %iv = load i64, ptr %i
  %end = icmp eq i64 %iv, {slots}
  br i1 %end, label %done, label %body
body:
  %pb = getelementptr [{slots} x ptr], ptr @slot_base, i64 0, i64 %iv
  %b = load ptr, ptr %pb
  %used = icmp ne ptr %b, null
  br i1 %used, label %give, label %next
give:
  %pl = getelementptr [{slots} x i64], ptr @slot_length, i64 0, i64 %iv
  %l = load i64, ptr %pl
  store ptr null, ptr %pb
  call void @unmap(ptr %b, i64 %l)
  br label %next
next:
  %iv1 = add i64 %iv, 1
  store i64 %iv1, ptr %i
  br label %loop
done:
  store i64 0, ptr @kept
  %r1 = call i32 inttoptr (i64 {pthread_mutex_unlock} to ptr)(ptr @lock)
  ret void
}}

define internal ptr @mapped_block(i64 %size, i1 %zeroed) {{
entry:
  %length = call i64 @page_length(i64 %size)
  %old = call ptr @reuse(i64 %length)
  %fresh = icmp eq ptr %old, null
  br i1 %fresh, label %map, label %reused
reused:
  %r = getelementptr i8, ptr %old, i64 {header}
  br i1 %zeroed, label %zero, label %mark_reused
zero:
  call void @llvm.memset.p0.i64(ptr %r, i8 0, i64 %size, i1 false)
  br label %mark_reused
mark_reused:
  %k0 = getelementptr i64, ptr %old, i64 1
  store i64 1, ptr %k0
  ret ptr %r
map:
  %p = call ptr @map(i64 %length)
  %failed = icmp eq ptr %p, null
  br i1 %failed, label %fail, label %mark
fail:
  ret ptr null
mark:
  store i64 %length, ptr %p
  %k1 = getelementptr i64, ptr %p, i64 1
  store i64 1, ptr %k1
  %q = getelementptr i8, ptr %p, i64 {header}
  ret ptr %q
}}

define internal ptr @held_block(ptr %p, i64 %total) {{
  %failed = icmp eq ptr %p, null
  br i1 %failed, label %fail, label %mark
fail:
  ret ptr null
mark:
  store i64 %total, ptr %p
  %k = getelementptr i64, ptr %p, i64 1
  store i64 0, ptr %k
  %q = getelementptr i8, ptr %p, i64 {header}
  ret ptr %q
}}

define ptr @take(ptr %ctx, i64 %size) {{
entry:
  %large = icmp uge i64 %size, {mapped_from}
  br i1 %large, label %mapped, label %held
mapped:
  %m = call ptr @mapped_block(i64 %size, i1 false)
  ret ptr %m
held:
  %total = add i64 %size, {header}
  %p = call ptr inttoptr (i64 {malloc} to ptr)(i64 %total)
  %h = call ptr @held_block(ptr %p, i64 %total)
  ret ptr %h
}}

define ptr @take_zeroed(ptr %ctx, i64 %count, i64 %each) {{
entry:
  %product = call {{i64, i1}} @llvm.umul.with.overflow.i64(i64 %count, i64 %each)
  %size = extractvalue {{i64, i1}} %product, 0
  %over = extractvalue {{i64, i1}} %product, 1
  %huge = icmp ugt i64 %size, {largest}
  %fail = or i1 %over, %huge
  br i1 %fail, label %refuse, label %fits
refuse:
  ret ptr null
fits:
  %large = icmp uge i64 %size, {mapped_from}
  br i1 %large, label %mapped, label %held
mapped:
  %m = call ptr @mapped_block(i64 %size, i1 true)
  ret ptr %m
held:
  %total = add i64 %size, {header}
  %p = call ptr inttoptr (i64 {calloc} to ptr)(i64 1, i64 %total)
  %h = call ptr @held_block(ptr %p, i64 %total)
  ret ptr %h
}}

define void @give(ptr %ctx, ptr %ptr, i64 %size) {{
entry:
  %none = icmp eq ptr %ptr, null
  br i1 %none, label %done, label %some
some:
  %base = getelementptr i8, ptr %ptr, i64 -{header}
  %length = load i64, ptr %base
  %pk = getelementptr i64, ptr %base, i64 1
  %kind = load i64, ptr %pk
  %mapped = icmp eq i64 %kind, 1
  br i1 %mapped, label %mapping, label %held
mapping:
  %kept = call i1 @keep(ptr %base, i64 %length)
  br i1 %kept, label %done, label %unmap
unmap:
  call void @unmap(ptr %base, i64 %length)
  br label %done
held:
  call void inttoptr (i64 {free} to ptr)(ptr %base)
  br label %done
done:
  ret void
}}

define ptr @resize(ptr %ctx, ptr %ptr, i64 %size) {{
entry:
  %none = icmp eq ptr %ptr, null
  br i1 %none, label %fresh, label %some
fresh:
  %f = call ptr @take(ptr %ctx, i64 %size)
  ret ptr %f
some:
  %huge = icmp ugt i64 %size, {largest}
  br i1 %huge, label %fail, label %sized
sized:
  %base = getelementptr i8, ptr %ptr, i64 -{header}
  %length = load i64, ptr %base
  %pk = getelementptr i64, ptr %base, i64 1
  %kind = load i64, ptr %pk
  %mapped = icmp eq i64 %kind, 1
  %large = icmp uge i64 %size, {mapped_from}
  %same = icmp eq i1 %mapped, %large
  br i1 %same, label %in_place, label %move
in_place:
  br i1 %large, label %remap, label %realloc
remap:
  %new_length = call i64 @page_length(i64 %size)
  %m = call ptr inttoptr (i64 {mremap} to ptr)(ptr %base, i64 %length, i64 %new_length, i32 1)
  %m_failed = icmp eq ptr %m, inttoptr (i64 -1 to ptr)
  br i1 %m_failed, label %fail, label %remapped
remapped:
  %grown = sub i64 %new_length, %length
  %old = atomicrmw add ptr @mapped, i64 %grown monotonic
  store i64 %new_length, ptr %m
  %mr = getelementptr i8, ptr %m, i64 {header}
  ret ptr %mr
realloc:
  %total = add i64 %size, {header}
  %h = call ptr inttoptr (i64 {realloc} to ptr)(ptr %base, i64 %total)
  %h_failed = icmp eq ptr %h, null
  br i1 %h_failed, label %fail, label %reallocated
reallocated:
  store i64 %total, ptr %h
  %hr = getelementptr i8, ptr %h, i64 {header}
  ret ptr %hr
move:
  %new = call ptr @take(ptr %ctx, i64 %size)
  %n_failed = icmp eq ptr %new, null
  br i1 %n_failed, label %fail, label %copy
copy:
  %had = sub i64 %length, {header}
  %less = icmp ult i64 %had, %size
  %n = select i1 %less, i64 %had, i64 %size
  call void @llvm.memcpy.p0.p0.i64(ptr %new, ptr %ptr, i64 %n, i1 false)
  call void @give(ptr %ctx, ptr %ptr, i64 0)
  ret ptr %new
fail:
  ret ptr null
}}

define void @open_block() {{
  %old = atomicrmw add ptr @scopes, i64 1 seq_cst
  ret void
}}

define void @close_block() {{
  %old = atomicrmw sub ptr @scopes, i64 1 seq_cst
  %last = icmp eq i64 %old, 1
  br i1 %last, label %drain, label %done
drain:
  call void @drain()
  br label %done
done:
  ret void
}}

define i64 @mapped_bytes() {{
  %m = load atomic i64, ptr @mapped monotonic, align 8
  ret i64 %m
}}
"""


class _Allocator(ctypes.Structure):
    """numpy's ``PyDataMemAllocator``: a context pointer and four functions."""

    _fields_ = [("ctx", ctypes.c_void_p), ("malloc", ctypes.c_void_p), ("calloc", ctypes.c_void_p),
                ("realloc", ctypes.c_void_p), ("free", ctypes.c_void_p)]


class _Handler(ctypes.Structure):
    """numpy's ``PyDataMem_Handler`` (version 1)."""

    _fields_ = [("name", ctypes.c_char * 127), ("version", ctypes.c_uint8),
                ("allocator", _Allocator)]


@dataclass(frozen=True)
class _Compiled:
    """The compiled allocator, as numpy takes it, and the functions that open and close a
    block. Kept for the life of the process: arrays made with it may outlive everything."""

    capsule: object
    set_handler: Callable[[object], object]
    open_block: Callable[[], None]
    close_block: Callable[[], None]
    mapped_bytes: Callable[[], int]
    keep_alive: tuple[object, ...]


def _ir() -> str:
    """The allocator's code, with the addresses of the C library's functions in it."""
    libc = ctypes.CDLL(None)
    page = mmap.PAGESIZE
    addresses = {name: ctypes.cast(getattr(libc, name), ctypes.c_void_p).value for name in _LIBC}
    return _IR.format(slots=SLOTS, header=_HEADER, header_and_page=_HEADER + page - 1,
                      page_mask=-page, huge_from=HUGE_FROM, mapped_from=MAPPED_FROM, kept_up_to=KEPT_UP_TO,
                      kept_at_most=KEPT_AT_MOST, largest=sys.maxsize - 2 * page, **addresses)


def _set_handler_function() -> Callable[[object], object]:
    """numpy's ``PyDataMem_SetHandler``, from slot 304 of its C API table."""
    api = ctypes.pythonapi
    api.PyCapsule_GetName.restype = ctypes.c_char_p
    api.PyCapsule_GetName.argtypes = [ctypes.py_object]
    api.PyCapsule_GetPointer.restype = ctypes.c_void_p
    api.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    from numpy._core import _multiarray_umath  # type: ignore[attr-defined]

    table_capsule = _multiarray_umath._ARRAY_API
    table = api.PyCapsule_GetPointer(table_capsule, api.PyCapsule_GetName(table_capsule))
    slots = ctypes.cast(table, ctypes.POINTER(ctypes.c_void_p))
    # It returns a new reference to the handler it replaces, which ctypes takes over.
    return ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.py_object)(slots[304])


@functools.cache
def _compiled() -> _Compiled | None:
    """The allocator, compiled on first use; None where it cannot be (not Linux, a numpy
    without allocators per context, an LLVM that does not take the code)."""
    if sys.platform != "linux" or platform.machine() not in {"x86_64", "aarch64"}:
        return None
    try:
        import llvmlite.binding as llvm

        llvm.initialize_native_target()
        llvm.initialize_native_asmprinter()
        module = llvm.parse_assembly(_ir())
        module.verify()
        engine = llvm.create_mcjit_compiler(module, llvm.Target.from_default_triple()
                                            .create_target_machine())
        engine.finalize_object()
        functions = {name: engine.get_function_address(name) for name in
                     ("take", "take_zeroed", "resize", "give", "open_block", "close_block",
                      "mapped_bytes")}
        handler = _Handler(_NAME, 1, _Allocator(None, functions["take"], functions["take_zeroed"],
                                                functions["resize"], functions["give"]))
        name = ctypes.create_string_buffer(b"mem_handler")
        new_capsule = ctypes.pythonapi.PyCapsule_New
        new_capsule.restype = ctypes.py_object
        new_capsule.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        capsule = new_capsule(ctypes.addressof(handler), ctypes.addressof(name), None)
        set_handler = _set_handler_function()
    except Exception:  # no allocator of our own: numpy's stays, as it is everywhere else
        return None
    keep_alive = (engine, module, handler, name)
    for part in keep_alive:  # never freed, not even as the interpreter exits
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(part))
    compiled = _Compiled(capsule, set_handler, ctypes.CFUNCTYPE(None)(functions["open_block"]),
                         ctypes.CFUNCTYPE(None)(functions["close_block"]),
                         ctypes.CFUNCTYPE(ctypes.c_int64)(functions["mapped_bytes"]), keep_alive)
    previous = compiled.set_handler(capsule)
    working = np._core.multiarray.get_handler_name() == _NAME.decode()
    compiled.set_handler(previous)
    return compiled if working else None


@contextlib.contextmanager
def given_back() -> Iterator[None]:
    """numpy's arrays made in the block come from memory that goes back to the system when
    they are freed (see the module's text); the user's other threads and tasks, and the code
    after the block, keep numpy's own allocator.

    >>> with given_back():
    ...     total = float(np.ones(100_000).sum())
    >>> total
    100000.0
    """
    compiled = _compiled()
    if compiled is None:
        yield
        return
    compiled.open_block()
    previous = compiled.set_handler(compiled.capsule)
    try:
        yield
    finally:
        compiled.set_handler(previous)
        compiled.close_block()


@functools.cache
def arrow_pool() -> Any:
    """The Arrow memory pool for the tables a call makes: Arrow's jemalloc pool where pyarrow
    has it, else Arrow's default pool. Both keep freed memory for a while and give it back
    at a later allocation (neither has a call-scoped way to let go, and purging the pool is
    the user's business): after a million claims, the default pool (mimalloc) still held
    180 MB at rest, jemalloc 100-140 MB, and 60 MB a second later, at its next use.

    >>> arrow_pool().backend_name in {"jemalloc", "mimalloc", "system"}
    True
    """
    import pyarrow as pa

    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc (macOS, Windows wheels)
        return pa.default_memory_pool()


def allocator_name(array: np.ndarray) -> str:
    """The name of the allocator that made `array`'s memory (the memory of the array it
    views, if it is a view).

    >>> allocator_name(np.zeros(3)[1:])
    'default_allocator'
    """
    while isinstance(array.base, np.ndarray):
        array = array.base
    return str(np._core.multiarray.get_handler_name(array))


def mapped_bytes() -> int:
    """Bytes in mappings made in `given_back` blocks that are not yet given back (0 where
    `given_back` does nothing).

    >>> mapped_bytes() >= 0
    True
    """
    compiled = _compiled()
    return 0 if compiled is None else int(compiled.mapped_bytes())

