"""Where the PDF export may end a line: Chinese (and Japanese) line-breaking rules, 禁则.

Written by hand because fpdf2's own breaker knows only spaces: Chinese, which has none,
was cut after whatever character reached the margin, so a line could start with ”。，
or end with “（《. A full Unicode line breaker (UAX #14, e.g. PyICU) would be a large
native dependency for what the export needs, which is this much:

- a line may end between two characters when either is wide (CJK, full-width
  punctuation, emoji), after a space, or after ``-`` and ``/`` inside a Latin word
  (long addresses); never inside a Latin word otherwise;
- never before a character of :data:`NO_START` (closing quotes and brackets, 。，、；：？！,
  the small kana, ``)`` ``,`` ``.`` …), never after one of :data:`NO_END` (opening quotes
  and brackets), never inside —— or ……, never before a joiner or variation selector;
- where the character that no longer fits must not start a line, the character before it
  goes down with it (追い出し), so nothing hangs past the margin.

Only a word wider than a whole line is cut anywhere (at the margin).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

#: Characters that may not start a line: closing punctuation, marks that belong to the
#: character before, and Latin closing punctuation.
NO_START = frozenset(
    "”’」』）】》〉〕］｝〗〙〛﹞＂＇"
    "。，、；：？！．…‥·・‐–〜～ー々〻ゝゞヽヾ"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    "）],.;:!?%)}'\"›»℃°‰"
)
#: Characters that may not end a line: opening quotes and brackets.
NO_END = frozenset("“‘「『（【《〈〔［｛〖〘〚﹝([{‹«")
#: Characters that come in pairs that may not be split (—— and ……).
NO_SPLIT = frozenset("—…‥")
#: Joiners, variation selectors and skin-tone modifiers: part of the character before.
_ATTACHED = frozenset("\u200d\ufe0e\ufe0f") | {chr(c) for c in range(0x1F3FB, 0x1F400)}


def is_wide(ch: str) -> bool:
    """A character set in a square (CJK, full-width forms, emoji): a line may end on either side."""
    return unicodedata.east_asian_width(ch) in ("W", "F") or ord(ch) >= 0x1F000


def may_break(text: str, i: int) -> bool:
    """Whether a line may end between ``text[i - 1]`` and ``text[i]`` (the line-breaking rules)."""
    if i <= 0 or i >= len(text):
        return False
    a, b = text[i - 1], text[i]
    if b == " " or b == "\n" or b in _ATTACHED or a == "\u200d":
        return False
    if b in NO_START or a in NO_END:
        return False
    if a == b and a in NO_SPLIT:
        return False
    if unicodedata.category(b).startswith("M"):  # a combining mark stays with its letter
        return False
    if a == " ":  # after spaces, unless what they follow is an opening mark
        j = i - 1
        while j > 0 and text[j - 1] == " ":
            j -= 1
        return j > 0 and text[j - 1] not in NO_END
    if is_wide(a) or is_wide(b):
        return True
    # Inside a Latin word: only after a hyphen or slash between letters (long addresses).
    return a in "-/" and i >= 2 and text[i - 2] != " " and b.isalnum()


def break_lines(text: str, widths: Sequence[float], first: float, rest: float) -> list[tuple[int, int]]:
    """Split ``text`` (``widths[i]`` is the width of ``text[i]``) into lines of at most
    ``first`` (the first line) and ``rest`` (the others) wide.

    Returns ``(start, end)`` slices. ``\\n`` ends a line (and is in no slice); spaces
    at the end of a line are left out of it and those at the start of the next are
    skipped."""
    lines: list[tuple[int, int]] = []
    n = len(text)
    start = 0
    continued = False  # the line follows an automatic break, not a paragraph start or \n
    while start < n:
        if continued:
            while start < n and text[start] == " ":
                start += 1
            if start >= n:
                break
        limit = first if not lines else rest
        x = 0.0
        best = -1  # the last place this line may end
        i = start
        end = n
        forced = False
        while i < n:
            ch = text[i]
            if ch == "\n":
                end, forced = i, True
                break
            if i > start and may_break(text, i):
                best = i
            if ch != " " and i > start and x + widths[i] > limit + 1e-6:
                if may_break(text, i):
                    end = i
                elif best > start:
                    end = best
                else:  # one word wider than the line: cut at the margin, still keeping a closing mark off the start
                    end = i - 1 if text[i] in NO_START and i - 1 > start else i
                break
            x += widths[i]
            i += 1
        stop = end
        while stop > start and text[stop - 1] == " ":
            stop -= 1
        lines.append((start, stop))
        if forced:
            start, continued = end + 1, False
        else:
            start, continued = end, True
    return lines
