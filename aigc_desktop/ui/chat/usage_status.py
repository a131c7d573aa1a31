"""The status bar's account of the open chat: its context use and its last reply's size and speed.

Built from what it uses (the runtime reference, the engine client, the conversations, the chat
view and the two status-bar widgets), so the window only places the widgets and wires signals.
The context is that of the model answering the open chat: a server's (as it reported it, else
the provider's setting) or the loaded local model's.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.llm.sampling import SamplingParams


class UsageStatus(QObject):
    def __init__(self, ctx, engine, conversations, chat, context_meter, speed_label, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.engine, self.conversations, self.chat = ctx, engine, conversations, chat
        self.context_meter, self.speed_label = context_meter, speed_label

    def set_visible(self, visible: bool) -> None:
        """Shown over a chat, not over the studio (they describe the open chat)."""
        self.context_meter.setVisible(visible)
        self.speed_label.setVisible(visible)

    @Slot()
    def clear_speed(self) -> None:
        self.speed_label.clear()  # it described another chat's last reply

    @Slot(dict)
    def reply_stats(self, stats: dict) -> None:
        tps = stats.get("tokens_per_second")
        n_tokens = int(stats.get("completion_tokens") or 0)
        # A reasoning model's completion tokens are its thinking and its answer together.
        thought = stats.get("reasoning_seconds") is not None or stats.get("cut_while_thinking")
        if tps:
            speed = (_("Last reply: {tokens} tokens, thinking included · {tps:.1f} tokens/s") if thought
                     else _("Last reply: {tokens} tokens · {tps:.1f} tokens/s")).format(tokens=n_tokens, tps=tps)
        else:
            speed = _("Last reply: {tokens} tokens, thinking included") if thought else _("Last reply: {tokens} tokens")
            speed = speed.format(tokens=n_tokens)
        self.speed_label.setText("  |  " + speed)
        self.update_context()

    @Slot()
    def update_context(self) -> None:
        rt = self.ctx.rt
        if rt is None:
            return
        current = self.conversations.current_id
        n_ctx = self._context_size(rt, current)
        if n_ctx is None:
            return
        try:
            sampling = rt.service.sampling_for(current) if current is not None else SamplingParams()
        except UserError:
            sampling = SamplingParams()
        records = self.chat.records() if current is not None else []
        shown = {w.record.id: w.record for w in self.chat.widgets if w.record.id >= 0}
        records = [shown.get(r.id, r) for r in records]
        known = {r.id for r in records}
        records += [w.record for w in self.chat.widgets if w.record.id >= 0 and w.record.id not in known]
        self.context_meter.show_usage(records, n_ctx, sampling.max_tokens)

    def _context_size(self, rt, conversation_id: int | None) -> int | None:
        try:
            ref = rt.store.get(conversation_id).model if conversation_id is not None else None
        except UserError:
            ref = None
        target = rt.router.split(ref)
        if target is not None:
            remote = rt.router.cached(ref)  # asks no server
            return remote.model.n_ctx if remote is not None and remote.model else target[0].context_length
        return self.engine.model.n_ctx if self.engine.model else None
