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
from aigc_desktop.ui.controllers.base import Controller
from aigc_desktop.ui.tasks import Latest, op

SEARCH_PAUSE_MS = 250


class HistoryActions(Controller):
    """Signals: searched(int hits) after hits are shown; imported(int n) after an import."""

    searched = Signal(int)
    imported = Signal(int)

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
            win.banner.show_info("A reply is still being written. Stop it first to open a search result.", tag="busy")
            return
        other_version = False
        try:
            if message_id >= 0:
                branch_ids = {m.id for m in self.rt.store.branch(conversation_id)}
                other_version = message_id not in branch_ids
            else:
                self.rt.store.get(conversation_id)
        except UserError:  # deleted since the search ran (here or in another window)
            win.banner.show_info("That message or chat no longer exists.")
            self.refresh_search()
            return
        if other_version:
            # Switching versions changes what the chat shows, continues from and exports:
            # never without asking.
            if not win.prompts.confirm(
                    "Open another version",
                    "This match is in another version of the chat (an edited or regenerated message). "
                    "Switch the chat to that version? Later messages of the version you are on stay "
                    "saved; ‹ › on a message switches back."):
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
            self.win.banner.show_info("Another import or export is still running.")
            return None
        path = self.win.prompts.ask_open_path("Import chats", "Chat exports (*.json);;All files (*)")
        if not path:
            return None
        task = op(self, _import_task, import_file, self.rt.store, Path(path))
        task.success(self._imported).failure(self.win.banner.show_error)
        self._import_name = Path(path).name
        self.win.task_progress.start(task, f"Importing {Path(path).name}…")
        return task.run()

    def _imported(self, ids) -> None:
        self.last_import = list(ids)
        win = self.win
        win.conversations.refresh_sidebar()
        if ids:
            win.conversations.open(ids[0])
        skipped = getattr(ids, "skipped", 0)
        n = len(ids)
        win.banner.show_info(f"Imported {n} conversation{'s' if n != 1 else ''} from {self._import_name}."
                             + (f" {skipped} were already in your history and were skipped." if skipped else ""))
        self.imported.emit(n)

    # -- export -------------------------------------------------------------------------
    def export_current(self, fmt: str = "md") -> Path | None:
        from aigc_desktop.export.files import export_one
        from aigc_desktop.export.markdown import safe_filename

        win = self.win
        current = win.conversations.current_id
        if current is None:
            win.banner.show_info("Open a conversation to export it.")
            return None
        conv = self.rt.store.get(current)
        ext = "json" if fmt == "json" else "md"
        suggested = str(Path.home() / safe_filename(conv.title, conv.id, ext))
        filt = "JSON (*.json)" if fmt == "json" else "Markdown (*.md)"
        path = win.prompts.ask_save_path("Export conversation", suggested, filt)
        if not path:
            return None
        if not Path(path).suffix:
            path = f"{path}.{ext}"
        try:
            out = export_one(self.rt.store, conv.id, Path(path), fmt)
        except UserError as exc:
            win.banner.show_error(str(exc))
            return None
        win.banner.show_info(f"Exported to {out}")
        return out

    @Slot()
    def export_markdown(self) -> None:
        self.export_current("md")

    @Slot()
    def export_json(self) -> None:
        self.export_current("json")

    @Slot()
    def export_everything(self):
        from aigc_desktop.export.files import export_all

        win = self.win
        if win.task_progress.running:
            win.banner.show_info("Another import or export is still running.")
            return None
        folder = win.prompts.ask_folder("Export all conversations to folder")
        if not folder:
            return None
        task = op(self, _export_all_task, export_all, self.rt.store, Path(folder))
        task.success(self._exported_all).failure(win.banner.show_error)
        self._export_folder = folder
        win.task_progress.start(task, "Exporting conversations…")
        return task.run()

    def _exported_all(self, written) -> None:
        self.win.banner.show_info(f"Exported {len(written)} conversations to {self._export_folder}")


def _import_task(import_file, store, path: Path, task=None):
    return import_file(store, path, progress=lambda done, total: task.report((done, total)),
                       cancel=task.cancel_event)


def _export_all_task(export_all, store, folder: Path, task=None):
    return export_all(store, folder, "md", progress=lambda done, total: task.report((done, total)),
                      cancel=task.cancel_event)
