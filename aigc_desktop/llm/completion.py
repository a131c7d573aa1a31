"""Raw text continuation (续写) on a loaded llama.cpp model: no chat template.

The "give the model the start of a text, let it go on" path, which works with
base models too. It shares the engine's lock, KV-cache bookkeeping, abort
callback and token-piece cache, so it lives beside :mod:`aigc_desktop.llm.engine`
and is called from ``LlamaEngine.complete``; what differs from a chat reply is
only the prompt (the text's own tokens, with BOS) and that no stop string is
watched for, only end-of-generation tokens.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator

from aigc_desktop.errors import ContextOverflowError
from aigc_desktop.i18n import _
from aigc_desktop.llm.protocol import Delta, ReplyStats, text_decoder
from aigc_desktop.llm.sampling import SamplingParams

_EOG = object()


def stream_completion(engine, prompt: str, sampling: SamplingParams, cancel: threading.Event | None,
                      cache_key: str | None = None) -> Iterator[Delta]:
    """Text deltas continuing ``prompt``, then one ``Delta(done=True, stats=...)``."""
    import llama_cpp

    llm = engine._require()
    started = time.perf_counter()
    n_ctx = llm.n_ctx()
    tokens = llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=False)
    if len(tokens) >= n_ctx - 1:
        raise ContextOverflowError(_("The prompt takes {tokens:,} tokens; the context holds {n_ctx:,}.").format(
            tokens=len(tokens), n_ctx=n_ctx))
    cancel = cancel or threading.Event()
    engine._switch_state(llm, tokens, cache_key)
    engine._active_cancel = cancel
    llm.set_seed(sampling.seed if sampling.seed is not None else random.randrange(2**31))
    vocab = llama_cpp.llama_model_get_vocab(llm.model)
    decoder = text_decoder()
    generated: list[int] = []
    first_at = None
    finish = "length"
    max_tokens = min(sampling.max_tokens, n_ctx - len(tokens))
    try:
        gen = llm.generate(tokens, top_k=sampling.top_k, top_p=sampling.top_p, min_p=sampling.min_p,
                           temp=sampling.temperature, repeat_penalty=sampling.repeat_penalty)
        try:
            for token in gen:
                engine._set_abort(False)
                if cancel.is_set():
                    finish = "cancelled"
                    break
                if llama_cpp.llama_vocab_is_eog(vocab, token):
                    finish = "stop"
                    break
                generated.append(token)
                piece = decoder.decode(llm.detokenize([token], prev_tokens=tokens + generated[:-1]))
                if piece:
                    first_at = first_at or time.perf_counter()
                    yield Delta(piece)
                if len(generated) >= max_tokens:
                    break
        finally:
            gen.close()
    except RuntimeError:
        if not cancel.is_set():
            raise
        finish = "cancelled"
    finally:
        engine._active_cancel = None
        engine._set_abort(True)
    tail = decoder.decode(b"", final=True).rstrip("\ufffd")  # a character cut by the token limit: dropped, not shown as U+FFFD
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
        model=engine.model.name if engine.model else "",
    ))
