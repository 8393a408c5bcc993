"""`deid-proxy redact` end to end, including MedGemma over a local OpenAI-compatible server."""

from __future__ import annotations

import json

import pytest

from proxy import cli
from tests.detectors.medgemma.fake_server import FakeChatServer, ScriptedReply
from tests.detectors.medgemma.tiny_models import save_tiny_text_model
from tests.proxy.conftest import free_port

NOTE = (
    "Bubba came in with his daughter. He is the only lighthouse keeper on the island. "
    "Started metformin 500 mg for type 2 diabetes; HbA1c 8.1%."
)
MODEL_REPLY = (
    "Here are the identifiers I found:\n```json\n"
    '[{"text": "Bubba", "type": "NAME"}, '
    '{"text": "the only lighthouse keeper on the island", "type": "OCCUPATION"}]\n```'
)


class Broken:
    name = "broken"

    def detect(self, texts):
        raise RuntimeError("broken on purpose")


@pytest.fixture
def use_shared_pipeline(monkeypatch, shared_pipeline):
    monkeypatch.setattr("proxy.commands.redact.build_pipeline", lambda settings: shared_pipeline)
    return shared_pipeline


def run(capsys, *arguments: str) -> tuple[int, str, str]:
    status = cli.main(["redact", *arguments])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_jsonl_keeps_order_and_fields(tmp_path, capsys, use_shared_pipeline):
    source = tmp_path / "in.jsonl"
    lines = [
        {"id": 1, "text": "Seen by Dr. Alice Wong.", "ward": "7B"},
        {"id": 2, "text": "No identifiers in this one.", "tags": ["x"]},
    ]
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n")

    status, out, _ = run(capsys, "--jsonl", str(source))

    records = [json.loads(line) if line else None for line in out.split("\n")[:-1]]
    assert status == 0
    assert [r["id"] for r in records if r] == [1, 2]
    assert records[2] is None
    assert records[0]["ward"] == "7B"
    assert "Alice Wong" not in records[0]["text"]
    assert records[0]["findings"][0]["entity_type"] == "PERSON"
    assert records[1]["text"] == "No identifiers in this one."
    assert records[1]["findings"] == []


def test_json_format_reports_offsets(tmp_path, capsys, use_shared_pipeline):
    note = tmp_path / "note.txt"
    note.write_text("Call 617-555-0199 today.")

    status, out, _ = run(capsys, "--format", "json", str(note))

    result = json.loads(out)
    assert status == 0
    assert result["findings"][0]["start"] == 5
    assert result["findings"][0]["end"] == 17


def test_failure_prints_no_text(tmp_path, capsys, monkeypatch, use_shared_pipeline):
    monkeypatch.setattr(use_shared_pipeline, "detectors", (Broken(),))
    note = tmp_path / "note.txt"
    note.write_text("Seen by Dr. Alice Wong.")

    status, out, err = run(capsys, str(note))

    assert status == 1
    assert out == ""
    assert "Alice" not in err
    assert "no output was written" in err


def test_invalid_jsonl_line_names_line(tmp_path, capsys, use_shared_pipeline):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "fine"}\nnot json about Alice Wong\n')

    status, out, err = run(capsys, "--jsonl", str(source))

    assert status == 1
    assert out == ""
    assert "line 2" in err
    assert "Alice" not in err


def test_medgemma_server_findings_are_replaced(tmp_path, capsys):
    server = FakeChatServer(replies=[ScriptedReply(content=MODEL_REPLY)]).start()
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": NOTE}) + "\n")
    try:
        status, out, _ = run(capsys, "--jsonl", str(source), "--medgemma-url", server.base_url)
    finally:
        server.stop()

    text = json.loads(out)["text"]
    assert status == 0
    assert server.requests
    assert "Bubba" not in text
    assert "lighthouse keeper" not in text
    assert "metformin 500 mg" in text
    assert "HbA1c 8.1%" in text


def test_medgemma_server_down_fails_closed(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": NOTE}) + "\n")
    url = f"http://127.0.0.1:{free_port()}/v1"

    status, out, err = run(capsys, "--jsonl", str(source), "--medgemma-url", url)

    assert status != 0
    assert out == ""
    assert "Bubba" not in err


def test_tiny_local_model_keeps_presidio_findings(tmp_path, capsys):
    model = save_tiny_text_model(tmp_path / "tiny-gemma3")
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": "Seen by Dr. Alice Wong, MRN 4839201."}) + "\n")

    status, out, _ = run(capsys, "--jsonl", str(source), "--medgemma-model", str(model))

    text = json.loads(out)["text"]
    assert status == 0
    assert "Alice Wong" not in text
    assert "4839201" not in text
