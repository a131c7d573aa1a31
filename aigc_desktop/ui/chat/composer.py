"""The message box: Enter sends, Shift+Enter breaks the line, an IME's Enter never sends.

A rounded box, centred under the reading column, that grows with its text (up
to a limit); the send button sits inside it (disabled while the box is empty,
a Stop button while a reply streams), next to a pill naming the loaded model.

Typing ``/`` as the first character opens the prompt-template picker
(``ui/chat/template_picker.py``) above the box; the box keeps the keyboard and hands
the picker Up, Down, Enter and Esc while it shows. A chosen template with
variables opens ``ui/chat/template_form.py``; the filled text lands here, unsent.
Whoever builds the composer gives it the person's templates with
:meth:`Composer.set_templates`; without them the picker offers the built-ins.

Signals of Composer:
    sendRequested(str text)
    edited()                the text changed, except when another chat's draft was shown (:meth:`show_draft`)
    stopRequested()
    editLastRequested()     Up in an empty box
    continueRequested()     续写: carry the draft on by raw completion (``ui/chat/continuation.py``)
"""

from __future__ import annotations

from pathlib import Path

import logging

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from aigc_desktop.i18n import N_, _
from aigc_desktop.ui.kit import style
from aigc_desktop.ui.kit.elide import elide

log = logging.getLogger(__name__)
MAX_DROP_BYTES = 2_000_000
MAX_LINES = 10  # the box grows up to this many lines, then scrolls
PLACEHOLDER = N_("Message… (Enter to send, Shift+Enter for a new line)")
SEND_TEXT = N_("Send")
STOP_TEXT = N_("Stop")
SEND_TIP = N_("Send (Enter)")
STOP_TIP = N_("Stop the reply (Esc)")
NO_MODEL = N_("No model")
PILL_WIDTH = 260  # px: the model pill never pushes the Send button off a small window
LOADING = N_("Loading {name}…")
LOADING_ANY = N_("Loading the model…")
MODEL_TIP = N_("The model that answers; choose another in the toolbar or Models → Manage models…")
PICKER_KEYS = (Qt.Key_Up, Qt.Key_Down, Qt.Key_PageUp, Qt.Key_PageDown, Qt.Key_Return, Qt.Key_Enter,
               Qt.Key_Tab, Qt.Key_Escape)


class ComposerEdit(QPlainTextEdit):
    submit = Signal()
    upOnEmpty = Signal()
    typed = Signal()  # after a key or an input method's commit changed the text (may open the picker)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._composing = False
        self.picker = None  # the template picker while it exists (Composer sets it)
        self.setPlaceholderText(_(PLACEHOLDER))
        self.setTabChangesFocus(True)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        # While an input method has uncommitted text (pinyin being composed),
        # Enter belongs to the input method, not to us.
        self._composing = bool(event.preeditString())
        super().inputMethodEvent(event)
        if event.commitString():
            self.typed.emit()

    def _picker_shown(self) -> bool:
        return self.picker is not None and self.picker.isVisible()

    def event(self, event) -> bool:
        # Esc is also the window's Stop shortcut; while the picker shows, it only closes the picker.
        if event.type() == QEvent.ShortcutOverride and self._picker_shown() and event.key() in PICKER_KEYS:
            event.accept()
            return True
        return super().event(event)

    @property
    def composing(self) -> bool:
        return self._composing

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self._picker_shown() and not self._composing and key in PICKER_KEYS \
                and not event.modifiers() & ~Qt.KeypadModifier:
            self.picker.handle_key(key)
            return
        self._key(event)
        self.typed.emit()

    def _key(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key_Return, Qt.Key_Enter):
            if self._composing:
                return  # the input method owns this Enter (it commits the preedit)
            if event.modifiers() & (Qt.ShiftModifier | Qt.AltModifier):
                super().keyPressEvent(event)
                return
            if not event.isAutoRepeat():
                self.submit.emit()
            return
        if key == Qt.Key_Up and not self.toPlainText() and not event.modifiers():
            self.upOnEmpty.emit()
            return
        super().keyPressEvent(event)

    # Drop a text file to insert its content.
    def canInsertFromMimeData(self, source) -> bool:
        return source.hasUrls() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source) -> None:
        if source.hasUrls():
            for url in source.urls():
                if url.isLocalFile():
                    self.insert_file(Path(url.toLocalFile()))
            return
        super().insertFromMimeData(source)

    def insert_file(self, path: Path) -> bool:
        try:
            if path.stat().st_size > MAX_DROP_BYTES:
                return False
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return False
        self.insertPlainText(text)
        return True


class Composer(QWidget):
    sendRequested = Signal(str)
    edited = Signal()
    stopRequested = Signal()
    editLastRequested = Signal()
    continueRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setAttribute(Qt.WA_StyledBackground, True)
        s = style.SPACE
        self.frame = QFrame(self)
        self.frame.setObjectName("composerFrame")
        self.edit = ComposerEdit(self.frame)
        self.edit.setObjectName("composerEdit")
        self.edit.setFrameShape(QFrame.NoFrame)
        self.edit.setAccessibleName(_("Message"))
        self.edit.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # on once the box stops growing
        self.model_pill = QLabel(_(NO_MODEL), self.frame)
        self.model_pill.setObjectName("modelPill")
        self.model_pill.setToolTip(_(MODEL_TIP))
        self.model_pill.setTextFormat(Qt.PlainText)
        self.continue_button = QToolButton(self.frame)
        self.continue_button.setObjectName("continueButton")
        self.continue_button.setToolTip(_("Continue writing this text (续写): the model carries it on, "
                                          "no chat template, nothing is sent (Ctrl+Shift+Enter)"))
        self.continue_button.setAccessibleName(_("Continue writing this text"))
        self.continue_button.setIconSize(QSize(18, 18))
        self.continue_button.setCursor(Qt.PointingHandCursor)
        self.continue_button.setFocusPolicy(Qt.TabFocus)
        style.set_icon(self.continue_button, "ph.pen-nib")
        self.continue_button.clicked.connect(self.continueRequested)
        self.button = QToolButton(self.frame)
        self.button.setObjectName("sendButton")
        self.button.setToolButtonStyle(Qt.ToolButtonIconOnly)
        self.button.setFixedSize(34, 34)
        self.button.setIconSize(QSize(18, 18))
        self.button.setCursor(Qt.PointingHandCursor)
        self.button.setFocusPolicy(Qt.TabFocus)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.model_pill, 0, Qt.AlignVCenter)
        bottom.addStretch(1)
        bottom.addWidget(self.continue_button, 0, Qt.AlignVCenter)
        bottom.addWidget(self.button, 0, Qt.AlignBottom)
        inner = QVBoxLayout(self.frame)
        inner.setContentsMargins(s["lg"], s["md"], s["sm"], s["sm"])
        inner.setSpacing(s["xs"])
        inner.addWidget(self.edit)
        inner.addLayout(bottom)
        self._outer = QHBoxLayout(self)
        self._outer.addWidget(self.frame)
        self._busy = False
        self._showing_draft = False
        self._templates = None  # the person's TemplateStore, if the builder gave one
        self._picker = None
        self._picker_dismissed = False  # Esc closed it: not again until the / is gone
        self.form = None  # the template form while it is open
        self.templates_dialog = None
        self.edit.submit.connect(self._submit)
        self.edit.typed.connect(self._typed)
        self.edit.upOnEmpty.connect(self.editLastRequested)
        self.edit.textChanged.connect(self._text_changed)
        self.edit.textChanged.connect(self._follow_text)
        self.edit.textChanged.connect(self._edited)
        self.edit.document().documentLayout().documentSizeChanged.connect(self._grow)
        self.edit.installEventFilter(self)
        self.frame.installEventFilter(self)
        self.button.clicked.connect(self._clicked)
        self._show_state()
        self._grow()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        s = style.SPACE
        side = max(s["lg"], (self.width() - style.COLUMN_MAX + 1) // 2)
        self._outer.setContentsMargins(side, s["xs"], side, s["lg"])

    def moveEvent(self, event) -> None:
        super().moveEvent(event)
        self._replace_picker()

    def _replace_picker(self) -> None:
        if self.picker_visible():
            self._picker.place_above(self.frame)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.frame and event.type() in (QEvent.Move, QEvent.Resize):
            self._replace_picker()  # the box grew or the window was resized: the list follows
        if obj is self.edit and event.type() in (QEvent.FocusIn, QEvent.FocusOut):
            # The ring goes round the whole box, not the bare text area inside it.
            self.frame.setProperty("focused", event.type() == QEvent.FocusIn)
            self.frame.style().unpolish(self.frame)
            self.frame.style().polish(self.frame)
            if event.type() == QEvent.FocusOut and self.picker_visible():
                self._picker.hide()  # the list never takes the focus, so the person went elsewhere
        return super().eventFilter(obj, event)

    def _grow(self, *_args) -> None:
        line = self.edit.fontMetrics().lineSpacing()
        wanted = int(self.edit.document().size().height())
        lines = max(1, min(MAX_LINES, wanted))
        self.edit.setVerticalScrollBarPolicy(Qt.ScrollBarAsNeeded if wanted > MAX_LINES else Qt.ScrollBarAlwaysOff)
        self.edit.setFixedHeight(lines * line + 2 * int(self.edit.document().documentMargin()) + 4)

    def set_model_name(self, name: str) -> None:
        """The pill names the loaded model ("" when none is)."""
        # A long remote id ("lab/Qwen/Qwen3-30B-A3B-Instruct-2507-GGUF:Q4_K_M") is cut in the
        # middle, where ids differ least; the tooltip has it whole.
        self.model_pill.setText(elide(name, self.model_pill.font(), PILL_WIDTH) if name else _(NO_MODEL))
        self.model_pill.setToolTip(f"{name}\n{_(MODEL_TIP)}" if name else _(MODEL_TIP))

    def show_loading(self, name: str | None = None) -> None:
        """The pill says a model is loading (``name``, or not known yet while the app starts)."""
        self.model_pill.setText(_(LOADING).format(name=name) if name else _(LOADING_ANY))
        self.model_pill.setToolTip(_(MODEL_TIP))

    def set_busy(self, busy: bool) -> None:
        """While a reply streams the button is Stop and Enter does not send."""
        self._busy = busy
        self._show_state()

    def _text_changed(self) -> None:
        self._show_state()

    def _show_state(self) -> None:
        busy = self._busy
        self.button.setText(_(STOP_TEXT if busy else SEND_TEXT))
        self.button.setAccessibleName(self.button.text())
        self.button.setToolTip(_(STOP_TIP if busy else SEND_TIP))
        self.button.setEnabled(busy or bool(self.edit.toPlainText().strip()))
        self.continue_button.setEnabled(not busy and bool(self.edit.toPlainText().strip()))
        if self.button.property("busy") != busy:
            style.set_icon(self.button, "ph.stop-fill" if busy else "ph.arrow-up-bold", "window" if busy else "accent_text")
            self.button.setProperty("busy", busy)
            self.button.style().unpolish(self.button)
            self.button.style().polish(self.button)

    @property
    def busy(self) -> bool:
        return self._busy

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text)
        cursor = self.edit.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.edit.setTextCursor(cursor)

    def show_draft(self, text: str) -> None:
        """Show another chat's unsent text (its undo history stays behind with the old text);
        not an edit: :attr:`edited` stays quiet, so merely opening a chat evaluates nothing."""
        self._showing_draft = True
        try:
            self.set_text(text)
        finally:
            self._showing_draft = False

    def _edited(self) -> None:
        if not self._showing_draft:
            self.edited.emit()

    def _clicked(self) -> None:
        if self._busy:
            self.stopRequested.emit()
        else:
            self._submit()

    def _submit(self) -> None:
        if self._busy:
            return
        text = self.edit.toPlainText()
        if not text.strip():
            return
        # The text stays until the service confirms the message is saved.
        self.sendRequested.emit(text)

    # -- prompt templates ----------------------------------------------------------------
    def set_templates(self, store) -> None:
        """The person's templates (a ``store.templates.TemplateStore``), or None for built-ins only."""
        self._templates = store

    def picker_visible(self) -> bool:
        return self._picker is not None and self._picker.isVisible()

    @property
    def picker(self):
        """The template picker (made on first use, a child of the window so it can sit over the chat)."""
        from aigc_desktop.ui.chat.template_picker import TemplatePicker

        host = self.window()
        if self._picker is None or self._picker.parentWidget() is not host:
            if self._picker is not None:
                self._picker.deleteLater()
            self._picker = TemplatePicker(host)
            self._picker.chosen.connect(self._template_chosen)
            self._picker.manageRequested.connect(self.manage_templates)
            self._picker.dismissed.connect(self.dismiss_picker)
            self.edit.picker = self._picker
        return self._picker

    def open_picker(self) -> bool:
        """Show the templates for the ``/`` text in the box; False when none match."""
        from aigc_desktop.i18n import current_language
        from aigc_desktop.ui.chat.template_picker import slash_query
        from aigc_desktop.writing.templates import builtins, library

        query = slash_query(self.text())
        if query is None:
            return False
        picker = self.picker
        if not picker.isVisible():
            try:  # a few rows of SQLite: read afresh, another window or the dialog may have changed them
                items = library(self._templates, current_language())
            except Exception:
                log.exception("could not read the prompt templates")
                items = builtins(current_language())
            picker.set_templates(items, manage=self._templates is not None)
        picker.set_filter(query)
        if not picker.matches():
            picker.hide()
            return False
        picker.show()  # first: showing it may lay the window out again, moving the box
        picker.place_above(self.frame)
        return True

    def _typed(self) -> None:
        from aigc_desktop.ui.chat.template_picker import slash_query

        if slash_query(self.text()) is not None and not self._picker_dismissed:
            self.open_picker()

    def _follow_text(self) -> None:
        from aigc_desktop.ui.chat.template_picker import slash_query

        if slash_query(self.text()) is None:
            self._picker_dismissed = False
            if self.picker_visible():
                self._picker.hide()
        elif self.picker_visible():
            self.open_picker()  # filter as the person types

    def dismiss_picker(self) -> None:
        """Esc: close the list and keep the typed text (a message may start with /)."""
        self._picker_dismissed = True
        if self._picker is not None:
            self._picker.hide()

    def _template_chosen(self, template) -> None:
        from aigc_desktop.ui.chat.template_form import TemplateForm

        if not template.variables:
            self._put(template.body)
            return
        self.form = TemplateForm(template, self.window())
        self.form.filled.connect(self._put)
        self.form.finished.connect(self._form_closed)
        self.form.open()

    def _form_closed(self, _result: int) -> None:
        self.form.deleteLater()
        self.form = None
        self.edit.setFocus()

    def _put(self, text: str) -> None:
        """The filled template replaces the /… text; the person reviews it and sends it."""
        self._picker_dismissed = False
        self.set_text(text)
        self.edit.setFocus()

    def manage_templates(self) -> None:
        """Open Manage templates… (add, edit, delete the person's own)."""
        from aigc_desktop.ui.dialogs.templates import TemplatesDialog

        if self._templates is None:
            return
        prompts = getattr(self.window(), "prompts", None)
        self.templates_dialog = TemplatesDialog(self._templates, self.window(),
                                                confirm=prompts.confirm if prompts is not None else None)
        self.templates_dialog.finished.connect(self._manage_closed)
        self.templates_dialog.open()

    def _manage_closed(self, _result: int) -> None:
        self.templates_dialog.deleteLater()
        self.templates_dialog = None
        self.edit.setFocus()
        if not self._picker_dismissed:
            self.open_picker()  # back to the list, now with the new templates
