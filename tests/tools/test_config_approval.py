"""tools/config.py (the mcpServers file) and tools/approval.py (what is asked and remembered)."""

from __future__ import annotations

import json

import pytest

from aigc_desktop.tools.approval import ApprovalPolicy, ToolRequest
from aigc_desktop.tools.config import ToolsConfig, ToolsConfigError, parse_text


@pytest.fixture
def no_keychain(monkeypatch):
    monkeypatch.setattr("aigc_desktop.providers.secrets.keychain_usable", lambda: False)


def test_pasted_configs_of_other_apps(no_keychain, tmp_path):
    claude = {"mcpServers": {"fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"],
                                    "env": {"DEBUG": "1"}}}}
    cherry = {"mcpServers": {"web": {"type": "streamableHttp", "baseUrl": "https://x.example/mcp", "isActive": False,
                                     "headers": {"Authorization": "Bearer abc123"}},
                             "old": {"type": "sse", "url": "https://x.example/sse"}}}
    servers = parse_text(json.dumps(claude))
    assert servers["fs"].kind == "stdio" and servers["fs"].env == {"DEBUG": "1"}
    servers = parse_text(json.dumps(cherry))
    assert servers["web"].url == "https://x.example/mcp" and servers["web"].disabled
    assert servers["old"].problem and "SSE" in servers["old"].problem
    cfg = ToolsConfig(tmp_path / "mcp.json")
    cfg.save_text(json.dumps(cherry))
    text = (tmp_path / "mcp.json").read_text(encoding="utf-8")
    assert "abc123" not in text and '"<keychain>"' in text  # the secret moved to the key store
    assert cfg.headers_for(cfg.get("web")) == {"Authorization": "Bearer abc123"}
    assert cfg.get("old").problem  # kept, still refused in words


def test_broken_file_is_named_and_kept(no_keychain, tmp_path):
    path = tmp_path / "mcp.json"
    path.write_text('{"mcpServers": {"a": {"command": "x",}}}', encoding="utf-8")
    cfg = ToolsConfig(path)
    with pytest.raises(ToolsConfigError, match=r"line 1, column"):
        cfg.servers()
    cfg.add_stdio("b", "python3", ["-V"])
    assert cfg.kept_aside.name == "mcp.json.bad" and (tmp_path / "mcp.json.bad").exists()
    assert list(cfg.servers()) == ["b"]
    with pytest.raises(ToolsConfigError, match="neither"):
        parse_text('{"mcpServers": {"z": {"args": []}}}')
    with pytest.raises(ToolsConfigError):
        cfg.add_stdio("bad name!", "x")


def test_fingerprint_follows_command_args_env_names_not_values():
    a = parse_text('{"mcpServers": {"s": {"command": "node", "args": ["a.js"], "env": {"K": "1"}}}}')["s"]
    b = parse_text('{"mcpServers": {"s": {"command": "node", "args": ["a.js"], "env": {"K": "2"}}}}')["s"]
    c = parse_text('{"mcpServers": {"s": {"command": "node", "args": ["b.js"], "env": {"K": "1"}}}}')["s"]
    d = parse_text('{"mcpServers": {"s": {"url": "https://h/mcp", "headers": {"Authorization": "x"}}}}')["s"]
    e = parse_text('{"mcpServers": {"s": {"url": "https://h/mcp", "headers": {"Authorization": "y"}}}}')["s"]
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()
    assert d.fingerprint() == e.fingerprint() != a.fingerprint()


def _request(fp="f1", tool="write", conv=1):
    return ToolRequest("s", tool, "", {"x": 1}, False, fp, conv)


def test_policy_once_chat_always_deny(tmp_path):
    asked = []
    policy = ApprovalPolicy(tmp_path / "tool-approvals.json")

    def answer(decision):
        return lambda r: asked.append(r) or decision

    assert policy.decide(_request(), answer("once")) == "once"
    assert policy.decide(_request(), answer("chat")) == "chat"
    assert policy.decide(_request(), answer("deny")) == "chat" and len(asked) == 2  # not asked again in chat 1
    assert policy.decide(_request(conv=2), answer("deny")) == "deny"  # another chat asks
    assert policy.decide(_request(tool="read"), answer("always")) == "always"
    again = ApprovalPolicy(tmp_path / "tool-approvals.json")  # "always" survives a restart
    assert again.decide(_request(tool="read", conv=9), answer("deny")) == "always"
    assert again.decide(_request(fp="f2", tool="read"), answer("deny")) == "deny"  # a changed server asks
    assert [i["tool"] for i in again.always()] == ["read"]
    again.forget("f1", "read")
    assert again.always() == []
    assert again.decide(_request(tool="z"), lambda r: "maybe") == "deny"
    assert again.decide(_request(tool="z"), lambda r: 1 / 0) == "deny"
