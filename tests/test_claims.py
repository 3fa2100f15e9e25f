import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from estimates.claims import _EDGE_SPACE, CLAIM_COLUMNS, TEXT, read_claims
from estimates.csvfile import KEPT_TEXT
from estimates.errors import ClaimsError

HEADER = "id,quantity,value,low,high,as_of,period,kind,claimant,outlet,grade,confidence\n"


def _write(tmp_path, text: str, newline: str = "\n"):  # type: ignore[no-untyped-def]
    path = tmp_path / "claims.csv"
    path.write_bytes(text.replace("\n", newline).encode("utf-8-sig"))
    return path


def test_reads_bom_crlf_and_quoted_newlines_with_file_lines(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = (HEADER + 'a,x.troops,"over 10,000",,,2024-11-12,,level,"Someone\nelse",,,\n'
            "b,x.troops,,1,2,2024-11-13,,,,,,\n")
    table = read_claims(_write(tmp_path, text, "\r\n"))
    assert list(table.columns) == list(CLAIM_COLUMNS)
    assert table["line"].tolist() == [2, 4]
    assert table.loc[0, "low"] == 10000 and table.loc[0, "high"] == float("inf")


def test_every_problem_of_every_row_is_collected(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = HEADER + "\n".join([
        "a,x,5,,,2024-13-01,,,,,,",
        "a,x,5,,,2024-01-01,,,,,,",
        ",x,5,,,2024-01-01,,,,,,",
        "d,x,,9,3,2024-01-01,,,,,,",
        "e,x,,nan,3,2024-01-01,,,,,,",
        "f,x,-5,,,2024-01-01,,,,,,",
        "g,x,5,,,2024-01-01,2024-11-15/2024-10-01,,,,,",
        "h,x,5,,,2024-01-01,,sideways,,,,",
        "i,__import__('os'),5,,,2024-01-01,,,,,,",
        "j,y,5 troops,,,2024-01-01,,,,,,",
        "k,y,5 containers,,,2024-01-01,,,,,,",
        "l,z,5,,,2024-01-01,,level,,,,",
        "m,z,5,,,2024-01-01,,cumulative,,,,",
        "n,x,5 tons,,,2024-01-01,,,,,,",  # a measure, not a count (issue 18)
    ]) + "\n"
    with pytest.raises(ClaimsError) as caught:
        read_claims(_write(tmp_path, text))
    problems = caught.value.problems
    assert list(problems.columns) == ["line", "column", "value", "problem"]
    found = set(zip(problems["line"], problems["column"], strict=True))
    expected = {(2, "as_of"), (3, "id"), (4, "id"), (5, "high"), (6, "low"), (7, "value"),
                (8, "period"), (9, "kind"), (10, "quantity"), (12, "unit"), (14, "kind"),
                (15, "value")}
    assert expected <= found
    assert "claims.csv:2:as_of:" in str(caught.value)


def test_missing_required_column_is_reported_on_the_header_line() -> None:
    with pytest.raises(ClaimsError) as caught:
        read_claims(pd.DataFrame({"id": ["a"], "value": ["5"], "as_of": ["2024"]}))
    assert caught.value.problems.iloc[0].tolist()[:2] == [1, "quantity"]


def test_skip_invalid_keeps_bad_rows_with_their_problem() -> None:
    frame = pd.DataFrame({"id": ["a", "b"], "quantity": ["x", "x"], "low": ["1", "oops"],
                          "as_of": ["2024", "2024"]})
    table = read_claims(frame, skip_invalid=True)
    assert len(table) == 2
    assert table["problem"].isna().tolist() == [True, False]
    assert "low" in table.loc[1, "problem"]


def test_units_are_normalised_per_quantity_and_rates_are_per_day() -> None:
    frame = pd.DataFrame({"id": ["a", "b"], "quantity": ["r", "r"], "unit": ["person/week", "person"],
                          "low": ["7", "10"], "high": ["14", "20"], "as_of": ["2024-10", "2024-10"],
                          "period": ["2024-10", "2024-10"]})
    table = read_claims(frame)
    assert table["unit"].tolist() == ["person", "person"]
    assert table["measure"].tolist() == ["rate", "increase"]
    assert table.loc[0, "low"] <= 1 <= 2 <= table.loc[0, "high"]
    assert table["kind"].tolist() == ["cumulative", "cumulative"]


def test_weights_from_grade_and_confidence_and_sources_from_claimant() -> None:
    frame = pd.DataFrame({"id": ["a", "b", "c"], "quantity": ["x"] * 3, "low": ["1"] * 3,
                          "as_of": ["2024"] * 3, "grade": ["B2", "", ""],
                          "confidence": ["", "highly likely", ""],
                          "claimant": ["US Officials", "us  officials", ""], "outlet": ["", "", "AFP"]})
    table = read_claims(frame)
    assert table["weight"].round(3).tolist() == [2.25, 1.7, 1.0]  # B2, "highly likely", neither
    # one source whatever the case and spacing, shown as written (issue 17: not lowercased)
    assert table["source"].tolist() == ["US Officials", "US Officials", "AFP"]


def test_published_date_stands_in_for_a_missing_as_of() -> None:
    frame = pd.DataFrame({"id": ["a"], "quantity": ["x"], "low": ["1"], "as_of": [""],
                          "published": ["2024-10-24"]})
    table = read_claims(frame)
    assert bool(table.loc[0, "as_of_from_published"])


def test_cells_are_read_once_per_distinct_text_after_stripping() -> None:
    frame = pd.DataFrame({"id": ["a", " a ", "b"], "quantity": ["x.t", " x.t", "x.t "],
                          "value": ["about 5", "about 5 ", "7"], "as_of": ["2024", " 2024", "2024"],
                          "kind": ["Level", "level", ""]})
    table = read_claims(frame, skip_invalid=True)
    assert table["quantity"].tolist() == ["x.t"] * 3
    assert table["value"].tolist() == ["about 5", "about 5", "7"]
    assert table["kind"].tolist() == ["level"] * 3
    assert table["problem"].tolist()[:2] == [None, "id: duplicate id (first on line 2)"]
    assert table.loc[0, "low"] == 4.5 and table.loc[2, "low"] == 6.5


def test_categorical_columns_read_like_their_text() -> None:
    frame = pd.DataFrame({"id": ["a", "b", "c"], "quantity": ["x.t", " x.t", "y.t"],
                          "value": ["about 5", None, "7"], "low": ["", "3", ""],
                          "as_of": ["2024", "2024", "2024"], "grade": ["B2", None, "A1"]})
    as_categories = frame.astype("category")
    assert as_categories["value"].cat.codes.tolist()[1] == -1  # a missing cell
    plain, from_categories = read_claims(frame), read_claims(as_categories)
    pd.testing.assert_frame_equal(plain, from_categories)
    assert from_categories["value"].tolist() == ["about 5", "", "7"]


def test_a_file_reads_as_the_same_frame_would(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = ['a,x.t,"over 1,000",,,2024-11-12,,level,Someone,,B2,',
            "b,x.t,,1,2,2024-11-13,,,,Outlet,,likely", "c,y.t,12,,,2024-11-13,,cumulative,,,,"]
    frame = pd.DataFrame([r.replace('"over 1,000"', "over 1000").split(",") for r in rows],
                         columns=HEADER.strip().split(","))
    frame.loc[0, "value"] = "over 1,000"
    from_frame = read_claims(frame)
    fast = read_claims(_write(tmp_path, HEADER + "\n".join(rows) + "\n"))
    slow = read_claims(_write(tmp_path, HEADER + "\n\n".join(rows) + "\n"))  # blank lines
    pd.testing.assert_frame_equal(fast, from_frame)
    pd.testing.assert_frame_equal(slow.drop(columns="line"), from_frame.drop(columns="line"))
    assert slow["line"].tolist() == [2, 4, 6]


def test_names_and_text_are_categories_in_text_order_and_quotes_are_held_by_arrow() -> None:
    frame = pd.DataFrame({"id": ["a", "b", "c"], "quantity": ["y.t", "x.t", "y.t"],
                          "value": ["5", "6", "5"], "as_of": ["2024"] * 3,
                          "claimant": ["Zed", "Amy", None], "quote": ["said 5", None, "5"]})
    table = read_claims(frame)
    assert table["quantity"].cat.categories.tolist() == ["x.t", "y.t"]
    assert table.sort_values("quantity")["id"].tolist() == ["b", "a", "c"]
    assert table["source"].cat.categories.tolist() == ["Amy", "Zed", "claim c"]
    assert table["claimant"].cat.categories.tolist() == ["", "Amy", "Zed"]
    assert table["claimant"].tolist() == ["Zed", "Amy", ""]
    assert table["value"].cat.categories.tolist() == ["5", "6"]
    assert table["measure"].tolist() == ["value"] * 3 and table["kind"].tolist() == ["level"] * 3
    assert table["unit"].tolist() == [""] * 3  # no claim states a unit: relations may give one
    assert table["quote"].dtype == KEPT_TEXT and table["quote"].tolist() == ["said 5", "", "5"]
    assert table["note"].dtype == KEPT_TEXT and table["note"].tolist() == ["", "", ""]
    assert table["id"].dtype == KEPT_TEXT and table["id"].tolist() == ["a", "b", "c"]


def test_a_quote_or_id_with_a_lone_surrogate_is_kept_in_python_strings() -> None:
    frame = pd.DataFrame({"id": pd.Series(["\udc80a", "b"], dtype=object), "quantity": ["x"] * 2,
                          "value": ["5", "6"], "as_of": ["2024"] * 2,
                          "quote": pd.Series(["\ud800 said", "fine"], dtype=object)})
    table = read_claims(frame)
    assert table["quote"].tolist() == ["\ud800 said", "fine"]
    assert table["quote"].dtype == TEXT
    assert table["id"].tolist() == ["\udc80a", "b"] and table["id"].dtype == TEXT


@given(st.lists(st.text(alphabet=st.sampled_from("ab \t\n\x00\xa0\u2003,"), max_size=6), max_size=5))
def test_edge_space_search_misses_no_text_that_strip_would_change(texts: list[str]) -> None:
    if any(text != text.strip() for text in texts):
        assert _EDGE_SPACE.search("\0".join(texts))


def test_a_graded_confident_source_outweighs_an_ungraded_blog() -> None:
    """The UK MoD, graded A1 and "almost certain", says 3,000; an anonymous blog, neither
    graded nor qualified, says 9,000 on the same day: the analyst keeps the ministry."""
    from estimates import reconcile

    frame = pd.DataFrame({"id": ["graded", "bare"], "quantity": ["x.t"] * 2, "value": ["3000", "9000"],
                          "unit": ["person"] * 2, "as_of": ["2024-10-01"] * 2,
                          "claimant": ["UK MoD", "Anonymous blog"], "grade": ["A1", ""],
                          "confidence": ["almost certain", ""]})
    status = reconcile(frame).claims.set_index("id")["status"]
    assert status.to_dict() == {"graded": "kept", "bare": "excluded"}
    weak = frame.assign(grade=["E5", ""], confidence=["unlikely", ""])  # graded, but poorly
    assert reconcile(weak).claims.set_index("id")["status"].to_dict() == {"graded": "excluded",
                                                                          "bare": "kept"}


def test_a_library_call_that_keeps_bad_rows_as_invalid_says_so() -> None:
    """`reconcile(frame)` keeps bad rows as `invalid` claims rather than failing; a notebook
    user is told how many and where, not left to find them in the claims table."""
    from estimates import reconcile
    from estimates.claims import InvalidRowWarning

    frame = pd.DataFrame({"id": ["a", "b", "c"], "quantity": ["x"] * 3, "value": ["5", "lots", "7"],
                          "as_of": ["2024-10-01", "2024-10-01", "2024-13-01"]})
    with pytest.warns(InvalidRowWarning, match=r"2 rows have problems \(lines 3, 4\)"):
        result = reconcile(frame)
    assert (result.claims["status"] == "invalid").sum() == 2


def test_a_frame_of_100000_unknown_columns_gives_one_warning_naming_the_first_few_issue_16() -> None:
    from estimates.claims import UnknownColumnWarning

    names = ["id", "quantity", "value", "as_of", *(f"x{i}" for i in range(100_000))]
    frame = pd.DataFrame([["c1", "a.b", "5", "2024", *[""] * 100_000]], columns=names, dtype=object)
    with pytest.warns(UnknownColumnWarning) as caught:
        claims = read_claims(frame)
    assert len(caught) == 1
    assert "100,000 unknown columns are ignored: 'x0', 'x1'" in str(caught[0].message)
    assert claims["id"].tolist() == ["c1"]
