"""Knowledge-base work as engine jobs (``ui/engine/jobs.py``'s door): indexing and search may
embed text with a second ``Llama`` (the base's embedding model), so they run on the engine
thread, like every other use of llama.cpp in the window. A base without an embedding model
indexes and searches by keywords only; the job runs there all the same (one path, one order).

Neither job leases the engine: Send stays Send while a folder is indexed. A turn submitted
meanwhile waits for the indexing job to notice its cancel event (between files or batches);
:class:`~aigc_desktop.ui.kb.controller.KbController` sets it when the lease is taken and then
resumes with an incremental sync, so the chat waits for one batch, not for the whole folder.

Events: ``progress`` (done, total, label). Result of :class:`KbIndexJob`: :class:`IndexResult`;
of :class:`KbSearchJob`: the core's list of ``Hit``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aigc_desktop.ui.engine.jobs import Job

ADD, SYNC, MODEL, REMOVE = "add", "sync", "model", "remove"


@dataclass(frozen=True)
class IndexResult:
    name: str
    action: str
    report: dict = field(default_factory=dict)  # the core's SyncReport.to_dict() ({} when it gave none)
    stopped: bool = False  # the cancel event was set: what was indexed so far is kept


class KbIndexJob(Job):
    """Add sources to a base (``paths``), sync it, change its embedding model (``model``: a path
    or name, or None for keyword search only), or remove sources (``paths``; their rows go and
    the base is synced, which may load its embedder), with progress and Stop."""

    kind = "kb-index"
    leases = False
    needs_model = False

    def __init__(self, action: str, name: str, paths: list[str] | None = None, model: str | None = None) -> None:
        super().__init__()
        if action not in (ADD, SYNC, MODEL, REMOVE):
            raise ValueError(action)
        self.action, self.name, self.paths, self.model = action, name, list(paths or ()), model

    def run(self, rt, emit):
        def progress(done: int, total: int, label: str = "") -> None:
            emit("progress", (int(done), int(total), str(label or "")))

        kb, cancel = rt.kb, self.cancel
        if self.action == ADD:
            report = kb.add_sources(self.name, self.paths, progress=progress, cancel=cancel)
        elif self.action == SYNC:
            report = kb.sync(self.name, progress=progress, cancel=cancel)
        elif self.action == REMOVE:
            report = None
            for path in self.paths:
                report = kb.remove_source(self.name, path)
        else:
            report = kb.set_embedding_model(self.name, self.model, progress=progress, cancel=cancel)
        as_dict = report.to_dict() if hasattr(report, "to_dict") else {}
        return IndexResult(self.name, self.action, as_dict, cancel.is_set())


class KbSearchJob(Job):
    """Try a query against one or more bases (the window's search box)."""

    kind = "kb-search"
    leases = False
    needs_model = False

    def __init__(self, names: list[str], query: str, k: int = 8) -> None:
        super().__init__()
        self.names, self.query, self.k = list(names), query, int(k)

    def run(self, rt, emit):
        return list(rt.kb.search(self.names, self.query, k=self.k))
