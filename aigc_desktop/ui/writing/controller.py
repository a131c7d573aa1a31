"""The writing studio's controller: which document and section are open, the outline's
edits, and the runs (outline, draft, draft all, continue) on the engine thread.

Runs are document jobs (:class:`~aigc_desktop.ui.engine.jobs.DocumentJob`) submitted through the
engine client, so the runtime's :class:`~aigc_desktop.writing.service.DocumentService`
drives the same ``Llama`` the chat uses on the engine thread. A run holds the engine's
lease like a chat turn (so Send, Regenerate, switching chats, Compare and model switches
all refuse while it writes, and the composer's Stop and Esc stop it too), and a run is
refused while anything else holds it.

The outline's edits are :class:`~aigc_desktop.ui.writing.outline_actions.OutlineActions`
(``self.outline``), Copy / Export :class:`~aigc_desktop.ui.writing.article.ArticleActions`
(``self.article``) and the lead, contents, notes and section prompt
:class:`~aigc_desktop.ui.writing.document_options.DocumentOptions` (``self.options``), each a
controller of its own, built with this controller and the widgets it uses.

Built with what it uses, not the window: the runtime holder, the engine client, the studio,
the sidebar (its Chats | Documents switch and document list), the status bar's task
progress, the banner and the prompts. It listens to the studio's and the sidebar's requests
itself; which page the window shows it announces (``modeShown``).

Signals of DocumentController:
    opened(int document_id)                  a document is shown (-1: none)
    modeShown(str mode)                      "chats" or "documents": the window shows the chat or the studio
    runFinished(int document_id, str kind)   a run ended (kind: new, draft, draft_all, continue;
                                             document_id -1 when it could not start or made nothing)
    exported(str path)                       the article was written to a file
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.store.changes import touches
from aigc_desktop.ui.writing import article
from aigc_desktop.ui.writing.document_job import StudioDocumentJob
from aigc_desktop.ui.writing.document_options import DocumentOptions
from aigc_desktop.ui.writing.outline_actions import OutlineActions
from aigc_desktop.ui.writing.run_notes import after_run
from aigc_desktop.writing.statuses import DEFAULT_SECTIONS, to_draft


class DocumentController(QObject):
    opened = Signal(int)
    modeShown = Signal(str)
    runFinished = Signal(int, str)
    exported = Signal(str)

    def __init__(self, ctx, engine, studio, sidebar, task_progress, banner, prompts,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.client = ctx, engine
        self.studio, self.sidebar, self.banner, self.prompts = studio, sidebar, banner, prompts
        self.current_id: int | None = None
        self.section_index: int | None = None  # 1-based, the section shown
        self.running: str | None = None  # the kind of run in progress
        self.job = None  # the run's handle
        self.draft_max_tokens: int | None = None  # None: the model's default (larger for one that thinks)
        self._steps = (0, 0)  # draft all: sections started, sections to write
        self._live_section: int | None = None  # section id being written
        self.article = article.ArticleActions(self, studio, task_progress, banner, prompts, self)
        self.outline = OutlineActions(self, banner, prompts, self)
        self.options = DocumentOptions(self, studio, banner, prompts, self)
        self.article.exported.connect(self.exported)
        self._connect(studio, sidebar)

    @property
    def rt(self):
        return self.ctx.rt

    @property
    def store(self):
        """The runtime's document store."""
        return self.rt.documents

    def _connect(self, studio, side) -> None:
        """The studio's and the sidebar's requests come here."""
        side.modeChanged.connect(self.show_mode)
        side.documents.documentSelected.connect(self.open)
        side.documents.newRequested.connect(self.new_document)
        side.documents.renamed.connect(self.rename)
        side.documents.deleteRequested.connect(self.delete)
        studio.newRequested.connect(self.new_document)
        studio.draftAllRequested.connect(self.draft_all)
        studio.redoAllRequested.connect(self.redraft_all)
        studio.stopRequested.connect(self.stop)
        studio.copyRequested.connect(self.copy_article)
        studio.exportRequested.connect(self.export)
        o, s = studio.outline, studio.section
        o.sectionSelected.connect(self.select_section)
        o.renamed.connect(self.outline.rename_section)
        o.addRequested.connect(self.outline.add_section)
        o.deleteRequested.connect(self.outline.delete_section)
        o.moveRequested.connect(self.outline.move_section)
        s.draftRequested.connect(self.draft_section)
        s.continueRequested.connect(self.continue_section)
        s.stopRequested.connect(self.stop)
        s.versionStepRequested.connect(self.step_version)
        s.saveEditRequested.connect(self.save_edit)
        s.rateRequested.connect(self.rate)
        self.options.connect(studio)

    @Slot()
    def show_chats(self) -> None:
        self.show_mode("chats")

    @Slot()
    def search_chats(self) -> None:
        """Ctrl+F: the chats' search box, switching back from the studio (its box is on the Chats page)."""
        if self.sidebar.mode == "documents":
            self.show_chats()
        self.sidebar.focus_search()

    # -- showing ------------------------------------------------------------------------
    @Slot(str)
    def show_mode(self, mode: str) -> None:
        """The sidebar's Chats | Documents switch: the chat or the studio in the window's stack."""
        self.sidebar.set_mode(mode)
        self.modeShown.emit(mode)
        if mode == "documents" and self.rt is not None:
            docs = self.store.list()
            if self.current_id is None and docs:
                self.open(docs[0].id)
            else:
                self.refresh_list()

    @Slot(object)
    def on_changes(self, change) -> None:
        """The change bus: the document list follows new, renamed and deleted documents and sections."""
        if self.rt is not None and (touches(change, "documents") or touches(change, "sections", "insert", "delete")):
            self.refresh_list()

    def refresh_list(self) -> None:
        self.sidebar.documents.set_documents(self.store.list(), self.current_id)

    @Slot(int)
    def open(self, doc_id: int) -> bool:
        if self.running and doc_id != self.current_id:
            self.sidebar.documents.select(self.current_id)
            self.banner.show_info(_("A section is being written. Stop it first to open another document."),
                                  tag="busy")
            return False
        self.keep_edit()
        try:
            doc = self.store.get(doc_id)
        except UserError:
            self.current_id = None
            self.refresh_list()
            self.studio.show_document(None)
            return False
        if doc_id != self.current_id:
            self.section_index = 1 if doc.sections else None
            self.options.show(doc)
        self.current_id = doc_id
        self.refresh_list()
        self.reload()
        self.opened.emit(doc_id)
        return True

    def reload(self):
        """Show the open document as the store has it now; returns its record."""
        studio = self.studio
        if self.current_id is None:
            studio.show_document(None)
            return None
        doc = self.store.get(self.current_id)
        studio.show_document(doc)
        if self.section_index is not None and not 1 <= self.section_index <= len(doc.sections):
            self.section_index = len(doc.sections) or None
        studio.outline.set_sections(doc.sections, self.section_index)
        self._show_section(doc)
        return doc

    def _show_section(self, doc) -> None:
        view = self.studio.section
        sec = doc.sections[self.section_index - 1] if self.section_index else None
        if sec is None:
            view.show_section(None, 0, 0)
            return
        kept = self.store.versions(sec.id)
        ids = [v.id for v in kept]
        position = ids.index(sec.current_version_id) + 1 if sec.current_version_id in ids else len(ids)
        thought = next(((v.stats or {}).get("reasoning", "") for v in kept if v.id == sec.current_version_id), "")
        view.show_section(sec, position, len(ids), getattr(sec, "rating", None), thought)
        if self.running and sec.id == self._live_section:
            view.begin_live()

    def current_section(self):
        if self.current_id is None or self.section_index is None:
            return None
        return self.store.section(self.current_id, self.section_index)

    @Slot(int)
    def select_section(self, index: int) -> None:
        if index == self.section_index:
            return
        self.keep_edit()
        self.section_index = index
        doc = self.store.get(self.current_id)
        outline = self.studio.outline.list
        if outline.currentRow() != index - 1:  # chosen from code: the outline shows it too
            outline.setCurrentRow(index - 1)
        self._show_section(doc)

    def keep_edit(self) -> None:
        """A hand edit left unsaved when the person moves on is kept as a version (nothing lost)."""
        text = self.studio.section.edited_text()
        sec = self.studio.section.section
        if text is not None and sec is not None and not self.running:
            try:
                self.store.add_version(sec.id, text, stats={"mode": "edit"}, status="done")
            except UserError as exc:
                self.banner.show_error(str(exc))
                return
            self.studio.outline.show_status(sec.index, "done")  # the view moves on: its icon must not lag

    # -- documents ------------------------------------------------------------------------
    @Slot()
    def new_document(self) -> None:
        """Ctrl+Shift+N: the New document dialog, then the document (outline proposed by the model or typed)."""
        from aigc_desktop.ui.writing.new_document import NewDocumentDialog

        dialog = NewDocumentDialog(self.studio.window())
        if not self.prompts.run_dialog(dialog):
            return
        self.create(dialog.title.text(), dialog.brief.toPlainText(), dialog.titles(), dialog.count.value())

    def create(self, title: str, brief: str = "", outline: list[str] | None = None,
               n: int = DEFAULT_SECTIONS) -> bool:
        """With ``outline`` the document is made at once; without, the model proposes ``n`` sections."""
        from aigc_desktop.writing.article import create_document

        self.show_mode("documents")
        if outline is not None:
            try:
                doc = create_document(self.store, title, brief, outline, model=self.options.default_model())
            except UserError as exc:
                self.banner.show_error(str(exc))
                return False
            self.open(doc.id)
            return True
        if not title.strip():
            self.banner.show_error(_("The document needs a title."))
            return False
        return self._start("new", -1, 0, title=title.strip(), brief=brief.strip(), n=int(n),
                           model=self.options.default_model())

    @Slot(int, str)
    def rename(self, doc_id: int, title: str) -> None:
        self.store.update(doc_id, title=title)
        if doc_id == self.current_id:
            self.reload()
        self.refresh_list()

    @Slot(int)
    def delete(self, doc_id: int) -> None:
        if self.running and doc_id == self.current_id:
            self.banner.show_info(_("A section is being written. Stop it first to delete the document."),
                                  tag="busy")
            return
        title = self.store.get(doc_id).title
        if not self.prompts.confirm(_("Delete document"), _("Delete “{title}” and all its sections? "
                                                            "This cannot be undone.").format(title=title)):
            return
        self.store.delete(doc_id)
        if doc_id == self.current_id:
            self.current_id = None
            docs = self.store.list()
            if docs:
                self.open(docs[0].id)
                return
            self.studio.show_document(None)
        self.refresh_list()

    # -- versions --------------------------------------------------------------------------
    @Slot(int)
    def step_version(self, step: int) -> None:
        sec = self.current_section()
        if sec is None or self.running:
            return
        ids = [v.id for v in self.store.versions(sec.id)]
        if sec.current_version_id not in ids:
            return
        i = ids.index(sec.current_version_id) + step
        if 0 <= i < len(ids):
            self.store.select_version(sec.id, ids[i])
            self.reload()

    @Slot(str)
    def save_edit(self, text: str) -> None:
        """A hand edit becomes a new version (the model's text stays one ‹ away)."""
        sec = self.current_section()
        if sec is None or self.running:
            return
        self.store.add_version(sec.id, text, stats={"mode": "edit"}, status="done")
        self.reload()

    @Slot(str)
    def rate(self, rating: str) -> None:
        sec = self.current_section()
        if sec is None or sec.current_version_id is None:
            return
        self.store.rate_version(sec.current_version_id, rating or None)
        self.reload()

    # -- runs -----------------------------------------------------------------------------
    def _start(self, kind: str, doc_id: int, section: int, **options) -> bool:
        if self.client.busy:
            self.banner.show_info(_("A section is being written.") if self.running else
                                  _("A reply is being written in the chat. Stop it first, then write."), tag="busy")
            return False
        self.keep_edit()
        options.setdefault("max_tokens", self.draft_max_tokens)
        job = self.client.job(StudioDocumentJob(kind, doc_id, section, **options))  # with the document's model
        job.on("section", self._on_section_started).keyed_delta(self._on_delta)
        job.success(lambda result: self._on_finished(kind, result)).failure(lambda msg: self._on_failed(kind, msg))
        self.running = kind  # before submit: a refusal reaches _on_failed at once
        if job.submit() is None:
            return False
        self.job = job
        self.banner.clear_note()
        steps = 0
        if kind == "draft_all":
            steps = len(to_draft(self.store.get(doc_id).sections, redo=bool(options.get("redo"))))
        self._steps = (0, steps)
        self.studio.set_busy(True, steps)
        if kind == "new":
            self.studio.set_progress_text(_("The model is proposing an outline…"))
        return True

    @Slot()
    def draft_all(self, redo: bool = False) -> bool:
        """Draft every section without finished text (``redo``: every section; each keeps its
        finished text unless the new one finishes)."""
        doc = self.store.get(self.current_id) if self.current_id is not None else None
        if doc is None:
            return False
        if not to_draft(doc.sections, redo=redo):
            self.banner.show_info(_("Every section has finished text. To write one again, use Regenerate; "
                                    "to write them all again, ▾ beside Draft all: Redo finished sections too."))
            return False
        return self._start("draft_all", doc.id, 0, redo=redo)

    @Slot()
    def redraft_all(self) -> bool:
        return self.draft_all(redo=True)

    @Slot()
    def draft_section(self) -> bool:
        """Draft the shown section; with text already there this is Regenerate (a new version)."""
        if self.section_index is None:
            return False
        return self._start("draft", self.current_id, self.section_index)

    @Slot(int)
    def continue_section(self, max_tokens: int) -> bool:
        sec = self.current_section()
        if sec is None or not sec.text.strip():
            return False
        return self._start("continue", self.current_id, self.section_index, max_tokens=int(max_tokens))

    @Slot()
    def stop(self) -> None:
        if self.running and self.job is not None:
            self.job.cancel()

    def _on_section_started(self, value) -> None:
        doc_id, section_id = value
        self._live_section = section_id
        done, total = self._steps
        self._steps = (done + 1, total)
        if doc_id != self.current_id:
            return
        doc = self.store.get(doc_id)
        index = next((s.index for s in doc.sections if s.id == section_id), None)
        self.section_index = index or self.section_index  # follow the writing
        self.reload()
        if index is not None:  # the store may not say "drafting" yet (the run adds its version next)
            self.studio.outline.show_status(index, "drafting")
        self.studio.section.begin_live("" if self.running in ("draft", "draft_all") else None)
        if total:
            self.studio.show_progress(done, total, _("Writing section {n} of {total}…").format(
                n=done + 1, total=total))
        else:
            self.studio.set_progress_text(_("Writing…"))

    def _on_delta(self, section_id: int, text: str) -> None:
        view = self.studio.section
        if view.section is not None and view.section.id == section_id:
            view.append_live(text)

    def _end_run(self) -> str | None:
        kind, self.running, self._live_section = self.running, None, None
        self.job = None
        self.studio.set_busy(False)
        return kind

    def _on_finished(self, kind: str, result: dict) -> None:
        doc_id = int(result.get("document_id", -1))
        self._end_run()
        if kind == "new":
            if doc_id >= 0:
                self.current_id = None
                self.open(doc_id)
                self.banner.show_info(_("Here is the proposed outline. Rename, add, delete or reorder sections, "
                                        "then Draft all."))
            else:
                self.banner.show_info(_("Stopped: no document was made."))
        else:
            if doc_id == self.current_id:
                self.reload()
            note = after_run(kind, result, self.store)
            if note is not None:
                (self.banner.show_error if note[0] == "error" else self.banner.show_info)(note[1])
            self.refresh_list()
        self.runFinished.emit(doc_id, kind)

    def _on_failed(self, kind: str, message: str) -> None:
        started = self.job is not None
        self._end_run()
        if started:
            self.reload()
        self.banner.show_error(message)
        self.runFinished.emit(-1, kind)

    # -- the article ---------------------------------------------------------------------------
    @Slot()
    def copy_article(self) -> None:
        self.article.copy()

    @Slot()
    def export(self):
        return self.article.export()

    # -- look ---------------------------------------------------------------------------------
    def set_theme(self, palette) -> None:
        self.studio.set_theme(palette)
        self.sidebar.set_theme(palette)
        if self.rt is not None:
            self.refresh_list()  # the documents' icons, drawn in the old colours, too
            if self.current_id is not None and not self.running:
                self.reload()  # the outline's status icons take the new colours
