"""The writing studio's work that needs no model: a document started from a given
outline, the prompt a section is drafted with, and the article assembled as Markdown.

They take the document store (or a record) and nothing else, so the CLI's ``write``
commands, the window's export and prompt preview and the tests use them without a
loaded model; :class:`~aigc_desktop.writing.service.DocumentService` (which drives
the engine) delegates to them.
"""

from __future__ import annotations

from collections.abc import Sequence

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.kb.citations import number_article, references_text
from aigc_desktop.store.documents import DocumentRecord, DocumentStore, SectionRecord
from aigc_desktop.writing.prompts import section_prompt


def check_title(title: str) -> str:
    """The title as stored; a blank one is refused before anything is asked of a model."""
    if not title.strip():
        raise UserError(_("The document needs a title."))
    return title.strip()


def create_document(store: DocumentStore, title: str, brief: str = "", outline: Sequence[str] = (), *,
                    model: str | None = None) -> DocumentRecord:
    """A new document with these section titles (blank ones left out)."""
    title = check_title(title)
    sections = [t.strip() for t in outline if t.strip()]
    if not sections:
        raise UserError(_("The outline has no sections."))
    return store.create(title, brief=brief.strip(), outline=sections, model=model)


def prompt_for(doc: DocumentRecord, section: SectionRecord) -> str:
    """The prompt that drafts ``section``: the document's own template (or the built-in one),
    with the other sections named so the model does not write them here."""
    others = [s.title for s in doc.sections if s.id != section.id]
    return section_prompt(doc.title, doc.brief, section.title, others, notes=section.notes,
                          template=doc.prompt_template or None)


def assemble(store: DocumentStore, doc_id: int, *, toc: bool | None = None, lead: str | None = None) -> str:
    """The article as Markdown: title, optional lead and contents, numbered sections in order.

    ``toc`` and ``lead`` default to what the document keeps (set in the window)."""
    from aigc_desktop.writing.export import headings as numbered  # markdown-it: not at start-up
    from aigc_desktop.writing.export import nest_headings

    doc = store.get(doc_id)
    toc = doc.toc if toc is None else toc
    lead = doc.lead if lead is None else lead
    out = [f"# {doc.title}", ""]
    if lead.strip():
        out += [lead.strip(), ""]
    headings = numbered(doc)
    if toc:
        out += headings + [""]  # a numbered list, the headings' own numbers
    texts, refs = number_article([(s.text, s.citations) for s in doc.sections])  # [n] over the whole article
    for heading, text in zip(headings, texts):
        out += [f"## {heading}", ""]
        if text.strip():
            out += [nest_headings(text.strip()), ""]  # its own "## …" go below the section
    if refs:
        out += [f"## {_('References')}", "", references_text(refs)]
    return "\n".join(out).rstrip() + "\n"
