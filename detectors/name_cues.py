"""Words that introduce a person's name: titles and family or social relations."""

from __future__ import annotations

import re

TITLE = (
    r"(?:Dr|Drs|Mr|Mrs|Ms|Mx|Miss|Prof|Professor|Nurse|Sister|Father|Rev|Reverend|Capt|Sgt|"
    r"Officer|Judge|Doctor|Pastor|Rabbi|Imam|Sr|Sra|Srta|Don|Dona|Herr|Frau|Mme|Mlle)"
)
RELATION = (
    r"(?:son|daughter|wife|husband|mother|mom|mum|father|dad|brother|sister|partner|spouse|"
    r"friend|neighbou?r|caregiver|carer|grandson|granddaughter|grandmother|grandma|"
    r"grandfather|grandpa|aunt|uncle|niece|nephew|cousin|fianc[eé]e?|boyfriend|girlfriend|"
    r"roommate|guardian|stepson|stepdaughter|child|baby|kid)"
)

# A title alone ("Dr", "Mrs."), which is never a name by itself.
TITLE_ONLY = re.compile(rf"(?i:{TITLE})\.?")

# Words right before a name that make a single capitalised word a name ("Dr. Wells",
# "my daughter Grace", "her name is Hope", "called Rose").
_CUE_BEFORE = re.compile(
    rf"(?:\b(?i:{TITLE})\.?|\b(?i:{RELATION})\s*,?|\b(?i:name\s+is|named|called|call\s+me))"
    r"[ \t]+$"
)
_CUE_WINDOW = 40


def has_cue_before(text: str, start: int) -> bool:
    """Return whether a title, relation word or introduction ends right before text[start]."""
    return _CUE_BEFORE.search(text, max(0, start - _CUE_WINDOW), start) is not None
