"""Expressions over quantity names, read safely, and the relations between them.

An expression such as ``dprk.killed.kursk / dprk.casualties.kursk`` is read with a
whitelist over Python's own `ast` (dotted names, numbers, + - * /, parentheses,
unary minus), never `eval`. The result is a `Linear` form (a sum of names times exact
coefficients, plus a constant) or a `Ratio` of two linear forms: what the reconciler
can turn into linear constraints. A `Relation` is ``left op right`` with op one of
``=``, ``<=``, ``>=``.

>>> str(read_expression("dprk.killed.kursk + dprk.wounded.kursk"))
'dprk.killed.kursk + dprk.wounded.kursk'
>>> form, op = read_relation("a.total = a.x + a.y").normal()
>>> str(form), op
('a.total - a.x - a.y', '=')
"""

from __future__ import annotations

import ast
import functools
import math
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Union

from estimates.csvfile import read_text_file
from estimates.errors import ExpressionError, RelationsError

__all__ = [
    "Expression",
    "Linear",
    "Ratio",
    "Relation",
    "read_expression",
    "read_relation",
    "read_relations",
]

#: A dotted name: letters, digits and underscores, segments joined by dots.
_NAME = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.\w+)*")
_OPERATOR = re.compile(r"<=|>=|==|=|<|>")
_PLACEHOLDER = "_q{}_"


@dataclass(frozen=True, slots=True)
class Linear:
    """A linear form: sum of coefficient * name, plus a constant (exact fractions)."""

    #: (name, coefficient) pairs, sorted by name, no zero coefficients
    terms: tuple[tuple[str, Fraction], ...]
    #: the constant term
    constant: Fraction = Fraction(0)

    @classmethod
    def of(cls, coefficients: Mapping[str, Fraction], constant: Fraction = Fraction(0)) -> Linear:
        """Build from a mapping, dropping zero coefficients and sorting names."""
        terms = tuple(sorted((n, _fraction(c)) for n, c in coefficients.items() if c != 0))
        return cls(terms, _fraction(constant))

    @property
    def names(self) -> tuple[str, ...]:
        """The quantity names in the form."""
        return tuple(name for name, _ in self.terms)

    @property
    def is_constant(self) -> bool:
        """True when no name appears."""
        return not self.terms

    def scaled(self, factor: Fraction) -> Linear:
        """This form times a number."""
        return Linear.of({n: c * factor for n, c in self.terms}, self.constant * factor)

    def plus(self, other: Linear, sign: int = 1) -> Linear:
        """This form plus (or minus, with ``sign=-1``) another."""
        coefficients = dict(self.terms)
        for name, coefficient in other.terms:
            signed = _signed(coefficient, sign)
            coefficients[name] = coefficients[name] + signed if name in coefficients else signed
        return Linear.of(coefficients, self.constant + _signed(other.constant, sign))

    def __str__(self) -> str:
        parts = [f"{'' if c == 1 else ('-' if c == -1 else f'{c} * ')}{n}" for n, c in self.terms]
        if self.constant or not parts:
            parts.append(str(self.constant))
        return " + ".join(parts).replace("+ -", "- ")


def _signed(value: Fraction, sign: int) -> Fraction:
    """``sign * value``, without a multiplication for the usual signs 1 and -1."""
    return value if sign == 1 else -value if sign == -1 else sign * value


def _fraction(value: Fraction | int | float) -> Fraction:
    """`value` as a Fraction (itself if it is one already: building one again is slow)."""
    return value if isinstance(value, Fraction) else Fraction(value)


@dataclass(frozen=True, slots=True)
class Ratio:
    """A ratio of two linear forms, ``numerator / denominator``; the denominator is taken positive."""

    #: the numerator
    numerator: Linear
    #: the denominator (names only count as positive quantities)
    denominator: Linear

    @property
    def names(self) -> tuple[str, ...]:
        """The quantity names in numerator and denominator."""
        return tuple(dict.fromkeys(self.numerator.names + self.denominator.names))

    def __str__(self) -> str:
        return f"({self.numerator}) / ({self.denominator})"


Expression = Union[Linear, Ratio]


def _protect(text: str) -> tuple[str, list[str]]:
    """Replace dotted names by placeholders that Python's parser accepts (``in`` is a keyword)."""
    names: list[str] = []

    def swap(match: re.Match[str]) -> str:
        names.append(match.group(0))
        return _PLACEHOLDER.format(len(names) - 1)

    return _NAME.sub(swap, text), names


def read_expression(text: str) -> Expression:
    """Read an expression over quantity names into a `Linear` form or a `Ratio`.

    Raises `ExpressionError` naming what is not allowed (calls, attributes, strings,
    products of two quantities, ...).

    >>> str(read_expression("dprk.killed.kursk / dprk.casualties.kursk"))
    '(dprk.killed.kursk) / (dprk.casualties.kursk)'
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(str(text), "is empty")
    protected, names = _protect(text.strip())
    for name in names:
        if any(part.startswith("__") for part in name.split(".")):
            raise ExpressionError(text, f"the name {name!r} has a part starting with '__'")
    if len(set(names)) == len(names):  # distinct names: the shape's names can be swapped in
        try:
            return _renamed(_shape(protected, len(names)), names)
        except ExpressionError:
            pass  # read again below, for the error in the text's own words
    return _read(text, protected, names)


@functools.lru_cache(maxsize=256)
def _shape(protected: str, count: int) -> Expression:
    """The expression of `protected` text over its `count` placeholder names (many
    expressions share one shape, such as ``_q0_ + _q1_``)."""
    return _read(protected, protected, [_PLACEHOLDER.format(i) for i in range(count)])


def _renamed(expression: Expression, names: list[str]) -> Expression:
    """`expression` over placeholder names with the (distinct) `names` in their place."""
    if isinstance(expression, Ratio):
        return Ratio(_renamed_form(expression.numerator, names),
                     _renamed_form(expression.denominator, names))
    return _renamed_form(expression, names)


def _renamed_form(form: Linear, names: list[str]) -> Linear:
    return Linear.of({names[int(name[2:-1])]: c for name, c in form.terms}, form.constant)


def _read(text: str, protected: str, names: list[str]) -> Expression:
    """Parse `protected` text (names replaced by placeholders) into an expression over `names`.

    Texts of names, numbers, + - * / and parentheses only are read without recursion
    (`_read_tokens`), so a sum of 50,000 names or 1,000 signs in a row reads; any other
    text goes to Python's `ast`, whose reading names what is not allowed."""
    tokens = _tokens(protected)
    try:
        expression = _read_tokens(text, tokens, names) if tokens is not None else None
    except _MalformedError:
        expression = None  # read again by `ast`, for the reason in its terms
    if expression is None:
        try:
            tree = ast.parse(protected, mode="eval")
        except (SyntaxError, RecursionError, MemoryError) as error:
            message = getattr(error, "msg", "nested too deeply")
            raise ExpressionError(text, f"is not a valid expression ({message})") from None
        try:
            expression = _Reader(text, names, protected).read(tree.body)
        except RecursionError:
            raise ExpressionError(text, "is not a valid expression (nested too deeply)") from None
    forms = ((expression.numerator, expression.denominator) if isinstance(expression, Ratio)
             else (expression,))
    for form in forms:
        if any(abs(n) > _FLOAT_MAX for n in (form.constant, *(c for _, c in form.terms))):
            raise ExpressionError(text, "a coefficient or constant is too large for a float "
                                        f"(beyond {sys.float_info.max:.1e})")
    return expression


_TOKEN = re.compile(r"\s*(?:(?P<name>_q\d+_)|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
                    r"|(?P<op>[-+*/()]))")
_ONE, _ZERO = Fraction(1), Fraction(0)
_BINDING = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "pos": 3}


def _tokens(protected: str) -> list[tuple[str, str]] | None:
    """The (kind, text) tokens of a text of placeholder names, numbers, + - * / and
    parentheses; None when it holds anything else."""
    tokens: list[tuple[str, str]] = []
    position, end = 0, len(protected.rstrip())
    while position < end:
        match = _TOKEN.match(protected, position)
        if match is None or match.end() == position:
            return None
        kind = str(match.lastgroup)
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _MalformedError(ExpressionError):
    """Tokens in an order no expression has (`_read` then asks `ast` for the reason)."""


class _Sum:
    """A linear form being built: coefficients by name and a constant, changed in place (so
    that a sum of n names takes n steps, not n squared)."""

    __slots__ = ("coefficients", "constant")

    def __init__(self, coefficients: dict[str, Fraction], constant: Fraction) -> None:
        self.coefficients = coefficients
        self.constant = constant

    def scale(self, factor: Fraction) -> _Sum:
        for name in self.coefficients:
            self.coefficients[name] *= factor
        self.constant *= factor
        return self

    def add(self, other: _Sum, sign: int) -> _Sum:
        if sign == 1 and len(other.coefficients) > len(self.coefficients):
            return other.add(self, 1)
        mine = self.coefficients
        for name, coefficient in other.coefficients.items():
            signed = coefficient if sign == 1 else -coefficient
            mine[name] = mine[name] + signed if name in mine else signed
        if other.constant:
            self.constant += sign * other.constant
        return self

    def form(self) -> Linear:
        return Linear.of(self.coefficients, self.constant)


def _number(text: str, token: str) -> Fraction:
    if re.fullmatch(r"\d+", token):
        return Fraction(int(token))
    value = float(token)
    if not math.isfinite(value):
        raise ExpressionError(text, f"the number {token!r} is too large for a float")
    return Fraction(repr(value))


def _read_tokens(text: str, tokens: list[tuple[str, str]], names: list[str]) -> Expression:
    """Operator precedence (shunting yard) over `tokens`, with two stacks and no recursion."""
    values: list[_Sum | Ratio] = []
    operators: list[str] = []
    invalid = _MalformedError(text, "is not a valid expression")

    def linear(value: _Sum | Ratio) -> _Sum:
        if isinstance(value, Ratio):
            raise ExpressionError(text, "a ratio of quantities can only stand alone, not inside a "
                                        "sum or product")
        return value

    def apply(operator: str) -> None:
        if len(values) < (1 if operator in ("neg", "pos") else 2):
            raise invalid
        right = values.pop()
        if operator in ("neg", "pos"):
            values.append(linear(right).scale(Fraction(-1)) if operator == "neg" else linear(right))
            return
        left = values.pop()
        values.append(_binary(text, operator, linear(left), linear(right)))

    operand_next = True  # an operand is due: + and - are signs here
    for kind, token in tokens:
        if kind in ("name", "number") or token == "(":
            if not operand_next:
                raise invalid
            if token == "(":
                operators.append(token)
            else:
                values.append(_Sum({names[int(token[2:-1])]: _ONE}, _ZERO)
                              if kind == "name" else _Sum({}, _number(text, token)))
                operand_next = False
        elif token == ")":
            if operand_next:
                raise invalid
            while operators and operators[-1] != "(":
                apply(operators.pop())
            if not operators:
                raise invalid
            operators.pop()
        elif operand_next:
            if token not in "+-":
                raise invalid
            operators.append("neg" if token == "-" else "pos")
        else:
            while operators and operators[-1] != "(" and _BINDING[operators[-1]] >= _BINDING[token]:
                apply(operators.pop())
            operators.append(token)
            operand_next = True
    if operand_next:
        raise invalid
    while operators:
        operator = operators.pop()
        if operator == "(":
            raise invalid
        apply(operator)
    if len(values) != 1:
        raise invalid
    value = values[0]
    return value if isinstance(value, Ratio) else value.form()


def _binary(text: str, operator: str, left: _Sum, right: _Sum) -> _Sum | Ratio:
    if operator in "+-":
        return left.add(right, 1 if operator == "+" else -1)
    if operator == "*":
        if left.coefficients and right.coefficients:
            raise ExpressionError(text, "a product of two quantities is not linear")
        return left.scale(right.constant) if not right.coefficients else right.scale(left.constant)
    if right.coefficients:
        return Ratio(left.form(), right.form())
    if right.constant == 0:
        raise ExpressionError(text, "division by zero")
    return left.scale(1 / right.constant)


#: The largest finite float, exactly: coefficients beyond it cannot be computed with.
_FLOAT_MAX = Fraction(sys.float_info.max)


class _Reader:
    """Walks an `ast` tree, allowing only the whitelisted nodes."""

    def __init__(self, text: str, names: list[str], protected: str = "") -> None:
        self.text = text
        self.names = names
        self.protected = protected

    def fail(self, reason: str) -> ExpressionError:
        return ExpressionError(self.text, reason)

    def linear(self, node: ast.expr) -> Linear:
        value = self.read(node)
        if isinstance(value, Ratio):
            raise self.fail("a ratio of quantities can only stand alone, not inside a sum or product")
        return value

    def read(self, node: ast.expr) -> Expression:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise self.fail(f"the constant {node.value!r} is not a number")
            if isinstance(node.value, float) and not math.isfinite(node.value):
                raise self.fail(f"the number {ast.get_source_segment(self.protected, node)!r} "
                                "is too large for a float")
            return Linear((), Fraction(repr(node.value)) if isinstance(node.value, float)
                          else Fraction(node.value))
        if isinstance(node, ast.Name):
            match = re.fullmatch(r"_q(\d+)_", node.id)
            if match is None:
                raise self.fail(f"the name {node.id!r} is not allowed")
            return Linear(((self.names[int(match.group(1))], Fraction(1)),))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.linear(node.operand)
            return operand.scaled(Fraction(-1 if isinstance(node.op, ast.USub) else 1))
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.Call):
            raise self.fail("function calls are not allowed")
        if isinstance(node, ast.Attribute):
            raise self.fail(f"attribute access ({node.attr!r}) is not allowed")
        raise self.fail(f"{type(node).__name__} is not allowed "
                        "(only names, numbers, + - * / and parentheses)")

    def binary(self, node: ast.BinOp) -> Expression:
        if isinstance(node.op, (ast.Add, ast.Sub)):
            sign = 1 if isinstance(node.op, ast.Add) else -1
            return self.linear(node.left).plus(self.linear(node.right), sign)
        if isinstance(node.op, ast.Mult):
            left, right = self.linear(node.left), self.linear(node.right)
            if not left.is_constant and not right.is_constant:
                raise self.fail("a product of two quantities is not linear")
            return right.scaled(left.constant) if left.is_constant else left.scaled(right.constant)
        if isinstance(node.op, ast.Div):
            left, right = self.linear(node.left), self.linear(node.right)
            if right.is_constant:
                if right.constant == 0:
                    raise self.fail("division by zero")
                return left.scaled(1 / right.constant)
            return Ratio(left, right)
        raise self.fail(f"the operator {type(node.op).__name__} is not allowed (only + - * /)")


@dataclass(frozen=True, slots=True)
class Relation:
    """``left op right`` between expressions, holding at every time; op is ``=``, ``<=`` or ``>=``.

    >>> Relation.read("a <= b").normal()
    (Linear(terms=(('a', Fraction(1, 1)), ('b', Fraction(-1, 1))), constant=Fraction(0, 1)), '<=')
    """

    #: left-hand side
    left: Expression
    #: the comparison: "=", "<=" or ">="
    op: str
    #: right-hand side
    right: Expression
    #: the relation as written
    text: str = ""
    #: the line of the relations file it came from (None from code)
    line: int | None = None
    #: the relations file it came from (None from code)
    source: str | None = None

    def __post_init__(self) -> None:
        if self.op not in ("=", "<=", ">="):
            raise ExpressionError(self.text, f"the comparison {self.op!r} is not one of =, <=, >=")
        self.normal()  # a relation that is not linear fails when built

    @classmethod
    def read(cls, text: str, line: int | None = None) -> Relation:
        """Read ``left op right`` from text."""
        return read_relation(text, line)

    @property
    def names(self) -> tuple[str, ...]:
        """The quantity names on both sides."""
        return tuple(dict.fromkeys(self.left.names + self.right.names))

    def normal(self) -> tuple[Linear, str]:
        """The relation as ``form op 0`` with op ``=`` or ``<=`` (a ratio needs a constant other side)."""
        left, right, op = self.left, self.right, self.op
        if op == ">=":
            left, right, op = right, left, "<="
        if isinstance(left, Ratio) or isinstance(right, Ratio):
            ratio, other = (left, right) if isinstance(left, Ratio) else (right, left)
            if not isinstance(ratio, Ratio) or isinstance(other, Ratio) or not other.is_constant:
                raise ExpressionError(self.text, "a ratio can only be compared with a number")
            form = ratio.numerator.plus(ratio.denominator.scaled(other.constant), -1)
            return (form if ratio is left else form.scaled(Fraction(-1))), op
        return left.plus(right, -1), op

    def __str__(self) -> str:
        return self.text or f"{self.left} {self.op} {self.right}"


def read_relation(text: str, line: int | None = None, source: str | None = None) -> Relation:
    """Read one relation, e.g. ``"dprk.casualties.kursk = dprk.killed.kursk + dprk.wounded.kursk"``.

    >>> read_relation("x.killed <= x.casualties").op
    '<='
    """
    matches = list(_OPERATOR.finditer(text))
    if len(matches) != 1:
        found = "no comparison" if not matches else "more than one comparison"
        raise ExpressionError(text, f"a relation needs exactly one of =, <=, >= ({found} found)")
    match = matches[0]
    op = {"==": "=", "<": "<=", ">": ">="}.get(match.group(0), match.group(0))
    left = read_expression(text[: match.start()])
    right = read_expression(text[match.end():])
    return Relation(left, op, right, text.strip(), line, source)


def read_relations(source: str | Path | Iterable[str | Relation]) -> tuple[Relation, ...]:
    """Read relations from a file path, from text, or from lines; ``#`` starts a comment.

    Every bad line is reported in one `ExpressionError` naming the lines.

    >>> [str(r) for r in read_relations(["a = b + c  # parts", "", "b <= a"])]
    ['a = b + c', 'b <= a']
    """
    name = "<relations>"
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source
                                    and _OPERATOR.search(source) is None):
        name = str(source)
        lines: Iterable[str | Relation] = read_text_file(Path(source)).splitlines()
    elif isinstance(source, str):
        lines = source.splitlines()
    else:
        lines = source
    relations: list[Relation] = []
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        if isinstance(line, Relation):
            relations.append(line)
            continue
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            relations.append(read_relation(text, number, name))
        except ExpressionError as error:
            problems.append(f"{name}:{number}: {error.reason} ({text!r})")
    if problems:
        raise RelationsError(name, problems)
    return tuple(relations)
