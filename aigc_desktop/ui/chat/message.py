"""One message in the chat: the person's as a right-aligned bubble, the assistant's
full width without a box, each with a small avatar and icon actions.

The actions (copy, regenerate or edit, delete) fade in on hover and when one of
them has keyboard focus (they stay focusable while faded, so Tab reaches them);
the version switcher ``< n/m >`` is always shown when there are versions. Edit
turns the bubble into an editor in place (Ctrl+Enter saves, Esc cancels). A reply
cut at Max tokens says so in its header, and the newest such reply shows a Continue
button (always, not faded) that carries it on in place. A reply with reasoning shows
its thinking in a collapsible block above the answer (``thinking.py``); Copy copies the answer only.

A message talks to its :class:`ChatView` by emitting the view's signals; it has none.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsOpacityEffect,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from aigc_desktop.i18n import N_, _
from aigc_desktop.render.palette import Theme
from aigc_desktop.ui.kit import style
from aigc_desktop.ui.chat.message_body import MessageBody
from aigc_desktop.ui.chat.message_editor import MessageEditor
from aigc_desktop.ui.chat.thinking import ThinkingBlock
from aigc_desktop.ui.tools.cards import ToolCallList
from aigc_desktop.ui.export.clipboard import copy_markdown

# Marked here, translated where shown (the language is installed before any window).
ROLE_LABELS = {"user": N_("You"), "assistant": N_("Assistant"), "system": N_("System")}
STATUS_NOTES = {
    "streaming": N_("writing…"),
    "stopped": N_("stopped"),
    "error": N_("error"),
    "interrupted": N_("interrupted (the app closed while writing)"),
}
TRUNCATED = N_("cut off at Max tokens")
BUBBLE_SHARE = 0.8  # the person's bubble takes at most this share of the column


class MessageWidget(QFrame):
    def __init__(self, view, record, theme: Theme) -> None:
        super().__init__()
        self.view = view
        self.record = record
        self.theme = theme
        self.text = record.content
        self.reasoning = record.reasoning  # the thinking, apart from the answer (``text``)
        self.thinking: ThinkingBlock | None = None  # made when there is reasoning to show
        self.tool_cards: ToolCallList | None = None  # made when the reply called a tool
        self.sources = None  # the reply's cited sources (ui/kb/sources.py), made when it has citations
        self.editor: MessageEditor | None = None
        self._hovered = False
        self._focus_inside = False
        self._pinned = False
        self._streaming = False
        self.is_user = record.role == "user"
        self.setObjectName(f"message-{record.role}")
        self.setFocusPolicy(Qt.NoFocus)
        self.header = QLabel(self)
        self.header.setObjectName("messageHeader")
        self.header.setTextFormat(Qt.PlainText)
        # A long model name must not widen the message; the full text is in the tooltip.
        self.header.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.header.setMinimumWidth(30)
        self.header.setWordWrap(True)
        self.avatar = QLabel(self)
        self.avatar.setObjectName("avatar")
        self.avatar.setProperty("role", record.role)
        self.avatar.setFixedSize(style.AVATAR, style.AVATAR)
        self.avatar.setAlignment(Qt.AlignCenter)
        self.avatar.setToolTip(_(ROLE_LABELS[record.role]) if record.role in ROLE_LABELS else record.role)
        self._avatar_icon = _AvatarIcon(self.avatar)
        style.set_icon(self._avatar_icon, "ph.user" if self.is_user else "ph.sparkle",
                       "muted" if self.is_user else "accent")
        self.body = MessageBody(self, shrink=self.is_user)
        self.body.anchorClicked.connect(self._link)
        self._build_actions()
        self._build_layout()
        self.refresh()

    # -- building -----------------------------------------------------------------------
    def _build_layout(self) -> None:
        s = style.SPACE
        self.bubble = QFrame(self)
        if self.is_user:
            self.bubble.setObjectName("bubble")
        self.bubble.setSizePolicy(QSizePolicy.Preferred if self.is_user else QSizePolicy.Expanding,
                                  QSizePolicy.Preferred)
        self.bubble_layout = QVBoxLayout(self.bubble)
        pad = (s["lg"], s["sm"], s["lg"], s["sm"]) if self.is_user else (0, 0, 0, 0)
        self.bubble_layout.setContentsMargins(*pad)
        self.bubble_layout.addWidget(self.body)
        content = self._content = QVBoxLayout()
        content.setSpacing(s["xs"])
        content.addWidget(self.header)
        content.addWidget(self.bubble)
        content.addWidget(self.bar)
        row = QHBoxLayout()
        row.setSpacing(s["md"])
        if self.is_user:
            row.addStretch(1)
            row.addLayout(content, 0)
            row.addWidget(self.avatar, 0, Qt.AlignTop)
            content.setAlignment(self.bubble, Qt.AlignRight)
            content.setAlignment(self.header, Qt.AlignRight)
        else:
            row.addWidget(self.avatar, 0, Qt.AlignTop)
            row.addLayout(content, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row)

    def _tool(self, layout, icon: str, text: str, tip: str, slot) -> QToolButton:
        b = QToolButton(self)
        b.setText(text)
        b.setAccessibleName(text)
        b.setToolTip(tip)
        b.setAutoRaise(True)
        b.setToolButtonStyle(Qt.ToolButtonIconOnly)
        b.setIconSize(QSize(style.ICON, style.ICON))
        b.setFixedSize(28, 28)  # never squeezed below its icon
        b.setFocusPolicy(Qt.TabFocus)  # the focus ring shows for the keyboard, not after a click
        style.set_icon(b, icon)
        b.clicked.connect(slot)
        b.installEventFilter(self)
        layout.addWidget(b)
        return b

    def _build_actions(self) -> None:
        self.bar = QWidget(self)
        bar = QHBoxLayout(self.bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(style.SPACE["xxs"])
        self.switcher = QWidget(self.bar)
        sw = QHBoxLayout(self.switcher)
        sw.setContentsMargins(0, 0, 0, 0)
        sw.setSpacing(0)
        self.prev_btn = self._tool(sw, "ph.caret-left", "<", _("Previous version"), lambda: self.view._switch_sibling(self, -1))
        self.sibling_label = QLabel("", self.switcher)
        self.sibling_label.setObjectName("siblingLabel")
        sw.addWidget(self.sibling_label)
        self.next_btn = self._tool(sw, "ph.caret-right", ">", _("Next version"), lambda: self.view._switch_sibling(self, +1))
        self.tools = QWidget(self.bar)
        tl = QHBoxLayout(self.tools)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.setSpacing(style.SPACE["xxs"])
        self.copy_btn = self._tool(tl, "ph.copy", _("Copy"), _("Copy this message"), lambda: copy_markdown(self.text))
        if self.record.role == "assistant":
            self.regen_btn = self._tool(tl, "ph.arrow-clockwise", _("Regenerate"), _("Write a new reply"),
                                        lambda: self.view.regenerateRequested.emit(self.record.id))
            self.up_btn = self._tool(tl, "ph.thumbs-up", "+", _("Good answer (kept on this computer for your own use)"),
                                     lambda: self._rate(1))
            self.down_btn = self._tool(tl, "ph.thumbs-down", "-", _("Poor answer (kept on this computer for your own use)"),
                                       lambda: self._rate(-1))
            for b in (self.up_btn, self.down_btn):
                b.setCheckable(True)
            self.show_rating()
        self.image_btn = self._tool(tl, "ph.image", _("Image"), _("Save this message as an image…"),
                                    lambda: self.view.imageRequested.emit(self.record.id))
        if self.is_user:
            self.edit_btn = self._tool(tl, "ph.pencil-simple", _("Edit"), _("Edit and resend as a new version"),
                                       lambda: self.view.editRequested.emit(self.record.id))
        self.delete_btn = self._tool(tl, "ph.trash", _("Delete"), _("Delete this message and what follows"),
                                     lambda: self.view.deleteRequested.emit(self.record.id))
        self._fade = QGraphicsOpacityEffect(self.tools)
        self.tools.setGraphicsEffect(self._fade)
        self.continue_btn = QToolButton(self.bar)  # outside the fading tools: it must be seen
        self.continue_btn.setObjectName("continueReplyButton")
        self.continue_btn.setText(_("Continue"))
        self.continue_btn.setToolTip(_("Carry this reply on from where it was cut off (it reached Max tokens)"))
        self.continue_btn.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.continue_btn.setIconSize(QSize(style.ICON, style.ICON))
        self.continue_btn.setAutoRaise(True)
        self.continue_btn.setCursor(Qt.PointingHandCursor)
        style.set_icon(self.continue_btn, "ph.fast-forward", "accent")
        self.continue_btn.clicked.connect(lambda: self.view.continueRequested.emit(self.record.id))
        self.continue_btn.hide()
        if self.is_user:
            bar.addStretch(1)
            bar.addWidget(self.tools)
            bar.addWidget(self.switcher)
        else:
            bar.addWidget(self.continue_btn)
            bar.addWidget(self.switcher)
            bar.addWidget(self.tools)
            bar.addStretch(1)
        self.set_siblings(1, 1)
        self._update_actions()

    def _rate(self, value: int) -> None:
        """Clicking the lit thumb again takes the rating back."""
        rating = None if self.record.rating == value else value
        self.view.rateRequested.emit(self.record.id, 0 if rating is None else rating)

    def show_rating(self) -> None:
        if self.record.role == "assistant":
            self.up_btn.setChecked(self.record.rating == 1)
            self.down_btn.setChecked(self.record.rating == -1)

    # -- state --------------------------------------------------------------------------
    def set_siblings(self, index: int, total: int) -> None:
        self.switcher.setVisible(total > 1)
        self.sibling_label.setText(f"{index}/{total}")
        self.prev_btn.setEnabled(index > 1)
        self.next_btn.setEnabled(index < total)

    def set_streaming(self, streaming: bool) -> None:
        self._streaming = streaming
        for w in self.findChildren(QToolButton):
            w.setEnabled(not streaming)
        self._update_actions()

    @property
    def truncated(self) -> bool:
        """A reply that ended because it reached Max tokens (not because it was done)."""
        r = self.record
        return r.role == "assistant" and r.status == "done" and (r.stats or {}).get("finish_reason") == "length"

    def set_continuable(self, continuable: bool) -> None:
        """Show Continue on this reply (the view offers it on the newest reply only). Not on a reply cut
        while thinking: carrying on its empty answer would start without the thinking (Regenerate instead)."""
        cut_thinking = bool((self.record.stats or {}).get("cut_while_thinking"))
        self.continue_btn.setVisible(continuable and self.truncated and not cut_thinking and not self._streaming)

    def set_pinned_actions(self, pinned: bool) -> None:
        """The newest reply keeps its actions on show (as chat apps do)."""
        self._pinned = pinned
        self._update_actions()

    def actions_shown(self) -> bool:
        return self._fade.opacity() > 0.5

    def _update_actions(self) -> None:
        shown = not self._streaming and self.editor is None and (self._hovered or self._focus_inside or self._pinned)
        self._fade.setOpacity(1.0 if shown else 0.0)

    def enterEvent(self, event) -> None:
        self._hovered = True
        self._update_actions()
        super().enterEvent(event)

    def leaveEvent(self, event) -> None:
        self._hovered = False
        self._update_actions()
        super().leaveEvent(event)

    def eventFilter(self, obj, event) -> bool:
        if event.type() in (QEvent.FocusIn, QEvent.FocusOut):
            others = any(b.hasFocus() for b in self.findChildren(QToolButton) if b is not obj)
            self._focus_inside = event.type() == QEvent.FocusIn or others
            self._update_actions()
            if event.type() == QEvent.FocusIn:
                self.view.ensureWidgetVisible(obj, 0, 60)
        return super().eventFilter(obj, event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._apply_limit()

    def _apply_limit(self) -> None:
        if self.is_user and self.editor is None:
            limit = int((self.width() - style.AVATAR) * BUBBLE_SHARE)
            self.bubble.setMaximumWidth(limit)
            self.body.set_limit(limit - 2 * style.SPACE["lg"])

    def refresh(self) -> None:
        r = self.record
        bits = [] if self.is_user else [r.model or (_(ROLE_LABELS[r.role]) if r.role in ROLE_LABELS else r.role)]
        note = STATUS_NOTES.get(r.status)
        if note:
            bits.append(_(note))
        if self.truncated:
            bits.append(_(TRUNCATED))
        tps = (r.stats or {}).get("tokens_per_second")
        if tps:
            bits.append(_("{tps:.1f} tokens/s").format(tps=tps))
        error = (r.stats or {}).get("error")
        if error:
            bits.append(error)
        self.header.setText(" · ".join(bits))
        self.header.setToolTip(self.header.text())
        self.header.setVisible(bool(bits))
        self.header.setProperty("error", bool(error) or r.status == "error")
        from aigc_desktop.render.html import document_html, render_markdown  # after the window shows

        rendered = render_markdown(self.text, self.theme)
        self.body.set_rendered(document_html(rendered.html, self.theme), rendered.code_blocks)
        self._show_thinking()
        if getattr(r, "tool_calls", None) or (r.stats or {}).get("tool_problems"):
            self._tool_list().show_reply(r.tool_calls, r.stats)
        self._show_sources()

    def _show_thinking(self) -> None:
        """The thinking block above the answer; an empty answer under it takes no room."""
        if self.is_user or (not self.reasoning and self.thinking is None):
            return
        if self.thinking is None:
            self.thinking = ThinkingBlock(self)
            self._content.insertWidget(self._content.indexOf(self.bubble), self.thinking)
        r = self.record
        self.thinking.show_reasoning(self.reasoning, streaming=r.status == "streaming",
                                     answered=bool(self.text.strip()), stats=r.stats)
        self.body.setVisible(bool(self.text.strip()) or not self.reasoning.strip())

    def _tool_list(self) -> ToolCallList:
        """The reply's tool-call cards, between its thinking and its answer (``ui/tools/cards.py``)."""
        if self.tool_cards is None:
            self.tool_cards = ToolCallList(self)
            self._content.insertWidget(self._content.indexOf(self.bubble), self.tool_cards)
        return self.tool_cards

    def _show_sources(self) -> None:
        """The reply's citations, numbered, under its answer; a click shows the passage (``ui/kb/``)."""
        citations = list(getattr(self.record, "citations", None) or [])
        if self.is_user or not citations or (self.sources is not None and self.sources.citations == citations):
            return
        from aigc_desktop.ui.kb.passage import open_passage
        from aigc_desktop.ui.kb.sources import SourcesList

        if self.sources is not None:
            self.sources.deleteLater()
        self.sources = SourcesList(citations, self)
        self.sources.openRequested.connect(lambda c: open_passage(c, self.window()))
        self._content.insertWidget(self._content.indexOf(self.bubble) + 1, self.sources)

    def tool_event(self, event: dict) -> None:
        """A live call started or ended (the stored calls replace these when the reply is saved)."""
        if not self.is_user:
            self._tool_list().apply_event(event)

    # -- editing in place ----------------------------------------------------------------
    def begin_edit(self) -> None:
        if self.editor is not None or not self.is_user:
            if self.editor is not None:
                self.editor.edit.setFocus()
            return
        self.editor = MessageEditor(self.bubble, self.text, self._save_edit, self.cancel_edit)
        self.body.hide()
        self.bubble.setMaximumWidth(16_777_215)
        self.bubble.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.bubble_layout.addWidget(self.editor)
        self._update_actions()
        self.editor.edit.setFocus()
        cursor = self.editor.edit.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.editor.edit.setTextCursor(cursor)

    def _save_edit(self) -> None:
        text = self.editor.text() if self.editor else ""
        if text.strip():
            self.view.editSubmitted.emit(self.record.id, text)

    def cancel_edit(self) -> None:
        if self.editor is None:
            return
        self.editor.hide()
        self.editor.deleteLater()
        self.editor = None
        self.bubble.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)
        self.body.show()
        self._update_actions()
        self._apply_limit()
        self.view.editCancelled.emit(self.record.id)

    def _link(self, url: QUrl) -> None:
        if url.scheme() == "copy":
            try:
                code = self.body.code_blocks[int(url.path())]
            except (ValueError, IndexError):
                return
            self.view.copyRequested.emit(code.removesuffix("\n"))  # the fence's own line end
        elif url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)


class _AvatarIcon:
    """Lets :func:`style.set_icon` redraw an avatar label's pixmap when the theme changes."""

    def __init__(self, label: QLabel) -> None:
        self.label = label

    def setIcon(self, icon) -> None:  # noqa: N802 - the setIcon protocol of style.set_icon
        self.label.setPixmap(icon.pixmap(style.ICON, style.ICON))
