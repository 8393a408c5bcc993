"""Dates as written in clinical text: parse one, move it, and write it back in the same format.

Each supported format is a regular expression with named groups for the date's fields
(`weekday`, `month`, `monthname`, `day`, `suffix`, `year`). Rendering replaces only those
groups' spans, so separators, padding, case, abbreviations and ordinal suffixes are kept.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

_MONTH_NAME = (
    r"(?P<monthname>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = (
    r"(?:(?P<weekday>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?,?\s+)?"
)
_DAY = r"(?P<day>\d{1,2})(?P<suffix>st|nd|rd|th)?"
_ORDINAL_DAY = r"(?P<day>\d{1,2})(?P<suffix>st|nd|rd|th)"
# A year after a month name: four digits, or two after an apostrophe ("Jan 20th '23").
_NAMED_YEAR = r"(?P<year>\d{4}|['’]\d{2})"
# A time of day after a numeric date. It is not a date element, so it is kept as written.
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"


class Precision(StrEnum):
    """Which fields a written date carries, which decides how it is shifted."""

    DAY = "day"  # a calendar day, with or without its year
    MONTH = "month"  # a month and year without a day ("March 2024", "03/2024")
    DAY_OF_MONTH = "day_of_month"  # a day alone ("the 3rd")


@dataclass(frozen=True, slots=True)
class _Format:
    pattern: re.Pattern[str]
    precision: Precision


def _compile(expression: str) -> re.Pattern[str]:
    return re.compile(expression, re.IGNORECASE)


FORMATS: tuple[_Format, ...] = (
    _Format(
        _compile(
            r"(?P<month>\d{1,2})(?P<sep>[/.-])(?P<day>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})" + _TIME
        ),
        Precision.DAY,
    ),
    _Format(
        _compile(
            r"(?P<year>\d{4})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})" + _TIME
        ),
        Precision.DAY,
    ),
    _Format(_compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"), Precision.DAY),
    _Format(_compile(r"(?P<month>\d{1,2})/(?P<day>\d{1,2})"), Precision.DAY),
    _Format(_compile(r"(?P<month>\d{1,2})/(?P<year>\d{4})"), Precision.MONTH),
    _Format(
        _compile(_WEEKDAY + _MONTH_NAME + r"\s+" + _DAY + r"(?:,?\s+" + _NAMED_YEAR + ")?"),
        Precision.DAY,
    ),
    _Format(
        _compile(
            _WEEKDAY
            + r"(?:the\s+)?"
            + _DAY
            + r"(?:\s+of)?(?:\s+|-)"
            + _MONTH_NAME
            + r"(?:(?:,?\s+|-)"
            + _NAMED_YEAR
            + ")?"
        ),
        Precision.DAY,
    ),
    _Format(_compile(_MONTH_NAME + r",?\s+" + _NAMED_YEAR), Precision.MONTH),
    _Format(_compile(r"(?:the\s+)?" + _ORDINAL_DAY), Precision.DAY_OF_MONTH),
)

_MONTHS = [name.casefold() for name in calendar.month_name]
_WEEKDAYS = [name.casefold() for name in calendar.day_name]


@dataclass(frozen=True, slots=True)
class WrittenDate:
    """A parsed date and the match that records how it was written. `repr` is masked (PHI).

    `value` is the calendar day the text means, with missing fields taken from a reference
    date. `day_first` is true when numeric fields were read day before month.
    """

    value: date
    precision: Precision
    match: re.Match[str]
    day_first: bool = False

    @property
    def has_year(self) -> bool:
        """Whether the text states the year."""
        return self.match.groupdict().get("year") is not None

    def shifted(self, days: int) -> WrittenDate:
        """Return this date moved by `days` (whole months for a month without a day)."""
        if self.precision is Precision.MONTH:
            return replace(self, value=_add_months(self.value, round(days / 30.436875)))
        return replace(self, value=self.value + timedelta(days=days))

    def render(self) -> str:
        """Write `value` in the format of the original text."""
        text = self.match.string
        pieces: list[str] = []
        cursor = 0
        for group, span in sorted(_field_spans(self.match), key=lambda item: item[1][0]):
            pieces.append(text[cursor : span[0]])
            pieces.append(self._render_field(group, text[span[0] : span[1]]))
            cursor = span[1]
        pieces.append(text[cursor:])
        return "".join(pieces)

    def _render_field(self, group: str, written: str) -> str:
        value = self.value
        if self.day_first and group in ("month", "day"):
            group = "day" if group == "month" else "month"
        if group == "year":
            if len(written) == 4:
                return str(value.year)
            apostrophe = written[0] if written[0] in "'’" else ""
            return f"{apostrophe}{value.year % 100:02d}"
        if group in ("month", "day"):
            number = value.month if group == "month" else value.day
            return f"{number:02d}" if self._zero_padded() else str(number)
        if group == "monthname":
            return _match_case(_name_like(calendar.month_name[value.month], written), written)
        if group == "weekday":
            return _match_case(_name_like(calendar.day_name[value.weekday()], written), written)
        return _match_case(_ordinal_suffix(value.day), written)

    def _zero_padded(self) -> bool:
        """Return whether days and months are written with two digits.

        A leading zero shows it. Numeric dates whose fields all have two digits ("12/15/1999")
        count as padded too, because that is the usual numeric style.
        """
        fields = [
            self.match.group(name) for name in ("month", "day") if self.match.groupdict().get(name)
        ]
        if any(field.startswith("0") for field in fields):
            return True
        return self.match.groupdict().get("month") is not None and all(
            len(field) == 2 for field in fields
        )

    def __repr__(self) -> str:
        return f"WrittenDate(precision={self.precision.value}, has_year={self.has_year})"


def parse_date(text: str, reference: date, day_first: bool = False) -> WrittenDate | None:
    """Parse a whole text as one date, or return `None` when no supported format matches.

    `reference` supplies the year of a date written without one and the month of a day written
    alone. Numeric dates are read month first unless `day_first`, or unless the first number
    cannot be a month.
    """
    for written_format in FORMATS:
        match = written_format.pattern.fullmatch(text.strip())
        if match is None:
            continue
        parsed = _build(match, written_format.precision, reference, day_first)
        if parsed is not None:
            return parsed
    return None


def _build(
    match: re.Match[str], precision: Precision, reference: date, day_first: bool
) -> WrittenDate | None:
    fields = match.groupdict()
    year = _year(fields.get("year"), reference)
    day = int(fields["day"]) if fields.get("day") else 15
    if precision is Precision.DAY_OF_MONTH:
        return _valid(match, precision, year, reference.month, day, swapped=False)

    if fields.get("monthname"):
        month = _month_number(fields["monthname"])
        return _valid(match, precision, year, month, day, swapped=False)

    first, second = int(fields["month"]), day
    swapped = (day_first or first > 12) and precision is Precision.DAY and second <= 12
    month, day = (second, first) if swapped else (first, second)
    return _valid(match, precision, year, month, day, swapped)


def _valid(
    match: re.Match[str], precision: Precision, year: int, month: int, day: int, swapped: bool
) -> WrittenDate | None:
    has_year = match.groupdict().get("year") is not None
    if not has_year and month == 2 and day == 29 and not calendar.isleap(year):
        # A 29 February without a year belongs to the last leap year before the reference.
        year = next(
            candidate for candidate in range(year, year - 8, -1) if calendar.isleap(candidate)
        )
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    return WrittenDate(value, precision, match, day_first=swapped)


def _year(written: str | None, reference: date) -> int:
    if written is None:
        return reference.year
    written = written.lstrip("'’")
    if len(written) == 4:
        return int(written)
    # Two-digit years: the latest century that does not put the date over ten years ahead.
    year = 2000 + int(written)
    return year if year <= reference.year + 10 else year - 100


def _month_number(written: str) -> int:
    prefix = written.rstrip(".").casefold()[:3]
    return next(number for number, name in enumerate(_MONTHS) if name.startswith(prefix) and number)


def _field_spans(match: re.Match[str]) -> list[tuple[str, tuple[int, int]]]:
    names = ("weekday", "month", "monthname", "day", "suffix", "year")
    spans: list[tuple[str, tuple[int, int]]] = []
    for name in names:
        if name in match.groupdict() and match.group(name) is not None:
            start, end = match.span(name)
            if name == "monthname" and match.string[end - 1 : end] == ".":
                end -= 1
            spans.append((name, (start, end)))
    return spans


def _name_like(full_name: str, written: str) -> str:
    """Return `full_name` abbreviated the way `written` was ("Sept", "Mar", "Tues")."""
    bare = written.rstrip(".")
    if bare.casefold() in _MONTHS or bare.casefold() in _WEEKDAYS:
        return full_name
    if len(bare) == 4 and full_name == "September":
        return "Sept"
    return full_name[:3]


def _match_case(text: str, written: str) -> str:
    if written.isupper():
        return text.upper()
    if written.islower():
        return text.lower()
    return text


def _ordinal_suffix(day: int) -> str:
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _add_months(value: date, months: int) -> date:
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)
