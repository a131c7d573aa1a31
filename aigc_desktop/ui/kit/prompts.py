"""Every question the window asks the person, behind one seam.

Controllers call ``prompts.confirm(...)``, ``prompts.ask_save_path(...)`` and so
on; tests replace the methods on this object to answer without a display.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QCheckBox, QFileDialog, QInputDialog, QMessageBox, QWidget


class Prompts(QObject):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.selected_filter = ""  # the file-type filter chosen in the last save dialog
        self.option_checked = False  # the last save dialog's check box (its ``option``), when it had one

    def confirm(self, title: str, text: str) -> bool:
        """Yes or No; No is the default button, so an Enter pressed by habit deletes nothing
        (every question asked here is about deleting, removing or quitting)."""
        answer = QMessageBox.question(self.window, title, text, QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return answer == QMessageBox.Yes

    def ask_save_path(self, caption: str, suggested: str, filt: str, selected: str = "", option: str = "") -> str:
        """A file to save to ("" when cancelled). ``option`` adds a check box of that label under
        the file list, unchecked; its state is left in ``option_checked``. A native dialog takes
        no widget of ours, so that one dialog is Qt's own."""
        self.option_checked = False
        if not option:
            path, self.selected_filter = QFileDialog.getSaveFileName(self.window, caption, suggested, filt, selected)
            return path
        dialog = QFileDialog(self.window, caption, suggested, filt)
        dialog.setAcceptMode(QFileDialog.AcceptSave)
        dialog.setOption(QFileDialog.DontUseNativeDialog, True)
        if selected:
            dialog.selectNameFilter(selected)
        box = QCheckBox(option, dialog)
        box.setObjectName("saveOption")
        grid = dialog.layout()
        grid.addWidget(box, grid.rowCount(), 0, 1, -1)
        accepted = self.run_dialog(dialog)
        self.selected_filter = dialog.selectedNameFilter()
        self.option_checked = box.isChecked()
        files = dialog.selectedFiles()
        return files[0] if accepted and files else ""

    def ask_choice(self, title: str, label: str, items: list[str], current: int = 0) -> str | None:
        """One of ``items`` from a drop-down, or None when cancelled."""
        item, ok = QInputDialog.getItem(self.window, title, label, items, current, False)
        return item if ok else None

    def ask_open_path(self, caption: str, filt: str) -> str:
        return QFileDialog.getOpenFileName(self.window, caption, str(Path.home()), filt)[0]

    def ask_folder(self, caption: str) -> str:
        return QFileDialog.getExistingDirectory(self.window, caption)

    def ask_text(self, title: str, label: str, value: str) -> str | None:
        dialog = QInputDialog(self.window)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(value)
        dialog.resize(max(420, dialog.sizeHint().width()), dialog.sizeHint().height())
        return dialog.textValue() if dialog.exec() else None

    def ask_long_text(self, title: str, label: str, value: str) -> str | None:
        """A multi-line editor (Enter is a new line, long lines wrap), for editing a message."""
        from PySide6.QtWidgets import QPlainTextEdit

        dialog = QInputDialog(self.window)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setOption(QInputDialog.UsePlainTextEditForTextInput, True)
        dialog.setTextValue(value)
        for edit in dialog.findChildren(QPlainTextEdit):
            edit.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        dialog.resize(640, 360)
        return dialog.textValue() if dialog.exec() else None

    def ask_tool_approval(self, request) -> str:
        """May the model run this tool? "once", "chat", "always" or "deny" (also when closed);
        ``request`` is a ``tools.approval.ToolRequest`` (``ui/tools/approval_dialog.py``)."""
        from aigc_desktop.ui.tools.approval_dialog import ApprovalDialog

        dialog = ApprovalDialog(request, self.window)
        QApplication.alert(self.window)  # the reply waits for the person: flash the taskbar if they looked away
        try:
            self.run_dialog(dialog)
            return dialog.decision
        finally:
            dialog.deleteLater()

    def run_dialog(self, dialog) -> bool:
        return bool(dialog.exec())
