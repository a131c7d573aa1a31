"""HTML, Word and PDF exports: inert HTML, real Word structure, PDF text that copies out exactly."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import datetime, timezone
from html.parser import HTMLParser
from io import BytesIO

import pytest

from aigc_desktop.export import fonts
from aigc_desktop.export.document import from_conversation
from aigc_desktop.export.docx import EAST_ASIA, to_docx
from aigc_desktop.export.html import to_html
from aigc_desktop.export.pdf import to_pdf
from aigc_desktop.store.conversations import ConversationRecord, MessageRecord
from tests.export.pdftext import decoded_text, pdftotext

T0 = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)
CHINESE = "写一个函数，计算斐波那契数列。"
RARE = "龘靐齉"
PUNCT = "，。！？、；：「」『』（）【】《》——……“”‘’"
KANGXI_TRAPS = "入人"  # Noto CJK JP's glyphs for these are shared with ⼊ ⼈
CODE = 'def fib(n):\n    """返回第 n 个数"""\n    return n if n < 2 else fib(n - 1) + fib(n - 2)'
MESSAGES = [
    ("user", f"{CHINESE} {RARE}\n{PUNCT}\n{KANGXI_TRAPS}"),
    ("assistant", f"好的：\n\n```python\n{CODE}\n```\n\n## 复杂度分析\n\n| 方法 | 时间 |\n|---|---|\n| 递归 | 指数 |\n| 迭代 | 线性 |\n\n- 第一项\n- 第二项"),
    ("user", '<script>alert("x")</script> <img src="http://127.0.0.1:9/x.png"> [link](https://example.com/a) '
             '![pic](http://127.0.0.1:9/p.png) <a href="http://127.0.0.1:9/">a</a> 😀'),
    ("assistant", "公式 $e^{i\\pi}+1=0$ 与 $$\\frac{1}{2}$$"),
]


def _doc():
    conv = ConversationRecord(id=5, title="导出测试 Export", created_at=T0, updated_at=T0, model="Qwen2.5",
                              system_prompt="你是助手。", sampling={}, pinned=False, current_leaf_id=len(MESSAGES))
    recs = [MessageRecord(id=i + 1, conversation_id=5, parent_id=i or None, role=r, content=c, status="done",
                          created_at=T0, model="Qwen2.5" if r == "assistant" else None, stats={})
            for i, (r, c) in enumerate(MESSAGES)]
    return from_conversation(conv, recs, "en")


# -- HTML ---------------------------------------------------------------------------------
class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "poster", "data", "xlink:href", "background") or name.startswith("on"):
                self.refs.append((tag, name, value or ""))


def test_html_has_no_script_and_no_external_reference():
    """The HTML parses with no <script>, no src/href/on* attribute and no CSS url()."""
    out = to_html(_doc())
    parser = _Refs()
    parser.feed(out)
    assert "script" not in parser.tags and "img" not in parser.tags and "a" not in parser.tags
    assert parser.refs == []
    assert "url(" not in out.lower() and "@import" not in out
    assert "default-src 'none'" in out  # the CSP lock
    assert "prefers-color-scheme: dark" in out


def test_html_escapes_model_output_as_text():
    """Markup in a message is shown as its characters, Chinese and code kept exactly."""
    out = to_html(_doc())
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in out
    assert "&lt;img src=&quot;http://127.0.0.1:9/x.png&quot;&gt;" in out
    for text in (CHINESE, RARE, PUNCT.replace("“", "“"), KANGXI_TRAPS, "😀"):
        assert text in out
    assert "<svg" in out  # the formula, as shapes
    assert '<span class="k">def</span>' in out  # highlighted code


def test_html_opened_in_qt_fetches_nothing(qtbot, tmp_path):
    """Opening the HTML in Qt's text browser makes no request to a local server, and shows the tag as text."""
    import http.server
    import threading

    from PySide6.QtWidgets import QTextBrowser

    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        doc = _doc()
        from dataclasses import replace

        from aigc_desktop.export.document import Block

        doc = replace(doc, blocks=[Block("User", f"<img src=http://127.0.0.1:{port}/x> ![p](http://127.0.0.1:{port}/p)", "user")])
        path = tmp_path / "chat.html"
        path.write_text(to_html(doc), encoding="utf-8")
        view = QTextBrowser()
        qtbot.addWidget(view)
        view.setSource(path.as_uri())
        view.show()
        qtbot.wait(300)
        assert hits == []
        assert f"<img src=http://127.0.0.1:{port}/x>" in view.toPlainText()
    finally:
        server.shutdown()


# -- DOCX ---------------------------------------------------------------------------------
def test_docx_structure_text_and_east_asian_font():
    """Word file: headings, table cells, byte-identical Chinese, East Asian font on runs, title in properties."""
    from docx import Document
    from docx.oxml.ns import qn

    data = to_docx(_doc())
    d = Document(BytesIO(data))
    headings = [(p.style.name, p.text) for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "User") in headings and ("Heading 1", "Assistant") in headings
    assert ("Heading 3", "复杂度分析") in headings
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    assert cells == ["方法", "时间", "递归", "指数", "迭代", "线性"]
    body = "\n".join(p.text for p in d.paragraphs)
    for text in (f"{CHINESE} {RARE}", PUNCT, KANGXI_TRAPS, '<script>alert("x")</script>'):
        assert text in body
    code = [p for p in d.paragraphs if p.style.name == "Code"]
    assert [p.text for p in code] == ["你是助手。", CODE]  # the system prompt, then the code block
    runs = [r for p in d.paragraphs for r in p.runs if r.text]
    assert runs and all(r._r.rPr.rFonts.get(qn("w:eastAsia")) == EAST_ASIA for r in runs)
    assert d.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == EAST_ASIA
    assert d.core_properties.title == "导出测试 Export" and d.core_properties.subject == "Qwen2.5"
    assert [p.style.name for p in d.paragraphs].count("List Bullet") == 2
    with zipfile.ZipFile(BytesIO(data)) as z:
        assert "龘靐齉".encode("utf-8") in z.read("word/document.xml")


def test_docx_declares_chinese_as_its_east_asian_language():
    """Runs default to en-US for Latin and zh-CN for East Asian text (not python-docx's
    en-US / ja-JP, which had LibreOffice draw Chinese in Japanese glyph forms); fonts kept."""
    from docx import Document
    from docx.oxml.ns import qn

    data = to_docx(_doc())
    with zipfile.ZipFile(BytesIO(data)) as z:
        xml = {name: z.read(name).decode("utf-8", "replace") for name in z.namelist() if name.endswith(".xml")}
    langs = re.findall(r"<w:(?:lang|themeFontLang)\b[^>]*>", "".join(xml.values()))
    assert langs and all('w:eastAsia="zh-CN"' in tag and 'w:val="en-US"' in tag for tag in langs)
    assert re.search(r"<w:docDefaults>.*<w:lang [^>]*w:eastAsia=\"zh-CN\"", xml["word/styles.xml"], re.S)
    assert re.search(r"<w:themeFontLang [^>]*w:eastAsia=\"zh-CN\"", xml["word/settings.xml"])
    assert "ja-JP" not in "".join(xml.values())
    d = Document(BytesIO(data))
    runs = [r for p in d.paragraphs for r in p.runs if r.text]
    assert runs and all(r._r.rPr.rFonts.get(qn("w:eastAsia")) == EAST_ASIA for r in runs)


# -- PDF ----------------------------------------------------------------------------------
def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pdf_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    system = folder / "system.pdf"
    system.write_bytes(to_pdf(_doc()))
    bundled = folder / "bundled.pdf"
    bundled.write_bytes(to_pdf(_doc(), "letter", use_system_fonts=False))
    return system, bundled


@pytest.mark.parametrize("which", [0, 1], ids=["system-font", "bundled-font"])
def test_pdf_text_copies_out_exactly(pdf_files, which):
    """Chinese, rare characters, full-width punctuation, 入人 and code come back character for character."""
    path = pdf_files[which]
    decoded = decoded_text(path)
    for line in CODE.splitlines():
        assert line in decoded  # spaces of code kept too
    for text in (CHINESE, RARE, PUNCT, KANGXI_TRAPS, '<script>alert("x")</script>', "复杂度分析", "线性"):
        assert _squash(text) in _squash(decoded)
    assert "⼊" not in decoded and "⼈" not in decoded
    assert "😀" in decoded and "\u25a1" not in decoded  # the emoji, drawn by Noto Emoji
    poppler = pdftotext(path)
    if poppler is not None:
        for text in (CHINESE, RARE, PUNCT, KANGXI_TRAPS, CODE, "复杂度分析"):
            assert _squash(text) in _squash(poppler)


def test_pdf_fonts_embedded_subset_and_page_sizes(pdf_files):
    """Every font is embedded as a subset; A4 and Letter pages; page numbers; a small file."""
    from pypdf import PdfReader

    for path, (w, h) in zip(pdf_files, ((595.28, 841.89), (612, 792))):
        reader = PdfReader(str(path))
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (round(w), round(h))
        assert reader.metadata.title == "导出测试 Export"
        for page in reader.pages:
            for ref in page["/Resources"]["/Font"].values():
                font = ref.get_object()
                desc = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                assert re.match(r"/[A-Z]{6}\+", font["/BaseFont"])  # subset tag
        assert path.stat().st_size < 300_000
        assert f"1/{len(reader.pages)}" in _squash(decoded_text(path))  # the page numbers
    exe = shutil.which("pdffonts")
    if exe:
        for path in pdf_files:
            rows = subprocess.run([exe, str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
            assert rows and all(r.split()[-5] == "yes" for r in rows)  # the "emb" column


def test_pdf_without_any_system_cjk_font(monkeypatch, tmp_path):
    """With fontconfig pointed at an empty config and no known paths, the bundled Noto Sans SC is used."""
    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig></fontconfig>')
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    monkeypatch.setattr(fonts, "known_cjk_paths", lambda: [])
    monkeypatch.setattr(fonts, "known_mono_paths", lambda: [])
    fonts.system_cjk.cache_clear()
    fonts.mono_font.cache_clear()
    try:
        assert fonts.system_cjk() is None and fonts.cjk_font().source == "bundled"
        path = tmp_path / "hidden.pdf"
        path.write_bytes(to_pdf(_doc()))
        text = decoded_text(path)
        for sample in (CHINESE, RARE, PUNCT, KANGXI_TRAPS):
            assert _squash(sample) in _squash(text)
        from pypdf import PdfReader

        names = {str(ref.get_object()["/BaseFont"]) for p in PdfReader(str(path)).pages
                 for ref in p["/Resources"]["/Font"].values()}
        assert all(n.endswith(("NotoSansSC", "NotoSans", "NotoEmoji")) for n in names)  # all shipped with the app
    finally:
        fonts.system_cjk.cache_clear()
        fonts.mono_font.cache_clear()


def test_system_font_is_the_simplified_chinese_face():
    """Where the system has Noto Sans CJK, the SC face (not index 0, the JP one) is chosen."""
    face = fonts.system_cjk()
    if face is None or "NotoSansCJK" not in face.path.name:
        pytest.skip("no Noto Sans CJK collection on this machine")
    from fontTools.ttLib import TTFont

    name = TTFont(str(face.path), fontNumber=face.index, lazy=True)["name"].getBestFamilyName()
    assert name == "Noto Sans CJK SC"
