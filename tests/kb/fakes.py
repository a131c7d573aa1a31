"""A deterministic test embedder: hashed bags of jieba words and CJK bigrams, L2-normalised.

Not a language model: it exists so the fusion and the incremental rules can be tested
without one (the real vector path is tested with the starter model in embedding mode)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from aigc_desktop.kb.models import EmbeddingChoice
from aigc_desktop.kb.segment import bigrams, words

DIM = 256


class HashEmbedder:
    def __init__(self, dim: int = DIM) -> None:
        self.dim = dim
        self.calls = 0
        self.texts: list[str] = []

    def embed(self, texts):
        self.calls += 1
        self.texts += list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for tok in words(t) + bigrams(t):
                h = int.from_bytes(hashlib.md5(tok.encode()).digest()[:4], "little")
                out[i, h % self.dim] += 1.0 if (h >> 31) & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


def service_with(db, embedder: HashEmbedder):
    """A KnowledgeBaseService whose only embedding model, "test-embedder", is ``embedder``."""
    from aigc_desktop.kb.service import KnowledgeBaseService

    def resolve(name: str) -> EmbeddingChoice:
        return EmbeddingChoice("test-embedder", Path("test-embedder"), None)

    return KnowledgeBaseService(db, embedder_factory=lambda choice: embedder, resolve=resolve)
