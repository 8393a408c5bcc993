"""Synthetic clinical notes of a chosen size, built from templates and Faker with a fixed seed.

Four styles (discharge summary, radiology report, pathology report, patient portal message)
are filled with fake identifiers and repeated section by section until a note reaches its
size. Every value comes from Faker, so nothing here is real PHI, and a given seed always
returns the same notes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from faker import Faker

NOTE_SIZES_BYTES = (1024, 4096, 16384, 65536)
STYLES = ("discharge", "radiology", "pathology", "portal")
_FIRST_VISIT = date(2019, 1, 1)
_LAST_VISIT = date(2023, 12, 31)


@dataclass(frozen=True, slots=True)
class Note:
    """One generated note; `size_bytes` is the UTF-8 size it was cut to."""

    style: str
    size_bytes: int
    text: str


class _Values:
    """Fake identifiers for one patient, drawn once so a note repeats them as real notes do."""

    def __init__(self, fake: Faker, rng: random.Random) -> None:
        self.patient = fake.name()
        self.clinician = f"Dr. {fake.first_name()} {fake.last_name()}"
        self.colleague = f"Dr. {fake.last_name()}"
        self.mrn = f"{rng.randint(10_000_000, 99_999_999)}"
        self.phone = fake.numerify("(###) ###-####")
        self.email = fake.free_email()
        self.street = fake.street_address()
        self.city = fake.city()
        self.zip_code = fake.zipcode()
        self.hospital = f"{fake.last_name()} Memorial Hospital"
        self.age = rng.randint(23, 88)
        self.birth_date = fake.date_between_dates(date(1935, 1, 1), date(2000, 12, 31))
        self.fake = fake

    def date(self) -> str:
        """Return a visit date; the window is fixed so the notes do not depend on today."""
        return self.fake.date_between_dates(_FIRST_VISIT, _LAST_VISIT).strftime("%m/%d/%Y")


def _discharge(values: _Values, rng: random.Random) -> str:
    return (
        f"DISCHARGE SUMMARY\nPatient: {values.patient}  MRN: {values.mrn}\n"
        f"Admitted {values.date()} to {values.hospital}; discharged {values.date()}.\n"
        f"HPI: {values.age}-year-old with {rng.choice(_PROBLEMS)} seen by {values.clinician}. "
        f"{rng.choice(_COURSE)} Home address {values.street}, {values.city} {values.zip_code}.\n"
        f"Plan: follow up with {values.colleague} on {values.date()}; call {values.phone} "
        f"with questions. {rng.choice(_PLANS)}\n\n"
    )


def _radiology(values: _Values, rng: random.Random) -> str:
    return (
        f"RADIOLOGY REPORT  Accession RAD-{rng.randint(100000, 999999)}\n"
        f"Patient {values.patient}, MRN {values.mrn}, exam date {values.date()}.\n"
        f"Exam: {rng.choice(_EXAMS)}. Indication: {rng.choice(_PROBLEMS)}.\n"
        f"Findings: {rng.choice(_FINDINGS)} Compared with the study of {values.date()}.\n"
        f"Impression: {rng.choice(_IMPRESSIONS)} Read by {values.clinician}.\n\n"
    )


def _pathology(values: _Values, rng: random.Random) -> str:
    return (
        f"SURGICAL PATHOLOGY  Case S{rng.randint(10, 99)}-{rng.randint(1000, 9999)}\n"
        f"Name: {values.patient}  DOB: {values.birth_date:%m/%d/%Y}  MRN: {values.mrn}\n"
        f"Received {values.date()} at {values.hospital} from {values.colleague}.\n"
        f"Gross: {rng.choice(_GROSS)}\nDiagnosis: {rng.choice(_DIAGNOSES)}\n"
        f"Signed out by {values.clinician} on {values.date()}.\n\n"
    )


def _portal(values: _Values, rng: random.Random) -> str:
    return (
        f"Message from {values.patient} ({values.email}) sent {values.date()}:\n"
        f"Hi {values.clinician}, {rng.choice(_QUESTIONS)} I am at {values.street}, "
        f"{values.city}, and my cell is {values.phone}. Thanks.\n"
        f"Reply from {values.colleague}: {rng.choice(_REPLIES)}\n\n"
    )


_SECTION_BUILDERS: dict[str, Callable[[_Values, random.Random], str]] = {
    "discharge": _discharge,
    "radiology": _radiology,
    "pathology": _pathology,
    "portal": _portal,
}


def generate_note(style: str, size_bytes: int, seed: int) -> Note:
    """Build one note of `style`, cut at a line end to at most `size_bytes` UTF-8 bytes.

    Raises `ValueError` for an unknown style or a size under 256 bytes.
    """
    if style not in _SECTION_BUILDERS:
        raise ValueError(f"unknown note style {style!r}; use one of {', '.join(STYLES)}")
    if size_bytes < 256:
        raise ValueError(f"note size {size_bytes} is too small; use at least 256 bytes")

    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    values = _Values(fake, rng)
    build = _SECTION_BUILDERS[style]

    text = ""
    while len(text.encode()) < size_bytes:
        text += build(values, rng)
    return Note(style, size_bytes, _cut(text, size_bytes))


def generate_notes(size_bytes: int, count: int, seed: int = 7) -> list[Note]:
    """Build `count` notes of one size, cycling through the four styles."""
    return [
        generate_note(STYLES[index % len(STYLES)], size_bytes, seed * 1_000_003 + index)
        for index in range(count)
    ]


def _cut(text: str, size_bytes: int) -> str:
    """Cut to at most `size_bytes` bytes, at the last line end that fits."""
    head = text.encode()[:size_bytes].decode(errors="ignore")
    line_end = head.rfind("\n")
    return head[: line_end + 1] if line_end > 0 else head


_PROBLEMS = (
    "community-acquired pneumonia",
    "decompensated heart failure",
    "an exacerbation of COPD",
    "new-onset atrial fibrillation",
    "diabetic ketoacidosis",
    "a right lower extremity cellulitis",
    "chest pain, troponin negative",
)
_COURSE = (
    "Treated with IV ceftriaxone and azithromycin, then switched to oral therapy.",
    "Diuresed with IV furosemide with a net negative balance of 4 litres.",
    "Started on apixaban 5 mg twice daily after rate control with metoprolol.",
    "Insulin drip was weaned once the anion gap closed.",
)
_PLANS = (
    "Repeat basic metabolic panel in one week.",
    "Continue home medications except lisinopril, held for low blood pressure.",
    "Smoking cessation counselling was provided.",
)
_EXAMS = ("CT chest with contrast", "MRI brain without contrast", "Chest X-ray, two views")
_FINDINGS = (
    "No acute intracranial hemorrhage. Mild chronic small vessel ischemic change.",
    "Patchy consolidation in the right lower lobe with a small pleural effusion.",
    "Stable 6 mm nodule in the left upper lobe. No lymphadenopathy.",
)
_IMPRESSIONS = (
    "Findings consistent with pneumonia; follow-up imaging in 6 weeks.",
    "No acute process.",
    "Stable appearance; no further imaging needed for the nodule.",
)
_GROSS = (
    "Received in formalin, a tan-pink ellipse of skin measuring 2.1 x 0.8 x 0.4 cm.",
    "Three cores of tan tissue, each about 1.5 cm long, entirely submitted.",
)
_DIAGNOSES = (
    "Basal cell carcinoma, nodular type; margins free of tumour.",
    "Prostatic adenocarcinoma, Gleason score 3+4=7, in two of three cores.",
    "Benign colonic mucosa with no dysplasia.",
)
_QUESTIONS = (
    "my blood pressure has been around 150/95 since the new dose.",
    "can I take ibuprofen with my current prescriptions?",
    "the rash on my arm is spreading; should I come in?",
)
_REPLIES = (
    "Please keep a log for one week and bring it to your next visit.",
    "Acetaminophen is the safer choice; avoid ibuprofen for now.",
    "Please send a photo through the portal and we will call you today.",
)
