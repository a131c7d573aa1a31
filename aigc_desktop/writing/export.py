"""A document as the shareable exporters' :class:`ExportDoc` (HTML, Word, PDF).

Markdown comes from :meth:`DocumentService.assemble`; the other formats take
one block per section, numbered, so the conversation exporters serve documents
unchanged.
"""

from __future__ import annotations

from aigc_desktop.export.document import Block, ExportDoc
from aigc_desktop.i18n import current_language
from aigc_desktop.store.documents import DocumentRecord


def to_export_doc(doc: DocumentRecord) -> ExportDoc:
    return ExportDoc(
        title=doc.title,
        meta=[],
        blocks=[Block(heading=f"{s.index}. {s.title}", text=s.text) for s in doc.sections],
        created=doc.created_at, modified=doc.updated_at, subject=doc.brief,
        language=current_language(),
    )


def render(doc: DocumentRecord, fmt: str) -> bytes:
    """``fmt`` is html, docx or pdf."""
    export = to_export_doc(doc)
    if fmt == "html":
        from aigc_desktop.export.html import to_html

        return to_html(export).encode("utf-8")
    if fmt == "docx":
        from aigc_desktop.export.docx import to_docx

        return to_docx(export)
    from aigc_desktop.export.pdf import to_pdf

    return to_pdf(export)
