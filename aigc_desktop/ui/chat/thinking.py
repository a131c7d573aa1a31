"""A reply's thinking (思考过程): a collapsible block above the answer, in a chat message and a compare pane.

The reasoning is shown as plain text (never Markdown, never a link or an image: it
is the model's scratch work, inert like the rest of a message) in the muted colour,
so the answer stays what one reads. Its heading says where the thinking is:

- while the model thinks: "Thinking…", open, growing as the pieces arrive;
- once the answer starts: "Thought for N s" (measured here while it streams, the
  reply's ``reasoning_seconds`` once saved), and it closes;
- a reply that ended before any answer (Max tokens, Stop): "Cut off while thinking:
  no answer", open, so what the model did write stays in view;
- a stored reply (a reopened chat): the same heading, closed.

Once the person opens or closes it, it stays as they left it while the reply streams.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QToolButton, QVBoxLayout

from aigc_desktop.i18n import N_, _
from aigc_desktop.ui.chat.message_body import MessageBody
from aigc_desktop.ui.kit import style

THINKING_LIVE = N_("Thinking…")
THOUGHT_FOR = N_("Thought for {seconds} s")
THINKING = N_("Thinking process")  # a stored reply whose thinking time is not known
CUT = N_("Cut off while thinking: no answer")
SHOW_TIP = N_("Show the model's thinking")
HIDE_TIP = N_("Hide the model's thinking")


def thought_for(seconds: float | None) -> str:
    """The closed heading: how long the model thought (whole seconds, at least 1)."""
    if seconds is None:
        return _(THINKING)
    return _(THOUGHT_FOR).format(seconds=max(1, round(seconds)))


class ThinkingBlock(QFrame):
    """The heading (a toggle) and the reasoning below it. ``max_height``: the text scrolls
    beyond it (a compare pane); without it the text is as tall as it is (the chat scrolls)."""

    def __init__(self, parent=None, max_height: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("thinkingBlock")
        self.toggle = QToolButton(self)
        self.toggle.setObjectName("thinkingToggle")
        self.toggle.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.toggle.setIconSize(QSize(style.ICON, style.ICON))
        self.toggle.setAutoRaise(True)
        self.toggle.setCursor(Qt.PointingHandCursor)
        self.toggle.setFocusPolicy(Qt.TabFocus)
        self.toggle.clicked.connect(self._clicked)
        self.rail = QFrame(self)  # a thin bar on the left sets the thinking apart from the answer
        self.rail.setObjectName("thinkingRail")
        self.text = MessageBody(self.rail)
        self.text.setObjectName("thinkingText")
        if max_height:
            self.text.max_fit = max_height
        rail = QHBoxLayout(self.rail)
        rail.setContentsMargins(style.SPACE["md"], 0, 0, 0)
        rail.addWidget(self.text)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, style.SPACE["sm"])  # the answer starts apart from it
        lay.setSpacing(style.SPACE["xxs"])
        lay.addWidget(self.toggle, 0, Qt.AlignLeft)
        lay.addWidget(self.rail)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.reasoning = ""
        self.title = ""
        self.cut = False
        self._expanded = True
        self._touched = False  # the person opened or closed it: leave it so
        self._started: float | None = None  # when the first thought arrived here (live)
        self._answered: float | None = None  # when the first answer text arrived here (live)
        self.hide()
        self._apply()

    @property
    def expanded(self) -> bool:
        return self._expanded

    def set_expanded(self, expanded: bool) -> None:
        self._expanded = expanded
        self._apply()

    def _clicked(self) -> None:
        self._touched = True
        self.set_expanded(not self._expanded)

    def _apply(self) -> None:
        self.rail.setVisible(self._expanded)
        style.set_icon(self.toggle, "ph.caret-down" if self._expanded else "ph.caret-right")
        self.toggle.setToolTip(_(HIDE_TIP) if self._expanded else _(SHOW_TIP))

    def show_reasoning(self, reasoning: str, *, streaming: bool, answered: bool, stats: dict | None = None) -> None:
        """Show ``reasoning`` in the state the reply is in (see the module's docstring)."""
        reasoning = reasoning.strip()
        self.setVisible(bool(reasoning))
        if not reasoning:
            return
        stats = stats or {}
        now = time.monotonic()
        if streaming and self._started is None:
            self._started = now
        if streaming and answered and self._answered is None:
            self._answered = now
        self.cut = False
        if streaming and not answered:
            title, open_ = _(THINKING_LIVE), True
        elif not streaming and not answered and stats.get("cut_while_thinking"):
            title, open_, self.cut = _(CUT), True, True
        else:
            seconds = stats.get("reasoning_seconds")
            if seconds is None and self._started is not None and self._answered is not None:
                seconds = self._answered - self._started
            title, open_ = thought_for(seconds), False
        if title != self.title:
            self.title = title
            self.toggle.setText(title)
            self.toggle.setAccessibleName(title)
            self.toggle.setProperty("cut", self.cut)
            self.toggle.style().unpolish(self.toggle)
            self.toggle.style().polish(self.toggle)
        if not self._touched and open_ != self._expanded:
            self.set_expanded(open_)
        if reasoning != self.reasoning:
            self.reasoning = reasoning
            self.text.set_plain(reasoning, follow=streaming)
