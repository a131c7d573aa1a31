"""Chinese typography in exports: a suggested file name drops the title's closing punctuation
("…的开头。.docx"), and the header lines of a Chinese PDF and Word file use a full-width colon
("模型：…"), an English one "Model: …"."""

from __future__ import annotations

import zipfile
from datetime import datetime, timezone
from io import BytesIO

import pytest

from aigc_desktop import i18n
from aigc_desktop.export.document import from_conversation
from aigc_desktop.export.markdown import safe_filename, title_filename
from aigc_desktop.store.conversations import ConversationRecord, MessageRecord
from tests.export.pdftext import decoded_text

T0 = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)


@pytest.mark.parametrize("title, name", [
    ("写一个故事的开头。", "写一个故事的开头.docx"),
    ("你好，世界！", "你好，世界.docx"),
    ("这是什么？？", "这是什么.docx"),
    ("未完……", "未完.docx"),
    ("例如：", "例如.docx"),
    ("列举；", "列举.docx"),
    ("What is this?", "What is this.docx"),
    ("Hello!", "Hello.docx"),
    ("A list,", "A list.docx"),
    ("v1.2 notes", "v1.2 notes.docx"),  # inside the title, kept
    ("。！？", "conversation.docx"),  # nothing left: the fallback
])
def test_a_suggested_file_name_drops_closing_punctuation(title, name):
    assert title_filename(title, "docx") == name


def test_an_export_of_all_chats_names_files_the_same_way():
    assert safe_filename("灯塔是什么？", 3, "md") == "00003 灯塔是什么.md"


def _doc(language):
    conv = ConversationRecord(id=5, title="导出", created_at=T0, updated_at=T0, model="Qwen2.5",
                              system_prompt="", sampling={}, pinned=False, current_leaf_id=2)
    recs = [MessageRecord(id=1, conversation_id=5, parent_id=None, role="user", content="你好", status="done",
                          created_at=T0, model=None, stats={}),
            MessageRecord(id=2, conversation_id=5, parent_id=1, role="assistant", content="你好！", status="done",
                          created_at=T0, model="Qwen2.5", stats={})]
    i18n.install(language)
    try:
        return from_conversation(conv, recs, language)
    finally:
        i18n.install("en")


def test_header_lines_use_a_full_width_colon_in_chinese():
    zh, en = _doc("zh_CN"), _doc("en")
    assert zh.meta_lines()[0] == "模型：Qwen2.5" and all("：" in line and ": " not in line for line in zh.meta_lines())
    assert en.meta_lines()[0] == "Model: Qwen2.5"


def test_the_chinese_pdf_and_word_headers(tmp_path):
    from docx import Document

    from aigc_desktop.export.docx import to_docx
    from aigc_desktop.export.pdf import to_pdf

    pdf = tmp_path / "zh.pdf"
    pdf.write_bytes(to_pdf(_doc("zh_CN")))
    text = decoded_text(pdf)
    assert "模型：Qwen2.5" in text and "模型:" not in text
    data = to_docx(_doc("zh_CN"))
    paragraphs = [p.text for p in Document(BytesIO(data)).paragraphs]
    assert "模型：Qwen2.5" in paragraphs
    with zipfile.ZipFile(BytesIO(data)) as z:
        assert "模型：Qwen2.5" in z.read("docProps/core.xml").decode("utf-8")
