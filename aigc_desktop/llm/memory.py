"""How much memory a model needs, and whether that fits: the one rule for every place that asks.

The engine refuses a load that cannot fit (:func:`check_memory`), the welcome card and
the Models window label files fits / tight / too big (``hub/fit.py``), and the catalog
groups entries into machine classes (``hub/catalog.tier_for``). They used three
formulas, so the welcome card could offer a model the engine then refused; now each
asks :func:`memory_needed`, and "tight" means exactly "the engine will load it".

The estimate is deliberately simple and on the high side: the weights (llama.cpp maps
the whole file, plus some slack), a KV cache allowance per token of context, and a
fixed amount for compute buffers and the app's own growth. Reading the GGUF header
for the exact KV size would need the file, which the catalog and the Hub listing
do not have.
"""

from __future__ import annotations

from pathlib import Path

from aigc_desktop.errors import ModelLoadError
from aigc_desktop.i18n import _

WEIGHTS_FACTOR = 1.1  # the mapped file plus per-tensor slack
KV_BYTES_PER_TOKEN = 64 * 2**10  # f16 K and V for a 3B-7B model are 36-60 KiB per token
BUFFERS = 344 * 2**20  # compute buffers and the app's growth; with a 4k context's KV, 600 MiB in all
DEFAULT_N_CTX = 4096  # the settings' default context length (settings.Settings.n_ctx)
COMFORTABLE = 0.7  # "fits" leaves 30 % of the free memory to everything else; above that is "tight"


def memory_needed(file_bytes: int, n_ctx: int = DEFAULT_N_CTX) -> int:
    """Bytes of free memory a model file of ``file_bytes`` needs with an ``n_ctx`` context."""
    return int(file_bytes * WEIGHTS_FACTOR + n_ctx * KV_BYTES_PER_TOKEN + BUFFERS)


def available_memory() -> int:
    """Free memory now, as the OS counts it (reclaimable caches included)."""
    import psutil

    return int(psutil.virtual_memory().available)


def fits_in_memory(file_bytes: int, n_ctx: int = DEFAULT_N_CTX, available: int | None = None) -> bool:
    """Whether the engine will try to load such a file (see :func:`check_memory`)."""
    available = available_memory() if available is None else available
    return memory_needed(file_bytes, n_ctx) <= available


def fits_comfortably(file_bytes: int, n_ctx: int = DEFAULT_N_CTX, available: int | None = None) -> bool:
    """Fits with room to spare, so it will not run slowly for want of memory."""
    available = available_memory() if available is None else available
    return memory_needed(file_bytes, n_ctx) <= available * COMFORTABLE


def check_memory(path: Path, n_ctx: int, available: int | None = None) -> None:
    """Refuse a model that clearly cannot fit in available memory, before llama.cpp tries.

    When the free memory cannot be read (psutil fails in some sandboxes) the load goes ahead."""
    path = Path(path)
    if available is None:
        try:
            available = available_memory()
        except Exception:
            return
    need = memory_needed(path.stat().st_size, n_ctx)
    if need > available:
        raise ModelLoadError(
            _("{name} needs about {need:.1f} GB of memory and only {available:.1f} GB is available. "
              "Pick a smaller model or quantization, or close other programs.").format(
                name=path.name, need=need / 2**30, available=available / 2**30)
        )
