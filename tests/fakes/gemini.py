"""A fake Gemini REST server on 127.0.0.1 that records every request and echoes text back.

It speaks the parts of the protocol the proxy uses: `models/{m}:generateContent`,
`:streamGenerateContent` (server-sent events with `alt=sse`, a JSON array without it),
`:countTokens`, and `GET models` / `models/{m}`, under /v1 and /v1beta.
The answer's text is the text of the last content's text parts, joined, so a test can compare
what the caller gets back with what it sent. Function calls in the last content are echoed too.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class Behaviour:
    """What the fake does next; tests change it between calls."""

    chunk_size: int = 3
    error_status: int | None = None
    error_message: str = "fake upstream error"
    delay_seconds: float = 0.0
    reply_text: str | None = None


@dataclass
class FakeGemini:
    """The running fake: its base URL, what it received and how it behaves."""

    server: ThreadingHTTPServer
    requests: list[Recorded] = field(default_factory=list)
    behaviour: Behaviour = field(default_factory=Behaviour)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def received_text(self) -> str:
        """Every byte of every recorded body, as text, for leak checks."""
        return "\n".join(json.dumps(r.body, ensure_ascii=False) for r in self.requests)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Server(ThreadingHTTPServer):
    # The default listen backlog of 5 drops bursts of concurrent connections.
    request_queue_size = 128


def start_fake_gemini() -> FakeGemini:
    """Start the fake on an ephemeral loopback port in a background thread."""
    fake: FakeGemini
    handler = _make_handler(lambda: fake)
    server = _Server(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    fake = FakeGemini(server=server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake


def echo_parts(body: dict[str, Any], reply_text: str | None) -> list[dict[str, Any]]:
    """Return the parts of the echo response for a generateContent body."""
    if reply_text is not None:
        return [{"text": reply_text}]
    contents = body.get("contents") or []
    last = contents[-1] if contents else {}
    parts = []
    text = "".join(part["text"] for part in last.get("parts", []) if "text" in part)
    if text:
        parts.append({"text": text})
    for part in last.get("parts", []):
        if "functionCall" in part:
            parts.append({"functionCall": part["functionCall"]})
        if "functionResponse" in part:
            parts.append(
                {"functionCall": {"name": "echo", "args": part["functionResponse"]["response"]}}
            )
    return parts


def _make_handler(get_fake: Any) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes; without this, Nagle's algorithm and
        # delayed acknowledgements add about 40 ms to every call on Linux.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def _handle(self, method: str) -> None:
            fake: FakeGemini = get_fake()
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            fake.requests.append(
                Recorded(method, parts.path, parse_qs(parts.query), dict(self.headers), body)
            )
            behaviour = fake.behaviour
            if behaviour.delay_seconds:
                time.sleep(behaviour.delay_seconds)
            if behaviour.error_status is not None:
                self._json(
                    behaviour.error_status,
                    {
                        "error": {
                            "code": behaviour.error_status,
                            "message": behaviour.error_message,
                            "status": "INVALID_ARGUMENT",
                        }
                    },
                )
                return
            path = parts.path
            if method == "GET" and path.endswith("/models"):
                self._json(200, {"models": [{"name": "models/fake-model", "displayName": "Fake"}]})
            elif method == "GET" and "/models/" in path:
                self._json(200, {"name": "models/" + path.rsplit("/", 1)[1], "displayName": "Fake"})
            elif path.endswith(":generateContent"):
                self._json(200, _answer(echo_parts(body, behaviour.reply_text)))
            elif path.endswith(":countTokens"):
                self._json(200, {"totalTokens": len(json.dumps(body).split())})
            elif path.endswith(":streamGenerateContent"):
                self._stream(body, behaviour, sse=parse_qs(parts.query).get("alt") == ["sse"])
            else:
                self._json(
                    404,
                    {"error": {"code": 404, "message": "no such method", "status": "NOT_FOUND"}},
                )

        def _json(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, body: Any, behaviour: Behaviour, sse: bool) -> None:
            parts = echo_parts(body, behaviour.reply_text)
            text = "".join(part.get("text", "") for part in parts)
            size = behaviour.chunk_size
            pieces = [text[i : i + size] for i in range(0, len(text), size)] or [""]
            chunks = [_answer([{"text": piece}], finish=False) for piece in pieces]
            calls = [part for part in parts if "functionCall" in part]
            if calls:
                chunks.append(_answer(calls, finish=False))
            chunks[-1]["candidates"][0]["finishReason"] = "STOP"
            self.send_response(200)
            self.send_header("content-type", "text/event-stream" if sse else "application/json")
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            for index, chunk in enumerate(chunks):
                if sse:
                    payload = b"data: " + json.dumps(chunk).encode() + b"\r\n\r\n"
                else:
                    payload = (b"[" if index == 0 else b",\r\n") + json.dumps(chunk).encode()
                self._write_chunk(payload)
            if not sse:
                self._write_chunk(b"]")
            self.wfile.write(b"0\r\n\r\n")

        def _write_chunk(self, payload: bytes) -> None:
            self.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
            self.wfile.flush()

    return Handler


def _answer(parts: list[dict[str, Any]], finish: bool = True) -> dict[str, Any]:
    candidate: dict[str, Any] = {"index": 0, "content": {"role": "model", "parts": parts}}
    if finish:
        candidate["finishReason"] = "STOP"
    return {
        "candidates": [candidate],
        "usageMetadata": {"totalTokenCount": 1},
        "modelVersion": "fake",
    }
