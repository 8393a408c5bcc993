"""Prometheus metrics, fed from each finished request's audit record.

Labels are route, status, stage and entity type only: never a session id, tenant key or value.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from proxy.audit import RequestRecord

# Upper bounds in seconds, from sub-millisecond policy steps to slow upstream responses.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Metrics:
    """The proxy's metrics in a registry of their own, so several apps can share a process."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "deid_requests",
            "Requests served, by route and HTTP status.",
            ["route", "status"],
            registry=self.registry,
        )
        self.errors = Counter(
            "deid_request_errors",
            "Requests answered with an error status, by route and status.",
            ["route", "status"],
            registry=self.registry,
        )
        self.refusals = Counter(
            "deid_refusals",
            "Requests refused because de-identification failed (fail closed).",
            ["route"],
            registry=self.registry,
        )
        self.stage_seconds = Histogram(
            "deid_stage_seconds",
            "Time spent per stage: detection, policy, upstream, restore.",
            ["stage"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "deid_request_seconds",
            "Time from request start to the answer (or stream end).",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.findings = Counter(
            "deid_findings",
            "PHI findings replaced, by entity type.",
            ["entity_type"],
            registry=self.registry,
        )
        self.tokens_restored = Counter(
            "deid_tokens_restored",
            "Tokens restored in answers.",
            registry=self.registry,
        )
        self.tokens_unresolved = Counter(
            "deid_tokens_unresolved",
            "Token-shaped text in answers that is not in the caller's session.",
            registry=self.registry,
        )
        self.tokens_altered = Counter(
            "deid_tokens_altered",
            "Tokens restored only through a tolerant match.",
            registry=self.registry,
        )

    def observe(self, record: RequestRecord, total_seconds: float) -> None:
        """Count one finished request."""
        status = str(record.status or 0)
        self.requests.labels(record.route, status).inc()
        if record.status is not None and record.status >= 400:
            self.errors.labels(record.route, status).inc()
        if record.outcome == "refused":
            self.refusals.labels(record.route).inc()
        for stage, seconds in record.stage_seconds.items():
            self.stage_seconds.labels(stage).observe(seconds)
        self.request_seconds.labels(record.route).observe(total_seconds)
        for entity_type, count in record.entity_counts.items():
            self.findings.labels(entity_type).inc(count)
        self.tokens_restored.inc(record.restored)
        self.tokens_unresolved.inc(record.unknown)
        self.tokens_altered.inc(record.altered)

    def render(self) -> bytes:
        """Return the Prometheus text exposition of every metric."""
        return generate_latest(self.registry)
