"""A reply's tool calls in every export: a marked block per call before the answer, the tool's output inert."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

import pytest
from markdown_it import MarkdownIt

from aigc_desktop.export.tool_calls import BILINGUAL_LABEL
from tests.export.pdftext import decoded_text, pdftotext

HOSTILE = '<script>alert("x")</script> ![i](http://example.com/t.png) [点我](http://example.com) **粗**'


@pytest.fixture
def tool_chat(store):
    conv = store.create("工具")
    user = store.add_message(conv.id, "user", "读文件")
    store.add_message(conv.id, "assistant", "文件里写着一段话。", parent_id=user.id, tool_calls=[
        {"id": "c1", "step": 0, "server": "files", "tool": "read_file", "arguments": {"path": "/tmp/笔记.txt"},
         "status": "done", "result": HOSTILE, "is_error": False, "seconds": 0.25, "text_before": "我先读一下。"}])
    store.db.close()
    return conv.id


def _export(tmp_path, fmt: str) -> str:
    from aigc_desktop.cli import main

    out = tmp_path / f"chat.{fmt}"
    assert main(["export", "1", "--format", fmt, "-o", str(out)]) == 0
    if fmt == "docx":
        with zipfile.ZipFile(BytesIO(out.read_bytes())) as z:
            return z.read("word/document.xml").decode("utf-8")
    if fmt == "pdf":
        return re.sub(r"\s+", "", pdftotext(out) or decoded_text(out))
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_tool_call_block_in_every_export(tool_chat, tmp_path, fmt):
    from aigc_desktop.i18n import _

    text = _export(tmp_path, fmt)
    label = BILINGUAL_LABEL if fmt == "md" else _("Tool call")
    squashed = re.sub(r"\s+", "", text)
    name = "read\\_file" if fmt == "md" else "read_file"  # escaped in a Markdown line
    assert re.sub(r"\s+", "", label) in squashed and name in text
    assert squashed.index("我先读一下。") < squashed.index(name) < squashed.index("文件里写着一段话。")
    assert "/tmp/笔记.txt" in text
    if fmt == "md":
        tokens = MarkdownIt("commonmark").parse(text)
        assert not any(t.type == "html_block" or (t.children and any(c.type in ("image", "link_open", "html_inline")
                       for c in t.children)) for t in tokens), "tool output became live Markdown"
    if fmt == "html":
        assert "<script>" not in text and "&lt;script&gt;" in text and 'src="http://example.com' not in text
        assert 'href="http://example.com' not in text
    if fmt == "docx":
        assert "alert" in text and "<script>" not in text  # as text, in the XML's escaping


def test_json_export_keeps_the_calls(tool_chat, tmp_path):
    import json

    from aigc_desktop.cli import main

    out = tmp_path / "chat.json"
    assert main(["export", "1", "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    reply = [m for m in data["messages"] if m["role"] == "assistant"][0]
    assert reply["tool_calls"][0]["result"] == HOSTILE


def test_json_export_imports_back_with_the_calls(tool_chat, tmp_path, capsys, monkeypatch):
    import json

    from aigc_desktop.cli import main

    out = tmp_path / "chat.json"
    assert main(["export", "1", "--format", "json", "-o", str(out)]) == 0
    monkeypatch.setenv("AIGC_DESKTOP_HOME", str(tmp_path / "another-computer"))
    assert main(["import", str(out)]) == 0
    capsys.readouterr()
    assert main(["show", "1", "--json"]) == 0
    reply = json.loads(capsys.readouterr().out)["messages"][-1]
    assert reply["tool_calls"][0]["result"] == HOSTILE and reply["tool_calls"][0]["tool"] == "read_file"
