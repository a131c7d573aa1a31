"""The ``Engine`` protocol: what the chat service, the window and (later) the writing
studio, compare view and local server need from a model, wherever it runs.

``LlamaEngine`` (llama.cpp in this process, :mod:`aigc_desktop.llm.engine`) is the
first implementation; an OpenAI-compatible remote engine is the second; tests use
a scripted fake (``tests/fake_engine.py``). The records a stream yields live here,
so that no caller needs llama.cpp to name them.

Threading: a local engine owns its model on one thread (the engine thread); callers
on other threads (the GUI) never call it directly, they ask that thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from aigc_desktop.llm.context import FitResult
from aigc_desktop.llm.sampling import SamplingParams


@dataclass(frozen=True)
class ReplyStats:
    prompt_tokens: int
    completion_tokens: int
    time_to_first_token: float | None  # seconds from the call to the first text
    tokens_per_second: float | None  # decode speed, after the first token
    total_seconds: float
    finish_reason: str  # "stop", "length", "cancelled"
    model: str
    dropped_messages: int = 0
    threads: int | None = None  # the CPU threads computing at the end (llm/threads.py); None: not local
    reasoning_seconds: float | None = None  # how long the model thought before answering (llm/reasoning.py)
    cut_while_thinking: bool = False  # ended (Stop, max tokens) before the answer began

    def to_dict(self) -> dict:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "time_to_first_token": self.time_to_first_token,
            "tokens_per_second": self.tokens_per_second,
            "total_seconds": self.total_seconds,
            "finish_reason": self.finish_reason,
            "model": self.model,
            "dropped_messages": self.dropped_messages,
            "threads": self.threads,
            "reasoning_seconds": self.reasoning_seconds,
            "cut_while_thinking": self.cut_while_thinking,
        }


@dataclass(frozen=True)
class Delta:
    text: str = ""  # the answer
    done: bool = False
    reasoning: str = ""  # the model's thinking, never part of the answer (llm/reasoning.py)
    stats: ReplyStats | None = None


@dataclass
class LoadedModel:
    path: Path
    name: str
    n_ctx: int
    n_threads: int
    chat_template: str
    eos_token: str
    bos_token: str
    metadata: dict = field(default_factory=dict)


@runtime_checkable
class Engine(Protocol):
    """A chat model: load it, stream replies, evaluate ahead, count and fit tokens."""

    model: LoadedModel | None

    @property
    def loaded(self) -> bool: ...

    def load(self, path: str | Path, *, n_ctx: int = 4096, n_threads: int = 0) -> LoadedModel:
        """Make ``path`` the model; on failure the previous one stays (raises ``UserError``)."""
        ...

    def unload(self) -> None: ...

    def stream_chat(
        self,
        messages: Sequence[dict],
        sampling: SamplingParams | None = None,
        cancel: threading.Event | None = None,
        *,
        fit: bool = True,
        cache_key: str | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Iterator[Delta]:
        """Text deltas, then one ``Delta(done=True, stats=...)``; stops soon after ``cancel`` is set.
        ``on_progress(done, total)`` may be called while a long prompt is read."""
        ...

    def complete(
        self,
        prompt: str,
        sampling: SamplingParams | None = None,
        cancel: threading.Event | None = None,
        *,
        cache_key: str | None = None,
    ) -> Iterator[Delta]:
        """Raw continuation of ``prompt`` with no chat template (续写); deltas as ``stream_chat``."""
        ...

    def prefill(
        self,
        messages: Sequence[dict],
        draft: str = "",
        cancel: threading.Event | None = None,
        *,
        cache_key: str | None = None,
        max_tokens: int = 0,
    ) -> int:
        """Evaluate the next prompt ahead of Send; returns tokens evaluated (0 if unsupported)."""
        ...

    def count_tokens(self, messages: Sequence[dict]) -> int:
        """Tokens the prompt for ``messages`` takes with this model's template."""
        ...

    def fit(self, messages: Sequence[dict], max_tokens: int) -> FitResult:
        """The messages that fit the context with ``max_tokens`` kept for the reply (oldest left out)."""
        ...


def collect(stream: Iterator[Delta], on_text: Callable[[str], None] | None = None) -> tuple[str, ReplyStats]:
    """Drain a stream into (text, stats)."""
    parts: list[str] = []
    stats = None
    for delta in stream:
        if delta.done:
            stats = delta.stats
        elif delta.text:
            parts.append(delta.text)
            if on_text:
                on_text(delta.text)
    assert stats is not None
    return "".join(parts), stats


def text_decoder():
    """The UTF-8 decoder of a token stream: a character split over tokens waits for its
    last byte, and bytes no character can use (a tiny model may emit a lead byte and then
    ASCII) are dropped, so a reply never shows U+FFFD."""
    import codecs

    return codecs.getincrementaldecoder("utf-8")(errors="ignore")
