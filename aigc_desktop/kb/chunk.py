"""Chunks for Chinese text: never across a heading, split on paragraphs and then at sentence ends
(。！？；!?…), packed to about 300–500 characters, each overlapping the one before by a sentence.

Written here rather than taken from a text-splitter library: those count English words or
tokens and split on "." and spaces, and we need character offsets into the parsed text
(:mod:`aigc_desktop.kb.parse`) for citations, which a splitter that rebuilds strings loses.
A chunk is always one slice ``doc.text[start:end]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aigc_desktop.kb.parse import ParsedDoc, Section

MIN_CHARS = 300
MAX_CHARS = 500
# a sentence ends at one or more end marks, with the closing quotes and brackets after them
_SENTENCE_END = re.compile(r"(?:[。！？；!?]|…+|\.(?=\s))+[”’」』）)\]\"']*")
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Chunk:
    seq: int
    heading: str
    page: int | None
    start: int  # offsets into the file's parsed text
    end: int
    text: str

    @property
    def embed_text(self) -> str:
        """What is embedded (and hashed as the vector's key): the heading path, then the text."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text


def _spans(text: str, pattern: re.Pattern, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut after each match of ``pattern`` (for sentences) — whitespace trimmed."""
    out, pos = [], start
    for m in pattern.finditer(text, start, end):
        out.append((pos, m.end()))
        pos = m.end()
    out.append((pos, end))
    return [s for s in (_trim(text, a, b) for a, b in out) if s]


def _trim(text: str, a: int, b: int) -> tuple[int, int] | None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if b > a else None


def sentences(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, ends a paragraph) of each sentence; one longer than :data:`MAX_CHARS` is cut
    into pieces at commas where it can, else at the limit."""
    out = []
    pos = 0
    paragraphs = []
    for m in _PARAGRAPH.finditer(text):
        paragraphs.append((pos, m.start()))
        pos = m.end()
    paragraphs.append((pos, len(text)))
    for pa, pb in paragraphs:
        spans = _spans(text, _SENTENCE_END, pa, pb)
        for i, (a, b) in enumerate(spans):
            pieces = _cut_long(text, a, b)
            for j, (x, y) in enumerate(pieces):
                out.append((x, y, i == len(spans) - 1 and j == len(pieces) - 1))
    return out


def _cut_long(text: str, a: int, b: int) -> list[tuple[int, int]]:
    pieces = []
    while b - a > MAX_CHARS:
        window = text[a:a + MAX_CHARS]
        cut = max(window.rfind(c) for c in "，,、：: \n")
        cut = a + cut + 1 if cut > MIN_CHARS // 2 else a + MAX_CHARS
        pieces.append((a, cut))
        a = cut
    pieces.append((a, b))
    return [p for p in (_trim(text, x, y) for x, y in pieces) if p]


def chunk_section(section: Section, seq: int = 0) -> list[Chunk]:
    """The section's chunks (offsets into the whole parsed text)."""
    text = section.text
    sents = sentences(text)
    chunks: list[Chunk] = []
    i = 0
    while i < len(sents):
        first = i
        j = i
        # take sentences while they fit; stop early at a paragraph end once long enough
        while j + 1 < len(sents) and sents[j + 1][1] - sents[first][0] <= MAX_CHARS \
                and not (sents[j][2] and sents[j][1] - sents[first][0] >= MIN_CHARS):
            j += 1
        a, b = sents[first][0], sents[j][1]
        chunks.append(Chunk(seq + len(chunks), section.heading, section.page, section.start + a,
                            section.start + b, text[a:b]))
        if j + 1 >= len(sents):
            break
        # the next chunk repeats this one's last sentence, unless that is all this one was
        # or it would leave no room for the next sentence
        i = j if j > first and sents[j + 1][1] - sents[j][0] <= MAX_CHARS else j + 1
    return chunks


def chunk_doc(doc: ParsedDoc) -> list[Chunk]:
    out: list[Chunk] = []
    for section in doc.sections:
        out += chunk_section(section, len(out))
    return out
