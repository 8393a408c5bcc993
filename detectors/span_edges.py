"""Where a name or organisation span ends: before a field break or a trailing field label.

Clinical headers put several fields on one line ("KOWALSKI, ANNA M   MRN: 00481923"), so
a span that crosses a run of spaces, a tab or a line break runs into the next field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from detectors.gazetteers import last_names

# Two or more spaces, a tab or a line break separate fields or lines.
FIELD_BREAK = re.compile(r"[ \u00a0]{2,}|[\t\r\n\f\v\u2028\u2029]")

# Labels of header fields that follow a name on the same line. Lower-cased, without
# trailing punctuation.
_FIELD_LABELS = frozenset(
    {
        "acct",
        "account",
        "admission",
        "admit",
        "admitted",
        "adm",
        "age",
        "allergies",
        "attending",
        "bed",
        "bmi",
        "cc",
        "code",
        "consultant",
        "consult",
        "csn",
        "date",
        "dea",
        "dept",
        "department",
        "dictated",
        "disch",
        "discharge",
        "discharged",
        "dob",
        "doa",
        "dod",
        "dos",
        "dx",
        "email",
        "encounter",
        "fax",
        "fin",
        "gender",
        "hid",
        "ht",
        "id",
        "insurance",
        "loc",
        "location",
        "member",
        "mr#",
        "mrn",
        "npi",
        "pager",
        "pcp",
        "phone",
        "physician",
        "plan",
        "policy",
        "provider",
        "radiologist",
        "pathologist",
        "surgeon",
        "resident",
        "fellow",
        "nurse",
        "read",
        "reason",
        "ref",
        "referred",
        "reviewed",
        "rm",
        "room",
        "service",
        "sex",
        "signed",
        "ssn",
        "status",
        "tel",
        "time",
        "transcribed",
        "unit",
        "visit",
        "ward",
        "weight",
        "wt",
    }
)
# A word followed by "by:", ":" or "#" is a field label ("Read by:", "Acct #").
_LABEL_TAIL = re.compile(r"[ \t]*(?:by[ \t]*)?[:#]")
_LAST_WORD = re.compile(r"[^\s,;]+[\s,;]*$")


@dataclass(frozen=True, slots=True)
class TextSpan:
    """Half-open offsets of part of a text."""

    start: int
    end: int


def split_at_field_breaks(text: str, start: int, end: int) -> Iterator[TextSpan]:
    """Yield the parts of text[start:end] between field breaks, each without edge spaces."""
    position = start
    for match in FIELD_BREAK.finditer(text, start, end):
        yield from _stripped(text, position, match.start())
        position = match.end()
    yield from _stripped(text, position, end)


def end_before_field_label(text: str, start: int, end: int) -> int:
    """Return where text[start:end] ends without the field labels that close it.

    The first word always stays, so a span is never emptied. A label word that is also a
    listed family name ("Read", "Room") is cut only when "by:", ":" or "#" follows it.
    """
    while True:
        match = _LAST_WORD.search(text, start, end)
        if match is None or match.start() == start:
            return end
        word = match.group().rstrip(" \t,;:.#").lower()
        labelled = _LABEL_TAIL.match(text, start + len(text[start:end].rstrip())) is not None
        if word not in _FIELD_LABELS or (word in last_names() and not labelled):
            return end
        end = start + len(text[start : match.start()].rstrip(" \t,;:"))


def is_field_label(word: str) -> bool:
    """Return whether a word is the label of a header field ("MRN", "DOB:", "Consultant")."""
    return word.rstrip(" \t,;:.#").lower() in _FIELD_LABELS


def precedes_field_value(text: str, end: int) -> bool:
    """Return whether "by:", ":" or "#" follows text[:end], making its last word a label."""
    return _LABEL_TAIL.match(text, end) is not None


def _stripped(text: str, start: int, end: int) -> Iterator[TextSpan]:
    part = text[start:end]
    kept_start = start + len(part) - len(part.lstrip())
    kept_end = start + len(part.rstrip())
    if kept_start < kept_end:
        yield TextSpan(kept_start, kept_end)
