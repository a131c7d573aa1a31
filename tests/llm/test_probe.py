"""Untrusted model files: a file's first load is tried in a child process; a crash or hang there is a clear error.

No real GGUF file is known to crash this build's llama.cpp (the fuzz tests look for one),
so a crash and a hang are made by pointing the check at a child that dies by SIGSEGV
or never ends: what is tested is that this process names the file and goes on.
"""

from __future__ import annotations

import shutil
import signal
import sys

import pytest

from aigc_desktop.errors import ModelLoadError
from aigc_desktop.llm import probe

CRASH = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"]
HANG = [sys.executable, "-c", "import time; time.sleep(600)"]


@pytest.fixture(autouse=True)
def fresh_verdicts():
    probe.forget_verdicts()
    yield
    probe.forget_verdicts()


def _copy(src, dest):
    """A copy with its own mtime: a file the check has not seen."""
    shutil.copyfile(src, dest)
    return dest


def test_a_good_model_is_probed_once_and_remembered(starter_model, tmp_path, monkeypatch):
    """The starter passes in a child; later checks (this run, and a new one reading the cache) start none."""
    model = _copy(starter_model, tmp_path / "good.gguf")
    probe.probe_model_file(model)
    monkeypatch.setattr(probe, "child_command", lambda path: CRASH)  # a child now would fail the check
    probe.probe_model_file(model)
    probe.forget_verdicts()
    probe.probe_model_file(model)  # from model-checks.json in the data folder
    assert probe.known_problem(model) is None


@pytest.mark.parametrize("command, words", [(CRASH, "SIGSEGV"), (HANG, "did not finish")])
def test_a_crash_or_hang_in_the_check_is_a_clear_error(starter_model, tmp_path, monkeypatch, command, words):
    """The child dies by a signal or never ends: this process raises a message naming the file, remembered."""
    model = _copy(starter_model, tmp_path / "hostile.gguf")
    monkeypatch.setattr(probe, "child_command", lambda path: command)
    with pytest.raises(ModelLoadError) as err:
        probe.probe_model_file(model, timeout=3)
    message = str(err.value)
    assert "hostile.gguf" in message and "damaged or hostile" in message and words in message
    assert probe.known_problem(model) == message
    monkeypatch.setattr(probe, "child_command", lambda path: pytest.fail("probed twice"))
    with pytest.raises(ModelLoadError):
        probe.probe_model_file(model)


def test_the_childs_refusal_names_the_file(tmp_path):
    """A file llama.cpp refuses in the child comes back as the child's own sentence, with the file's name."""
    bad = tmp_path / "notes.gguf"
    bad.write_bytes(b"GGUF" + (3).to_bytes(4, "little") + b"\xff" * 40)
    with pytest.raises(ModelLoadError, match="notes.gguf"):
        probe.probe_model_file(bad)


def test_the_engine_refuses_a_hostile_file_and_keeps_its_model(real_engine, starter_model, tmp_path, monkeypatch):
    """A load of a file whose check crashed fails before llama.cpp opens it; the loaded model stays."""
    before = real_engine.model
    model = _copy(starter_model, tmp_path / "hostile.gguf")
    monkeypatch.setattr(probe, "child_command", lambda path: CRASH)
    with pytest.raises(ModelLoadError, match="hostile.gguf"):
        real_engine.load(model, n_ctx=2048, n_threads=2)
    assert real_engine.model is before


def test_cli_import_of_a_hostile_file_is_one_line_and_lists_nothing(starter_model, tmp_path, monkeypatch, capsys):
    """`models import` of a file whose check crashes: exit 1, one line; the file is not in the models folder."""
    from aigc_desktop.cli import main
    from aigc_desktop.hub.library import list_models

    model = _copy(starter_model, tmp_path / "hostile.gguf")
    monkeypatch.setattr(probe, "child_command", lambda path: CRASH)
    assert main(["models", "import", str(model)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "hostile.gguf" in err and signal.SIGSEGV.name in err
    assert [m.name for m in list_models() if not m.is_starter] == []


def test_a_refused_file_in_the_models_folder_is_listed_as_unusable(starter_model, monkeypatch):
    """A file dropped into the models folder that the check refused is listed with the reason, not offered."""
    from aigc_desktop.hub.library import installed_models, list_models, models_dir

    model = _copy(starter_model, models_dir() / "dropped.gguf")
    monkeypatch.setattr(probe, "child_command", lambda path: CRASH)
    with pytest.raises(ModelLoadError):
        probe.probe_model_file(model)
    entry = next(m for m in list_models() if m.name == "dropped")
    assert entry.problem and "damaged or hostile" in entry.problem
    assert model not in installed_models()
