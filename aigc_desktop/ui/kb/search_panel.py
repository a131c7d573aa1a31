"""The Knowledge bases window's search box: try a query on the open base and see its hits
(file, page, heading, passage), as the chat would retrieve them.

The search is an engine job (the query may be embedded); hits are document text, shown as
plain text in a list (no rich text is interpreted).
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aigc_desktop.i18n import _, ngettext
from aigc_desktop.ui.kit.elide import shorten

PASSAGE_CHARS = 220
_CJK_BREAK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def one_line(text: str) -> str:
    """A passage on one line: a line break between two Chinese characters (a PDF's wrapped line)
    goes without a trace, other runs of white space become one space."""
    return " ".join(_CJK_BREAK.sub("", text).split())


def hit_citation(hit, n: int) -> dict:
    """A hit as a citation dict (for the passage view), with the fields the contract names."""
    return {"n": n, "kb": getattr(hit, "kb", ""), "file": hit.file, "page": hit.page, "heading": hit.heading,
            "text": hit.text, "start": hit.start, "end": hit.end}


class SearchPanel(QWidget):
    """Signals: hitOpened(object citation) a hit was double-clicked."""

    hitOpened = Signal(object)

    def __init__(self, kb, parent=None) -> None:
        super().__init__(parent)
        self.kb = kb  # the KbController
        self.name: str | None = None
        self.hits: list = []
        self.box = QLineEdit()
        self.box.setPlaceholderText(_("Try a question or a few words…"))
        self.box.returnPressed.connect(self.search)
        self.button = QPushButton(_("Search"))
        self.button.clicked.connect(self.search)
        self.note = QLabel("")
        self.note.setTextFormat(Qt.PlainText)
        self.note.setWordWrap(True)
        self.results = QListWidget()
        self.results.setWordWrap(True)
        self.results.setAlternatingRowColors(True)
        self.results.setSpacing(2)
        self.results.itemActivated.connect(self._open)
        row = QHBoxLayout()
        row.addWidget(self.box, 1)
        row.addWidget(self.button)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.note)
        lay.addWidget(self.results, 1)

    def set_base(self, name: str | None) -> None:
        if name != self.name:
            self.results.clear()
            self.hits = []
            self.note.setText("")
        self.name = name
        self.setEnabled(name is not None)

    def search(self) -> None:
        query = self.box.text().strip()
        if not self.name or not query:
            self.note.setText(_("Type something to search for."))
            return
        self.note.setText(_("Searching…"))
        self.button.setEnabled(False)
        if self.kb.search([self.name], query, self._show, self._failed) is None:
            self.button.setEnabled(True)

    def _show(self, hits: list) -> None:
        self.button.setEnabled(True)
        self.hits = list(hits)
        self.results.clear()
        for i, h in enumerate(self.hits, 1):
            where = [Path(h.file).name]
            if h.page:
                where.append(_("p. {page}").format(page=h.page))
            if h.heading:
                where.append(h.heading)
            text = one_line(h.text)
            item = QListWidgetItem(f"[{i}] {' · '.join(where)}\n{shorten(text, PASSAGE_CHARS)}")
            item.setToolTip(h.file)
            self.results.addItem(item)
        self.note.setText(ngettext("{n} passage found. Double-click it to see it in its file.",
                                   "{n} passages found. Double-click one to see it in its file.",
                                   len(self.hits)).format(n=len(self.hits))
                          if self.hits else _("Nothing found."))

    def _failed(self, message: str) -> None:
        self.button.setEnabled(True)
        self.note.setText(message)

    def _open(self, item: QListWidgetItem) -> None:
        row = self.results.row(item)
        if 0 <= row < len(self.hits):
            self.hitOpened.emit(hit_citation(self.hits[row], row + 1))
