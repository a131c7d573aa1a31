"""Writing exports: every format through temp file + rename, one clear line on failure, no partial file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aigc_desktop.cli import main
from aigc_desktop.errors import UserError
from aigc_desktop.export import files


def _chat():
    from aigc_desktop.runtime import open_runtime

    rt = open_runtime()
    conv = rt.store.create("失败测试")
    rt.store.add_message(conv.id, "user", "你好 龘靐齉")
    rt.store.add_message(conv.id, "assistant", "```python\nprint('hi')\n```")
    return rt, conv


def test_interrupted_write_leaves_no_partial_file(monkeypatch, tmp_path):
    """A write that fails half-way (a full disk) raises one UserError and leaves neither the file nor a .tmp."""
    target = tmp_path / "out.pdf"
    real_open = open

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *a):
            self.fh.close()

        def write(self, data):
            self.fh.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr("builtins.open", lambda p, mode="r", *a, **k: Full(real_open(p, mode, *a, **k)) if str(p).endswith(".tmp") else real_open(p, mode, *a, **k))
    with pytest.raises(UserError, match="No space left on device"):
        files.write_bytes_atomic(target, b"%PDF-" + b"x" * 1000)
    assert list(tmp_path.iterdir()) == []


def test_failed_exporter_keeps_the_old_file(monkeypatch, tmp_path):
    """An exporter that fails after writing began leaves the previous export untouched."""
    rt, conv = _chat()
    out = tmp_path / "out"
    out.mkdir()
    target = out / "chat.docx"
    target.write_bytes(b"old")
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(5, "Input/output error")))
    with pytest.raises(UserError):
        files.export_one(rt.store, conv.id, target, "docx")
    assert target.read_bytes() == b"old" and sorted(p.name for p in out.iterdir()) == ["chat.docx"]


@pytest.mark.parametrize("fmt,magic", [("md", b"# "), ("json", b"{"), ("html", b"<!DOCTYPE html>"),
                                       ("docx", b"PK"), ("pdf", b"%PDF-")])
def test_cli_export_every_format(capsys, tmp_path, fmt, magic):
    """`export ID --format F -o PATH` writes that format."""
    _rt, conv = _chat()
    out = tmp_path / f"chat.{fmt}"
    assert main(["export", str(conv.id), "--format", fmt, "-o", str(out)]) == 0
    assert out.read_bytes().startswith(magic)
    assert f"exported conversation {conv.id}" in capsys.readouterr().out


def test_cli_export_all_as_pdf_letter(capsys, tmp_path):
    """`export --all --format pdf --page letter` writes one PDF per conversation."""
    _chat()
    _chat()
    assert main(["export", "--all", "--format", "pdf", "--page", "letter", "-o", str(tmp_path / "all")]) == 0
    assert len(list((tmp_path / "all").glob("*.pdf"))) == 2


def test_cli_unwritable_folder_is_one_line(capsys, tmp_path):
    """An unwritable folder: exit 1, one line on stderr, nothing left behind."""
    if os.geteuid() == 0:
        folder = Path("/proc/aigc-export-test")  # even root cannot create files here
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
    _rt, conv = _chat()
    assert main(["export", str(conv.id), "--format", "html", "-o", str(folder / "x.html")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Could not write" in err
