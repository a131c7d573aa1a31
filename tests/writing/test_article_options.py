"""The article's lead paragraph and contents are kept with the document and reach every format;
a section's notes are kept and go into its draft prompt."""

from __future__ import annotations

import io

FIVE = ["基本概念", "技术实现", "优势与不足", "潜在问题", "未来发展"]
LEAD = "本文面向初学者，分五个部分介绍 AIGC。"


def _drafted(docs):
    doc = docs.create("AIGC：从入门到精通", brief="面向初学者", outline=FIVE)
    for sec in doc.sections:
        docs.add_version(sec.id, f"{sec.title}的正文。", status="done")
    return docs.get(doc.id)


def test_lead_toc_and_notes_round_trip(docs):
    """update(lead=, toc=) and set_notes are stored and come back on get() and list()."""
    doc = _drafted(docs)
    assert (doc.lead, doc.toc) == ("", False)
    docs.update(doc.id, lead=LEAD, toc=True)
    docs.set_notes(doc.sections[0].id, "  定义、起源、典型应用  ")
    again = docs.get(doc.id)
    assert (again.lead, again.toc, again.sections[0].notes) == (LEAD, True, "定义、起源、典型应用")
    assert [(d.lead, d.toc) for d in docs.list()] == [(LEAD, True)]
    docs.update(doc.id, toc=False)
    assert docs.get(doc.id).toc is False and docs.get(doc.id).lead == LEAD


def test_notes_go_into_the_draft_prompt(docs):
    """A section's notes are named in the prompt that drafts it (and the exclusions stay)."""
    from aigc_desktop.writing.service import DocumentService

    doc = _drafted(docs)
    docs.set_notes(doc.sections[0].id, "定义、起源、典型应用")
    doc = docs.get(doc.id)
    prompt = DocumentService(docs, engine=None).prompt_for(doc, doc.sections[0])
    assert "定义、起源、典型应用" in prompt and "技术实现" in prompt


def test_markdown_uses_the_stored_lead_and_contents(docs):
    """assemble() with no arguments prints the document's own lead and contents; arguments override them."""
    from aigc_desktop.writing.service import DocumentService

    doc = _drafted(docs)
    docs.update(doc.id, lead=LEAD, toc=True)
    text = DocumentService(docs, engine=None).assemble(doc.id)
    assert text.startswith(f"# AIGC：从入门到精通\n\n{LEAD}\n\n1. 基本概念\n2. 技术实现\n")
    plain = DocumentService(docs, engine=None).assemble(doc.id, toc=False, lead="")
    assert LEAD not in plain and "\n1. 基本概念" not in plain and "## 5. 未来发展" in plain


def test_html_docx_and_pdf_carry_the_lead_and_contents(docs, tmp_path):
    """HTML, Word and PDF exports hold the lead (without an empty heading) and the contents list, in order."""
    from docx import Document

    from aigc_desktop.writing.export import render
    from tests.export.pdftext import decoded_text

    doc = _drafted(docs)
    docs.update(doc.id, lead=LEAD, toc=True)
    doc = docs.get(doc.id)

    html = render(doc, "html").decode("utf-8")
    assert "<h2></h2>" not in html
    assert html.index(LEAD) < html.index("1. 基本概念") < html.index("未来发展的正文")

    paras = [p.text for p in Document(io.BytesIO(render(doc, "docx"))).paragraphs if p.text.strip()]
    assert paras.index(LEAD) < paras.index("未来发展") < paras.index("1. 基本概念")  # lead, contents, sections

    pdf = tmp_path / "article.pdf"
    pdf.write_bytes(render(doc, "pdf"))
    pdf_text = decoded_text(pdf).replace(" ", "").replace("\n", "")
    assert pdf_text.index("初学者") < pdf_text.index("1.基本概念") and pdf_text.count("未来发展") >= 2


def test_headings_a_model_writes_inside_a_section_stay_inside_it(docs):
    """'## …' in a section's text becomes '#### …' under '## 1. …'; a '#' line in a code block is untouched."""
    from aigc_desktop.writing.export import nest_headings
    from aigc_desktop.writing.service import DocumentService

    body = "导语\n\n## 要点一\n\n正文\n\n```bash\n# not a heading\n```\n\n小结\n---\n\n###### 最深"
    assert nest_headings(body) == ("导语\n\n#### 要点一\n\n正文\n\n```bash\n# not a heading\n```\n\n#### 小结\n\n"
                                   "###### 最深")
    doc = docs.create("T", outline=["一", "二"])
    docs.add_version(doc.sections[0].id, body, status="done")
    text = DocumentService(docs, engine=None).assemble(doc.id)
    assert [line for line in text.splitlines() if line.startswith("## ")] == ["## 1. 一", "## 2. 二"]


def test_a_documents_own_section_prompt_is_used_and_checked(docs):
    """prompt_for uses the document's stored template (other braces kept); a template without
    {section} or with an unknown variable is refused with the reason."""
    import pytest

    from aigc_desktop.errors import UserError
    from aigc_desktop.writing.prompts import check_section_template
    from aigc_desktop.writing.service import DocumentService

    doc = _drafted(docs)
    docs.update(doc.id, prompt_template="写“{section}”，JSON 形如 {\"a\": 1}，不能涉及到{exclude}。")
    doc = docs.get(doc.id)
    prompt = DocumentService(docs, engine=None).prompt_for(doc, doc.sections[1])
    assert prompt == "写“技术实现”，JSON 形如 {\"a\": 1}，不能涉及到基本概念、优势与不足、潜在问题和未来发展。"
    with pytest.raises(UserError, match="section"):
        check_section_template("没有小节")
    with pytest.raises(UserError, match="topic"):
        check_section_template("{section}{topic}")
