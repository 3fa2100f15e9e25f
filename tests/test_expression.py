from fractions import Fraction

import pytest

from estimates.errors import ExpressionError, RelationsError
from estimates.expression import Linear, Ratio, read_expression, read_relation, read_relations


def test_dotted_names_with_keyword_parts_are_read() -> None:
    form = read_expression("dprk.troops.in + 2 * dprk.troops.in_russia")
    assert isinstance(form, Linear)
    assert dict(form.terms) == {"dprk.troops.in": 1, "dprk.troops.in_russia": 2}


def test_division_by_a_quantity_is_a_ratio_and_by_a_number_is_linear() -> None:
    assert isinstance(read_expression("a.k / a.c"), Ratio)
    form = read_expression("a.c / 11000")
    assert isinstance(form, Linear) and dict(form.terms) == {"a.c": Fraction(1, 11000)}


@pytest.mark.parametrize("text", ["__import__('os')", "a.__class__", "(a + b).real", "f(a)",
                                  "a * b", "'text'", "a ** 2", "", "a +"])
def test_forbidden_expressions_are_errors_naming_the_text(text: str) -> None:
    with pytest.raises(ExpressionError) as error:
        read_expression(text)
    assert repr(text) in str(error.value) or text == ""


def test_relation_normal_form_moves_everything_left() -> None:
    form, op = read_relation("c = k + w").normal()
    assert op == "=" and dict(form.terms) == {"c": 1, "k": -1, "w": -1}
    form, op = read_relation("k >= 0.3 * c").normal()
    assert op == "<=" and dict(form.terms) == {"c": Fraction(3, 10), "k": -1}


def test_relations_file_skips_comments_and_reports_bad_lines(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "relations.txt"
    path.write_text("# comment\na = b + c\n\nb <= a  # part\n", encoding="utf-8")
    assert [str(r) for r in read_relations(path)] == ["a = b + c", "b <= a"]
    with pytest.raises(RelationsError, match=r"<relations>:2: function calls") as caught:
        read_relations(["a = b", "a = f(b)", "a = b = c"])
    assert isinstance(caught.value, ValueError) and len(caught.value.problems) == 2


@pytest.mark.parametrize(("text", "reason"), [
    ("a * 1e400", "'1e400' is too large"), ("a + -1e400", "'1e400' is too large"),
    ("a * 1e308 * 1e308", "too large for a float"), ("a / 1e-320 / 1e-320", "too large"),
    ("2 * a / (b * 1e308 * 10)", "too large")])
def test_numbers_beyond_floats_are_errors_not_crashes(text: str, reason: str) -> None:
    # a fuzz file once failed with "Invalid literal for Fraction: 'inf'" instead of an error
    with pytest.raises(ExpressionError, match=reason):
        read_expression(text)


def test_a_relation_over_50000_names_reads_without_recursion_issue_16() -> None:
    relation = read_relation("total = " + " + ".join(f"part{i}.x" for i in range(50_000)))
    form, op = relation.normal()
    assert op == "=" and len(form.terms) == 50_001


@pytest.mark.parametrize(("signs", "coefficient"), [(1000, 1), (1001, -1)])
def test_a_thousand_signs_in_a_row_read_as_their_product_issue_16(signs: int, coefficient: int) -> None:
    assert dict(read_expression("-" * signs + "a.b").terms) == {"a.b": coefficient}


def test_deep_parentheses_and_precedence_read_as_python_would() -> None:
    assert str(read_expression("(" * 500 + "a" + ")" * 500)) == "a"
    assert dict(read_expression("2 * (a - b) / 4 - -c + 1.5e3").terms) == {
        "a": Fraction(1, 2), "b": Fraction(-1, 2), "c": 1}
    assert isinstance(read_expression("a / (b + c)"), Ratio)
    for text in ("a b", "(a", "a)", "a + * b", "a.b(c)"):
        with pytest.raises(ExpressionError):
            read_expression(text)
