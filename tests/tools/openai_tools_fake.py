"""An OpenAI-style server on loopback that calls a tool, written apart from the app's code.

``POST /v1/chat/completions`` with ``tools`` in the body and no ``tool`` message yet streams a
``tool_calls`` reply (the call's id and name in the first delta, its JSON arguments cut in two
more, ``finish_reason: "tool_calls"``); once the last message is a ``tool`` result it streams a
text answer quoting that result. With ``as_text`` the call comes as Hermes ``<tool_call>`` text in
``content`` instead (a server that does not parse its model's calls). Every request body is kept in
``requests``.
"""

from __future__ import annotations

import json
import threading
from http.server import ThreadingHTTPServer

from tests.openai_fake import JsonHandler

MODEL = "fk-tools"


class _Handler(JsonHandler):
    server: "ToolsServer"

    def do_GET(self) -> None:  # noqa: N802
        if self.path.rstrip("/").endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": MODEL, "object": "model", "context_length": 8192}]})
        else:
            self._json(404, {"error": {"message": "not found"}})

    def _stream(self, deltas: list[dict], finish: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for i, delta in enumerate(deltas):
            chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": MODEL,
                     "choices": [{"index": 0, "delta": delta,
                                  "finish_reason": finish if i == len(deltas) - 1 else None}]}
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        self.server.requests.append(body)
        messages = body.get("messages") or []
        if messages and messages[-1].get("role") == "tool":
            self._stream([{"role": "assistant", "content": "工具说："},
                          {"content": str(messages[-1].get("content"))}], "stop")
            return
        if not body.get("tools"):
            self._stream([{"role": "assistant", "content": "没有工具可用。"}], "stop")
            return
        args = json.dumps(self.server.arguments, ensure_ascii=False)
        if self.server.as_text:  # a server that leaves the model's call in its text (no native parser)
            text = '<tool_call>\n{"name": "%s", "arguments": %s}\n</tool_call>' % (self.server.tool, args)
            self._stream([{"role": "assistant", "content": text[i:i + 7]} for i in range(0, len(text), 7)], "stop")
            return
        cut = len(args) // 2
        self._stream([
            {"role": "assistant", "content": None, "tool_calls": [
                {"index": 0, "id": "call_fake1", "type": "function",
                 "function": {"name": self.server.tool, "arguments": ""}}]},
            {"tool_calls": [{"index": 0, "function": {"arguments": args[:cut]}}]},
            {"tool_calls": [{"index": 0, "function": {"arguments": args[cut:]}}]},
        ], "tool_calls")


class ToolsServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, tool: str, arguments: dict, *, as_text: bool = False) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict] = []
        self.tool, self.arguments, self.as_text = tool, arguments, as_text
        self.thread = threading.Thread(target=self.serve_forever, name="fake-openai-tools", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def __enter__(self) -> "ToolsServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
        self.thread.join(10)
