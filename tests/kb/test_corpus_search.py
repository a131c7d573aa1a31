"""A Chinese corpus of five formats: every file is found by a two- or four-character word of its own,
the PDF hit carries its page, a script's text is not indexed, a mixed 中英 query works."""

from __future__ import annotations

from pathlib import Path

import pytest

from aigc_desktop.kb.service import KnowledgeBaseService
from tests.kb.corpus import SCRIPT_WORD, UNIQUE


@pytest.fixture
def kb(db, corpus):
    service = KnowledgeBaseService(db)
    service.create("资料库")
    report = service.add_sources("资料库", [corpus])
    assert (report.added, report.failed) == (5, [])
    return service


@pytest.mark.parametrize("word", sorted(UNIQUE))
def test_each_file_is_found_by_its_own_word(kb, word):
    hits = kb.search("资料库", word, k=3)
    assert hits, word
    assert Path(hits[0].file).name == UNIQUE[word]
    assert word in hits[0].text


def test_the_pdf_hit_carries_page_two(kb):
    hit = kb.search("资料库", "长城", k=1)[0]
    assert (Path(hit.file).name, hit.page) == ("book.pdf", 2)


def test_a_script_is_not_indexed(kb):
    assert kb.search("资料库", SCRIPT_WORD) == []


def test_a_mixed_chinese_english_query(kb):
    hits = kb.search("资料库", "Python 人工智能 programming")
    assert Path(hits[0].file).name == "notes.md" and "Python" in hits[0].text
    assert hits[0].heading == "我的笔记 › 技术"


def test_offsets_point_into_the_parsed_text(kb, corpus):
    from aigc_desktop.kb.parse import parse_file

    for word in ("故乡", "神经网络", "熊猫", "月饼", "敦煌壁画"):
        hit = kb.search("资料库", word, k=1)[0]
        assert parse_file(hit.file).text[hit.start:hit.end] == hit.text


def test_an_unreadable_file_is_listed_and_the_rest_go_on(db, corpus):
    (corpus / "broken.docx").write_bytes(b"not a zip at all")
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.4 garbage")
    service = KnowledgeBaseService(db)
    service.create("k")
    report = service.add_sources("k", [corpus])
    assert report.added == 5
    reasons = dict((Path(p).name, r) for p, r in report.failed)
    assert set(reasons) == {"broken.docx", "scan.pdf"}
    assert "DOCX" in reasons["broken.docx"]
    info = service.get("k")
    assert (info.files, info.failed) == (5, 2)
    assert {Path(f.path).name: f.error for f in service.files("k")}["broken.docx"] == reasons["broken.docx"]


def test_names_are_checked(db):
    from aigc_desktop.errors import UserError

    service = KnowledgeBaseService(db)
    service.create("a")
    with pytest.raises(UserError, match="already exists"):
        service.create("a")
    with pytest.raises(UserError, match="No knowledge base"):
        service.search("nope", "x")
    service.remove("a")
    assert service.list() == []


def test_a_term_in_most_passages_is_left_out_of_a_longer_query(db, tmp_path):
    """bm25 scores every passage a term is in: a term in most of them (here 什么) is dropped, so the
    rare term decides, and a query of common terms alone still finds passages."""
    from aigc_desktop.kb.chunk import Chunk
    from aigc_desktop.kb.index import KbIndex

    index = KbIndex(db)
    kb_id = index.create("大")
    chunks = [Chunk(i, "", None, 0, 10, f"什么第{i}段" + ("熊猫在这里" if i == 7 else "")) for i in range(1200)]
    index.write_file(kb_id, str(tmp_path / "a.md"), size=1, mtime=0.0, sha256="x", chunks=chunks)
    assert len(index.keyword([kb_id], "什么熊猫", 5)) == 1  # with 什么 kept, 5 passages would match
    assert len(index.keyword([kb_id], "什么", 5)) == 5
