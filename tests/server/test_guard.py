"""The local API refuses what a web page could abuse: real HTTP against the server on a free loopback port.

A scripted engine answers here, so a test can tell that a refused request ran no
generation (``engine.calls`` stays empty) and can hold a reply open to fill the queue.
The same checks on the real model are in test_local_server.py.
"""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
import requests

from aigc_desktop.server.local import LocalServer
from tests.fake_engine import ScriptedEngine

CHAT = {"model": "any", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 4}


class HeldEngine(ScriptedEngine):
    """Each reply waits until ``release`` is set (bounded), so requests pile up in the queue."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.release.set()

    def stream_chat(self, messages, sampling=None, cancel=None, **kwargs):
        self.release.wait(30)
        yield from super().stream_chat(messages, sampling, cancel, **kwargs)


@pytest.fixture
def engine(tmp_path):
    engine = HeldEngine()
    engine.load(tmp_path / "tiny.gguf")
    engine.calls.clear()
    return engine


@pytest.fixture
def serve(engine):
    servers = []

    def start(**options) -> LocalServer:
        server = LocalServer(engine, port=0, **options)
        server.start()
        servers.append(server)
        return server

    yield start
    engine.release.set()
    for server in servers:
        server.stop()


def _url(server, path="/v1/models"):
    return f"http://127.0.0.1:{server.port}{path}"


def _wait_for(predicate, timeout=10.0):
    """Bounded wait for a state of the server (not a timing assumption: the test fails if it never comes)."""
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "the server never reached the expected state"
        time.sleep(0.01)


def test_a_foreign_host_is_refused_before_any_work(serve, engine):
    """DNS rebinding: Host attacker.example:PORT gets 403 on /v1/models and on a chat, and nothing is generated."""
    server = serve()
    host = {"Host": f"attacker.example:{server.port}"}
    r = requests.get(_url(server), headers=host, timeout=10)
    assert r.status_code == 403 and r.json()["error"]["code"] == "host_not_allowed"
    r = requests.post(_url(server, "/v1/chat/completions"), json=CHAT, headers=host, timeout=10)
    assert r.status_code == 403
    assert engine.calls == []


@pytest.mark.parametrize("name", ["localhost", "127.0.0.1", "[::1]", "LOCALHOST"])
def test_loopback_names_with_any_port_are_answered(serve, engine, name):
    server = serve()
    r = requests.get(_url(server), headers={"Host": f"{name}:{server.port}"}, timeout=10)
    assert r.status_code == 200 and r.json()["data"][0]["id"] == "tiny"
    r = requests.post(_url(server, "/v1/chat/completions"), json=CHAT, headers={"Host": name}, timeout=10)
    assert r.status_code == 200 and r.json()["choices"][0]["message"]["content"] == "ok"


def test_a_missing_or_garbled_host_is_refused(serve):
    server = serve()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"GET /v1/models HTTP/1.0\r\n\r\n")
        assert sock.recv(200).startswith(b"HTTP/1.1 403")


def test_allow_host_adds_a_name(serve):
    server = serve(allow_hosts=["mybox.lan"])
    assert requests.get(_url(server), headers={"Host": "mybox.lan:1234"}, timeout=10).status_code == 200
    assert requests.get(_url(server), headers={"Host": "other.lan"}, timeout=10).status_code == 403


def test_a_foreign_origin_is_refused_and_an_allowed_one_gets_cors(serve, engine):
    """A web page's Origin gets 403; an allowed origin works and gets CORS headers, a loopback one works without."""
    server = serve(allow_origins=["http://localhost:3000/"])
    r = requests.post(_url(server, "/v1/chat/completions"), json=CHAT, headers={"Origin": "https://evil.example"},
                      timeout=10)
    assert r.status_code == 403 and r.json()["error"]["code"] == "origin_not_allowed"
    assert "access-control-allow-origin" not in r.headers
    assert requests.get(_url(server), headers={"Origin": "null"}, timeout=10).status_code == 403
    assert engine.calls == []

    r = requests.post(_url(server, "/v1/chat/completions"), json=CHAT, headers={"Origin": "http://localhost:3000"},
                      timeout=10)
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "http://localhost:3000"
    pre = requests.options(_url(server, "/v1/chat/completions"), timeout=10, headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "authorization" in pre.headers["access-control-allow-headers"].lower()

    r = requests.get(_url(server), headers={"Origin": "http://127.0.0.1:5173"}, timeout=10)
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers


def test_a_64_mb_body_gets_413_at_once(serve, engine):
    """Content-Length over the cap: 413 before the body is read (http.client writes it all, then reads)."""
    server = serve()
    started = time.monotonic()
    r = requests.post(_url(server, "/v1/chat/completions"), data=b"x" * (64 << 20),
                      headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"
    assert time.monotonic() - started < 20  # "a few seconds"; the bound is loose for a busy machine
    assert engine.calls == []
    assert requests.get(_url(server), timeout=10).status_code == 200


def test_a_chunked_body_over_the_cap_gets_413(serve, engine):
    """No Content-Length: the body is read only up to the cap."""
    server = serve()

    def chunks():
        for _i in range(64):
            yield b"y" * (1 << 20)

    r = requests.post(_url(server, "/v1/chat/completions"), data=chunks(), timeout=30)
    assert r.status_code == 413
    small = json.dumps(CHAT).encode()
    r = requests.post(_url(server, "/v1/chat/completions"), data=iter([small[:10], small[10:]]),
                      headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 200, r.text


def test_a_full_queue_answers_429_with_retry_after(serve, engine):
    """One request runs and max_waiting wait; the next gets 429 at once; all are served once the first ends."""
    from aigc_desktop.server.gate import EngineGate

    server = serve(gate=EngineGate(max_waiting=2))
    engine.release.clear()
    results: list[int] = []

    def post():
        results.append(requests.post(_url(server, "/v1/chat/completions"), json=CHAT, timeout=60).status_code)

    workers = [threading.Thread(target=post) for _i in range(3)]
    for w in workers:
        w.start()
    _wait_for(lambda: server.pending == 3)
    r = requests.post(_url(server, "/v1/chat/completions"), json=CHAT, timeout=10)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert r.json()["error"]["code"] == "queue_full"
    engine.release.set()
    for w in workers:
        w.join(60)
    assert results == [200, 200, 200]
    assert requests.post(_url(server, "/v1/chat/completions"), json=CHAT, timeout=10).status_code == 200


def test_an_image_url_is_refused_never_fetched(serve, engine):
    """An http(s) (or file:) image part is a 400 and no connection is made to it; a data: image is not refused."""
    server = serve()
    fetched = []
    with socket.socket() as bait:  # a server that records whether anyone connected
        bait.bind(("127.0.0.1", 0))
        bait.listen(1)
        bait.settimeout(0.01)
        for url in (f"http://127.0.0.1:{bait.getsockname()[1]}/cat.png", "file:///etc/passwd"):
            body = {**CHAT, "messages": [{"role": "user", "content": [
                {"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": url}}]}]}
            r = requests.post(_url(server, "/v1/chat/completions"), json=body, timeout=10)
            assert r.status_code == 400 and r.json()["error"]["code"] == "image_url_not_allowed"
        try:
            fetched.append(bait.accept())
        except TimeoutError:
            pass
    assert fetched == [] and engine.calls == []
    inline = {**CHAT, "messages": [{"role": "user", "content": [
        {"type": "text", "text": "hi"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}]}
    assert requests.post(_url(server, "/v1/chat/completions"), json=inline, timeout=10).status_code == 200


def test_max_tokens_is_clamped_to_the_context(serve, engine):
    """A max_tokens far past the context is not an error: it is cut to the model's context."""
    server = serve()
    r = requests.post(_url(server, "/v1/chat/completions"), json={**CHAT, "max_tokens": 10**12}, timeout=10)
    assert r.status_code == 200
    r = requests.post(_url(server, "/v1/chat/completions"), json={**CHAT, "n": 1000}, timeout=10)
    assert r.status_code == 400 and "n must be 1" in r.json()["error"]["message"]
    r = requests.post(_url(server, "/v1/chat/completions"), json={**CHAT, "stop": ["a"] * 100}, timeout=10)
    assert r.status_code == 400


def test_a_wrong_key_of_any_length_is_refused(serve):
    server = serve(api_key="k-123456")
    for key in ("", "k", "k-123457", "k-123456-and-more"):
        r = requests.get(_url(server), headers={"Authorization": f"Bearer {key}"}, timeout=10)
        assert r.status_code == 401
    assert requests.get(_url(server), headers={"Authorization": "Bearer k-123456"}, timeout=10).status_code == 200


def test_serve_cli_rejects_a_bad_origin(capsys):
    """--allow-origin takes scheme://host[:port]; anything else is bad usage (exit 2)."""
    from aigc_desktop.cli import main

    with pytest.raises(SystemExit) as ended:
        main(["serve", "--allow-origin", "http://localhost:3000/app"])
    assert ended.value.code == 2 and "origin" in capsys.readouterr().err


def test_the_windows_gate_has_the_same_bound():
    """The window's gate (requests as jobs on its engine thread) refuses past one running and max_waiting waiting."""
    from aigc_desktop.server.gate import DEFAULT_MAX_WAITING, QueueFull
    from aigc_desktop.ui.engine.gate import ClientGate

    gate = ClientGate(client=None)
    held = [gate.new_cancel() for _i in range(DEFAULT_MAX_WAITING + 1)]
    with pytest.raises(QueueFull) as full:
        gate.new_cancel()
    assert full.value.waiting == DEFAULT_MAX_WAITING and full.value.retry_after >= 1
    gate.release(held[0])
    gate.new_cancel()
