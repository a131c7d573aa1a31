"""View → Language: 跟随系统 / 中文（简体） / English.

The choice is saved through the settings store; widgets take their texts when they
are built, so it applies at the next start and the window says so.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QActionGroup

from aigc_desktop import i18n
from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _


class LanguageMenu(QObject):
    def __init__(self, window, menu) -> None:
        super().__init__(window)
        self.win = window
        group = QActionGroup(self)
        group.setExclusive(True)
        self.actions: dict[str, QAction] = {}
        store = window.settings_store
        saved = store.current().language if store else "system"
        for code, label in [("system", _("Follow system"))] + list(i18n.LANGUAGES.items()):
            act = QAction(label, window, checkable=True)
            act.setChecked(code == saved)
            act.setData(code)
            act.triggered.connect(self.chosen)
            group.addAction(act)
            menu.addAction(act)
            self.actions[code] = act

    @Slot()
    def chosen(self) -> None:
        code = self.sender().data()
        try:
            self.win.settings_store.update(language=code)
        except UserError as exc:
            self.win.banner.show_error(str(exc))
            return
        if i18n.resolve_language(code) != i18n.current_language():
            self.win.banner.show_info(_("The language changes when AIGC Desktop starts again. "
                                        "Your choice is saved."), sticky=True)
