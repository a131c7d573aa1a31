"""Presets: built-ins, saving and deleting the person's own, validation."""

from __future__ import annotations

import pytest

from aigc_desktop.chat import presets
from aigc_desktop.errors import UserError


def test_builtins_present_and_protected():
    """Built-ins are listed and cannot be overwritten or deleted."""
    names = [p.name for p in presets.list_presets()]
    assert "Default" in names and any("Coder" in n for n in names) and any("中文" in n for n in names)
    with pytest.raises(UserError, match="built-in"):
        presets.delete_preset("Default")
    with pytest.raises(UserError, match="built-in"):
        presets.save_preset(presets.Preset("Precise", "x", {}))


def test_save_get_delete_round_trip():
    """A saved preset survives a reload from disk and can be deleted."""
    presets.save_preset(presets.Preset("写小说", "你是小说家", {"temperature": 1.2, "seed": 3}))
    p = presets.get_preset("写小说")
    assert p.system_prompt == "你是小说家" and p.sampling["temperature"] == 1.2 and p.sampling["seed"] == 3
    presets.delete_preset("写小说")
    with pytest.raises(UserError):
        presets.get_preset("写小说")


@pytest.mark.parametrize("sampling", [{"temperature": 9}, {"top_p": 0}, {"max_tokens": "lots"}])
def test_invalid_sampling_refused(sampling):
    """Out-of-range or non-numeric values are refused with a message, nothing saved."""
    with pytest.raises(UserError):
        presets.save_preset(presets.Preset("bad", "", sampling))
    assert "bad" not in [p.name for p in presets.list_presets()]
