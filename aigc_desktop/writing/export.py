"""A document as the shareable exporters' :class:`ExportDoc` (HTML, Word, PDF).

Markdown comes from :func:`aigc_desktop.writing.article.assemble`; the other
formats take the same article: the lead paragraph as a block with no heading, the
table of contents as a list, then one numbered block per section, so the conversation
exporters serve documents unchanged. ``lead`` and ``toc`` default to what the
document keeps (migration 0009).
"""

from __future__ import annotations

from aigc_desktop.export.document import Block, ExportDoc
from aigc_desktop.i18n import _, current_language
from aigc_desktop.kb.citations import number_article, references_text
from aigc_desktop.store.documents import DocumentRecord


SECTION_LEVEL = 2  # "## 1. 基本概念": headings inside a section's text go below it


def nest_headings(text: str, under: int = SECTION_LEVEL) -> str:
    """A section's text with its own headings moved below the section's heading.

    A model often writes "## …" inside a section; left as it is, each would become a
    section of the article beside the real ones. The headings are found with the
    same Markdown parser the window uses (so a ``#`` in a code block is left alone),
    and each ATX heading line gets ``under`` more ``#`` (at most six); a setext
    heading (underlined) becomes an ATX heading at that level.
    """
    from aigc_desktop.render.html import parser_for

    lines = text.split("\n")
    tokens = parser_for(text).parse(text)
    for tok in tokens:
        if tok.type != "heading_open" or tok.map is None:
            continue
        level = min(6, int(tok.tag[1]) + under)
        start, end = tok.map
        if tok.markup.startswith("#"):
            lines[start] = "#" * level + lines[start].lstrip()[len(tok.markup):]
        else:  # setext: the text line(s), then the ===/--- line
            title = " ".join(line.strip() for line in lines[start:end - 1])
            lines[start:end] = ["#" * level + " " + title] + [None] * (end - start - 1)
    return "\n".join(line for line in lines if line is not None)


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
    texts, refs = number_article([(s.text, s.citations) for s in doc.sections])  # [n] over the whole article
    blocks += [Block(heading=h, text=nest_headings(t, 1)) for h, t in zip(headings(doc), texts)]
    if refs:  # the article ends with its numbered references (参考资料)
        blocks.append(Block(heading=_("References"), text=references_text(refs)))
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
