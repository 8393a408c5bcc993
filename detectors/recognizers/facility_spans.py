"""Facility findings trimmed to the facility's own words, and facilities that NER tags as people.

spaCy and the capitalised-word rules sometimes take in words around a facility name: the
exam title on the next line of a report header ("Lakeshore Medical Center\\nCT HEAD") or the
verb that opens a plan line ("Follow Mayo Clinic protocol"). They also tag some facility
names as people ("Beth Israel Deaconess").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from spacy.language import Language

from detectors.findings import EntityType, Finding
from detectors.recognizers.patterns import RULES_DETECTOR
from detectors.recognizers.places import FACILITY_SUFFIX

# Text before a sentence's first word: nothing, a line break, a label colon, a sentence end
# or a list bullet, each followed by spaces or tabs.
_SENTENCE_OPENING = re.compile(r"(?:^|[\n:.!?•*\-])[ \t]*$")
_LOOKBEHIND_CHARS = 12
_FIRST_WORD = re.compile(r"[A-Za-z]+(?=[ \t]+[A-Z])")
_FACILITY_WORD = re.compile(r"[^\s,;:()]+")
_CARE_WORD_AT_LINE_END = re.compile(rf"\b{FACILITY_SUFFIX}[.,]?[ \t]*$")
# A capitalised care word right after a name: "Beth Israel Deaconess Medical Center".
_CARE_WORD_AFTER = re.compile(rf"[ \t]+(?=[A-Z]){FACILITY_SUFFIX}\b")


def verbs_only(nlp: Language) -> frozenset[str]:
    """Return the lower-case words that the pipeline's lemmatizer lists as verbs and never as nouns.

    The table is WordNet's index in spaCy's rule lemmatizer. A pipeline without one yields an
    empty set, so no leading word is then trimmed as a verb.
    """
    # NOTE: verbs that are also nouns ("Contact", "Call", "Schedule") are not in the set, so
    # "Contact Mayo Clinic" at the start of a sentence stays one facility finding.
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return frozenset()
    index = lookups.get_table("lemma_index")
    return frozenset(index.get("verb", ())) - frozenset(index.get("noun", ()))


def tidy_facility_findings(
    text: str, findings: Iterable[Finding], verbs: frozenset[str]
) -> list[Finding]:
    """Return the findings with facility spans trimmed and facility names typed as facilities.

    An ORGANIZATION finding that spans lines keeps only the facility name's lines (see
    `_facility_line`). It also loses a first word that opens a sentence and is in `verbs`.
    A PERSON finding becomes ORGANIZATION, with the same span, when a capitalised care word
    follows it or a facility finding of the rules covers it.
    """
    findings = list(findings)
    facility_spans = [
        finding
        for finding in findings
        if finding.entity_type is EntityType.ORGANIZATION and finding.detector == RULES_DETECTOR
    ]
    tidied: list[Finding] = []
    for finding in findings:
        if finding.entity_type is EntityType.PERSON:
            tidied.append(_retype_facility(text, finding, facility_spans))
        elif finding.entity_type is EntityType.ORGANIZATION:
            tidied.extend(_trim_facility(text, finding, verbs))
        else:
            tidied.append(finding)
    return tidied


def _retype_facility(text: str, finding: Finding, facility_spans: Sequence[Finding]) -> Finding:
    covered = any(
        facility.start <= finding.start and finding.end <= facility.end
        for facility in facility_spans
    )
    if not covered and _CARE_WORD_AFTER.match(text, finding.end) is None:
        return finding
    return Finding(
        EntityType.ORGANIZATION, finding.start, finding.end, finding.score, finding.detector
    )


def _trim_facility(text: str, finding: Finding, verbs: frozenset[str]) -> Iterator[Finding]:
    start, end = _facility_line(text, finding)
    first_word = _FIRST_WORD.match(text, start, end)
    opening = text[max(0, start - _LOOKBEHIND_CHARS) : start]
    if (
        first_word is not None
        and first_word.group().lower() in verbs
        and _SENTENCE_OPENING.search(opening) is not None
    ):
        start = first_word.end()
        while start < end and text[start] in " \t":
            start += 1
    end = _without_trailing_lower_words(text, start, end)
    if start < end:
        yield Finding(finding.entity_type, start, end, finding.score, finding.detector)


def _without_trailing_lower_words(text: str, start: int, end: int) -> int:
    """Return where a facility name ends without trailing lower-case words.

    "Mercy General cardiology" names the facility "Mercy General"; the department word is
    clinical content. A name written wholly in lower case is left as it is.
    """
    words = list(_FACILITY_WORD.finditer(text, start, end))
    if not any(word.group()[0].isupper() for word in words):
        return end
    while len(words) > 1 and words[-1].group()[0].islower():
        words.pop()
    return words[-1].end() if words else end


def _facility_line(text: str, finding: Finding) -> tuple[int, int]:
    """Return the start and end of the facility name inside a finding that spans lines.

    The name ends with the first line that closes with a care word. It starts on that line
    too, unless the line contains only the care word ("Lakeshore Regional\nMedical Center"):
    then the name was wrapped and the lines before it stay.
    """
    line_start = finding.start
    while line_start < finding.end:
        line_break = text.find("\n", line_start, finding.end)
        line_end = finding.end if line_break == -1 else line_break
        line = text[line_start:line_end].rstrip("\r")
        care_word = _CARE_WORD_AT_LINE_END.search(line)
        if care_word is not None:
            has_name = any(character.isalpha() for character in line[: care_word.start()])
            return (line_start if has_name else finding.start), line_start + len(line)
        line_start = line_end + 1
    return finding.start, finding.end
