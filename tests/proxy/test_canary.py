"""Canary: known fake PHI through every route and failure path, never in logs or metadata.

Everything runs at DEBUG level, with an audit file, and every captured log record, audit line,
metric, error body and exception message is searched for the canary values.
"""

from __future__ import annotations

import logging

import pytest

from detectors.errors import VaultError
from tests.proxy.conftest import free_port, proxy_settings, serve

CANARY_NAME = "Zebulon Quackenbush"
CANARY_MRN = "MRN 90417733"
CANARY_PHONE = "(617) 555-0187"
CANARY_EMAIL = "zebulon.q@example.org"
TEXT = f"{CANARY_NAME}, {CANARY_MRN}, phone {CANARY_PHONE}, mail {CANARY_EMAIL}, seen 02/29/2024."
CANARIES = [CANARY_NAME, "Quackenbush", "90417733", "555-0187", CANARY_EMAIL, "02/29/2024"]
BODY = {
    "contents": [{"role": "user", "parts": [{"text": TEXT}]}],
    "systemInstruction": {"parts": [{"text": f"The patient is {CANARY_NAME}."}]},
}


class Exploding:
    name = "exploding"

    def detect(self, texts):
        raise RuntimeError(f"crashed on {texts[0]}")


def fail_vault(*args, **kwargs):
    raise VaultError("vault unavailable")


@pytest.fixture
def canary_proxy(tmp_path, fake_gemini, shared_pipeline):
    settings = proxy_settings(tmp_path, fake_gemini.url, audit_log=str(tmp_path / "audit.jsonl"))
    yield from serve(settings, shared_pipeline)


def exercise_every_path(proxy, fake, monkeypatch):
    """Send the canary through each route and failure path.

    Returns the caller's responses (which carry the caller's own PHI back, as they should) and
    every other body the proxy sent: error bodies, previews, counts and metrics.
    """
    answers, bodies = [], []
    with proxy.client(**{"x-deid-session": "canary"}) as client:
        for path in (
            ":generateContent",
            ":streamGenerateContent?alt=sse",
            ":streamGenerateContent",
        ):
            answers.append(client.post(f"/v1beta/models/m{path}", json=BODY).text)
        bodies.append(client.post("/v1beta/models/m:countTokens", json=BODY).text)
        bodies.append(client.post("/deid/v1/redact", json={"text": TEXT}).text)
        bodies.append(client.post("/v1/models/m:generateContent", content=TEXT.encode()).text)
        inline = {"contents": [{"parts": [{"text": TEXT}, {"inlineData": {"data": "AA=="}}]}]}
        bodies.append(client.post("/v1/models/m:generateContent", json=inline).text)
        for status in (400, 500):
            fake.behaviour.error_status = status
            fake.behaviour.error_message = "upstream rejected the request"
            bodies.append(client.post("/v1/models/m:generateContent", json=BODY).text)
        fake.behaviour.error_status = None
        with monkeypatch.context() as patch:
            patch.setattr(proxy.components.gateway.pipeline, "detectors", (Exploding(),))
            bodies.append(client.post("/v1/models/m:generateContent", json=BODY).text)
            bodies.append(client.post("/deid/v1/redact", json={"text": TEXT}).text)
        with monkeypatch.context() as patch:
            patch.setattr(proxy.components.gateway.vault, "session", fail_vault)
            bodies.append(client.post("/v1/models/m:generateContent", json=BODY).text)
        bodies.append(client.get("/metrics").text)
    return answers, bodies


def test_canary_never_leaks(
    canary_proxy, fake_gemini, shared_pipeline, monkeypatch, caplog, capfd, tmp_path
):
    caplog.set_level(logging.DEBUG)

    answers, bodies = exercise_every_path(canary_proxy, fake_gemini, monkeypatch)
    unreachable = f"http://127.0.0.1:{free_port()}"
    for proxy in serve(proxy_settings(tmp_path / "down", unreachable), shared_pipeline):
        with proxy.client() as client:
            bodies.append(client.post("/v1/models/m:generateContent", json=BODY).text)

    captured = capfd.readouterr()
    records = [
        f"{r.getMessage()} {r.exc_text or ''} {r.exc_info[1] if r.exc_info else ''}"
        for r in caplog.records
    ]
    places = {
        "log records": "\n".join(records),
        "audit log": (tmp_path / "audit.jsonl").read_text(),
        "error bodies, previews and metrics": "\n".join(bodies),
        "stdout and stderr": captured.out + captured.err,
        "upstream": fake_gemini.received_text(),
    }
    for place, content in places.items():
        for canary in CANARIES:
            assert canary not in content, f"a canary value appeared in the {place}"
    assert all(CANARY_NAME in answer for answer in answers)
    assert len(records) > 10
    assert (tmp_path / "audit.jsonl").read_text().count("\n") >= 10
