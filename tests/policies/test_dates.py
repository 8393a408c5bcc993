"""Parsing and rendering written dates: every format round-trips and shifts keep intervals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policies.dates import Precision, WrittenDate, parse_date

REFERENCE = date(2024, 6, 1)

SHIFT_BY_30 = [
    pytest.param("March 14", date(2024, 3, 14), "April 13", id="month-name-day"),
    pytest.param("03/14/2024", date(2024, 3, 14), "04/13/2024", id="us-numeric"),
    pytest.param("3/4/2024", date(2024, 3, 4), "4/3/2024", id="us-numeric-unpadded"),
    pytest.param("2024-03-14", date(2024, 3, 14), "2024-04-13", id="iso"),
    pytest.param("20240314", date(2024, 3, 14), "20240413", id="compact"),
    pytest.param("the 3rd", date(2024, 6, 3), "the 3rd", id="ordinal-day-of-30-day-month"),
    pytest.param("the 1st", date(2024, 6, 1), "the 1st", id="ordinal-first"),
    pytest.param("14 Mar 2024", date(2024, 3, 14), "13 Apr 2024", id="day-month-abbreviation"),
    pytest.param("14 March 2024", date(2024, 3, 14), "13 April 2024", id="day-month-name"),
    pytest.param("March 14, 2024", date(2024, 3, 14), "April 13, 2024", id="month-day-year"),
    pytest.param("Mar. 14th", date(2024, 3, 14), "Apr. 13th", id="abbreviation-ordinal"),
    pytest.param("MARCH 1ST, 2024", date(2024, 3, 1), "MARCH 31ST, 2024", id="upper-case"),
    pytest.param("Sept 2, 2023", date(2023, 9, 2), "Oct 2, 2023", id="sept"),
    pytest.param(
        "Thursday, March 14, 2024", date(2024, 3, 14), "Saturday, April 13, 2024", id="weekday"
    ),
    pytest.param(
        "the 21st of December", date(2024, 12, 21), "the 20th of January", id="day-of-month-name"
    ),
    pytest.param("03/14/24", date(2024, 3, 14), "04/13/24", id="two-digit-year"),
    pytest.param("3/14", date(2024, 3, 14), "4/13", id="numeric-without-year"),
    pytest.param("03.14.2024", date(2024, 3, 14), "04.13.2024", id="dotted"),
    pytest.param("March 2024", date(2024, 3, 15), "April 2024", id="month-year"),
    pytest.param("03/2024", date(2024, 3, 15), "04/2024", id="numeric-month-year"),
    pytest.param("Jan 20th '23", date(2023, 1, 20), "Feb 19th '23", id="apostrophe-year"),
    pytest.param("17-Feb-2023", date(2023, 2, 17), "19-Mar-2023", id="hyphenated-day-month-year"),
    pytest.param(
        "2024-03-14 08:15:02", date(2024, 3, 14), "2024-04-13 08:15:02", id="iso-with-time"
    ),
    pytest.param("03/14/2024 8:15", date(2024, 3, 14), "04/13/2024 8:15", id="numeric-with-time"),
]


@pytest.mark.parametrize(("text", "meaning", "shifted"), SHIFT_BY_30)
def test_format_parses_and_shifts(text: str, meaning: date, shifted: str) -> None:
    written = parse_date(text, REFERENCE)

    assert written is not None
    assert written.value == meaning
    assert written.render() == text
    assert written.shifted(30).render() == shifted


@pytest.mark.parametrize(
    "text",
    ["yesterday", "2024-02-30", "13/13/2024", "March", "the 32nd", "14", "last Tuesday"],
    ids=[
        "relative",
        "no-such-day",
        "no-such-month",
        "month-alone",
        "no-such-ordinal",
        "bare-number",
        "weekday-relative",
    ],
)
def test_unreadable_date_is_none(text: str) -> None:
    assert parse_date(text, REFERENCE) is None


def test_first_number_over_twelve_reads_day_first() -> None:
    written = parse_date("31/12/2023", REFERENCE)

    assert written is not None
    assert written.value == date(2023, 12, 31)
    assert written.shifted(1).render() == "01/01/2024"


def test_day_first_option() -> None:
    written = parse_date("03/04/2024", REFERENCE, day_first=True)

    assert written is not None
    assert written.value == date(2024, 4, 3)
    assert written.shifted(30).render() == "03/05/2024"


@pytest.mark.parametrize(
    ("text", "days", "shifted"),
    [
        pytest.param("02/28/2024", 1, "02/29/2024", id="into-leap-day"),
        pytest.param("02/29/2024", 1, "03/01/2024", id="out-of-leap-day"),
        pytest.param("02/28/2023", 1, "03/01/2023", id="no-leap-day"),
        pytest.param("2024-02-29", 365, "2025-02-28", id="leap-day-plus-a-year"),
        pytest.param("2024-03-01", -366, "2023-03-01", id="back-across-leap-day"),
        pytest.param("December 31, 2023", 1, "January 1, 2024", id="year-end"),
        pytest.param("2024-01-01", -1, "2023-12-31", id="back-across-year-end"),
        pytest.param("12/15/1999", 30, "01/14/2000", id="century"),
        pytest.param("12/15/99", 30, "01/14/00", id="century-two-digit"),
    ],
)
def test_shift_across_leap_days_and_year_ends(text: str, days: int, shifted: str) -> None:
    written = parse_date(text, REFERENCE)

    assert written is not None
    assert written.shifted(days).render() == shifted


def test_leap_day_without_year_uses_a_leap_year() -> None:
    written = parse_date("Feb 29", date(2025, 6, 1))

    assert written is not None
    assert written.value == date(2024, 2, 29)


def test_month_year_shifts_whole_months() -> None:
    written = parse_date("January 2024", REFERENCE)

    assert written is not None
    assert written.precision is Precision.MONTH
    assert written.shifted(-40).render() == "December 2023"


def test_repr_hides_date() -> None:
    written = parse_date("March 14, 2024", REFERENCE)

    assert "14" not in repr(written)
    assert "March" not in repr(written)


DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2090, 12, 31))
OFFSETS = st.integers(min_value=-3650, max_value=3650)
FORMATS = st.sampled_from(["%m/%d/%Y", "%Y-%m-%d", "%Y%m%d", "%B %d, %Y", "%d %b %Y"])


@given(first=DAYS, second=DAYS, offset=OFFSETS, written_format=FORMATS)
def test_shift_keeps_intervals(first: date, second: date, offset: int, written_format: str) -> None:
    parsed = [written_date(day.strftime(written_format)) for day in (first, second)]

    shifted = [written_date(item.shifted(offset).render()).value for item in parsed]

    assert shifted[1] - shifted[0] == second - first
    assert shifted[0] - first == timedelta(days=offset)


def written_date(text: str) -> WrittenDate:
    written = parse_date(text, REFERENCE)
    assert written is not None, "every generated date must parse"
    return written
