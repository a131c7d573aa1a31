"""A reasoning model's reply in every export: the answer only by default, its thinking in a
marked block with ``--reasoning``, and always as its own field in JSON (which imports back)."""

from __future__ import annotations

import html
import json
import re
import zipfile
from io import BytesIO

import pytest
from markdown_it import MarkdownIt

from aigc_desktop.export.markdown import THINKING_LABEL, to_markdown
from tests.export.pdftext import decoded_text, pdftotext
from tests.openai_fake import ANSWER, THINKING


@pytest.fixture
def reasoning_chat(reasoning_server, capsys):
    """Conversation 1: one question and a reply from the fake server's inline-tags mode."""
    from aigc_desktop.cli import main
    from aigc_desktop.providers.config import ProviderStore

    ProviderStore().add("fk", reasoning_server.base_url, kind="custom", context_length=8192)
    assert main(["chat", "--model", "fk/fk-tags", "AIGC 是什么？"]) == 0
    capsys.readouterr()
    return 1


def _export(tmp_path, fmt: str, *extra: str) -> str:
    from aigc_desktop.cli import main

    out = tmp_path / f"chat{'-r' if extra else ''}.{fmt}"
    assert main(["export", "1", "--format", fmt, "-o", str(out), *extra]) == 0
    if fmt == "docx":
        with zipfile.ZipFile(BytesIO(out.read_bytes())) as z:
            return z.read("word/document.xml").decode("utf-8")
    if fmt == "pdf":
        text = pdftotext(out) or decoded_text(out)
        return re.sub(r"\s+", "", text)  # pdftotext breaks lines where the page did
    return out.read_text(encoding="utf-8")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_exports_leave_the_thinking_out_unless_asked(reasoning_chat, tmp_path, fmt):
    from aigc_desktop.i18n import _

    plain = _export(tmp_path, fmt)
    assert _squash(ANSWER) in _squash(plain)
    assert _squash(THINKING) not in _squash(plain) and "think>" not in plain and "&lt;think" not in plain
    label = THINKING_LABEL if fmt == "md" else _("The model's thinking")
    if fmt == "html":
        label = html.escape(label)
    assert label not in plain

    full = _export(tmp_path, fmt, "--reasoning")
    flat = _squash(full)
    assert _squash(THINKING) in flat and "think>" not in full and "&lt;think" not in full
    # The marked block, then the answer.
    assert flat.index(_squash(label)) < flat.index(_squash(THINKING)) < flat.index(_squash(ANSWER))
    if fmt == "html":
        assert re.search(r'<aside class="thinking"><p class="label">[^<]+</p><div class="body"><p>先分析问题', full)
    if fmt == "docx":
        assert 'w:fill="F3F4F6"' in full and "w:pBdr" in full  # the shaded, ruled box
        assert 'w:fill="F3F4F6"' not in plain


def test_markdown_thinking_is_a_titled_quote_before_the_answer(reasoning_chat, tmp_path):
    text = _export(tmp_path, "md", "--reasoning")
    assert f"> **{THINKING_LABEL}**\n>\n> {THINKING}\n\n{ANSWER}" in text
    tokens = MarkdownIt("commonmark").parse(text)
    quote = [t.content for t in tokens if t.type == "inline" and t.level >= 2]
    assert any(THINKING in c for c in quote)  # inside the blockquote, as Markdown reads it


def test_markdown_thinking_that_could_escape_its_quote_is_fenced():
    from datetime import datetime, timezone

    from aigc_desktop.store.conversations import ConversationRecord, MessageRecord

    t0 = datetime(2026, 1, 2, tzinfo=timezone.utc)
    conv = ConversationRecord(id=1, title="t", created_at=t0, updated_at=t0, model=None, system_prompt=None,
                              sampling={}, pinned=False, current_leaf_id=1)
    risky = "看这个定义\n\n[x]: https://example.com\n\n```python\nprint(1)"
    msg = MessageRecord(id=1, conversation_id=1, parent_id=None, role="assistant", content="答案", status="done",
                        created_at=t0, model="m", stats={}, reasoning=risky)
    text = to_markdown(conv, [msg], reasoning=True)
    env: dict = {}
    MarkdownIt("commonmark").parse(text, env)
    assert not env.get("references")  # the link definition stays text inside a fence
    assert "> ````text\n> 看这个定义" in text and text.rstrip().endswith("答案")


def test_json_export_keeps_the_thinking_and_imports_it_back(reasoning_chat, tmp_path):
    from aigc_desktop.cli import main

    out = tmp_path / "chat.json"
    assert main(["export", "1", "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    reply = [m for m in data["messages"] if m["role"] == "assistant"][0]
    assert reply["content"] == ANSWER and reply["reasoning"] == THINKING
    user = [m for m in data["messages"] if m["role"] == "user"][0]
    assert user["reasoning"] == ""

    reply["id"] = 9001  # a copy the duplicate check does not take for the chat already here
    data["messages"][0]["id"], reply["parent_id"] = 9000, 9000
    data["conversation"]["current_leaf_id"] = 9001
    data["conversation"]["created"] = "2020-01-01T00:00:00+00:00"
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    from aigc_desktop.importers import import_file
    from tests.providers.test_reasoning_remote import _store

    store = _store()
    ids = import_file(store, out)
    assert len(ids) == 1
    back = [m for m in store.branch(ids[0]) if m.role == "assistant"][0]
    assert back.content == ANSWER and back.reasoning == THINKING


def test_json_import_refuses_thinking_that_is_not_text():
    from aigc_desktop.errors import UserError
    from aigc_desktop.export.markdown import JSON_FORMAT, JSON_VERSION
    from aigc_desktop.importers.native import parse_native

    data = {"format": JSON_FORMAT, "version": JSON_VERSION, "conversation": {"title": "t"},
            "messages": [{"id": 1, "role": "assistant", "content": "答", "reasoning": ["想"]}]}
    with pytest.raises(UserError, match="thinking of message 1 is not text"):
        parse_native(data)
    data["messages"][0]["reasoning"] = None  # an export written before reasoning was kept: none
    assert parse_native(data)[0].messages[0].reasoning == ""


def test_pdf_with_thinking_renders(reasoning_chat, tmp_path):
    """The PDF's box draws (the picture is looked at by hand: /tmp/reasoning-export.png)."""
    import shutil
    import subprocess

    from aigc_desktop.cli import main

    out = tmp_path / "r.pdf"
    assert main(["export", "1", "--format", "pdf", "--reasoning", "-o", str(out)]) == 0
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(out), str(tmp_path / "p")],
                       check=True)
        assert list(tmp_path.glob("p*.png"))


def test_word_export_of_a_horizontal_rule():
    """A "---" in a message (models write them between parts, in thinking too) is a centred rule."""
    from aigc_desktop.export.document import Block, ExportDoc
    from aigc_desktop.export.docx import to_docx

    data = to_docx(ExportDoc("t", blocks=[Block("助手", "前\n\n---\n\n后", role="assistant", reasoning="想\n\n---\n\n再想")]))
    with zipfile.ZipFile(BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert xml.count("\u2015" * 20) == 2 and xml.index("再想") < xml.index("后")
