"""A reply's tool calls as cards in the chat message, between its thinking and its answer.

Each call is a card: a one-line heading (status icon, tool, server, how it ended, seconds,
a short view of the arguments) that opens to the arguments as indented JSON and the result.
Closed by default: the answer stays what one reads. The cards come live from the turn's
``on_tool`` events (``{"phase": "call"|"result", "call": {...}}``) and, for a stored reply,
from ``messages.tool_calls`` (the same dicts: id, server, tool, arguments, status, result,
is_error, seconds, text_before).

Everything in a card came from the model or a tool server: it is shown as plain text (a
``MessageBody`` in plain mode loads nothing and follows no link), capped in size, and
never run.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from aigc_desktop.i18n import N_, _
from aigc_desktop.ui.chat.message_body import MessageBody
from aigc_desktop.ui.kit import style

SHOWN_CHARS = 8_000  # of a result or the arguments, in a card (the stored result is capped by the core too)
SUMMARY_CHARS = 60
BODY_MAX_HEIGHT = 220  # a long result scrolls inside its card
STATUS = {  # status -> (words, icon, palette role)
    "running": (N_("running…"), "ph.hourglass", "muted"),
    "done": (N_("done"), "ph.check-circle", "accent"),
    "denied": (N_("denied"), "ph.prohibit", "warning"),
    "error": (N_("failed"), "ph.x-circle", "error"),
    "timeout": (N_("timed out"), "ph.timer", "error"),
}
SHOW_TIP = N_("Show the arguments and the result")
HIDE_TIP = N_("Hide the arguments and the result")


def capped(text: str, limit: int = SHOWN_CHARS) -> str:
    text = text or ""
    if len(text) <= limit:
        return text
    return text[:limit] + "\n…" + _("(cut here: {n:,} characters in all)").format(n=len(text))


def arguments_text(arguments, indent: int | None = 2) -> str:
    try:
        return json.dumps(arguments if arguments is not None else {}, ensure_ascii=False, indent=indent)
    except (TypeError, ValueError):
        return str(arguments)


def summary(call: dict) -> str:
    """The closed card's heading: "write_file · files — done · 0.4 s · {"path": …}"."""
    status = call.get("status") or "running"
    words = _(STATUS.get(status, STATUS["error"])[0])
    bits = [f"{call.get('tool') or '?'} · {call.get('server') or '?'}", words]
    seconds = call.get("seconds")
    if isinstance(seconds, (int, float)) and status != "running":
        bits.append(_("{seconds:.1f} s").format(seconds=seconds))
    args = " ".join(arguments_text(call.get("arguments"), None).split())
    if args and args != "{}":
        bits.append(args if len(args) <= SUMMARY_CHARS else args[: SUMMARY_CHARS - 1] + "…")
    return " — ".join(bits[:2]) + "".join(f" · {b}" for b in bits[2:])


def _mono() -> QFont:
    font = QFont()
    font.setFamilies([*style.mono_families(), *style.CJK_FONTS])
    font.setPixelSize(style.TYPE["small"])
    return font


class ToolCallCard(QFrame):
    """One call. ``set_call`` updates it in place (a call's result arrives after the call)."""

    def __init__(self, call: dict, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("toolCard")
        self.call: dict = {}
        self.toggle = _Heading(self)
        self.toggle.setObjectName("toolCardToggle")
        self.toggle.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.toggle.setIconSize(QSize(style.ICON, style.ICON))
        self.toggle.setAutoRaise(True)
        self.toggle.setCursor(Qt.PointingHandCursor)
        self.toggle.setFocusPolicy(Qt.TabFocus)
        self.toggle.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # a long heading never widens the chat
        self.toggle.clicked.connect(self._clicked)
        self.status_icon = QLabel(self)  # how the call ended, in colour; the toggle's own icon is the caret
        self.status_icon.setObjectName("toolCardStatus")
        self.status_icon.setFixedSize(style.ICON + 4, style.ICON + 4)
        self.status_icon.setAlignment(Qt.AlignCenter)
        self._status_icon = _LabelIcon(self.status_icon)
        self.details = QWidget(self)
        d = QVBoxLayout(self.details)
        d.setContentsMargins(style.SPACE["lg"], 0, 0, style.SPACE["xs"])
        d.setSpacing(style.SPACE["xxs"])
        self.before = self._caption("")
        self.before.setObjectName("toolCardBefore")
        d.addWidget(self.before)
        d.addWidget(self._caption(_("Arguments:")))
        self.arguments = self._body("toolCardArguments")
        d.addWidget(self.arguments)
        self.result_label = self._caption(_("Result:"))
        d.addWidget(self.result_label)
        self.result = self._body("toolCardResult")
        d.addWidget(self.result)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(style.SPACE["xs"], style.SPACE["xxs"], style.SPACE["xs"], style.SPACE["xxs"])
        lay.setSpacing(0)
        head = QHBoxLayout()
        head.setContentsMargins(style.SPACE["xs"], 0, 0, 0)
        head.setSpacing(style.SPACE["xxs"])
        head.addWidget(self.status_icon)
        head.addWidget(self.toggle, 1)
        lay.addLayout(head)
        lay.addWidget(self.details)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self._expanded = False
        self.set_call(call)
        self._apply()

    def _caption(self, text: str) -> QLabel:
        label = QLabel(text, self.details)
        label.setObjectName("toolCardCaption")
        label.setTextFormat(Qt.PlainText)
        label.setWordWrap(True)
        return label

    def _body(self, name: str) -> MessageBody:
        body = MessageBody(self.details)
        body.setObjectName(name)
        body.max_fit = BODY_MAX_HEIGHT
        body.setFont(_mono())
        return body

    @property
    def expanded(self) -> bool:
        return self._expanded

    def set_expanded(self, expanded: bool) -> None:
        self._expanded = expanded
        self._apply()

    def _clicked(self) -> None:
        self.set_expanded(not self._expanded)

    def _apply(self) -> None:
        self.details.setVisible(self._expanded)
        self.toggle.setToolTip(_(HIDE_TIP) if self._expanded else _(SHOW_TIP))
        style.set_icon(self.toggle, "ph.caret-down" if self._expanded else "ph.caret-right")

    def set_call(self, call: dict) -> None:
        self.call = {**self.call, **call}
        c = self.call
        status = c.get("status") or "running"
        words, icon, role = STATUS.get(status, STATUS["error"])
        style.set_icon(self._status_icon, icon, role)
        self.status_icon.setToolTip(_(words))
        heading = summary(c)
        self.toggle.set_full(heading)
        self.toggle.setAccessibleName(heading)
        self.toggle.setProperty("status", status)
        self.toggle.style().unpolish(self.toggle)
        self.toggle.style().polish(self.toggle)
        before = " ".join((c.get("text_before") or "").split())
        self.before.setText(capped(before, 600))
        self.before.setVisible(bool(before))
        self.arguments.set_plain(capped(arguments_text(c.get("arguments"))))
        done = status != "running"
        self.result_label.setVisible(done)
        self.result.setVisible(done)
        if done:
            result = c.get("result") or ""
            self.result.set_plain(capped(result) if result else _("(no output)"))


class _Heading(QToolButton):
    """The card's toggle: its one-line heading cut at the right end with "…" to the width it has
    (Qt's own cut falls in the middle of a path; ``full`` keeps the whole heading)."""

    full = ""

    def set_full(self, text: str) -> None:
        self.full = text
        self._elide()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = self.width() - self.iconSize().width() - 3 * style.SPACE["sm"]
        text = self.fontMetrics().elidedText(self.full, Qt.ElideRight, room) if room > 40 else self.full
        if text != self.text():
            self.setText(text)


class ToolCallList(QWidget):
    """A reply's cards, in the order of its calls."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("toolCalls")
        self.cards: list[ToolCallCard] = []
        self._by_id: dict[str, ToolCallCard] = {}
        self._lay = QVBoxLayout(self)
        self._lay.setContentsMargins(0, 0, 0, style.SPACE["sm"])
        self._lay.setSpacing(style.SPACE["xs"])
        self.problems = QLabel(self)  # servers that could not start, in words (plain text)
        self.problems.setObjectName("toolProblems")
        self.problems.setTextFormat(Qt.PlainText)
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.problems.hide()
        self._lay.addWidget(self.problems)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.hide()

    def show_problems(self, problems: list[str]) -> None:
        """Why some servers offered no tools to this reply (``stats["tool_problems"]``, or live)."""
        text = "\n".join(capped(str(p), 1500) for p in problems or [] if p)
        self.problems.setText(text)
        self.problems.setVisible(bool(text))
        self.setVisible(bool(self.cards) or bool(text))

    def show_reply(self, calls: list[dict], stats: dict | None) -> None:
        """A stored reply's calls and the servers that failed it."""
        self.show_calls(calls)
        self.show_problems((stats or {}).get("tool_problems") or [])

    def show_calls(self, calls: list[dict]) -> None:
        """The stored calls of a reply (replacing what is shown, keeping cards left open)."""
        calls = [c for c in (calls or []) if isinstance(c, dict)]
        for i, call in enumerate(calls):
            if i < len(self.cards):
                self.cards[i].set_call(call)
            else:
                self._add(call)
        for card in self.cards[len(calls):]:
            card.hide()
            card.deleteLater()
        del self.cards[len(calls):]
        self._by_id = {str(c.call.get("id")): c for c in self.cards if c.call.get("id") is not None}
        self.setVisible(bool(self.cards) or self.problems.isVisibleTo(self))

    def apply_event(self, event: dict) -> None:
        """A live event of the turn: a call starts ("call") or ends ("result"), or a server failed ("problem")."""
        if (event or {}).get("phase") == "problem":
            shown = [line for line in self.problems.text().split("\n") if line]
            self.show_problems([*shown, str(event.get("message") or "")])
            return
        call = dict((event or {}).get("call") or {})
        if not call:
            return
        if event.get("phase") == "call":
            call.setdefault("status", "running")
        key = str(call.get("id")) if call.get("id") is not None else None
        card = self._by_id.get(key) if key is not None else None
        if card is None:
            card = self._add(call)
            if key is not None:
                self._by_id[key] = card
        else:
            card.set_call(call)
        self.setVisible(True)

    def _add(self, call: dict) -> ToolCallCard:
        card = ToolCallCard(call, self)
        self.cards.append(card)
        self._lay.insertWidget(self._lay.indexOf(self.problems), card)
        return card


class _LabelIcon:
    """Lets :func:`style.set_icon` redraw a label's pixmap when the theme changes."""

    def __init__(self, label: QLabel) -> None:
        self.label = label

    def setIcon(self, icon) -> None:  # noqa: N802 - the setIcon protocol of style.set_icon
        self.label.setPixmap(icon.pixmap(style.ICON, style.ICON))
