"""Help → About (version, folders, llama.cpp build, licences) and the GPU layers control, in the window."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

pytestmark = pytest.mark.real

SHOTS = Path(os.environ.get("AIGC_TEST_SHOTS", "/tmp/aigc-shots"))


def _capture_dialog(win, act):
    """Replace the window's dialog seam: ``act(dialog)`` runs instead of exec and says if it was accepted."""
    seen = []

    def run_dialog(dialog):
        seen.append(dialog)
        return act(dialog)

    win.prompts.run_dialog = run_dialog
    return seen


def test_about_shows_version_folders_and_build_while_a_model_is_loaded(make_window, qtbot):
    """With the starter loaded on the engine thread, About lists the data folders and llama.cpp's build, and Copy copies it."""
    from PySide6.QtGui import QGuiApplication

    from aigc_desktop import __version__
    from aigc_desktop.ui.dialogs.about import install_help_menu

    win = make_window()
    menu = install_help_menu(win)
    assert menu.menu.title() == "&Help" and menu.about_action.text() == "About AIGC Desktop"

    def look(dialog):
        qtbot.waitUntil(lambda: "llama-cpp-python" in dialog.build_text.toPlainText(), timeout=20_000)
        text = dialog.build_text.toPlainText()
        assert "CPU backend:" in text and "GPU offload: no" in text and "llama.cpp system info: CPU :" in text
        assert "Apache License 2.0" in dialog.licence_text.toPlainText()
        assert "resources/icons/LICENSES.md" in dialog.licence_text.toPlainText()
        labels = [label.text() for label in dialog.findChildren(QLabel)]
        assert str(win.rt.paths.database) in labels and str(win.rt.paths.models) in labels
        from PySide6.QtCore import Qt

        shown = [label for label in dialog.findChildren(QLabel) if str(win.rt.paths.data) in label.text()]
        assert shown and all(label.textFormat() == Qt.PlainText for label in shown)  # inert text, no links
        dialog.copy_button.click()
        copied = QGuiApplication.clipboard().text()
        assert f"AIGC Desktop {__version__}" in copied and "CPU backend:" in copied and str(win.rt.paths.data) in copied
        SHOTS.mkdir(parents=True, exist_ok=True)
        dialog.resize(max(dialog.width(), 640), dialog.sizeHint().height())
        dialog.grab().save(str(SHOTS / "about.png"))
        return False

    seen = _capture_dialog(win, look)
    menu.about_action.trigger()
    assert len(seen) == 1
    assert win.engine.model is not None  # the model stayed loaded throughout


def test_gpu_control_is_disabled_with_a_note_on_a_cpu_build(make_window):
    """On this CPU-only llama.cpp the Settings dialog's GPU control is disabled and says why, and saving keeps the setting."""
    win = make_window(load_model=False)
    win.rt.settings_store.update(gpu_layers="7")

    def look(dialog):
        assert not dialog.gpu_mode.isEnabled() and not dialog.gpu_custom.isEnabled()
        assert dialog.gpu_note.isVisibleTo(dialog)
        assert "This build of llama.cpp has no GPU support; models run on the CPU." in dialog.gpu_note.text()
        assert "README" in dialog.gpu_note.text()
        assert dialog.gpu_layers() == "7"  # shows the stored value, greyed out
        SHOTS.mkdir(parents=True, exist_ok=True)
        dialog.resize(max(dialog.width(), 640), dialog.sizeHint().height())
        dialog.grab().save(str(SHOTS / "settings-gpu-cpu-build.png"))
        dialog.accept()
        return True

    _capture_dialog(win, look)
    assert win.conversations.edit_settings()
    assert win.rt.settings.gpu_layers == "7"


def test_gpu_layers_chosen_in_settings_reach_the_load_and_a_failed_gpu_load_is_shown(make_window, qtbot, monkeypatch):
    """With GPU support (patched in), Custom 12 is saved, the next load asks llama.cpp for 12 layers, and its
    failure falls back to the CPU with a note in the banner."""
    import llama_cpp

    from aigc_desktop.llm import gpu

    monkeypatch.setattr(gpu, "gpu_offload_supported", lambda: True)
    asked = []
    real_llama = llama_cpp.Llama

    def fake_llama(*args, **kwargs):
        asked.append(kwargs.get("n_gpu_layers"))
        if kwargs.get("n_gpu_layers"):
            raise ValueError("Failed to load model from file")  # what a GPU load without the GPU's memory does
        return real_llama(*args, **kwargs)

    win = make_window(load_model=False)

    def choose(dialog):
        assert dialog.gpu_mode.isEnabled() and not dialog.gpu_note.isVisibleTo(dialog)
        dialog.gpu_mode.setCurrentIndex(dialog.gpu_mode.findData("custom"))
        assert dialog.gpu_custom.isEnabled()
        dialog.gpu_custom.setValue(12)
        SHOTS.mkdir(parents=True, exist_ok=True)
        dialog.resize(max(dialog.width(), 640), dialog.sizeHint().height())
        dialog.grab().save(str(SHOTS / "settings-gpu-supported.png"))
        dialog.accept()
        return True

    _capture_dialog(win, choose)
    assert win.conversations.edit_settings()
    assert win.rt.settings.gpu_layers == "12"

    monkeypatch.setattr(llama_cpp, "Llama", fake_llama)
    with qtbot.wait_signal(win.modelReady, timeout=60_000):
        win.model_choice.load_default()
    assert asked == [12, 0]
    assert "could not be loaded on the GPU" in win.banner.text()
    assert win.banner.isVisible()


def test_a_model_gets_its_own_gpu_layers_from_the_models_window(make_window, qtbot):
    """Installed → GPU layers… stores the model's own value (used by its next load); "as in settings" removes it."""
    from aigc_desktop.hub.library import installed_models
    from aigc_desktop.settings import model_key

    win = make_window(load_model=False)
    dlg = win.show_models()
    path = str(installed_models()[0])
    assert dlg.select_installed(path)
    tab = dlg.installed_tab
    assert tab.gpu_btn.isEnabled()
    store = win.rt.settings_store
    dlg.ask_model_gpu_layers = lambda name, value, app_value: "12"
    tab.gpu_btn.click()
    assert store.current().model_gpu_layers == {model_key(path): "12"}
    assert store.current().gpu_layers_for(path) == "12" and store.current().gpu_layers == "auto"
    dlg.ask_model_gpu_layers = lambda name, value, app_value: False  # Cancel changes nothing
    tab.gpu_btn.click()
    assert store.current().gpu_layers_for(path) == "12"
    seen = {}
    dlg.ask_model_gpu_layers = lambda name, value, app_value: seen.update(value=value) or None
    tab.gpu_btn.click()
    assert seen["value"] == "12"  # the dialog is shown the model's own value
    assert store.current().model_gpu_layers == {} and store.current().gpu_layers_for(path) == "auto"


def test_model_gpu_dialog_on_a_cpu_build(qtbot, monkeypatch):
    """The per-model dialog offers "As in Conversation settings", and on a CPU-only build is disabled with the note."""
    from aigc_desktop.llm import gpu
    from aigc_desktop.ui.models.gpu_dialog import ModelGpuDialog

    monkeypatch.setattr(gpu, "gpu_offload_supported", lambda: False)
    dlg = ModelGpuDialog(None, "SmolLM2", None, "auto")
    qtbot.addWidget(dlg)
    assert dlg.control.value() is None and dlg.control.mode.currentText() == "As in Conversation settings"
    assert not dlg.control.mode.isEnabled() and dlg.control.note.isVisibleTo(dlg)
    dlg.control.set_value("7")
    assert dlg.control.value() == "7"
