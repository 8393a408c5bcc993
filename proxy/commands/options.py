"""Command-line options shared by several sub-commands, and settings built from them."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from proxy.settings import Settings, load_settings

# Loggers of libraries that log request URLs (with query strings) or bodies at INFO or DEBUG.
CHATTY_LOGGERS = ("httpx", "httpx2", "httpcore", "httpcore2", "urllib3", "google_genai", "uvicorn.access")


def add_detection_options(parser: argparse.ArgumentParser) -> None:
    """Add --policy, --spacy-model and the MedGemma options (each also a DEID_* variable)."""
    parser.add_argument(
        "--policy", help="policy preset name or YAML file (DEID_POLICY; default hipaa-safe-harbor)"
    )
    parser.add_argument(
        "--spacy-model",
        help="spaCy pipeline package or folder (DEID_SPACY_MODEL; default en_core_web_md)",
    )
    parser.add_argument(
        "--medgemma-model",
        help="MedGemma folder or cached hub id, run in-process (DEID_MEDGEMMA_MODEL)",
    )
    parser.add_argument(
        "--medgemma-url",
        help="base URL ending in /v1 of a local OpenAI-compatible server (DEID_MEDGEMMA_URL)",
    )
    parser.add_argument(
        "--medgemma-model-name",
        help="model name to request from that server (DEID_MEDGEMMA_MODEL_NAME; default medgemma)",
    )
    parser.add_argument(
        "--medgemma-timeout-seconds",
        type=float,
        help="seconds to wait for MedGemma (DEID_MEDGEMMA_TIMEOUT_SECONDS; default 60)",
    )
    parser.add_argument(
        "--medgemma-allow-remote",
        action="store_const",
        const=True,
        help="accept a MedGemma URL outside loopback and private networks (DEID_MEDGEMMA_ALLOW_REMOTE)",
    )
    parser.add_argument(
        "--log-level", help="DEBUG, INFO, WARNING or ERROR (DEID_LOG_LEVEL; default INFO)"
    )


def settings_from(arguments: argparse.Namespace, **extra: Any) -> Settings:
    """Build settings from the parsed flags over the environment; unset flags are skipped."""
    names = (
        "policy",
        "spacy_model",
        "medgemma_model",
        "medgemma_url",
        "medgemma_model_name",
        "medgemma_timeout_seconds",
        "medgemma_allow_remote",
        "log_level",
    )
    overrides = {name: getattr(arguments, name, None) for name in names}
    return load_settings(**overrides, **extra)


def configure_logging(level: str) -> None:
    """Send log lines to stderr at `level`, keeping libraries that log URLs or bodies quiet."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").disabled = True
