"""Tenants, the audit trail and metrics of a running proxy."""

from __future__ import annotations

import json

from tests.proxy.conftest import proxy_settings, serve

GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent"
NOTE = "Mr. Oskar Lindqvist (MRN 6650921) was seen on 05/06/2024."
KEY_A = "a" * 24
KEY_B = "b" * 24


def body(text: str) -> dict:
    return {"contents": [{"role": "user", "parts": [{"text": text}]}]}


def reply_text(response) -> str:
    return response.json()["candidates"][0]["content"]["parts"][0]["text"]


def test_tenant_cannot_restore_other_tenants_values(tmp_path, shared_pipeline, fake_gemini):
    settings = proxy_settings(
        tmp_path, fake_gemini.url, client_keys=f"{KEY_A}:ward-a,{KEY_B}:ward-b"
    )
    for proxy in serve(settings, shared_pipeline):
        shared = {"x-deid-session": "same-id"}
        with proxy.client(**shared, **{"x-goog-api-key": KEY_A}) as client:
            client.post(GENERATE, json=body(NOTE)).raise_for_status()
        token = fake_gemini.requests[-1].body["contents"][0]["parts"][0]["text"].split()[1]
        with proxy.client(**shared, **{"x-goog-api-key": KEY_B}) as client:
            answer = client.post(GENERATE, json=body(f"Who is {token}?"))

    assert token.startswith("[PERSON_")
    assert reply_text(answer) == f"Who is {token}?"


def test_audit_line_has_counts_not_values(tmp_path, shared_pipeline, fake_gemini):
    audit = tmp_path / "audit.jsonl"
    settings = proxy_settings(tmp_path, fake_gemini.url, audit_log=str(audit))
    for proxy in serve(settings, shared_pipeline):
        with proxy.client(**{"x-deid-session": "audited"}) as client:
            client.post(GENERATE, json=body(NOTE)).raise_for_status()

    line = json.loads(audit.read_text().splitlines()[0])
    assert line["route"] == "v1beta:generateContent"
    assert line["tenant"] == "default"
    assert line["session"] == "audited"
    assert line["policy"]["name"] == "hipaa-safe-harbor"
    assert len(line["policy"]["sha256"]) == 64
    assert line["detectors"] == ["presidio"]
    assert line["entities"]["PERSON"] == 1
    assert line["entities"]["MEDICAL_RECORD_NUMBER"] == 1
    assert line["upstream_status"] == 200
    assert line["status"] == 200
    assert line["restore"]["restored"] >= 3
    assert {"total", "detection", "policy", "upstream", "restore"} <= set(line["latency_ms"])
    assert "Lindqvist" not in audit.read_text()
    assert "6650921" not in audit.read_text()


def test_unnamed_session_is_not_in_audit(tmp_path, shared_pipeline, fake_gemini):
    audit = tmp_path / "audit.jsonl"
    settings = proxy_settings(tmp_path, fake_gemini.url, audit_log=str(audit))
    for proxy in serve(settings, shared_pipeline):
        with proxy.client() as client:
            client.post(GENERATE, json=body(NOTE)).raise_for_status()

    assert json.loads(audit.read_text())["session"] is None


def test_metrics_count_requests_and_findings(live_proxy, fake_gemini):
    with live_proxy.client() as client:
        client.post(GENERATE, json=body(NOTE)).raise_for_status()
        fake_gemini.behaviour.error_status = 429
        client.post(GENERATE, json=body(NOTE))
        metrics = client.get("/metrics").text

    assert 'deid_requests_total{route="v1beta:generateContent",status="200"} 1.0' in metrics
    assert 'deid_request_errors_total{route="v1beta:generateContent",status="429"} 1.0' in metrics
    assert 'deid_findings_total{entity_type="PERSON"} 2.0' in metrics
    assert 'deid_stage_seconds_count{stage="detection"} 2.0' in metrics
    assert "deid_tokens_restored_total" in metrics
    assert "Lindqvist" not in metrics
