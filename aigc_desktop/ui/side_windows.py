"""The windows the main window opens beside itself on demand: Models → Providers… and
Chat → Compare models…. Each is made at its first use and kept (one per main window).

Built with what they use (the runtime holder, the engine client, the conversation controller,
the banner, the model choice), as the other parts are; the menus call :meth:`show_providers`
and :meth:`show_compare`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot


class SideWindows(QObject):
    def __init__(self, ctx, engine, conversations, model_choice, banner, window) -> None:
        super().__init__(window)
        self.ctx, self.engine, self.conversations = ctx, engine, conversations
        self.model_choice, self.banner, self.window = model_choice, banner, window
        self.providers_dialog = None
        self.compare_view = None

    @Slot()
    def show_providers(self):
        """Models → Providers… (OpenAI-compatible servers); their models join the toolbar's list."""
        from aigc_desktop.ui.dialogs.providers import ProvidersDialog

        if self.providers_dialog is None:
            self.providers_dialog = ProvidersDialog(self.window)
            self.providers_dialog.providersChanged.connect(self.model_choice.refresh_combo)
        return _raised(self.providers_dialog, self.providers_dialog.refresh)

    @Slot()
    def show_compare(self):
        """Chat → Compare models… (one prompt, 2–4 models side by side)."""
        from aigc_desktop.ui.chat.compare import CompareView

        if self.compare_view is None:
            self.compare_view = CompareView(self.ctx, self.engine, self.conversations, self.banner, self.window)
            return _raised(self.compare_view)
        return _raised(self.compare_view, None if self.compare_view.running else self.compare_view.refresh_models)

    def shutdown(self) -> None:
        """Closing the main window stops a comparison still running."""
        if self.compare_view is not None:
            self.compare_view.stop()


def _raised(window, refresh=None):
    if refresh is not None:
        refresh()
    window.show()
    window.raise_()
    return window
