"""Recording a streamed reply: the one loop shared by chat replies and the writing studio.

A model's stream is stored while it arrives, so that a crash, a kill or a full
disk loses at most the last ``every`` seconds of text: the text is checkpointed
through ``checkpoint(text, reasoning)`` at most once per ``every`` seconds (and only
when it grew), and the run ends with one ``finish(text, status, stats, reasoning)``.
``text`` is the answer; ``reasoning`` a reasoning model's thinking, kept apart
(``llm/reasoning.py``), so it never becomes the answer, a section or an export. The status is
``done`` (the model ended or reached its token limit), ``stopped`` (Stop was
pressed, even when it interrupted the prompt evaluation) or ``error``. A
``UserError`` (no model, the context is full, the disk is full) is the person's or
the environment's: its message becomes ``stats["error"]``. Anything else is a
bug: logged with its traceback, with the partial text kept.

Where the text lives (a message row, a section's version) is the caller's: this
module only knows the two callables, so it needs neither store.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.llm.protocol import Delta

log = logging.getLogger(__name__)

#: The most text a crash can lose, in seconds of streaming; each checkpoint is one
#: small SQLite write, so 0.5 s keeps the cost below 1% of decode speed.
CHECKPOINT_SECONDS = 0.5


@dataclass(frozen=True)
class Recorded:
    """How a recorded stream ended. ``save_error`` is set when ``finish`` itself failed
    with a ``UserError`` (a full disk): the store then holds the last checkpoint, and
    the caller decides how to tell (the chat returns the whole reply marked error)."""

    text: str
    status: str  # "done", "stopped" or "error"
    stats: dict = field(default_factory=dict)
    save_error: str | None = None
    reasoning: str = ""

    @property
    def saved(self) -> bool:
        return self.save_error is None


def record_stream(
    stream: Iterable[Delta],
    *,
    checkpoint: Callable[[str, str], None],
    finish: Callable[[str, str, dict, str], None],
    on_text: Callable[[str], None] | None = None,
    on_reasoning: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
    prefix: str = "",
    stats: dict | None = None,
    every: float = CHECKPOINT_SECONDS,
    what: str = "reply",
) -> Recorded:
    """Consume ``stream`` into stored text; returns how it ended.

    ``prefix`` is text the stored text starts with (a 续写 carries a section's text
    on); ``stats`` are extra fields kept with the reply's own stats; ``what`` names
    the run in the log ("reply 12", "section 3").
    """
    parts: list[str] = [prefix]
    thoughts: list[str] = []
    saved_len = len(prefix)
    last_save = time.monotonic()
    status, out = "error", dict(stats or {})
    try:
        for delta in stream:
            if delta.done:
                out.update(delta.stats.to_dict())
                status = "stopped" if delta.stats.finish_reason == "cancelled" else "done"
                break
            if delta.reasoning:
                thoughts.append(delta.reasoning)
                if on_reasoning:
                    on_reasoning(delta.reasoning)
            if delta.text:
                parts.append(delta.text)
                if on_text:
                    on_text(delta.text)
            now = time.monotonic()
            if now - last_save >= every:
                text, reasoning = "".join(parts), "".join(thoughts)
                if len(text) + len(reasoning) != saved_len:
                    checkpoint(text, reasoning)
                    saved_len, last_save = len(text) + len(reasoning), now
    except UserError as exc:
        out["error"] = str(exc)
        log.info("%s failed: %s", what, exc)
    except Exception as exc:  # a bug: keep the partial text, log the traceback
        log.exception("generation failed for %s", what)
        out["error"] = _("Generation failed: {error}. Details are in the log file.").format(error=exc)
    if status == "error" and cancel is not None and cancel.is_set() and "error" not in out:
        status = "stopped"  # the stream ended early without saying why: Stop did it
    text, reasoning = "".join(parts), "".join(thoughts).strip()
    try:
        finish(text, status, out, reasoning)
    except UserError as exc:
        # e.g. the disk filled up: the store keeps the last checkpoint (marked interrupted
        # at the next start); the caller still gets the whole text.
        log.warning("%s could not be saved: %s", what, exc)
        return Recorded(text, status, out, save_error=str(exc), reasoning=reasoning)
    return Recorded(text, status, out, reasoning=reasoning)
