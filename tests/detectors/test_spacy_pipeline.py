"""Loading spaCy pipelines by name without downloading."""

from __future__ import annotations

import pytest

from detectors.errors import ConfigurationError
from detectors.spacy_pipeline import load_spacy_pipeline


def test_small_pipeline_resolves_to_package() -> None:
    nlp = load_spacy_pipeline("en_core_web_sm")
    assert "ner" in nlp.pipe_names


def test_missing_pipeline_names_setting(tmp_path: object) -> None:
    with pytest.raises(ConfigurationError, match="DEID_SPACY_MODEL"):
        load_spacy_pipeline("en_core_web_not_installed")
