"""The welcome panel's recommendation: which Chinese-capable catalog model fits this much memory."""

from __future__ import annotations

import pytest

from dataclasses import replace

from aigc_desktop.hub.catalog import EMBEDDING, HYBRID, CatalogEntry, load_catalog
from aigc_desktop.hub.recommend import EVERYDAY_SIZE, is_specialised, is_split, recommend

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


def test_reasoning_flag_decides_before_the_name():
    """A flagged reasoning model is specialised whatever its name; a hybrid or direct one is general."""
    thinker = replace(entry("Thinker", 3000 * MB), reasoning=True)
    hybrid = replace(entry("Qwen3-R1-style", 2000 * MB, repo="org/Qwen3-r1-GGUF"), reasoning=HYBRID)
    direct = replace(entry("Direct", 1000 * MB), reasoning=False)
    assert is_specialised(thinker) and not is_specialised(hybrid) and not is_specialised(direct)
    assert recommend([thinker, hybrid, direct], 32 * GB) == hybrid  # the largest general one, not the thinker
    assert recommend([thinker], 32 * GB) == thinker  # no general model: the reasoning one after all


def test_everyday_size_comes_before_a_bigger_general_model():
    """With room for both, the largest model up to EVERYDAY_SIZE is offered, not a slower bigger one."""
    eight, fourteen = entry("Eight", 6_730_000_000), entry("Fourteen", 9_000_000_000)
    assert eight.size <= EVERYDAY_SIZE < fourteen.size
    assert recommend([fourteen, eight], 64 * GB) == eight
    assert recommend([fourteen], 64 * GB) == fourteen  # nothing everyday in the list: the bigger one


def test_embedding_models_are_never_offered_to_chat():
    """An embedder is no chat model, however well it fits."""
    embedder = replace(entry("Embedder", 600 * MB), kind=EMBEDDING, dimension=1024, pooling="cls")
    assert recommend([embedder], 64 * GB) is None
    assert recommend(load_catalog(kind=None), 64 * GB).kind != EMBEDDING


@pytest.mark.parametrize(("available", "name"), [
    (23 * GB, "Qwen3 8B"),          # this development machine: a current 8B, not a 2024 3B nor the slower 14B
    (16 * GB, "Qwen3 8B"),          # the R1 distills and the 14B fit too, but a general everyday model comes first
    (12 * GB, "Qwen3 8B"),          # what a 16 GB machine typically has free
    (6 * GB, "Qwen3 4B"),           # what an 8 GB machine typically has free
    (int(3.0 * GB), "Qwen3 1.7B"),  # only the smallest fits
    (int(2.5 * GB), "Qwen3 1.7B"),  # tight: still the smallest Chinese one
    (2 * GB, None),                 # the smallest Chinese entry (1.67 GB) does not load at all
    (512 * MB, None),
])
def test_shipped_catalog_tiers(available, name):
    """On the shipped catalog: a current general Qwen, hybrid (its thinking can be switched off), per memory tier."""
    chosen = recommend(load_catalog(), available, n_ctx=4096)
    assert (chosen.name if chosen else None) == name
    if chosen:
        assert chosen.reasoning == HYBRID and "zh" in chosen.languages and chosen.kind == "chat"
