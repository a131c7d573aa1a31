"""The shipped catalog file: every entry says where it was checked, its size, licence, fit tier and whether it
thinks first; embedding models say their vector length; the chat list never offers an embedder."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest

from aigc_desktop.hub.catalog import (
    CATALOG_FILE,
    CHAT,
    EMBEDDING,
    HYBRID,
    KINDS,
    POOLINGS,
    TIERS,
    CatalogEntry,
    chat_models,
    embedding_models,
    load_catalog,
    tier_for,
)
from aigc_desktop.hub.splits import split_of

GB = 10**9
RAW = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))["models"]
ENTRIES = load_catalog(kind=None)  # every entry, chat models and embedders alike


def _ids(entries):
    return [e.name for e in entries]


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids(ENTRIES))
def test_entry_names_its_source_size_and_licence(entry: CatalogEntry):
    """Each entry has at least one http(s) source page, a size above zero, a licence and a Q4-or-better quant."""
    assert entry.source, f"{entry.name}: no source page"
    for url in entry.source:
        parsed = urlparse(url)
        assert parsed.scheme in ("http", "https") and parsed.netloc, f"{entry.name}: {url!r} is not a web address"
    assert entry.size > 0 and entry.license.strip() and entry.quant
    assert entry.size_shown, f"{entry.name}: record the size as the page shows it"


@pytest.mark.parametrize("raw", RAW, ids=[m["name"] for m in RAW])
def test_entry_states_kind_reasoning_and_tier(raw):
    """The file itself states each entry's kind, tier and reasoning flag (JSON true, false or "hybrid")."""
    assert raw.get("kind") in KINDS, f"{raw['name']}: state the kind"
    assert raw.get("tier") in TIERS, f"{raw['name']}: state the tier"
    assert "reasoning" in raw and (isinstance(raw["reasoning"], bool) or raw["reasoning"] == HYBRID), raw["name"]
    assert raw.get("license", "").strip() and raw.get("source") and int(raw.get("size", 0)) > 0, raw["name"]


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.kind == EMBEDDING], ids=lambda e: e.name)
def test_embedding_entries_name_their_dimension_and_pooling(entry: CatalogEntry):
    """An embedder states the length of its vectors and how it pools them, and is no reasoning model."""
    assert isinstance(entry.dimension, int) and entry.dimension > 0, entry.name
    assert entry.pooling in POOLINGS, entry.name
    assert entry.reasoning is False


def test_chat_and_embedding_lists_are_apart():
    """load_catalog() (what the Catalog tab and the welcome panel read) lists chat models only."""
    chat, embedders = chat_models(), embedding_models()
    assert load_catalog() == chat and all(e.kind == CHAT for e in chat)
    assert embedders and all(e.kind == EMBEDDING for e in embedders)
    assert len(chat) + len(embedders) == len(ENTRIES)
    assert {e.repo for e in chat}.isdisjoint(e.repo for e in embedders)


def test_catalog_covers_the_current_generation():
    """Current Qwen at several sizes, GLM-4, Llama, Phi, SmolLM3, Gemma 3, and a small Chinese embedder."""
    repos = " ".join(e.repo for e in ENTRIES)
    for family in ("Qwen_Qwen3-1.7B", "Qwen_Qwen3-4B", "Qwen_Qwen3-8B", "Qwen_Qwen3-14B", "Qwen_Qwen3-30B-A3B",
                   "glm-4-9b", "Llama-3.2-3B", "Llama-3.1-8B", "Phi-4-mini", "SmolLM3", "gemma-3"):
        assert family in repos, family
    small_zh = [e for e in embedding_models() if "zh" in e.languages and e.size < 50 * 10**6]
    assert small_zh and small_zh[0].pooling == "cls"


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids(ENTRIES))
def test_tier_is_consistent_with_the_size(entry: CatalogEntry):
    """The tier written in the file is the one the rule gives for the entry's size (the engine's memory rule)."""
    raw = next(m for m in RAW if m["repo"] == entry.repo and m["file"] == entry.file)
    assert raw.get("tier") in TIERS, f"{entry.name}: the file must state its tier"
    assert raw["tier"] == tier_for(entry.size) == entry.tier


@pytest.mark.parametrize(("size", "tier"), [
    (int(0.8 * GB), "8GB"),
    (int(5.2 * GB), "8GB"),      # 6.35 GB needed (x 1.1 + 600 MiB): just under 6 GiB (6.44 GB)
    (int(5.3 * GB), "16GB"),     # 6.46 GB needed: over 6 GiB
    (int(11.1 * GB), "16GB"),    # 12.84 GB: under 12 GiB (12.88 GB)
    (int(11.2 * GB), "32GB+"),
    (int(60 * GB), "32GB+"),     # bigger than any tier: still the top one
])
def test_tier_rule(size, tier):
    """tier_for puts a size in the smallest class whose typical free memory the engine would load it in."""
    assert tier_for(size) == tier


def test_repo_and_file_pairs_are_unique():
    """No file is listed twice."""
    pairs = [(e.repo, e.file) for e in ENTRIES]
    assert len(pairs) == len(set(pairs))


def test_each_tier_offers_a_chinese_model():
    """Every memory class has at least one entry whose card supports Chinese."""
    for tier in TIERS:
        assert any(e.tier == tier and "zh" in e.languages for e in ENTRIES), f"no Chinese model in the {tier} tier"


def test_split_sets_name_their_first_part_and_count():
    """A split set in the file is given by its first part and the number of parts; single files have one part."""
    for e in ENTRIES:
        found = split_of(e.file)
        if found:
            assert found[1] == 1 and e.parts == found[2] > 1, e.name
        else:
            assert e.parts == 1, e.name


def test_old_catalog_without_new_fields_still_loads(tmp_path):
    """An entry without source / tier / size_shown loads with defaults, the tier computed from the size."""
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"version": 1, "models": [
        {"name": "Old", "repo": "org/Old-GGUF", "file": "old-Q4_K_M.gguf", "size": 2 * GB, "license": "MIT"},
    ]}), encoding="utf-8")
    (old,) = load_catalog(path)
    assert old.source == () and old.tier == "8GB" and old.size_shown == "" and old.languages == ()
    assert old.kind == CHAT and old.reasoning is None and old.dimension is None and not old.thinks_first


def test_values_this_version_does_not_know_are_read_as_unknown(tmp_path):
    """A newer catalog's kind is kept (and so not listed as chat), an unknown reasoning value reads as "not said"."""
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"version": 2, "models": [
        {"name": "Ranker", "kind": "reranker", "repo": "org/R-GGUF", "file": "r-Q8_0.gguf", "size": GB,
         "license": "MIT"},
        {"name": "Odd", "repo": "org/O-GGUF", "file": "o-Q4_K_M.gguf", "size": GB, "license": "MIT", "reasoning": 1},
        {"name": "Hybrid", "repo": "org/H-GGUF", "file": "h-Q4_K_M.gguf", "size": GB, "license": "MIT",
         "reasoning": "hybrid"},
    ]}), encoding="utf-8")
    assert [e.name for e in load_catalog(path)] == ["Odd", "Hybrid"]
    odd, hybrid = load_catalog(path)
    assert odd.reasoning is None and hybrid.reasoning == HYBRID and hybrid.can_think and not hybrid.thinks_first
    assert [e.kind for e in load_catalog(path, kind=None)] == ["reranker", CHAT, CHAT]
