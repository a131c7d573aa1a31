"""A document as the shareable exporters' :class:`ExportDoc` (HTML, Word, PDF).

Markdown comes from :meth:`DocumentService.assemble`; the other formats take the
same article: the lead paragraph as a block with no heading, the table of
contents as a list, then one numbered block per section, so the conversation
exporters serve documents unchanged. ``lead`` and ``toc`` default to what the
document keeps (migration 0009).
"""

from __future__ import annotations

from aigc_desktop.export.document import Block, ExportDoc
from aigc_desktop.i18n import _, current_language
from aigc_desktop.store.documents import DocumentRecord


def headings(doc: DocumentRecord) -> list[str]:
    """The numbered section headings, as the article prints them."""
    return [f"{s.index}. {s.title}" for s in doc.sections]


def to_export_doc(doc: DocumentRecord, *, toc: bool | None = None, lead: str | None = None) -> ExportDoc:
    toc = doc.toc if toc is None else toc
    lead = (doc.lead if lead is None else lead).strip()
    blocks: list[Block] = []
    if lead:
        blocks.append(Block(heading="", text=lead))
    if toc:
        # "1. 基本概念" lines: a numbered list in every renderer ("- 1. …" would nest a list)
        blocks.append(Block(heading=_("Contents"), text="\n".join(headings(doc))))
    blocks += [Block(heading=h, text=s.text) for h, s in zip(headings(doc), doc.sections)]
    return ExportDoc(title=doc.title, meta=[], blocks=blocks, created=doc.created_at, modified=doc.updated_at,
                     subject=doc.brief, language=current_language())


def render(doc: DocumentRecord, fmt: str, page: str = "a4", *, toc: bool | None = None,
           lead: str | None = None) -> bytes:
    """``fmt`` is html, docx or pdf (``page`` a4 or letter, for a PDF)."""
    export = to_export_doc(doc, toc=toc, lead=lead)
    if fmt == "html":
        from aigc_desktop.export.html import to_html

        return to_html(export).encode("utf-8")
    if fmt == "docx":
        from aigc_desktop.export.docx import to_docx

        return to_docx(export)
    from aigc_desktop.export.pdf import to_pdf

    return to_pdf(export, page)
