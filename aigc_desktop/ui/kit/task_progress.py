"""The status bar's progress for a long one-off job (import, export of everything):
a label, a bar and Cancel. One job at a time; its :class:`~aigc_desktop.ui.kit.tasks.Op`
is cancelled by the button.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from aigc_desktop.i18n import _


class TaskProgress(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.label = QLabel("")
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setText(_("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for w in (self.label, self.bar, self.cancel_button):
            lay.addWidget(w)
        self.op = None
        self.setVisible(False)

    @property
    def running(self) -> bool:
        return self.op is not None

    def start(self, op, text: str) -> None:
        """Show ``text`` and a busy bar for ``op`` until it ends (call before ``op.run()``)."""
        self.op = op
        self.label.setText(text)
        self.bar.setRange(0, 0)
        self.setVisible(True)
        op.progress(self.set_progress).always(self.finish)

    @Slot(object)
    def set_progress(self, value) -> None:
        done, total = value
        if total:
            self.bar.setRange(0, int(total))
            self.bar.setValue(int(done))

    @Slot()
    def cancel(self) -> None:
        if self.op is not None:
            self.op.cancel()
            self.label.setText(_("Cancelling…"))

    @Slot()
    def finish(self) -> None:
        self.op = None
        self.setVisible(False)
