"""Export document → one self-contained HTML file that opens in any browser.

Inert by construction, as in the window: the text is parsed by the window's parser
(``html=False``, so raw HTML arrives as escaped text), and inline text is escaped by the
same markdown-it renderer. On top of what the window does, a shared file must not reach
out when someone opens it, so here:

- no ``<script>``, no ``src``/``href`` to anything remote, no CSS ``url()``;
- links are written as their text and address, not as ``<a href>``;
- images are the window's "[image: …]" text; formulas are inline SVG made only of
  shapes (``render/math.py`` checks that), coloured with ``currentColor`` so they follow
  the light or dark style;
- a Content-Security-Policy ``<meta>`` forbids any load besides the inline style, a
  second lock should anything slip through.

Code is highlighted by Pygments with CSS classes (the window uses inline styles, which
cannot switch with ``prefers-color-scheme``): the light palette uses the window's light
Pygments style, the dark one its dark style. The colours are the window's
(``ui/kit/style.py``), copied because ``ui/`` imports Qt.
"""

from __future__ import annotations

import html
import re

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name, guess_lexer
from pygments.util import ClassNotFound

from aigc_desktop.export.document import Block, ExportDoc
from aigc_desktop.export.mdtree import shown_url, window_parser
from aigc_desktop.render.html import DARK, LIGHT
from aigc_desktop.render.math import render_formula

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_BASE_CSS = """
:root { color-scheme: light dark; --text:#1f2328; --bg:#ffffff; --muted:#6e7076; --bubble:#f0f1f3;
  --border:#dedfe3; --code-bg:#f6f8fa; --accent:#2563eb; --quote:#d0d7de; }
@media (prefers-color-scheme: dark) { :root { --text:#ececf1; --bg:#1f1f21; --muted:#a1a1aa;
  --bubble:#2f2f33; --border:#3a3a3f; --code-bg:#161b22; --accent:#4f8cff; --quote:#5a636e; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.65 -apple-system, "Segoe UI",
  "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", sans-serif; }
main { max-width: 820px; margin: 0 auto; padding: 32px 24px 64px; }
header h1 { font-size: 26px; line-height: 1.3; margin: 0 0 12px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0 0 28px;
  color: var(--muted); font-size: 13px; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; }
section.block { margin: 0 0 22px; }
section.block > h2 { font-size: 14px; margin: 0 0 2px; }
section.block > .when { color: var(--muted); font-size: 12px; margin: 0 0 6px; }
section.user > .body { background: var(--bubble); border-radius: 16px; padding: 10px 16px; }
section.system > .body { color: var(--muted); }
section.section > h2 { font-size: 20px; }
.body > :first-child { margin-top: 0; } .body > :last-child { margin-bottom: 0; }
.body p { margin: 0 0 10px; } .body ul, .body ol { margin: 0 0 10px; padding-left: 26px; }
.body h1, .body h2, .body h3, .body h4 { line-height: 1.35; margin: 16px 0 8px; }
.body h1 { font-size: 22px; } .body h2 { font-size: 19px; } .body h3 { font-size: 17px; }
.body table { border-collapse: collapse; margin: 0 0 10px; display: block; overflow-x: auto; }
.body th, .body td { border: 1px solid var(--border); padding: 5px 10px; }
.body th { background: var(--code-bg); }
.body blockquote { margin: 0 0 10px; padding-left: 12px; border-left: 3px solid var(--quote); color: var(--muted); }
.body code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK SC",
  monospace; font-size: 0.92em; background: var(--code-bg); border-radius: 4px; padding: 1px 4px; }
.body .url { color: var(--accent); word-break: break-all; }
figure.code { margin: 0 0 10px; border: 1px solid var(--border); border-radius: 8px; background: var(--code-bg);
  overflow: hidden; }
figure.code figcaption { color: var(--muted); font-size: 12px; padding: 4px 12px; border-bottom: 1px solid var(--border); }
figure.code pre { margin: 0; padding: 10px 12px; white-space: pre-wrap; word-break: break-word; }
figure.code pre code { background: none; padding: 0; font-size: 13px; }
aside.thinking { margin: 0 0 10px; padding: 8px 14px; border-left: 3px solid var(--quote);
  background: var(--code-bg); border-radius: 6px; color: var(--muted); font-size: 14px; }
aside.thinking > .label { font-weight: 600; font-size: 12px; margin: 0 0 4px; }
.math-block { text-align: center; margin: 8px 0; } svg.math { vertical-align: middle; }
footer { color: var(--muted); font-size: 12px; margin-top: 40px; }
"""


def _pygments_css() -> str:
    light = HtmlFormatter(style=LIGHT.pygments_style).get_style_defs("figure.code")
    dark = HtmlFormatter(style=DARK.pygments_style).get_style_defs("figure.code")
    # Only the token colours: the backgrounds and line-number rules are ours.
    keep = re.compile(r"^figure\.code \.\w+ ")
    light = "\n".join(line for line in light.splitlines() if keep.match(line))
    dark = "\n".join(line for line in dark.splitlines() if keep.match(line))
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"


_FORMATTER = HtmlFormatter(nowrap=True)
_CSS = None


def stylesheet() -> str:
    global _CSS
    if _CSS is None:
        _CSS = _BASE_CSS + _pygments_css()
    return _CSS


def _highlight(code: str, lang: str) -> str:
    """The window's lexer choice (named, else guessed below 20,000 characters)."""
    lexer = None
    if lang:
        try:
            lexer = get_lexer_by_name(lang)
        except ClassNotFound:
            lexer = None
    if lexer is None and len(code) < 20_000:
        try:
            lexer = guess_lexer(code)
        except ClassNotFound:
            lexer = None
    if lexer is None:
        return html.escape(code)
    return highlight(code, lexer, _FORMATTER)


def _math(tex: str, display: bool) -> str:
    formula = render_formula(tex, display, "currentColor")
    if formula is None:
        source = f"$${tex.strip()}$$" if display else f"${tex}$"
        return f"<code>{html.escape(source)}</code>"
    svg = formula.svg.decode("utf-8")
    return re.sub(r"^<svg\b", '<svg class="math" role="img"', svg, count=1)


def markdown_html(text: str) -> str:
    """One block's Markdown as inert HTML (see the module docstring for the rules)."""
    parser = window_parser(text)
    env: dict = {}
    tokens = parser.parse(text, env)
    renderer = parser.renderer
    out: list[str] = []
    for i, tok in enumerate(tokens):
        t = tok.type
        if t in ("fence", "code_block"):
            lang = (tok.info or "").strip().split(" ")[0]
            label = f"<figcaption>{html.escape(lang)}</figcaption>" if lang else ""
            out.append(f'<figure class="code">{label}<pre><code>'
                       f"{_highlight(tok.content.rstrip(chr(10)), lang).rstrip(chr(10))}</code></pre></figure>")
        elif t == "math_block":
            out.append(f'<div class="math-block">{_math(tok.content, True)}</div>')
        elif t == "inline":
            out.append(_inline(tok, parser, env))
        else:
            out.append(renderer.renderToken(tokens, i, parser.options, env))
    return "".join(out)


def _inline(tok, parser, env) -> str:
    parts: list[str] = []
    href_stack: list[str] = []
    for child in tok.children or []:
        t = child.type
        if t == "math_inline":
            parts.append(_math(child.content, False))
        elif t == "math_inline_double":
            parts.append(_math(child.content, True))
        elif t == "image":
            alt = "".join(c.content for c in (child.children or [])) or "image"
            src = child.attrGet("src") or ""
            label = html.escape(f"[image: {alt}]")
            parts.append(f'{label} <span class="url">{html.escape(src)}</span>' if src else label)
        elif t == "link_open":
            href_stack.append(child.attrGet("href") or "")
        elif t == "link_close":
            href = href_stack.pop() if href_stack else ""
            if href:
                parts.append(f' <span class="url">&lt;{html.escape(shown_url(href))}&gt;</span>')
        else:
            parts.append(parser.renderer.renderInline([child], parser.options, env))
    return "".join(parts)


def _thinking(block: Block, label: str) -> str:
    """A reply's reasoning, before its answer, in a shaded box with its title."""
    if not block.reasoning:
        return ""
    return (f'<aside class="thinking"><p class="label">{html.escape(label)}</p>'
            f'<div class="body">{markdown_html(block.reasoning)}</div></aside>')


def _block(block: Block, thinking_label: str = "Thinking") -> str:
    kind = block.role if block.role in ("user", "assistant", "system") else ("section" if block.role is None else "other")
    when = f'<p class="when">{html.escape(block.meta)}</p>' if block.meta else ""
    heading = f"<h2>{html.escape(block.heading)}</h2>" if block.heading else ""  # a lead has none
    return (f'<section class="block {kind}">{heading}{when}{_thinking(block, thinking_label)}'
            f'<div class="body">{markdown_html(block.text)}</div></section>\n')


def to_html(doc: ExportDoc) -> str:
    """The whole document as one HTML file (a string; write it as UTF-8)."""
    meta = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in doc.meta)
    lang = "zh-CN" if doc.language == "zh_CN" else "en"
    head = (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f'<meta name="generator" content="{html.escape(doc.generator)}">\n'
        f"<title>{html.escape(doc.title)}</title>\n<style>{stylesheet()}</style>\n</head>\n<body>\n<main>\n"
        f'<header><h1>{html.escape(doc.title)}</h1><dl class="meta">{meta}</dl></header>\n'
    )
    return head + "".join(_block(b, doc.thinking_label) for b in doc.blocks) + "</main>\n</body>\n</html>\n"
