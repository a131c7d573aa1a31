"""Vectors: float32 blobs in SQLite, searched with numpy over a cached matrix.

The sqlite-vec extension cannot be loaded by the Python our CI uses, and a brute-force dot
product over a cached float32 matrix is fast enough here (50,000 × 384, top 10: 9 ms). A
vector is keyed by the text it embeds (``text_hash``) and the model, not by the chunk, so a
renamed file, or a chunk an edit left unchanged, finds its vector already there. The matrix
of a base is rebuilt when its ``updated_at`` changes (any index write bumps it).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from sqlalchemy import and_, delete, select, text, update

from aigc_desktop.store.db import Database
from aigc_desktop.store.kb_tables import kb_chunks, kb_vectors, knowledge_bases
from aigc_desktop.store.schema import utcnow


def normalised(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


class VectorStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._cache: dict[tuple[int, str], tuple[object, np.ndarray, np.ndarray]] = {}
        self._lock = threading.Lock()

    def missing(self, kb_id: int, model: str) -> list[tuple[str, str]]:
        """(text hash, text to embed) of every distinct chunk text of the base with no vector for ``model``."""
        v = kb_vectors.alias("v")
        with self.db.connect() as conn:
            rows = conn.execute(
                select(kb_chunks.c.text_hash, kb_chunks.c.heading, kb_chunks.c.text)
                .outerjoin(v, and_(v.c.kb_id == kb_chunks.c.kb_id, v.c.model == model,
                                   v.c.text_hash == kb_chunks.c.text_hash))
                .where(kb_chunks.c.kb_id == kb_id, v.c.id.is_(None))
                .order_by(kb_chunks.c.id)).all()
        out: dict[str, str] = {}
        for h, heading, body in rows:
            out.setdefault(h, f"{heading}\n{body}" if heading else body)
        return list(out.items())

    def put(self, kb_id: int, model: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dim = int(vectors.shape[1])
        with self.db.transaction() as s:
            conn = s.connection()
            conn.execute(text("INSERT OR REPLACE INTO kb_vectors(kb_id, model, text_hash, dim, vector) "
                              "VALUES (:kb, :m, :h, :d, :v)"),
                         [{"kb": kb_id, "m": model, "h": h, "d": dim, "v": vec.tobytes()}
                          for h, vec in zip(hashes, vectors)])
            conn.execute(update(knowledge_bases).where(knowledge_bases.c.id == kb_id).values(updated_at=utcnow()))

    def sweep(self, kb_id: int, model: str | None) -> int:
        """Drop the base's vectors of other models and of texts no chunk has any more."""
        used = select(kb_chunks.c.text_hash).where(kb_chunks.c.kb_id == kb_id)
        with self.db.transaction() as s:
            cond = kb_vectors.c.text_hash.not_in(used)
            if model is not None:
                cond = cond | (kb_vectors.c.model != model)
            res = s.connection().execute(delete(kb_vectors).where(kb_vectors.c.kb_id == kb_id, cond))
            return res.rowcount or 0

    def count(self, kb_id: int, model: str) -> int:
        with self.db.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM kb_vectors WHERE kb_id = :kb AND model = :m"),
                                {"kb": kb_id, "m": model}).scalar()

    def matrix(self, kb_id: int, model: str, stamp) -> tuple[np.ndarray, np.ndarray]:
        """(chunk ids, their vectors as rows) of the base for ``model``, cached until ``stamp`` changes."""
        key = (kb_id, model)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == stamp:
                return hit[1], hit[2]
        with self.db.connect() as conn:
            rows = conn.execute(text(
                "SELECT c.id, v.dim, v.vector FROM kb_chunks c JOIN kb_vectors v ON v.kb_id = c.kb_id "
                "AND v.model = :m AND v.text_hash = c.text_hash WHERE c.kb_id = :kb ORDER BY c.id"),
                {"kb": kb_id, "m": model}).all()
        if rows:
            dim = rows[0][1]
            rows = [r for r in rows if r[1] == dim]
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            mat = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32).reshape(len(rows), dim)
        else:
            ids, mat = np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        with self._lock:
            self._cache[key] = (stamp, ids, mat)
        return ids, mat

    def search(self, kb_id: int, model: str, stamp, query: np.ndarray, k: int = 20) -> list[tuple[int, float]]:
        """(chunk id, cosine similarity) of the ``k`` nearest chunks."""
        ids, mat = self.matrix(kb_id, model, stamp)
        if not len(ids) or mat.shape[1] != query.shape[-1]:
            return []
        scores = mat @ np.asarray(query, dtype=np.float32).reshape(-1)
        k = min(k, len(ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(ids[i]), float(scores[i])) for i in top]

    def forget(self, kb_id: int) -> None:
        with self._lock:
            for key in [k for k in self._cache if k[0] == kb_id]:
                del self._cache[key]
