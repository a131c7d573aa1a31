"""The outline's edits: rename, add, delete and move sections of the open document.

Each edit is one store call (``rename_section``, ``add_section``, ``delete_section``,
``move_section``, the same the CLI's ``write`` commands use), in one transaction; edits
wait until no run is writing.
``documents`` is the :class:`~aigc_desktop.ui.writing.controller.DocumentController` (the
open document and its store).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from aigc_desktop.i18n import _


class OutlineActions(QObject):
    def __init__(self, documents, banner, prompts, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.docs, self.banner, self.prompts = documents, banner, prompts

    def _editable(self) -> bool:
        if self.docs.current_id is None:
            return False
        if self.docs.running:
            self.banner.show_info(_("The outline can be changed when the writing has stopped."), tag="busy")
            return False
        self.docs.keep_edit()
        return True

    @Slot(int, str)
    def rename_section(self, index: int, title: str) -> None:
        if not self._editable() or not title.strip():
            self.docs.reload()
            return
        self.docs.store.rename_section(self.docs.current_id, index, title)
        self.docs.reload()

    @Slot()
    def add_section(self, title: str = "") -> None:
        if not self._editable():
            return
        doc = self.docs.store.add_section(self.docs.current_id, title)
        self.docs.section_index = len(doc.sections)
        self.docs.reload()

    @Slot(int)
    def delete_section(self, index: int) -> None:
        if not self._editable():
            return
        doc = self.docs.store.get(self.docs.current_id)
        if len(doc.sections) <= 1:
            return
        sec = doc.sections[index - 1]
        if sec.version_count and not self.prompts.confirm(
                _("Delete section"), _("Delete section “{title}” and its text?").format(title=sec.title)):
            return
        self.docs.store.delete_section(self.docs.current_id, index)
        self.docs.section_index = min(index, len(doc.sections) - 1)
        self.docs.reload()

    @Slot(int, int)
    def move_section(self, index: int, to: int) -> None:
        if not self._editable():
            return
        self.docs.store.move_section(self.docs.current_id, index, to)
        self.docs.section_index = to
        self.docs.reload()
