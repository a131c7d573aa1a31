"""Export document → Word (.docx) with real structure, via python-docx.

Headings are Word's Heading styles (the navigation pane and a table of contents see
them), lists use List Bullet / List Number, tables are Word tables with a header row,
code blocks are one paragraph each in a "Code" style (Consolas on a grey band, line
breaks kept). Every run names an East Asian font (``w:eastAsia``), and so do the styles:
without it Word sets Chinese in the Western font's fallback (often MS Mincho, a Japanese
face). The text's languages are declared as Word's Chinese template does (``w:lang``
``en-US`` for Latin, ``zh-CN`` for East Asian text, and the theme's East Asian language
``zh-CN``): python-docx's template says ``en-US`` and ``ja-JP`` there, and LibreOffice then
set the Chinese in Japanese glyph forms. The title, subject (models), dates and generator
are the file's properties.
Links are written as their text and address; images as the window's "[image: …]" text;
formulas as their ``$…$`` source.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.oxml.table import CT_Tbl
from docx.table import Table
from docx.text.paragraph import Paragraph

from aigc_desktop.export import mdtree
from aigc_desktop.export.document import ExportDoc

EAST_ASIA = "Microsoft YaHei"  # Windows' UI font; Word on a Mac substitutes PingFang SC
LATIN = "Calibri"
MONO = "Consolas"
LATIN_LANG, EAST_ASIA_LANG = "en-US", "zh-CN"  # as Word's Simplified Chinese template declares them
MUTED = RGBColor(0x6E, 0x70, 0x76)
ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


def _fonts(element, latin: str, east_asia: str = EAST_ASIA) -> None:
    """Set the run fonts (ascii, hAnsi, eastAsia) on a style's or a run's properties."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)


def _declare_languages(doc, latin: str = LATIN_LANG, east_asia: str = EAST_ASIA_LANG) -> None:
    """The default language of runs (``w:docDefaults``) and of the theme fonts (``w:themeFontLang``).

    The template's ``stylesWithEffects`` part (Word 2010 only; Word 2013 on and LibreOffice
    read ``styles.xml``) repeats the template's languages, so it is left out of the file."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), latin)
    lang.set(qn("w:eastAsia"), east_asia)
    settings = doc.settings.element
    theme = settings.find(qn("w:themeFontLang"))
    if theme is None:
        theme = OxmlElement("w:themeFontLang")
        settings.append(theme)
    theme.set(qn("w:val"), latin)
    theme.set(qn("w:eastAsia"), east_asia)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rid)


def _shade(paragraph, fill: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    ppr.append(shd)


# What may follow w:shd inside w:pPr (its schema's order): shading and border go before these.
_AFTER_SHADING = {qn(f"w:{t}") for t in (
    "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
    "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
    "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
    "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")}
THINKING_FILL, THINKING_RULE = "F3F4F6", "D0D7DE"


def _box(p_element) -> None:
    """Put one paragraph in the reasoning box: a grey fill and a rule down its left side
    (Word joins neighbouring paragraphs with the same border and fill into one box)."""
    ppr = p_element.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in (("val", "single"), ("sz", "18"), ("space", "6"), ("color", THINKING_RULE)):
        left.set(qn(f"w:{key}"), value)
    border.append(left)
    new = [border]
    if ppr.find(qn("w:shd")) is None:  # a code line inside keeps its own tint
        shd = OxmlElement("w:shd")
        for key, value in (("val", "clear"), ("color", "auto"), ("fill", THINKING_FILL)):
            shd.set(qn(f"w:{key}"), value)
        new.append(shd)
    if ppr.find(qn("w:pBdr")) is not None:
        new = new[1:]
    after = next((child for child in ppr if child.tag in _AFTER_SHADING), None)
    for element in new:
        if after is None:
            ppr.append(element)
        else:
            after.addprevious(element)


class _Writer:
    def __init__(self):
        self.doc = Document()
        _declare_languages(self.doc)
        styles = self.doc.styles
        for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "List Bullet",
                     "List Number", "Quote"):
            _fonts(styles[name].element, LATIN)
        code = styles.add_style("Code", 1)  # 1 = paragraph style
        code.base_style = styles["Normal"]
        code.font.size = Pt(9.5)
        code.paragraph_format.space_after = Pt(6)
        _fonts(code.element, MONO)
        meta = styles.add_style("Meta", 1)
        meta.base_style = styles["Normal"]
        meta.font.size = Pt(9)
        meta.font.color.rgb = MUTED
        meta.paragraph_format.space_after = Pt(2)
        _fonts(meta.element, LATIN)
        # python-docx inserts each paragraph before the body's sectPr, found by a scan of
        # the whole body: quadratic (10,000 messages took 300 s). New paragraphs go straight
        # before the sectPr element kept here, with style ids looked up once.
        body = self.doc.element.body
        self._end = body.find(qn("w:sectPr"))
        self._style_ids: dict[str, str] = {}
        self._width = self.doc._block_width
        self._table_style = self.doc.styles["Table Grid"]

    def add_paragraph(self, style: str | None = None) -> Paragraph:
        p = OxmlElement("w:p")
        self._end.addprevious(p)
        if style:
            sid = self._style_ids.get(style)
            if sid is None:
                sid = self._style_ids[style] = self.doc.styles[style].style_id
            p.get_or_add_pPr().get_or_add_pStyle().val = sid
        return Paragraph(p, self.doc._body)

    def run(self, paragraph, span: mdtree.Span):
        text = span.text
        if span.link and span.link != span.text:
            text += f" <{mdtree.shown_url(span.link)}>"
        r = paragraph.add_run(text)
        _fonts(r._r, MONO if span.code else LATIN)
        r.bold = span.bold or None
        r.italic = span.italic or None
        if span.strike:
            r.font.strike = True
        return r

    def paragraph(self, spans: list[mdtree.Span], style: str | None = None, quote: bool = False):
        p = self.add_paragraph(style=style)
        for span in spans:
            r = self.run(p, span)
            if quote:
                r.font.color.rgb = MUTED
        return p

    def blocks(self, nodes: list, quote: bool = False, depth: int = 0) -> None:
        for node in nodes:
            if isinstance(node, mdtree.Para):
                self.paragraph(node.spans, "Quote" if quote else None, quote)
            elif isinstance(node, mdtree.Heading):
                # Heading 1 is the block's own heading: message headings start at level 2.
                self.paragraph(node.spans, f"Heading {min(node.level + 1, 4)}")
            elif isinstance(node, (mdtree.Code, mdtree.Math)):
                text = node.code if isinstance(node, mdtree.Code) else f"$${node.tex}$$"
                p = self.add_paragraph(style="Code")
                _fonts(p.add_run(text)._r, MONO)
                _shade(p, "F6F8FA")
            elif isinstance(node, mdtree.ListBlock):
                style = "List Number" if node.ordered else "List Bullet"
                if depth:
                    style += f" {min(depth + 1, 3)}"
                for item in node.items:
                    first, *rest = item or [mdtree.Para([])]
                    if isinstance(first, mdtree.Para):
                        self.paragraph(first.spans, style, quote)
                    else:
                        rest = [first, *rest]
                    for sub in rest:
                        if isinstance(sub, mdtree.ListBlock):
                            self.blocks([sub], quote, depth + 1)
                        else:
                            self.blocks([sub], quote, depth)
            elif isinstance(node, mdtree.Quote):
                self.blocks(node.children, True, depth)
            elif isinstance(node, mdtree.Table):
                self.table(node)
            elif isinstance(node, mdtree.Rule):
                rule = self.add_paragraph(style="Meta")
                rule.add_run("\u2015" * 20)
                rule.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def thinking(self, label: str, text: str) -> None:
        """A reply's reasoning before its answer: a labelled, shaded box of muted paragraphs."""
        first = self.paragraph([mdtree.Span(label, bold=True)], "Meta")
        self.blocks(mdtree.parse(text), quote=True)
        element = first._p
        while element is not None and element is not self._end:
            if element.tag == qn("w:p"):
                _box(element)
            element = element.getnext()
        self.add_paragraph("Meta")  # a gap between the box and the answer

    def table(self, node: mdtree.Table) -> None:
        rows = ([node.header] if node.header else []) + node.rows
        columns = max((len(r) for r in rows), default=0)
        if not columns:
            return
        tbl = CT_Tbl.new_tbl(len(rows), columns, self._width)  # not add_table: see add_paragraph
        self._end.addprevious(tbl)
        table = Table(tbl, self.doc._body)
        table.style = self._table_style
        for i, row in enumerate(rows):
            for c in range(columns):
                cell = table.cell(i, c)
                p = cell.paragraphs[0]
                for span in row[c] if c < len(row) else []:
                    r = self.run(p, span)
                    if i == 0 and node.header:
                        r.bold = True
                if c < len(node.align) and node.align[c] in ALIGN:
                    p.alignment = ALIGN[node.align[c]]
        self.add_paragraph()

    def document(self, doc: ExportDoc) -> None:
        props = self.doc.core_properties
        props.title = doc.title
        props.subject = doc.subject
        props.author = doc.generator
        props.last_modified_by = doc.generator
        props.comments = "\n".join(doc.meta_lines())
        props.language = "zh-CN" if doc.language == "zh_CN" else "en-US"
        if doc.created:
            props.created = doc.created
        if doc.modified:
            props.modified = doc.modified
        self.paragraph([mdtree.Span(doc.title)], "Title")
        for line in doc.meta_lines():
            self.paragraph([mdtree.Span(line)], "Meta")
        for block in doc.blocks:
            if block.heading:  # a document's lead paragraph has none
                self.paragraph([mdtree.Span(block.heading)], "Heading 1")
            if block.meta:
                self.paragraph([mdtree.Span(block.meta)], "Meta")
            if block.reasoning:
                self.thinking(doc.thinking_label, block.reasoning)
            self.blocks(mdtree.parse(block.text), quote=block.role == "system")


def to_docx(doc: ExportDoc) -> bytes:
    """The document as .docx bytes."""
    writer = _Writer()
    writer.document(doc)
    buf = io.BytesIO()
    writer.doc.save(buf)
    return buf.getvalue()
