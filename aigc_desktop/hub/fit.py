"""Will a model file fit in this machine's memory? (fits / tight / too big)"""

from __future__ import annotations

from aigc_desktop.i18n import N_, _

FITS, TIGHT, TOO_BIG = "fits", "tight", "too big"  # ids (the CLI's --json prints them); label() shows them
_LABELS = {FITS: N_("fits"), TIGHT: N_("tight"), TOO_BIG: N_("too big")}
OVERHEAD = 600 * 2**20  # context, compute buffers and the app itself, for a 4k context


def available_memory() -> int:
    import psutil

    return int(psutil.virtual_memory().available)


def estimate(file_size: int, available: int | None = None) -> str:
    """A model needs about its file size plus a fixed overhead in RAM."""
    available = available_memory() if available is None else available
    need = file_size * 1.1 + OVERHEAD
    if need <= available * 0.7:
        return FITS
    if need <= available:
        return TIGHT
    return TOO_BIG


def label(estimate_id: str) -> str:
    """An estimate in the person's language."""
    return _(_LABELS[estimate_id]) if estimate_id in _LABELS else estimate_id
