"""Bold and italics close after Chinese punctuation, and CommonMark's own cases still hold."""

from __future__ import annotations

import pytest

from aigc_desktop.render.html import render_markdown


def html_of(text: str) -> str:
    return render_markdown(text).html


@pytest.mark.parametrize(("source", "bold"), [
    ("**……禁则。**看看", "……禁则。"),
    ("**要点：**正文", "要点："),
    ("**中文文本（带括号）。**这句子继续。", "中文文本（带括号）。"),
    ("前文**“引号”**后文", "“引号”"),
    ("**历经10年发展，**年", "历经10年发展，"),
])
def test_bold_next_to_chinese_punctuation(source, bold):
    out = html_of(source)
    assert f"<strong>{bold}</strong>" in out and "**" not in out


def test_italic_and_strikethrough_too():
    assert "<em>斜体。</em>" in html_of("*斜体。*继续")
    assert "<s>删除。</s>" in html_of("~~删除。~~继续")


@pytest.mark.parametrize(("source", "expected"), [
    ("**bold** text", "<strong>bold</strong>"),
    ("a**\"quoted\"**b", "a**&quot;quoted&quot;**b"),  # CommonMark: punctuation between Latin letters does not flank
    ("snake_case_name", "snake_case_name"),
    ("2 * 3 * 4", "2 * 3 * 4"),
])
def test_commonmark_cases_unchanged(source, expected):
    assert expected in html_of(source)
