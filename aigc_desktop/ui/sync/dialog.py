"""Settings → Sync as a dialog of its own: the :class:`SyncPage` and Close (which keeps what was typed).

The app has no general settings window yet (the Settings dialog is the conversation's), so the page
lives here, one per main window, opened from the menu and from the status bar's sync line.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFrame, QScrollArea, QVBoxLayout

from aigc_desktop.i18n import _
from aigc_desktop.ui.sync.page import SyncPage


class SyncDialog(QDialog):
    def __init__(self, ctx, controller, prompts, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Settings — Sync"))
        self.setObjectName("syncDialog")
        self.resize(660, 780)
        lay = QVBoxLayout(self)
        self.page = SyncPage(ctx, controller, prompts, self)
        # Scrolled, not squeezed: a long error under the buttons or a small screen then adds a scroll bar
        # instead of cutting the fields' text.
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setWidget(self.page)
        lay.addWidget(scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def open_page(self) -> None:
        self.page.load()
        self.show()
        self.raise_()

    def done(self, result: int) -> None:
        self.page.save()  # what was typed is kept (on the sync's worker thread)
        super().done(result)
