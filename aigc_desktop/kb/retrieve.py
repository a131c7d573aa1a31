"""Hybrid retrieval: the keyword top 20 and the vector top 20, joined by reciprocal-rank fusion.

RRF (Cormack et al., 2009) adds ``1 / (60 + rank)`` over the lists a passage appears in: it
needs no score calibration between bm25 and cosine similarity, and a passage both searches
find comes first. A base with no embedding model (or none of its vectors yet) is searched by
keyword alone, so a base is useful the minute it is made.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from aigc_desktop.errors import UserError
from aigc_desktop.kb.index import KbIndex
from aigc_desktop.kb.records import Hit, KbInfo
from aigc_desktop.kb.vectors import VectorStore

log = logging.getLogger(__name__)

RRF_K = 60
DEPTH = 20  # each search's list that goes into the fusion


def rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Ids by fused score, best first (ties: the order they were first seen)."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


class Retriever:
    def __init__(self, index: KbIndex, vectors: VectorStore, embedder_for: Callable[[str], object]) -> None:
        self.index = index
        self.vectors = vectors
        self.embedder_for = embedder_for  # model name → an embedder with .embed(texts) -> (n, dim) array

    def keyword_ids(self, kbs: Sequence[KbInfo], query: str, depth: int = DEPTH) -> list[int]:
        return [cid for cid, _score in self.index.keyword([kb.id for kb in kbs], query, depth)]

    def vector_ids(self, kbs: Sequence[KbInfo], query: str, depth: int = DEPTH) -> list[int]:
        """The nearest chunks over the bases with a model (the query embedded once per model)."""
        found: list[tuple[int, float]] = []
        by_model: dict[str, list[KbInfo]] = {}
        for kb in kbs:
            if kb.embedding_model:
                by_model.setdefault(kb.embedding_model, []).append(kb)
        for model, group in by_model.items():
            stamps = {kb.id: self.index.stamp(kb.id) for kb in group}
            if not any(len(self.vectors.matrix(kb.id, model, stamps[kb.id])[0]) for kb in group):
                continue  # nothing embedded yet: the embedder is not even loaded
            try:
                qvec = self.embedder_for(model).embed([query])[0]
            except UserError as exc:  # the model file went away: keyword search still answers
                log.warning("vector search skipped (%s): %s", model, exc)
                continue
            for kb in group:
                found += self.vectors.search(kb.id, model, stamps[kb.id], qvec, depth)
        found.sort(key=lambda t: -t[1])
        return [cid for cid, _s in found[:depth]]

    def search(self, kbs: Sequence[KbInfo], query: str, k: int = 8) -> list[Hit]:
        if not query.strip() or not kbs:
            return []
        fused = rrf([self.keyword_ids(kbs, query), self.vector_ids(kbs, query)])[:k]
        rows = self.index.chunk_rows([cid for cid, _s in fused])
        return [Hit(kb=r.uid, file=r.path, page=r.page, heading=r.heading or "", text=r.text, score=round(score, 6),
                    start=r.start, end=r.end, chunk_id=cid, kb_name=r.name, sha256=r.sha256 or "",
                    mtime=r.mtime or 0.0)
                for cid, score in fused if (r := rows.get(cid)) is not None]
