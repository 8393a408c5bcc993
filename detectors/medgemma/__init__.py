"""MedGemma as a local PHI detector, run in this process or behind a local server.

`create_medgemma_detector` builds the detector from a `MedGemmaConfig`. The model only ever
runs on this machine or on a server inside the site's network: weights are never downloaded and
remote servers are rejected unless explicitly allowed.
"""

from __future__ import annotations

from detectors.errors import ConfigurationError
from detectors.medgemma.backend import Completion, CompletionBackend
from detectors.medgemma.config import MedGemmaConfig
from detectors.medgemma.detector import MedGemmaDetector, MedGemmaStats
from detectors.medgemma.openai_backend import OpenAICompatibleBackend
from detectors.medgemma.transformers_backend import TransformersBackend, load_model

__all__ = [
    "Completion",
    "CompletionBackend",
    "MedGemmaConfig",
    "MedGemmaDetector",
    "MedGemmaStats",
    "create_medgemma_detector",
]


def create_medgemma_detector(config: MedGemmaConfig) -> MedGemmaDetector:
    """Build the detector for `config`, loading the in-process model now if one is named.

    Raises ConfigurationError unless exactly one of `model` and `url` is set, when the URL is
    not allowed (see `validate_server_url`), or when the model cannot be loaded from local
    files.
    """
    if (config.model is None) == (config.url is None):
        raise ConfigurationError(
            "set exactly one of the MedGemma model (--medgemma-model) "
            "and the MedGemma server URL (--medgemma-url)"
        )
    backend: CompletionBackend
    if config.url is not None:
        backend = OpenAICompatibleBackend(
            config.url,
            model_name=config.model_name,
            timeout_seconds=config.timeout_seconds,
            max_new_tokens=config.max_new_tokens,
            allow_remote=config.allow_remote,
            api_key=config.api_key,
        )
    else:
        assert config.model is not None  # for mypy: guarded by the check above
        loaded = load_model(config.model, device=config.device, cache_dir=config.cache_dir)
        backend = TransformersBackend(loaded, max_new_tokens=config.max_new_tokens)
    return MedGemmaDetector(backend, config)
