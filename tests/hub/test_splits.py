"""Split GGUF sets (``x-00001-of-00002.gguf`` …) against the fake Hub: one entry in listings,
downloaded whole and resumed part by part, one model on disk, incomplete sets said and resumable,
deleted whole, and a real split set loaded by llama.cpp from its first part."""

from __future__ import annotations

import json

import pytest

from aigc_desktop.cli import main
from aigc_desktop.errors import ModelLoadError, UserError
from aigc_desktop.hub.catalog import RemoteFile, list_gguf_files, load_catalog
from aigc_desktop.hub.download import DownloadError, part_path
from aigc_desktop.hub.library import delete_model, installed_models, list_models, resolve_model, set_default_model
from aigc_desktop.hub.splits import (
    download_model,
    find_remote,
    group_remote,
    recorded_sets,
    set_filename,
    source_of,
    split_of,
    unfinished_sets,
)
from aigc_desktop.paths import app_paths
from tests.hub.hub_fixtures import SPLIT_PARTS, SPLIT_REPO, SPLIT_SET


def _set() -> RemoteFile:
    [remote] = list_gguf_files(SPLIT_REPO)
    return remote


def _part_gets(hub, name):
    return [r for r in hub.downloads() if r[1].endswith("/" + name)]


def test_names_of_parts_and_sets():
    """A part's name gives its set, number and count; a listing groups the parts and finds the set by any name."""
    assert split_of("Q4/x-00002-of-00003.gguf") == ("x", 2, 3)
    assert split_of("x.gguf") is None and split_of("x-00001-of-00001.gguf") is None
    assert split_of("x-00004-of-00003.gguf") is None
    assert set_filename("Q4/x-00001-of-00002.gguf") == "Q4/x.gguf" and set_filename("y.gguf") == "y.gguf"
    files = [RemoteFile("r", "x-00002-of-00002.gguf", 5, "b"), RemoteFile("r", "y.gguf", 3, "c"),
             RemoteFile("r", "x-00001-of-00002.gguf", 7, "a")]
    grouped = group_remote(files)
    sets = [f for f in grouped if f.parts]
    assert len(grouped) == 2 and len(sets) == 1
    [whole] = sets
    assert whole.filename == "x.gguf" and whole.size == 12 and whole.sha256 is None
    assert [p.filename for p in whole.parts] == ["x-00001-of-00002.gguf", "x-00002-of-00002.gguf"]
    assert whole.label == "x.gguf (2 parts)"
    for name in ("x.gguf", "x", "x-00001-of-00002.gguf", "x-00002-of-00002.gguf"):
        assert find_remote(grouped, name) is whole
    assert find_remote(grouped, "y.gguf").parts == ()


def test_catalog_names_whole_sets(tmp_path):
    """A catalog entry naming a set's first part is the whole set: its parts (given or from the name), label, size."""
    catalog = tmp_path / "catalog.json"
    first = "qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf"
    models = [{"name": "given", "repo": "Qwen/Qwen2.5-7B-Instruct-GGUF", "file": first, "parts": 2,
               "size": 3_993_201_344 + 689_872_288, "license": "Apache-2.0"},
              {"name": "from the name", "repo": "r/x", "file": "x-00001-of-00003.gguf", "size": 9, "license": "MIT"},
              {"name": "single", "repo": "r/y", "file": "y-Q4_K_M.gguf", "size": 5, "license": "MIT"}]
    catalog.write_text(json.dumps({"version": 1, "models": models}))
    given, derived, single = load_catalog(catalog)
    assert given.parts == 2 and given.label == "qwen2.5-7b-instruct-q4_k_m.gguf (2 parts)"
    assert given.quant == "Q4_K_M" and given.size == 4_683_073_632  # both parts, not the first
    assert derived.parts == 3 and derived.label == "x.gguf (3 parts)"
    assert single.parts == 1 and single.label == "y-Q4_K_M.gguf"
    for e in load_catalog():  # the shipped list: a split entry names its first part and its count
        if split_of(e.file):
            assert split_of(e.file)[1] == 1 and e.parts == split_of(e.file)[2]


def test_listing_shows_a_set_as_one_entry(split_hub, split_parts):
    """list_gguf_files and `models files` show the set once with its total size and "2 parts"."""
    remote = _set()
    assert remote.filename == SPLIT_SET and remote.quant == "Q4_1"
    assert remote.size == sum(p.stat().st_size for p in split_parts)
    assert [p.filename for p in remote.parts] == list(SPLIT_PARTS) and all(p.sha256 for p in remote.parts)


def test_cli_files_and_download_of_a_set(split_hub, split_parts, capsys):
    """`models files` lists one row (+ "2 parts", JSON adds the parts); `models download` by a part's name fetches both."""
    assert main(["models", "files", SPLIT_REPO]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith(SPLIT_SET) and out[0].endswith("(2 parts)")
    assert main(["models", "files", SPLIT_REPO, "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["file"] == SPLIT_SET and row["parts"] == 2 and row["quant"] == "Q4_1"
    assert [f["file"] for f in row["files"]] == list(SPLIT_PARTS) and row["size"] == sum(f["size"] for f in row["files"])
    assert main(["models", "download", SPLIT_REPO, SPLIT_PARTS[0]]) == 0
    out, err = capsys.readouterr()
    folder = app_paths().models
    assert f"saved {folder / SPLIT_PARTS[0]}" in out and "(2 parts)" in out and "100%" in err
    for name, source in zip(SPLIT_PARTS, split_parts):
        assert (folder / name).read_bytes() == source.read_bytes()
    assert main(["models", "list", "--json"]) == 0
    listed = [m for m in json.loads(capsys.readouterr().out) if not m["starter"]]
    assert [m["name"] for m in listed] == [SPLIT_SET.removesuffix(".gguf")]
    [model] = listed
    assert model["parts"] == 2 and model["size"] == sum(p.stat().st_size for p in split_parts)
    assert model["problem"] is None and model["context_length"] == 8192
    assert 130e6 < model["parameters"] < 140e6  # counted over both parts
    assert installed_models()[1:] == [folder / SPLIT_PARTS[0]]  # part 2 is not a model of its own


def test_cut_part_resumes_and_incomplete_set_is_said(split_hub, capsys):
    """Part 2 cut: the set is listed incomplete and unusable; the same CLI command resumes part 2 only, by Range."""
    remote = _set()
    split_hub.state.cut_after, split_hub.state.cut_only = 10_000_000, SPLIT_PARTS[1]
    with pytest.raises(DownloadError):
        download_model(remote, retries=0)
    folder = app_paths().models
    kept = part_path(remote.parts[1], folder).stat().st_size
    assert (folder / SPLIT_PARTS[0]).is_file() and 0 < kept <= 10_000_000
    [entry] = [e for e in list_models() if not e.is_starter]
    assert entry.incomplete and entry.problem == "incomplete: 1 of 2 parts"
    assert entry.name == SPLIT_SET.removesuffix(".gguf") and entry.path == folder / SPLIT_PARTS[0]
    assert installed_models()[1:] == []  # not offered to the chat
    with pytest.raises(ModelLoadError, match="incomplete"):
        resolve_model(SPLIT_SET)
    with pytest.raises(UserError, match="incomplete"):
        set_default_model(SPLIT_PARTS[0])
    assert [(r, k) for r, k in unfinished_sets(folder)] == [(remote, remote.parts[0].size + kept)]
    assert source_of(folder / SPLIT_PARTS[0]) == remote
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "incomplete: 1 of 2 parts" in out and f"models download {SPLIT_REPO} {SPLIT_SET}" in out
    assert main(["models", "download", SPLIT_REPO, SPLIT_SET]) == 0
    assert _part_gets(split_hub, SPLIT_PARTS[1])[-1][2] == f"bytes={kept}-"
    assert len(_part_gets(split_hub, SPLIT_PARTS[0])) == 1  # the finished part was checked, not fetched again
    assert resolve_model(SPLIT_SET) == folder / SPLIT_PARTS[0] == resolve_model(SPLIT_PARTS[1])
    assert unfinished_sets(folder) == [] and list(folder.glob("*.part*")) == []


def test_missing_part_is_incomplete_and_downloaded_again(split_hub):
    """A part deleted by hand makes the set incomplete; downloading the set again fetches only that part."""
    remote = _set()
    first = download_model(remote)
    (first.parent / SPLIT_PARTS[1]).unlink()
    [entry] = [e for e in list_models() if not e.is_starter]
    assert entry.problem == "incomplete: 1 of 2 parts" and source_of(first) == remote
    gets = len(_part_gets(split_hub, SPLIT_PARTS[0]))
    assert download_model(source_of(first)) == first
    assert len(_part_gets(split_hub, SPLIT_PARTS[0])) == gets
    assert not [e for e in list_models() if e.problem]


def test_delete_removes_every_part_and_the_record(split_hub, capsys):
    """Deleting a set (by its name, as the default) removes all its parts, its record and the default."""
    first = download_model(_set())
    set_default_model(SPLIT_SET)
    assert main(["models", "remove", SPLIT_SET.removesuffix(".gguf")]) == 0
    out = capsys.readouterr().out
    assert f"removed {first}" in out and "every part" in out and "starter model" in out
    folder = app_paths().models
    assert list(folder.iterdir()) == [] and recorded_sets(folder) == []


def test_delete_an_incomplete_set(split_hub):
    """An incomplete set is deleted whole too: the finished part, the unfinished one and the record."""
    remote = _set()
    split_hub.state.cut_after, split_hub.state.cut_only = 5_000_000, SPLIT_PARTS[1]
    with pytest.raises(DownloadError):
        download_model(remote, retries=0)
    folder = app_paths().models
    assert delete_model(str(folder / SPLIT_PARTS[0])) == folder / SPLIT_PARTS[0]
    assert list(folder.iterdir()) == []


def test_a_set_missing_on_the_hub_is_refused(split_hub):
    """The Hub listing only part 1 of 2: the download says so and fetches nothing."""
    del split_hub.state.repos[SPLIT_REPO][SPLIT_PARTS[1]]
    remote = _set()
    with pytest.raises(DownloadError, match="only 1 of the 2 parts"):
        download_model(remote)
    assert split_hub.downloads() == [] and list(app_paths().models.iterdir()) == []


def test_downloaded_set_loads_from_part_one_and_chats(split_hub, capsys):
    """llama.cpp loads the set from its first part (finding part 2 itself) and the chat answers."""
    download_model(_set())
    assert main(["chat", "--model", SPLIT_SET.removesuffix(".gguf"), "--max-tokens", "4", "Say hi"]) == 0
    assert capsys.readouterr().out.strip()
