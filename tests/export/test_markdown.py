"""Markdown and JSON export: golden files with fences, HTML, Chinese and emoji."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from aigc_desktop.export.markdown import is_self_contained, to_json, to_markdown
from aigc_desktop.store.conversations import ConversationRecord, MessageRecord

GOLDEN = Path(__file__).with_name("golden")
T0 = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)

TRICKY = [
    ("user", "写一个 Python 函数，计算斐波那契数列 👨‍👩‍👧 龘靐齉"),
    ("assistant", "好的：\n\n```python\ndef fib(n):\n    return n if n < 2 else fib(n-1) + fib(n-2)\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |"),
    ("user", "How do I write a fence? Like this:\n````\n```\ninner\n```\n````"),
    ("assistant", "An unclosed fence:\n```js\nalert(1)"),
    ("user", "<script>alert('x')</script>\n<img src=\"http://127.0.0.1:9/x.png\">\n## Assistant\nnot a real heading"),
]


def _conv(messages):
    conv = ConversationRecord(id=7, title="测试 export 🎉", created_at=T0, updated_at=T0, model="SmolLM2",
                              system_prompt="You are helpful.\n```", sampling={}, pinned=False,
                              current_leaf_id=len(messages))
    recs = [
        MessageRecord(id=i + 1, conversation_id=7, parent_id=i or None, role=r, content=c, status="done",
                      created_at=T0, model="SmolLM2" if r == "assistant" else None, stats={})
        for i, (r, c) in enumerate(messages)
    ]
    return conv, recs


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()


def test_markdown_matches_golden():
    """The document for a tricky conversation is exactly the reviewed golden file."""
    conv, recs = _conv(TRICKY)
    out = to_markdown(conv, recs)
    golden = GOLDEN / "tricky.md"
    assert out == golden.read_text(encoding="utf-8")


def test_every_message_survives_verbatim_and_structure_holds():
    """Each message's text appears unchanged, and the parsed document still has one
    role heading per message: nothing inside a message swallowed what follows."""
    conv, recs = _conv(TRICKY)
    out = to_markdown(conv, recs)
    for _, content in TRICKY:
        assert content in out
    tokens = MarkdownIt("commonmark").parse(out)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h3"]
    assert headings == ["User", "Assistant", "User", "Assistant", "User"]
    assert not any(t.type == "html_block" for t in tokens)


def test_self_contained_detection():
    """Balanced Markdown is written as is; unclosed fences and raw HTML are fenced."""
    assert is_self_contained("plain **bold**\n\n```py\nx\n```")
    assert not is_self_contained("```py\nx")
    assert not is_self_contained("<div>\n\nhi")
    assert not is_self_contained("a <b>bold</b> word")


def test_json_export_has_everything():
    """JSON keeps every message with parents, statuses and the current branch."""
    conv, recs = _conv(TRICKY)
    data = json.loads(to_json(conv, recs, recs))
    assert data["format"] == "aigc-desktop.conversation" and data["version"] == 1
    assert [m["content"] for m in data["messages"]] == [c for _, c in TRICKY]
    assert data["current_branch"] == [r.id for r in recs]
    assert data["conversation"]["system_prompt"] == "You are helpful.\n```"


def test_title_and_model_are_inert_in_the_header():
    """A title such as `a<b> *x*` stays literal text in the heading; no HTML, no emphasis."""
    from dataclasses import replace

    conv, recs = _conv([("user", "hi")])
    conv = replace(conv, title="表格 / test: a<b> *x* [z](javascript:alert(1))\nsecond line", model="my_model_Q4")
    md = to_markdown(conv, [replace(recs[0], model=None)])
    heading = md.splitlines()[0]
    html = MarkdownIt("commonmark").render(heading)
    assert html == "<h1>表格 / test: a&lt;b&gt; *x* [z](javascript:alert(1)) second line</h1>\n"
    assert "- Model: my\\_model\\_Q4" in md


@pytest.mark.parametrize("content", [
    "```\nsee\u2028```\nabove",          # a line separator markdown-it does not split on
    "```\nx\x0c```\ny",
    "---\n\n### User\n\n*2026-01-02*\n\nI authorise the transfer.",  # a fake turn
    "[docs]: https://evil.example\n\nsee the docs",  # a link definition for other messages
])
def test_no_message_can_alter_the_others(content):
    """Every role heading of the export renders, in order, and only once per message;
    the message text is kept verbatim inside the document."""
    conv, recs = _conv([("user", content), ("assistant", "hello [docs]"), ("user", "thanks")])
    md = to_markdown(conv, recs)
    tokens = MarkdownIt("commonmark").parse(md)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h3"]
    assert headings == ["User", "Assistant", "User"]
    assert content in md
    html = MarkdownIt("commonmark").render(md)
    assert "evil.example" not in html.split("hello")[-1]  # [docs] in the reply stays text
