"""Name forms found without a title or label, and clinical words that must stay."""

from __future__ import annotations

import pytest

from detectors.findings import EntityType
from detectors.presidio_detector import PresidioDetector
from detectors.recognizers.name_groups import names_in_lists, speaker_names

# (text, name that must be covered by a PERSON finding)
NAME_FORMS = [
    ("Seen with her sister Žaneta Horváthová at the bedside.", "Horváthová"),
    ("Interpreter Þórunn Sigurðardóttir joined by phone.", "Sigurðardóttir"),
    ("Discussed the plan with Ørjan Bråthen and his wife.", "Ørjan Bråthen"),
    ("Collateral from Grzegorz Wójcik, her neighbour.", "Grzegorz Wójcik"),
    ("Report faxed to Κωνσταντίνος Παπαδόπουλος yesterday.", "Παπαδόπουλος"),
    ("Consent signed by Ирина Петрова in Russian.", "Петрова"),
    ("Drago Marković brought the medication list.", "Marković"),
    ("Case reviewed with Aino Virtanen from the day unit.", "Virtanen"),
    ("Referred by Branka R Jelić for the rash.", "Branka R Jelić"),
    ("please call back ingrid m. halvorsen tomorrow", "ingrid m. halvorsen"),
    ("spoke to patricia gonzalez about the results", "patricia gonzalez"),
    ("my name is višeslav and i had the scan", "višeslav"),
    ("Aurelio lives with his daughter and walks daily.", "Aurelio"),
    ("Dr. Wells reviewed the CT.", "Wells"),
    ("Family present: Okafor, Lindqvist and Brennan.", "Lindqvist"),
    ("children at home: mateo, lucia and valentina", "lucia"),
]

# Clinical text with eponyms, drugs, scales, section headings and abbreviation lists.
CLINICAL_TEXT = [
    "Plan: continue metoprolol.\nDiet: cardiac.\nActivity: as tolerated.",
    "Assessment: Graves disease.\nPlan: start methimazole and recheck TSH.",
    "History of Parkinson and Alzheimer disease, both stable.",
    "Wells score 4, Glasgow 15, Apgar 8 and 9.",
    "Hx of HTN, CKD and COPD on lisinopril and tiotropium.",
    "Hepatitis B surface antigen negative; vitamin D level low.",
    "Factor V Leiden heterozygote, on warfarin.",
    "Graves and Hashimoto disease were both considered.",
    "Started Lasix, Coumadin and Zocor on admission.",
    "Don't stop the aspirin before surgery.",
    "Ohio and Indiana residents are eligible for the trial.",
]


@pytest.mark.parametrize(("text", "name"), NAME_FORMS, ids=[name for _, name in NAME_FORMS])
def test_name_form_found(detector: PresidioDetector, text: str, name: str) -> None:
    start = text.index(name)
    findings = detector.detect([text])[0]
    covering = [
        finding
        for finding in findings
        if finding.entity_type is EntityType.PERSON
        and finding.start <= start
        and start + len(name) <= finding.end
    ]
    assert covering, f"no PERSON finding covers offsets {start}-{start + len(name)}"


@pytest.mark.parametrize("text", CLINICAL_TEXT, ids=[text[:28] for text in CLINICAL_TEXT])
def test_clinical_text_has_no_person(detector: PresidioDetector, text: str) -> None:
    findings = detector.detect([text])[0]
    persons = [text[f.start : f.end] for f in findings if f.entity_type is EntityType.PERSON]
    assert persons == []


def test_speaker_labels_of_dialogue() -> None:
    text = "Ubul: Where were you?\nNicole: At the clinic.\nJohn: Both of you, sit down."
    found = [text[finding.start : finding.end] for finding in speaker_names(text)]
    assert found == ["Ubul", "Nicole", "John"]


def test_speaker_labels_in_lower_case() -> None:
    text = 'mika: "who is there?"\ntracy:"just me".'
    found = [text[finding.start : finding.end] for finding in speaker_names(text)]
    assert found == ["mika", "tracy"]


def test_section_headings_not_speakers() -> None:
    text = "Subjective: feels well.\nObjective: afebrile.\nAssessment: improving.\nPlan: home."
    assert speaker_names(text) == []


def test_single_speaker_line_not_dialogue() -> None:
    assert speaker_names("Nicole: see you at noon") == []


def test_list_with_eponym_noun_skipped() -> None:
    assert names_in_lists("Known Graves and Hashimoto disease.", []) == []


def test_list_of_abbreviations_skipped() -> None:
    assert names_in_lists("pt w/ hx of HTN & CKD, seen today", []) == []


def test_list_keeps_everyday_word_out() -> None:
    text = "Founders: Novak, Bowman and White."
    found = [text[finding.start : finding.end] for finding in names_in_lists(text, [])]
    assert found == ["Novak", "Bowman"]
