"""Which catalog model to offer a Chinese-writing person on this machine, as a pure function.

The welcome panel offers one click to a model that writes Chinese and runs here.
The rule is "the largest Chinese-capable entry that fits in free memory; if none
fits, the smallest that is tight; if not even that, none", with three refinements
that keep the one click from landing somewhere unhelpful:

- **Split sets only when they download whole** (``allow_split``). A set
  (``…-00001-of-00002.gguf``) needs every part before llama.cpp can load it; while
  a download fetches one file, offering it would leave an unusable first part.
- **General chat models first.** Code models and reasoning distillations (their
  repository says ``Coder`` or ``-R1-``) write long chains of thought or code where
  a first chat wants an answer; they are offered only when no general model fits.
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

from aigc_desktop.hub.catalog import CatalogEntry
from aigc_desktop.hub.fit import FITS, TIGHT, estimate, saved_n_ctx

SPLIT_PART = re.compile(r"-\d{5}-of-\d{5}\.gguf$", re.IGNORECASE)
SPECIALISED = re.compile(r"coder|qwq|(?:^|[-_/])r1(?:[-_]|$)", re.IGNORECASE)
SAME_SIZE = 0.05  # entries within 5 % are one size class


def is_split(entry: CatalogEntry) -> bool:
    return bool(SPLIT_PART.search(entry.file))


def is_specialised(entry: CatalogEntry) -> bool:
    """A code model or a reasoning distillation, by its repository name."""
    return bool(SPECIALISED.search(entry.repo))


def writes_chinese(entry: CatalogEntry) -> bool:
    return "zh" in entry.languages


def recommend(entries: Iterable[CatalogEntry], available: int, *, language: str = "zh",
              allow_split: bool = False, n_ctx: int | None = None) -> CatalogEntry | None:
    """The entry to offer for ``language`` with ``available`` bytes of free memory, or None.

    ``allow_split``: a split set can be downloaded as one job (its ``size`` is then the set's total).
    ``n_ctx``: the context it will be loaded with (default: the saved setting, as a load uses)."""
    n_ctx = saved_n_ctx() if n_ctx is None else n_ctx
    ordered = [e for e in entries if language in e.languages and (allow_split or not is_split(e))]
    general = [e for e in ordered if not is_specialised(e)]
    for pool in (general, ordered):
        fitting = [e for e in pool if estimate(e.size, available, n_ctx=n_ctx) == FITS]
        if fitting:
            top = max(e.size for e in fitting)
            return next(e for e in fitting if e.size >= top * (1 - SAME_SIZE))  # catalog order breaks ties
    for pool in (general, ordered):
        tight = [e for e in pool if estimate(e.size, available, n_ctx=n_ctx) == TIGHT]
        if tight:
            low = min(e.size for e in tight)
            return next(e for e in tight if e.size <= low * (1 + SAME_SIZE))
    return None
