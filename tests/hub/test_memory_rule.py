"""One memory rule: the welcome card's offer, the fit labels and the engine's load check agree."""

from __future__ import annotations

import pytest

from aigc_desktop.errors import ModelLoadError
from aigc_desktop.hub import fit
from aigc_desktop.hub.catalog import CatalogEntry, load_catalog
from aigc_desktop.hub.recommend import recommend
from aigc_desktop.llm.memory import check_memory, memory_needed
from aigc_desktop.paths import app_paths
from aigc_desktop.settings import SettingsStore

MB = 2**20
GB = 2**30


def _entry(name: str, size: int) -> CatalogEntry:
    return CatalogEntry(name, f"org/{name}-GGUF", f"{name}-Q4_K_M.gguf", size, "MIT", ("zh", "en"), "")


ENTRIES = load_catalog() + [_entry(f"Qwen-{n}", n * 100 * MB) for n in range(2, 40, 3)]


def _refused(tmp_path, size: int, n_ctx: int, available: int) -> bool:
    """Whether the engine's load check refuses a file of ``size`` bytes (a sparse file: no disk used)."""
    path = tmp_path / f"m-{size}.gguf"
    if not path.exists():
        with open(path, "wb") as f:
            f.truncate(size)
    try:
        check_memory(path, n_ctx, available)
    except ModelLoadError:
        return True
    return False


@pytest.mark.parametrize("n_ctx", [2048, 4096, 32768])
def test_an_offered_model_is_never_refused_by_the_load_check(tmp_path, n_ctx):
    """From 256 MB to 40 GB of free memory, whatever the welcome card offers passes the engine's memory check."""
    offered = 0
    for available in range(256 * MB, 40 * GB, 96 * MB):
        entry = recommend(ENTRIES, available, n_ctx=n_ctx, allow_split=True)
        if entry is not None:
            offered += 1
            assert not _refused(tmp_path, entry.size, n_ctx, available), (entry.name, available)
    assert offered > 100  # the sweep did offer models


@pytest.mark.parametrize("n_ctx", [512, 4096, 65536])
def test_too_big_is_exactly_what_the_engine_refuses(tmp_path, n_ctx):
    """Around the boundary, "too big" and a refused load are the same answer, byte for byte."""
    size = 1500 * MB
    need = memory_needed(size, n_ctx)
    for available in (need - 1, need, need + 1, int(need / 0.7) + 1, need * 2, need // 2):
        too_big = fit.estimate(size, available, n_ctx=n_ctx) == fit.TOO_BIG
        assert too_big == _refused(tmp_path, size, n_ctx, available), available


def test_the_offer_follows_the_saved_context_length():
    """With a long context saved, the offer shrinks: it is made for the context a load will use."""
    available = 3 * GB
    short = recommend(ENTRIES, available)  # the default 4k context
    SettingsStore(app_paths().settings_file).update(n_ctx=131072)  # 8 GiB of KV allowance
    assert short is not None and recommend(ENTRIES, available) is None
    assert fit.estimate(short.size, available) == fit.TOO_BIG
