import datetime as dt

import numpy as np

from estimates.timeline import day_number, format_span, read_instants, read_periods


def test_a_month_period_is_its_whole_calendar_length() -> None:
    start, end, error = read_periods(["2024-10", "2024-02", "2024", "2024-10-01/2024-10-31"])
    assert (end - start).tolist() == [31, 29, 366, 31]
    assert list(error) == [None] * 4


def test_october_runs_from_the_end_of_september_30() -> None:
    start, end, _ = read_periods(["2024-10"])
    assert start[0] == day_number(dt.date(2024, 10, 1))
    assert end[0] == day_number(dt.date(2024, 11, 1))


def test_a_date_as_of_is_the_instant_at_the_end_of_that_day() -> None:
    start, end, _ = read_instants(["2024-10-23"])
    assert start[0] == end[0] == day_number(dt.date(2024, 10, 24))
    assert format_span(start[0], end[0]) == "2024-10-23"


def test_bad_dates_give_an_error_per_row() -> None:
    _, _, error = read_instants(["2024-13", "2024-02-30", "soon", ""])
    assert "month 13" in error[0] and "day 30" in error[1] and "not a date" in error[2]
    assert error[3] is None


def test_a_period_ending_before_it_starts_is_an_error() -> None:
    _, _, error = read_periods(["2024-11-15/2024-10-01"])
    assert "ends before it starts" in error[0]


def test_month_and_year_spans_are_named_back() -> None:
    start, end, _ = read_instants(np.array(["2025-03", "2024"], dtype=object))
    assert [format_span(s, e) for s, e in zip(start, end, strict=True)] == ["2025-03", "2024"]
