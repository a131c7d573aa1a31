"""An OpenAI-style server on loopback that streams a reasoning model's reply, independent of the app's code.

Modes (the model id picks one, so one server serves them all):
- ``fk-field``: thinking in ``reasoning_content`` deltas, then the answer in ``content``;
- ``fk-tags``: ``<think>…</think>`` inside ``content``, the tags split across chunks;
- ``fk-unclosed``: ``<think>`` opened and never closed, ending with ``finish_reason: "length"``;
- ``fk-plain``: an answer with no thinking.
Every request body is kept in ``requests``, so a test can check what the app sent.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

THINKING = "先分析问题：用户问 AIGC 的定义。"
ANSWER = "AIGC 指人工智能生成内容。"
MODELS = ("fk-field", "fk-tags", "fk-unclosed", "fk-plain")


def _chunks(model: str) -> tuple[list[dict], str]:
    """The deltas of one reply and its finish reason."""
    if model == "fk-field":
        return ([{"role": "assistant", "content": ""}, {"reasoning_content": THINKING[:6]},
                 {"reasoning_content": THINKING[6:]}, {"content": ANSWER[:5]}, {"content": ANSWER[5:]}], "stop")
    if model == "fk-tags":
        text = f"<think>\n{THINKING}\n</think>\n\n{ANSWER}"
        cuts = [0, 3, 9, 14, len(text) - len(ANSWER) - 5, len(text) - len(ANSWER) - 1, len(text) - 4, len(text)]
        return [{"content": text[a:b]} for a, b in zip(cuts, cuts[1:], strict=False)], "stop"
    if model == "fk-unclosed":
        return [{"content": "<thi"}, {"content": "nk>\n" + THINKING[:8]}, {"content": THINKING[8:]}], "length"
    return [{"content": ANSWER}], "stop"


class JsonHandler(BaseHTTPRequestHandler):
    """Quiet, with a JSON reply helper: the base of the fake servers' handlers."""

    def log_message(self, *args) -> None:  # quiet
        pass

    def _json(self, code: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Handler(JsonHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802
        if self.path.rstrip("/").endswith("/models"):
            self._json(200, {"object": "list", "data": [
                {"id": m, "object": "model", "owned_by": "fake", "context_length": 8192} for m in MODELS]})
        else:
            self._json(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        self.server.requests.append(body)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._json(404, {"error": {"message": "not found"}})
            return
        model = body.get("model", "fk-plain")
        deltas, finish = _chunks(model)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for i, delta in enumerate(deltas):
            last = i == len(deltas) - 1
            chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": model,
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish if last else None}]}
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


@pytest.fixture
def reasoning_server():
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, name="fake-openai", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
