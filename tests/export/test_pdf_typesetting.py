"""PDF typesetting read back from the file with pdfium: Chinese line-breaking rules (禁则),
Latin punctuation in Latin context, emoji drawn in Noto Emoji (not □)."""

from __future__ import annotations

import random

import pypdfium2 as pdfium
import pytest

from aigc_desktop.export.document import Block, ExportDoc
from aigc_desktop.export.glyphs import MISSING, FaceChooser
from aigc_desktop.export.linebreak import NO_END, NO_START, break_lines
from aigc_desktop.export.pdf import to_pdf

HAN = "这是一个测试段落用来检查中文的断行规则是否正确我们在这里写很多字"


def _paragraphs() -> str:
    """Paragraphs whose closing and opening marks fall on every column near a line's end
    (a line holds about 46 characters at 10.5 pt on A4)."""
    paras = []
    for k in range(38, 50):
        body = (HAN * 3)[:k]
        paras.append(f"{body}”。他说：“{HAN[:20]}”，（{HAN[:6]}）《{HAN[:4]}》{HAN[:30]}")
        paras.append(f"{(HAN * 3)[:k]}“引号”、「括号」。{HAN[:40]}")
    paras.append("他说：“I’ll be there, don’t worry.” It’s fine… 然后离开了。😀👍🏽🎉")
    return "\n\n".join(paras)


@pytest.fixture(scope="module", params=[True, False], ids=["system-font", "bundled-font"])
def typeset(request, tmp_path_factory):
    doc = ExportDoc(title="断行测试", blocks=[Block("正文", _paragraphs())], language="zh_CN")
    path = tmp_path_factory.mktemp("typeset") / "t.pdf"
    path.write_bytes(to_pdf(doc, use_system_fonts=request.param))
    pdf = pdfium.PdfDocument(str(path))
    yield pdf
    pdf.close()


def _lines(pdf) -> list[str]:
    lines = []
    for page in pdf:
        tp = page.get_textpage()
        lines += [ln for ln in tp.get_text_range(0, tp.count_chars()).split("\r\n") if ln.strip()]
    return lines


def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(typeset):
    """禁则: no line of the PDF starts with ”。，、）》 … nor ends with “（《「 …"""
    lines = _lines(typeset)
    assert len(lines) > 40  # the paragraphs did wrap
    body = [ln for ln in lines if not ln.strip().replace(" ", "").replace("/", "").isdigit()]  # not the page numbers
    starts = [ln for ln in body if ln.lstrip()[0] in NO_START]
    ends = [ln for ln in body if ln.rstrip()[-1] in NO_END]
    assert starts == [] and ends == []


def test_apostrophe_in_english_is_narrow_and_chinese_quotes_stay_full_width(typeset):
    """The ’ of "I’ll" takes the Latin face (narrow advance); “ after 说： keeps the Chinese form."""
    page = typeset[0] if "I’ll" in _page_text(typeset[0]) else typeset[len(typeset) - 1]
    tp = page.get_textpage()
    text = tp.get_text_range(0, tp.count_chars())
    han_width = _advance(tp, text.index("他"))
    assert _advance(tp, text.index("I’ll") + 1) < 0.35 * han_width
    assert _advance(tp, text.index("It’s") + 2) < 0.35 * han_width
    assert _advance(tp, text.index("：“I") + 1) > 0.8 * han_width  # beside Chinese: the Chinese quote


def test_emoji_is_drawn_not_a_box(typeset):
    """😀 copies out as itself and its box on the rendered page has ink; 👍🏽 loses only its skin tone."""
    page = typeset[len(typeset) - 1]
    tp = page.get_textpage()
    text = tp.get_text_range(0, tp.count_chars())
    assert MISSING not in text
    i = text.index("😀")
    assert text[i + 1:i + 3] == "👍🎉"
    left, bottom, right, top = tp.get_charbox(i, loose=True)
    scale = 3
    image = page.render(scale=scale).to_pil().convert("L")
    height = image.height
    crop = image.crop((int(left * scale), int(height - top * scale), int(right * scale), int(height - bottom * scale)))
    dark = sum(crop.histogram()[:128])
    assert dark > 0.05 * crop.width * crop.height  # ink, not an empty advance


def _page_text(page) -> str:
    tp = page.get_textpage()
    return tp.get_text_range(0, tp.count_chars())


def _advance(tp, i: int) -> float:
    left, _bottom, right, _top = tp.get_charbox(i, loose=True)
    return right - left


# -- the breaker and the face chooser alone -----------------------------------------------------
def test_break_lines_keeps_the_rules_on_random_text():
    """Random Chinese/English/punctuation mixes: every line fits (unless one word is wider
    than a line), none starts with a closing mark or ends with an opening one."""
    rng = random.Random(7)
    alphabet = list(HAN) + list("”’」』）】》。，、；：？！…") + list("“‘「『（【《") + list("abc de ") + ["😀"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 120)))
        widths = [0.5 if ch.isascii() else 1.0 for ch in text]
        lines = break_lines(text, widths, 7.0, 10.0)
        assert "".join(text[s:e] for s, e in lines).replace(" ", "") == text.replace(" ", "")
        for n, (s, e) in enumerate(lines):
            assert e > s
            if n:
                assert text[s] not in NO_START or text[s - 1] in NO_START | NO_END, (text, lines)
            if n < len(lines) - 1:
                assert text[e - 1] not in NO_END or text[e - 2] in NO_END, (text, lines)


def test_break_lines_pushes_the_character_before_a_closing_mark_down():
    """Ten squares fit; the eleventh is 。, so 。 goes down with the character before it."""
    text = "一二三四五六七八九十。后面"
    lines = break_lines(text, [1.0] * len(text), 10, 10)
    assert [text[s:e] for s, e in lines] == ["一二三四五六七八九", "十。后面"]
    english = "I’ll be there"
    lines = break_lines(english, [0.5] * len(english), 4, 4)
    assert [english[s:e] for s, e in lines] == ["I’ll be", "there"]


def test_face_chooser_latin_context_and_descriptions():
    latin, han, emoji = {ord(c) for c in "Il’“”ab "}, {ord(c) for c in "他说：“”’引号 "}, set()
    chooser = FaceChooser({"body": han | latin, "latin": latin, "emoji": emoji}, ["body", "latin"], "latin", "emoji")
    text = "他说：“引号” I’ll “ab”"
    faces = chooser.faces_for(text, "body")
    assert [faces[text.index(c)] for c in "“”’"] == ["body", "body", "latin"]
    assert faces[text.rindex("“")] == faces[text.rindex("”")] == "latin"
    assert chooser.clean("他😀\u200d") == "他[grinning face]" and chooser.clean("😀") == "[grinning face]" and chooser.clean("\U000e0001") == MISSING
