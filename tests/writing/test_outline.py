"""Outline parsing: section titles out of the shapes small models answer in."""

from __future__ import annotations

import pytest

from aigc_desktop.writing.outline import parse_outline

FIVE = ["基本概念", "技术实现", "优势与不足", "潜在问题", "未来发展"]


@pytest.mark.parametrize("answer", [
    "好的，以下是关于AIGC的五个部分：\n一、基本概念\n二、技术实现：包括模型和训练\n三、优势与不足\n"
    "（四）潜在问题\n第五部分：未来发展\n希望对你有帮助！",
    "1. 基本概念\n2. 技术实现\n3. 优势与不足\n4. 潜在问题\n5. 未来发展",
    "1、基本概念\n2、技术实现\n\n3、优势与不足\n4、潜在问题\n5、未来发展\n以上就是文章的大纲。",
    "(1) 基本概念\n(2) 技术实现\n(3) 优势与不足\n(4) 潜在问题\n(5) 未来发展",
    "- **基本概念**：AIGC 是什么\n* 技术实现\n• 优势与不足\n- 潜在问题\n- 未来发展",
    "### 第一节 基本概念\n### 第二节 技术实现\n### 第三节 优势与不足\n### 第四节 潜在问题\n### 第五节 未来发展",
    "大纲如下：基本概念、技术实现、优势与不足、潜在问题、未来发展",
])
def test_messy_chinese_outlines(answer):
    """Numbering (1. 1、 (1) 一、 第五部分), bullets, bold, headings, one-line lists and stray text all give the five titles."""
    assert parse_outline(answer, 5) == FIVE


def test_messy_english_outline():
    """An English answer with preamble, bold, an explanation after a dash and a closing remark."""
    answer = ("Sure! Here is an outline for your article:\n\n1. **Introduction** - what it is\n2) History\n"
              "- Benefits\n* Risks\n### 5. Future directions\n\nLet me know if you want more.")
    assert parse_outline(answer) == ["Introduction", "History", "Benefits", "Risks", "Future directions"]


def test_roman_letters_duplicates_and_limit():
    """Letters and roman numerals count as numbering; repeats are dropped; n caps the list."""
    assert parse_outline("A. Overview\nB. Method\nI. Method\nii) Results\niii) Outlook", 3) == \
        ["Overview", "Method", "Results"]


def test_unmarked_lines_are_taken_when_nothing_is_numbered():
    """A bare list of short lines (no markers at all) is still an outline."""
    assert parse_outline("Intro\nBody\n\nConclusion\n") == ["Intro", "Body", "Conclusion"]


def test_chinese_numerals_beyond_ten():
    """十一、 and 第十二部分 are numbering, not part of the title."""
    assert parse_outline("十一、展望\n第十二部分：结语") == ["展望", "结语"]


def test_fill_outline_pads_to_exactly_n_with_numbered_placeholders():
    """Fewer titles than asked are padded with 第N部分 / Part N (never a duplicate); more are cut to n."""
    from aigc_desktop.writing.outline import fill_outline

    assert fill_outline(["基本概念", "技术实现"], 5, chinese=True) == ["基本概念", "技术实现", "第三部分", "第四部分",
                                                                     "第五部分"]
    assert fill_outline([], 2, chinese=False) == ["Part 1", "Part 2"]
    assert fill_outline(["Part 2"], 2, chinese=False) == ["Part 2", "Part 3"]
    assert fill_outline(list("abcdef"), 3, chinese=False) == ["a", "b", "c"]


def test_a_replacement_character_never_reaches_a_title():
    """U+FFFD from a badly split character is dropped from the parsed titles."""
    assert parse_outline("1. 演\ufffd示\n2. 技术") == ["演示", "技术"]
