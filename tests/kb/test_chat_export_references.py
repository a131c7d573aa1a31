"""A grounded reply's references travel with it in every chat export format."""

from __future__ import annotations

import io
import json

import pytest

CITE = {"n": 1, "kb": "u", "kb_name": "资料", "file": "/docs/book.pdf", "page": 2, "heading": "", "text": "长城。",
        "start": 0, "end": 3, "sha256": "x", "mtime": 1.0}


@pytest.fixture
def conv(db):
    from aigc_desktop.store.conversations import ConversationStore

    store = ConversationStore(db)
    c = store.create("长城")
    store.add_message(c.id, "user", "长城在哪里？")
    reply = store.add_message(c.id, "assistant", "在中国北方 [1]。")
    store.update_message(reply.id, citations=[CITE, {**CITE, "n": 2, "file": "/docs/notes.md", "page": None,
                                                      "heading": "我的笔记 › 故乡"}])
    return store, c.id


def test_markdown_json_and_word_list_the_references(conv):
    import docx

    from aigc_desktop.export.files import render

    store, cid = conv
    md = render(store, cid, "md")
    assert "**References**\n\n[1] book.pdf, page 2\n\n[2] notes.md · 我的笔记 › 故乡" in md
    assert json.loads(render(store, cid, "json"))["messages"][1]["citations"][0]["page"] == 2
    paras = [p.text for p in docx.Document(io.BytesIO(render(store, cid, "docx"))).paragraphs]
    assert "[1] book.pdf, page 2" in paras and "[2] notes.md · 我的笔记 › 故乡" in paras
    assert "[1] book.pdf, page 2" in render(store, cid, "html")
