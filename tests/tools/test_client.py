"""tools/client.py: the ToolHub against the stdio test server (start, crash, hang, timeout, environment)
and, in memory, against an SDK server in this process (result conversion, read-only hints, cap)."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

import pytest

from aigc_desktop.tools.client import RESULT_CAP, ToolHub, ToolServerError
from aigc_desktop.tools.config import ToolsConfig

SERVER = str(Path(__file__).with_name("mcp_server.py"))


@pytest.fixture
def hub(tmp_path):
    cfg = ToolsConfig(tmp_path / "mcp.json")
    cfg.add_stdio("t", sys.executable, [SERVER], {"FROM_CONFIG": "yes"})
    cfg.add_stdio("hang", sys.executable, [SERVER, "hang"])
    cfg.add_stdio("crash", sys.executable, [SERVER, "crash"])
    cfg.add_stdio("later", sys.executable, [SERVER, "crash-later"])
    cfg.add_stdio("missing", str(tmp_path / "no-such-command"))
    h = ToolHub(cfg, start_timeout=15, call_timeout=2)
    yield h
    h.close()


def test_tools_calls_and_environment(hub, monkeypatch):
    monkeypatch.setenv("AIGC_TEST_SECRET", "do-not-pass")
    tools = {t.name: t for t in hub.connect("t")}
    assert tools["echo"].read_only and not tools["write_file"].read_only
    assert tools["echo"].openai()["function"]["parameters"]["required"] == ["text"]
    assert hub.call("t", "echo", {"text": "中文"}).text == "echo:文中"
    assert hub.call("t", "getenv", {"name": "FROM_CONFIG"}).text == "yes"
    assert hub.call("t", "getenv", {"name": "AIGC_TEST_SECRET"}).text == "<unset>"  # not on the allow-list
    assert hub.call("t", "getenv", {"name": "PATH"}).text != "<unset>"
    unknown = hub.call("t", "nope", {})
    assert unknown.status == "error" and unknown.is_error


def test_a_secret_environment_variable_lives_in_the_keychain_and_reaches_the_server(tmp_path, monkeypatch):
    monkeypatch.setattr("aigc_desktop.providers.secrets.keychain_usable", lambda: False)
    cfg = ToolsConfig(tmp_path / "mcp.json")
    cfg.add_stdio("gh", sys.executable, [SERVER], {"GITHUB_TOKEN": "ghp-s3cret", "LANGUAGE_HINT": "zh"})
    saved = json.loads((tmp_path / "mcp.json").read_text(encoding="utf-8"))["mcpServers"]["gh"]["env"]
    assert saved == {"GITHUB_TOKEN": "<keychain>", "LANGUAGE_HINT": "zh"}
    hub = ToolHub(cfg, start_timeout=15, call_timeout=5)
    try:
        hub.connect("gh")
        assert hub.call("gh", "getenv", {"name": "GITHUB_TOKEN"}).text == "ghp-s3cret"
        assert hub.call("gh", "getenv", {"name": "LANGUAGE_HINT"}).text == "zh"
    finally:
        hub.close()
    before = cfg.servers()["gh"].fingerprint()
    cfg.save_text((tmp_path / "mcp.json").read_text(encoding="utf-8"))  # saved again: the mark stays a mark
    assert cfg.env_for(cfg.servers()["gh"])["GITHUB_TOKEN"] == "ghp-s3cret"
    assert cfg.servers()["gh"].fingerprint() == before
    cfg.remove("gh")
    assert cfg.secrets.get("mcp:gh:env:GITHUB_TOKEN") is None


def test_call_past_the_timeout_comes_back_as_timeout(hub):
    started = time.monotonic()
    result = hub.call("t", "slow", {"seconds": 30})
    assert result.status == "timeout" and "did not answer within 2 s" in result.text
    assert time.monotonic() - started < 10
    assert hub.call("t", "echo", {"text": "ok"}).status == "done"  # the server still answers


def test_a_servers_own_timeout(tmp_path):
    cfg = ToolsConfig(tmp_path / "mcp.json")
    cfg.save_text('{"mcpServers": {"t": {"command": %s, "args": [%s], "timeout": 1}}}' % (
        json.dumps(sys.executable), json.dumps(SERVER)))
    assert cfg.get("t").timeout == 1.0 and '"timeout": 1.0' in (tmp_path / "mcp.json").read_text()
    h = ToolHub(cfg, start_timeout=15, call_timeout=60)
    try:
        result = h.call("t", "slow", {"seconds": 30})
        assert result.status == "timeout" and "within 1 s" in result.text
    finally:
        h.close()


def test_stop_ends_a_call_at_once(hub):
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    result = hub.call("t", "slow", {"seconds": 30}, cancel=cancel, timeout=60)
    assert result.status == "error" and "Stopped" in result.text and time.monotonic() - started < 5


def test_server_that_hangs_at_start_times_out_with_a_clear_message(tmp_path):
    cfg = ToolsConfig(tmp_path / "mcp.json")
    cfg.add_stdio("hang", sys.executable, [SERVER, "hang"])
    h = ToolHub(cfg, start_timeout=3)
    try:
        started = time.monotonic()
        with pytest.raises(ToolServerError) as err:
            h.connect("hang")
        assert time.monotonic() - started < 8
        assert "did not start within 3 s" in str(err.value) and "starting, slowly" in str(err.value)
        result = h.call("hang", "echo", {"text": "x"})  # a call says the same, and does not hang either
        assert result.status == "error" and "did not start" in result.text
    finally:
        h.close()


def test_crash_at_start_missing_command_and_crash_during_a_call(hub):
    with pytest.raises(ToolServerError, match="no such database"):
        hub.connect("crash")
    with pytest.raises(ToolServerError, match="not found"):
        hub.connect("missing")
    died = hub.call("later", "echo", {"text": "die"})
    assert died.status == "error" and "stopped during the call" in died.text and "asked to die" in died.text
    assert hub.call("later", "echo", {"text": "ok"}).text == "echo:ko"  # started again


def test_in_memory_server_results_and_cap(tmp_path):
    """The SDK's own in-process transport: no child process, the hub's logic alone."""
    from mcp import Client
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
    from mcp_types import ImageContent, TextContent, ToolAnnotations

    server = MCPServer("memory")

    @server.tool(annotations=ToolAnnotations(read_only_hint=True))
    def big(n: int) -> str:
        return "字" * n

    @server.tool()
    def mixed() -> list:
        return [TextContent(type="text", text="看图"), ImageContent(type="image", data="aGVsbG8=", mime_type="image/png")]

    @server.tool()
    def fails() -> str:
        raise ToolError("磁盘满了")

    cfg = ToolsConfig(tmp_path / "mcp.json")
    cfg.add_stdio("mem", "unused")
    hub = ToolHub(cfg)
    hub.client_factory = lambda _server, _headers, _errlog, _stack: Client(server)
    try:
        tools = {t.name: t for t in hub.connect("mem")}
        assert tools["big"].read_only and not tools["fails"].read_only
        capped = hub.call("mem", "big", {"n": RESULT_CAP + 500})
        assert capped.text.startswith("字" * 100) and len(capped.text) < RESULT_CAP + 100 and "500" in capped.text
        mixed = hub.call("mem", "mixed", {})
        assert mixed.text.startswith("看图\n[image: image/png") and "not shown" in mixed.text
        failed = hub.call("mem", "fails", {})
        assert failed.status == "error" and failed.is_error and "磁盘满了" in failed.text
    finally:
        hub.close()


def test_offline_mode_refuses_an_http_server_in_words(tmp_path, monkeypatch):
    from aigc_desktop.settings import SettingsStore
    from aigc_desktop.tools.service import ToolService

    monkeypatch.setattr("aigc_desktop.providers.secrets.keychain_usable", lambda: False)
    store = SettingsStore(tmp_path / "settings.json")
    store.update(offline=True)
    svc = ToolService.open(tmp_path, settings=store)
    svc.config.add_http("far", "https://tools.example.com/mcp")
    try:
        status = svc.status("far")
        assert status.tools == [] and "offline mode" in status.error and "tools.example.com" in status.error
        result = svc.hub.call("far", "x", {})
        assert result.status == "error" and "offline mode" in result.text
    finally:
        svc.close()


def test_streamable_http_server(tmp_path, monkeypatch):
    """The same tools over Streamable HTTP (the SDK's own server in a child process on loopback)."""
    import socket
    import subprocess

    monkeypatch.setattr("aigc_desktop.providers.secrets.keychain_usable", lambda: False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    child = subprocess.Popen([sys.executable, SERVER, "http", str(port)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    cfg = ToolsConfig(tmp_path / "mcp.json")
    cfg.add_http("web", f"http://127.0.0.1:{port}/mcp", {"Authorization": "Bearer t0ken-abc"})
    hub = ToolHub(cfg, start_timeout=10, call_timeout=10)
    try:
        deadline = time.monotonic() + 30
        while True:  # bounded wait for the child to listen
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert time.monotonic() < deadline and child.poll() is None, "the HTTP test server did not start"
                time.sleep(0.1)
        assert "echo" in {t.name for t in hub.connect("web")}
        assert hub.call("web", "echo", {"text": "网"}).text == "echo:网"
        assert "t0ken" not in (tmp_path / "mcp.json").read_text(encoding="utf-8")
    finally:
        hub.close()
        child.terminate()
        child.wait(10)
