"""One free-disk check: every large write refuses up front, with the same message, when the disk is short."""

from __future__ import annotations

import shutil
from collections import namedtuple

import pytest

from aigc_desktop.diskspace import MARGIN, require_free_space
from aigc_desktop.errors import UserError

Usage = namedtuple("Usage", "total used free")


class Short(UserError):
    pass


def test_the_margin_counts_and_the_callers_error_type_is_raised(tmp_path, monkeypatch):
    """Exactly need + margin free passes; one byte less raises the caller's error naming the file."""
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: Usage(10**12, 0, 1000 + MARGIN))
    require_free_space(tmp_path, 1000, "m.gguf")
    with pytest.raises(Short, match=r"Not enough disk space for m\.gguf"):
        require_free_space(tmp_path, 1001, "m.gguf", error=Short)


def test_importing_a_model_checks_the_disk_before_copying(tmp_path, monkeypatch, starter_model):
    """A model import onto a full disk is refused before a byte is copied, and leaves no .part behind."""
    from aigc_desktop.hub.library import import_model
    from aigc_desktop.paths import app_paths

    source = tmp_path / "copy.gguf"
    shutil.copyfile(starter_model, source)
    app_paths().models.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: Usage(10**12, 10**12, 10 * 2**20))
    with pytest.raises(UserError, match="Not enough disk space for copy.gguf"):
        import_model(source)
    assert list(app_paths().models.iterdir()) == []
