"""Running one loaded ``Llama``: evaluate a prompt's tokens, generate a reply from them.

``LlamaEngine`` decides *what* to evaluate (the chat template, fitting the history,
whose KV state the context holds); a :class:`Runner` decides *how*, the same way for
a chat reply, a raw continuation (续写) and evaluating ahead (prefill):

- **Stop** is the caller's ``threading.Event``. llama.cpp's abort callback reads it
  inside ``llama_decode``, so Stop interrupts a long prompt evaluation. The callback
  runs before every graph node (~600 times per token for SmolLM2), which through
  ctypes cost ~3 % of decode speed, so it is switched off once the first token is
  out; while decoding, the loop checks the event between tokens (Stop waits at most
  one token).
- **Reading a long prompt**: when more than one batch is not in the KV cache, the
  tokens are evaluated batch by batch with ``on_progress(done, total)`` between
  batches, and ``generate`` then evaluates only the last token.
- **Text**: UTF-8 is decoded incrementally (``protocol.text_decoder``: a character
  split over tokens waits for its last byte, unusable bytes are dropped, so no
  U+FFFD), and text that could be the start of a stop string is held back until it
  cannot be.
- **Threads**: how many threads compute is chosen before each evaluation and looked at
  again while decoding (``llm/threads.py``: the cores other programs leave free).
- **Stats**: time to first text, decode speed after the first token, token counts,
  the thread count in use at the end.

One runner per loaded model (its token-piece cache belongs to that vocabulary); the
caller holds the engine's lock around every call.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator

from aigc_desktop.llm.protocol import Delta, ReplyStats, text_decoder
from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.llm.state_cache import common_prefix
from aigc_desktop.llm.threads import ThreadGovernor, llama_thread_setter

READ_BATCH = 512  # prompt tokens per progress step (the context's n_batch)
_EOG = object()  # marks end-of-generation tokens in the piece cache


class Runner:
    """Evaluates and generates on one ``Llama``; see the module docstring."""

    def __init__(self, llm, model_name: str, *, threads: ThreadGovernor | None = None) -> None:
        import llama_cpp

        self.llm = llm
        self.model_name = model_name
        # None: a fixed count (what the Llama was built with), never re-chosen.
        self.threads = threads or ThreadGovernor(1, llama_thread_setter(llm), fixed=llm.context_params.n_threads)
        self._cancel: threading.Event | None = None  # what the abort callback reads
        self._pieces: dict[int, bytes | object] = {}  # token id -> its bytes (or _EOG): per-token ctypes calls cost

        @llama_cpp.ggml_abort_callback
        def _abort(_data) -> bool:
            # Runs inside llama_decode: a Stop reaches a long prompt evaluation.
            event = self._cancel
            return event is not None and event.is_set()

        self._abort_cb = _abort  # keep alive for as long as the context
        self._abort_on = False
        self._set_abort(True)

    def _set_abort(self, on: bool) -> None:
        """The abort callback on for prompt evaluation, off for token-by-token decoding."""
        import llama_cpp

        if on != self._abort_on:
            callback = self._abort_cb if on else llama_cpp.ggml_abort_callback()  # a NULL pointer: none
            llama_cpp.llama_set_abort_callback(self.llm.ctx, callback, None)
            self._abort_on = on

    def evaluate(self, tokens: list[int], cancel: threading.Event) -> int:
        """Put ``tokens`` in the KV cache now (evaluating ahead); returns how many were new.

        Only the part after the prefix already evaluated is read; Stop interrupts it
        (the cache then keeps the whole batches read so far)."""
        llm = self.llm
        start = common_prefix(llm.input_ids[: llm.n_tokens], tokens)
        if start >= len(tokens) or cancel.is_set():
            return 0
        llm.n_tokens = start  # eval() drops the KV cells from here on
        self._cancel = cancel
        self.threads.before_run()
        try:
            llm.eval(tokens[start:])
        except RuntimeError:
            if not cancel.is_set():
                raise
        finally:
            self._cancel = None
        return llm.n_tokens - start

    def generate(
        self,
        tokens: list[int],
        sampling: SamplingParams,
        cancel: threading.Event,
        *,
        stop_text: str = "",
        on_progress: Callable[[int, int], None] | None = None,
        started: float | None = None,
        dropped: int = 0,
        grammar=None,
    ) -> Iterator[Delta]:
        """Text deltas continuing ``tokens``, then one ``Delta(done=True, stats=...)``.

        Ends at an end-of-generation token, at ``stop_text`` (not shown), after
        ``sampling.max_tokens`` or when the context is full, or on ``cancel``.
        ``started`` is when the caller began (time to first token counts from it);
        ``dropped`` is how many messages fitting left out, for the stats; ``grammar`` (a
        ``LlamaGrammar``) constrains the tokens (a forced tool call's arguments)."""
        import llama_cpp

        llm = self.llm
        started = time.perf_counter() if started is None else started
        llm.set_seed(sampling.seed if sampling.seed is not None else random.randrange(2**31))
        vocab = llama_cpp.llama_model_get_vocab(llm.model)
        decoder = text_decoder()
        pieces = self._pieces
        generated: list[int] = []
        first_at: float | None = None
        finish = "length"
        pending = ""  # text held back while it could be the start of the stop string
        max_tokens = min(sampling.max_tokens, llm.n_ctx() - len(tokens))
        self._cancel = cancel
        self.threads.reset_chosen()
        self.threads.before_run()
        try:
            self._read_prompt(tokens, cancel, on_progress)
            gen = llm.generate(tokens, top_k=sampling.top_k, top_p=sampling.top_p, min_p=sampling.min_p,
                               temp=sampling.temperature, repeat_penalty=sampling.repeat_penalty, grammar=grammar)
            try:
                for token in gen:
                    self._set_abort(False)  # the prompt is evaluated; decoding checks between tokens
                    self.threads.tick()
                    if cancel.is_set():
                        finish = "cancelled"
                        break
                    raw_piece = pieces.get(token)
                    if raw_piece is None:
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
                        keep = stop_prefix_len(pending, stop_text) if "<" in pending or not stop_text.startswith("<") else 0
                        out, pending = pending[: len(pending) - keep], pending[len(pending) - keep :]
                        if out:
                            first_at = first_at or time.perf_counter()
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
            self._cancel = None
            self._set_abort(True)
        # Text held back for a stop string that then came is dropped; a character cut in
        # half by the token limit is dropped too, never shown as U+FFFD.
        tail = (pending if finish != "stop" else "") + decoder.decode(b"", final=True).rstrip("\ufffd")
        if tail:
            first_at = first_at or time.perf_counter()
            yield Delta(tail)
        ended = time.perf_counter()
        decode_time = ended - first_at if first_at else 0.0
        yield Delta(done=True, stats=ReplyStats(
            prompt_tokens=len(tokens),
            completion_tokens=len(generated),
            time_to_first_token=(first_at - started) if first_at else None,
            tokens_per_second=(len(generated) - 1) / decode_time if len(generated) > 1 and decode_time > 0 else None,
            total_seconds=ended - started,
            finish_reason=finish,
            model=self.model_name,
            dropped_messages=dropped,
            threads=self.threads.current,
        ))

    def _read_prompt(self, tokens: list[int], cancel: threading.Event, on_progress) -> None:
        """Evaluate all but the last prompt token in batches, reporting progress between them.

        ``generate`` then finds them in the KV cache and evaluates only the last
        token. Stop works as before: the abort callback interrupts a batch, and
        the check between batches raises the same way.
        """
        llm = self.llm
        start = common_prefix(llm.input_ids[: llm.n_tokens], tokens)
        end = len(tokens) - 1
        total = end - start
        if on_progress is None or total <= READ_BATCH:
            return
        llm.n_tokens = start  # eval() drops the KV cells from here on
        for at in range(start, end, READ_BATCH):
            on_progress(at - start, total)
            self.threads.tick()
            if cancel.is_set():
                raise RuntimeError("cancelled while reading the prompt")
            llm.eval(tokens[at:min(at + READ_BATCH, end)])
        on_progress(total, total)


def stop_prefix_len(text: str, stop: str) -> int:
    """Length of the longest tail of ``text`` that is a prefix of ``stop``."""
    if not stop:
        return 0
    for n in range(min(len(stop) - 1, len(text)), 0, -1):
        if stop.startswith(text[-n:]):
            return n
    return 0
