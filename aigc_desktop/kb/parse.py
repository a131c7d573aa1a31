"""Files → text in sections: each with its heading path, its page (PDF) and where it starts in the
file's parsed text, so a chunk's offsets and a citation's offsets point into one string that
re-parsing the same file gives again (:mod:`aigc_desktop.kb.citations`).

Markdown is split at its headings (markdown-it-py), DOCX at paragraphs with a heading style
(python-docx), PDF by page (pypdfium2: pypdf puts a NUL between Chinese characters of fpdf2's
PDFs), HTML at ``h1``–``h6`` with scripts and styles dropped (beautifulsoup4), EPUB as its
chapters' HTML in spine order, TXT decoded from any common Chinese encoding (charset-normalizer
after a BOM check). A file that cannot be read raises :class:`ParseError` with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _

SUFFIXES = (".md", ".markdown", ".txt", ".text", ".docx", ".pdf", ".html", ".htm", ".xhtml", ".epub")
SECTION_GAP = "\n\n"  # between two sections in the parsed text


class ParseError(UserError):
    """This file cannot be indexed; the message says why."""


@dataclass(frozen=True)
class Section:
    headings: tuple[str, ...]  # the heading path, outermost first
    page: int | None  # 1-based (PDF)
    text: str
    start: int = 0  # where ``text`` starts in :attr:`ParsedDoc.text`

    @property
    def heading(self) -> str:
        return " › ".join(self.headings)


@dataclass
class ParsedDoc:
    sections: list[Section] = field(default_factory=list)
    text: str = ""

    def add(self, headings, page, text: str) -> None:
        text = text.strip("\n")
        if not text.strip():
            return
        if self.text:
            self.text += SECTION_GAP
        self.sections.append(Section(tuple(headings), page, text, len(self.text)))
        self.text += text


def supported(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def parse_file(path: str | Path) -> ParsedDoc:
    """The file's sections; :class:`ParseError` when it cannot be read."""
    path = Path(path)
    kind = path.suffix.lower()
    if kind not in SUFFIXES:
        raise ParseError(_("{kind} files are not supported (Markdown, TXT, Word .docx, PDF, HTML and EPUB are).")
                         .format(kind=kind or _("Extensionless")))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(_("Cannot read the file: {reason}").format(reason=exc.strerror or exc)) from exc
    try:
        if kind in (".md", ".markdown"):
            doc = parse_markdown(decode_text(data))
        elif kind in (".txt", ".text"):
            doc = parse_plain(decode_text(data))
        elif kind == ".docx":
            doc = parse_docx(path)
        elif kind == ".pdf":
            doc = parse_pdf(data)
        elif kind == ".epub":
            doc = parse_epub(path)
        else:
            doc = parse_html(decode_text(data))
    except ParseError:
        raise
    except Exception as exc:  # a damaged file of a known type: any library's error, said plainly
        raise ParseError(_("The file is damaged or not a valid {kind} file ({error}).").format(
            kind=kind.lstrip(".").upper(), error=type(exc).__name__)) from exc
    if not doc.text.strip():
        raise ParseError(_("No text found (a scanned PDF or an image needs OCR, which is not supported)."))
    return doc


def decode_text(data: bytes) -> str:
    """Text in UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK, Big5 …, newlines made ``\\n``."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            from charset_normalizer import from_bytes

            best = from_bytes(data, cp_isolation=["gb18030", "big5", "utf_16", "cp1252", "shift_jis", "euc_kr"]).best()
            if best is None:
                raise ParseError(_("The text's encoding could not be recognised.")) from None
            # GBK and GB2312 are subsets of GB18030: decode with the superset (rare characters too)
            encoding = "gb18030" if best.encoding in ("gb2312", "gbk", "gb18030") else best.encoding
            text = data.decode(encoding, errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def parse_plain(text: str) -> ParsedDoc:
    doc = ParsedDoc()
    doc.add((), None, text)
    return doc


def parse_markdown(text: str) -> ParsedDoc:
    """Split at ATX and setext headings (not a ``#`` inside a code block): each section is the
    source lines under a heading, as written."""
    from markdown_it import MarkdownIt

    lines = text.split("\n")
    tokens = MarkdownIt("commonmark").parse(text)
    doc, path, start = ParsedDoc(), [], 0
    for i, tok in enumerate(tokens):
        if tok.type != "heading_open" or tok.map is None:
            continue
        first, last = tok.map
        doc.add([h for _lvl, h in path], None, "\n".join(lines[start:first]))
        level = int(tok.tag[1])
        title = tokens[i + 1].content.strip()
        path = [(lvl, h) for lvl, h in path if lvl < level] + [(level, title)]
        start = last
    doc.add([h for _lvl, h in path], None, "\n".join(lines[start:]))
    return doc


_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


def _docx_level(paragraph) -> int | None:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    if name.lower() == "title":
        return 0
    m = _HEADING_STYLE.match(name.strip())
    return int(m.group(1)) if m else None


def parse_docx(path: Path) -> ParsedDoc:
    """Paragraphs with a heading style (Heading 1…9, 标题 1…, Title) start sections; tables
    are read row by row, cells separated by tabs, where they stand."""
    import docx
    from docx.table import Table

    document = docx.Document(str(path))
    doc, headings, body = ParsedDoc(), [], []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            body += ["\t".join(c.text.strip() for c in row.cells) for row in block.rows]
            continue
        level = _docx_level(block)
        if level is None or not block.text.strip():
            body.append(block.text)
            continue
        doc.add([h for _lvl, h in headings], None, "\n\n".join(p for p in body if p.strip()))
        body = []
        headings = [(lvl, h) for lvl, h in headings if lvl < level] + [(level, block.text.strip())]
    doc.add([h for _lvl, h in headings], None, "\n\n".join(p for p in body if p.strip()))
    return doc


def parse_pdf(data: bytes) -> ParsedDoc:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ParseError(_("The PDF is protected by a password.")) from exc
        raise
    doc = ParsedDoc()
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
            textpage.close()
            page.close()
            doc.add((), i + 1, text)
    finally:
        pdf.close()
    return doc


_MARK = "\u0000H{level}\u0000{title}\u0000"
_MARKED = re.compile(r"\x00H(\d)\x00(.*?)\x00", re.DOTALL)


def parse_html(text: str, headings: tuple[str, ...] = (), doc: ParsedDoc | None = None) -> ParsedDoc:
    """The visible text: ``script``, ``style``, ``noscript`` and ``template`` are dropped whole;
    ``h1``–``h6`` start sections (under ``headings``, an EPUB chapter's)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    for tag in soup.find_all(re.compile(r"^h[1-6]$")):
        title = " ".join(tag.get_text(" ").split())
        tag.replace_with(_MARK.format(level=tag.name[1], title=title) if title else "")
    flat = soup.get_text("\n")
    doc = doc if doc is not None else ParsedDoc()
    path: list[tuple[int, str]] = [(0, h) for h in headings]
    pos = 0
    for m in _MARKED.finditer(flat):
        doc.add([h for _lvl, h in path], None, _tidy(flat[pos:m.start()]))
        level = int(m.group(1))
        path = [(lvl, h) for lvl, h in path if lvl < level] + [(level, m.group(2))]
        pos = m.end()
    doc.add([h for _lvl, h in path], None, _tidy(flat[pos:]))
    return doc


def _tidy(text: str) -> str:
    """HTML's text with its layout whitespace gone: lines stripped, runs of blank lines made one."""
    lines = [" ".join(line.split()) for line in text.replace("\r", "").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def parse_epub(path: Path) -> ParsedDoc:
    """An EPUB's chapters in reading order (its OPF spine), each read as HTML."""
    import posixpath
    import zipfile
    from xml.etree import ElementTree

    with zipfile.ZipFile(path) as z:
        container = ElementTree.fromstring(z.read("META-INF/container.xml"))
        opf_path = next(el.get("full-path") for el in container.iter() if el.tag.endswith("rootfile"))
        opf = ElementTree.fromstring(z.read(opf_path))
        base = posixpath.dirname(opf_path)
        items = {el.get("id"): el.get("href") for el in opf.iter() if el.tag.endswith("}item")}
        doc = ParsedDoc()
        for ref in (el.get("idref") for el in opf.iter() if el.tag.endswith("itemref")):
            href = items.get(ref)
            if href:
                parse_html(decode_text(z.read(posixpath.join(base, href) if base else href)), (), doc)
    return doc
