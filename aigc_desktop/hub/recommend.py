"""Which catalog model to offer a Chinese-writing person on this machine, as a pure function.

The welcome panel offers one click to a model that writes Chinese and runs here.
The rule is "the largest Chinese-capable entry that fits in free memory; if none
fits, the smallest that is tight; if not even that, none", with four refinements
that keep the one click from landing somewhere unhelpful:

- **Split sets only when they download whole** (``allow_split``). A set
  (``…-00001-of-00002.gguf``) needs every part before llama.cpp can load it; while
  a download fetches one file, offering it would leave an unusable first part.
- **General chat models first.** A reasoning model (the catalog's ``reasoning: true``:
  R1 distills, QwQ) writes a long chain of thought before every answer, and a code model
  writes code, where a first chat wants an answer; they are offered only when no general
  model fits. Models that answer directly (``false``) and hybrid ones (``"hybrid"``: Qwen3
  thinks by default but the app can switch it off) count as general. An entry whose file
  does not say is judged by its repository name (``-R1-``, ``QwQ``); ``Coder`` always is.
- **An everyday size first.** On a CPU every generated word reads the whole of a dense
  model's weights, so a 9 GB file answers at about half the speed of a 5-7 GB one. The one
  click offers the largest general model of at most :data:`EVERYDAY_SIZE` (an 8B at Q6 or
  a 9B at Q4) that fits, so a 16-24 GB machine gets a current 8B rather than a slower 14B;
  bigger models are offered only when no everyday one fits, and stay in the Catalog tab
  for the person who chooses them.
- **Size classes, not bytes.** Qwen2.5 1.5B, its Coder and the R1 distill differ by
  a few hundred bytes; entries within 5 % of each other count as one size and the
  catalog's own order (curated, best first) breaks the tie.

"Fits" and "tight" are ``hub/fit.estimate``, which is the engine's own load check
(``llm/memory.py``) for the same context length, so an offered model is never one
the engine then refuses.

No Qt, no network: the memory figure is passed in, so tests pick the tiers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from aigc_desktop.hub.catalog import CHAT, CatalogEntry
from aigc_desktop.hub.fit import FITS, TIGHT, estimate, saved_n_ctx

SPLIT_PART = re.compile(r"-\d{5}-of-\d{5}\.gguf$", re.IGNORECASE)
CODER = re.compile(r"coder", re.IGNORECASE)
REASONING_NAME = re.compile(r"qwq|(?:^|[-_/])r1(?:[-_]|$)", re.IGNORECASE)  # for entries without a reasoning flag
SAME_SIZE = 0.05  # entries within 5 % are one size class
EVERYDAY_SIZE = 7 * 10**9  # file bytes: an 8B at Q6_K (6.7 GB) or a 9B at Q4_K_M (6.3 GB); a 14B at Q4 is 9 GB


def is_split(entry: CatalogEntry) -> bool:
    return bool(SPLIT_PART.search(entry.file))


def is_specialised(entry: CatalogEntry) -> bool:
    """A code model (by its repository name) or a reasoning model (by its flag, else by its name)."""
    if CODER.search(entry.repo):
        return True
    if entry.reasoning is None:
        return bool(REASONING_NAME.search(entry.repo))
    return entry.thinks_first


def is_everyday(entry: CatalogEntry) -> bool:
    """Small enough to answer at reading speed on a CPU (see EVERYDAY_SIZE)."""
    return entry.size <= EVERYDAY_SIZE


def writes_chinese(entry: CatalogEntry) -> bool:
    return "zh" in entry.languages


def recommend(entries: Iterable[CatalogEntry], available: int, *, language: str = "zh",
              allow_split: bool = False, n_ctx: int | None = None) -> CatalogEntry | None:
    """The entry to offer for ``language`` with ``available`` bytes of free memory, or None.

    ``allow_split``: a split set can be downloaded as one job (its ``size`` is then the set's total).
    ``n_ctx``: the context it will be loaded with (default: the saved setting, as a load uses)."""
    n_ctx = saved_n_ctx() if n_ctx is None else n_ctx
    ordered = [e for e in entries
               if e.kind == CHAT and language in e.languages and (allow_split or not is_split(e))]
    general = [e for e in ordered if not is_specialised(e)]
    everyday = [e for e in general if is_everyday(e)]
    for pool in (everyday, general, ordered):
        fitting = [e for e in pool if estimate(e.size, available, n_ctx=n_ctx) == FITS]
        if fitting:
            top = max(e.size for e in fitting)
            return next(e for e in fitting if e.size >= top * (1 - SAME_SIZE))  # catalog order breaks ties
    for pool in (everyday, general, ordered):
        tight = [e for e in pool if estimate(e.size, available, n_ctx=n_ctx) == TIGHT]
        if tight:
            low = min(e.size for e in tight)
            return next(e for e in tight if e.size <= low * (1 + SAME_SIZE))
    return None
