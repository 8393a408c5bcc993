"""The audit trail: one JSON line per request, with counts and ids but never a value."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from detectors.errors import ConfigurationError
from proxy.restore import RestoreCounts

logger = logging.getLogger(__name__)


@dataclass
class RequestRecord:
    """Metadata of one request, filled in while it is served. It contains no text, so it is safe to write out."""

    request_id: str
    route: str
    tenant: str = ""
    session_id: str = ""
    session_named: bool = False
    policy_name: str = ""
    policy_digest: str = ""
    detectors: tuple[str, ...] = ()
    entity_counts: Counter[str] = field(default_factory=Counter)
    upstream_status: int | None = None
    status: int | None = None
    outcome: str = "ok"
    restored: int = 0
    unknown: int = 0
    altered: int = 0
    started: float = field(default_factory=time.perf_counter)
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def add_restore_counts(self, counts: RestoreCounts) -> None:
        """Add one response's (or stream's) restore integrity counts."""
        self.restored += counts.restored
        self.unknown += counts.unknown
        self.altered += counts.altered

    def add_stage(self, stage: str, seconds: float) -> None:
        self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + seconds

    def as_json(self) -> dict[str, Any]:
        """Return the audit line; session ids appear only when the client named the session."""
        return {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "request_id": self.request_id,
            "route": self.route,
            "tenant": self.tenant,
            "session": self.session_id if self.session_named else None,
            "policy": {"name": self.policy_name, "sha256": self.policy_digest},
            "detectors": list(self.detectors),
            "entities": dict(sorted(self.entity_counts.items())),
            "upstream_status": self.upstream_status,
            "status": self.status,
            "outcome": self.outcome,
            "restore": {
                "restored": self.restored,
                "unknown": self.unknown,
                "altered": self.altered,
            },
            "latency_ms": {
                "total": round((time.perf_counter() - self.started) * 1000, 2),
                **{
                    stage: round(seconds * 1000, 2) for stage, seconds in self.stage_seconds.items()
                },
            },
        }


class AuditLog:
    """Appends audit lines to a file, or to stdout when the target is "-"."""

    def __init__(self, target: str | None) -> None:
        self._lock = threading.Lock()
        self._stream: IO[str] | None = None
        self._owned = False
        if target == "-":
            self._stream = sys.stdout
        elif target:
            try:
                self._stream = Path(target).open("a", encoding="utf-8")  # noqa: SIM115 - kept open for the process
            except OSError as error:
                raise ConfigurationError(
                    f"DEID_AUDIT_LOG could not be opened for appending ({error.strerror}); "
                    "point it at a writable file, or '-' for stdout"
                ) from None
            self._owned = True

    def write(self, record: RequestRecord) -> None:
        if self._stream is None:
            return
        line = json.dumps(record.as_json(), separators=(",", ":"))
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()

    def close(self) -> None:
        if self._owned and self._stream is not None:
            self._stream.close()
