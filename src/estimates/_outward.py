"""Outward-rounded interval rules, compiled once and shared by scalars and arrays.

Each bound is computed in float64 and then moved one float step outward only when
the float result is not the exact real one. Whether it is exact is decided with
error-free transformations (TwoSum, TwoProduct with a fused multiply-add), so results are as tight as
outward rounding allows. The interval rules (IEEE 1788 set semantics) are written
once, for one interval, and the array kernels loop over them: one implementation.

The empty interval is stored as ``(+inf, -inf)``.

>>> add(1.0, 2.0, 0.1, 0.1)  # 1 + 0.1 is below the float 1.1: the low bound steps down
(1.0999999999999999, 2.1)
"""

from __future__ import annotations

import math
import struct

from estimates._kernel import intrinsic, njit

_MAX = 1.7976931348623157e308  # the largest finite float64
_TINY = 5e-324  # the smallest positive subnormal float64
_SAFE_HIGH = 2.0**1000  # below this, products of mantissa-scaled values stay finite
_SAFE_LOW = 2.0**-960  # above this, a product's rounding error cannot underflow
_INF = math.inf


def _bits_of(x: float) -> int:
    return int(struct.unpack("<q", struct.pack("<d", x))[0])


def _float_of(n: int) -> float:
    return float(struct.unpack("<d", struct.pack("<q", int(n)))[0])


def _fused(a: float, b: float, c: float) -> float:
    """a * b + c rounded once (exact arithmetic on fractions: Python 3.11 has no math.fma)."""
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
        return a * b + c
    from fractions import Fraction

    return float(Fraction(a) * Fraction(b) + Fraction(c))  # int / int rounds correctly


@intrinsic(python=_bits_of)
def _bits(typingctx, x):  # type: ignore[no-untyped-def]
    """The IEEE 754 bit pattern of a float64, as an int64 (a free reinterpretation)."""
    from llvmlite import ir
    from numba import types

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen


@intrinsic(python=_float_of)
def _from_bits(typingctx, n):  # type: ignore[no-untyped-def]
    """The float64 whose IEEE 754 bit pattern is the int64 `n`."""
    from llvmlite import ir
    from numba import types

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@intrinsic(python=_fused)
def _fma(typingctx, a, b, c):  # type: ignore[no-untyped-def]
    """a * b + c with a single rounding (LLVM's fused multiply-add)."""
    from numba import types

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        return builder.fma(*args)

    return types.float64(types.float64, types.float64, types.float64), codegen


@njit(cache=True, inline="always")
def _sign(x: float) -> int:
    return int(x > 0.0) - int(x < 0.0)


@njit(cache=True, inline="always")
def _two_product(a: float, b: float) -> tuple[float, float]:
    """Exact a*b as p + e, valid when the error e does not underflow."""
    p = a * b
    return p, _fma(a, b, -p)


@njit(cache=True, inline="always")
def _is_plain(x: float) -> bool:
    """True for a float far from overflow and underflow: the error-free transforms hold."""
    return _SAFE_LOW < abs(x) < _SAFE_HIGH


@njit(cache=True, inline="always")
def _settle(value: float, exact_sign: int, up: bool) -> float:
    """Step `value` one float outward when the exact result lies beyond it.

    `value` is finite, and nonzero unless `exact_sign` is 0. Branch-free: the
    neighbouring float is one step of the bit pattern away.
    """
    outward = (exact_sign > 0) if up else (exact_sign < 0)
    direction = 1 if (value > 0.0) == up else -1
    return _from_bits(_bits(value) + outward * direction)


@njit(cache=True, inline="always")
def _overflowed(value: float, up: bool) -> float:
    """The outward bound of a finite result whose float overflowed to +-inf."""
    if value > 0.0:
        return _INF if up else _MAX
    return -_MAX if up else -_INF


@njit(cache=True, inline="always")
def _underflowed(sign: int, up: bool) -> float:
    """The outward bound of a nonzero result whose float underflowed to zero."""
    if sign > 0:
        return _TINY if up else 0.0
    return -0.0 if up else -_TINY


@njit(cache=True, inline="always")
def add_bound(a: float, b: float, up: bool) -> float:
    """a + b rounded up or down (operands never +inf and -inf together)."""
    s = a + b
    if math.isinf(s):
        return s if (math.isinf(a) or math.isinf(b)) else _overflowed(s, up)
    bb = s - a  # TwoSum (Knuth): the exact error is (a - (s - bb)) + (b - bb)
    return _settle(s, _sign((a - (s - bb)) + (b - bb)), up)


@njit(cache=True)
def _mul_rare(a: float, b: float, p: float, up: bool) -> float:
    """a * b rounded, for zero, infinite, huge or tiny operands or product."""
    if a == 0.0 or b == 0.0:
        return 0.0  # a bound times zero is zero, even an infinite one
    if math.isinf(a) or math.isinf(b):
        return p
    if math.isinf(p):
        return _overflowed(p, up)
    if p == 0.0:
        return _underflowed(_sign(a) * _sign(b), up)
    ma, ea = math.frexp(a)  # exact a*b = ma*mb * 2**(ea+eb), with ma*mb far from the edges
    mb, eb = math.frexp(b)
    pm, pe = _two_product(ma, mb)
    q = math.ldexp(p, -(ea + eb))  # exact: a power-of-two scaling of a float
    return _settle(p, _sign((pm - q) + pe), up)


@njit(cache=True, inline="always")
def mul_bound(a: float, b: float, up: bool) -> float:
    """a * b rounded up or down, with 0 * inf = 0 (a bound times zero is zero)."""
    p, e = _two_product(a, b)
    if _is_plain(p):  # so a and b are finite and nonzero, and e is exact
        return _settle(p, _sign(e), up)
    return _mul_rare(a, b, p, up)


@njit(cache=True)
def _div_rare(a: float, b: float, q: float, up: bool) -> float:
    """a / b rounded, for zero, infinite, huge or tiny operands or quotient."""
    if a == 0.0 or math.isinf(a) or math.isinf(b):
        return q
    if math.isinf(q):
        return _overflowed(q, up)
    if q == 0.0:
        return _underflowed(_sign(a) * _sign(b), up)
    ma, ea = math.frexp(a)  # exact a/b = ma/mb * 2**(ea-eb), with ma/mb near 1
    mb, eb = math.frexp(b)
    qs = math.ldexp(q, eb - ea)  # exact: a power-of-two scaling of a float
    p, e = _two_product(qs, mb)
    return _settle(q, _sign((ma - p) - e) * _sign(mb), up)


@njit(cache=True, inline="always")
def div_bound(a: float, b: float, up: bool) -> float:
    """a / b rounded up or down, for b != 0 and never inf / inf."""
    q = a / b
    if _is_plain(a) and _is_plain(b) and _is_plain(q):
        p, e = _two_product(q, b)  # q*b = p + e exactly, and a - p is exact (Sterbenz)
        return _settle(q, _sign((a - p) - e) * _sign(b), up)
    return _div_rare(a, b, q, up)


@njit(cache=True, inline="always")
def add(alo: float, ahi: float, blo: float, bhi: float) -> tuple[float, float]:
    """[alo, ahi] + [blo, bhi]."""
    if alo > ahi or blo > bhi:
        return _INF, -_INF
    return add_bound(alo, blo, False), add_bound(ahi, bhi, True)


@njit(cache=True, inline="always")
def sub(alo: float, ahi: float, blo: float, bhi: float) -> tuple[float, float]:
    """[alo, ahi] - [blo, bhi]."""
    if alo > ahi or blo > bhi:
        return _INF, -_INF
    return add_bound(alo, -bhi, False), add_bound(ahi, -blo, True)


@njit(cache=True, inline="always")
def mul(alo: float, ahi: float, blo: float, bhi: float) -> tuple[float, float]:
    """[alo, ahi] * [blo, bhi] by the signs of the bounds (Moore's nine cases)."""
    if alo > ahi or blo > bhi:
        return _INF, -_INF
    if alo >= 0.0:
        if blo >= 0.0:
            return mul_bound(alo, blo, False), mul_bound(ahi, bhi, True)
        if bhi <= 0.0:
            return mul_bound(ahi, blo, False), mul_bound(alo, bhi, True)
        return mul_bound(ahi, blo, False), mul_bound(ahi, bhi, True)
    if ahi <= 0.0:
        if blo >= 0.0:
            return mul_bound(alo, bhi, False), mul_bound(ahi, blo, True)
        if bhi <= 0.0:
            return mul_bound(ahi, bhi, False), mul_bound(alo, blo, True)
        return mul_bound(alo, bhi, False), mul_bound(alo, blo, True)
    if blo >= 0.0:
        return mul_bound(alo, bhi, False), mul_bound(ahi, bhi, True)
    if bhi <= 0.0:
        return mul_bound(ahi, blo, False), mul_bound(alo, blo, True)
    low = min(mul_bound(alo, bhi, False), mul_bound(ahi, blo, False))
    high = max(mul_bound(alo, blo, True), mul_bound(ahi, bhi, True))
    return low, high


@njit(cache=True, inline="always")
def div(alo: float, ahi: float, blo: float, bhi: float) -> tuple[float, float]:
    """[alo, ahi] / [blo, bhi]; a divisor holding zero gives the hull of the result set."""
    if alo > ahi or blo > bhi or (blo == 0.0 and bhi == 0.0):
        return _INF, -_INF
    if alo == 0.0 and ahi == 0.0:
        return 0.0, 0.0
    if blo > 0.0:
        if alo >= 0.0:
            return div_bound(alo, bhi, False), div_bound(ahi, blo, True)
        if ahi <= 0.0:
            return div_bound(alo, blo, False), div_bound(ahi, bhi, True)
        return div_bound(alo, blo, False), div_bound(ahi, blo, True)
    if bhi < 0.0:
        if alo >= 0.0:
            return div_bound(ahi, bhi, False), div_bound(alo, blo, True)
        if ahi <= 0.0:
            return div_bound(ahi, blo, False), div_bound(alo, bhi, True)
        return div_bound(ahi, bhi, False), div_bound(alo, bhi, True)
    if blo == 0.0 and alo >= 0.0:  # divisor (0, bhi], dividend >= 0
        return div_bound(alo, bhi, False), _INF
    if blo == 0.0 and ahi <= 0.0:
        return -_INF, div_bound(ahi, bhi, True)
    if bhi == 0.0 and alo >= 0.0:  # divisor [blo, 0), dividend >= 0
        return -_INF, div_bound(alo, blo, True)
    if bhi == 0.0 and ahi <= 0.0:
        return div_bound(ahi, blo, False), _INF
    return -_INF, _INF


# One compiled loop per rule, so that each compiles (once, then from the disk cache) only
# when first used. An operand of length 1 is broadcast.


@njit(cache=True)
def add_arrays(alo, ahi, blo, bhi, low, high):  # type: ignore[no-untyped-def]
    sa, sb = int(alo.size > 1), int(blo.size > 1)
    for i in range(low.size):
        low[i], high[i] = add(alo[i * sa], ahi[i * sa], blo[i * sb], bhi[i * sb])


@njit(cache=True)
def sub_arrays(alo, ahi, blo, bhi, low, high):  # type: ignore[no-untyped-def]
    sa, sb = int(alo.size > 1), int(blo.size > 1)
    for i in range(low.size):
        low[i], high[i] = sub(alo[i * sa], ahi[i * sa], blo[i * sb], bhi[i * sb])


@njit(cache=True)
def mul_arrays(alo, ahi, blo, bhi, low, high):  # type: ignore[no-untyped-def]
    sa, sb = int(alo.size > 1), int(blo.size > 1)
    for i in range(low.size):
        low[i], high[i] = mul(alo[i * sa], ahi[i * sa], blo[i * sb], bhi[i * sb])


@njit(cache=True)
def div_arrays(alo, ahi, blo, bhi, low, high):  # type: ignore[no-untyped-def]
    sa, sb = int(alo.size > 1), int(blo.size > 1)
    for i in range(low.size):
        low[i], high[i] = div(alo[i * sa], ahi[i * sa], blo[i * sb], bhi[i * sb])
