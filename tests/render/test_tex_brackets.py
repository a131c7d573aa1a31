"""LaTeX's \\(…\\) and \\[…\\] delimiters render as $…$ and $$…$$ do (no Qt here)."""

from __future__ import annotations

import re

import pytest

from aigc_desktop.export import mdtree
from aigc_desktop.render.html import DARK, LIGHT, parser_for, render_markdown

from .test_render_math import HOSTILE


def _imgs(text: str) -> list[str]:
    return re.findall(r'<img src="([^"]*)"', text)


def test_paren_is_inline_and_bracket_block_is_display_in_chinese_text():
    """\\(…\\) inside Chinese text is an inline math: image; a \\[ … \\] block after a
    sentence interrupts it and is a centred display one; the Chinese around both stays."""
    text = "质能方程 \\(E=mc^2\\) 很有名。公式如下：\n\\[\n\\int_0^1 x\\,dx = \\frac{1}{2}\n\\]\n由此可见结果。"
    out = render_markdown(text, LIGHT).html
    srcs = _imgs(out)
    assert len(srcs) == 2 and srcs[0].startswith("math:i") and srcs[1].startswith("math:d")
    assert '<p align="center"><img src="math:d' in out
    assert "质能方程 " in out and " 很有名。公式如下：" in out and "由此可见结果。" in out
    assert "\\(" not in out and "\\[" not in out and "\\]" not in out


def test_same_image_as_dollars():
    """A formula between \\( \\) or \\[ \\] is the very image the dollar form gives."""
    assert _imgs(render_markdown("a \\(x^2\\) b", LIGHT).html) == _imgs(render_markdown("a $x^2$ b", LIGHT).html)
    assert _imgs(render_markdown("\\[x^2\\]", DARK).html) == _imgs(render_markdown("$$x^2$$", DARK).html)


def test_single_line_and_mid_sentence_display():
    """\\[ … \\] on one line is a display block; with text after it, or mid-sentence, it is
    a display formula in the paragraph and the text after it is kept."""
    block = render_markdown("\\[ a+b \\]", LIGHT).html
    assert block.startswith('<p align="center"><img src="math:d')
    for text in ("\\[a+b\\] 是和", "和为 \\[a+b\\] 对吧"):
        out = render_markdown(text, LIGHT).html
        assert _imgs(out)[0].startswith("math:d") and ("是和" in out or "对吧" in out), text


@pytest.mark.parametrize(
    "text",
    [
        "`\\(x\\)` and `\\[y\\]`",
        "```\n\\(x\\)\n\\[\ny\n\\]\n```",
        "    \\[\n    y\n    \\]",
        "\\\\(x\\\\) and \\\\[y\\\\]",
    ],
)
def test_code_and_escaped_backslashes_stay_literal(text):
    """Inside a code span, a fenced or indented block, or after an escaped backslash, the
    delimiters are text, not formulas."""
    out = render_markdown(text, LIGHT).html
    assert "<img" not in out
    assert "\\(x\\)" in out or "\\[" in out


def test_unclosed_bracket_does_not_swallow_what_follows():
    """An unclosed \\[ stops at the blank line: the paragraph and the code fence after it
    are rendered as themselves."""
    out = render_markdown("\\[\nunclosed\n\n```\ncode \\]\n```\n\nafter", LIGHT).html
    assert "<img" not in out and "copy:0" in out and "code \\]" in out and "after" in out


def test_bracket_block_in_a_quote_and_a_list_leaves_their_markers_out():
    """A multi-line \\[ block in a blockquote or a list item is one formula whose source
    holds no '>' marker or indent."""
    for text in ("> 引用：\n> \\[\n> a+b\n> \\]", "- 项目\n  \\[\n  a+b\n  \\]"):
        tokens = parser_for(text).parse(text)
        blocks = [t for t in tokens if t.type == "math_block"]
        assert len(blocks) == 1 and blocks[0].content.split() == ["a+b"], text


@pytest.mark.parametrize("tex", [r"\frac{1}{", r"\foo{x}", r"\text{速度}=v"])
def test_failed_formula_shows_its_source_with_its_own_delimiters(tex):
    """A formula that cannot be drawn shows as its source in code, with \\( \\) or \\[ \\]."""
    out = render_markdown(f"see \\({tex}\\) and\n\n\\[{tex}\\]", LIGHT).html
    assert "<img" not in out
    assert f"<code>\\({tex}\\)</code>" in out and f"<code>\\[{tex}\\]</code>" in out


@pytest.mark.parametrize("tex", HOSTILE + ["<script>alert(1)</script>"])
def test_hostile_bracket_formula_is_inert(tex):
    """Whatever a \\( or \\[ formula holds, the HTML gets no link or markup from it."""
    out = render_markdown(f"x \\({tex}\\) y\n\n\\[\n{tex}\n\\]", DARK).html
    tags = re.findall(r"<[^<>]*>", out)
    assert not any(t.startswith(("<a", "<script")) or "href" in t for t in tags)
    assert all(src.startswith("math:") for src in _imgs(out))


def test_dollars_and_currency_unchanged_beside_brackets():
    """With \\( in the text, $5 and escaped dollars stay text and $x$ is still math."""
    out = render_markdown("价格 $5 和 $10，\\$y\\$，以及 \\(a\\) 与 $b$", LIGHT).html
    assert len(_imgs(out)) == 2 and "$5 和 $10" in out and "$y$" in out


def test_exports_see_the_same_formulas():
    """The exporters' parser is the window's: \\( … \\) is a formula there too."""
    nodes = mdtree.parse("能量 \\(E=mc^2\\)\n\n\\[x\\]")
    assert any(isinstance(n, mdtree.Math) for n in nodes)
