"""Manage templates…: add, edit and delete the person's own prompt templates.

The built-ins are listed too, read-only, those in the window's language first and
the others under a heading (they share their names); "Duplicate" turns one into an
editable copy of the person's own. The dialog is handed the store (it owns nothing) and
a ``confirm(title, text)`` function (the window's ``prompts.confirm`` when there
is one, so tests answer it). A refused save (an empty name or text) shows its
message under the fields and keeps what was typed. The store's reads and writes
are a few rows of SQLite, so they run here on the GUI thread.

Signals of TemplatesDialog:
    changed()       the person's templates were added to, edited or deleted
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QMessageBox, QPlainTextEdit, QPushButton, QVBoxLayout,
                               QWidget)

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _, current_language
from aigc_desktop.ui.chat.template_picker import LANGUAGE_WORDS, OTHER_HEADING
from aigc_desktop.ui.kit import style
from aigc_desktop.writing.templates import (Template, from_record, guess_language, library, other_language,
                                            other_language_start, variables)

ROLE = Qt.UserRole + 1


class TemplatesDialog(QDialog):
    changed = Signal()

    def __init__(self, store, parent: QWidget | None = None, confirm=None) -> None:
        super().__init__(parent)
        self.store = store
        self.confirm = confirm or self._confirm
        self.setObjectName("templatesDialog")
        self.setWindowTitle(_("Prompt templates"))
        self.list = QListWidget(self)
        self.list.setObjectName("templatesList")
        self.list.setMinimumWidth(220)
        self.new_button = QPushButton(_("New"), self)
        self.duplicate_button = QPushButton(_("Duplicate"), self)
        self.delete_button = QPushButton(_("Delete"), self)
        left_buttons = QHBoxLayout()
        for b in (self.new_button, self.duplicate_button, self.delete_button):
            left_buttons.addWidget(b)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addLayout(left_buttons)

        self.name = QLineEdit(self)
        self.name.setObjectName("templateName")
        self.language = QComboBox(self)
        for code, word in LANGUAGE_WORDS.items():
            self.language.addItem(_(word), code)
        self.body = QPlainTextEdit(self)
        self.body.setObjectName("templateBody")
        self.body.setPlaceholderText(_("e.g. Please introduce {topic} in {n} aspects."))
        self.vars_label = QLabel(self)
        self.vars_label.setTextFormat(Qt.PlainText)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.PlainText)
        self.save_button = QPushButton(_("Save"), self)
        self.save_button.setDefault(True)
        form = QFormLayout()
        form.addRow(_("Name"), self.name)
        form.addRow(_("Language"), self.language)
        form.addRow(_("Text"), self.body)
        form.addRow("", self.vars_label)
        right = QVBoxLayout()
        right.addLayout(form, 1)
        right.addWidget(self.note)
        right.addWidget(self.save_button, 0, Qt.AlignRight)
        top = QHBoxLayout()
        top.addLayout(left, 2)
        top.addLayout(right, 3)
        close = QDialogButtonBox(QDialogButtonBox.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(close)
        self.resize(820, 480)

        self._language_chosen = False
        self.language.activated.connect(self._language_picked)
        self.list.currentItemChanged.connect(self._selected)
        self.body.textChanged.connect(self._show_variables)
        self.new_button.clicked.connect(self.new)
        self.duplicate_button.clicked.connect(self.duplicate)
        self.delete_button.clicked.connect(self.delete)
        self.save_button.clicked.connect(self.save)
        self.refresh()
        self.new()

    # -- the list -------------------------------------------------------------------
    def refresh(self, select_key: str | None = None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        templates = library(self.store)
        heading_at = other_language_start(templates)
        for i, t in enumerate(templates):
            if i == heading_at:
                self._add_heading(_(OTHER_HEADING[other_language()]))
            tag = _(LANGUAGE_WORDS.get(t.language, t.language))
            label = _("{name} (built-in, {language})").format(name=t.name, language=tag) if t.builtin \
                else _("{name} ({language})").format(name=t.name, language=tag)
            item = QListWidgetItem(label, self.list)
            item.setData(ROLE, t)
            if t.key == select_key:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self._selected(self.list.currentItem())

    def _add_heading(self, text: str) -> None:
        heading = QListWidgetItem(text, self.list)
        heading.setFlags(Qt.NoItemFlags)
        font = heading.font()
        font.setPixelSize(style.TYPE["caption"])
        font.setWeight(font.Weight.DemiBold)
        heading.setFont(font)
        heading.setForeground(QBrush(QColor(style.current().muted)))
        heading.setSizeHint(QSize(0, 28))  # a little air above it: it starts a group

    def current(self) -> Template | None:
        item = self.list.currentItem()
        return item.data(ROLE) if item is not None else None

    def _selected(self, item, _previous=None) -> None:
        t = item.data(ROLE) if item is not None else None
        editable = t is None or not t.builtin
        self.name.setText(t.name if t else "")
        self.body.setPlainText(t.body if t else "")
        self.language.setCurrentIndex(max(0, self.language.findData(t.language if t else "zh")))
        for w in (self.name, self.body):
            w.setReadOnly(not editable)
        self.language.setEnabled(editable)
        self.save_button.setEnabled(editable)
        self.delete_button.setEnabled(t is not None and not t.builtin)
        self.duplicate_button.setEnabled(t is not None)
        self.note.setText(_("Built-in templates cannot be changed; Duplicate makes a copy you can edit.")
                          if not editable else "")

    def _show_variables(self) -> None:
        if self.current() is None and not self._language_chosen:
            # A new template's language follows its text until the person picks one.
            body = self.body.toPlainText()
            lang = guess_language(body) if body.strip() else ("zh" if current_language().startswith("zh") else "en")
            self.language.setCurrentIndex(max(0, self.language.findData(lang)))
        names = " ".join("{" + v + "}" for v in variables(self.body.toPlainText()))
        self.vars_label.setText(_("Variables: {names}").format(names=names) if names
                                else _("No variables: write {topic} to ask for one."))

    def _language_picked(self, _index: int) -> None:
        self._language_chosen = True

    # -- actions --------------------------------------------------------------------
    def new(self) -> None:
        """Empty fields: Save adds a new template."""
        self.list.setCurrentItem(None)
        self.list.clearSelection()
        self._language_chosen = False
        self._selected(None)
        self.name.setFocus()

    def save(self) -> None:
        t = self.current()
        name, body, language = self.name.text(), self.body.toPlainText(), self.language.currentData()
        try:
            if t is None:
                record = self.store.add(name, body, language)
            else:
                record = self.store.update(t.id, name=name, body=body, language=language)
        except UserError as exc:
            self.note.setText(str(exc))
            return
        self.changed.emit()
        self.refresh(select_key=str(record.id))
        self.note.setText(_("Saved."))

    def duplicate(self) -> None:
        t = self.current()
        if t is None:
            return
        try:
            record = self.store.add(_("{name} (copy)").format(name=t.name), t.body, t.language)
        except UserError as exc:
            self.note.setText(str(exc))
            return
        self.changed.emit()
        self.refresh(select_key=from_record(record).key)
        self.name.setFocus()
        self.name.selectAll()

    def delete(self) -> None:
        t = self.current()
        if t is None or t.builtin:
            return
        if not self.confirm(_("Delete template"), _("Delete the template “{name}”?").format(name=t.name)):
            return
        try:
            self.store.delete(t.id)
        except UserError as exc:
            self.note.setText(str(exc))
            return
        self.changed.emit()
        self.refresh()
        self.new()

    def _confirm(self, title: str, text: str) -> bool:
        return QMessageBox.question(self, title, text) == QMessageBox.Yes
