"""The welcome panel's recommendation: which Chinese-capable catalog model fits this much memory."""

from __future__ import annotations

import pytest

from aigc_desktop.hub.catalog import CatalogEntry, load_catalog
from aigc_desktop.hub.recommend import is_specialised, is_split, recommend

GB = 2**30
MB = 2**20


def entry(name: str, size: int, languages=("zh", "en"), repo: str | None = None, file: str | None = None):
    return CatalogEntry(name, repo or f"org/{name}-GGUF", file or f"{name}-Q4_K_M.gguf", size, "MIT", tuple(languages), "")


SMALL = entry("Qwen-Small", 500 * MB)
MID = entry("Qwen-Mid", 1100 * MB)
BIG = entry("Qwen-Big", 2000 * MB)
ENGLISH_HUGE = entry("English-Only", 1500 * MB, languages=("en",))
TEST_CATALOG = [SMALL, MID, ENGLISH_HUGE, BIG]


@pytest.mark.parametrize(("available", "expected"), [
    (16 * GB, BIG),          # everything fits: the largest Chinese one
    (int(3.0 * GB), MID),    # Big is only tight: the largest that fits
    (int(1.7 * GB), SMALL),  # only Small fits
    (int(1.2 * GB), SMALL),  # nothing fits; Small is tight (the smallest tight one)
    (1 * GB, None),          # not even tight
])
def test_memory_tiers_pick_the_largest_fitting_chinese_model(available, expected):
    """Each memory tier gets the largest zh entry that fits, else the smallest tight one, else none."""
    assert recommend(TEST_CATALOG, available) == expected


def test_english_only_models_are_never_offered():
    """A model the catalog does not list as writing Chinese is not recommended, however well it fits."""
    assert recommend([ENGLISH_HUGE], 64 * GB) is None


def test_smallest_tight_model_when_none_fits():
    """With every candidate tight, the smallest is offered (the likeliest to run at all)."""
    a, b = entry("A", 1800 * MB), entry("B", 1200 * MB)
    assert recommend([a, b], int(2.1 * GB)) == b


def test_split_sets_and_specialised_models_are_skipped():
    """A split set cannot be fetched in one click, and a code or reasoning model comes only when nothing else fits."""
    split = entry("Qwen-7B", 4000 * MB, file="qwen-7b-q4_k_m-00001-of-00002.gguf")
    coder = entry("Qwen-Coder", 3000 * MB, repo="Qwen/Qwen2.5-Coder-3B-Instruct-GGUF")
    reasoning = entry("R1", 2500 * MB, repo="bartowski/DeepSeek-R1-Distill-Qwen-3B-GGUF")
    assert is_split(split) and is_specialised(coder) and is_specialised(reasoning)
    assert is_specialised(entry("QwQ", 3000 * MB, repo="lmstudio-community/QwQ-32B-GGUF"))  # a reasoning model
    assert not is_specialised(MID) and not is_split(MID)
    assert recommend([split, coder, reasoning, MID], 32 * GB) == MID
    assert recommend([split, coder, reasoning], 32 * GB) == coder  # no general one: the largest specialised
    assert recommend([split, coder, reasoning, MID], 32 * GB, allow_split=True) == split  # once sets download whole


def test_same_size_class_keeps_catalog_order():
    """Entries a few bytes apart are one size: the first in the catalog wins, not the one 600 bytes bigger."""
    first, second = entry("General", 1_117_320_736), entry("Other", 1_117_321_376)
    assert recommend([first, second], 16 * GB) == first


@pytest.mark.parametrize(("available", "name"), [
    (16 * GB, "Qwen2.5 3B Instruct"),        # the R1 distills fit too, but a general model comes first
    (int(3.0 * GB), "Qwen2.5 3B Instruct"),  # only tight: still the smallest Chinese one
    (2 * GB, None),                          # the smallest Chinese entry (1.93 GB) does not fit at all
    (512 * MB, None),
])
def test_shipped_catalog_tiers(available, name):
    """On the shipped catalog: a general, single-file Qwen for each memory tier."""
    chosen = recommend(load_catalog(), available)
    assert (chosen.name if chosen else None) == name
