"""DocumentService: outline, draft, continue and assemble a document.

A section run, in order: the prompt is built (title, brief, the structured
request, the other sections named as exclusions); a new version is stored with
the section ``drafting`` in the same commit, before any token; its text is
checkpointed at a bounded rate (like a chat reply, ``chat/record.py``); it
ends ``done``, ``stopped`` or ``error`` with stats. Every run is a new version,
so regenerating keeps the old text, and a run that stops or fails never takes a
finished version's place in the article (:mod:`aigc_desktop.store.section_runs`;
a Ctrl+C that ends the process mid-run is finished as stopped here). A killed
process leaves the section ``drafting`` with its last checkpoint, and the next
start marks it ``interrupted`` (:meth:`DocumentStore.recover`). Sections share
the document's cache key, and their prompts share a prefix (the title line), so
llama.cpp reuses it.

Any engine writes: a document's ``model`` is a local model or ``provider/model``,
and runs go through the engine router as a chat's turns do (:meth:`engine_for`).
A hybrid model (Qwen3) drafts with its thinking off unless the document turns it
on (``DocumentRecord.thinking``); whatever a model thinks stays in the version's
``stats["reasoning"]``, never in the section's text.

What needs no model (a document from a given outline, a section's prompt, the
assembled article) is plain functions in :mod:`aigc_desktop.writing.article`; the
methods of the same names here delegate to them. Nothing here knows about Qt: the
CLI, the window and the tests drive it.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.kb.grounding import ground_section, section_prompt
from aigc_desktop.i18n import _
from aigc_desktop.llm.protocol import Engine, collect
from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.llm.thinking import REASONING_MAX_TOKENS, default_max_tokens, model_is_hybrid, model_thinks
from aigc_desktop.store.documents import DocumentRecord, DocumentStore, SectionRecord
from aigc_desktop.writing.article import assemble, check_title, create_document, prompt_for
from aigc_desktop.writing.outline import fill_outline, parse_outline
from aigc_desktop.writing.prompts import continuation_text, is_chinese, outline_prompt

log = logging.getLogger(__name__)

from aigc_desktop.chat.record import CHECKPOINT_SECONDS  # noqa: E402 (one value for chat and writing)
from aigc_desktop.writing.statuses import DEFAULT_SECTIONS, to_draft  # noqa: E402 (re-exported)


@dataclass(frozen=True)
class SectionRun(SectionRecord):
    """A section as stored after a run, and how the run went: ``run_status`` (done, stopped,
    error), ``run_version_id`` (the run's own version; None when it added no text and so kept
    none) and ``run_error`` (the message of a failed run). ``status`` and ``text`` stay the
    section's: after a stopped or failed run they are still its finished version's."""

    run_status: str = "done"
    run_version_id: int | None = None
    run_error: str = ""

    @property
    def kept_earlier(self) -> bool:
        """The run stopped or failed and the section kept the version chosen before it."""
        return self.run_status != "done" and self.current_version_id != self.run_version_id


class DocumentService:
    def __init__(self, store: DocumentStore, engine: Engine, *, router=None,
                 checkpoint_seconds: float = CHECKPOINT_SECONDS, kb=None) -> None:
        self.store = store
        self.kb = kb  # kb/service.KnowledgeBaseService: a document's knowledge bases ground its sections
        self.engine = engine
        self.router = router  # providers/router.EngineRouter: a document's provider/model; None: ``engine`` writes all
        self.checkpoint_seconds = checkpoint_seconds

    # -- engines --------------------------------------------------------------------
    def engine_for(self, model: str | None, load: Callable[[str], object] | None = None) -> Engine:
        """The engine that writes with ``model``: a provider's model through the router, else the local
        engine. With ``load(path)``, a local ``model`` other than the loaded one is loaded first (the CLI,
        the window's document job); without it, loading stays the caller's."""
        engine = self.router.engine_for(model) if self.router is not None else self.engine
        if load is None or not model or getattr(engine, "kind", "local") == "remote":
            return engine
        loaded = engine.model
        if loaded is not None and str(loaded.path) == model:
            return engine
        from aigc_desktop.hub.library import resolve_model

        path = resolve_model(model)
        if not Path(path).exists():
            raise UserError(_("No installed model is named “{name}” and no such file exists; "
                              "`python -m aigc_desktop models list` shows the installed ones.").format(name=model))
        if loaded is None or Path(loaded.path).resolve() != Path(path).resolve():
            load(str(path))
        return engine

    def sampling_for(self, doc: DocumentRecord, engine: Engine | None = None,
                     sampling: SamplingParams | None = None) -> SamplingParams:
        """What ``doc``'s sections are drafted with: ``sampling`` (default: a larger max tokens for a
        model that thinks, ``llm/thinking.py``) and, unless it says, the document's thinking switch."""
        if sampling is None:
            engine = engine or self.engine_for(doc.model)
            sampling = SamplingParams(max_tokens=default_max_tokens(engine.model, SamplingParams().max_tokens))
        return sampling if sampling.thinking is not None else sampling.merged(thinking=doc.thinking)

    # -- documents ----------------------------------------------------------------
    def new(self, title: str, brief: str = "", outline: list[str] | None = None, n: int | None = None, *,
            model: str | None = None, sampling: SamplingParams | None = None,
            cancel: threading.Event | None = None) -> DocumentRecord:
        """A document with the given outline (:func:`article.create_document`), or one of ``n``
        sections the model proposes."""
        check_title(title)
        if outline is None:
            outline = self.propose_outline(title, brief, n or DEFAULT_SECTIONS, sampling=sampling, cancel=cancel,
                                           model=model)
        return create_document(self.store, title, brief, outline, model=model)

    def propose_outline(self, title: str, brief: str, n: int, *, sampling: SamplingParams | None = None,
                        cancel: threading.Event | None = None, model: str | None = None) -> list[str]:
        """Exactly ``n`` section titles: the model's (parsed out of whatever shape it answers in), padded
        with numbered placeholders (「第四部分」, "Part 4") for the person to rename when it gave fewer.

        A cancelled request still raises rather than giving a document of placeholders. A hybrid
        model proposes with its thinking off; one that always thinks gets room for its thinking.
        """
        engine = self.engine_for(model)
        base = sampling or SamplingParams()
        room = 40 * n + 40
        if model_thinks(engine.model) and not model_is_hybrid(engine.model):
            room += REASONING_MAX_TOKENS
        params = base.merged(max_tokens=min(base.max_tokens, room) if sampling else room,
                             thinking=False if base.thinking is None else None)
        messages = [{"role": "user", "content": outline_prompt(title, brief, n)}]
        text, _stats = collect(engine.stream_chat(messages, params, cancel))
        titles = parse_outline(text, n)
        if not titles and cancel is not None and cancel.is_set():
            raise UserError(_("The model gave no usable outline; give the section titles yourself."))
        return fill_outline(titles, n, chinese=is_chinese(title, brief))

    def prompt_for(self, doc: DocumentRecord, section: SectionRecord) -> str:
        """:func:`article.prompt_for` (kept here for callers that hold the service)."""
        return prompt_for(doc, section)

    # -- drafting -------------------------------------------------------------------
    def draft(self, doc_id: int, section: int | None = None, *, redo: bool = False,
              on_delta: Callable[[SectionRecord, str], None] | None = None,
              on_start: Callable[[SectionRecord], None] | None = None,
              cancel: threading.Event | None = None,
              sampling: SamplingParams | None = None) -> list[SectionRun]:
        """Draft section number ``section`` (a new version), or every section without a finished
        version (``redo``: every section).

        Stops after the current section when ``cancel`` is set. Returns the runs, in order.
        """
        doc = self.store.get(doc_id)
        targets = [self.store.section(doc_id, section)] if section is not None else to_draft(doc.sections, redo=redo)
        engine = self.engine_for(doc.model)
        params = self.sampling_for(doc, engine, sampling)
        done: list[SectionRun] = []
        for sec in targets:
            if cancel is not None and cancel.is_set():
                break
            if on_start:
                on_start(sec)
            done.append(self._run(engine, doc, sec, on_delta, cancel, params))
        return done

    def continue_section(self, doc_id: int, section: int, *, max_tokens: int = 256,
                         on_delta: Callable[[SectionRecord, str], None] | None = None,
                         cancel: threading.Event | None = None,
                         sampling: SamplingParams | None = None) -> SectionRun:
        """续写: the section's text carried on by raw completion (no chat template), as a new version."""
        doc = self.store.get(doc_id)
        sec = self.store.section(doc_id, section)
        raw = continuation_text(doc.title, sec.title, sec.text)
        params = (sampling or SamplingParams()).merged(max_tokens=max_tokens)
        stream = self.engine_for(doc.model).complete(raw, params, cancel, cache_key=f"doc:{doc_id}")
        return self._consume(sec, stream, prompt=raw, prefix=sec.text, on_delta=on_delta, cancel=cancel,
                             extra={"mode": "continue", "prefix_chars": len(sec.text)})

    def _run(self, engine: Engine, doc: DocumentRecord, sec: SectionRecord, on_delta, cancel,
             sampling: SamplingParams) -> SectionRun:
        prompt = self.prompt_for(doc, sec)
        grounding = ground_section(self.kb, doc.kbs, sec.title, sec.notes, prompt, engine, sampling.max_tokens,
                                   chinese=is_chinese(doc.title, doc.brief, sec.title))
        prompt = section_prompt(prompt, grounding)  # the passages, numbered, after the shared prompt
        messages = [{"role": "user", "content": prompt}]
        stream = engine.stream_chat(messages, sampling, cancel, cache_key=f"doc:{doc.id}")
        extra = {"mode": "draft"} if sampling.thinking is None else {"mode": "draft", "thinking": sampling.thinking}
        run = self._consume(sec, stream, prompt=prompt, prefix="", on_delta=on_delta, cancel=cancel, extra=extra)
        if grounding.citations and run.run_version_id is not None:
            self.store.set_version_citations(run.run_version_id, grounding.citations)
            run = dataclasses.replace(run, citations=grounding.citations) if run.current_version_id == \
                run.run_version_id else run
        return run

    def _consume(self, sec: SectionRecord, stream, *, prompt: str, prefix: str, on_delta, cancel,
                 extra: dict) -> SectionRun:
        """Store a run as a new version: drafting first, checkpoints, then the final status
        (the chat's own :func:`~aigc_desktop.chat.record.record_stream`)."""
        from aigc_desktop.chat.record import record_stream

        version = self.store.begin_run(sec.id, prefix, prompt=prompt, stats=extra)
        pieces: list[str] = []
        kept: list[bool] = []

        def on_text(piece: str) -> None:
            pieces.append(piece)
            if on_delta:
                on_delta(sec, piece)

        def finish(text: str, status: str, stats: dict, reasoning: str) -> None:
            # A section's text is the answer only; the thinking stays with the version's stats.
            stats = {**stats, "reasoning": reasoning} if reasoning else stats
            kept.append(self.store.finish_run(sec.id, version.id, text, stats, status, prefix=prefix))

        try:
            recorded = record_stream(
                stream, checkpoint=lambda text, _reasoning: self.store.update_version(version.id, text=text),
                finish=finish,
                on_text=on_text, cancel=cancel, prefix=prefix, stats=extra, every=self.checkpoint_seconds,
                what=f"section {sec.id}",
            )
        except BaseException:  # KeyboardInterrupt: a second Ctrl+C in the terminal ends the run as stopped
            if not kept:
                self.store.finish_run(sec.id, version.id, prefix + "".join(pieces), dict(extra), "stopped",
                                      prefix=prefix)
            raise
        if not recorded.saved:  # a full disk at the end: the last checkpoint is kept, the person is told
            raise UserError(recorded.save_error)
        after = self.store.section(sec.document_id, sec.index)
        return SectionRun(**{f.name: getattr(after, f.name) for f in fields(SectionRecord)},
                          run_status=recorded.status, run_version_id=version.id if kept and kept[0] else None,
                          run_error=recorded.stats.get("error", ""))

    # -- assembly -------------------------------------------------------------------
    def assemble(self, doc_id: int, *, toc: bool | None = None, lead: str | None = None) -> str:
        """:func:`article.assemble` on this service's store."""
        return assemble(self.store, doc_id, toc=toc, lead=lead)
