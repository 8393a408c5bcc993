"""The "Performance" section of docs/benchmarks.md, rendered from one benchmark run.

The section lives between two HTML comment markers, so a rerun replaces only it and leaves
every other section of the page as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.documents import FLOOR, OURS, PRESIDIO, CorpusTiming
from benchmarks.proxy_load import ProxyLatency, StreamTiming

START_MARKER = "<!-- performance:start (written by `python -m benchmarks.run`) -->"
END_MARKER = "<!-- performance:end -->"


@dataclass(frozen=True)
class Machine:
    """The machine and the software versions of one run."""

    cpus: int
    platform: str
    python: str
    spacy: str
    presidio: str
    spacy_model: str
    load_average: float


@dataclass(frozen=True)
class ProxyRun:
    """Everything measured through `deid-proxy serve`."""

    latency: list[ProxyLatency]
    streaming: StreamTiming
    startup_rss_mib: float
    peak_rss_mib: float


@dataclass(frozen=True)
class BenchmarkRun:
    """One run of the suite, as written to benchmarks/results/<date>.json."""

    date: str
    command: str
    machine: Machine
    corpora: list[CorpusTiming]
    growth_64k_vs_1k: float | None
    proxy: ProxyRun | None


def replace_section(page: str, section: str) -> str:
    """Return `page` with the text between the markers replaced by `section`.

    A page without the markers gets them, with the section, appended at its end.
    """
    block = f"{START_MARKER}\n{section.strip()}\n{END_MARKER}"
    if START_MARKER in page and END_MARKER in page:
        head, _, rest = page.partition(START_MARKER)
        _, _, tail = rest.partition(END_MARKER)
        return head + block + tail
    return page.rstrip() + "\n\n" + block + "\n"


def render_section(run: BenchmarkRun) -> str:
    """Render the Markdown of the "Performance" section."""
    machine = run.machine
    lines = [
        "## Performance",
        "",
        (
            f"Measured on {run.date} on a {machine.cpus}-core CPU-only machine ({machine.platform}), "
            f"Python {machine.python}, spaCy {machine.spacy} with `{machine.spacy_model}`, "
            f"Presidio {machine.presidio}, the default policy and MedGemma off; the 1-minute load "
            f"average was {machine.load_average:.2f} when the run started. Command:"
        ),
        "",
        "```",
        run.command,
        "```",
        "",
        *_document_table(run.corpora),
        "",
        *_growth_line(run.growth_64k_vs_1k),
    ]
    if run.proxy is not None:
        lines += ["", *_proxy_tables(run.proxy)]
    lines += ["", *_targets(run), "", *_method_notes()]
    return "\n".join(lines)


def _document_table(corpora: Sequence[CorpusTiming]) -> list[str]:
    header = [
        (
            "De-identification time per document in milliseconds, median / p95, one document per "
            "call. The ratios compare medians; the ratios of means (equal to ratios of total time) "
            "are in brackets. The last column is deid-proxy's mean time per document when "
            "`redact --jsonl` hands it 32 documents per call."
        ),
        "",
        (
            "| corpus | documents | mean characters | deid-proxy | Presidio | spaCy alone "
            "| deid-proxy / Presidio | deid-proxy / spaCy | deid-proxy, batches of 32 |"
        ),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = [
        f"| {timing.corpus} | {timing.documents:,} | {timing.mean_chars:,} "
        f"| {_pair(timing, OURS)} | {_pair(timing, PRESIDIO)} | {_pair(timing, FLOOR)} "
        f"| {_ratio(timing.ours_vs_presidio)} ({_ratio(timing.mean_ratio_vs_presidio)}) "
        f"| {_ratio(timing.ours_vs_floor)} ({_ratio(timing.mean_ratio_vs_floor)}) "
        f"| {timing.batched_mean_ms:.1f} |"
        for timing in corpora
    ]
    return header + rows


def _pair(timing: CorpusTiming, system: str) -> str:
    summary = timing.systems[system]
    return f"{summary.median_ms:.1f} / {summary.p95_ms:.1f}"


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def _growth_line(growth: float | None) -> list[str]:
    if growth is None:
        return ["The 1 KB or the 64 KB notes were not measured in this run."]
    return [f"A 64 KB note costs deid-proxy {growth:.1f} times as much as a 1 KB note (median)."]


def _proxy_tables(proxy: ProxyRun) -> list[str]:
    lines = [
        (
            "Proxy latency for one short generateContent request (about 230 characters, one name "
            "and one date) in milliseconds, sent to the fake Gemini server directly and through "
            "`deid-proxy serve`, alternating in 5 rounds. De-identification is the detection and "
            "policy stages from the proxy's audit log. The overhead is the median of each proxied "
            "request's time minus its own de-identification time, less the direct median."
        ),
        "",
        (
            "| concurrency | direct p50 / p95 | proxied p50 / p95 | added p50 / p95 "
            "| de-identification p50 | overhead beyond de-identification p50 | proxied requests/s |"
        ),
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for item in proxy.latency:
        lines.append(
            f"| {item.concurrency} "
            f"| {item.direct.latency.median_ms:.2f} / {item.direct.latency.p95_ms:.2f} "
            f"| {item.proxied.latency.median_ms:.2f} / {item.proxied.latency.p95_ms:.2f} "
            f"| {item.added_p50_ms:.2f} / {item.added_p95_ms:.2f} "
            f"| {item.deidentification.median_ms:.2f} | {item.overhead_beyond_deid_p50_ms:.2f} "
            f"| {item.proxied.requests_per_second:.1f} |"
        )
    stream = proxy.streaming
    lines += [
        "",
        (
            f"Memory of the proxy process: {proxy.startup_rss_mib:.0f} MiB resident after start-up, "
            f"{proxy.peak_rss_mib:.0f} MiB at its peak over the whole run (VmHWM)."
        ),
        "",
        (
            f"Streaming (`alt=sse`, the same prompt echoed back in {stream.chunks} chunks of 8 "
            "characters), in milliseconds:"
        ),
        "",
        "| path | time to first byte p50 / p95 | time per chunk |",
        "| --- | ---: | ---: |",
        (
            f"| direct | {stream.direct_first_byte.median_ms:.2f} / "
            f"{stream.direct_first_byte.p95_ms:.2f} | {stream.direct_per_chunk_ms:.3f} |"
        ),
        (
            f"| through deid-proxy | {stream.proxied_first_byte.median_ms:.2f} / "
            f"{stream.proxied_first_byte.p95_ms:.2f} | {stream.proxied_per_chunk_ms:.3f} |"
        ),
        "",
        f"Added delay per chunk: {stream.added_per_chunk_ms:.3f} ms.",
    ]
    return lines


def _targets(run: BenchmarkRun) -> list[str]:
    """List each target with the worst measured value and whether this run met it."""
    checks = [
        (
            "deid-proxy / Presidio, worst median ratio",
            [t.ours_vs_presidio for t in run.corpora],
            1.0,
        ),
        (
            "deid-proxy / spaCy alone, worst median ratio",
            [t.ours_vs_floor for t in run.corpora],
            1.3,
        ),
        ("64 KB / 1 KB cost", [run.growth_64k_vs_1k], 70.0),
    ]
    if run.proxy is not None:
        single = [item for item in run.proxy.latency if item.concurrency == 1]
        checks.append(
            (
                "overhead beyond de-identification, p50 ms at concurrency 1",
                [item.overhead_beyond_deid_p50_ms for item in single],
                5.0,
            )
        )
        checks.append(("added delay per chunk, ms", [run.proxy.streaming.added_per_chunk_ms], 1.0))
    lines = ["Against the targets:", ""]
    for label, values, limit in checks:
        measured = [value for value in values if value is not None]
        if not measured:
            lines.append(f"- {label}: not measured (target at most {limit:g})")
            continue
        worst = max(measured)
        verdict = "met" if worst <= limit else "not met"
        lines.append(f"- {label}: {worst:.2f}, target at most {limit:g}: {verdict}")
    return lines


def _method_notes() -> list[str]:
    return [
        (
            "The load generator, the fake Gemini server and the proxy share the same cores, so "
            "the proxy figures include their contention, and requests/s is a lower bound. Each "
            "document is timed once per system, with the order of the systems rotated per "
            "document, so that background load falls on the three about equally. At "
            "concurrency 16 most of the added time is spent waiting for one of the "
            "DEID_DETECTION_CONCURRENCY detection slots (2 by default)."
        ),
    ]
