"""Which theme the window wears: the person's choice (light, dark, or following the system),
saved through the settings store, re-applied when the system's scheme changes, and pushed
to the parts that draw their own colours (chat view, banner, writing studio).

Built with what it uses: the settings store (``None`` in a window without one), the theme
menu's actions and the themed parts; ``ui/kit/theme.py`` resolves and installs a theme.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QApplication

from aigc_desktop.errors import UserError
from aigc_desktop.ui.kit import style
from aigc_desktop.ui.kit import theme as theme_mod

log = logging.getLogger(__name__)


class ThemeChoice(QObject):
    def __init__(self, settings_store, chat, banner, documents, parent: QObject | None = None) -> None:
        """The View menu fills :attr:`actions` (choice -> checkable action) after this is built;
        the window then calls ``apply(choice)`` once."""
        super().__init__(parent)
        self.settings_store, self.actions = settings_store, {}
        self.chat, self.banner, self.documents = chat, banner, documents
        self.choice = settings_store.current().theme if settings_store else "system"
        QApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)

    def apply(self, choice: str) -> None:
        if choice in self.actions:
            self.actions[choice].setChecked(True)
        theme = theme_mod.resolve(choice)
        app = QApplication.instance()
        if app is not None:
            theme_mod.apply(app, theme)
        self.chat.set_theme(theme)
        self.banner.set_theme(theme.name)
        self.documents.set_theme(style.palette_for(theme.name))

    def choose(self, choice: str) -> None:
        """Saves only the theme: other settings (offline, the Hub address) stay as they are on disk."""
        self.choice = choice
        if self.settings_store is not None:
            try:
                self.settings_store.update(theme=choice)
            except UserError as exc:
                log.warning("could not save settings: %s", exc)
        self.apply(choice)

    @Slot()
    def chosen(self) -> None:
        """A theme menu action was triggered: its data is the choice."""
        self.choose(self.sender().data())

    @Slot(object, object)
    def settings_changed(self, settings, changed) -> None:
        """The settings bridge: a theme chosen elsewhere (another window) is remembered."""
        if "theme" in changed and settings.theme != self.choice:
            self.choice = settings.theme

    def use_store(self, settings_store) -> None:
        self.settings_store = settings_store

    @Slot()
    def _system_scheme_changed(self) -> None:
        if self.choice == "system":
            self.apply("system")
