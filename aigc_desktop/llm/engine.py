"""The llama.cpp engine: the first implementation of the ``Engine`` protocol.

(About 500 lines: loading, KV-state hand-over, prefill and streaming all act on the
one ``Llama`` under one lock; raw continuation already lives in ``llm/completion.py``
and GPU offload in ``llm/gpu.py``, and the stream's UTF-8/stop-string holdback is the
next piece to move, into ``llm/text.py``.)

``LlamaEngine.stream_chat(messages, sampling, cancel)`` yields :class:`Delta`
objects: text pieces, then one final delta with ``done=True`` and the reply's
stats. The loaded ``Llama`` is kept between turns, so llama.cpp reuses the
evaluated prefix of a follow-up turn (its KV cache) instead of re-reading the
whole history. One generation at a time; cancel is a ``threading.Event``
checked between tokens and, through llama.cpp's abort callback, inside a long
prompt evaluation.
"""

from __future__ import annotations

import ctypes
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from aigc_desktop.errors import ContextOverflowError, ModelLoadError
from aigc_desktop.i18n import _
from aigc_desktop.llm.context import FitResult, fit_messages, reply_budget
from aigc_desktop.llm.gguf_info import check_gguf_file
from aigc_desktop.llm.gpu import GPU_FALLBACK_NOTE, resolve_gpu_layers
from aigc_desktop.llm.memory import check_memory
from aigc_desktop.llm.protocol import Delta, LoadedModel, ReplyStats, collect, text_decoder  # noqa: F401 (re-exported)
from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.llm.split_names import model_name
from aigc_desktop.llm.state_cache import DEFAULT_BUDGET, StateCache, capture, common_prefix, restore

log = logging.getLogger(__name__)

# Used only when a GGUF file carries no chat template of its own.
CHATML_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def explain_load_failure(path: Path, lines: list[str], exc: BaseException) -> str:
    """Turn llama.cpp's log lines about a failed load into a sentence a person can act on."""
    text = " ".join(lines).lower()
    if "not within the file bounds" in text or "incomplete" in text:
        return _("{name} is truncated or corrupted (its data ends early). Download it again.").format(name=path.name)
    if "key-value" in text or "failed to read" in text or "invalid magic" in text:
        return _("{name} is damaged: its GGUF header cannot be read.").format(name=path.name)
    if "unknown model architecture" in text:
        arch = next((l.split("'")[1] for l in lines if "unknown model architecture" in l and "'" in l), "")
        if arch:
            return _("{name} uses a model architecture this version of llama.cpp does not know ({arch}). "
                     "Update the app or pick another model.").format(name=path.name, arch=arch)
        return _("{name} uses a model architecture this version of llama.cpp does not know. "
                 "Update the app or pick another model.").format(name=path.name)
    if "alloc" in text or "memory" in text:
        return _("{name} could not be loaded: not enough memory.").format(name=path.name)
    detail = "; ".join(lines[-2:]) or str(exc)
    return _("{name} could not be loaded by llama.cpp: {detail}").format(name=path.name, detail=detail)


def default_threads() -> int:
    try:
        import psutil

        physical = psutil.cpu_count(logical=False)
    except Exception:
        physical = None
    return max(1, physical or os.cpu_count() or 1)


class LlamaEngine:
    """The llama.cpp implementation of :class:`aigc_desktop.llm.protocol.Engine`.

    Owns one ``llama_cpp.Llama``; safe to call from one worker thread at a time.
    """

    kind = "local"

    def __init__(self, state_budget: int = DEFAULT_BUDGET) -> None:
        self._llm = None
        self.gpu_note: str | None = None  # set by load() when a GPU load fell back to the CPU
        self._formatter = None
        self.model: LoadedModel | None = None
        self._lock = threading.RLock()
        self._active_cancel: threading.Event | None = None
        self._abort_cb = None
        self.state_cache = StateCache(state_budget)
        self._pieces: dict[int, bytes] = {}  # token id -> its bytes (or _EOG), per loaded model
        self._owner_key: str | None = None  # whose tokens the context holds now
        self.last_restore: str | None = None  # for tests and benchmarks

    # -- loading ----------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        return self._llm is not None

    def load(self, path: str | Path, *, n_ctx: int = 4096, n_threads: int = 0,
             n_gpu_layers: str | int = "auto") -> LoadedModel:
        """Load a GGUF file. On any failure the previously loaded model stays loaded.

        ``n_gpu_layers`` is ``"auto"``, 0 or N (``llm/gpu.py``); a load that fails with
        layers on the GPU is tried once more on the CPU, and ``gpu_note`` says so.
        """
        from llama_cpp import Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        from aigc_desktop.llm.native_log import recent_errors, route_llama_log

        route_llama_log()
        path = Path(path).expanduser()
        check_gguf_file(path)
        check_memory(path, n_ctx)
        threads = n_threads or default_threads()
        recent_errors(clear=True)
        gpu_layers = resolve_gpu_layers(n_gpu_layers)
        self.gpu_note = None
        try:
            try:
                llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads,
                            n_batch=512, seed=0, verbose=False, n_gpu_layers=gpu_layers)
            except Exception:
                if gpu_layers == 0:
                    raise
                log.warning("loading %s with %d GPU layers failed; trying the CPU", path, gpu_layers, exc_info=True)
                recent_errors(clear=True)
                llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads,
                            n_batch=512, seed=0, verbose=False, n_gpu_layers=0)
                self.gpu_note = GPU_FALLBACK_NOTE
        except Exception as exc:
            lines = recent_errors()
            log.error("llama.cpp failed to load %s: %s", path, lines, exc_info=True)
            raise ModelLoadError(explain_load_failure(path, lines, exc)) from exc
        metadata = dict(llm.metadata or {})
        template = metadata.get("tokenizer.chat_template") or CHATML_TEMPLATE
        eos_id = llm.token_eos()
        bos_id = llm.token_bos()
        eos = llm._model.token_get_text(eos_id) if eos_id != -1 else ""
        bos = llm._model.token_get_text(bos_id) if bos_id != -1 else ""
        # Jinja2ChatFormatter renders in jinja2's ImmutableSandboxedEnvironment:
        # a template from an untrusted GGUF file cannot reach Python objects.
        formatter = Jinja2ChatFormatter(
            template=template, eos_token=eos, bos_token=bos, stop_token_ids=[eos_id]
        )
        with self._lock:
            old = self._llm
            self._llm, self._formatter = llm, formatter
            self.model = LoadedModel(
                path=path,
                name=model_name(path),  # a split set is named for the set, not its part 1
                n_ctx=llm.n_ctx(),
                n_threads=threads,
                chat_template=template,
                eos_token=eos,
                bos_token=bos,
                metadata=metadata,
            )
            self._install_abort_callback()
            self.state_cache.clear()
            self._owner_key = None
            self._pieces = {}
        if old is not None:
            old.close()
        log.info("loaded %s (n_ctx=%s, threads=%s)", path, n_ctx, threads)
        return self.model

    def unload(self) -> None:
        with self._lock:
            if self._llm is not None:
                self._llm.close()
            self._llm = self._formatter = self.model = None
            self.state_cache.clear()
            self._owner_key = None

    def _install_abort_callback(self) -> None:
        import llama_cpp

        @llama_cpp.ggml_abort_callback
        def _abort(_data) -> bool:
            # Runs inside llama_decode: a Stop reaches a long prompt evaluation.
            event = self._active_cancel
            return event is not None and event.is_set()

        self._abort_cb = _abort  # keep alive for as long as the context
        self._abort_on = False
        self._set_abort(True)

    def _set_abort(self, on: bool) -> None:
        """Turn the abort callback on for prompt evaluation, off for token-by-token decoding.

        llama.cpp calls it before every graph node (~600 times per token for
        SmolLM2); through ctypes that cost ~3% of decode speed. While decoding,
        the loop checks the cancel event between tokens instead, so Stop waits
        at most one token.
        """
        import llama_cpp

        if on != self._abort_on and self._llm is not None:
            callback = self._abort_cb if on else llama_cpp.ggml_abort_callback()  # a NULL pointer: none
            llama_cpp.llama_set_abort_callback(self._llm.ctx, callback, None)
            self._abort_on = on

    # -- tokens -----------------------------------------------------------------
    def _require(self):
        if self._llm is None:
            raise ModelLoadError(_("No model is loaded."))
        return self._llm

    def format_prompt(self, messages: Sequence[dict]) -> list[int]:
        llm = self._require()
        result = self._formatter(messages=[{"role": m["role"], "content": m["content"]} for m in messages])
        return llm.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True)

    def count_tokens(self, messages: Sequence[dict]) -> int:
        """Tokens the prompt for these messages takes, with the model's template and tokenizer."""
        return len(self.format_prompt(messages))

    def count_text_tokens(self, text: str) -> int:
        return len(self._require().tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def fit(self, messages: Sequence[dict], max_tokens: int) -> FitResult:
        llm = self._require()
        return fit_messages(messages, self.count_tokens, llm.n_ctx(), max_tokens)

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
    ) -> Iterator[Delta]:
        """Stream a reply. The last delta has ``done=True`` and the stats.

        ``on_progress(done, total)`` hears how far a long prompt evaluation has got
        (tokens not already in the KV cache), so a window can say "reading the
        conversation… N / M" instead of a silent wait.

        With ``fit`` the oldest messages are left out when the history is too
        long (see :mod:`aigc_desktop.llm.context`). ``cache_key`` names the
        conversation, so its evaluated state can be kept while another one uses
        the model (see :mod:`aigc_desktop.llm.state_cache`).
        """
        sampling = sampling or SamplingParams()
        with self._lock:
            yield from self._stream(list(messages), sampling, cancel, fit, cache_key, on_progress)

    def complete(
        self,
        prompt: str,
        sampling: SamplingParams | None = None,
        cancel: threading.Event | None = None,
        *,
        cache_key: str | None = None,
    ) -> Iterator[Delta]:
        """Continue the raw text ``prompt`` (no chat template), streamed like ``stream_chat``."""
        from aigc_desktop.llm.completion import stream_completion

        with self._lock:
            yield from stream_completion(self, prompt, sampling or SamplingParams(), cancel, cache_key)

    def prefill(
        self,
        messages: Sequence[dict],
        draft: str = "",
        cancel: threading.Event | None = None,
        *,
        cache_key: str | None = None,
        max_tokens: int = 0,
    ) -> int:
        """Evaluate ahead of time the prompt the next turn will start with.

        ``messages`` is the history and ``draft`` what the person has typed so
        far (maybe nothing). The prompt up to the end of the draft goes into
        the KV cache now, while they type; when they send, ``stream_chat``
        finds it evaluated and starts from where the final text differs, so a
        long chat's next reply starts after a handful of tokens. Returns the
        number of tokens evaluated; 0 when nothing was new or the prompt
        would need fitting. ``cancel`` interrupts it like a reply.
        """
        with self._lock:
            llm = self._require()
            msgs = [{"role": m["role"], "content": m["content"]} for m in messages]
            msgs.append({"role": "user", "content": draft + _DRAFT_MARK})
            result = self._formatter(messages=msgs)
            head, mark, _rest = result.prompt.partition(_DRAFT_MARK)
            if not mark:  # the template rewrote the text: nothing to line up with
                return 0
            tokens = llm.tokenize(head.encode("utf-8"), add_bos=not result.added_special, special=True)
            n_ctx = llm.n_ctx()
            if len(tokens) > n_ctx - reply_budget(n_ctx, max_tokens):
                return 0
            cancel = cancel or threading.Event()
            if cancel.is_set():
                return 0
            self._switch_state(llm, tokens, cache_key)
            start = common_prefix(llm.input_ids[: llm.n_tokens], tokens)
            if start >= len(tokens):
                return 0
            llm.n_tokens = start  # eval() drops the KV cells from here on
            self._active_cancel = cancel
            try:
                llm.eval(tokens[start:])
            except RuntimeError:
                if not cancel.is_set():
                    raise
            finally:
                self._active_cancel = None
            return llm.n_tokens - start

    def _switch_state(self, llm, tokens: list[int], cache_key: str | None) -> None:
        """Save the outgoing conversation's state and restore the incoming one's."""
        self.last_restore = None
        if cache_key is None or cache_key == self._owner_key:
            self._owner_key = cache_key or self._owner_key
            return
        if self._owner_key is not None:
            saved = capture(llm)
            if saved is not None:
                self.state_cache.put(self._owner_key, saved)
        self._owner_key = cache_key
        cached = self.state_cache.get(cache_key)
        if cached is None:
            return
        here = common_prefix(llm.input_ids[: llm.n_tokens], tokens)
        there = common_prefix(cached.tokens, tokens)
        if there > here and restore(llm, cached):
            self.last_restore = cache_key

    def _read_prompt(self, llm, tokens: list[int], cancel, on_progress) -> None:
        """Evaluate all but the last prompt token in batches, reporting progress between them.

        ``generate`` then finds them in the KV cache and evaluates only the last
        token. Stop works as before: the abort callback interrupts a batch, and
        the check between batches raises the same way.
        """
        start = common_prefix(llm.input_ids[: llm.n_tokens], tokens)
        end = len(tokens) - 1
        total = end - start
        if on_progress is None or total <= READ_BATCH:
            return
        llm.n_tokens = start  # eval() drops the KV cells from here on
        for at in range(start, end, READ_BATCH):
            on_progress(at - start, total)
            if cancel.is_set():
                raise RuntimeError("cancelled while reading the prompt")
            llm.eval(tokens[at:min(at + READ_BATCH, end)])
        on_progress(total, total)

    def _stream(self, messages, sampling: SamplingParams, cancel, fit: bool, cache_key=None,
                on_progress=None) -> Iterator[Delta]:
        import llama_cpp

        llm = self._require()
        started = time.perf_counter()
        n_ctx = llm.n_ctx()
        tokens, dropped = self.format_prompt(messages), 0
        if fit and len(tokens) > n_ctx - reply_budget(n_ctx, sampling.max_tokens):
            fitted = self.fit(messages, sampling.max_tokens)
            tokens, dropped = self.format_prompt(fitted.messages), fitted.dropped
        if len(tokens) >= n_ctx:
            raise ContextOverflowError(
                _("The prompt takes {tokens:,} tokens; the context holds {n_ctx:,}.").format(
                    tokens=len(tokens), n_ctx=n_ctx)
            )
        cancel = cancel or threading.Event()
        self._switch_state(llm, tokens, cache_key)
        self._active_cancel = cancel

        llm.set_seed(sampling.seed if sampling.seed is not None else random.randrange(2**31))
        vocab = llama_cpp.llama_model_get_vocab(llm.model)
        stop_text = self.model.eos_token if self.model else ""
        decoder = text_decoder()
        pieces = self._pieces
        generated: list[int] = []
        first_at: float | None = None
        finish = "length"
        pending = ""  # text held back while it could be the start of the stop string
        max_tokens = min(sampling.max_tokens, n_ctx - len(tokens))
        try:
            self._read_prompt(llm, tokens, cancel, on_progress)
            gen = llm.generate(
                tokens,
                top_k=sampling.top_k,
                top_p=sampling.top_p,
                min_p=sampling.min_p,
                temp=sampling.temperature,
                repeat_penalty=sampling.repeat_penalty,
            )
            try:
                for token in gen:
                    self._set_abort(False)  # the prompt is evaluated; decoding checks between tokens
                    if cancel.is_set():
                        finish = "cancelled"
                        break
                    raw_piece = pieces.get(token)
                    if raw_piece is None:  # per-token ctypes calls are cached: decode speed matters
                        raw_piece = _EOG if llama_cpp.llama_vocab_is_eog(vocab, token) else llm.detokenize([token])
                        pieces[token] = raw_piece
                    if raw_piece is _EOG:
                        finish = "stop"
                        break
                    generated.append(token)
                    piece = decoder.decode(raw_piece)
                    if piece:
                        pending += piece
                        if stop_text and stop_text in pending:
                            pending = pending.split(stop_text, 1)[0]
                            finish = "stop"
                            if pending:
                                first_at = first_at or time.perf_counter()
                                yield Delta(pending)
                            pending = ""
                            break
                        keep = _stop_prefix_len(pending, stop_text) if "<" in pending or not stop_text.startswith("<") else 0
                        out, pending = pending[: len(pending) - keep], pending[len(pending) - keep :]
                        if out:
                            if first_at is None:
                                first_at = time.perf_counter()
                            yield Delta(out)
                    if len(generated) >= max_tokens:
                        finish = "length"
                        break
                    if cancel.is_set():
                        finish = "cancelled"
                        break
            finally:
                gen.close()
        except RuntimeError:
            if not cancel.is_set():
                raise
            finish = "cancelled"  # llama_decode aborted by the callback; n_tokens still
            # counts only whole batches, and the next eval trims the KV cache to it.
        finally:
            self._active_cancel = None
            self._set_abort(True)
        # A character cut in half by the token limit is dropped, never shown as U+FFFD.
        tail = pending + decoder.decode(b"", final=True).rstrip("\ufffd")
        if tail and finish != "stop":
            if first_at is None:
                first_at = time.perf_counter()
            yield Delta(tail)
        ended = time.perf_counter()
        decode_time = ended - first_at if first_at else 0.0
        stats = ReplyStats(
            prompt_tokens=len(tokens),
            completion_tokens=len(generated),
            time_to_first_token=(first_at - started) if first_at else None,
            tokens_per_second=(len(generated) - 1) / decode_time
            if len(generated) > 1 and decode_time > 0
            else None,
            total_seconds=ended - started,
            finish_reason=finish,
            model=self.model.name if self.model else "",
            dropped_messages=dropped,
        )
        yield Delta(done=True, stats=stats)


_EOG = object()  # marks end-of-generation tokens in the piece cache
READ_BATCH = 512  # prompt tokens per progress step (the context's n_batch)
_DRAFT_MARK = "\ue000"  # a private-use character: where the draft ends in the formatted prompt


def _stop_prefix_len(text: str, stop: str) -> int:
    """Length of the longest tail of ``text`` that is a prefix of ``stop``."""
    if not stop:
        return 0
    for n in range(min(len(stop) - 1, len(text)), 0, -1):
        if stop.startswith(text[-n:]):
            return n
    return 0
