"""Markdown with formulas and blockquotes → Qt rich-text HTML (no Qt here)."""

from __future__ import annotations

import re

import pytest

from aigc_desktop.render import html as render_html
from aigc_desktop.render.html import DARK, LIGHT, render_markdown

from .test_render_math import HOSTILE


def _imgs(text: str) -> list[str]:
    return re.findall(r'<img src="([^"]*)"', text)


def test_inline_and_display_math_become_images():
    """$…$ becomes an inline math: image and a $$ block a centred one, each once."""
    out = render_markdown("Euler: $e^{i\\pi}+1=0$.\nThe formula is:\n$$\n\\sum_{n=0}^\\infty \\frac{x^n}{n!}\n$$\nafter", LIGHT).html
    srcs = _imgs(out)
    assert len(srcs) == 2 and srcs[0].startswith("math:i") and srcs[1].startswith("math:d")
    assert '<p align="center"><img src="math:d' in out
    assert 'style="vertical-align: middle;"' in out and "after" in out and "The formula is:" in out


@pytest.mark.parametrize("text", ["It costs $5 and $10.", "between $5-$10", "I paid $5, you paid $6", "US$5 or $ 6 $",
                                  "a $ x $ b", r"escaped \$x\$ stays"])
def test_currency_is_not_math(text):
    """Dollar amounts (and spaced or escaped dollars) stay text."""
    out = render_markdown(text, LIGHT).html
    assert "<img" not in out and "$" in out


@pytest.mark.parametrize("tex", [r"\frac{1}{", r"\foo{x}", r"\text{速度}=v"])
def test_failed_formula_shows_its_source_as_code(tex):
    """A formula that cannot be drawn is its source in inline code, not an error."""
    out = render_markdown(f"see ${tex}$ and\n\n$${tex}$$", LIGHT).html
    assert "<img" not in out
    escaped = tex.replace("<", "&lt;")
    assert f"<code>${escaped}$</code>" in out and f"<code>$${escaped}$$</code>" in out
    assert "Error" not in out and "Traceback" not in out


@pytest.mark.parametrize("tex", HOSTILE + ["<script>alert(1)</script>", '<img src="file:///etc/passwd">'])
def test_hostile_formula_html_is_inert(tex):
    """Whatever the formula holds, the HTML has no link, no markup from it, and no image
    but a math: one."""
    out = render_markdown(f"x ${tex}$ y\n\n$$\n{tex}\n$$", DARK).html
    tags = re.findall(r"<[^<>]*>", out)  # the markup itself; the source is escaped text
    assert not any(t.startswith(("<a", "<script")) or "href" in t for t in tags)
    assert all(src.startswith("math:") for src in _imgs(out))


def test_message_without_dollar_takes_the_plain_parser(monkeypatch):
    """Text with no $ never reaches the math parser, so it renders as it did before."""

    class Refuse:
        def parse(self, *a, **k):
            raise AssertionError("math parser used")

    monkeypatch.setattr(render_html, "_math_parser", Refuse())
    out = render_markdown("**bold** and a table\n\n| a |\n|---|\n| 1 |\n\n> quoted", LIGHT).html
    assert "<strong>bold</strong>" in out and "<td>1</td>" in out


def test_math_and_plain_parser_agree_without_formulas():
    """Apart from formulas the math parser renders exactly what the plain one does."""
    text = "# T\n\n- a\n- b\n\n```py\nx = 1\n```\n\n> q **b**\n\n| a |\n|---|\n| 1 |"
    plain = render_markdown(text, LIGHT).html
    assert render_markdown(text + "\n\nprice $5", LIGHT).html == plain + "<p>price $5</p>\n"


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_blockquote_has_bar_and_muted_text(theme):
    """A blockquote is a one-cell table with a left bar; its text and formulas are muted."""
    out = render_markdown("> quoted $x^2$\n>\n> > nested", theme).html
    assert out.count(f"border-left: 3px solid {theme.quote_bar}") == 2
    assert f"color:{theme.muted};" in out and "<blockquote" not in out
    assert _imgs(out)[0].startswith(f"math:i{theme.muted.lstrip('#')}/")
    assert out.count("<table") == out.count("</table>") == 2


def test_formula_colour_follows_theme():
    """The same formula is drawn in the light and in the dark text colour."""
    light, dark = (_imgs(render_markdown("$x$", t).html)[0] for t in (LIGHT, DARK))
    assert light.startswith(f"math:i{LIGHT.text.lstrip('#')}/") and dark.startswith(f"math:i{DARK.text.lstrip('#')}/")
