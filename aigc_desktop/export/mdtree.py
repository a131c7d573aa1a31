"""Message Markdown → a small block tree that the Word and PDF writers lay out.

The text is parsed by the window's own parser (``render/html.py``: same options, same
formula rules), so a list, a table or a code block is one in the window, the HTML, the
Word file and the PDF alike. markdown-it gives a flat token stream; Word and PDF want
nested blocks with styled runs, so this walks the stream once into plain dataclasses.
Raw HTML never becomes markup here (the parser escapes it to text); images are never
fetched — they become the same "[image: …]" text as in the window; a formula stays as
its ``$…$`` source in code style (Word and PDF have no SVG path from here).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aigc_desktop.render import html as window_render


@dataclass
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    strike: bool = False
    link: str = ""  # http(s)/mailto only (the parser drops other schemes)


@dataclass
class Para:
    spans: list[Span]


@dataclass
class Heading:
    level: int
    spans: list[Span]


@dataclass
class Code:
    lang: str
    code: str


@dataclass
class ListBlock:
    ordered: bool
    start: int
    items: list[list] = field(default_factory=list)  # each item: a list of blocks


@dataclass
class Table:
    header: list[list[Span]]
    rows: list[list[list[Span]]]
    align: list[str]  # "left" / "center" / "right" / "" per column


@dataclass
class Quote:
    children: list


@dataclass
class Rule:
    pass


@dataclass
class Math:
    tex: str


def window_parser(text: str):
    """The parser the window uses for this text (formulas only where a ``$``, ``\\(`` or
    ``\\[`` occurs): ``render.html.parser_for``."""
    return window_render.parser_for(text)


def parse(text: str) -> list:
    tokens = window_parser(text).parse(text, {})
    nodes, _ = _blocks(tokens, 0, None)
    return nodes


def _blocks(tokens, i: int, end: str | None):
    nodes: list = []
    while i < len(tokens):
        tok = tokens[i]
        t = tok.type
        if t == end:
            return nodes, i + 1
        if t == "heading_open":
            nodes.append(Heading(int(tok.tag[1:]), spans(tokens[i + 1])))
            i += 3
        elif t == "paragraph_open":
            nodes.append(Para(spans(tokens[i + 1])))
            i += 3
        elif t in ("fence", "code_block"):
            nodes.append(Code((tok.info or "").strip().split(" ")[0], tok.content.rstrip("\n")))
            i += 1
        elif t == "math_block":
            nodes.append(Math(tok.content.strip()))
            i += 1
        elif t == "hr":
            nodes.append(Rule())
            i += 1
        elif t == "blockquote_open":
            children, i = _blocks(tokens, i + 1, "blockquote_close")
            nodes.append(Quote(children))
        elif t in ("bullet_list_open", "ordered_list_open"):
            lst = ListBlock(t == "ordered_list_open", int(tok.attrGet("start") or 1))
            close = t.replace("_open", "_close")
            i += 1
            while i < len(tokens) and tokens[i].type != close:
                if tokens[i].type == "list_item_open":
                    item, i = _blocks(tokens, i + 1, "list_item_close")
                    lst.items.append(item)
                else:
                    i += 1
            nodes.append(lst)
            i += 1
        elif t == "table_open":
            table, i = _table(tokens, i + 1)
            nodes.append(table)
        elif t in ("html_block", "inline"):
            nodes.append(Para([Span(tok.content)]))
            i += 1
        else:
            i += 1
    return nodes, i


def _table(tokens, i: int):
    header: list[list[Span]] = []
    rows: list[list[list[Span]]] = []
    align: list[str] = []
    in_head = False
    row: list[list[Span]] | None = None
    while i < len(tokens) and tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "tr_close" and row is not None:
            if in_head:
                header = row
            else:
                rows.append(row)
            row = None
        elif tok.type in ("th_open", "td_open"):
            style = tok.attrGet("style") or ""
            if in_head:
                align.append(style.split("text-align:")[1].strip(" ;") if "text-align:" in style else "")
        elif tok.type == "inline" and row is not None:
            row.append(spans(tok))
        i += 1
    return Table(header, rows, align), i + 1


def spans(inline) -> list[Span]:
    out: list[Span] = []
    bold = italic = strike = 0
    link = ""
    for child in inline.children or []:
        t = child.type
        if t == "text":
            out.append(Span(child.content, bool(bold), bool(italic), False, bool(strike), link))
        elif t in ("softbreak", "hardbreak"):
            out.append(Span("\n"))
        elif t == "code_inline":
            out.append(Span(child.content, bool(bold), bool(italic), True, bool(strike), link))
        elif t == "strong_open":
            bold += 1
        elif t == "strong_close":
            bold -= 1
        elif t == "em_open":
            italic += 1
        elif t == "em_close":
            italic -= 1
        elif t == "s_open":
            strike += 1
        elif t == "s_close":
            strike -= 1
        elif t == "link_open":
            link = child.attrGet("href") or ""
        elif t == "link_close":
            link = ""
        elif t == "image":
            alt = "".join(c.content for c in (child.children or [])) or "image"
            src = child.attrGet("src") or ""
            out.append(Span(f"[image: {alt}]", link=src if src.lower().startswith(("http://", "https://")) else ""))
        elif t == "math_inline":
            out.append(Span(f"${child.content}$", code=True))
        elif t == "math_inline_double":
            out.append(Span(f"$${child.content}$$", code=True))
        else:  # html_inline cannot occur (html=False); anything else: its text
            if child.content:
                out.append(Span(child.content))
    return out


def shown_url(href: str) -> str:
    """A link's address as people read it (the parser percent-encodes 中文 in it)."""
    from urllib.parse import unquote

    return unquote(href)


def plain(spans_: list[Span]) -> str:
    return "".join(s.text for s in spans_)
