"""Which embedded font draws each character of the PDF, and what stands in for one no font has.

Two things no font fallback does by itself:

- **Latin punctuation in Latin context.** A Chinese font's ’ “ ” – — … are full-width
  (the Chinese forms), so "I’ll" set in Noto Sans SC reads "I’  ll". Such a character
  (:data:`AMBIGUOUS`: the East-Asian-ambiguous punctuation) takes the Latin face when
  the text around it is Latin (a Latin letter, digit or mark beside it, and no wide
  character), and keeps the Chinese form beside Chinese (“引号”, 他说“hello”).
- **Emoji.** Colour emoji fonts (CBDT, sbix, COLR bitmaps) have nothing fpdf2 can embed,
  so the monochrome Noto Emoji draws them. Sequences lose their joiners and variation
  selectors (fpdf2 has no shaping here, so 👍🏽 is 👍 and a ZWJ family its members);
  an emoji no font has becomes its Unicode name in brackets ("[grinning face]"), any
  other character □: never a silent gap.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

from aigc_desktop.export.linebreak import is_wide

MISSING = "\u25a1"  # □
#: Punctuation whose Chinese-font glyph is full-width and whose Latin glyph is not.
AMBIGUOUS = frozenset("‘’‚“”„–—―…·•′″")
#: Dropped: joiners, variation selectors, skin-tone modifiers (no shaping to combine them).
DROPPED = frozenset("\u200d\ufe0e\ufe0f") | {chr(c) for c in range(0x1F3FB, 0x1F400)}


def _neighbour(text: str, i: int, step: int) -> str:
    """The nearest character from ``i`` in direction ``step`` that is not ambiguous punctuation ("" at an end)."""
    i += step
    while 0 <= i < len(text) and text[i] in AMBIGUOUS:
        i += step
    return text[i] if 0 <= i < len(text) else ""


def _latin(ch: str) -> bool:
    return bool(ch) and ch.isprintable() and not ch.isspace() and not is_wide(ch) and (ch.isalnum() or ord(ch) < 0x250)


def latin_context(text: str, i: int) -> bool:
    """Whether the ambiguous punctuation at ``text[i]`` stands among Latin text."""
    before, after = _neighbour(text, i, -1), _neighbour(text, i, +1)
    if (before and is_wide(before)) or (after and is_wide(after)):
        return False
    return _latin(before) or _latin(after)


class FaceChooser:
    """Picks a face for each character from the faces' character sets.

    ``faces`` maps a face name to the code points it has; ``order`` is the fallback
    order after the span's own face; ``latin`` is the face for Latin-context punctuation."""

    def __init__(self, faces: Mapping[str, set[int]], order: Sequence[str], latin: str | None, emoji: str | None):
        self.faces, self.order, self.latin, self.emoji = faces, list(order), latin, emoji
        self.covered: set[int] = set().union(*faces.values()) if faces else set()

    def has(self, face: str | None, ch: str) -> bool:
        return face is not None and ord(ch) in self.faces.get(face, ())

    def clean(self, text: str) -> str:
        """The text with tabs as spaces, joiners dropped and every character no face has
        replaced (an emoji by its name in brackets, anything else by □)."""
        text = text.replace("\t", "    ")
        if all(ord(ch) in self.covered and ch not in DROPPED or ch in "\n\r" for ch in text):
            return text
        out = []
        for ch in text:
            if ch in DROPPED:
                continue
            out.append(ch if ord(ch) in self.covered or ch in "\n\r" else describe(ch))
        return "".join(out)

    def faces_for(self, text: str, own: str) -> list[str]:
        """The face of each character of (cleaned) ``text`` whose span is set in ``own``."""
        result = []
        for i, ch in enumerate(text):
            if ch in AMBIGUOUS and self.has(self.latin, ch) and latin_context(text, i):
                result.append(self.latin)
            elif ord(ch) >= 0x1F000 and self.has(self.emoji, ch):
                result.append(self.emoji)  # a CJK font's few emoji-range symbols are not emoji
            elif self.has(own, ch) or ch in "\n\r":
                result.append(own)
            else:
                result.append(next((f for f in self.order if self.has(f, ch)), own))
        return result


def describe(ch: str) -> str:
    """What stands in for a character no font has: an emoji's (symbol's) name, else □."""
    if unicodedata.category(ch) == "So":
        name = unicodedata.name(ch, "")
        if name:
            return f"[{name.lower()}]"
    return MISSING
