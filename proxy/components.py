"""Building the long-lived parts of the proxy from settings, once, at start-up."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import anyio

from detectors.base import Detector
from detectors.errors import ConfigurationError
from detectors.medgemma import MedGemmaConfig, create_medgemma_detector
from detectors.presidio_detector import PresidioDetector
from detectors.spacy_pipeline import load_spacy_pipeline
from policies.loader import load_policy, policy_digest
from policies.schema import Policy
from proxy.audit import AuditLog
from proxy.auth import ClientKeys, parse_client_keys
from proxy.gateway import Gateway
from proxy.metrics import Metrics
from proxy.pipeline import OnlyTypes, Pipeline
from proxy.settings import Settings
from proxy.upstream import GeminiUpstream, Upstream
from proxy.vault import VaultBackend, default_key_file, open_vault
from proxy.vault.crypto import load_master_key

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Components:
    """Everything a running proxy shares between requests."""

    settings: Settings
    gateway: Gateway
    client_keys: ClientKeys
    audit: AuditLog
    metrics: Metrics
    policy_digest: str

    @property
    def pipeline(self) -> Pipeline:
        return self.gateway.pipeline

    @property
    def vault(self) -> VaultBackend:
        return self.gateway.vault


def build_pipeline(settings: Settings, policy: Policy | None = None) -> Pipeline:
    """Load the policy and build the detectors it enables.

    Raises `ConfigurationError` when the policy enables MedGemma and neither
    DEID_MEDGEMMA_MODEL nor DEID_MEDGEMMA_URL is set.
    """
    policy = policy or load_policy(settings.policy)
    detectors: list[Detector] = []
    if policy.detectors.presidio:
        detectors.append(
            PresidioDetector(
                load_spacy_pipeline(settings.spacy_model),
                allow_terms=tuple(policy.allow_list),
                deny_terms=tuple((term.text, term.entity_type) for term in policy.deny_list),
            )
        )
    medgemma = _medgemma_detector(settings, policy)
    mode = _medgemma_mode(settings, policy)
    if medgemma is not None and mode in ("union", "types"):
        detectors.append(medgemma)
    second_look = medgemma if mode == "second-look" else None
    return Pipeline(detectors, policy, second_look=second_look)


def _medgemma_mode(settings: Settings, policy: Policy) -> str:
    """Return how MedGemma is used: a configured backend under a policy that leaves MedGemma
    off still runs, as `union`, because a site that sets a backend expects it to be used."""
    mode = policy.detectors.medgemma.mode
    configured = settings.medgemma_model is not None or settings.medgemma_url is not None
    return "union" if mode == "off" and configured else mode


def _medgemma_detector(settings: Settings, policy: Policy) -> Detector | None:
    configured = settings.medgemma_model is not None or settings.medgemma_url is not None
    mode = _medgemma_mode(settings, policy)
    if mode == "off":
        return None
    if not configured:
        raise ConfigurationError(
            f"policy {policy.name!r} uses MedGemma ({mode}) but no MedGemma backend is set: "
            "set DEID_MEDGEMMA_MODEL (--medgemma-model) or DEID_MEDGEMMA_URL (--medgemma-url)"
        )
    config = MedGemmaConfig(
        model=settings.medgemma_model,
        url=settings.medgemma_url,
        model_name=settings.medgemma_model_name,
        timeout_seconds=settings.medgemma_timeout_seconds,
        allow_remote=settings.medgemma_allow_remote,
    )
    detector: Detector = create_medgemma_detector(config)
    if mode == "types":
        detector = OnlyTypes(detector, frozenset(policy.detectors.medgemma.entity_types))
    return detector


def build_components(settings: Settings, pipeline: Pipeline | None = None) -> Components:
    """Build the pipeline, vault, upstream, keys and audit log; raise on any bad setting."""
    pipeline = pipeline or build_pipeline(settings)
    key = load_master_key(
        settings.vault_key.get_secret_value() if settings.vault_key else None,
        settings.vault_key_file or default_key_file(settings.vault),
    )
    vault = open_vault(settings.vault, key, ttl_seconds=pipeline.policy.session.ttl_seconds)
    upstream: Upstream = GeminiUpstream(
        settings.upstream_url, settings.gemini_api_key, settings.upstream_timeout_seconds
    )
    client_keys = parse_client_keys(
        settings.client_keys.get_secret_value() if settings.client_keys else None,
        settings.client_keys_file,
    )
    limiter = anyio.CapacityLimiter(settings.detection_concurrency)
    return Components(
        settings=settings,
        gateway=Gateway(pipeline, vault, upstream, limiter),
        client_keys=client_keys,
        audit=AuditLog(settings.audit_log),
        metrics=Metrics(),
        policy_digest=policy_digest(pipeline.policy),
    )
