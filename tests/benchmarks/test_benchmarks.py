"""Smoke tests: the benchmark code runs end to end on tiny inputs, so it cannot rot.

Nothing here asserts a duration; only shapes, counts and the rendered page are checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.documents import FLOOR, OURS, PRESIDIO, System, read_jsonl_texts, time_corpus
from benchmarks.notes import STYLES, generate_note, generate_notes
from benchmarks.proxy_load import (
    RunningProxy,
    measure_latency,
    measure_streaming,
    running_proxy,
    tune_fake_for_load,
)
from benchmarks.report import (
    END_MARKER,
    START_MARKER,
    BenchmarkRun,
    Machine,
    ProxyRun,
    render_section,
    replace_section,
)
from benchmarks.stats import percentile, summarize
from tests.fakes.gemini import FakeGemini, start_fake_gemini

MACHINE = Machine(
    cpus=2,
    platform="Linux x86_64",
    python="3.11",
    spacy="3.8",
    presidio="2.2",
    spacy_model="en_core_web_md",
    load_average=0.5,
)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("size", [1024, 4096], ids=["1KB", "4KB"])
def test_note_fits_size(style: str, size: int) -> None:
    note = generate_note(style, size, seed=1)

    assert len(note.text.encode()) <= size
    assert len(note.text.encode()) > size * 0.8
    assert note.text.endswith("\n")


def test_notes_repeat_for_same_seed() -> None:
    assert generate_notes(1024, 4, seed=3) == generate_notes(1024, 4, seed=3)
    assert generate_notes(1024, 4, seed=3) != generate_notes(1024, 4, seed=4)


def test_notes_cycle_styles() -> None:
    notes = generate_notes(1024, 8)

    assert [note.style for note in notes] == [*STYLES, *STYLES]


@pytest.mark.parametrize(
    ("style", "size"),
    [("letter", 1024), ("portal", 100)],
    ids=["unknown-style", "too-small"],
)
def test_note_rejects_bad_request(style: str, size: int) -> None:
    with pytest.raises(ValueError):
        generate_note(style, size, seed=1)


def test_summary_median_and_p95() -> None:
    summary = summarize([index / 1000 for index in range(1, 101)])

    assert summary.count == 100
    assert summary.median_ms == pytest.approx(50.5)
    assert summary.p95_ms == pytest.approx(95.05)


def test_percentile_of_one_value() -> None:
    assert percentile([4.0], 95) == 4.0


def test_summary_rejects_empty_series() -> None:
    with pytest.raises(ValueError):
        summarize([])


def test_replace_section_keeps_other_sections() -> None:
    page = "# Benchmarks\n\n## Detection quality\n\nkept text\n"

    first = replace_section(page, "## Performance\n\nold")
    second = replace_section(first + "\n## Later\n\nalso kept\n", "## Performance\n\nnew")

    assert first.startswith(page.rstrip())
    assert "kept text" in second
    assert "also kept" in second
    assert "new" in second
    assert "old" not in second
    assert second.count(START_MARKER) == 1
    assert second.count(END_MARKER) == 1


def test_read_jsonl_texts_honours_limit(tmp_path: Path) -> None:
    path = tmp_path / "queries.jsonl"
    lines = [json.dumps({"id": str(index), "text": f"query {index}"}) for index in range(5)]
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")

    assert read_jsonl_texts(path) == [f"query {index}" for index in range(5)]
    assert read_jsonl_texts(path, limit=2) == ["query 0", "query 1"]


def test_time_corpus_times_every_system(systems: list[System]) -> None:
    texts = [note.text for note in generate_notes(1024, 3)]

    timing = time_corpus("tiny", texts, systems, warmup=1)

    assert timing.documents == 3
    assert set(timing.systems) == {OURS, PRESIDIO, FLOOR}
    assert all(summary.count == 3 for summary in timing.systems.values())
    assert timing.ours_vs_presidio is not None
    assert timing.ours_vs_floor is not None
    assert timing.batched_mean_ms > 0


@pytest.fixture(scope="module")
def fake_and_proxy(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[FakeGemini, RunningProxy]]:
    fake = start_fake_gemini()
    tune_fake_for_load(fake)
    try:
        with running_proxy(fake.url, tmp_path_factory.mktemp("proxy")) as proxy:
            yield fake, proxy
    finally:
        fake.stop()


def test_proxy_measurements_render(
    fake_and_proxy: tuple[FakeGemini, RunningProxy], systems: list[System]
) -> None:
    fake, proxy = fake_and_proxy

    latency = [measure_latency(fake, proxy, 10, concurrency) for concurrency in (1, 2)]
    streaming = measure_streaming(fake, proxy, 2)
    proxy_run = ProxyRun(latency, streaming, 1.0, proxy.memory_kib("VmHWM") / 1024)
    timing = time_corpus("tiny", ["Call Ann Lee at 555-201-3344."], systems, warmup=0)
    run = BenchmarkRun("2026-01-01", "python -m benchmarks.run", MACHINE, [timing], None, proxy_run)
    section = render_section(run)

    assert [item.proxied.requests for item in latency] == [10, 10]
    assert [item.direct.requests for item in latency] == [10, 10]
    assert all(item.deidentification.count == 10 for item in latency)
    assert streaming.chunks > 1
    assert proxy_run.peak_rss_mib > 0
    assert section.startswith("## Performance")
    assert "| tiny | 1 |" in section
    assert "| 2 |" in section
    assert "Added delay per chunk" in section
    assert "Against the targets:" in section
