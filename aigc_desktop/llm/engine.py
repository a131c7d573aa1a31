"""The llama.cpp engine: the first implementation of the ``Engine`` protocol.

``LlamaEngine.stream_chat(messages, sampling, cancel)`` yields :class:`Delta`
objects: text pieces, then one final delta with ``done=True`` and the reply's
stats. The loaded ``Llama`` is kept between turns, so llama.cpp reuses the
evaluated prefix of a follow-up turn (its KV cache) instead of re-reading the
whole history. One generation at a time, under one lock.

This module decides *what* the model evaluates: loading (GPU offload is
``llm/gpu.py``), the GGUF's chat template, fitting a long history, and whose KV
state the context holds (``llm/state_cache.py``). *How* a prompt is evaluated and
a reply generated (Stop and the abort callback, reading progress, UTF-8 and the
stop string, stats) is ``llm/runner.py``, shared by a chat reply, 续写
(:meth:`LlamaEngine.complete`) and evaluating ahead (:meth:`LlamaEngine.prefill`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from aigc_desktop.errors import ContextOverflowError, ModelLoadError, UserError
from aigc_desktop.i18n import _
from aigc_desktop.llm.context import FitResult, fit_messages, reply_budget
from aigc_desktop.llm.gguf_info import check_gguf_file
from aigc_desktop.llm.gpu import GPU_FALLBACK_NOTE, resolve_gpu_layers
from aigc_desktop.llm.memory import check_memory
from aigc_desktop.llm.native_log import explain_load_failure  # noqa: F401 (re-exported)
from aigc_desktop.llm.probe import probe_model_file
from aigc_desktop.llm.protocol import Delta, LoadedModel, ReplyStats, collect, text_decoder  # noqa: F401 (re-exported)
from aigc_desktop.llm.reasoning import prompt_opens_thinking, split_reasoning
from aigc_desktop.llm.runner import READ_BATCH, Runner  # noqa: F401 (READ_BATCH re-exported)
from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.llm.split_names import model_name
from aigc_desktop.llm.thinking import soft_switched, template_kwargs
from aigc_desktop.llm.state_cache import DEFAULT_BUDGET, StateCache, capture, common_prefix, restore
from aigc_desktop.llm.threads import ThreadGovernor, llama_thread_setter

log = logging.getLogger(__name__)

# Used only when a GGUF file carries no chat template of its own.
CHATML_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def default_threads() -> int:
    """The most threads worth using: the physical cores (``llm/threads.py`` may use fewer)."""
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
        self._runner: Runner | None = None  # evaluates and generates on _llm
        self.gpu_note: str | None = None  # set by load() when a GPU load fell back to the CPU
        self._formatter = None
        self.model: LoadedModel | None = None
        self._lock = threading.RLock()
        self.state_cache = StateCache(state_budget)
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
        probe_model_file(path)  # a file's first load is tried in a child process (llm/probe.py)
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
            # n_threads > 0 is the person's own setting: kept. 0 adapts to the free cores.
            self._runner = Runner(llm, self.model.name, threads=ThreadGovernor(
                threads, llama_thread_setter(llm), fixed=n_threads or None))
            self.state_cache.clear()
            self._owner_key = None
        if old is not None:
            old.close()
        log.info("loaded %s (n_ctx=%s, threads=%s)", path, n_ctx, threads)
        return self.model

    def unload(self) -> None:
        with self._lock:
            if self._llm is not None:
                self._llm.close()
            self._llm = self._formatter = self.model = self._runner = None
            self.state_cache.clear()
            self._owner_key = None

    # -- tokens -----------------------------------------------------------------
    def _require(self):
        if self._llm is None:
            raise ModelLoadError(_("No model is loaded."))
        return self._llm

    def render(self, messages: Sequence[dict], thinking: bool | None = None, tools: list[dict] | None = None):
        """The chat template's rendering (a ``ChatFormatterResponse``). ``thinking`` (on, off, None: the
        model's default) reaches the template as ``enable_thinking``, and as ``/no_think`` for a hybrid
        model whose template ignores that variable (``llm/thinking.py``); ``tools`` (OpenAI's format) as
        ``tools``, which Qwen, Hermes and Llama 3.1+ templates render (others ignore it)."""
        self._require()
        return self._formatter(messages=soft_switched(messages, thinking, self.model), tools=tools or None,
                               **template_kwargs(thinking))

    def format_prompt(self, messages: Sequence[dict], thinking: bool | None = None,
                      tools: list[dict] | None = None, forced: str = "") -> list[int]:
        llm = self._require()
        result = self.render(messages, thinking, tools)
        return llm.tokenize((result.prompt + forced).encode("utf-8"), add_bos=not result.added_special,
                            special=True)

    def count_tokens(self, messages: Sequence[dict]) -> int:
        """Tokens the prompt for these messages takes, with the model's template and tokenizer."""
        return len(self.format_prompt(messages))

    def count_text_tokens(self, text: str) -> int:
        return len(self._require().tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def fit(self, messages: Sequence[dict], max_tokens: int) -> FitResult:
        llm = self._require()
        return fit_messages(messages, self.count_tokens, llm.n_ctx(), max_tokens)

    # -- embeddings -------------------------------------------------------------
    @property
    def embeddings(self) -> bool:
        """Was the loaded model loaded for embeddings (``Llama(embedding=True)``)?"""
        llm = self._llm
        return llm is not None and bool(getattr(llm.context_params, "embeddings", False))

    def embed(self, texts: Sequence[str]) -> tuple[list[list[float]], int]:
        """llama.cpp's vectors for ``texts`` (as it returns them) and the tokens they took."""
        with self._lock:
            llm = self._require()
            return llm.embed(list(texts)), sum(len(llm.tokenize(t.encode("utf-8"))) for t in texts)

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
        tool_choice: dict | None = None,
    ) -> Iterator[Delta]:
        """Stream a reply. The last delta has ``done=True`` and the stats.

        ``tools`` reach the chat template; the model's calls come back as text, read by
        ``tools/parse.py`` (llama-cpp-python returns them as text too unless one is forced).
        ``tool_choice`` ``{"type": "function", "function": {"name": N}}`` forces a call of ``N``: the
        reply starts with ``<tool_call>`` and the tool's name, and its arguments are constrained to
        the tool's JSON schema by a grammar (:func:`forced_call`).

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
            yield from self._stream(list(messages), sampling, cancel, fit, cache_key, on_progress, tools,
                                    tool_choice)

    def complete(
        self,
        prompt: str,
        sampling: SamplingParams | None = None,
        cancel: threading.Event | None = None,
        *,
        cache_key: str | None = None,
    ) -> Iterator[Delta]:
        """Continue the raw text ``prompt`` (no chat template), streamed like ``stream_chat``.

        The path that works with base models too: the prompt is the text's own tokens
        (with BOS), and only end-of-generation tokens end it, no stop string."""
        with self._lock:
            llm = self._require()
            started = time.perf_counter()
            tokens = llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=False)
            if len(tokens) >= llm.n_ctx() - 1:
                raise _overflow(len(tokens), llm.n_ctx())
            self._switch_state(llm, tokens, cache_key)
            yield from self._runner.generate(tokens, sampling or SamplingParams(), cancel or threading.Event(),
                                             started=started)

    def continue_chat(
        self,
        messages: Sequence[dict],
        partial: str,
        sampling: SamplingParams | None = None,
        cancel: threading.Event | None = None,
        *,
        cache_key: str | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Iterator[Delta]:
        """Carry on the reply ``partial`` to ``messages`` (one cut at max tokens), streamed like
        :meth:`stream_chat`: only what comes after ``partial``.

        The prompt is the chat template's own rendering with ``partial`` as the assistant's
        message, cut where that message's text ends (the same marker as :meth:`prefill`),
        so the model goes on inside its reply instead of starting a new one."""
        sampling = sampling or SamplingParams()
        with self._lock:
            llm = self._require()
            started = time.perf_counter()
            msgs = [{"role": m["role"], "content": m["content"]} for m in messages]
            msgs.append({"role": "assistant", "content": partial + _DRAFT_MARK})
            result = self._formatter(messages=msgs, **template_kwargs(sampling.thinking))
            head, mark, _rest = result.prompt.partition(_DRAFT_MARK)
            if not mark:
                raise UserError(_("This model's chat template cannot continue a reply; use Regenerate, "
                                  "or raise Max tokens in Conversation settings."))
            tokens = llm.tokenize(head.encode("utf-8"), add_bos=not result.added_special, special=True)
            if len(tokens) >= llm.n_ctx() - 1:
                raise _overflow(len(tokens), llm.n_ctx())
            self._switch_state(llm, tokens, cache_key)
            yield from self._runner.generate(tokens, sampling, cancel or threading.Event(),
                                             stop_text=self.model.eos_token, on_progress=on_progress,
                                             started=started)

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
            return self._runner.evaluate(tokens, cancel)

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

    def _stream(self, messages, sampling: SamplingParams, cancel, fit: bool, cache_key=None,
                on_progress=None, tools=None, tool_choice=None) -> Iterator[Delta]:
        llm = self._require()
        started = time.perf_counter()
        n_ctx = llm.n_ctx()
        head, tail, grammar = forced_call(tools, tool_choice)
        tokens, dropped, fitted = self.format_prompt(messages, sampling.thinking, tools, head), 0, None
        if fit and len(tokens) > n_ctx - reply_budget(n_ctx, sampling.max_tokens):
            fitted = self.fit(messages, sampling.max_tokens)
            tokens, dropped = self.format_prompt(fitted.messages, sampling.thinking, tools, head), fitted.dropped
        if len(tokens) >= n_ctx:
            raise _overflow(len(tokens), n_ctx)
        self._switch_state(llm, tokens, cache_key)
        # An R1-style template ends the prompt inside <think>: the reply starts as reasoning.
        opened = not head and prompt_opens_thinking(
            self.render(fitted.messages if fitted else messages, sampling.thinking, tools).prompt)
        deltas = self._runner.generate(
            tokens, sampling, cancel or threading.Event(), stop_text=self.model.eos_token, on_progress=on_progress,
            started=started, dropped=dropped, grammar=grammar)
        yield from split_reasoning(_framed(deltas, head, tail) if head else deltas, opened=opened)


def forced_call(tools: list[dict] | None, tool_choice) -> tuple[str, str, object]:
    """(text the reply starts with, text it ends with, grammar for what is between) for a forced call,
    or ("", "", None). The call is written in the Hermes form ``tools/parse.py`` reads; its arguments
    follow the tool's JSON schema (llama.cpp's schema-to-grammar converter)."""
    if not isinstance(tool_choice, dict) or not tools:
        return "", "", None
    import json

    from llama_cpp import LlamaGrammar

    name = (tool_choice.get("function") or {}).get("name")
    spec = next((t["function"] for t in tools if t.get("function", {}).get("name") == name), None)
    if spec is None:
        raise UserError(_("There is no tool named “{name}” to call.").format(name=name))
    schema = spec.get("parameters") or {"type": "object"}
    grammar = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
    return f'<tool_call>\n{{"name": {json.dumps(name, ensure_ascii=False)}, "arguments": ', "}\n</tool_call>", grammar


def _framed(deltas: Iterator[Delta], head: str, tail: str) -> Iterator[Delta]:
    """A forced call's deltas with the text the prompt already held before them and its closing after."""
    yield Delta(head)
    for delta in deltas:
        if delta.done and delta.stats is not None and delta.stats.finish_reason == "stop":
            yield Delta(tail)
        yield delta


def _overflow(tokens: int, n_ctx: int) -> ContextOverflowError:
    return ContextOverflowError(_("The prompt takes {tokens:,} tokens; the context holds {n_ctx:,}.").format(
        tokens=tokens, n_ctx=n_ctx))


_DRAFT_MARK = "\ue000"  # a private-use character: where the draft ends in the formatted prompt
