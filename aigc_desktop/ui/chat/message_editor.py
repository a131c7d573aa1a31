"""The person's message edited in place: a wrapping editor with Save & resend and Cancel
(Ctrl+Enter saves, Esc cancels). Split from ``message.py``, which opens it in the bubble.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from aigc_desktop.i18n import N_, _
from aigc_desktop.ui.kit import style

EDITOR_WIDTH = 560  # the in-place editor's preferred width (less in a narrow window)
SAVE_AND_RESEND = N_("Save && resend")
CANCEL = N_("Cancel")


class MessageEditor(QWidget):
    """The person's message being edited in place: a wrapping editor, Save & resend, Cancel."""

    def __init__(self, parent, text: str, save, cancel) -> None:
        super().__init__(parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName("messageEditor")
        self.edit.setPlainText(text)
        self.edit.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        self.edit.setTabChangesFocus(True)
        self.edit.setAccessibleName(_("Edit message"))
        self.save_btn = QPushButton(_(SAVE_AND_RESEND), self)
        self.save_btn.setObjectName("primaryButton")
        self.save_btn.setToolTip(_("Send the edited message as a new version (Ctrl+Enter)"))
        self.cancel_btn = QPushButton(_(CANCEL), self)
        self.cancel_btn.setObjectName("secondaryButton")
        self.cancel_btn.setToolTip(_("Keep the message as it was (Esc)"))
        self.save_btn.clicked.connect(save)
        self.cancel_btn.clicked.connect(cancel)
        self._save, self._cancel = save, cancel
        self.edit.installEventFilter(self)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_btn)
        row.addWidget(self.save_btn)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(style.SPACE["sm"])
        lay.addWidget(self.edit)
        lay.addLayout(row)
        self.edit.document().contentsChanged.connect(self._grow)
        self._grow()

    def eventFilter(self, obj, event) -> bool:
        # Esc and Ctrl+Enter belong to the editor, not to the window's shortcuts (Esc stops a reply).
        if event.type() in (QEvent.ShortcutOverride, QEvent.KeyPress):
            key, mods = event.key(), event.modifiers()
            save = key in (Qt.Key_Return, Qt.Key_Enter) and mods & Qt.ControlModifier
            if key == Qt.Key_Escape or save:
                event.accept()
                if event.type() == QEvent.KeyPress:
                    (self._save if save else self._cancel)()
                return True
        return super().eventFilter(obj, event)

    def _grow(self) -> None:
        lines = max(3, min(14, int(self.edit.document().size().height()) + 1))
        self.edit.setFixedHeight(lines * self.edit.fontMetrics().lineSpacing() + 20)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._grow()

    def sizeHint(self) -> QSize:
        return QSize(EDITOR_WIDTH, super().sizeHint().height())

    def text(self) -> str:
        return self.edit.toPlainText()
