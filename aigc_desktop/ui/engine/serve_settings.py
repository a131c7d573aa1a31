"""The Local API's settings: which web pages (origins) may use it.

The local API refuses a request from a web page (an ``Origin`` that is not this
computer) unless its origin is listed here (``server/guard.py``); the list is the
``local_api_origins`` setting, one ``scheme://host[:port]`` a line. What the server
always does is said above the list, so the person knows why a page was refused.
A bad line is named and the dialog stays open with what was typed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout

from aigc_desktop.i18n import _
from aigc_desktop.server.guard import normalise_origin


class ServeSettingsDialog(QDialog):
    def __init__(self, origins: list[str], address: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Local API settings"))
        self.origins: list[str] = list(origins)
        lay = QVBoxLayout(self)
        intro = QLabel(_("The Local API answers programs on this computer only. Web pages are refused, "
                         "so a site you visit cannot use your model, unless you list its address here."))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        if address:
            where = QLabel(_("Running at {url}").format(url=address))
            where.setTextInteractionFlags(Qt.TextSelectableByMouse)
            lay.addWidget(where)
        lay.addWidget(QLabel(_("Web pages allowed to use it (one per line, like http://localhost:3000):")))
        self.edit = QPlainTextEdit("\n".join(self.origins))
        self.edit.setPlaceholderText(_("none: every web page is refused"))
        self.edit.setMinimumHeight(90)
        lay.addWidget(self.edit)
        self.note = QLabel(_("Changes apply the next time the Local API starts."))
        self.note.setWordWrap(True)
        self.note.setObjectName("hint")
        lay.addWidget(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def accept(self) -> None:
        found: list[str] = []
        for line in self.edit.toPlainText().splitlines():
            if not line.strip():
                continue
            try:
                origin = normalise_origin(line)
            except ValueError as exc:
                self.note.setText(str(exc))
                return
            if origin not in found:
                found.append(origin)
        self.origins = found
        super().accept()
