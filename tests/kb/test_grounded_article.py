"""A studio section with a knowledge base: its prompt carries the numbered passages and the [n]
instruction, its version records the citations, and the exported article ends with a numbered
References list in Markdown, Word and PDF (the markers renumbered over the whole article)."""

from __future__ import annotations

import pytest

from aigc_desktop.kb.service import KnowledgeBaseService
from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.writing.service import DocumentService

pytestmark = pytest.mark.real


@pytest.fixture
def grounded_doc(db, docs, corpus, real_engine):
    kb = KnowledgeBaseService(db)
    kb.create("资料")
    kb.add_sources("资料", [corpus])
    service = DocumentService(docs, real_engine, kb=kb)
    doc = docs.create("中国之旅", brief="写给小学生", outline=["熊猫", "长城和敦煌壁画"])
    docs.update(doc.id, kbs=[kb.get("资料").uid])
    return service, docs, doc.id


def test_a_grounded_section_cites_and_the_article_lists_references(grounded_doc, tmp_path):
    from aigc_desktop.writing.export import render
    from tests.export.pdftext import text_of

    service, docs, doc_id = grounded_doc
    runs = service.draft(doc_id, sampling=SamplingParams(max_tokens=16, seed=1, temperature=0))
    assert [r.run_status for r in runs] == ["done", "done"]
    doc = docs.get(doc_id)
    first, second = doc.sections
    assert first.citations[0]["file"].endswith("page.html")
    assert second.citations[0]["file"].endswith("book.pdf") and second.citations[0]["page"] == 2
    assert "[1] (page.html · 动物园)" in first.prompt and "方括号标注它的编号" in first.prompt
    assert docs.versions(first.id)[-1].citations == first.citations

    md = service.assemble(doc_id)
    refs = md.split("## References", 1)[1]
    assert "page.html · 动物园" in refs and "book.pdf, page 2" in refs
    n_refs = len([line for line in refs.splitlines() if line.startswith("[")])
    assert "[1] page.html · 动物园" in refs
    assert n_refs == len({(c["file"], c["start"]) for s in doc.sections for c in s.citations})

    docx_path = tmp_path / "a.docx"
    docx_path.write_bytes(render(doc, "docx"))
    import docx

    paras = [p.text for p in docx.Document(str(docx_path)).paragraphs]
    at = paras.index("References")
    assert any("book.pdf, page 2" in p for p in paras[at:])

    pdf_path = tmp_path / "a.pdf"
    pdf_path.write_bytes(render(doc, "pdf"))
    text = text_of(pdf_path)
    assert "References" in text and "book.pdf, page 2" in text


def test_markers_are_renumbered_over_the_article():
    from aigc_desktop.kb.citations import number_article

    a = {"file": "/x/a.md", "start": 0, "end": 5, "n": 1}
    b = {"file": "/x/b.md", "start": 0, "end": 5, "n": 2}
    texts, refs = number_article([("甲 [1]，乙 [2]。", [a, b]), ("又是乙 [1]，还有丙 [2][9]。",
                                                              [{**b, "n": 1}, {"file": "/x/c.md", "start": 3,
                                                                               "end": 9, "n": 2}]),
                                  ("没有资料的一节 [1]。", [])])
    assert texts == ["甲 [1]，乙 [2]。", "又是乙 [2]，还有丙 [3]。", "没有资料的一节 [1]。"]
    assert [(r["n"], r["file"]) for r in refs] == [(1, "/x/a.md"), (2, "/x/b.md"), (3, "/x/c.md")]
