"""One section of the document: its title and status, its versions as ``< n/m >`` (like
a reply's siblings), 👍/👎 on the version shown, and its text, editable by hand. Below
the text, where it ends: Continue writing (续写) with its own token limit, which only it
uses, or Save as version and Discard while the text has unsaved changes.

The text is a plain-text editor, so model output is shown inert (no HTML, no images, no
links). A hand edit is kept as a new version with Save as version; switching away from
a changed text saves it too (the controller does that through :meth:`edited_text`).

Signals of SectionView:
    draftRequested()                 draft (or regenerate) this section
    continueRequested(int max_tokens)   续写 by raw completion
    stopRequested()
    versionStepRequested(int step)   -1 previous, +1 next version
    saveEditRequested(str text)
    rateRequested(str rating)        "up", "down" or "" (clear)
    notesEdited(str notes)           the section's notes changed (they go into its draft prompt)
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox, QToolButton,
                               QVBoxLayout, QWidget)

from aigc_desktop.i18n import _, ngettext
from aigc_desktop.ui.kit import style
from aigc_desktop.ui.writing.section_reasoning import SectionReasoning
from aigc_desktop.ui.writing.status import status_icon, status_word

CONTINUE_TOKENS = 256


class SectionView(QWidget):
    draftRequested = Signal()
    continueRequested = Signal(int)
    stopRequested = Signal()
    versionStepRequested = Signal(int)
    saveEditRequested = Signal(str)
    rateRequested = Signal(str)
    notesEdited = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("sectionView")
        self.section = None
        self.rating: str | None = None
        self._saved_text = ""
        self._busy = False
        self._live = False
        self.title = QLabel("", self)
        self.title.setObjectName("sectionTitle")
        self.title.setTextFormat(Qt.PlainText)
        self.title.setWordWrap(True)
        self.status_icon = QLabel(self)
        self.status = QLabel("", self)
        self.status.setObjectName("sectionStatus")
        self.prev_btn = self._tool("ph.caret-left", _("Previous version"), self._prev)
        self.versions = QLabel("", self)
        self.versions.setObjectName("siblingLabel")
        self.next_btn = self._tool("ph.caret-right", _("Next version"), self._next)
        self.up_btn = self._tool("ph.thumbs-up", _("Good version (kept on this computer for your own use)"),
                                 self._up)
        self.down_btn = self._tool("ph.thumbs-down", _("Poor version (kept on this computer for your own use)"),
                                   self._down)
        for b in (self.up_btn, self.down_btn):
            b.setCheckable(True)
        self.draft_btn = QPushButton(_("Draft"), self)
        self.draft_btn.setObjectName("primaryButton")
        self.draft_btn.setIconSize(QSize(style.ICON, style.ICON))
        self.draft_btn.clicked.connect(self.draftRequested)
        self.continue_btn = QPushButton(_("Continue writing"), self)
        self.continue_btn.setObjectName("secondaryButton")
        self.continue_btn.setToolTip(_("Carry the text on from where it ends (raw completion, no chat template)"))
        self.continue_btn.clicked.connect(self._continue)
        self.max_tokens = QSpinBox(self)
        self.max_tokens.setRange(16, 8192)
        self.max_tokens.setSingleStep(64)
        self.max_tokens.setValue(CONTINUE_TOKENS)
        self.max_tokens.setPrefix(_("up to") + " ")
        self.max_tokens.setSuffix(" " + _("tokens"))
        self.max_tokens.setToolTip(_("At most this many tokens are added by Continue writing"))
        self.max_tokens.setAccessibleName(_("Continue writing: at most this many tokens"))
        self.stop_btn = QPushButton(_("Stop"), self)
        self.stop_btn.setObjectName("secondaryButton")
        self.stop_btn.clicked.connect(self.stopRequested)
        self.stop_btn.setVisible(False)
        self.notes = QLineEdit(self)
        self.notes.setObjectName("sectionNotes")
        self.notes.setPlaceholderText(_("Notes: points this section must cover (optional; the draft prompt includes them)"))
        self.notes.setClearButtonEnabled(True)
        self.notes.editingFinished.connect(self._notes_done)
        self.reasoning = SectionReasoning(self)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("sectionText")
        self.editor.setPlaceholderText(_("Not written yet. Draft it, or type the text yourself."))
        self.editor.textChanged.connect(self._text_changed)
        self.save_btn = QPushButton(_("Save as version"), self)
        self.save_btn.setObjectName("primaryButton")
        self.save_btn.clicked.connect(self._save)
        self.discard_btn = QPushButton(_("Discard changes"), self)
        self.discard_btn.setObjectName("secondaryButton")
        self.discard_btn.clicked.connect(self._discard)
        self.count = QLabel("", self)
        self.count.setObjectName("composerHint")
        self._build_layout()
        self.show_section(None, 0, 0)

    def _tool(self, icon: str, tip: str, slot) -> QToolButton:
        btn = QToolButton(self)
        btn.setToolTip(tip)
        btn.setAccessibleName(tip)
        btn.setIconSize(QSize(style.ICON, style.ICON))
        style.set_icon(btn, icon)
        btn.clicked.connect(slot)
        return btn

    def _build_layout(self) -> None:
        sp = style.SPACE
        head = QHBoxLayout()
        head.setSpacing(sp["xs"])
        head.addWidget(self.title, 1)
        head.addWidget(self.status_icon)
        head.addWidget(self.status)
        tools = QHBoxLayout()
        tools.setSpacing(sp["xs"])
        for w in (self.prev_btn, self.versions, self.next_btn):
            tools.addWidget(w)
        tools.addSpacing(sp["sm"])
        tools.addWidget(self.up_btn)
        tools.addWidget(self.down_btn)
        tools.addStretch(1)
        tools.addWidget(self.draft_btn)
        tools.addWidget(self.stop_btn)
        foot = QHBoxLayout()
        foot.setSpacing(sp["sm"])
        foot.addWidget(self.continue_btn)  # its token limit beside it: Draft does not use it
        foot.addWidget(self.max_tokens)
        foot.addWidget(self.save_btn)
        foot.addWidget(self.discard_btn)
        foot.addStretch(1)
        foot.addWidget(self.count)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(sp["md"], sp["sm"], sp["md"], sp["sm"])
        lay.setSpacing(sp["sm"])
        lay.addLayout(head)
        lay.addLayout(tools)
        lay.addWidget(self.notes)
        lay.addWidget(self.editor, 1)
        lay.addWidget(self.reasoning)  # the shown version's thinking, folded (never part of the text)
        lay.addLayout(foot)

    # -- showing ------------------------------------------------------------------------
    def show_section(self, section, version_index: int, version_count: int, rating: str | None = None,
                     reasoning: str = "") -> None:
        """``section`` is a store record (or None); ``version_index`` 1-based of ``version_count``;
        ``reasoning`` what the model thought for the shown version (shown folded)."""
        self.section = section
        self.reasoning.show_text(reasoning)
        self.rating = rating
        self._live = False
        self.title.setText(f"{section.index}. {section.title}" if section else _("No section"))
        self._show_status(section.status if section else "empty")
        self.versions.setText(f"{version_index}/{version_count}" if version_count else "0/0")
        self._version_index, self._version_count = version_index, version_count
        self._saved_text = section.text if section else ""
        self.editor.blockSignals(True)
        self.editor.setPlainText(self._saved_text)
        self.editor.blockSignals(False)
        self.notes.setText(section.notes if section else "")
        self.draft_btn.setText(_("Regenerate") if section and section.version_count else _("Draft"))
        style.set_icon(self.draft_btn, "ph.arrow-clockwise" if section and section.version_count else "ph.sparkle",
                       "accent_text")
        self._update()

    def _show_status(self, status: str) -> None:
        name, role = status_icon(status)
        self.status_icon.setPixmap(style.icon(name, role).pixmap(style.ICON, style.ICON))
        self.status.setText(status_word(status))

    def begin_live(self, text: str | None = None) -> None:
        """A run writes into this section: show its text as it arrives (read-only), after ``text``
        (a draft starts empty; 续写 goes on from the text shown)."""
        if text is not None:
            self.editor.blockSignals(True)
            self.editor.setPlainText(text)
            self.editor.blockSignals(False)
        self._live = True
        self.reasoning.show_text("")
        self._show_status("drafting")
        self._update()

    def append_live(self, text: str) -> None:
        cursor = self.editor.textCursor()
        cursor.movePosition(QTextCursor.End)
        self.editor.blockSignals(True)
        cursor.insertText(text)
        self.editor.blockSignals(False)
        self.editor.ensureCursorVisible()
        self._count()

    def set_busy(self, busy: bool) -> None:
        """While a run writes only Stop works; the focus goes to it and back to Draft after
        (a disabled button drops the focus to the next field)."""
        had_focus = any(w.hasFocus() for w in (self.draft_btn, self.continue_btn, self.stop_btn))
        self._busy = busy
        self._update()
        if had_focus:
            (self.stop_btn if busy else self.draft_btn).setFocus(Qt.OtherFocusReason)

    def edited_text(self) -> str | None:
        """The text if the person changed it and has not saved it yet, else None."""
        if self.section is None or self._live:
            return None
        text = self.editor.toPlainText()
        return text if text != self._saved_text else None

    def _update(self) -> None:
        has = self.section is not None
        changed = self.edited_text() is not None
        idle = has and not self._busy
        self.editor.setReadOnly(not idle)
        self.prev_btn.setEnabled(idle and self._version_index > 1 and not changed)
        self.next_btn.setEnabled(idle and self._version_index < self._version_count and not changed)
        rated = idle and self._version_count > 0 and not changed
        self.up_btn.setEnabled(rated)
        self.down_btn.setEnabled(rated)
        self.up_btn.setChecked(self.rating == "up")
        self.down_btn.setChecked(self.rating == "down")
        self.draft_btn.setEnabled(idle)
        self.continue_btn.setEnabled(idle and bool(self.section.text.strip()) and not changed if has else False)
        self.max_tokens.setEnabled(idle)
        self.notes.setEnabled(idle)  # saving notes reloads the view, which a live run must not see
        self.stop_btn.setVisible(self._busy)
        self.save_btn.setVisible(changed)
        self.discard_btn.setVisible(changed)
        self.continue_btn.setVisible(not changed)  # it goes on from the saved text: Save or Discard first
        self.max_tokens.setVisible(not changed)
        self._count()

    def _count(self) -> None:
        n = len(self.editor.toPlainText())
        self.count.setText(ngettext("{n:,} character", "{n:,} characters", n).format(n=n) if self.section else "")

    # -- the person's actions -------------------------------------------------------------
    @Slot()
    def _text_changed(self) -> None:
        self._update()

    @Slot()
    def _save(self) -> None:
        text = self.edited_text()
        if text is not None:
            self.saveEditRequested.emit(text)

    @Slot()
    def _discard(self) -> None:
        self.editor.setPlainText(self._saved_text)

    @Slot()
    def _continue(self) -> None:
        self.continueRequested.emit(self.max_tokens.value())

    @Slot()
    def _prev(self) -> None:
        self.versionStepRequested.emit(-1)

    @Slot()
    def _next(self) -> None:
        self.versionStepRequested.emit(+1)

    @Slot()
    def _up(self) -> None:
        self.rateRequested.emit("" if self.rating == "up" else "up")

    @Slot()
    def _down(self) -> None:
        self.rateRequested.emit("" if self.rating == "down" else "down")

    @Slot()
    def _notes_done(self) -> None:
        if self.section is not None and self.notes.text().strip() != (self.section.notes or ""):
            self.notesEdited.emit(self.notes.text().strip())
