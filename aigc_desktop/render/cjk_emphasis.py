"""Bold and italics that close after Chinese punctuation: ``**重要。**接着写`` is bold.

CommonMark's flanking rules (spec issue #650) let a closing ``**`` that follows
punctuation close only when whitespace or punctuation comes after it. English puts
a space there; Chinese never does, so ``**要点：**正文`` and ``**……禁则。**看看``
show their asterisks raw in the window and every export, in nearly every bolded
Chinese sentence a model writes.

The fix is the rule of the markdown-cjk-friendly proposal (tats-u), which
markdown-it-py declined to adopt upstream and which exists only as a JavaScript
plugin, hence written here: a delimiter run next to punctuation still flanks when
the character on its *other* side is CJK. So ``。**看`` can close and ``看**“``
can open. Everything else is CommonMark's own rule, unchanged (``_`` included).

``cjk_emphasis_plugin(md)`` swaps the inline parser's state class for one whose
``scanDelims`` applies it; emphasis and strikethrough both call ``scanDelims``.
"""

from __future__ import annotations

import unicodedata

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline.state_inline import Scanned, StateInline


def is_cjk(char: str) -> bool:
    """A wide East Asian character (Han, kana, Hangul, full-width punctuation)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


class CjkStateInline(StateInline):
    def scanDelims(self, start: int, canSplitWord: bool) -> Scanned:  # noqa: N802 (markdown-it's name)
        pos, maximum, marker = start, self.posMax, self.src[start]
        last = self.src[start - 1] if start > 0 else " "  # the start of the line counts as whitespace
        while pos < maximum and self.src[pos] == marker:
            pos += 1
        count = pos - start
        nxt = self.src[pos] if pos < maximum else " "  # so does its end

        last_punct = isMdAsciiPunct(ord(last)) or isPunctChar(last)
        next_punct = isMdAsciiPunct(ord(nxt)) or isPunctChar(nxt)
        last_space, next_space = isWhiteSpace(ord(last)), isWhiteSpace(ord(nxt))

        left = not next_space and (not next_punct or last_space or last_punct or is_cjk(last))
        right = not last_space and (not last_punct or next_space or next_punct or is_cjk(nxt))
        can_open = left and (canSplitWord or not right or last_punct)
        can_close = right and (canSplitWord or not left or next_punct)
        return Scanned(can_open, can_close, count)


def cjk_emphasis_plugin(md: MarkdownIt) -> None:
    inline = md.inline

    def parse(src, md_, env, tokens):
        # ParserInline.parse with the state class swapped (it names StateInline directly).
        state = CjkStateInline(src, md_, env, tokens)
        inline.tokenize(state)
        for rule in inline.ruler2.getRules(""):
            rule(state)
        return state.tokens

    inline.parse = parse
