"""The knowledge base's rows: bases, sources, files, chunks and the keyword index (FTS5 over
jieba-cut text, :mod:`aigc_desktop.kb.segment`), on the app's one database.

A file's chunks are replaced in one transaction with their ``kb_fts`` rows, so a search
never sees half a file. Every change bumps the base's ``updated_at``, which keys the vector
matrix cache (:mod:`aigc_desktop.kb.vectors`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, insert, select, text, update

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.kb.chunk import Chunk
from aigc_desktop.kb.records import KbFile, KbInfo
from aigc_desktop.kb.segment import fts_match, index_text, query_terms
from aigc_desktop.store.db import Database
from aigc_desktop.store.kb_tables import kb_chunks, kb_files, kb_sources, knowledge_bases
from aigc_desktop.store.schema import utcnow
from aigc_desktop.store.uids import new_uid


COMMON_SHARE = 0.05  # a query term in more of all passages than this is left out (see KbIndex.keyword)


class KbNotFound(UserError, LookupError):
    """No knowledge base by that name; the message is fit to show."""


def text_hash(text_: str) -> str:
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


def _aware(dt):
    from datetime import timezone

    return dt.replace(tzinfo=timezone.utc) if dt is not None and dt.tzinfo is None else dt


class KbIndex:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- bases ------------------------------------------------------------------
    def create(self, name: str, embedding_model: str | None = None) -> int:
        name = name.strip()
        if not name:
            raise UserError(_("A knowledge base needs a name."))
        with self.db.transaction() as s:
            conn = s.connection()
            if conn.execute(select(knowledge_bases.c.id).where(knowledge_bases.c.name == name)).first():
                raise UserError(_("A knowledge base named “{name}” already exists.").format(name=name))
            now = utcnow()
            return conn.execute(insert(knowledge_bases).values(
                uid=new_uid(), name=name, embedding_model=embedding_model, created_at=now, updated_at=now)
            ).inserted_primary_key[0]

    def infos(self, kb_id: int | None = None, *, counts: bool = True) -> list[KbInfo]:
        """The bases (one, with ``kb_id``); ``counts=False`` leaves files and chunks 0 (a search needs
        only names and models, and counting 200,000 chunks takes tens of milliseconds)."""
        with self.db.connect() as conn:
            q = select(knowledge_bases).order_by(knowledge_bases.c.name)
            if kb_id is not None:
                q = q.where(knowledge_bases.c.id == kb_id)
            bases = conn.execute(q).all()
            out = []
            for b in bases:
                srcs = conn.execute(select(kb_sources.c.path).where(kb_sources.c.kb_id == b.id)
                                    .order_by(kb_sources.c.id)).scalars().all()
                if not counts:
                    out.append(KbInfo(b.id, b.uid, b.name, b.embedding_model, list(srcs)))
                    continue
                n_files, n_failed, last = conn.execute(
                    select(func.count(kb_files.c.id), func.count(kb_files.c.error), func.max(kb_files.c.indexed_at))
                    .where(kb_files.c.kb_id == b.id)).one()
                n_chunks = conn.execute(select(func.count(kb_chunks.c.id)).where(kb_chunks.c.kb_id == b.id)).scalar()
                out.append(KbInfo(b.id, b.uid, b.name, b.embedding_model, list(srcs), n_files - n_failed, n_chunks,
                                  n_failed, _aware(last)))
        return out

    def find(self, name_or_id, *, counts: bool = True) -> KbInfo:
        """By name, uid or numeric id."""
        key = str(name_or_id).strip()
        with self.db.connect() as conn:
            cond = (knowledge_bases.c.name == key) | (knowledge_bases.c.uid == key)
            if key.isdigit():
                cond = cond | (knowledge_bases.c.id == int(key))
            kb_id = conn.execute(select(knowledge_bases.c.id).where(cond)).scalar()
        if kb_id is None:
            raise KbNotFound(_("No knowledge base named “{name}”; `kb list` shows them.").format(name=key))
        return self.infos(kb_id, counts=counts)[0]

    def delete(self, kb_id: int) -> None:
        with self.db.transaction() as s:
            s.connection().execute(delete(knowledge_bases).where(knowledge_bases.c.id == kb_id))

    def set_model(self, kb_id: int, model: str | None) -> None:
        with self.db.transaction() as s:
            s.connection().execute(update(knowledge_bases).where(knowledge_bases.c.id == kb_id)
                                   .values(embedding_model=model, updated_at=utcnow()))

    def stamp(self, kb_id: int):
        """The base's ``updated_at`` (the vector cache's key)."""
        with self.db.connect() as conn:
            return conn.execute(select(knowledge_bases.c.updated_at).where(knowledge_bases.c.id == kb_id)).scalar()

    @staticmethod
    def _bump(conn, kb_id: int) -> None:
        conn.execute(update(knowledge_bases).where(knowledge_bases.c.id == kb_id).values(updated_at=utcnow()))

    # -- sources ----------------------------------------------------------------
    def add_sources(self, kb_id: int, paths: Iterable[str]) -> None:
        with self.db.transaction() as s:
            conn = s.connection()
            have = set(conn.execute(select(kb_sources.c.path).where(kb_sources.c.kb_id == kb_id)).scalars())
            for p in dict.fromkeys(paths):
                if p not in have:
                    conn.execute(insert(kb_sources).values(uid=new_uid(), kb_id=kb_id, path=p))

    def remove_source(self, kb_id: int, path: str) -> bool:
        with self.db.transaction() as s:
            res = s.connection().execute(delete(kb_sources).where(kb_sources.c.kb_id == kb_id,
                                                                  kb_sources.c.path == path))
            return bool(res.rowcount)

    # -- files ------------------------------------------------------------------
    def files(self, kb_id: int) -> list[KbFile]:
        with self.db.connect() as conn:
            rows = conn.execute(select(kb_files).where(kb_files.c.kb_id == kb_id).order_by(kb_files.c.path)).all()
        return [KbFile(r.path, r.size or 0, r.mtime or 0.0, r.chunks or 0, _aware(r.indexed_at), r.error)
                for r in rows]

    def file_rows(self, kb_id: int) -> dict:
        """path → row (id, size, mtime, sha256, error) of every file known to the base."""
        with self.db.connect() as conn:
            rows = conn.execute(select(kb_files.c.id, kb_files.c.path, kb_files.c.size, kb_files.c.mtime,
                                       kb_files.c.sha256, kb_files.c.error).where(kb_files.c.kb_id == kb_id)).all()
        return {r.path: r for r in rows}

    def write_file(self, kb_id: int, path: str, *, size: int, mtime: float, sha256: str,
                   chunks: Sequence[Chunk] = (), error: str | None = None, file_id: int | None = None) -> int:
        """The file's row and its chunks, replacing what it had, in one transaction; returns its id."""
        now = utcnow()
        values = dict(path=path, size=size, mtime=mtime, sha256=sha256, chunks=len(chunks), indexed_at=now,
                      error=error)
        rows = [dict(kb_id=kb_id, seq=c.seq, heading=c.heading, page=c.page, start=c.start, end=c.end,
                     text=c.text, text_hash=text_hash(c.embed_text)) for c in chunks]
        tokens = [index_text(c.embed_text) for c in chunks]
        with self.db.transaction() as s:
            conn = s.connection()
            if file_id is None:
                file_id = conn.execute(insert(kb_files).values(kb_id=kb_id, **values)).inserted_primary_key[0]
            else:
                conn.execute(update(kb_files).where(kb_files.c.id == file_id).values(**values))
                conn.execute(delete(kb_chunks).where(kb_chunks.c.file_id == file_id))  # kb_fts rows by trigger
            for row, toks in zip(rows, tokens):
                cid = conn.execute(insert(kb_chunks).values(file_id=file_id, **row)).inserted_primary_key[0]
                conn.execute(text("INSERT INTO kb_fts(rowid, tokens, kb_id) VALUES (:id, :t, :kb)"),
                             {"id": cid, "t": toks, "kb": kb_id})
            self._bump(conn, kb_id)
        return file_id

    def move_file(self, file_id: int, kb_id: int, path: str, size: int, mtime: float) -> None:
        """A renamed or moved file (same content): its path and stat change, its chunks stay."""
        with self.db.transaction() as s:
            conn = s.connection()
            conn.execute(update(kb_files).where(kb_files.c.id == file_id).values(path=path, size=size, mtime=mtime))
            self._bump(conn, kb_id)

    def restat_file(self, file_id: int, size: int, mtime: float) -> None:
        """Touched but the same content: only the stat is new."""
        with self.db.transaction() as s:
            s.connection().execute(update(kb_files).where(kb_files.c.id == file_id).values(size=size, mtime=mtime))

    def delete_files(self, kb_id: int, ids: Sequence[int]) -> None:
        if not ids:
            return
        with self.db.transaction() as s:
            conn = s.connection()
            conn.execute(delete(kb_files).where(kb_files.c.id.in_(list(ids))))  # chunks cascade, fts by trigger
            self._bump(conn, kb_id)

    # -- chunks -----------------------------------------------------------------
    def keyword(self, kb_ids: Sequence[int], query: str, k: int = 20) -> list[tuple[int, float]]:
        """(chunk id, bm25 score, larger is better) of the best ``k`` keyword matches.

        bm25 scores every passage that has any query term, so a term found in more than
        :data:`COMMON_SHARE` of all passages (我们, 什么 …: it hardly tells passages apart) is left out
        of the query, unless every term is that common (then the rarest one is kept). The filter by
        base reads each match's row, so it is skipped when every base is searched."""
        terms = query_terms(query)
        if not terms or not kb_ids:
            return []
        with self.db.connect() as conn:
            terms = self._discriminating(conn, terms)
            where = ""
            if conn.execute(select(func.count(knowledge_bases.c.id))).scalar() > len(set(kb_ids)):
                where = " AND kb_id IN (" + ",".join(str(int(i)) for i in kb_ids) + ")"
            rows = conn.execute(text(
                f"SELECT rowid, bm25(kb_fts) AS r FROM kb_fts WHERE kb_fts MATCH :q{where} ORDER BY r LIMIT :k"),
                {"q": fts_match(terms), "k": k}).all()
        return [(r[0], -float(r[1])) for r in rows]

    @staticmethod
    def _discriminating(conn, terms: list[str]) -> list[str]:
        total = conn.execute(text("SELECT max(id) FROM kb_chunks")).scalar() or 0
        if total < 1000 or len(terms) < 2:
            return terms
        conn.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.kb_fts_vocab USING fts5vocab(main, kb_fts, row)"))
        docs = {t: conn.execute(text("SELECT doc FROM temp.kb_fts_vocab WHERE term = :t"), {"t": t}).scalar() or 0
                for t in terms}
        kept = [t for t in terms if docs[t] <= COMMON_SHARE * total]
        return kept or [min(terms, key=lambda t: docs[t])]

    def chunk_rows(self, ids: Sequence[int]) -> dict:
        """id → chunk row joined with its file's path and hash and its base's uid and name."""
        if not ids:
            return {}
        with self.db.connect() as conn:
            rows = conn.execute(
                select(kb_chunks.c.id, kb_chunks.c.kb_id, kb_chunks.c.heading, kb_chunks.c.page, kb_chunks.c.start,
                       kb_chunks.c.end, kb_chunks.c.text, kb_files.c.path, kb_files.c.sha256, kb_files.c.mtime,
                       knowledge_bases.c.uid, knowledge_bases.c.name)
                .join(kb_files, kb_files.c.id == kb_chunks.c.file_id)
                .join(knowledge_bases, knowledge_bases.c.id == kb_chunks.c.kb_id)
                .where(kb_chunks.c.id.in_(list(ids)))).all()
        return {r.id: r for r in rows}
