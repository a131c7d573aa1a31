"""Chinese-aware tokens for the keyword index, the same for indexed text and for queries.

SQLite's FTS5 tokenizers find nothing for a two-character Chinese word (``unicode61`` keeps a
run of Han characters as one token, ``trigram`` needs three characters), so the text is cut
here and FTS5 only splits on the spaces: jieba's ``cut_for_search`` (words and their shorter
parts, 人工智能 → 人工 智能 人工智能) plus every pair of adjacent CJK characters, a net for
names and terms jieba's dictionary does not know. Latin words are lower-cased as they are.
"""

from __future__ import annotations

import logging
import re
import threading

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_WORD = re.compile(rf"[{_CJK}]|[^\W_]+", re.UNICODE)
_lock = threading.Lock()
_ready = False


def _jieba():
    """jieba, its dictionary loaded once (about a second the first time; it logs to stderr unless told)."""
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


def words(text: str) -> list[str]:
    """jieba's search-mode words of ``text`` that have a letter, digit or Han character, lower-cased."""
    out = []
    for w in _jieba().cut_for_search(text):
        w = w.strip().lower()
        if w and _WORD.search(w):
            out.append("".join(_WORD.findall(w)) if not _CJK_RUN.fullmatch(w) else w)
    return [w for w in out if w]


def bigrams(text: str) -> list[str]:
    """Each pair of adjacent CJK characters (within a run of them)."""
    return [run[i:i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]


def index_text(text: str) -> str:
    """What the FTS5 column holds for ``text``: its words and bigrams, space-separated."""
    return " ".join(words(text) + bigrams(text))


def query_terms(query: str) -> list[str]:
    """The distinct terms of a query, cut the same way; single Han characters are dropped when
    longer terms exist (的, 是: every passage has them)."""
    terms = list(dict.fromkeys(words(query) + bigrams(query)))
    longer = [t for t in terms if not (len(t) == 1 and _CJK_RUN.fullmatch(t))]
    return longer or terms


def fts_match(terms: list[str]) -> str:
    """An FTS5 MATCH expression: the terms as quoted strings joined by OR (bm25 ranks the passages
    with more and rarer terms first)."""
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)


def fts_query(query: str) -> str | None:
    """:func:`fts_match` of the query's terms; None when it has none."""
    terms = query_terms(query)
    return fts_match(terms) if terms else None
