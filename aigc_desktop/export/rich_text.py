"""Markdown → the HTML that Copy puts on the clipboard beside the Markdown itself.

Pasting Markdown into a rich editor (a WeChat 公众号 article, Word, a mail) shows raw
``#`` and ``**``; an editor that takes rich text reads ``text/html`` instead. The HTML is
the window's own rendering (``render/html.py``: same parser, same inert rules, inline
styles only, which is what those editors keep), in the light colours, with what only
makes sense inside the window taken out:

- a code block's label row with its ``copy:N`` link (the block itself stays, highlighted);
- a formula's ``math:`` image, which no other program can load: its TeX source is written
  instead, in code style, as the window does for a formula it cannot draw;

and inline code gets a monospace font and tint of its own (the window sets those through
its stylesheet, which does not travel with the HTML).
"""

from __future__ import annotations

import html
import re

from aigc_desktop.render.html import LIGHT, document_html, render_markdown
from aigc_desktop.render.math import formula_source

_COPY_ROW = re.compile(r'<tr><td style="[^"]*">[^<]*(?:&nbsp;)*<a href="copy:\d+"[^>]*>[^<]*</a></td></tr>')
_MATH_IMG = re.compile(r'<img src="(math:[^"]*)"[^>]*>')
MONO = "Consolas, Menlo, 'DejaVu Sans Mono', monospace"


def _formula(match: re.Match) -> str:
    source = formula_source(html.unescape(match.group(1)))
    if source is None:
        return ""
    tex, display, _colour = source
    mark = "$$" if display else "$"
    return f"<code>{html.escape(mark + tex.strip() + mark)}</code>"


def clipboard_html(markdown: str) -> str:
    """The rich-text (HTML) form of ``markdown`` for the clipboard."""
    body = render_markdown(markdown, LIGHT).html
    body = _COPY_ROW.sub("", body)
    body = _MATH_IMG.sub(_formula, body)
    body = body.replace("<code>", f'<code style="font-family: {MONO}; background-color: {LIGHT.code_background};">')
    body = body.replace('<pre style="', f'<pre style="font-family: {MONO}; ')
    return document_html(body, LIGHT)
