"""Citations: what a grounded reply or section version keeps of each passage it was given, and
whether that still holds.

A citation is a plain dict (it is stored as JSON on the message or the version):
``{"n", "kb", "kb_name", "file", "page", "heading", "text", "start", "end", "sha256", "mtime"}``;
``start``/``end`` are offsets into the file's parsed text (:mod:`aigc_desktop.kb.parse`), so
re-parsing the unchanged file gives ``text`` back at those offsets. A file that is gone, or whose
content hash differs from the one cited, is *stale*: the window marks it, never showing a
passage that may have moved as if it were where the citation says.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.kb.records import Hit


def from_hit(hit: Hit, n: int) -> dict:
    return {"n": n, "kb": hit.kb, "kb_name": hit.kb_name, "file": hit.file, "page": hit.page,
            "heading": hit.heading, "text": hit.text, "start": hit.start, "end": hit.end,
            "sha256": hit.sha256, "mtime": hit.mtime}


def is_stale(citation: dict) -> bool:
    """The cited file is gone or its content changed since (an unchanged modification time is trusted)."""
    path = citation.get("file") or ""
    try:
        st = os.stat(path)
    except OSError:
        return True
    if citation.get("mtime") and st.st_mtime == citation["mtime"]:
        return False
    from aigc_desktop.kb.sync import file_hash

    try:
        return file_hash(path) != citation.get("sha256")
    except OSError:
        return True


def resolve(citation: dict) -> tuple[str, int, int]:
    """(the file's parsed text, start, end) of the cited passage: at its offsets, or where the
    same passage now stands in a changed file. :class:`UserError` when the file cannot be read or
    no longer holds the passage."""
    from aigc_desktop.kb.parse import parse_file

    path = citation.get("file") or ""
    if not Path(path).exists():
        raise UserError(_("The cited file {path} is no longer there.").format(path=path))
    text = parse_file(path).text  # ParseError is a UserError with the reason
    start, end, quoted = int(citation.get("start", 0)), int(citation.get("end", 0)), citation.get("text", "")
    if text[start:end] == quoted:
        return text, start, end
    found = text.find(quoted) if quoted else -1
    if found < 0:
        raise UserError(_("The cited passage is no longer in {name}: the file was changed after it was quoted.")
                        .format(name=Path(path).name))
    return text, found, found + len(quoted)


def passage_context(citation: dict, chars: int = 300) -> tuple[str, str, str]:
    """(before, passage, after): the passage with up to ``chars`` characters of its file around it."""
    text, start, end = resolve(citation)
    return text[max(0, start - chars):start], text[start:end], text[end:end + chars]


def reference_line(citation: dict) -> str:
    """"notes.md, page 2 · 标题": where a passage is, for a references list."""
    name = Path(citation.get("file") or "").name or str(citation.get("file", ""))
    where = _("{file}, page {page}").format(file=name, page=citation["page"]) if citation.get("page") else name
    return f"{where} · {citation['heading']}" if citation.get("heading") else where


def references_text(citations: list[dict]) -> str:
    """"[1] notes.md · 标题" paragraphs in number order: the numbers written out, as the markers in the
    text are (a Markdown numbered list would be renumbered by Word, which continues a document's lists)."""
    ordered = sorted(citations, key=lambda c: c.get("n", 0))
    return "\n\n".join(f"[{c.get('n')}] {reference_line(c)}" for c in ordered)


def references_markdown(citations: list[dict]) -> str:
    """A reply's sources under a "References" line (chat exports)."""
    if not citations:
        return ""
    return f"**{_('References')}**\n\n" + references_text(citations)


_MARKER = re.compile(r"\[(\d{1,3})\]")


def number_article(sections: list[tuple[str, list[dict]]]) -> tuple[list[str], list[dict]]:
    """An article's sections each cite their own passages [1]…[n]; the article numbers them once.

    Returns the sections' texts with their markers renumbered (in a section given passages, a
    marker past them is dropped: it would point at another passage's number) and the article's references in
    order (each a citation whose ``n`` is its article number; a passage two sections were given
    is listed once)."""
    refs: list[dict] = []
    seen: dict[tuple, int] = {}
    texts = []
    for text, citations in sections:
        local: dict[int, int] = {}
        for c in sorted(citations or [], key=lambda c: c.get("n", 0)):
            key = (c.get("file"), c.get("start"), c.get("end"))
            if key not in seen:
                seen[key] = len(refs) + 1
                refs.append({**c, "n": seen[key]})
            local[int(c.get("n", 0))] = seen[key]
        if local:  # a marker past the section's passages points at nothing: it goes
            text = _MARKER.sub(lambda m, local=local: f"[{local[int(m.group(1))]}]" if int(m.group(1)) in local
                               else "", text)
        texts.append(text)
    return texts, refs
