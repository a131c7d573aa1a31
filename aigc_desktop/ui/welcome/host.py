"""Hosting the welcome panel in the chat's empty state.

Until the chat view can host an empty-state widget itself, :func:`install` puts the
panel in a stack with the chat and shows it while the chat's own "empty" label is
shown (an event filter on that label: the chat view stays the one that knows).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QStackedWidget, QWidget


class EmptyStateHost(QStackedWidget):
    """The chat, or the welcome panel while the chat shows its "empty" label."""

    def __init__(self, chat, panel: QWidget) -> None:
        super().__init__()
        self.chat = chat
        self.scroll = QScrollArea()  # a small window scrolls the card instead of squashing it
        self.scroll.setObjectName("welcomeScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.scroll.setWidget(panel)
        self.addWidget(chat)
        self.addWidget(self.scroll)
        chat.empty_label.installEventFilter(self)
        self._sync()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.ShowToParent, QEvent.HideToParent):
            self._sync()
        return False

    def _sync(self) -> None:
        empty = not self.chat.empty_label.isHidden()
        if empty and self.currentWidget() is not self.scroll:
            self.scroll.verticalScrollBar().setValue(0)  # a new chat's welcome starts at its top
        self.setCurrentWidget(self.scroll if empty else self.chat)


def install(chat, panel: QWidget) -> QWidget:
    """Put the panel in the chat's empty state; returns the widget to lay out where the chat was."""
    if hasattr(chat, "set_empty_widget"):  # the chat view hosts it itself
        chat.set_empty_widget(panel)
        return chat
    return EmptyStateHost(chat, panel)
