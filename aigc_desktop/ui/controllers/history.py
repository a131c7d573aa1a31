"""Actions over stored history: search, import, export.

Nothing here runs on the GUI thread but the widget updates:
- Search is debounced (``SEARCH_PAUSE_MS`` after the last keystroke) and runs as a
  background op; a newer query cancels the older one, whose result is dropped.
- Import and export of everything run as background ops with a progress bar and
  Cancel in the status bar (:class:`~aigc_desktop.ui.task_progress.TaskProgress`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal, Slot

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import N_, _, ngettext
from aigc_desktop.ui.controllers.base import Controller
from aigc_desktop.ui.tasks import Latest, op

SEARCH_PAUSE_MS = 250


class HistoryActions(Controller):
    """Signals: searched(int hits) after hits are shown; imported(int n) after an import;
    exported(str path) after one conversation was written."""

    searched = Signal(int)
    imported = Signal(int)
    exported = Signal(str)

    def __init__(self, window) -> None:
        super().__init__(window)
        self._query = ""
        self._search = Latest()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_PAUSE_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.last_import: list[int] = []

    # -- search -------------------------------------------------------------------------
    @Slot(str)
    def search_typed(self, query: str) -> None:
        """The search box changed: search once typing pauses ("" clears at once)."""
        self._query = query.strip()
        if not self._query:
            self._search_timer.stop()
            self._search.cancel()
            self.win.sidebar.show_results([])
            return
        self._search_timer.start()

    def search_now(self, query: str | None = None):
        """Search without waiting for the pause (Enter, tests); returns the op."""
        if query is not None:
            self._query = query.strip()
        self._search_timer.stop()
        return self._run_search()

    @Slot()
    def _run_search(self):
        from aigc_desktop.store.search import search

        if not self._query or self.rt is None:
            return None
        task = op(self, search, self.rt.db, self._query, limit=100)
        task.success(self._show_hits).failure(self.win.banner.show_error)
        return self._search.start(task)

    def _show_hits(self, hits) -> None:
        self.win.sidebar.show_results(hits)
        self.searched.emit(len(hits))

    def refresh_search(self):
        """Hits shown beside the chats must not point at what was just deleted or edited."""
        if self.win.sidebar.search.text().strip():
            return self.search_now(self.win.sidebar.search.text())
        return None

    @Slot(int, int)
    def open_result(self, conversation_id: int, message_id: int) -> None:
        win = self.win
        if win.turns.busy:
            win.banner.show_info(_("A reply is still being written. Stop it first to open a search result."), tag="busy")
            return
        other_version = False
        try:
            if message_id >= 0:
                self.rt.store.get_message(message_id)  # gone since the search ran: say so below
                branch_ids = {m.id for m in self.rt.store.branch(conversation_id)}
                other_version = message_id not in branch_ids
            else:
                self.rt.store.get(conversation_id)
        except UserError:  # deleted since the search ran (here or in another window)
            win.banner.show_info(_("That message or chat no longer exists."))
            self.refresh_search()
            return
        if other_version:
            # Switching versions changes what the chat shows, continues from and exports:
            # never without asking.
            if not win.prompts.confirm(
                    _("Open another version"),
                    _("This match is in another version of the chat (an edited or regenerated message). "
                      "Switch the chat to that version? Later messages of the version you are on stay "
                      "saved; ‹ › on a message switches back.")):
                win.conversations.open(conversation_id)
                return
            self.rt.store.set_current_leaf(conversation_id, message_id)
        win.conversations.current_id = None
        win.conversations.open(conversation_id)
        if message_id >= 0:
            win.chat.scroll_to_message(message_id)
            w = win.chat.widget_for(message_id)
            if w is not None:
                # Only the message's own frame (its text view is a QFrame too).
                w.setStyleSheet(f"QFrame#{w.objectName()} {{ border: 2px solid #bf8700; border-radius: 8px; }}")

    # -- import -------------------------------------------------------------------------
    @Slot()
    def import_chats(self):
        from aigc_desktop.importers import import_file

        if self.win.task_progress.running:
            self.win.banner.show_info(_("Another import or export is still running."))
            return None
        path = self.win.prompts.ask_open_path(_("Import chats"), _("Chat exports (*.json)") + ";;" + _("All files (*)"))
        if not path:
            return None
        task = op(self, _import_task, import_file, self.rt.store, Path(path))
        task.success(self._imported).failure(self.win.banner.show_error)
        self._import_name = Path(path).name
        self.win.task_progress.start(task, _("Importing {name}…").format(name=Path(path).name))
        return task.run()

    def _imported(self, ids) -> None:
        self.last_import = list(ids)
        win = self.win
        win.conversations.refresh_sidebar()
        if ids:
            win.conversations.open(ids[0])
        skipped = getattr(ids, "skipped", 0)
        n = len(ids)
        if skipped:
            text = ngettext("Imported {n} conversation from {name}. {skipped} were already in your history "
                            "and were skipped.", "Imported {n} conversations from {name}. {skipped} were already "
                            "in your history and were skipped.", n)
        else:
            text = ngettext("Imported {n} conversation from {name}.", "Imported {n} conversations from {name}.", n)
        win.banner.show_info(text.format(n=n, name=self._import_name, skipped=skipped))
        self.imported.emit(n)

    # -- export -------------------------------------------------------------------------
    def export_current(self, fmt: str | None = None) -> Path | None:
        """Ask where (the dialog's file types are the formats) and export the open chat.

        The format is the typed extension if it names one, else the chosen file type.
        Markdown and JSON are written at once; HTML, Word and PDF (a PDF loads a font of
        several MB) are written by a background op, returned as ``self.last_export``."""
        from aigc_desktop.export.files import FORMATS, format_for_path
        from aigc_desktop.export.markdown import safe_filename

        win = self.win
        current = win.conversations.current_id
        if current is None:
            win.banner.show_info(_("Open a conversation to export it."))
            return None
        conv = self.rt.store.get(current)
        fmt = fmt or "md"
        filters = [_(label) for _key, label in EXPORT_FILTERS]
        chosen_key = next((i for i, (key, _label) in enumerate(EXPORT_FILTERS) if key.split(":")[0] == fmt), 0)
        suggested = str(Path.home() / safe_filename(conv.title, conv.id, fmt))
        path = win.prompts.ask_save_path(_("Export conversation"), suggested, ";;".join(filters), filters[chosen_key])
        if not path:
            return None
        picked = getattr(win.prompts, "selected_filter", "")
        key = EXPORT_FILTERS[filters.index(picked)][0] if picked in filters else EXPORT_FILTERS[chosen_key][0]
        fmt, _sep, page = key.partition(":")
        typed = Path(path).suffix.lower().lstrip(".")
        if typed and format_for_path(Path(path), "") in FORMATS:
            fmt = format_for_path(Path(path))
        else:
            path = f"{path}.{fmt}"
        self.last_export = None
        if fmt in ("md", "json"):
            return self._export_now(conv.id, Path(path), fmt)
        task = op(self, _export_one_task, self.rt.store, conv.id, Path(path), fmt, page or "a4")
        task.success(self._exported_one).failure(win.banner.show_error)
        win.task_progress.start(task, _("Exporting {name}…").format(name=Path(path).name))
        self.last_export = task
        task.run()
        return Path(path)

    def _export_now(self, conversation_id: int, path: Path, fmt: str) -> Path | None:
        from aigc_desktop.export.files import export_one

        try:
            out = export_one(self.rt.store, conversation_id, path, fmt)
        except UserError as exc:
            self.win.banner.show_error(str(exc))
            return None
        self._exported_one(out)
        return out

    def _exported_one(self, out) -> None:
        self.win.banner.show_info(_("Exported to {path}").format(path=out))
        self.exported.emit(str(out))

    @Slot()
    def export_conversation(self) -> None:
        self.export_current(None)

    @Slot()
    def export_all_chats(self) -> None:
        self.export_everything(None)

    def export_everything(self, fmt: str | None = None):
        """Every conversation, one file each, in a format the person picks, to a folder."""
        from aigc_desktop.export.files import export_all

        win = self.win
        if win.task_progress.running:
            win.banner.show_info(_("Another import or export is still running."))
            return None
        if fmt is None:
            names = [_(label) for _key, label in EXPORT_FILTERS]
            name = win.prompts.ask_choice(_("Export all conversations"), _("Format:"), names)
            if name is None:
                return None
            fmt = EXPORT_FILTERS[names.index(name)][0]
        folder = win.prompts.ask_folder(_("Export all conversations to folder"))
        if not folder:
            return None
        fmt, _sep, page = fmt.partition(":")
        task = op(self, _export_all_task, export_all, self.rt.store, Path(folder), fmt, page or "a4")
        task.success(self._exported_all).failure(win.banner.show_error)
        self._export_folder = folder
        win.task_progress.start(task, _("Exporting conversations…"))
        return task.run()

    def _exported_all(self, written) -> None:
        self.win.banner.show_info(ngettext("Exported {n} conversation to {folder}",
                                           "Exported {n} conversations to {folder}", len(written))
                                  .format(n=len(written), folder=self._export_folder))

    @Slot()
    def export_image(self) -> list[Path] | None:
        """The open conversation as long PNG images (several past the height limit)."""
        return self.export_image_of(None)

    @Slot(int)
    def export_message_image(self, message_id: int):
        return self.export_image_of([message_id])

    def export_image_of(self, message_ids: list[int] | None) -> list[Path] | None:
        """The chosen messages (all of the open chat's current version by default) as PNGs."""
        from aigc_desktop.export.markdown import safe_filename
        from aigc_desktop.ui.export_image import save_long_image

        win = self.win
        current = win.conversations.current_id
        if current is None:
            win.banner.show_info(_("Open a conversation to save it as an image."))
            return None
        conv = self.rt.store.get(current)
        messages = self.rt.store.branch(current)
        if message_ids is not None:
            wanted = set(message_ids)
            messages = [m for m in messages if m.id in wanted]
        suggested = str(Path.home() / safe_filename(conv.title, conv.id, "png"))
        path = win.prompts.ask_save_path(_("Save as image"), suggested, _("PNG image (*.png)"))
        if not path:
            return None
        try:
            written = save_long_image(messages, Path(path), conv.title)
        except UserError as exc:
            win.banner.show_error(str(exc))
            return None
        # Not ngettext: its singular would be the same msgid as the plain "Saved {path}" elsewhere.
        text = _("Saved {path}") if len(written) == 1 else _("Saved {n} images, {path} and the rest")
        win.banner.show_info(text.format(path=written[0], n=len(written)))
        return written


# The save dialog's file types: (format[:page], label). A4 is the first PDF: most of our
# readers print on it; Letter is for North America.
EXPORT_FILTERS = [
    ("md", N_("Markdown (*.md)")),
    ("html", N_("Web page, HTML (*.html)")),
    ("docx", N_("Word document (*.docx)")),
    ("pdf:a4", N_("PDF, A4 pages (*.pdf)")),
    ("pdf:letter", N_("PDF, Letter pages (*.pdf)")),
    ("json", N_("JSON, everything incl. other versions (*.json)")),
]


def _export_one_task(store, conversation_id: int, path: Path, fmt: str, page: str, task=None):
    from aigc_desktop.export.files import export_one

    return export_one(store, conversation_id, path, fmt, page)


def _import_task(import_file, store, path: Path, task=None):
    return import_file(store, path, progress=lambda done, total: task.report((done, total)),
                       cancel=task.cancel_event)


def _export_all_task(export_all, store, folder: Path, fmt: str = "md", page: str = "a4", task=None):
    return export_all(store, folder, fmt, page=page, progress=lambda done, total: task.report((done, total)),
                      cancel=task.cancel_event)
