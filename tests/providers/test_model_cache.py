"""Each provider's model ids as last listed: kept across runs, read without a connection, shared by CLI and window."""

from __future__ import annotations

import pytest

from aigc_desktop.providers.config import ProviderStore
from aigc_desktop.providers.model_cache import ModelCache, remote_model_refs
from tests.llama_server import MODEL_ALIAS


def test_remembered_ids_become_refs_of_configured_providers_only(tmp_path):
    """refs() names provider/model for configured providers; a removed provider's ids are not offered."""
    cache = ModelCache(tmp_path / "models.json")
    ProviderStore().add("lab", "http://127.0.0.1:9/v1")
    cache.remember("lab", ["a", "b"])
    cache.remember("gone", ["x"])
    assert cache.models("lab") == ["a", "b"] and cache.refs() == ["lab/a", "lab/b"]
    cache.remember("lab", None)
    assert cache.models("lab") == [] and cache.refs() == []


def test_an_unreadable_cache_is_empty_and_is_rewritten(tmp_path):
    """A damaged file lists nothing (it is only a cache) and the next remember replaces it."""
    path = tmp_path / "models.json"
    path.write_text("{not json", encoding="utf-8")
    cache = ModelCache(path)
    assert cache.models("lab") == []
    cache.remember("lab", ["m"])
    assert ModelCache(path).models("lab") == ["m"]


@pytest.mark.real
def test_cli_models_remembers_and_remove_forgets(llama_server, capsys):
    """`providers models NAME` asks the server and remembers its ids for the window's list; `providers remove` forgets."""
    from aigc_desktop.cli import main

    ProviderStore().add("lab", llama_server.base_url, kind="llama.cpp")
    assert main(["providers", "models", "lab"]) == 0
    assert f"lab/{MODEL_ALIAS}" in capsys.readouterr().out
    assert remote_model_refs() == [f"lab/{MODEL_ALIAS}"]
    assert main(["providers", "remove", "lab"]) == 0
    assert ModelCache().models("lab") == []
