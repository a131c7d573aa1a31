"""Text embeddings with llama.cpp's embedding mode: a second ``Llama`` (``embedding=True``) beside
the chat model.

``Llama.embed`` neither normalises nor refuses a text longer than its batch: it cuts it at
``n_batch`` without a word. So tokens are counted first: a text that does not fit is embedded in
consecutive pieces that do, whose vectors are averaged by their token counts — the whole text
counts, never only its head. Every vector comes back L2-normalised, float32.

Pooling is the model's own when its file names one (BGE: CLS); a model without (a chat model
such as SmolLM2) gets mean pooling, so any GGUF can embed, if not well.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from aigc_desktop.errors import ModelLoadError
from aigc_desktop.i18n import _

log = logging.getLogger(__name__)

MAX_CONTEXT = 2048  # tokens per text piece (and per batch), when the model allows that many
POOLINGS = {"none": 0, "mean": 1, "cls": 2, "last": 3}


class LlamaEmbedder:
    """``embed(texts)`` → an (n, dim) float32 array of unit vectors. One thread at a time."""

    def __init__(self, path: str | Path, *, pooling: str | None = None, n_threads: int = 0,
                 n_ctx: int | None = None) -> None:
        from llama_cpp import Llama

        from aigc_desktop.llm.engine import default_threads
        from aigc_desktop.llm.gguf_info import check_gguf_file, read_gguf_info
        from aigc_desktop.llm.native_log import route_llama_log

        route_llama_log()
        self.path = Path(path).expanduser()
        if not self.path.exists():
            raise ModelLoadError(_("The embedding model {path} does not exist.").format(path=self.path))
        check_gguf_file(self.path)
        trained = read_gguf_info(self.path).context_length or 512
        self.n_ctx = int(n_ctx or min(trained, MAX_CONTEXT))
        threads = n_threads or default_threads()
        kwargs = dict(model_path=str(self.path), embedding=True, n_ctx=self.n_ctx, n_batch=self.n_ctx,
                      n_ubatch=self.n_ctx, n_threads=threads, n_threads_batch=threads, verbose=False, n_gpu_layers=0)
        try:
            if pooling:
                llm = Llama(**kwargs, pooling_type=POOLINGS[pooling])
            else:
                llm = Llama(**kwargs)
                if llm.pooling_type() == POOLINGS["none"]:  # the file names none: mean pooling
                    llm.close()
                    llm = Llama(**kwargs, pooling_type=POOLINGS["mean"])
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelLoadError(_("{name} cannot be loaded as an embedding model: {error}").format(
                name=self.path.name, error=exc)) from exc
        self._llm = llm
        self.dim = int(llm.n_embd())
        self._lock = threading.Lock()
        self.calls = 0  # embed() calls that reached the model (tests count them)
        self.texts = 0  # texts embedded

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8")))

    def _pieces(self, text: str) -> list[tuple[str, int]]:
        """The text as (piece, tokens) pieces that each fit the batch, split at character positions
        in proportion to tokens and re-counted until each fits."""
        n = self.count_tokens(text)
        if n <= self.n_ctx:
            return [(text, n)]
        parts = max(2, -(-n // (self.n_ctx - 8)))
        size = -(-len(text) // parts)
        out: list[tuple[str, int]] = []
        for i in range(0, len(text), size):
            out += self._pieces(text[i:i + size])
        return out

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = [t if t.strip() else " " for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            plan = [self._pieces(t) for t in texts]
            flat = [p for pieces in plan for p, _n in pieces]
            raw = np.asarray(self._llm.embed(flat, normalize=False, truncate=False), dtype=np.float32)
            self.calls += 1
            self.texts += len(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        row = 0
        for i, pieces in enumerate(plan):
            weights = np.array([n for _p, n in pieces], dtype=np.float32)[:, None]
            vecs = raw[row:row + len(pieces)]
            vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
            out[i] = (vecs * weights).sum(axis=0)
            row += len(pieces)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)

    def close(self) -> None:
        with self._lock:
            if self._llm is not None:
                self._llm.close()
                self._llm = None
