"""Chat → Compare models… (对比): one prompt to 2–4 models, the answers in panes side by side.

The models are installed local ones and ``provider/model`` entries (names from
the provider config and the remembered model lists: building the list opens no
connection). The comparison is one :class:`~aigc_desktop.ui.engine.jobs.CompareJob` on
the engine thread: remote models stream in parallel from threads of their own, local
ones answer one after another on the engine thread (each load of another model is
reported, so the window's copy of the loaded model stays true). The job holds the
engine's lease from Compare until its last answer is saved, so the composer's Send is
Stop and stops the comparison, and a comparison is refused while anything else holds
the engine. Deltas arrive keyed by model index through the engine client, on the GUI
thread; a reasoning model's thinking shows above its pane's answer as in the chat
(``thinking.py``: open while it thinks, closed once the answer starts). When it ends the conversation opens in the main chat, every answer a sibling
reply (``< n/m >``) of the one user message.

Signals of CompareView:
    compareFinished(int conversation_id)   all answers are saved (-1: the compare could not start)
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aigc_desktop.hub.splits import model_name
from aigc_desktop.i18n import N_, _
from aigc_desktop.ui.chat.thinking import ThinkingBlock
from aigc_desktop.ui.engine.jobs import CompareJob, split_key
from aigc_desktop.ui.kit.elide import ElidedComboBox, ElidedLabel

log = logging.getLogger(__name__)

SLOTS = 4
THINKING_HEIGHT = 160  # a pane's thinking scrolls beyond this (the answer keeps the room)
WHERE = N_("{model} ({provider})")  # a pane's title: the model and who runs it
LOCAL = N_("this computer")  # who runs a local model


def model_and_runner(router, ref: str) -> tuple[str, str]:
    """(the model's name, who runs it): a provider's name, or "this computer" for a local file
    (a split set by the set's name)."""
    target = router.split(ref) if router is not None else None
    if target is not None:
        provider, model_id = target
        return model_id, provider.name
    return (model_name(ref) if Path(ref).suffix.lower() == ".gguf" else ref), _(LOCAL)


def describe(router, ref: str) -> str:
    """A model's name in the pickers and panes with who runs it, ``model (provider)``: without the
    provider a local model and a server's model of the same name read alike."""
    model, runner = model_and_runner(router, ref)
    return _(WHERE).format(model=model, provider=runner)


class _Pane(QWidget):
    """One model's answer: its name and who runs it, its thinking (if any), the streamed text
    (plain, inert) and TTFT / tokens per second."""

    def __init__(self, router, ref: str) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        model, runner = model_and_runner(router, ref)
        self.ref, self.heading = ref, _(WHERE).format(model=model, provider=runner)
        # A long id is elided in its middle; who runs it follows whole, however narrow the pane.
        self.title = ElidedLabel(model, suffix=_(WHERE).format(model="", provider=runner))
        self.title.setMinimumWidth(40)
        self.title.setStyleSheet("font-weight: 600;")
        self.thinking = ThinkingBlock(self, max_height=THINKING_HEIGHT)
        self.reasoning = ""
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.stats = QLabel(_("Waiting…"))
        self.stats.setTextFormat(Qt.PlainText)
        self.stats.setWordWrap(True)
        lay.addWidget(self.title)
        lay.addWidget(self.thinking)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.stats)

    def append(self, text: str) -> None:
        if not self.text.toPlainText():
            self.stats.setText(_("Writing…"))
        cursor = self.text.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(text)
        self.text.setTextCursor(cursor)
        if self.reasoning:
            self._show_thinking(streaming=True)

    def append_reasoning(self, text: str) -> None:
        if not self.reasoning and not self.text.toPlainText():
            self.stats.setText(_("Thinking…"))
        self.reasoning += text
        self._show_thinking(streaming=True)

    def _show_thinking(self, streaming: bool, stats: dict | None = None) -> None:
        self.thinking.show_reasoning(self.reasoning, streaming=streaming,
                                     answered=bool(self.text.toPlainText().strip()), stats=stats)

    def finish(self, reply) -> None:
        if len(reply.content) > len(self.text.toPlainText()):
            self.text.setPlainText(reply.content)
        stats = reply.stats or {}
        if len(reply.reasoning) >= len(self.reasoning.strip()):
            self.reasoning = reply.reasoning
        self._show_thinking(streaming=False, stats=stats)
        ttft, tps = stats.get("time_to_first_token"), stats.get("tokens_per_second")
        if stats.get("error"):
            self.stats.setText(stats["error"])
        elif ttft is not None and tps:
            self.stats.setText(_("First token {ttft:.2f} s · {tps:.1f} tokens/s").format(ttft=ttft, tps=tps))
        elif reply.status == "stopped":
            self.stats.setText(_("Stopped."))
        else:
            self.stats.setText(_("Done."))


class CompareView(QDialog):
    compareFinished = Signal(int)

    def __init__(self, ctx, engine, conversations, banner, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.engine, self.conversations, self.banner = ctx, engine, conversations, banner
        self.job = None  # the comparison's handle while it runs
        self.panes: list[_Pane] = []
        self.result = None
        self.setObjectName("compareView")
        self.setWindowTitle(_("Compare models"))
        self.resize(1000, 640)

        lay = QVBoxLayout(self)
        pick = QHBoxLayout()
        pick.addWidget(QLabel(_("Models:")))
        self.pickers: list[ElidedComboBox] = []
        for _i in range(SLOTS):
            combo = ElidedComboBox()
            combo.setMinimumWidth(160)
            pick.addWidget(combo, 1)
            self.pickers.append(combo)
        lay.addLayout(pick)
        self.prompt = QPlainTextEdit()
        self.prompt.setPlaceholderText(_("One message, sent to every model chosen above"))
        self.prompt.setMaximumHeight(90)
        lay.addWidget(self.prompt)
        row = QHBoxLayout()
        self.note = QLabel("")
        self.note.setTextFormat(Qt.PlainText)
        self.note.setWordWrap(True)
        row.addWidget(self.note, 1)
        self.compare_button = QPushButton(_("Compare"))
        self.compare_button.setDefault(True)
        self.compare_button.clicked.connect(self.start)
        self.stop_button = QPushButton(_("Stop"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        row.addWidget(self.compare_button)
        row.addWidget(self.stop_button)
        lay.addLayout(row)
        self.pane_row = QHBoxLayout()
        lay.addLayout(self.pane_row, 1)
        self.refresh_models()

    # -- choices ----------------------------------------------------------------------------
    def refresh_models(self) -> None:
        from aigc_desktop.hub.library import installed_models

        router = getattr(self.ctx.rt, "router", None)
        local = [(describe(router, str(p)), str(p)) for p in installed_models()]
        remote = [(describe(router, ref), ref) for ref in self.ctx.rt.model_cache.refs()]
        loaded = str(self.engine.model.path) if self.engine.model else None
        for combo in self.pickers:
            combo.clear()
            combo.addItem(_("(none)"), "")
            for label, data in local + remote:
                combo.addItem(label, data)
        # A sensible start: the loaded model beside the first remote one (or the second local one).
        choices = [d for _l, d in local + remote]
        first = loaded if loaded in choices else (choices[0] if choices else "")
        rest = [d for _l, d in remote if d != first] + [d for _l, d in local if d != first]
        for combo, data in zip(self.pickers, [first] + rest[:1]):
            combo.setCurrentIndex(max(0, combo.findData(data)))

    def chosen(self) -> list[str]:
        return [c.currentData() for c in self.pickers if c.currentData()]

    def set_models(self, models: list[str]) -> None:
        for i, combo in enumerate(self.pickers):
            data = models[i] if i < len(models) else ""
            if data and combo.findData(data) < 0:
                combo.addItem(describe(getattr(self.ctx.rt, "router", None), data), data)
            combo.setCurrentIndex(max(0, combo.findData(data)))

    # -- running ----------------------------------------------------------------------------
    @Slot()
    def start(self) -> None:
        from aigc_desktop.chat.presets import new_chat_fields

        models, text = self.chosen(), self.prompt.toPlainText().strip()
        if self.job is not None:
            return
        if not text:
            self.note.setText(_("Write a message to compare the answers."))
            return
        if not 2 <= len(models) <= SLOTS:
            self.note.setText(_("Choose 2 to 4 models."))
            return
        settings = self.ctx.rt.settings
        loaded = self.engine.model
        fields = {**new_chat_fields(settings.default_preset), "model": models[0]}
        if self.engine.busy:
            message = _("A reply is being written in the main window; compare when it has finished.")
            self.note.setText(message)
            self.banner.show_info(message, tag="busy")
            return
        job = CompareJob(text, models, fields, n_ctx=int(loaded.n_ctx if loaded else settings.n_ctx),
                         n_threads=int(settings.n_threads))
        handle = (self.engine.job(job).keyed_delta(self._on_delta).on("done", self._on_done)
                  .success(self._on_finished).failure(self._on_failed).submit())
        if handle is None:
            return
        self.job = handle
        for pane in self.panes:
            self.pane_row.removeWidget(pane)
            pane.deleteLater()
        self.panes = [_Pane(getattr(self.ctx.rt, "router", None), m) for m in models]
        for pane in self.panes:
            self.pane_row.addWidget(pane, 1)
        self.note.setText(_("Local models answer one after another; remote ones at the same time."))
        self.compare_button.setEnabled(False)
        self.stop_button.setEnabled(True)

    @Slot()
    def stop(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.note.setText(_("Stopping…"))

    @property
    def running(self) -> bool:
        return self.job is not None

    # -- results (the engine client's callbacks, on the GUI thread) ------------------------------
    def _on_delta(self, key: int, text: str) -> None:
        index, thinking = split_key(key)
        if 0 <= index < len(self.panes):
            if thinking:
                self.panes[index].append_reasoning(text)
            else:
                self.panes[index].append(text)

    def _on_done(self, value) -> None:
        index, reply = value
        if 0 <= index < len(self.panes):
            self.panes[index].finish(reply)

    def _on_finished(self, result) -> None:
        self._ended()
        self.result = result
        for pane, reply in zip(self.panes, result.replies):
            pane.finish(reply)
        self.note.setText(_("Every answer is saved as a version of the reply (< n/m > in the chat)."))
        self.conversations.open(result.conversation_id)
        self.compareFinished.emit(result.conversation_id)

    def _on_failed(self, message: str) -> None:
        self._ended()
        self.note.setText(message)
        self.compareFinished.emit(-1)

    def _ended(self) -> None:
        self.job = None
        self.compare_button.setEnabled(True)
        self.stop_button.setEnabled(False)
