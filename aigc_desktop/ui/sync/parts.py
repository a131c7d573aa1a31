"""Sync's parts of the main window, built from what they use: the status bar's line, the controller
(schedule and the one running sync) and Settings → Sync (made when first opened).

The window adds ``label`` to its status bar, calls ``attach`` once the runtime is open (with the
settings bridge's ``changed`` and the turns' ``turnFinished`` signals), opens the page with
``show_page`` (File → Sync…) and calls ``shutdown`` when it closes.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from aigc_desktop.ui.sync.controller import SyncController
from aigc_desktop.ui.sync.status import SyncStatusLabel


class SyncParts(QObject):
    def __init__(self, ctx, prompts, parent) -> None:
        super().__init__(parent)
        self.ctx, self.prompts, self.window = ctx, prompts, parent
        self.label = SyncStatusLabel()
        self.controller = SyncController(ctx, self.label, self)
        self.dialog = None
        self.label.clicked.connect(self.show_page)

    def attach(self, settings_changed, reply_finished) -> None:
        settings_changed.connect(self.controller.settings_changed)
        reply_finished.connect(self.controller.reply_finished)
        self.controller.attach()

    @Slot()
    def show_page(self):
        """Settings → Sync (one dialog per window, kept while the window lives)."""
        from aigc_desktop.ui.sync.dialog import SyncDialog

        if self.ctx.rt is None:
            return None
        if self.dialog is None:
            self.dialog = SyncDialog(self.ctx, self.controller, self.prompts, self.window)
        self.dialog.open_page()
        return self.dialog

    def shutdown(self) -> None:
        self.controller.shutdown()
