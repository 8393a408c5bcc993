"""Proxy latency, throughput, memory and streaming, measured against the fake Gemini server.

The same request goes to the fake upstream directly and through `deid-proxy serve`, which
runs as a child process on 127.0.0.1 so that its peak memory can be read on its own. The
proxy's audit log times de-identification (the detection and policy stages) per request,
which separates it from the rest of the proxy's work.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.stats import Summary, summarize
from tests.fakes.gemini import FakeGemini

GENERATE_PATH = "/v1beta/models/fake-model:generateContent"
STREAM_PATH = "/v1beta/models/fake-model:streamGenerateContent?alt=sse"
# A short prompt with little PHI, so that the proxy's own cost is not buried under detection.
PROMPT = (
    "Summarise the follow-up plan in two sentences. The patient, Dana Whitfield, was seen on "
    "03/14/2023 for chest pain; troponin was negative and the cardiologist recommends an "
    "outpatient stress test and a lipid panel."
)
STARTUP_TIMEOUT_SECONDS = 120.0
# Backlog for the fake server's listening socket. The standard library's default of 5 drops
# connections when 16 clients connect at once, and each drop costs a 1 s SYN retransmit.
FAKE_BACKLOG = 128
# Direct and proxied requests alternate in this many rounds per concurrency level.
LATENCY_ROUNDS = 5


@dataclass(frozen=True)
class LatencySeries:
    """End-to-end times of one series of identical requests at one concurrency."""

    concurrency: int
    requests: int
    requests_per_second: float
    latency: Summary


@dataclass(frozen=True)
class ProxyLatency:
    """Direct and proxied latency at one concurrency, and the proxy's de-identification time."""

    concurrency: int
    direct: LatencySeries
    proxied: LatencySeries
    deidentification: Summary
    added_p50_ms: float
    added_p95_ms: float
    overhead_beyond_deid_p50_ms: float


@dataclass(frozen=True)
class StreamTiming:
    """Time to first byte and chunk spacing of streamed responses, direct and proxied."""

    chunks: int
    direct_first_byte: Summary
    proxied_first_byte: Summary
    direct_per_chunk_ms: float
    proxied_per_chunk_ms: float
    added_per_chunk_ms: float


@dataclass(frozen=True)
class RunningProxy:
    """A `deid-proxy serve` child process and where to reach it."""

    url: str
    process: subprocess.Popen[bytes]
    audit_log: Path

    def audit_lines(self) -> list[dict[str, Any]]:
        text = self.audit_log.read_text(encoding="utf-8") if self.audit_log.exists() else ""
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def memory_kib(self, field: str) -> int:
        """Return a /proc/PID/status memory field (VmRSS, VmHWM) in KiB; Linux only."""
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="utf-8")
        for line in status.splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise RuntimeError(f"{field} is missing from /proc/{self.process.pid}/status")


def tune_fake_for_load(fake: FakeGemini) -> None:
    """Make the fake upstream respond without artificial delays under load.

    The fake writes headers and body in separate sends, so without TCP_NODELAY Nagle's
    algorithm and delayed ACKs add about 40 ms to every response on Linux loopback, on the
    direct and the proxied path alike. A larger backlog avoids dropped connections.
    """
    fake.server.RequestHandlerClass.disable_nagle_algorithm = True  # type: ignore[attr-defined]
    # Linux applies a second listen() call's backlog to the already listening socket.
    fake.server.socket.listen(FAKE_BACKLOG)


def request_body(text: str = PROMPT) -> dict[str, Any]:
    """Return a generateContent body with one user turn of `text`."""
    return {"contents": [{"role": "user", "parts": [{"text": text}]}]}


@contextmanager
def running_proxy(upstream_url: str, workdir: Path) -> Iterator[RunningProxy]:
    """Start `deid-proxy serve` on a free loopback port and stop it when the block ends.

    Raises `RuntimeError` when it does not become ready within `STARTUP_TIMEOUT_SECONDS`.
    """
    port = _free_port()
    audit_log = workdir / "audit.jsonl"
    environment = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
        "DEID_VAULT": str(workdir / "vault.sqlite3"),
        "DEID_VAULT_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "DEID_AUDIT_LOG": str(audit_log),
        "DEID_LOG_LEVEL": "WARNING",
        "GEMINI_API_KEY": "benchmark-upstream-key",
    }
    command = [sys.executable, "-m", "proxy.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--upstream-url", upstream_url]
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)
    proxy = RunningProxy(f"http://127.0.0.1:{port}", process, audit_log)
    try:
        _wait_until_ready(proxy)
        yield proxy
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_ready(proxy: RunningProxy) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if proxy.process.poll() is not None:
            raise RuntimeError(f"deid-proxy serve exited with status {proxy.process.returncode}")
        try:
            if httpx.get(proxy.url + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"deid-proxy serve was not ready after {STARTUP_TIMEOUT_SECONDS:.0f} s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class _Samples:
    """Raw timings of requests sent in rounds: durations, request ids and time under load."""

    seconds: list[float]
    request_ids: list[str]
    elapsed: float = 0.0

    def series(self, concurrency: int) -> LatencySeries:
        count = len(self.seconds)
        rate = round(count / self.elapsed, 1)
        return LatencySeries(concurrency, count, rate, summarize(self.seconds))


async def _post_round(
    url: str, body: dict[str, Any], count: int, concurrency: int, samples: _Samples
) -> None:
    """Send `count` identical POSTs with at most `concurrency` in flight; raise on non-200."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)

    async with httpx.AsyncClient(limits=limits, timeout=120) as client:

        async def one() -> None:
            async with gate:
                started = time.perf_counter()
                response = await client.post(url, json=body)
                samples.seconds.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"POST {url} returned status {response.status_code}")
            samples.request_ids.append(response.headers.get("x-request-id", ""))

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(count)))
        samples.elapsed += time.perf_counter() - started


def measure_latency(
    fake: FakeGemini, proxy: RunningProxy, count: int, concurrency: int
) -> ProxyLatency:
    """Time `count` generateContent calls directly and through the proxy at one concurrency.

    The two paths alternate in rounds of `LATENCY_ROUNDS` parts, so that a change in
    background load falls on both. The overhead pairs each proxied request with its own
    de-identification time from the audit log.
    """
    body = request_body()
    warmup = _Samples([], [])
    asyncio.run(_post_round(fake.url + GENERATE_PATH, body, concurrency, concurrency, warmup))
    asyncio.run(_post_round(proxy.url + GENERATE_PATH, body, concurrency, concurrency, warmup))

    direct, proxied = _Samples([], []), _Samples([], [])
    per_round = max(count // LATENCY_ROUNDS, concurrency)
    for _ in range(LATENCY_ROUNDS):
        asyncio.run(_post_round(fake.url + GENERATE_PATH, body, per_round, concurrency, direct))
        asyncio.run(_post_round(proxy.url + GENERATE_PATH, body, per_round, concurrency, proxied))

    deid_by_id = _deidentification_seconds(proxy.audit_lines())
    deid = [deid_by_id[request_id] for request_id in proxied.request_ids]
    beyond = [total - part for total, part in zip(proxied.seconds, deid, strict=True)]
    direct_series, proxied_series = direct.series(concurrency), proxied.series(concurrency)
    return ProxyLatency(
        concurrency=concurrency,
        direct=direct_series,
        proxied=proxied_series,
        deidentification=summarize(deid),
        added_p50_ms=round(proxied_series.latency.median_ms - direct_series.latency.median_ms, 3),
        added_p95_ms=round(proxied_series.latency.p95_ms - direct_series.latency.p95_ms, 3),
        overhead_beyond_deid_p50_ms=round(
            summarize(beyond).median_ms - direct_series.latency.median_ms, 3
        ),
    )


def _deidentification_seconds(lines: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Map each successful request id to its detection plus policy time, in seconds."""
    return {
        line["request_id"]: (
            line["latency_ms"].get("detection", 0.0) + line["latency_ms"].get("policy", 0.0)
        )
        / 1000
        for line in lines
        if line.get("status") == 200
    }


async def _stream_once(client: httpx.AsyncClient, url: str, body: dict[str, Any]) -> list[float]:
    """Return the arrival time of each server-sent event, in seconds after the request."""
    arrivals: list[float] = []
    started = time.perf_counter()
    async with client.stream("POST", url, json=body) as response:
        if response.status_code != 200:
            raise RuntimeError(f"POST {url} returned status {response.status_code}")
        async for line in response.aiter_lines():
            if line.startswith("data:"):
                arrivals.append(time.perf_counter() - started)
    return arrivals


async def _stream_series(url: str, body: dict[str, Any], count: int) -> list[list[float]]:
    async with httpx.AsyncClient(timeout=120) as client:
        await _stream_once(client, url, body)
        return [await _stream_once(client, url, body) for _ in range(count)]


def measure_streaming(
    fake: FakeGemini, proxy: RunningProxy, count: int, chunk_size: int = 8
) -> StreamTiming:
    """Stream the prompt back in `chunk_size`-character chunks, directly and proxied."""
    fake.behaviour.chunk_size = chunk_size
    body = request_body()
    direct = asyncio.run(_stream_series(fake.url + STREAM_PATH, body, count))
    proxied = asyncio.run(_stream_series(proxy.url + STREAM_PATH, body, count))
    direct_spacing = _per_chunk_ms(direct)
    proxied_spacing = _per_chunk_ms(proxied)
    return StreamTiming(
        chunks=round(sum(len(arrivals) for arrivals in proxied) / len(proxied)),
        direct_first_byte=summarize([arrivals[0] for arrivals in direct]),
        proxied_first_byte=summarize([arrivals[0] for arrivals in proxied]),
        direct_per_chunk_ms=direct_spacing,
        proxied_per_chunk_ms=proxied_spacing,
        added_per_chunk_ms=round(proxied_spacing - direct_spacing, 4),
    )


def _per_chunk_ms(series: Sequence[Sequence[float]]) -> float:
    """Median time between the first and the last event, divided by the gaps between them."""
    spacings = sorted(
        (arrivals[-1] - arrivals[0]) * 1000 / (len(arrivals) - 1)
        for arrivals in series
        if len(arrivals) > 1
    )
    if not spacings:
        raise RuntimeError("no streamed response had more than one chunk")
    return round(spacings[len(spacings) // 2], 4)
