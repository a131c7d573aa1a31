"""The document pane of the writing studio: the document's title and brief, the article
bar (draft all, copy, export; while a run writes, its progress and Stop), the lead paragraph
and the contents switch under it, the document's model and thinking switch beside its title
(``model_row.py``), and a two-pane editor with the outline on the left and the chosen section on the right.

Widgets only; :class:`~aigc_desktop.ui.writing.controller.DocumentController` fills
them from the store and answers their signals. Its colours come from ``ui/kit/style.py``
(:func:`studio_css`, re-applied on a theme change), as the global stylesheet knows none
of the studio's object names.

Signals of DocumentStudio:
    newRequested()        the empty state's New document button
    draftAllRequested()   the sections without finished text
    redoAllRequested()    every section, finished ones too (Draft all's ▾ menu)
    stopRequested()
    copyRequested()
    exportRequested()
    promptRequested()     see and edit the section prompt (ui/writing/prompt_dialog.py)
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QMenu, QProgressBar, QPushButton, QSizePolicy,
                               QSplitter, QStackedWidget, QToolButton, QVBoxLayout, QWidget)

from aigc_desktop.i18n import _
from aigc_desktop.ui.kit import style
from aigc_desktop.ui.writing.lead_edit import LeadEdit
from aigc_desktop.ui.writing.model_row import DocumentModelRow
from aigc_desktop.ui.writing.outline_editor import OutlineEditor
from aigc_desktop.ui.writing.section_view import SectionView


def studio_css(p: style.Palette) -> str:
    s, r, t = style.SPACE, style.RADIUS, style.TYPE
    return f"""
QWidget#documentStudio, QWidget#studioEditor {{ background: {p.window}; }}
QWidget#outlineEditor {{ background: {p.sidebar}; border-right: 1px solid {p.border}; }}
QLabel#documentTitle {{ color: {p.text}; font-size: {t['title'] + 4}px; font-weight: 600; }}
QLabel#documentBrief, QLabel#composerHint, QLabel#studioProgress {{ color: {p.muted}; font-size: {t['caption']}px; }}
QLabel#paneHeading {{ color: {p.muted}; font-size: {t['caption']}px; font-weight: 600;
    padding: {s['xxs']}px {s['xs']}px; }}
QLabel#sectionTitle {{ color: {p.text}; font-size: {t['title']}px; font-weight: 600; }}
QLabel#sectionStatus {{ color: {p.muted}; font-size: {t['small']}px; }}
QLabel#siblingLabel {{ color: {p.muted}; font-size: {t['caption']}px; }}
QLabel#emptyState {{ color: {p.muted}; font-size: {t['title']}px; }}
QListWidget#outlineList {{ background: transparent; border: none; outline: none; color: {p.text}; }}
QListWidget#outlineList::item {{ padding: {s['sm'] - 2}px {s['xs']}px; border-radius: {r['sm']}px;
    border: 2px solid transparent; }}
QListWidget#outlineList::item:hover {{ background: {p.hover}; }}
QListWidget#outlineList::item:selected {{ background: {p.selected}; color: {p.text}; }}
QListWidget#outlineList::item:focus {{ border: 2px solid {p.focus}; }}
QListWidget#outlineList QLineEdit {{ border: 2px solid {p.focus}; border-radius: {r['sm']}px; padding: 2px; }}
QPlainTextEdit#sectionText {{ background: {p.surface}; color: {p.text}; border: 1px solid {p.border};
    border-radius: {r['md']}px; padding: {s['sm']}px; font-size: {t['body'] + 1}px; }}
QPlainTextEdit#sectionText:focus {{ border: 2px solid {p.focus}; }}
QPlainTextEdit#sectionReasoning {{ background: {p.surface}; color: {p.muted}; border: 1px solid {p.border};
    border-radius: {r['sm']}px; padding: {s['xs']}px; font-size: {t['small']}px; }}
QPlainTextEdit#leadEdit {{ background: {p.surface}; color: {p.text}; border: 1px solid {p.border};
    border-radius: {r['sm']}px; }}
QPlainTextEdit#leadEdit:focus {{ border: 2px solid {p.focus}; }}
QToolButton#draftAllMore::menu-indicator {{ image: none; width: 0px; }}
QProgressBar#draftProgress {{ background: {p.bubble}; border: none; border-radius: 3px; max-height: 6px; }}
QProgressBar#draftProgress::chunk {{ background: {p.accent}; border-radius: 3px; }}
"""


class DocumentStudio(QWidget):
    newRequested = Signal()
    draftAllRequested = Signal()
    redoAllRequested = Signal()
    stopRequested = Signal()
    copyRequested = Signal()
    exportRequested = Signal()
    promptRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("documentStudio")
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.outline = OutlineEditor(self)
        self.section = SectionView(self)
        self.title = QLabel("", self)
        self.title.setObjectName("documentTitle")
        self.title.setTextFormat(Qt.PlainText)
        self.brief = QLabel("", self)
        self.brief.setObjectName("documentBrief")
        self.brief.setTextFormat(Qt.PlainText)
        self.brief.setWordWrap(True)
        self.draft_all_btn = self._button(_("Draft all"), "primaryButton", "ph.sparkle", "accent_text",
                                          _("Write each section that has no finished text yet, in order. "
                                            "Finished sections are skipped (▾ beside it redoes them too)."))
        self.draft_all_btn.clicked.connect(self.draftAllRequested)
        self.redo_btn = QToolButton(self)
        self.redo_btn.setObjectName("draftAllMore")
        self.redo_btn.setToolTip(_("More ways to draft all"))
        self.redo_btn.setAccessibleName(_("More ways to draft all"))
        self.redo_btn.setIconSize(QSize(style.ICON, style.ICON))
        style.set_icon(self.redo_btn, "ph.caret-down")
        self.redo_btn.setPopupMode(QToolButton.InstantPopup)
        menu = QMenu(self.redo_btn)
        self.redo_action = menu.addAction(_("Redo finished sections too"))
        self.redo_action.setToolTip(_("Draft every section again; each keeps its finished text unless the new "
                                      "one finishes"))
        menu.setToolTipsVisible(True)
        self.redo_action.triggered.connect(self.redoAllRequested)
        self.redo_btn.setMenu(menu)
        self.stop_btn = self._button(_("Stop"), "secondaryButton", "ph.stop", "text", _("Stop writing (Esc)"))
        self.stop_btn.clicked.connect(self.stopRequested)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("draftProgress")
        self.progress.setTextVisible(False)
        self.progress.setMinimumWidth(32)  # it gives way first when the bar is tight (see progress_label)
        self.progress.setMaximumWidth(120)
        self.progress.setVisible(False)
        self.progress_label = QLabel("", self)
        self.progress_label.setObjectName("studioProgress")
        # Neither it nor the progress bar may raise the studio's minimum width: a longer bar
        # while writing squeezed the sidebar and the whole window jumped sideways.
        self.progress_label.setMinimumWidth(1)
        self.lead = LeadEdit(self)
        self.lead.setPlaceholderText(_("Lead paragraph (optional): a few lines under the title"))
        self.lead.setAccessibleName(_("Lead paragraph"))
        self.toc = QCheckBox(_("Table of contents"), self)
        self.copy_btn = self._button(_("Copy article"), "secondaryButton", "ph.copy", "text",
                                     _("Copy the whole article, formatted (for WeChat, Word, email) and as Markdown"))
        self.copy_btn.clicked.connect(self.copyRequested)
        self.export_btn = self._button(_("Export…"), "secondaryButton", "ph.export", "text",
                                       _("Save the article as Markdown, HTML, Word or PDF"))
        self.export_btn.clicked.connect(self.exportRequested)
        self.prompt_btn = self._button(_("Section prompt…"), "secondaryButton", "ph.note-pencil", "text",
                                       _("See and edit the prompt each section is drafted with"))
        self.prompt_btn.clicked.connect(self.promptRequested)
        self.model_row = DocumentModelRow(self)  # the document's model and thinking switch
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._empty_page())
        self.stack.addWidget(self._editor_page())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack)
        self.set_theme(style.current())
        self.show_document(None)

    def _button(self, text: str, name: str, icon: str, role: str, tip: str) -> QPushButton:
        btn = QPushButton(text, self)
        btn.setObjectName(name)
        btn.setToolTip(tip)
        btn.setIconSize(QSize(style.ICON, style.ICON))
        style.set_icon(btn, icon, role)
        return btn

    def _empty_page(self) -> QWidget:
        page = QWidget(self)
        label = QLabel(_("Write an article section by section: a title, an outline, then each section "
                         "drafted by the model and edited by you."), page)
        label.setObjectName("emptyState")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignCenter)
        label.setMaximumWidth(460)
        self.empty_label = label
        self.empty_new_btn = self._button(_("New document"), "primaryButton", "ph.file-plus", "accent_text",
                                          _("Start a new document (Ctrl+Shift+N)"))
        self.empty_new_btn.clicked.connect(self.newRequested)
        # While the model proposes the first document's outline this page is what shows.
        self.empty_progress = QLabel("", page)
        self.empty_progress.setObjectName("studioProgress")
        self.empty_progress.setVisible(False)
        self.empty_stop_btn = self._button(_("Stop"), "secondaryButton", "ph.stop", "text", _("Stop writing (Esc)"))
        self.empty_stop_btn.clicked.connect(self.stopRequested)
        self.empty_stop_btn.setVisible(False)
        # A wrapped label placed with an alignment flag gets its one-line height, so the
        # text was cut off: a row with stretches keeps its height-for-width.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(label, 4)
        row.addStretch(1)
        lay = QVBoxLayout(page)
        lay.addStretch(1)
        lay.addLayout(row)
        lay.addSpacing(style.SPACE["lg"])
        lay.addWidget(self.empty_new_btn, 0, Qt.AlignHCenter)
        lay.addWidget(self.empty_progress, 0, Qt.AlignHCenter)
        lay.addWidget(self.empty_stop_btn, 0, Qt.AlignHCenter)
        lay.addStretch(2)
        return page

    def _editor_page(self) -> QWidget:
        sp = style.SPACE
        page = QWidget(self)
        page.setObjectName("studioEditor")
        head = QVBoxLayout()
        head.setContentsMargins(sp["lg"], sp["md"], sp["lg"], sp["sm"])
        head.setSpacing(sp["xs"])
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.model_row, 0, Qt.AlignTop)
        top.addWidget(self.prompt_btn, 0, Qt.AlignTop)
        head.addLayout(top)
        head.addWidget(self.brief)
        head.addSpacing(sp["xs"])
        head.addWidget(self._run_box())
        # The lead and the contents switch (the top of the article) have a row of their own:
        # beside the bar's buttons at 800 × 600 the contents box was drawn over the lead.
        lead_row = QHBoxLayout()
        lead_row.setSpacing(sp["sm"])
        lead_row.addWidget(self.lead, 1)
        lead_row.addWidget(self.toc, 0, Qt.AlignTop)
        head.addLayout(lead_row)
        split = QSplitter(Qt.Horizontal, page)
        split.setChildrenCollapsible(False)
        self.outline.setMinimumWidth(180)
        split.addWidget(self.outline)
        split.addWidget(self.section)
        split.setStretchFactor(1, 1)
        split.setSizes([240, 600])
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(head)
        lay.addWidget(split, 1)
        return page

    def _run_box(self) -> QStackedWidget:
        """The article bar: Draft all (with ▾) and Copy, Export; while a run writes, Stop with the
        progress in the bar's whole width (so its words are not cut off). Two pages of one stack,
        so the bar is as wide either way (a wider bar while writing squeezed the sidebar)."""
        self.run_box = QStackedWidget(self)
        idle = (self.draft_all_btn, self.redo_btn, None, self.copy_btn, self.export_btn)
        for widgets in (idle, (self.stop_btn, self.progress, self.progress_label)):
            page = QWidget(self.run_box)
            row = QHBoxLayout(page)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(style.SPACE["sm"])
            for w in widgets:
                if w is None:
                    row.addStretch(1)
                    continue
                policy = w.sizePolicy()
                policy.setRetainSizeWhenHidden(True)  # the progress bar shows only for Draft all
                w.setSizePolicy(policy)
                row.addWidget(w, 1 if w is self.progress_label else 0)
            self.run_box.addWidget(page)
        self.run_box.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
        return self.run_box

    # -- showing ------------------------------------------------------------------------
    def set_theme(self, palette: style.Palette) -> None:
        self.setStyleSheet(studio_css(palette))

    def show_document(self, doc) -> None:
        """The document's header (its sections are shown by the outline and section views)."""
        self.stack.setCurrentIndex(1 if doc is not None else 0)
        if doc is None:
            return
        self.title.setText(doc.title)
        self.brief.setText(doc.brief)
        self.brief.setVisible(bool(doc.brief))

    def set_busy(self, busy: bool, steps: int = 0) -> None:
        """A run writes: Draft all becomes Stop, the outline is locked; ``steps`` > 0 shows progress.

        The focus goes with the swap (Draft all → Stop → Draft all): a hidden button hands
        it to the next field, which was the lead paragraph."""
        self._swap(self.draft_all_btn, self.stop_btn, busy, self.run_box)
        self._swap(self.empty_new_btn, self.empty_stop_btn, busy)
        self.empty_progress.setVisible(busy)
        self.empty_progress.setText("")
        self.progress.setVisible(busy and steps > 0)
        self.progress_label.setVisible(busy)
        if busy:
            self.progress.setRange(0, max(steps, 1))
            self.progress.setValue(0)
        self.progress_label.setText("")
        self.outline.set_editable(not busy)
        self.section.set_busy(busy)
        self.copy_btn.setEnabled(not busy)
        self.export_btn.setEnabled(not busy)
        self.prompt_btn.setEnabled(not busy)
        self.model_row.setEnabled(not busy)

    @staticmethod
    def _swap(idle_btn: QPushButton, busy_btn: QPushButton, busy: bool, stack: QStackedWidget | None = None) -> None:
        shown, hidden = (busy_btn, idle_btn) if busy else (idle_btn, busy_btn)
        focused = hidden.hasFocus()
        if stack is not None:
            stack.setCurrentIndex(1 if busy else 0)
        else:
            shown.setVisible(True)
            hidden.setVisible(False)
        if focused:
            shown.setFocus(Qt.OtherFocusReason)

    def show_progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.set_progress_text(text)

    def set_progress_text(self, text: str) -> None:
        """The run's words, on the article bar and on the empty page (the first outline)."""
        self.progress_label.setText(text)
        self.progress_label.setToolTip(text)
        self.empty_progress.setText(text)
