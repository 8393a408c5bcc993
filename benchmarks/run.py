"""Run the benchmark suite: `python -m benchmarks.run [--quick] [--asq-phi FILE]`.

Writes benchmarks/results/<date>.json and rewrites the "Performance" section of
docs/benchmarks.md. Everything runs on 127.0.0.1; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shlex
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from importlib.metadata import version
from pathlib import Path

# Set before the imports below, which load Presidio, spaCy and the Hugging Face libraries.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Set and empty: tldextract (used by Presidio's e-mail and URL recognizers) never fetches the
# public suffix list.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""

from benchmarks.documents import (
    OURS,
    CorpusTiming,
    System,
    build_systems,
    read_jsonl_texts,
    time_corpus,
)
from benchmarks.notes import NOTE_SIZES_BYTES, generate_notes
from benchmarks.proxy_load import (
    measure_latency,
    measure_streaming,
    running_proxy,
    tune_fake_for_load,
)
from benchmarks.report import (
    BenchmarkRun,
    Machine,
    ProxyRun,
    render_section,
    replace_section,
)
from benchmarks.stats import ratio
from proxy.settings import load_settings
from tests.fakes.gemini import start_fake_gemini

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "benchmarks" / "results"
DOC_PATH = ROOT / "docs" / "benchmarks.md"


@dataclasses.dataclass(frozen=True)
class Plan:
    """How much to measure: documents per corpus and requests per proxy series."""

    asq_phi_queries: int | None
    notes_per_size: dict[int, int]
    requests: dict[int, int]
    streams: int


FULL = Plan(
    asq_phi_queries=None,
    notes_per_size={1024: 40, 4096: 20, 16384: 10, 65536: 5},
    requests={1: 200, 16: 400},
    streams=30,
)
QUICK = Plan(
    asq_phi_queries=100,
    notes_per_size={1024: 8, 4096: 4, 16384: 4, 65536: 4},
    requests={1: 30, 16: 64},
    streams=5,
)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer documents and requests")
    parser.add_argument(
        "--asq-phi",
        type=Path,
        metavar="FILE",
        help='ASQ-PHI queries as JSON lines with a "text" field (skipped when not given)',
    )
    parser.add_argument("--no-proxy", action="store_true", help="skip the proxy measurements")
    parser.add_argument(
        "--no-doc", action="store_true", help="write the JSON only, leave docs/benchmarks.md"
    )
    parser.add_argument("--output", type=Path, help="JSON result file (default: by date)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    plan = QUICK if arguments.quick else FULL
    machine = describe_machine()
    settings = load_settings()

    systems = build_systems(settings)
    corpora = measure_documents(systems, plan, arguments.asq_phi)
    proxy = None if arguments.no_proxy else measure_proxy(plan)

    run = BenchmarkRun(
        date=date.today().isoformat(),
        command=_command_line(argv),
        machine=machine,
        corpora=corpora,
        growth_64k_vs_1k=_growth(corpora),
        proxy=proxy,
    )
    _write_results(run, arguments.output)
    if not arguments.no_doc:
        DOC_PATH.write_text(replace_section(_read_doc(), render_section(run)), encoding="utf-8")
    print(render_section(run))
    return 0


def measure_documents(
    systems: Sequence[System], plan: Plan, asq_phi: Path | None
) -> list[CorpusTiming]:
    """Time the three systems on the ASQ-PHI queries (when given) and the synthetic notes."""
    corpora = []
    if asq_phi is None:
        print("ASQ-PHI skipped: pass --asq-phi FILE to time its queries", file=sys.stderr)
    else:
        texts = read_jsonl_texts(asq_phi, plan.asq_phi_queries)
        corpora.append(time_corpus("ASQ-PHI queries", texts, systems))
    for size in NOTE_SIZES_BYTES:
        notes = generate_notes(size, plan.notes_per_size[size])
        label = f"notes, {size // 1024} KB"
        corpora.append(time_corpus(label, [note.text for note in notes], systems, warmup=1))
    return corpora


def measure_proxy(plan: Plan) -> ProxyRun:
    """Start the fake Gemini server and `deid-proxy serve`, then time both paths."""
    fake = start_fake_gemini()
    tune_fake_for_load(fake)
    try:
        with (
            tempfile.TemporaryDirectory() as workdir,
            running_proxy(fake.url, Path(workdir)) as proxy,
        ):
            startup_rss = proxy.memory_kib("VmRSS")
            latency = [
                measure_latency(fake, proxy, count, concurrency)
                for concurrency, count in plan.requests.items()
            ]
            streaming = measure_streaming(fake, proxy, plan.streams)
            peak_rss = proxy.memory_kib("VmHWM")
    finally:
        fake.stop()
    return ProxyRun(latency, streaming, round(startup_rss / 1024, 1), round(peak_rss / 1024, 1))


def describe_machine() -> Machine:
    settings = load_settings()
    return Machine(
        cpus=os.cpu_count() or 0,
        platform=f"{platform.system()} {platform.machine()}",
        python=platform.python_version(),
        spacy=version("spacy"),
        presidio=version("presidio-analyzer"),
        spacy_model=settings.spacy_model,
        load_average=round(os.getloadavg()[0], 2),
    )


def _growth(corpora: Sequence[CorpusTiming]) -> float | None:
    by_name = {timing.corpus: timing for timing in corpora}
    small, large = by_name.get("notes, 1 KB"), by_name.get("notes, 64 KB")
    if small is None or large is None:
        return None
    return ratio(large.systems[OURS].median_ms, small.systems[OURS].median_ms)


def _command_line(argv: Sequence[str] | None) -> str:
    """Return the command as run, with data files named by their file name only."""
    words = list(sys.argv[1:] if argv is None else argv)
    display_words = [
        Path(word).name if index and words[index - 1] in ("--asq-phi", "--output") else word
        for index, word in enumerate(words)
    ]
    return shlex.join([".venv/bin/python", "-m", "benchmarks.run", *display_words])


def _write_results(run: BenchmarkRun, output: Path | None) -> None:
    target = output or RESULTS_DIR / f"{run.date}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(dataclasses.asdict(run), indent=2) + "\n", encoding="utf-8")
    print(f"results written to {target}", file=sys.stderr)


def _read_doc() -> str:
    return DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else "# Benchmarks\n"


if __name__ == "__main__":
    sys.exit(main())
