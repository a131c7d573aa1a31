"""KnowledgeBaseService (``rt.kb``): what the CLI and the window do with knowledge bases.

Knowledge bases are named, keep their sources (files and folders) and optionally an embedding
model. ``add_sources`` and ``sync`` index incrementally (:mod:`.sync`); ``search`` is hybrid
(:mod:`.retrieve`). Embedders are made by ``embedder_factory(choice)`` (a
:class:`~aigc_desktop.llm.embedder.LlamaEmbedder` by default) and kept per model. Whoever calls
the service owns the thread its embedders run on: the CLI calls it directly; the window calls
it only from engine jobs (``ui/kb/jobs.py``: indexing and search, and a grounded turn's
retrieval inside ``ChatService``), so the embedding ``Llama`` lives on the engine thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.kb.index import KbIndex
from aigc_desktop.kb.models import EmbeddingChoice, resolve_embedding_model
from aigc_desktop.kb.records import Hit, KbFile, KbInfo, SyncReport
from aigc_desktop.kb.retrieve import Retriever
from aigc_desktop.kb.sync import Progress, embed_missing, sync_kb
from aigc_desktop.kb.vectors import VectorStore
from aigc_desktop.store.db import Database


def llama_embedder(choice: EmbeddingChoice):
    from aigc_desktop.llm.embedder import LlamaEmbedder

    return LlamaEmbedder(choice.path, pooling=choice.pooling)


class KnowledgeBaseService:
    def __init__(self, db: Database, *, embedder_factory: Callable[[EmbeddingChoice], object] | None = None,
                 resolve: Callable[[str], EmbeddingChoice] = resolve_embedding_model) -> None:
        self.index = KbIndex(db)
        self.vectors = VectorStore(db)
        self.embedder_factory = embedder_factory or llama_embedder
        self.resolve = resolve
        self._embedders: dict[str, object] = {}
        self._lock = threading.Lock()
        self.retriever = Retriever(self.index, self.vectors, self.embedder_for)

    # -- embedders --------------------------------------------------------------
    def embedder_for(self, model: str):
        """The embedder for a base's stored model name (made once, kept)."""
        with self._lock:
            emb = self._embedders.get(model)
            if emb is None:
                emb = self._embedders[model] = self.embedder_factory(self.resolve(model))
            return emb

    def close(self) -> None:
        with self._lock:
            for emb in self._embedders.values():
                close = getattr(emb, "close", None)
                if close:
                    close()
            self._embedders.clear()

    # -- bases ------------------------------------------------------------------
    def create(self, name: str, embedding_model: str | None = None) -> KbInfo:
        stored = self.resolve(embedding_model).stored if embedding_model else None
        return self.index.infos(self.index.create(name, stored))[0]

    def list(self) -> list[KbInfo]:
        return self.index.infos()

    def get(self, name_or_id) -> KbInfo:
        return self.index.find(name_or_id)

    def remove(self, name) -> None:
        kb = self.get(name)
        self.index.delete(kb.id)
        self.vectors.forget(kb.id)

    # -- sources and files --------------------------------------------------------
    def add_sources(self, name, paths: Sequence[str | Path], *, progress: Progress | None = None,
                    cancel: threading.Event | None = None) -> SyncReport:
        """Add files or folders (read recursively) and index what is new."""
        kb = self.get(name)
        clean = []
        for p in paths:
            path = Path(p).expanduser()
            if not path.exists():
                raise UserError(_("{path} does not exist.").format(path=p))
            clean.append(str(path.resolve()))
        if not clean:
            raise UserError(_("Give at least one file or folder to add."))
        self.index.add_sources(kb.id, clean)
        return self.sync(kb.id, progress=progress, cancel=cancel)

    def remove_source(self, name, path: str | Path) -> SyncReport:
        """Stop using a source; its files' rows go."""
        kb = self.get(name)
        wanted = str(Path(path).expanduser().resolve())
        if not (self.index.remove_source(kb.id, wanted) or self.index.remove_source(kb.id, str(path))):
            raise UserError(_("{path} is not a source of “{name}”.").format(path=path, name=kb.name))
        return self.sync(kb.id)

    def files(self, name) -> list[KbFile]:
        return self.index.files(self.get(name).id)

    def sync(self, name, *, progress: Progress | None = None, cancel: threading.Event | None = None) -> SyncReport:
        kb = self.get(name)
        return sync_kb(self.index, self.vectors, kb, self.embedder_for, progress=progress, cancel=cancel)

    def set_embedding_model(self, name, model: str | None, *, progress: Progress | None = None,
                            cancel: threading.Event | None = None) -> SyncReport:
        """Use another embedding model (None: keyword search only); every passage is embedded again,
        with progress and Stop (what was embedded stays; the next sync embeds the rest)."""
        kb = self.get(name)
        stored = self.resolve(model).stored if model else None
        self.index.set_model(kb.id, stored)
        self.vectors.forget(kb.id)
        kb = self.get(kb.id)
        report = SyncReport(unchanged=kb.files)
        if stored:
            report.embedded = embed_missing(self.vectors, kb, self.embedder_for(stored), progress=progress,
                                            cancel=cancel)
            report.cancelled = bool(cancel is not None and cancel.is_set())
        if not report.cancelled:
            self.vectors.sweep(kb.id, stored)
        return report

    # -- search -----------------------------------------------------------------
    def search(self, names_or_ids, query: str, k: int = 8) -> list[Hit]:
        """The best ``k`` passages over these bases (a name, uid or id, or a list of them)."""
        if isinstance(names_or_ids, (str, int)):
            names_or_ids = [names_or_ids]
        kbs = [self.index.find(n, counts=False) for n in names_or_ids]
        return self.retriever.search(kbs, query, k)

    def warm(self) -> int:
        """Read every base's vectors into its cached matrix now (200,000 passages take seconds), so the
        first search after start does not wait for it; returns the rows read. Any thread."""
        rows = 0
        for kb in self.index.infos(counts=False):
            if kb.embedding_model:
                rows += len(self.vectors.matrix(kb.id, kb.embedding_model, self.index.stamp(kb.id))[0])
        return rows

    def known(self, uids: Sequence[str]) -> list[KbInfo]:
        """The bases of these uids that still exist (a chat may name one deleted since)."""
        out = []
        for uid in uids:
            try:
                out.append(self.index.find(uid, counts=False))
            except UserError:
                continue
        return out
