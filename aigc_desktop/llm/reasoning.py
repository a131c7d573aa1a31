"""A reasoning model's thinking, kept apart from its answer.

Reasoning reaches us three ways, and every engine turns them into the same
deltas (``Delta.reasoning`` beside ``Delta.text``):

- **inline tags**: ``<think>…</think>`` at the start of the content (DeepSeek-R1,
  QwQ and Qwen3 through llama.cpp, Ollama, most servers without a reasoning
  parser). A tag can arrive split over chunks (``<thi`` + ``nk>``), so text that
  could still become a tag is held back until it cannot;
- **an opened generation prompt**: R1-distill templates end the prompt with
  ``<think>\\n``, so the output holds only the closing ``</think>``
  (``ThinkSplitter(opened=True)``);
- **a separate field**: ``reasoning_content`` (DeepSeek's API, vLLM, llama-server
  with ``--reasoning-format``) or ``reasoning`` (OpenRouter, Ollama's OpenAI
  endpoint), read by ``providers/remote.py``.

Hand-written rather than a library because no parser on PyPI streams these tags
incrementally (the ones that exist work on the whole text after the fact).

Only an opening tag *before any answer text* opens thinking: an answer that talks
about ``<think>`` tags stays an answer. A reply cut while still thinking (Stop,
max tokens) keeps its reasoning and has an empty answer; ``unfinished`` says so.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterable, Iterator

from aigc_desktop.llm.protocol import Delta

OPEN, CLOSE = "<think>", "</think>"
_STORED = re.compile(r"^\s*<think>(.*?)(?:</think>\s*|$)", re.S)


def _held(text: str, tag: str) -> int:
    """How many characters at the end of ``text`` could be the start of ``tag``."""
    for n in range(min(len(tag) - 1, len(text)), 0, -1):
        if tag.startswith(text[-n:]):
            return n
    return 0


class ThinkSplitter:
    """Splits streamed text into (answer, reasoning) pieces; see the module docstring."""

    def __init__(self, opened: bool = False) -> None:
        self.thinking = opened  # inside <think>…</think> now
        self.seen_reasoning = opened
        self._fresh = opened  # thinking opened by the prompt, and nothing thought yet
        self._answered = False  # answer text (not just whitespace) has been given out
        self._pending = ""  # text held back: it could still be a tag
        self._strip_lead = opened  # drop the whitespace that follows <think> / </think>

    @property
    def unfinished(self) -> bool:
        """The stream ended (or ends now) while the model was still thinking."""
        return self.thinking

    def feed(self, text: str) -> tuple[str, str]:
        """The answer text and the reasoning text this chunk completes."""
        answer: list[str] = []
        reasoning: list[str] = []
        buf = self._pending + text
        self._pending = ""
        while buf:
            if self._strip_lead:
                buf = buf.lstrip()
                if not buf:
                    break
                self._strip_lead = False
            if self.thinking:
                if self._fresh:  # a model that writes <think> itself after a prompt that opened it
                    if buf.startswith(OPEN):
                        buf, self._strip_lead = buf[len(OPEN):], True
                        continue
                    if OPEN.startswith(buf):
                        self._pending = buf
                        break
                    self._fresh = False
                at = buf.find(CLOSE)
                if at < 0:
                    keep = _held(buf, CLOSE)
                    reasoning.append(buf[: len(buf) - keep])
                    self._pending = buf[len(buf) - keep:]
                    break
                reasoning.append(buf[:at])
                buf = buf[at + len(CLOSE):]
                self.thinking = False
                self._strip_lead = True
                continue
            if not self._answered:
                rest = buf.lstrip()
                if rest.startswith(OPEN):  # thinking opens before any answer
                    buf = rest[len(OPEN):]
                    self.thinking = self.seen_reasoning = True
                    self._strip_lead = True
                    continue
                if rest and OPEN.startswith(rest):  # could still become <think>: wait for more
                    self._pending = buf
                    break
            answer.append(buf)
            if buf.strip():
                self._answered = True
            break
        return "".join(answer), "".join(reasoning)

    def flush(self) -> tuple[str, str]:
        """What was held back, at the end of the stream."""
        held, self._pending = self._pending, ""
        if not held:
            return "", ""
        if self.thinking:
            return "", ("" if self._fresh and OPEN.startswith(held) else held)
        return held, ""


def split_stored(text: str) -> tuple[str, str]:
    """(answer, reasoning) of a whole stored text that may start with ``<think>…</think>``."""
    match = _STORED.match(text or "")
    if not match:
        return text, ""
    return text[match.end():], match.group(1).strip()


def prompt_opens_thinking(prompt: str) -> bool:
    """Does the rendered generation prompt end inside an opened ``<think>``?"""
    tail = prompt.rstrip()
    return tail.endswith(OPEN)


def split_reasoning(deltas: Iterable[Delta], *, opened: bool = False) -> Iterator[Delta]:
    """An engine's deltas with inline thinking moved to ``Delta.reasoning``.

    Deltas that already carry ``reasoning`` (a server's separate field) pass it on
    as it is. The final delta's stats gain ``reasoning_seconds`` (first thought to
    first answer text) and ``cut_while_thinking``."""
    splitter = ThinkSplitter(opened)
    thought_at: float | None = None
    answered_at: float | None = None
    for delta in deltas:
        if delta.done:
            answer, reasoning = splitter.flush()
            if answer or reasoning:
                yield Delta(answer, reasoning=reasoning)
            stats = delta.stats
            if stats is not None and (thought_at is not None or splitter.seen_reasoning):
                end = answered_at or time.perf_counter()
                stats = dataclasses.replace(
                    stats, reasoning_seconds=(end - thought_at) if thought_at is not None else None,
                    cut_while_thinking=answered_at is None)
            yield Delta(done=True, stats=stats)
            return
        answer, reasoning = splitter.feed(delta.text) if delta.text else ("", "")
        reasoning = delta.reasoning + reasoning
        if reasoning and thought_at is None:
            thought_at = time.perf_counter()
        if answer.strip() and answered_at is None and thought_at is not None:
            answered_at = time.perf_counter()
        if answer or reasoning:
            yield Delta(answer, reasoning=reasoning)
