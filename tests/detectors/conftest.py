"""One spaCy pipeline and one detector for the whole detector test session."""

from __future__ import annotations

import pytest
from spacy.language import Language

from detectors.presidio_detector import PresidioDetector
from detectors.spacy_pipeline import DEFAULT_SPACY_MODEL, load_spacy_pipeline


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_spacy_pipeline(DEFAULT_SPACY_MODEL)


@pytest.fixture(scope="session")
def detector(nlp: Language) -> PresidioDetector:
    return PresidioDetector(nlp)
