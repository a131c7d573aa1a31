"""Reading an outline out of a model's answer.

Small models answer "give me N section titles" in every shape: ``1.``, ``1、``,
``(1)``, ``一、``, ``第一部分：``, bullets, Markdown headings and bold, a line
of preamble ("好的，以下是…") and a closing remark. No library parses that
mix, so it is hand-written here: a line counts as an item only when it carries
a list marker; the text around the list is dropped. When no line has a marker,
short non-empty lines are taken as they are.

A small model may still give fewer titles than asked (the 135M starter model
often repeats the request back), so :func:`fill_outline` pads the list to exactly
``n`` with numbered placeholders, 「第四部分」 or "Part 4", which the person renames
in the outline editor: the document then has the sections that were asked for.
The placeholders are in the document's language (like ``prompts.py``'s templates),
not in the interface's, so they are not marked for translation.
"""

from __future__ import annotations

import re

from aigc_desktop.writing.prompts import chinese_number

_CN_DIGITS = "零〇一二三四五六七八九十百两"
_NUM = rf"(?:\d{{1,3}}|[{_CN_DIGITS}]{{1,4}}|[ivxIVX]{{1,5}}|[a-zA-Z])"
_MARKER = re.compile(
    r"""^\s*(?:\#{1,6}\s*)?(?:[*_]{2})?\s*(?:
        第\s*(?:\d{1,3}|[零〇一二三四五六七八九十百两]{1,4})\s*(?:部分|节|章|点|个方面|方面|篇|步)\s*[:：.、，,\s-]*
      | [(（]\s*""" + _NUM + r"""\s*[)）]\s*[.、:：]?
      | """ + _NUM + r"""\s*[.．、)）:：]
      | [-*•·●○▪◦+–—]\s+
      | [-•·●○▪◦–—](?=\S)
    )\s*""",
    re.VERBOSE,
)
_EMPHASIS = re.compile(r"^[*_`#\s]+|[*_`\s]+$")
# "Title: explanation" / "标题：说明" / "Title - explanation": keep the title.
_TITLE_SPLIT = re.compile(r"\s*(?:[:：]|\s[-–—]\s|——)\s*")
_LEADING_LETTER_ONLY = re.compile(r"^[a-zA-Z]$")
MAX_TITLE = 60


def _clean(text: str) -> str:
    text = text.replace("\ufffd", "")  # a character the model split wrongly: never part of a title
    text = _EMPHASIS.sub("", text.strip())
    text = re.sub(r"\*\*|__", "", text)
    head = _TITLE_SPLIT.split(text, maxsplit=1)[0].strip()
    if head and len(head) >= 2:
        text = head
    text = text.strip(" \t\"'“”‘’「」《》【】[]").rstrip("。.;；,，")
    return text.strip()


def _looks_like_prose(line: str) -> bool:
    """A sentence around the list (preamble, closing remark) rather than a title."""
    stripped = line.strip()
    return len(stripped) > MAX_TITLE or stripped.endswith(("：", ":")) and len(stripped) > 12


def parse_outline(answer: str, n: int | None = None) -> list[str]:
    """Section titles in ``answer``, in order, without duplicates; at most ``n`` when given."""
    lines = [ln for ln in answer.replace("\r", "").split("\n")]
    marked: list[str] = []
    for line in lines:
        m = _MARKER.match(line)
        if not m:
            continue
        rest = line[m.end():]
        if not rest.strip() or _LEADING_LETTER_ONLY.match(rest.strip()):
            continue
        title = _clean(rest)
        if title:
            marked.append(title)
    items = marked
    if not items:
        raw = [ln for ln in lines if ln.strip()]
        items = [t for t in (_clean(ln) for ln in raw if not _looks_like_prose(ln)) if t]
        # Several items on one line: "大纲如下：基本概念、技术实现、优势与不足" or "A | B | C".
        if len(raw) == 1 and (n or 0) > 1:
            listed = re.split(r"[:：]", raw[0])[-1]
            parts = [p for p in re.split(r"\s*[、|｜;；,，]\s*", listed) if p.strip()]
            if len(parts) > 1:
                items = [_clean(p) for p in parts]
    seen: set[str] = set()
    out: list[str] = []
    for t in items:
        t = t[:MAX_TITLE].strip()
        if t and t.lower() not in seen:
            seen.add(t.lower())
            out.append(t)
    return out[:n] if n else out


def placeholder(index: int, chinese: bool) -> str:
    """The title of section ``index`` (1-based) that the person has yet to name."""
    return f"第{chinese_number(index)}部分" if chinese else f"Part {index}"


def fill_outline(titles: list[str], n: int, *, chinese: bool) -> list[str]:
    """Exactly ``n`` titles: the first ``n`` given, then placeholders for the ones missing."""
    out = list(titles[:n])
    taken = {t.lower() for t in out}
    index = len(out) + 1
    while len(out) < n:
        name = placeholder(index, chinese)
        if name.lower() not in taken:
            out.append(name)
            taken.add(name.lower())
        index += 1
    return out
