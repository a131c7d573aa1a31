"""File → Import chats…: ChatGPT's ``conversations.json`` and our own JSON export.

The import runs as a background op with a progress bar and Cancel in the status bar
(:class:`~aigc_desktop.ui.kit.task_progress.TaskProgress`); a cancelled import adds nothing.
Built with what it uses: the runtime holder, the conversation controller (the first
imported chat opens there), the status bar's task progress, the banner and the prompts.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from aigc_desktop.i18n import _, ngettext
from aigc_desktop.ui.kit.tasks import op


class ImportController(QObject):
    """Signals: imported(int n) after an import."""

    imported = Signal(int)

    def __init__(self, ctx, conversations, task_progress, banner, prompts, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.conversations = ctx, conversations
        self.task_progress, self.banner, self.prompts = task_progress, banner, prompts
        self.last_import: list[int] = []

    @property
    def rt(self):
        return self.ctx.rt

    # -- import -------------------------------------------------------------------------
    @Slot()
    def import_chats(self):
        from aigc_desktop.importers import import_file

        if self.task_progress.running:
            self.banner.show_info(_("Another import or export is still running."))
            return None
        path = self.prompts.ask_open_path(_("Import chats"), _("Chat exports (*.json)") + ";;" + _("All files (*)"))
        if not path:
            return None
        task = op(self, _import_task, import_file, self.rt.store, Path(path))
        task.success(self._imported).failure(self.banner.show_error)
        self._import_name = Path(path).name
        self.task_progress.start(task, _("Importing {name}…").format(name=Path(path).name))
        return task.run()

    def _imported(self, ids) -> None:
        self.last_import = list(ids)
        if ids:
            self.conversations.open(ids[0])
        skipped = getattr(ids, "skipped", 0)
        n = len(ids)
        if skipped:
            text = ngettext("Imported {n} conversation from {name}. {skipped} were already in your history "
                            "and were skipped.", "Imported {n} conversations from {name}. {skipped} were already "
                            "in your history and were skipped.", n)
        else:
            text = ngettext("Imported {n} conversation from {name}.", "Imported {n} conversations from {name}.", n)
        self.banner.show_info(text.format(n=n, name=self._import_name, skipped=skipped))
        self.imported.emit(n)


def _import_task(import_file, store, path: Path, task=None):
    return import_file(store, path, progress=lambda done, total: task.report((done, total)),
                       cancel=task.cancel_event)
