"""``RemoteEngine``: the second implementation of the ``Engine`` protocol, over an OpenAI-compatible server.

Why the official ``openai`` client rather than httpx plus an SSE parser: it is
the reference implementation of the protocol every one of these servers copies
(llama.cpp's, vLLM, SGLang, Ollama, LM Studio, the cloud services), it parses
the SSE stream and the ``[DONE]`` sentinel, turns HTTP statuses into typed
errors (``AuthenticationError``, ``RateLimitError`` with the response and its
``Retry-After``…), and it rides on the httpx transport the app already ships.
Hand-writing that would be a second, less tested copy of the same thing. Its
automatic retries are switched off: a retry is the person's choice (Regenerate).

**Stop within 100 ms.** A blocked socket read cannot be interrupted from the
thread doing it, and a server may be silent for seconds (reading a long
prompt). So the stream is read by a small producer thread into a queue; the
caller's generator waits on that queue in short slices and checks the cancel
event between them. On Stop it closes the response (the server sees the
connection drop and stops generating) and returns at once; the producer ends
on its own when the read fails. Measured in ``tests/providers``.

**Raw continuation** (续写, :meth:`RemoteEngine.complete`) goes through
``/v1/completions`` on the same reader, stop and error path as a chat reply.

**A cut connection** yields what arrived, then raises a
:class:`~aigc_desktop.providers.errors.ProviderError` (a ``UserError``) with the
reason; ``ChatService`` keeps the partial text with status ``error``.

**Counting tokens** without the server's tokenizer is an estimate: each CJK
character (or kana, hangul, full-width form) as one token, other text at one
token per three characters, plus four per message for the template. That is
deliberately on the high side for the tokenizers in use (SmolLM2, Qwen,
Llama 3 average 3.5–4.5 English characters and 0.7–1.0 Chinese characters per
token), so fitting leaves out an old message a little early rather than letting
the server refuse an over-long prompt. The reply's stats carry the server's own
``usage`` when it sends one.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from aigc_desktop.errors import ContextOverflowError
from aigc_desktop.i18n import _
from aigc_desktop.llm.context import FitResult, fit_messages, reply_budget
from aigc_desktop.llm.protocol import Delta, LoadedModel, ReplyStats
from aigc_desktop.llm.reasoning import split_reasoning
from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.llm.thinking import is_hybrid
from aigc_desktop.providers.config import Provider
from aigc_desktop.providers.errors import ProviderError, describe
from aigc_desktop.providers.secrets import mask

log = logging.getLogger(__name__)

POLL_SECONDS = 0.02  # how often a waiting stream looks at the cancel event
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 600.0  # between two chunks: a big model may read a long prompt for minutes
# Keys that servers use in /v1/models for the context they were started with.
_CONTEXT_KEYS = ("max_model_len", "context_length", "max_context_length", "n_ctx", "context_window")


@dataclass(frozen=True)
class RemoteReplyStats(ReplyStats):
    provider: str = ""
    server_model: str = ""
    unsupported_sampling: tuple = ()  # our settings this server has no field for: not applied
    usage_from_server: bool = False  # token counts from the server's ``usage`` (else counted chunks)
    # The step's native tool calls, assembled from the streamed deltas: ({"id", "name", "arguments"}, …);
    # arguments are a dict, or the raw text when it is not a JSON object (tools/loop.py reports that).
    tool_calls: tuple = ()

    def to_dict(self) -> dict:
        return {**super().to_dict(), "provider": self.provider, "server_model": self.server_model,
                "unsupported_sampling": list(self.unsupported_sampling),
                "usage_from_server": self.usage_from_server}


def approx_tokens(text: str) -> int:
    """An over-estimate of ``text``'s tokens without a tokenizer (see the module docstring)."""
    wide = sum(1 for ch in text if ord(ch) >= 0x2E80)
    return wide + math.ceil((len(text) - wide) / 3)


def context_length_of(entry: dict) -> int | None:
    """The context length a ``/v1/models`` entry reports, if any (vLLM, LM Studio, llama-server…)."""
    for where in (entry, entry.get("meta") or {}):
        for key in _CONTEXT_KEYS:
            value = where.get(key) if isinstance(where, dict) else None
            if isinstance(value, (int, float)) and value > 0:
                return int(value)
    return None


def sampling_request(provider: Provider, sampling: SamplingParams, model_id: str = "") -> tuple[dict, dict, tuple]:
    """(OpenAI keyword arguments, ``extra_body``, names this server does not take).

    Thinking on or off (``sampling.thinking``) goes as ``chat_template_kwargs: {"enable_thinking": …}``,
    which llama-server, vLLM and SGLang hand to the model's chat template, to a server whose preset
    takes it; a "custom" server gets it only for a hybrid model's id (Qwen3, SmolLM3: only a server
    running open weights serves those), because OpenAI itself refuses fields it does not know."""
    kwargs = {"temperature": sampling.temperature, "top_p": sampling.top_p, "max_tokens": sampling.max_tokens}
    if sampling.seed is not None:
        kwargs["seed"] = sampling.seed
    extra, unsupported = {}, []
    for ours in ("top_k", "min_p", "repeat_penalty"):
        theirs = provider.preset.extra.get(ours)
        if theirs:
            extra[theirs] = getattr(sampling, ours)
        else:
            unsupported.append(ours)
    if sampling.thinking is not None:
        if provider.preset.extra.get("thinking") or is_hybrid(model_id):
            extra["chat_template_kwargs"] = {"enable_thinking": sampling.thinking}
        else:
            unsupported.append("thinking")
    return kwargs, extra, tuple(unsupported)


class RemoteEngine:
    """An ``Engine`` whose model runs on an OpenAI-compatible server.

    Holds one HTTP client; several streams may run at once (compare runs remote
    models in parallel). ``guard()`` is called before every request and raises
    when the offline switch forbids this provider.
    """

    kind = "remote"

    def __init__(self, provider: Provider, api_key: str | None = None, *,
                 guard: Callable[[], None] | None = None) -> None:
        import openai

        self.provider = provider
        self.model: LoadedModel | None = None
        self._guard = guard or (lambda: None)
        mask(api_key)
        # Servers without authentication ignore the header; the client insists on a value.
        self.client = openai.OpenAI(
            base_url=provider.base_url, api_key=api_key or "no-key", max_retries=0,
            timeout=openai.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
        )

    # -- models -----------------------------------------------------------------
    def list_models(self) -> list[dict]:
        """``[{"id", "context_length"}]`` from ``GET /v1/models``; raises a one-line ``ProviderError``."""
        self._guard()
        try:
            page = self.client.models.list()
            entries = [m.model_dump() for m in page.data]
        except Exception as exc:
            raise self._error(exc) from exc
        return [{"id": e.get("id", ""), "context_length": context_length_of(e)} for e in entries]

    @property
    def loaded(self) -> bool:
        return self.model is not None

    def load(self, path: str | Path, *, n_ctx: int = 4096, n_threads: int = 0) -> LoadedModel:
        """Make the server's model ``path`` (its id) this engine's; checks it exists and asks its context."""
        model_id = str(path)
        models = self.list_models()
        entry = next((m for m in models if m["id"] == model_id), None)
        if entry is None:
            names = ", ".join(m["id"] for m in models[:8]) or _("none")
            raise ProviderError(_("{provider} has no model “{model}”; it offers: {names}.").format(
                provider=self.provider.name, model=model_id, names=names), "not_found")
        reported = entry["context_length"]
        self.model = LoadedModel(
            path=Path(model_id), name=f"{self.provider.key}/{model_id}",  # a reference: the key, not the name
            n_ctx=reported or self.provider.context_length, n_threads=0,
            chat_template="", eos_token="", bos_token="",
            metadata={"provider": self.provider.name, "server_model": model_id, "remote": True,
                      "context_from": "server" if reported else "setting"},
        )
        return self.model

    def unload(self) -> None:
        self.model = None

    def close(self) -> None:
        self.model = None
        self.client.close()

    # -- tokens -----------------------------------------------------------------
    def count_tokens(self, messages: Sequence[dict]) -> int:
        return 3 + sum(4 + approx_tokens(str(m.get("content") or "")) for m in messages)

    def fit(self, messages: Sequence[dict], max_tokens: int) -> FitResult:
        return fit_messages(messages, self.count_tokens, self._require().n_ctx, max_tokens)

    def prefill(self, messages, draft: str = "", cancel=None, *, cache_key=None, max_tokens: int = 0) -> int:
        return 0  # the server keeps its own cache; there is nothing to evaluate ahead from here

    def _require(self) -> LoadedModel:
        if self.model is None:
            raise ProviderError(_("No model of {provider} is selected.").format(provider=self.provider.name))
        return self.model

    def _error(self, exc: BaseException) -> ProviderError:
        return describe(exc, self.provider.name, self.provider.base_url)

    # -- generation -------------------------------------------------------------
    def stream_chat(
        self,
        messages: Sequence[dict],
        sampling: SamplingParams | None = None,
        cancel: threading.Event | None = None,
        *,
        fit: bool = True,
        cache_key: str | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        tools: list[dict] | None = None,
        tool_choice: dict | str | None = None,
    ) -> Iterator[Delta]:
        """Text deltas, then ``Delta(done=True, stats=RemoteReplyStats)``; see the module docstring.
        With ``tools`` (OpenAI's format) the server may answer with calls: ``stats.tool_calls``."""
        model = self._require()
        sampling = sampling or SamplingParams()
        started = time.perf_counter()
        msgs = [_wire(m) for m in messages]
        dropped, estimate = 0, self.count_tokens(msgs)
        if fit and estimate > model.n_ctx - reply_budget(model.n_ctx, sampling.max_tokens):
            fitted = self.fit(msgs, sampling.max_tokens)
            msgs, dropped, estimate = fitted.messages, fitted.dropped, fitted.prompt_tokens

        def create(**kwargs):
            if tools:
                kwargs["tools"] = tools
                if tool_choice:
                    kwargs["tool_choice"] = tool_choice
            return self.client.chat.completions.create(messages=msgs, **kwargs)

        # Thinking is the answer's neighbour, never part of it: a separate field or inline tags.
        yield from split_reasoning(
            self._generate(model, create, _chat_text, sampling, cancel, started, estimate, dropped, _chat_reasoning))

    def complete(
        self,
        prompt: str,
        sampling: SamplingParams | None = None,
        cancel: threading.Event | None = None,
        *,
        cache_key: str | None = None,
    ) -> Iterator[Delta]:
        """续写 through ``POST /v1/completions``: the raw ``prompt`` carried on with no chat template.

        Streamed, stopped and reported like :meth:`stream_chat`, with the same error
        lines. A server that offers only chat (most cloud services) answers with an
        error, which comes back as a ``ProviderError`` naming it."""
        model = self._require()
        started = time.perf_counter()

        def create(**kwargs):
            return self.client.completions.create(prompt=prompt, **kwargs)

        yield from self._generate(model, create, _completion_text, sampling or SamplingParams(), cancel, started,
                                  approx_tokens(prompt), 0)

    def _generate(self, model: LoadedModel, create, text_of, sampling: SamplingParams, cancel, started: float,
                  estimate: int, dropped: int, reasoning_of=None) -> Iterator[Delta]:
        """One streamed request: ``create(**kwargs)`` opens it, ``text_of(choice)`` reads a chunk's text
        and ``reasoning_of(choice)`` its separate reasoning, if the server sends one."""
        cancel = cancel or threading.Event()
        if estimate >= model.n_ctx:
            raise ContextOverflowError(_("The prompt takes about {tokens:,} tokens; the context holds {n_ctx:,}.").format(
                tokens=estimate, n_ctx=model.n_ctx))
        kwargs, extra, unsupported = sampling_request(self.provider, sampling, model.metadata["server_model"])
        kwargs["max_tokens"] = max(1, min(kwargs["max_tokens"], model.n_ctx - estimate))
        self._guard()
        if cancel.is_set():
            yield Delta(done=True, stats=self._stats(model, started, None, 0, None, "cancelled", dropped,
                                                     unsupported, estimate))
            return
        chunks: queue.SimpleQueue = queue.SimpleQueue()
        try:
            stream = create(model=model.metadata["server_model"], stream=True,
                            stream_options={"include_usage": True}, extra_body=extra or None, **kwargs)
        except Exception as exc:
            raise self._error(exc) from exc
        reader = threading.Thread(target=_read, args=(stream, chunks), name="remote-stream", daemon=True)
        reader.start()
        first_at, pieces, usage, finish, error = None, 0, None, "stop", None
        calls: dict[int, dict] = {}  # streamed tool-call pieces by index
        try:
            while True:
                try:
                    kind, item = chunks.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    if cancel.is_set():
                        finish = "cancelled"
                        break
                    continue
                if kind == "end":
                    break
                if kind == "error":
                    error = item
                    break
                if getattr(item, "usage", None) is not None:
                    usage = item.usage
                for choice in item.choices or ():
                    _gather_calls(choice, calls)
                    text = text_of(choice)
                    thought = reasoning_of(choice) if reasoning_of else None
                    if text or thought:
                        pieces += 1
                        if first_at is None:
                            first_at = time.perf_counter()
                        yield Delta(text or "", reasoning=thought or "")
                    if choice.finish_reason:
                        finish = "length" if choice.finish_reason == "length" else "stop"
                if cancel.is_set():
                    finish = "cancelled"
                    break
        finally:
            if finish == "cancelled" or error is not None or reader.is_alive():
                _close(stream)
        if error is not None and not cancel.is_set():
            log.info("stream from %s failed: %r", self.provider.name, error)
            raise self._error(error) from error
        if error is not None:
            finish = "cancelled"
        stats = self._stats(model, started, first_at, pieces, usage, finish, dropped, unsupported, estimate)
        if calls and finish != "cancelled":
            stats = dataclasses.replace(stats, tool_calls=_assembled(calls))
        yield Delta(done=True, stats=stats)

    def _stats(self, model, started, first_at, pieces, usage, finish, dropped, unsupported, estimate):
        ended = time.perf_counter()
        completion = int(getattr(usage, "completion_tokens", 0) or 0) or pieces
        prompt = int(getattr(usage, "prompt_tokens", 0) or 0) or estimate
        decode = ended - first_at if first_at else 0.0
        return RemoteReplyStats(
            prompt_tokens=prompt, completion_tokens=completion,
            time_to_first_token=(first_at - started) if first_at else None,
            tokens_per_second=(completion - 1) / decode if completion > 1 and decode > 0 else None,
            total_seconds=ended - started, finish_reason=finish, model=model.name, dropped_messages=dropped,
            provider=self.provider.name, server_model=model.metadata["server_model"],
            unsupported_sampling=unsupported, usage_from_server=usage is not None,
        )


_WIRE_KEYS = ("role", "content", "tool_calls", "tool_call_id", "name")


def _wire(message: dict) -> dict:
    """A history message as the API takes it: role and content, and a tool exchange's own keys."""
    out = {k: message[k] for k in _WIRE_KEYS if k in message}
    out.setdefault("content", "")
    if out.get("role") != "tool":
        out.pop("name", None)
    return out


def _gather_calls(choice, calls: dict[int, dict]) -> None:
    """Add a chunk's ``tool_calls`` pieces (id and name once, the arguments' JSON in fragments)."""
    delta = getattr(choice, "delta", None)
    for piece in getattr(delta, "tool_calls", None) or ():
        slot = calls.setdefault(getattr(piece, "index", None) or 0, {"id": "", "name": "", "arguments": ""})
        if getattr(piece, "id", None):
            slot["id"] = piece.id
        function = getattr(piece, "function", None)
        if function is not None:
            if getattr(function, "name", None):
                slot["name"] += function.name
            if getattr(function, "arguments", None):
                slot["arguments"] += function.arguments


def _assembled(calls: dict[int, dict]) -> tuple:
    out = []
    for _index, call in sorted(calls.items()):
        try:
            args = json.loads(call["arguments"]) if call["arguments"].strip() else {}
        except ValueError:
            args = call["arguments"]
        out.append({"id": call["id"], "name": call["name"], "arguments": args if isinstance(args, dict) or
                    isinstance(args, str) else call["arguments"]})
    return tuple(c for c in out if c["name"])


def _chat_text(choice) -> str | None:
    return getattr(choice.delta, "content", None) if choice.delta else None


def _chat_reasoning(choice) -> str | None:
    """``reasoning_content`` (DeepSeek, vLLM, llama-server) or ``reasoning`` (OpenRouter, Ollama)."""
    delta = choice.delta
    if delta is None:
        return None
    for name in ("reasoning_content", "reasoning"):
        value = getattr(delta, name, None)
        if isinstance(value, str) and value:
            return value
    return None


def _completion_text(choice) -> str | None:
    return getattr(choice, "text", None)


def _read(stream, chunks: queue.SimpleQueue) -> None:
    """The producer: every chunk into the queue, then ("end", None) or ("error", exc)."""
    try:
        for chunk in stream:
            chunks.put(("chunk", chunk))
    except Exception as exc:  # handed to the consumer, which decides (Stop, or a cut connection)
        chunks.put(("error", exc))
        return
    chunks.put(("end", None))


def _close(stream) -> None:
    try:
        stream.close()
    except Exception:  # closing a response that another thread is reading may complain; it is closed
        log.debug("closing a remote stream", exc_info=True)
