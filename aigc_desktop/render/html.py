"""Message Markdown → HTML for Qt's rich-text widgets.

Model output and imported chats are untrusted: raw HTML is escaped (the
parser runs with ``html=False``), images are never loaded — they become a
plain link to their address — and only http(s)/mailto links stay clickable.
Code blocks are highlighted by Pygments with inline styles (Qt's rich text
has no stylesheet classes) and get a Copy link (``copy:N``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name, guess_lexer
from pygments.util import ClassNotFound

SAFE_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class Theme:
    name: str
    text: str
    background: str
    code_background: str
    border: str
    link: str
    muted: str
    pygments_style: str


LIGHT = Theme("light", "#1f2328", "#ffffff", "#f6f8fa", "#d0d7de", "#0969da", "#656d76", "default")
DARK = Theme("dark", "#e6edf3", "#0d1117", "#161b22", "#30363d", "#4493f8", "#8d96a0", "monokai")


@dataclass
class Rendered:
    html: str
    code_blocks: list[str] = field(default_factory=list)


def _make_parser() -> MarkdownIt:
    # breaks: a single newline is a line break, as people (and chat models) mean it.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "breaks": True})
    md.enable(["table", "strikethrough"])
    md.validateLink = lambda url: url.strip().lower().startswith(SAFE_SCHEMES) or url.startswith("#")
    return md


_parser = _make_parser()


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
    tokens = _parser.parse(text, env)
    renderer = _parser.renderer

    out: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.type in ("fence", "code_block"):
            code = tok.content
            lang = (tok.info or "").strip()
            idx = len(codes)
            codes.append(code)
            body = _highlight(code, lang, theme).rstrip("\n")
            label = html.escape(lang.split()[0]) if lang else "code"
            out.append(
                f'<table width="100%" cellspacing="0" cellpadding="6" '
                f'style="background-color:{theme.code_background}; border: 1px solid {theme.border}; margin: 4px 0;">'
                f'<tr><td style="color:{theme.muted};">{label}'
                f'&nbsp;&nbsp;<a href="copy:{idx}" style="color:{theme.link};">Copy</a></td></tr>'
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
        elif tok.type == "inline":
            out.append(_render_inline(tok, env))
        else:
            out.append(renderer.renderToken(tokens, i, _parser.options, env))
    return Rendered("".join(out), codes)


def _align(tok) -> str:
    style = tok.attrGet("style") or ""
    if "text-align:" in style:
        return f' align="{html.escape(style.split("text-align:")[1].strip(" ;"))}"'
    return ""


def _render_inline(tok, env) -> str:
    children = tok.children or []
    parts: list[str] = []
    for j, child in enumerate(children):
        if child.type == "image":
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
