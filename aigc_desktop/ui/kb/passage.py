"""A cited passage in its context: the file re-read, the quoted text highlighted, and Open file.

The file is re-parsed off the GUI thread (``kb.citations.passage_context``; a long PDF takes a
moment). A citation whose file changed or went since the reply (``kb.citations.is_stale``) is
never shown as if it were still exact: the dialog says so and shows the passage as it was
quoted then, not a highlight at offsets that may now point elsewhere.

Everything shown comes from documents (untrusted): it is escaped into the view, which loads
no resources and follows no links.

Open file hands the file to the system (``QDesktopServices``). For a PDF the page is said in
the button's tooltip, but the file is opened at its start: a ``#page=N`` fragment on a
``file://`` URL is dropped by xdg-open and the Windows and macOS openers, and most viewers
would ignore it anyway; asking each viewer for its own page option is not worth its cost.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QTextBrowser, QVBoxLayout

from aigc_desktop.i18n import _
from aigc_desktop.ui.kit import style
from aigc_desktop.ui.kit.tasks import op


def citation_place(c: dict) -> str:
    """"file · p. 2 · heading" of a citation (plain text)."""
    bits = [Path(str(c.get("file") or "")).name or _("(unknown file)")]
    if c.get("page"):
        bits.append(_("p. {page}").format(page=c["page"]))
    if c.get("heading"):
        bits.append(str(c["heading"]))
    return " · ".join(bits)


def _load(citation: dict):
    """Off the GUI thread: (stale, (before, passage, after) or None)."""
    from aigc_desktop.kb.citations import is_stale, passage_context

    if is_stale(citation):
        return True, None
    return False, passage_context(citation)


class PassageView(QDialog):
    def __init__(self, citation: dict, parent=None) -> None:
        super().__init__(parent)
        self.citation = citation
        self.stale: bool | None = None  # known once the file was read
        self.shown: tuple[str, str, str] | None = None  # (before, passage, after) when shown in context
        self.setObjectName("passageView")
        self.setWindowTitle(_("Source [{n}]").format(n=citation.get("n", "?")))
        self.place = QLabel(citation_place(citation))
        self.place.setTextFormat(Qt.PlainText)
        self.place.setWordWrap(True)
        self.place.setToolTip(str(citation.get("file") or ""))
        self.note = QLabel(_("Reading the file…"))
        self.note.setTextFormat(Qt.PlainText)
        self.note.setWordWrap(True)
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.setOpenExternalLinks(False)
        self.view.setPlainText(str(citation.get("text") or ""))
        self.open_button = QPushButton(_("Open file"))
        self.open_button.clicked.connect(self.open_file)
        page = citation.get("page")
        self.open_button.setToolTip(
            _("Opens the file in its usual app (the passage is on page {page}).").format(page=page) if page
            else _("Opens the file in its usual app."))
        buttons = QDialogButtonBox()
        buttons.addButton(self.open_button, QDialogButtonBox.ActionRole)
        buttons.addButton(QPushButton(_("Close")), QDialogButtonBox.RejectRole)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.place)
        lay.addWidget(self.note)
        lay.addWidget(self.view, 1)
        lay.addWidget(buttons)
        self.resize(640, 460)
        self.loader = op(self, _load, citation).success(self._loaded).failure(self._failed).run()

    def _loaded(self, result) -> None:
        stale, parts = result
        self.stale = stale
        if stale:
            self._show_stale()
            return
        before, passage, after = parts
        self.shown = (before, passage, after)
        p = style.current()
        # The welcome card's note colours: its pale yellow in the light theme, its amber edge in the dark
        # (the dark note background is too close to the page to mark anything).
        back = p.welcome.get("note_border" if p.name == "dark" else "note_bg", p.selected)
        mark = f"background-color:{back}; color:{p.text}; font-weight:600;"
        body = (f"<div style='white-space: pre-wrap;'>{html.escape(before)}"
                f"<span style=\"{mark}\">{html.escape(passage)}</span>{html.escape(after)}</div>")
        self.view.setHtml(body)
        cursor = self.view.textCursor()
        cursor.setPosition(min(len(before) + len(passage), len(self.view.toPlainText())))
        self.view.setTextCursor(cursor)
        self.view.ensureCursorVisible()
        self.note.setText(_("The quoted passage is highlighted."))

    def _show_stale(self) -> None:
        gone = not Path(str(self.citation.get("file") or "")).exists()
        self.note.setText(_("Changed since the reply: this file is no longer there. Below is the passage as it "
                            "was quoted then.") if gone else
                          _("Changed since: this file was changed after the reply, so the passage may no longer "
                            "be there. Below is the passage as it was quoted then."))
        self.note.setProperty("stale", True)
        self.note.setStyleSheet(f"color: {style.current().warning};")
        self.view.setPlainText(str(self.citation.get("text") or ""))
        self.open_button.setEnabled(not gone)

    def _failed(self, message: str) -> None:
        self.note.setText(message)
        self.note.setStyleSheet(f"color: {style.current().error};")

    def passage(self) -> str:
        """The text highlighted (in context) or, for a stale citation, the passage as quoted."""
        return self.shown[1] if self.shown else str(self.citation.get("text") or "")

    def open_file(self) -> None:
        path = Path(str(self.citation.get("file") or ""))
        if not path.exists():
            self.note.setText(_("The file {path} is no longer there.").format(path=path))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def open_passage(citation: dict, parent=None) -> PassageView:
    """Show one citation's passage (non-modal: the chat stays usable)."""
    view = PassageView(citation, parent)
    view.setAttribute(Qt.WA_DeleteOnClose)
    view.show()
    return view
