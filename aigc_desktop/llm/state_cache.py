"""Per-conversation KV state, kept in a memory-bounded LRU.

llama.cpp holds one evaluated token sequence at a time. When the person goes
back to a conversation after chatting in another, its whole history would be
evaluated again (seconds on a long chat). Before the context is taken over by
another conversation we copy its state out (``llama_state_get_data``), and
copy it back when that conversation returns; ``Llama.generate`` then evaluates
only the new suffix.

We do not use llama-cpp-python's ``LlamaState``/``save_state``: it also copies
the logits buffer (about 100 MB for a 49k vocabulary), which generation does
not need because the suffix evaluation refreshes the logits. The state is
saved when it is about to be replaced, not at the end of a stream, so a reply
cut short by Stop is cached as well.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_BUDGET = 512 * 2**20


@dataclass(frozen=True)
class SavedState:
    tokens: Any  # numpy array of the evaluated token ids, in order
    data: bytes  # llama.cpp's serialised context state

    @property
    def nbytes(self) -> int:
        return len(self.data) + self.tokens.nbytes


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    import numpy as np  # imported on first use: numpy costs ~0.4 s at start-up

    n = min(len(a), len(b))
    if n == 0:
        return 0
    a_arr = np.asarray(a[:n])
    b_arr = np.asarray(b[:n])
    diff = np.nonzero(a_arr != b_arr)[0]
    return int(diff[0]) if diff.size else n


class StateCache:
    """LRU of :class:`SavedState` by key, evicting oldest beyond ``max_bytes``."""

    def __init__(self, max_bytes: int = DEFAULT_BUDGET) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, SavedState] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def nbytes(self) -> int:
        return sum(s.nbytes for s in self._items.values())

    def keys(self) -> list[str]:
        return list(self._items)

    def put(self, key: str, state: SavedState) -> None:
        with self._lock:
            self._items.pop(key, None)
            if state.nbytes > self.max_bytes:
                return  # one state larger than the whole budget is not kept
            self._items[key] = state
            while self.nbytes > self.max_bytes:
                old, _ = self._items.popitem(last=False)
                log.info("state cache: evicted %s", old)

    def get(self, key: str) -> SavedState | None:
        with self._lock:
            state = self._items.get(key)
            if state is not None:
                self._items.move_to_end(key)
            return state

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def capture(llm) -> SavedState | None:
    """Copy the evaluated state of a ``llama_cpp.Llama`` (None when empty)."""
    import llama_cpp
    import numpy as np

    n = int(llm.n_tokens)
    if n <= 0:
        return None
    size = llama_cpp.llama_state_get_size(llm.ctx)
    # memoryview copies in C; slicing the ctypes array would build a list of
    # Python ints (tens of millions for a long chat: most of a second).
    buf = (ctypes.c_uint8 * int(size))()
    written = llama_cpp.llama_state_get_data(llm.ctx, buf, size)
    return SavedState(tokens=np.array(llm.input_ids[:n], dtype=np.intc), data=bytes(memoryview(buf)[: int(written)]))


def restore(llm, state: SavedState) -> bool:
    """Put a saved state back; ``generate`` will re-evaluate from the common prefix on."""
    import llama_cpp

    size = len(state.data)
    buf = (ctypes.c_uint8 * size).from_buffer_copy(state.data)
    if llama_cpp.llama_state_set_data(llm.ctx, buf, size) != size:
        log.warning("state cache: llama.cpp refused a saved state; evaluating from scratch")
        llm.reset()
        return False
    n = len(state.tokens)
    llm.input_ids[:n] = state.tokens
    llm.n_tokens = n
    llm._requires_eval = True  # logits are stale; generate() replays at least one token
    return True
