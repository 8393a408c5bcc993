"""A fake OpenAI-compatible chat server on 127.0.0.1, run in a thread, that records requests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class ScriptedReply:
    """What the server sends for one request: a message content, or a raw status and body."""

    content: str = "[]"
    status: int = 200
    raw_body: bytes | None = None
    finish_reason: str = "stop"
    delay_seconds: float = 0.0


@dataclass
class FakeChatServer:
    """Replies to POST /v1/chat/completions from `replies` in order, repeating the last one.

    `reply_for` (when set) picks the reply from the request's user message instead.
    """

    replies: list[ScriptedReply] = field(default_factory=lambda: [ScriptedReply()])
    reply_for: Callable[[str], ScriptedReply] | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}/v1"

    def start(self) -> FakeChatServer:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._server = server
        return self

    def reset(self) -> None:
        self.replies = [ScriptedReply()]
        self.reply_for = None
        self.requests.clear()
        self.paths.clear()
        self.headers.clear()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def next_reply(self, user_message: str) -> ScriptedReply:
        if self.reply_for is not None:
            return self.reply_for(user_message)
        index = min(len(self.requests) - 1, len(self.replies) - 1)
        return self.replies[index]


def _make_handler(fake: FakeChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            payload = json.loads(self.rfile.read(length))
            fake.requests.append(payload)
            fake.paths.append(self.path)
            fake.headers.append(dict(self.headers))
            reply = fake.next_reply(payload["messages"][-1]["content"])
            if reply.delay_seconds:
                time.sleep(reply.delay_seconds)
            body = reply.raw_body if reply.raw_body is not None else _completion_body(reply)
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _completion_body(reply: ScriptedReply) -> bytes:
    body = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content},
                "finish_reason": reply.finish_reason,
            }
        ],
    }
    return json.dumps(body).encode()


def fenced(items: list[dict[str, str]]) -> str:
    """Format a reply the way chat models often do: a line of prose, then a ```json fence."""
    return "Here are the identifiers I found:\n```json\n" + json.dumps(items, indent=2) + "\n```"
