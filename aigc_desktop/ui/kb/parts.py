"""The knowledge-base parts the main window holds: the controller (indexing jobs, folder watch),
the chip above the message box, the sidebar's button and the Knowledge bases window (made on
first use).

Built with what they use: the runtime holder, the engine client, the conversation controller,
the banner and the prompts; the main window only places :attr:`chip` and :attr:`button`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSize, Qt, Slot
from PySide6.QtWidgets import QPushButton

from aigc_desktop.i18n import _
from aigc_desktop.ui.kb.chip import KbChip
from aigc_desktop.ui.kb.controller import KbController
from aigc_desktop.ui.kit import style


class KnowledgeBases(QObject):
    def __init__(self, ctx, engine, conversations, banner, prompts, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.prompts = prompts
        self.controller = KbController(ctx, engine, banner, self)
        self.chip = KbChip(ctx, engine, conversations, self.controller, banner)
        self.chip.manageRequested.connect(self.show_window)
        self.button = QPushButton(_("Knowledge bases"))
        self.button.setObjectName("kbSidebarButton")
        self.button.setFlat(True)
        self.button.setToolTip(_("Your own files, searched and cited in chats"))
        self.button.setIconSize(QSize(style.ICON, style.ICON))
        self.button.setFocusPolicy(Qt.TabFocus)
        style.set_icon(self.button, "ph.books", "text")
        self.button.clicked.connect(self.show_window)
        self.window = None

    def attach(self) -> None:
        """The runtime is open: watch the bases' folders, show the open chat's bases."""
        self.controller.attach()
        self.chip.refresh()

    @Slot()
    def show_window(self):
        """The Knowledge bases window (one, made on first use, kept while the app runs)."""
        from aigc_desktop.ui.kb.window import KnowledgeBaseWindow

        if self.window is None:
            self.window = KnowledgeBaseWindow(self.controller, self.prompts, self.chip.window())
        else:
            self.window.refresh()
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        return self.window

    def shutdown(self) -> None:
        """The app closes: stop indexing (what was indexed is kept)."""
        self.controller.queue.clear()
        self.controller.stop()
