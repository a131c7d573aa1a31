"""A reply's sources, under it: "[1] file · p. 2 · heading", one line each; a click shows the passage
in its context (``ui/kb/passage.py``).

Whether each file changed since the reply (``kb.citations.is_stale``: it may hash the file) is
checked off the GUI thread when the list is made; a changed one is then marked "changed since"
(已过期) on its line. Citation text comes from documents: it is shown as plain text only
(a ``QToolButton`` draws no rich text; "&" is doubled so it is not a shortcut mark).

Signals:
    openRequested(object citation)   a source was clicked
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from aigc_desktop.i18n import _
from aigc_desktop.ui.kb.passage import citation_place
from aigc_desktop.ui.kit import style
from aigc_desktop.ui.kit.elide import shorten
from aigc_desktop.ui.kit.tasks import op

LINE_CHARS = 90


def _stale_flags(citations: list[dict]) -> list[bool]:
    from aigc_desktop.kb.citations import is_stale

    flags = []
    for c in citations:
        try:
            flags.append(bool(is_stale(c)))
        except Exception:  # unreadable: not exact any more
            flags.append(True)
    return flags


class SourcesList(QWidget):
    openRequested = Signal(object)

    def __init__(self, citations: list[dict], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("replySources")
        self.citations = [c for c in citations if isinstance(c, dict)]
        self.stale: list[bool] | None = None  # known once checked
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, style.SPACE["xs"], 0, 0)
        lay.setSpacing(0)
        self.title = QLabel(_("Sources"))
        self.title.setObjectName("sourcesTitle")
        self.title.setStyleSheet(f"color: {style.current().muted}; font-size: {style.TYPE['caption']}px;")
        lay.addWidget(self.title)
        self.buttons: list[QToolButton] = []
        for i, c in enumerate(self.citations):
            b = QToolButton(self)
            b.setObjectName("sourceItem")
            b.setAutoRaise(True)
            b.setCursor(Qt.PointingHandCursor)
            b.setToolButtonStyle(Qt.ToolButtonTextOnly)
            b.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
            b.setText(self._line(c, False))
            b.setToolTip(self._tip(c, False))
            b.clicked.connect(lambda _checked=False, i=i: self.openRequested.emit(self.citations[i]))
            lay.addWidget(b, 0, Qt.AlignLeft)
            self.buttons.append(b)
        self.checker = op(self, _stale_flags, self.citations).success(self._mark).run()

    @staticmethod
    def _line(c: dict, stale: bool) -> str:
        line = f"[{c.get('n', '?')}] " + shorten(citation_place(c), LINE_CHARS)
        if stale:
            line += " · " + _("changed since")
        return line.replace("&", "&&")

    @staticmethod
    def _tip(c: dict, stale: bool) -> str:
        tip = str(c.get("file") or "")
        if stale:
            tip += "\n" + _("This file changed after the reply: the passage may no longer be there.")
        return tip + "\n" + _("Click to see the passage in its context.")

    def _mark(self, flags: list[bool]) -> None:
        self.stale = flags
        for b, c, flag in zip(self.buttons, self.citations, flags):
            b.setText(self._line(c, flag))
            b.setToolTip(self._tip(c, flag))
            b.setProperty("stale", flag)
            if flag:
                b.setStyleSheet(f"color: {style.current().warning};")
