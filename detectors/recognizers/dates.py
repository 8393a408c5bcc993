"""Every element of a date except the year alone, and ages over 89 (45 CFR 164.514(b)(2)(i)(C))."""

from __future__ import annotations

import datetime
import re

from detectors.findings import EntityType
from detectors.recognizers.patterns import ValuePattern

# "May" and "March" are also common words, so only their capitalised forms count as months.
_MONTH = (
    r"(?:(?i:january|february|april|june|july|august|september|october|november|december)|"
    r"(?i:jan|feb|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?|May|MAY|March|MARCH|Mar\.?|MAR)"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_ORDINAL_SUFFIX = r"(?:st|nd|rd|th)"
_WRITTEN_ORDINAL = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
    r"twenty[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirtieth|"
    r"thirty[- ]first)"
)
_YEAR = r"(?:(?:19|20)\d{2}|'\d{2})"
_NUMERIC_MONTH = r"(?:0?[1-9]|1[0-2])"

_DATE_FORMS = (
    # March 14, March 14th 2024, Jan 15 '23, March 14th,2024
    rf"\b{_MONTH}\s+{_DAY}{_ORDINAL_SUFFIX}?\b(?:,?\s*{_YEAR}\b)?",
    # 14 March 2024, 3rd of July, 14-Mar-2024
    rf"\b{_DAY}{_ORDINAL_SUFFIX}?(?:\s+of\s+|\s+|[-/ ]){_MONTH}\b(?:[,\s/-]*{_YEAR}\b)?",
    # the third of July, July third
    rf"\b(?:the\s+)?{_WRITTEN_ORDINAL}\s+of\s+{_MONTH}\b(?:,?\s*{_YEAR}\b)?",
    rf"\b{_MONTH}\s+(?:the\s+)?{_WRITTEN_ORDINAL}\b(?:,?\s*{_YEAR}\b)?",
    # March 2024, Mar. '24 (a month with its year)
    rf"\b{_MONTH}\s*,?\s+{_YEAR}\b",
    # 03/14/2024, 3-14-24, 14.03.2024
    rf"(?<![\w/.\-]){_DAY}[/\-]{_DAY}[/\-](?:\d{{4}}|\d{{2}})(?![\w/]|[.\-]\d)",
    rf"(?<![\w/.\-]){_DAY}\.{_DAY}\.\d{{4}}(?![\w/.]|-\d)",
    # 2024-03-14, 2024/03/14, with an optional time
    rf"(?<![\w/.\-])(?:19|20)\d{{2}}[/\-]{_NUMERIC_MONTH}[/\-]{_DAY}(?:[T ]\d{{2}}:\d{{2}}(?::\d{{2}})?)?(?![\w/]|[.\-]\d)",
    # 20240314
    r"(?<![\w.\-])(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?![\w.\-])",
    # 03/2024, 3/24 is too often a ratio, so only the four-digit year form
    rf"(?<![\w/.\-]){_NUMERIC_MONTH}/(?:19|20)\d{{2}}(?![\w/]|\.\d)",
)

# A month name alone after a preposition ("since March", "in early June").
_MONTH_ALONE = (
    rf"\b(?i:in|since|on|from|until|till|through|by|during|before|after|last|next|this|of)"
    rf"\s+(?:(?i:early|mid|late|mid-)\s*)?(?P<value>{_MONTH})\b(?!\s+\d)"
)
# "on the 3rd", "since the 14th", when not followed by a noun it counts ("the 3rd dose").
_ORDINAL_DAY_ALONE = (
    rf"\b(?i:on|since|from|until|till|by|before|after)\s+(?P<value>the\s+(?:{_DAY}{_ORDINAL_SUFFIX}|"
    rf"{_WRITTEN_ORDINAL}))\b(?!\s+(?:of\s+)?[a-z])"
)

# "march 3rd", "3rd of march", "moved to may 5": lower-case "march" and "may" count as months
# only where the day beside them makes a date. That is an ordinal day, "of", a year, or a
# word that introduces a date before a bare day.
_HOMONYM_MONTH = r"(?:march|mar\.?|may)"
_DATE_CUE = r"(?i:on|since|from|until|till|to|by|before|after|for|of|dated|date|due|around)"
# "march 3 miles", "may 2 tabs": a number before a unit counts things, not days.
_NOT_A_COUNT = (
    r"(?!\s*(?:%|(?i:mg|mcg|ml|kg|km|mi|miles?|times?|tabs?|tablets?|pills?|caps?|doses?|"
    r"units?|days?|weeks?|months?|hours?|hrs?|mins?|minutes?|blocks?|steps?|laps?|x)\b))"
)
_LOWER_CASE_DATE_FORMS = (
    rf"\b{_HOMONYM_MONTH}\s+{_DAY}{_ORDINAL_SUFFIX}\b(?:,?\s*{_YEAR}\b)?",
    rf"\b{_HOMONYM_MONTH}\s+{_DAY},?\s*{_YEAR}\b",
    rf"\b{_DATE_CUE}\s+(?:the\s+)?(?P<value>{_HOMONYM_MONTH}\s+{_DAY})\b(?![.,]?\d){_NOT_A_COUNT}",
    rf"\b{_DAY}{_ORDINAL_SUFFIX}?\s+of\s+{_HOMONYM_MONTH}\b(?:,?\s*{_YEAR}\b)?",
    rf"\b(?:the\s+)?{_WRITTEN_ORDINAL}\s+of\s+{_HOMONYM_MONTH}\b(?:,?\s*{_YEAR}\b)?",
)

# "on 08/22": month and day without a year, only after a word that introduces a date.
_MONTH_DAY_ALONE = (
    rf"\b(?i:on|since|from|until|till|by|before|after|dated|of|date)\s+"
    rf"(?P<value>{_NUMERIC_MONTH}/{_DAY})(?![\w/]|\.\d)"
)
# "last Friday", "on Monday": a weekday next to an event pins down a date.
_WEEKDAY = (
    r"\b(?P<value>(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"(?:\s+(?:morning|afternoon|evening|night))?)\b"
)

DATE_PATTERNS = (
    tuple(
        ValuePattern(f"date_{index}", EntityType.DATE, re.compile(form), 0.85)
        for index, form in enumerate(_DATE_FORMS)
    )
    + (
        ValuePattern("month_alone", EntityType.DATE, re.compile(_MONTH_ALONE), 0.6),
        ValuePattern("ordinal_day_alone", EntityType.DATE, re.compile(_ORDINAL_DAY_ALONE), 0.6),
        ValuePattern("month_day_alone", EntityType.DATE, re.compile(_MONTH_DAY_ALONE), 0.7),
        ValuePattern("weekday", EntityType.DATE, re.compile(_WEEKDAY), 0.6),
    )
    + tuple(
        ValuePattern(f"lower_case_date_{index}", EntityType.DATE, re.compile(form), 0.75)
        for index, form in enumerate(_LOWER_CASE_DATE_FORMS)
    )
)

# Ages 90 to 129 with an age word: "92-year-old", "age 95", "93 yo", "aged 101", "in her 90s".
_OLD_AGE = r"(?:9\d|1[01]\d|12\d)"
_AGE_FORMS = (
    rf"\b(?P<value>{_OLD_AGE})(?:\s*|-)(?:years?|yrs?|y)(?:\s*|-)(?:old|of\s+age)\b",
    rf"\b(?P<value>{_OLD_AGE})\s*-?\s*(?:yo|y/o|y\.o\.?|yr|yrs|year-old|year old)(?!\w)",
    rf"\b(?i:age|aged|ages|age:|is)\s*:?\s*(?P<value>{_OLD_AGE})\b(?!\s*(?:%|mg|mm|kg|lb|cm|/))",
    r"\b(?i:in\s+(?:his|her|their)\s+(?:early\s+|mid\s+|mid-|late\s+)?)(?P<value>9\d'?s)\b",
    rf"\b(?P<value>{_OLD_AGE})(?:M|F|m|f)\b",
    r"\b(?P<value>(?i:nonagenarian|centenarian|supercentenarian)s?)\b",
)

AGES_OVER = 89


def _implies_old_age(match: re.Match[str]) -> bool:
    birth_year = int(match.group("value"))
    return datetime.date.today().year - birth_year > AGES_OVER


_BIRTH_YEAR = (
    r"\b(?i:born(?:\s+in)?|birth\s*year|year\s+of\s+birth|yob|dob|b\.)\s*:?\s*"
    r"(?P<value>(?:18|19)\d{2})\b"
)

AGE_PATTERNS = tuple(
    ValuePattern(f"old_age_{index}", EntityType.AGE, re.compile(form), 0.85)
    for index, form in enumerate(_AGE_FORMS)
) + (
    ValuePattern(
        "birth_year_old_age", EntityType.AGE, re.compile(_BIRTH_YEAR), 0.8, _implies_old_age
    ),
)
