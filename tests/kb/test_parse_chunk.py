"""Parsing and chunking: TXT in the common Chinese encodings, headings as boundaries, chunk sizes,
one-sentence overlap, offsets into the parsed text."""

from __future__ import annotations

import pytest

from aigc_desktop.kb.chunk import MAX_CHARS, chunk_doc, sentences
from aigc_desktop.kb.parse import ParseError, decode_text, parse_file, parse_html, parse_markdown

TEXT = "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。繁體中文也要能讀：臺灣的資訊。"


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "big5", "utf-8", "utf-8-sig", "utf-16"])
def test_txt_in_common_chinese_encodings(tmp_path, encoding):
    text = TEXT if encoding != "gbk" else TEXT.replace("繁體中文也要能讀：臺灣的資訊。", "")
    if encoding == "big5":
        text = "繁體中文也要能讀：臺灣的資訊很多，我們一起來看看這些文章。" * 3
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode(encoding))
    assert parse_file(path).text == text


def test_windows_newlines_become_plain():
    assert decode_text("一\r\n二\r三".encode("utf-8")) == "一\n二\n三"


def test_markdown_headings_make_the_path_and_code_is_not_a_heading():
    doc = parse_markdown("# 一\n\n甲。\n\n## 二\n\n```\n# 不是标题\n```\n\n# 三\n\n丙。\n")
    assert [(s.headings, s.text.split("\n")[0]) for s in doc.sections] == [
        (("一",), "甲。"), (("一", "二"), "```"), (("三",), "丙。")]


def test_html_drops_scripts_styles_and_keeps_headings():
    doc = parse_html("<style>.a{}</style><h2>标题</h2><p>正文。</p><script>alert(1)</script><noscript>无</noscript>")
    assert [(s.heading, s.text) for s in doc.sections] == [("标题", "正文。")]


def test_unsupported_and_empty_files_say_why(tmp_path):
    (tmp_path / "a.png").write_bytes(b"\x89PNG")
    (tmp_path / "b.txt").write_text("  \n", encoding="utf-8")
    with pytest.raises(ParseError, match="not supported"):
        parse_file(tmp_path / "a.png")
    with pytest.raises(ParseError, match="No text"):
        parse_file(tmp_path / "b.txt")


def test_sentences_end_at_chinese_marks():
    text = "第一句。第二句！第三句？“第四句。”第五句……第六句；"
    assert [text[a:b] for a, b, _end in sentences(text)] == ["第一句。", "第二句！", "第三句？", "“第四句。”",
                                                             "第五句……", "第六句；"]


def test_chunks_never_cross_a_heading_fit_the_size_and_overlap_by_a_sentence():
    body = "".join(f"这是第{i}句话，用来测试分块的长度是否合适。" for i in range(60))
    doc = parse_markdown(f"# 甲\n\n{body}\n\n# 乙\n\n短的一节。\n")
    chunks = chunk_doc(doc)
    assert [c.heading for c in chunks][-1] == "乙" and chunks[-1].text == "短的一节。"
    first = [c for c in chunks if c.heading == "甲"]
    assert len(first) >= 3
    for c in chunks:
        assert doc.text[c.start:c.end] == c.text and len(c.text) <= MAX_CHARS
    for a, b in zip(first, first[1:]):
        shared = doc.text[b.start:a.end]
        assert b.start < a.end and shared.endswith("。") and shared.count("。") == 1  # one sentence
    assert all(len(c.text) >= 300 for c in first[:-1])


def test_a_sentence_longer_than_a_chunk_is_cut():
    doc = parse_markdown("很长的一句，" * 200 + "完。")
    chunks = chunk_doc(doc)
    assert len(chunks) > 1 and all(len(c.text) <= MAX_CHARS for c in chunks)


def test_epub_chapters_in_spine_order(tmp_path):
    import zipfile

    path = tmp_path / "书.epub"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("META-INF/container.xml",
                   '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
                   '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
                   '</rootfiles></container>')
        z.writestr("OEBPS/content.opf",
                   '<package xmlns="http://www.idpf.org/2007/opf"><manifest>'
                   '<item id="c1" href="one.xhtml"/><item id="c2" href="two.xhtml"/></manifest>'
                   '<spine><itemref idref="c2"/><itemref idref="c1"/></spine></package>')
        z.writestr("OEBPS/one.xhtml", "<html><body><h1>第一章</h1><p>春天来了。</p></body></html>")
        z.writestr("OEBPS/two.xhtml", "<html><body><h1>序言</h1><p>写在前面。</p></body></html>")
    doc = parse_file(path)
    assert [(s.heading, s.text) for s in doc.sections] == [("序言", "写在前面。"), ("第一章", "春天来了。")]
