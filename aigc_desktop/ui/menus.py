"""The main window's menu bar and window-wide shortcuts (File, Models, View, Chat, Help).

Each action is kept as an attribute of the window (``win.new_action``, ``win.search_action``…)
because tests and the shortcut guard reach them there; their slots belong to the window's
controllers. Split from ``ui/main_window.py`` so the window keeps to layout and wiring.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import QToolBar, QToolButton

from aigc_desktop.i18n import _
from aigc_desktop.ui.dialogs.about import install_help_menu
from aigc_desktop.ui.dialogs.language_menu import LanguageMenu
from aigc_desktop.ui.kit import style
from aigc_desktop.ui.kit.elide import ElidedComboBox
from aigc_desktop.ui.kit.shortcut_guard import ShortcutGuard


def _action(win, menu, text: str, slot, shortcut=None) -> QAction:
    act = QAction(text, win)
    if shortcut is not None:
        act.setShortcut(QKeySequence(shortcut))
    act.triggered.connect(slot)
    menu.addAction(act)
    return act


def build_menus(win) -> None:
    """The menu bar and the window-wide shortcuts; the actions become attributes of ``win``."""
    bar = win.menuBar()
    m = bar.addMenu(_("&File"))
    win.new_action = _action(win, m, _("New chat"), win.conversations.new, "Ctrl+N")
    win.new_action.triggered.connect(win.documents.show_chats)  # Ctrl+N from the studio: back to the chat
    win.new_document_action = _action(win, m, _("New document…"), win.documents.new_document, "Ctrl+Shift+N")
    win.export_action = _action(win, m, _("Export conversation…"), win.exporter.export_conversation, "Ctrl+E")
    win.export_image_action = _action(win, m, _("Save conversation as image…"), win.exporter.export_image)
    win.export_all_action = _action(win, m, _("Export all conversations…"), win.exporter.export_all_chats)
    win.import_action = _action(win, m, _("Import chats…"), win.importer.import_chats)
    win.sync_action = _action(win, m, _("Sync…"), win.sync.show_page)  # Settings → Sync (ui/sync/)
    m.addSeparator()
    _action(win, m, _("Quit"), win.close, QKeySequence.Quit)

    m = bar.addMenu(_("&Models"))
    win.manage_models_action = _action(win, m, _("Manage models…"), win.show_models, "Ctrl+M")
    win.open_model_action = _action(win, m, _("Open model file…"), win.model_choice.choose_file)
    win.providers_action = _action(win, m, _("Providers…"), win.show_providers)
    win.mcp_action = _action(win, m, _("MCP servers…"), win.tools.show_servers)  # tools (ui/tools/)

    m = bar.addMenu(_("&View"))
    themes = QActionGroup(win)
    themes.setExclusive(True)
    for name, label in (("system", _("System theme")), ("light", _("Light theme")), ("dark", _("Dark theme"))):
        act = _action(win, m, label, win.theme.chosen)
        act.setCheckable(True)
        act.setData(name)
        themes.addAction(act)
        win.theme.actions[name] = act
    win.language_menu = LanguageMenu(win, m.addMenu(_("Language")))
    m.addSeparator()
    win.sidebar_action = _action(win, m, _("Show sidebar"), win.sidebar.set_shown, "Ctrl+B")
    win.sidebar_action.setCheckable(True)
    win.sidebar_action.setChecked(True)

    m = bar.addMenu(_("&Chat"))
    win.search_action = _action(win, m, _("Search chats"), win.documents.search_chats, "Ctrl+F")
    win.settings_action = _action(win, m, _("Conversation settings…"), win.conversations.edit_settings, "Ctrl+,")
    win.rename_action = _action(win, m, _("Rename conversation…"), win.conversations.rename_current, "F2")
    win.compare_action = _action(win, m, _("Compare models…"), win.show_compare)
    win.kb_action = _action(win, m, _("Knowledge bases…"), win.knowledge.show_window)
    win.continue_action = _action(win, m, _("Continue my text (续写)"), win.continuation.continue_draft,
                                  "Ctrl+Shift+Return")
    install_help_menu(win)  # Help → About AIGC Desktop

    # Text boxes may claim some of these keys (QLineEdit takes Ctrl+E on X11).
    win.shortcut_guard = ShortcutGuard(win, [win.export_action.shortcut(), win.new_action.shortcut(),
                                             win.manage_models_action.shortcut()])
    win.shortcut_guard.watch(win.sidebar.search)
    win.stop_shortcut = QShortcut(QKeySequence("Esc"), win)
    win.stop_shortcut.activated.connect(win.escape)
    win.copy_last_shortcut = QShortcut(QKeySequence("Ctrl+Shift+C"), win)
    win.copy_last_shortcut.activated.connect(win.conversations.copy_last_reply)


def build_toolbar(win) -> None:
    """A slim header, as chat apps have: the model picker as a flat pill and icon actions."""
    bar = QToolBar(_("Chat"), win)
    bar.setObjectName("chatToolbar")
    bar.setMovable(False)
    win.addToolBar(bar)
    # Its width is fixed (a long model id is elided in the middle, whole in the tooltip and the list):
    # sized by its items, a theme switch re-measured it to the longest remote id (~750 px).
    win.model_combo = ElidedComboBox(_("The model that answers in this chat"), win)
    win.model_combo.setObjectName("modelCombo")
    win.model_combo.setMinimumWidth(280)
    win.model_combo.setMaximumWidth(280)
    win.model_combo.setAccessibleName(_("Model"))
    bar.addWidget(win.model_combo)
    win.settings_button = QToolButton(win)
    win.settings_button.setObjectName("headerButton")
    win.settings_button.setToolTip(_("Conversation settings… (Ctrl+,)"))
    win.settings_button.setAccessibleName(_("Conversation settings…"))
    win.settings_button.setIconSize(QSize(style.ICON + 2, style.ICON + 2))
    style.set_icon(win.settings_button, "ph.sliders-horizontal")
    bar.addWidget(win.settings_button)
