"""Export document → PDF (A4 or Letter) whose text copies out exactly, Chinese included.

Why fpdf2 and not Qt's PDF writer: measured here, Qt's path with fontconfig's Noto Sans
CJK JP gives 入 back as the Kangxi radical ⼊ (U+2F0A) through ``pdftotext``, because its
ToUnicode map is built from the font's glyphs, and two characters share one glyph.
fpdf2 writes the map from the characters it was given, subsets the font (only the
glyphs used are embedded) and needs no Qt, so this stays a pure function.

Layout is hand-written over :mod:`.mdtree` (fpdf2's own ``write_html`` and Markdown
handle neither code blocks nor CJK fallback fonts): headings, paragraphs with bold,
code and links, lists, quotes, tables (fpdf2's ``table``), code blocks that wrap on a
tinted band, and page numbers. Fonts come from :mod:`.fonts`, the face of each
character from :mod:`.glyphs` (Latin punctuation in Latin context, emoji in Noto Emoji,
a name or □ for what no font has). Running text (paragraphs, headings, list items,
quotes) is broken into lines by :mod:`.linebreak`, which keeps the Chinese rules (no
”。， at a line's start, no “（《 at its end), and each line is set cell by cell;
code blocks and table cells are still wrapped by fpdf2. Bold is the regular face drawn
with a thin outline where no bold face exists; italic is not drawn (Chinese fonts have none).
"""

from __future__ import annotations

import logging
from datetime import timezone

from fpdf import FPDF
from fpdf.enums import TextMode, XPos, YPos

from aigc_desktop.export import mdtree
from aigc_desktop.export.document import ExportDoc
from aigc_desktop.export.fonts import FontFace, bundled_cjk, cjk_font, emoji_font, latin_font, mono_font
from aigc_desktop.export.glyphs import FaceChooser
from aigc_desktop.export.linebreak import break_lines

PAGE_SIZES = {"a4": "A4", "letter": "Letter"}
TEXT = (31, 35, 40)
MUTED = (110, 112, 118)
CODE_BG = (246, 248, 250)
BUBBLE = (240, 241, 243)
THINKING_BG = (243, 244, 246)
THINKING_RULE = (208, 215, 222)
ACCENT = (37, 99, 235)
BODY_PT = 10.5
LINE = 5.6  # mm per body line

logging.getLogger("fpdf").setLevel(logging.ERROR)  # "missing glyph" notes: handled below
logging.getLogger("fontTools").setLevel(logging.ERROR)


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("body", size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 6, f"{self.page_no()} / {{nb}}", align="C")


class _Writer:
    def __init__(self, page: str, use_system_fonts: bool):
        pdf = _Pdf(format=PAGE_SIZES.get(page.lower(), "A4"), unit="mm")
        pdf.set_margins(18, 16, 18)
        pdf.set_auto_page_break(True, margin=18)
        self.pdf = pdf
        main = cjk_font(use_system_fonts)
        self._add("body", main)
        fallbacks = ["body"]
        if main.source != "bundled":
            self._add("fallback", bundled_cjk())
            fallbacks.append("fallback")
        mono = mono_font() if use_system_fonts else None
        self.mono = "mono" if mono else "body"
        if mono:
            self._add("mono", mono)
        self._add("latin", latin_font())
        self._add("emoji", emoji_font())
        fallbacks += ["latin", "emoji"]
        pdf.set_fallback_fonts(fallbacks, exact_match=False)  # for code blocks and table cells
        faces = {name: set(font.cmap) for name, font in pdf.fonts.items()}
        faces["body"].update((10, 13, 32))
        self.glyphs = FaceChooser(faces, fallbacks, latin="latin", emoji="emoji")
        self._widths: dict[tuple[str, float, str], float] = {}

    def _add(self, name: str, face: FontFace) -> None:
        kwargs = {"collection_font_number": face.index} if str(face.path).lower().endswith((".ttc", ".otc")) else {}
        self.pdf.add_font(name, "", str(face.path), **kwargs)

    def clean(self, text: str) -> str:
        """Tabs as spaces; a character no font can draw becomes its name or □ (never silently lost)."""
        return self.glyphs.clean(text)

    # --- inline text -------------------------------------------------------------------
    def _width(self, face: str, size: float, ch: str) -> float:
        key = (face, size, ch)
        width = self._widths.get(key)
        if width is None:
            self.pdf.set_font(face, size=size)
            width = self._widths[key] = self.pdf.get_string_width(ch) if ch not in "\n\r" else 0.0
        return width

    def spans(self, spans: list[mdtree.Span], size: float = BODY_PT, color=TEXT, bold: bool = False) -> None:
        """Running text: each character in its face, broken into lines by the Chinese rules
        (:func:`.linebreak.break_lines`), each line set as cells of one style each."""
        pdf = self.pdf
        height = size * 0.53
        text, styles, faces = "", [], []
        for span in spans:
            part = self.clean(span.text)
            if span.link and span.link != span.text:
                part += f" <{self.clean(mdtree.shown_url(span.link))}>"
            own = self.mono if span.code else "body"
            text += part
            faces += self.glyphs.faces_for(part, own)
            styles += [(size * (0.92 if span.code else 1), ACCENT if span.link else color, bold or span.bold)] * len(part)
        widths = [self._width(f, st[0], ch) for ch, f, st in zip(text, faces, styles)]
        right = pdf.w - pdf.r_margin
        lines = break_lines(text, widths, right - pdf.get_x(), right - pdf.l_margin)
        margin, pdf.c_margin = pdf.c_margin, 0
        try:
            for n, (start, end) in enumerate(lines):
                if n:
                    pdf.ln(height)
                i = start
                while i < end:
                    j = i + 1
                    while j < end and faces[j] == faces[i] and styles[j] == styles[i]:
                        j += 1
                    self._cell(text[i:j], faces[i], styles[i], sum(widths[i:j]), height)
                    i = j
        finally:
            pdf.c_margin = margin
        pdf.ln(height)

    def _cell(self, text: str, face: str, style: tuple, width: float, height: float) -> None:
        pdf = self.pdf
        size, color, strong = style
        pdf.set_font(face, size=size)
        pdf.set_text_color(*color)
        if strong:
            pdf.text_mode = TextMode.FILL_STROKE
            pdf.set_line_width(size * 0.012)
            pdf.set_draw_color(*color)
        pdf.cell(width, height, text)
        if strong:
            pdf.text_mode = TextMode.FILL

    # --- blocks --------------------------------------------------------------------------
    def blocks(self, nodes: list, color=TEXT) -> None:
        for node in nodes:
            self.block(node, color)

    def block(self, node, color=TEXT) -> None:
        pdf = self.pdf
        if isinstance(node, mdtree.Para):
            self.spans(node.spans, color=color)
            pdf.ln(1.8)
        elif isinstance(node, mdtree.Heading):
            pdf.ln(1.5)
            self.spans(node.spans, size={1: 16, 2: 14, 3: 12.5}.get(node.level, 11), color=color, bold=True)
            pdf.ln(1.2)
        elif isinstance(node, mdtree.Code):
            self.code(node.code, node.lang)
        elif isinstance(node, mdtree.Math):
            self.code(f"$${node.tex}$$", "")
        elif isinstance(node, mdtree.ListBlock):
            self.listing(node, color)
        elif isinstance(node, mdtree.Quote):
            left = pdf.l_margin
            pdf.set_left_margin(left + 6)
            pdf.set_x(left + 6)
            self.blocks(node.children, MUTED)
            pdf.set_left_margin(left)
            pdf.set_x(left)
        elif isinstance(node, mdtree.Table):
            self.table(node)
        elif isinstance(node, mdtree.Rule):
            y = pdf.get_y() + 2
            pdf.set_draw_color(*MUTED)
            pdf.set_line_width(0.2)
            pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
            pdf.ln(5)

    def listing(self, lst: mdtree.ListBlock, color) -> None:
        pdf = self.pdf
        left = pdf.l_margin
        for n, item in enumerate(lst.items, start=lst.start):
            marker = f"{n}." if lst.ordered else "•"
            pdf.set_x(left)
            pdf.set_font("body", size=BODY_PT)
            pdf.set_text_color(*color)
            pdf.cell(6, BODY_PT * 0.53, marker)
            pdf.set_left_margin(left + 6)
            pdf.set_x(left + 6)
            for j, node in enumerate(item):
                if j:
                    pdf.set_x(left + 6)
                if isinstance(node, mdtree.Para):
                    self.spans(node.spans, color=color)
                    pdf.ln(0.8)
                else:
                    self.block(node, color)
            pdf.set_left_margin(left)
            pdf.set_x(left)
        pdf.ln(1)

    def thinking(self, label: str, text: str) -> None:
        """A reply's reasoning before its answer: muted text in a shaded box, its title on top.

        The box may run over pages and its height is known only once the text is set, so
        it is painted afterwards, page by page, in "multiply" blending: over white paper
        it is the grey fill, over the text already there it leaves the text as it was."""
        pdf = self.pdf
        left, right, pad = pdf.l_margin, pdf.r_margin, 3.5
        first_page, top = pdf.page, pdf.get_y()
        pdf.set_left_margin(left + pad + 1)
        pdf.set_right_margin(right + pad)
        pdf.set_xy(left + pad + 1, top + pad - 1)
        try:
            self.spans([mdtree.Span(label)], size=8.5, color=MUTED, bold=True)
            pdf.ln(1.2)
            self.blocks(mdtree.parse(text), MUTED)
        finally:
            pdf.set_left_margin(left)
            pdf.set_right_margin(right)
        last_page, bottom = pdf.page, pdf.get_y() + pad - 1.8
        for page in range(first_page, last_page + 1):
            pdf.page = page
            y0 = top if page == first_page else pdf.t_margin
            y1 = bottom if page == last_page else pdf.h - pdf.b_margin
            with pdf.local_context(blend_mode="Multiply", fill_color=THINKING_BG):
                pdf.rect(left, y0, pdf.w - left - right, y1 - y0, style="F")
            with pdf.local_context(fill_color=THINKING_RULE):
                pdf.rect(left, y0, 0.9, y1 - y0, style="F")
        pdf.page = last_page
        pdf.set_xy(left, bottom + 3)

    def code(self, code: str, lang: str) -> None:
        pdf = self.pdf
        pdf.ln(0.5)
        pdf.set_fill_color(*CODE_BG)
        if lang:
            pdf.set_font("body", size=8)
            pdf.set_text_color(*MUTED)
            pdf.multi_cell(0, 4.5, self.clean(lang), fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT, padding=(1.5, 3, 0, 3))
        pdf.set_font(self.mono, size=9)
        pdf.set_text_color(*TEXT)
        pdf.multi_cell(0, 4.6, self.clean(code) or " ", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                       padding=(1.5, 3, 2, 3), wrapmode="CHAR")
        pdf.ln(2.5)

    def table(self, table: mdtree.Table) -> None:
        pdf = self.pdf
        pdf.set_font("body", size=9.5)
        pdf.set_text_color(*TEXT)
        pdf.set_draw_color(208, 215, 222)
        pdf.set_line_width(0.2)
        columns = max([len(table.header)] + [len(r) for r in table.rows]) or 1
        rows = [table.header] + table.rows if table.header else table.rows
        with pdf.table(first_row_as_headings=bool(table.header), line_height=5, padding=1.5,
                       headings_style=None if not table.header else _heading_style(),
                       text_align="LEFT") as out:
            for row in rows:
                r = out.row()
                for c in range(columns):
                    r.cell(self.clean(mdtree.plain(row[c])) if c < len(row) else "")
        pdf.ln(3)

    # --- document ------------------------------------------------------------------------
    def document(self, doc: ExportDoc) -> None:
        pdf = self.pdf
        pdf.set_title(doc.title)
        pdf.set_subject(doc.subject)
        pdf.set_creator(doc.generator)
        pdf.set_producer(doc.generator)
        pdf.set_lang("zh-CN" if doc.language == "zh_CN" else "en")
        if doc.created:
            pdf.set_creation_date(doc.created.astimezone(timezone.utc))
        pdf.alias_nb_pages()
        pdf.add_page()
        self.spans([mdtree.Span(doc.title)], size=18, bold=True)
        pdf.ln(2)
        for line in doc.meta_lines():
            self.spans([mdtree.Span(line)], size=9, color=MUTED)
        pdf.ln(5)
        for block in doc.blocks:
            if block.heading:  # a document's lead paragraph has none
                # A document's section heading stands above the headings inside its text
                # (nested one level down, writing/export.nest_headings); a chat turn's is a label.
                self.spans([mdtree.Span(block.heading)], size=15 if block.role is None else 11, bold=True,
                           color=ACCENT if block.role == "assistant" else TEXT)
            if block.meta:
                self.spans([mdtree.Span(block.meta)], size=8, color=MUTED)
            pdf.ln(1.5)
            if block.reasoning:
                self.thinking(doc.thinking_label, block.reasoning)
            self.blocks(mdtree.parse(block.text), MUTED if block.role == "system" else TEXT)
            pdf.ln(3)


def _heading_style():
    from fpdf.fonts import FontFace as PdfFace

    return PdfFace(emphasis=None, fill_color=CODE_BG)


def to_pdf(doc: ExportDoc, page: str = "a4", use_system_fonts: bool = True) -> bytes:
    """The document as PDF bytes. ``use_system_fonts=False`` uses only the bundled font."""
    writer = _Writer(page, use_system_fonts)
    writer.document(doc)
    return bytes(writer.pdf.output())
