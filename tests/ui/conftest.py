"""GUI fixtures: a real main window on the real model, offscreen."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def make_window(qtbot):
    from aigc_desktop.runtime import open_runtime
    from aigc_desktop.ui.main_window import MainWindow

    made = []

    def factory(load_model: bool = True):
        rt = open_runtime()
        win = MainWindow(rt)
        qtbot.addWidget(win)
        win.show()
        if load_model:
            with qtbot.wait_signal(win.modelReady, timeout=60_000):
                win.model_choice.load_default()
        made.append((win, rt))
        return win

    yield factory
    for win, rt in made:
        win.close()
        rt.close()


def send_and_wait(qtbot, win, text: str, timeout: int = 60_000) -> int:
    """Type into the composer, press Enter, wait for the reply to finish; returns its id."""
    from PySide6.QtCore import Qt

    win.composer.edit.setFocus()
    win.composer.edit.setPlainText(text)
    with qtbot.wait_signal(win.turnFinished, timeout=timeout) as blocker:
        qtbot.keyClick(win.composer.edit, Qt.Key_Return)
    return blocker.args[0]


# -- helpers shared by the feature folders ------------------------------------------------------
def short_chat(win, title=""):
    """A new chat with short, repeatable replies (12 tokens, temperature 0), open in the window."""
    from aigc_desktop.llm.sampling import SamplingParams

    short = SamplingParams(max_tokens=12, temperature=0.0, seed=5).to_dict()
    conv = win.rt.store.create(title, sampling=short)
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    return conv


def settle(qtbot, win):
    from PySide6.QtGui import QGuiApplication

    for _ in range(10):
        QGuiApplication.processEvents()


def chat_with_two(win):
    """A chat of one short question and one long reply, open in the window."""
    conv = win.rt.store.create("two")
    u = win.rt.store.add_message(conv.id, "user", "hi")
    win.rt.store.add_message(conv.id, "assistant", "Hello! " * 40, parent_id=u.id, status="done", model="m")
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    return conv


def add_provider(server, name: str = "box") -> str:
    """A provider whose model list was remembered (as Test connection leaves it); returns provider/model."""
    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.model_cache import remember_models

    from tests.llama_server import MODEL_ALIAS

    ProviderStore().add(name, server.base_url, kind="llama.cpp")
    remember_models(name, [MODEL_ALIAS])
    return f"{name}/{MODEL_ALIAS}"


def short_replies(win) -> None:
    """New chats answer in at most 24 tokens (the starter model rambles; the tests only need a few)."""
    import aigc_desktop.chat.presets as presets

    presets_fields = presets.new_chat_fields

    def short(name):
        return {**presets_fields(name), "sampling": {"max_tokens": 24, "seed": 7}}

    return short


# -- the window in Chinese -----------------------------------------------------------------------
# Names a Chinese interface keeps in Latin letters: products, formats, protocols (MCP), units, keys, and the
# words of the welcome panel's example prompts (Python, CSV, AI).
ALLOWED = {
    "AIGC", "Desktop", "GGUF", "Hugging", "Face", "Markdown", "JSON", "HTML", "PDF", "DOCX", "Word",
    "CPU", "GPU", "URL", "Top", "Min", "Esc", "Ctrl", "Shift", "Enter",
    "MB", "GB", "KB", "AI", "API", "MCP", "Python", "CSV", "English", "SmolLM", "llama", "cpp",
}
ADDRESS = re.compile(r"https?://\S+|\b[\w.-]+\.(?:gguf|com|json|md)\b")


@pytest.fixture
def zh_window(make_window):
    """A main window built after zh_CN was installed; English again afterwards."""
    from aigc_desktop import i18n

    i18n.install("zh_CN")
    try:
        yield make_window
    finally:
        i18n.install("en")


def model_names(win=None) -> list[str]:
    """Model names may show as they are: the loaded one and the catalog's (longest first)."""
    from aigc_desktop.hub.catalog import load_catalog

    names = [e.name for e in load_catalog()] + ([win.model_choice.name] if win is not None and win.model_choice.name else [])
    return sorted(names, key=len, reverse=True)


def english_words(text: str, names=()) -> list[str]:
    """Words of two or more ASCII letters that are not an allowed name."""
    for name in names:
        text = text.replace(name, " ")
    text = ADDRESS.sub(" ", text)
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in ALLOWED]


def visible_texts(win) -> list[str]:
    """What a person can read now: visible labels and buttons, and every menu's actions."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QAbstractButton, QLabel, QToolButton

    texts = []
    for w in win.findChildren(QLabel) + win.findChildren(QAbstractButton):
        if isinstance(w, QToolButton) and w.toolButtonStyle() == Qt.ToolButtonIconOnly:
            if w.isVisible():
                texts.append(w.toolTip())  # its text is not drawn: the tooltip is what one reads
            continue
        if w.isVisible() and w.text():
            texts.append(w.text())
    menus = [a.menu() for a in win.menuBar().actions() if a.menu()] if hasattr(win, "menuBar") else []
    for menu in menus:
        for act in [menu.menuAction()] + menu.actions():
            texts.append(act.text())
            if act.menu():
                texts += [sub.text() for sub in act.menu().actions()]
    texts += [a.text() for a in win.findChildren(QAction) if a.isVisible() and a.text()]
    return [t for t in texts if t]
