"""Message Markdown → HTML for Qt's rich-text widgets.

Model output and imported chats are untrusted: raw HTML is escaped (the
parser runs with ``html=False``), images are never loaded — they become a
plain link to their address — and only http(s)/mailto links stay clickable.
Code blocks are highlighted by Pygments with inline styles (Qt's rich text
has no stylesheet classes) and get a Copy link (``copy:N``).

Formulas (``$…$``, ``$$…$$``) are parsed by mdit-py-plugins' dollarmath with Pandoc's
currency-safe rules (no space inside the dollars, no digit after the closing one, so
"$5 and $10" stays text), and LaTeX's ``\\(…\\)`` / ``\\[…\\]`` by ``render/tex_brackets.py``
(same tokens); they become ``math:`` images typeset by ``render/math.py``; one that
cannot be drawn shows as its source, delimiters included, in inline code. A message
with neither ``$`` nor ``\\(`` / ``\\[`` is parsed by the plain parser, exactly as before
formulas existed. A ``$$`` (or ``\\[``) line may interrupt a paragraph, as a fence does:
models write "The formula is:" and ``$$`` on the next line. Blockquotes are a one-cell
table with a left border (Qt's rich text ignores ``border-left`` on ``<blockquote>``) in
the muted text colour.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_block_dollar
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name, guess_lexer
from pygments.util import ClassNotFound

from aigc_desktop.i18n import _
from aigc_desktop.render.cjk_emphasis import cjk_emphasis_plugin
from aigc_desktop.render import palette as _palette
from aigc_desktop.render.palette import Theme  # noqa: F401 (re-exported)
from aigc_desktop.render.math import formula_url, render_formula
from aigc_desktop.render.tex_brackets import CLOSING, tex_brackets_plugin

SAFE_SCHEMES = ("http://", "https://", "mailto:")


LIGHT, DARK = _palette.LIGHT.message, _palette.DARK.message  # the colours live in render/palette.py


@dataclass
class Rendered:
    html: str
    code_blocks: list[str] = field(default_factory=list)


def _make_parser() -> MarkdownIt:
    # breaks: a single newline is a line break, as people (and chat models) mean it.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "breaks": True})
    md.enable(["table", "strikethrough"])
    cjk_emphasis_plugin(md)  # **要点：**正文 is bold (render/cjk_emphasis.py)
    md.validateLink = lambda url: url.strip().lower().startswith(SAFE_SCHEMES) or url.startswith("#")
    return md


def _make_math_parser() -> MarkdownIt:
    md = _make_parser().use(
        dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True, allow_labels=False
    )
    # The plugin's block rule cannot interrupt a paragraph; re-register it so that it can.
    rule = math_block_dollar(allow_labels=False, allow_blank_lines=False)
    md.block.ruler.at("math_block", _interrupting(rule), {"alt": ["paragraph", "reference", "blockquote", "list"]})
    return md.use(tex_brackets_plugin)


def _interrupting(rule):
    """The plugin's rule ignores ``silent`` (asked "would you start here?" it pushes a
    token anyway), which only mattered while it could not interrupt: answer without
    leaving anything behind."""

    def probe(state, start_line: int, end_line: int, silent: bool) -> bool:
        if not silent:
            return rule(state, start_line, end_line, False)
        tokens, line = len(state.tokens), state.line
        found = rule(state, start_line, end_line, False)
        del state.tokens[tokens:]
        state.line = line
        return found

    return probe


_parser = _make_parser()
_math_parser = _make_math_parser()
_MATH_MARKS = ("$", "\\(", "\\[")


def parser_for(text: str) -> MarkdownIt:
    """The parser for this text: formulas only where a delimiter occurs (the exporters use it too)."""
    return _math_parser if any(mark in text for mark in _MATH_MARKS) else _parser


def _highlight(code: str, lang: str, theme: Theme) -> str:
    lexer = None
    if lang:
        try:
            lexer = get_lexer_by_name(lang.split()[0])
        except ClassNotFound:
            lexer = None
    if lexer is None:
        try:
            lexer = guess_lexer(code) if len(code) < 20_000 else None
        except ClassNotFound:
            lexer = None
    if lexer is None:
        return html.escape(code)
    formatter = HtmlFormatter(noclasses=True, nowrap=True, style=theme.pygments_style)
    return highlight(code, lexer, formatter)


def render_markdown(text: str, theme: Theme = LIGHT) -> Rendered:
    """Render message text; returns the HTML and the raw code of each block (for Copy)."""
    codes: list[str] = []
    env: dict = {}
    parser = parser_for(text)
    tokens = parser.parse(text, env)
    renderer = parser.renderer

    out: list[str] = []
    quotes = 0  # blockquote depth: text and formulas inside are muted
    for i, tok in enumerate(tokens):
        if tok.type in ("fence", "code_block"):
            code = tok.content
            lang = (tok.info or "").strip()
            idx = len(codes)
            codes.append(code)
            body = _highlight(code, lang, theme).rstrip("\n")
            label = html.escape(lang.split()[0]) if lang else _("code")
            out.append(
                f'<table width="100%" cellspacing="0" cellpadding="6" '
                f'style="background-color:{theme.code_background}; border: 1px solid {theme.border}; margin: 4px 0;">'
                f'<tr><td style="color:{theme.muted};">{label}'
                f'&nbsp;&nbsp;<a href="copy:{idx}" style="color:{theme.link};">{html.escape(_("Copy"))}</a></td></tr>'
                f'<tr><td><pre style="margin:0; white-space: pre-wrap;">{body}</pre></td></tr></table>'
            )
        elif tok.type == "table_open":
            out.append(
                f'<table border="1" cellspacing="0" cellpadding="5" '
                f'style="border-color:{theme.border}; border-collapse: collapse; margin: 4px 0;">'
            )
        elif tok.type == "th_open":
            out.append(f'<th style="background-color:{theme.code_background};"{_align(tok)}>')
        elif tok.type == "td_open":
            out.append(f"<td{_align(tok)}>")
        elif tok.type == "blockquote_open":
            quotes += 1
            out.append(
                f'<table cellspacing="0" cellpadding="0" style="margin: 4px 0;"><tr>'
                f'<td style="border-left: 3px solid {theme.quote_bar}; padding-left: 10px; color:{theme.muted};">'
            )
        elif tok.type == "blockquote_close":
            quotes -= 1
            out.append("</td></tr></table>")
        elif tok.type == "math_block":
            out.append(f'<p align="center">{_math_html(tok, True, theme.muted if quotes else theme.text)}</p>')
        elif tok.type == "inline":
            out.append(_render_inline(tok, env, theme.muted if quotes else theme.text))
        else:
            out.append(renderer.renderToken(tokens, i, parser.options, env))
    return Rendered("".join(out), codes)


def _align(tok) -> str:
    style = tok.attrGet("style") or ""
    if "text-align:" in style:
        return f' align="{html.escape(style.split("text-align:")[1].strip(" ;"))}"'
    return ""


def _math_html(tok, display: bool, color: str) -> str:
    """A formula as an image, or (if it cannot be drawn) its source as inline code."""
    tex = tok.content
    formula = render_formula(tex, display, color)
    if formula is None:
        mark = tok.markup or ("$$" if display else "$")
        source = tex.strip() if display else tex
        return f"<code>{html.escape(mark + source + CLOSING.get(mark, mark))}</code>"
    return (
        f'<img src="{html.escape(formula_url(tex, display, color))}" '
        f'width="{formula.width}" height="{formula.height}" style="vertical-align: middle;">'
    )


def _render_inline(tok, env, color: str) -> str:
    children = tok.children or []
    parts: list[str] = []
    for child in children:
        if child.type == "math_inline":
            parts.append(_math_html(child, False, color))
        elif child.type == "math_inline_double":
            parts.append(_math_html(child, True, color))
        elif child.type == "image":
            src = child.attrGet("src") or ""
            alt = "".join(c.content for c in (child.children or [])) or "image"
            # Never load an image: show its address as a link the person may click.
            safe = src if src.lower().startswith(("http://", "https://")) else ""
            label = html.escape(f"[image: {alt}]")
            parts.append(f'<a href="{html.escape(safe)}">{label}</a>' if safe else label)
        else:
            parts.append(_parser.renderer.renderInline([child], _parser.options, env))
    return "".join(parts)


def document_html(body: str, theme: Theme = LIGHT) -> str:
    """Wrap rendered HTML with base styles Qt's rich text understands. The body has no
    background of its own: the message bubble's colour shows through."""
    return (
        f'<html><body style="color:{theme.text};">'
        f"{body}</body></html>"
    )
