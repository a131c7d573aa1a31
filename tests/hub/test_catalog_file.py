"""The shipped catalog file: every entry says where it was checked, and its fit tier matches its size."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest

from aigc_desktop.hub.catalog import CATALOG_FILE, TIERS, CatalogEntry, load_catalog, tier_for
from aigc_desktop.hub.splits import split_of

GB = 10**9
RAW = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))["models"]
ENTRIES = load_catalog()


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
