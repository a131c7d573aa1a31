"""Will a model file fit in this machine's memory? (fits / tight / too big)

The rule is ``llm/memory.py``'s, the one the engine's load check uses: "tight" means
the engine will still load it, "too big" that it will refuse. The context length is
the saved setting unless a caller passes one, because that is what a load uses.
"""

from __future__ import annotations

from aigc_desktop.i18n import N_, _
from aigc_desktop.llm import memory

FITS, TIGHT, TOO_BIG = "fits", "tight", "too big"  # ids (the CLI's --json prints them); label() shows them
_LABELS = {FITS: N_("fits"), TIGHT: N_("tight"), TOO_BIG: N_("too big")}


def available_memory() -> int:
    return memory.available_memory()


def saved_n_ctx() -> int:
    """The context length models are loaded with: the saved setting (what the engine will be asked for)."""
    from aigc_desktop.paths import app_paths
    from aigc_desktop.settings import Settings

    return int(Settings.load(app_paths().settings_file).n_ctx)


def estimate(file_size: int, available: int | None = None, *, n_ctx: int | None = None) -> str:
    """FITS with room to spare, TIGHT when the engine will still load it, else TOO_BIG."""
    available = available_memory() if available is None else available
    n_ctx = saved_n_ctx() if n_ctx is None else n_ctx
    if memory.fits_comfortably(file_size, n_ctx, available):
        return FITS
    if memory.fits_in_memory(file_size, n_ctx, available):
        return TIGHT
    return TOO_BIG


def label(estimate_id: str) -> str:
    """An estimate in the person's language."""
    return _(_LABELS[estimate_id]) if estimate_id in _LABELS else estimate_id
