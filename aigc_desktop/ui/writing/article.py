"""The finished article: assembled as Markdown (title, lead, contents, numbered sections)
and written in any of the conversation exporters' formats.

Markdown comes from :meth:`DocumentService.assemble`, the other formats from
:mod:`aigc_desktop.writing.export` (the same HTML, Word and PDF exporters a chat uses),
written atomically by :func:`aigc_desktop.export.files.write_bytes_atomic`. HTML, Word
and PDF run as a background op (a PDF loads a font of several MB).
"""

from __future__ import annotations

from pathlib import Path

from aigc_desktop.i18n import N_

# The save dialog's file types: (format[:page], label), as for a conversation minus JSON.
ARTICLE_FILTERS = [
    ("md", N_("Markdown (*.md)")),
    ("html", N_("Web page, HTML (*.html)")),
    ("docx", N_("Word document (*.docx)")),
    ("pdf:a4", N_("PDF, A4 pages (*.pdf)")),
    ("pdf:letter", N_("PDF, Letter pages (*.pdf)")),
]
FORMATS = ("md", "html", "docx", "pdf")


def markdown(store, doc_id: int, *, toc: bool, lead: str) -> str:
    from aigc_desktop.writing.service import DocumentService

    return DocumentService(store, engine=None).assemble(doc_id, toc=toc, lead=lead)


def write_article(store, doc_id: int, path: Path, fmt: str, page: str = "a4", *, toc: bool = False,
                  lead: str = "", task=None) -> Path:
    """Write the article to ``path`` in ``fmt`` (md, html, docx, pdf); returns the path."""
    from aigc_desktop.export.files import write_bytes_atomic

    if fmt == "md":
        data = markdown(store, doc_id, toc=toc, lead=lead).encode("utf-8")
    elif fmt == "pdf":
        from aigc_desktop.export.pdf import to_pdf
        from aigc_desktop.writing.export import to_export_doc

        data = to_pdf(to_export_doc(store.get(doc_id)), page)
    else:
        from aigc_desktop.writing.export import render

        data = render(store.get(doc_id), fmt)
    write_bytes_atomic(Path(path), data)
    return Path(path)


def suggested_name(title: str, doc_id: int, fmt: str) -> str:
    from aigc_desktop.export.markdown import safe_filename

    return safe_filename(title, doc_id, fmt)
