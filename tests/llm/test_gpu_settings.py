"""The gpu_layers setting, the runtime's loads that read it, chat --gpu-layers, and the llama.cpp build info."""

from __future__ import annotations

import json
import threading

import pytest

from aigc_desktop.errors import UserError
from aigc_desktop.llm import buildinfo, gpu
from aigc_desktop.paths import app_paths
from aigc_desktop.settings import SettingsStore, model_key


def _store() -> SettingsStore:
    return SettingsStore(app_paths().ensure().settings_file)


def test_gpu_layers_round_trip_with_a_per_model_value(tmp_path):
    """gpu_layers and a model's own value are saved, read back by another store, and the model's value wins for it."""
    model = tmp_path / "m.gguf"
    _store().update(gpu_layers="12", model_gpu_layers={model_key(model): "0"})
    again = _store().current()
    assert again.gpu_layers == "12"
    assert again.gpu_layers_for(model) == "0"
    assert again.gpu_layers_for(str(tmp_path / "." / "m.gguf")) == "0"  # another spelling of the same file
    assert again.gpu_layers_for(tmp_path / "other.gguf") == "12"
    assert _store().current().__class__().gpu_layers == "auto"  # the default


@pytest.mark.parametrize("bad", ["-1", "many", " 3", 3, None])
def test_bad_gpu_layers_are_refused_by_update(bad):
    """update() refuses a negative, non-numeric, non-canonical or non-string value, and the file keeps the old one."""
    store = _store()
    store.update(gpu_layers="4")
    with pytest.raises(UserError):
        store.update(gpu_layers=bad)
    with pytest.raises(UserError):
        store.update(model_gpu_layers={"/m.gguf": bad})
    assert _store().current().gpu_layers == "4"


def test_a_bad_gpu_layers_in_the_file_falls_back_to_auto():
    """A hand-edited settings file with gpu_layers = -2 loads as auto with a problem noted, other values kept."""
    path = app_paths().ensure().settings_file
    path.write_text(json.dumps({"gpu_layers": "-2", "n_ctx": 2048}), encoding="utf-8")
    settings = _store().current()
    assert settings.gpu_layers == "auto" and settings.n_ctx == 2048
    assert settings.problems


def test_runtime_loads_take_gpu_layers_from_the_settings(monkeypatch, tmp_path):
    """rt.engine.load with no n_gpu_layers (the engine thread's and the CLI's loads) passes the model's or the app's value."""
    from aigc_desktop.llm.engine import LlamaEngine
    from aigc_desktop.runtime import open_runtime

    asked = []
    monkeypatch.setattr(LlamaEngine, "load", lambda self, path, **kw: asked.append(kw.get("n_gpu_layers")))
    rt = open_runtime()
    try:
        special = tmp_path / "big.gguf"
        rt.settings_store.update(gpu_layers="20", model_gpu_layers={model_key(special): "0"})
        rt.engine.load(tmp_path / "small.gguf", n_ctx=512)
        rt.engine.load(special, n_ctx=512)
        rt.engine.load(special, n_ctx=512, n_gpu_layers=5)  # an explicit value (chat --gpu-layers) wins
    finally:
        rt.close()
    assert asked == ["20", "0", 5]


@pytest.mark.real
def test_chat_gpu_layers_flag_and_the_fallback_note(monkeypatch, capsys):
    """chat --gpu-layers 8 asks llama.cpp for 8 layers; when that load fails, the reply comes from the CPU and stderr says so."""
    import llama_cpp

    from aigc_desktop.cli import main

    monkeypatch.setattr(gpu, "gpu_offload_supported", lambda: True)
    real_llama, asked = llama_cpp.Llama, []

    def fake_llama(*args, **kwargs):
        asked.append(kwargs.get("n_gpu_layers"))
        if kwargs.get("n_gpu_layers"):
            raise ValueError("Failed to load model from file")
        return real_llama(*args, **kwargs)

    monkeypatch.setattr(llama_cpp, "Llama", fake_llama)
    assert main(["chat", "--gpu-layers", "8", "--max-tokens", "4", "--seed", "1", "Hi"]) == 0
    assert asked == [8, 0]
    assert "The model could not be loaded on the GPU, so it runs on the CPU." in capsys.readouterr().err


def test_chat_refuses_a_bad_gpu_layers_value(capsys):
    """chat --gpu-layers -1 stops at the argument with the reason, before anything is loaded or stored."""
    from aigc_desktop.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["chat", "--gpu-layers", "-1", "Hi"])
    assert exc.value.code == 2
    assert "GPU layers must be auto, 0 or a positive number" in capsys.readouterr().err


def test_system_info_is_parsed_per_backend():
    """llama.cpp's one-line system info splits into backends and their features; a value other than 1 is kept."""
    text = "CPU : SSE3 = 1 | AVX2 = 1 | OPENMP = 1 | CUDA : ARCHS = 890 | USE_GRAPHS = 1 | "
    assert buildinfo.parse_system_info(text) == (("CPU", ("SSE3", "AVX2", "OPENMP")),
                                                 ("CUDA", ("ARCHS = 890", "USE_GRAPHS")))
    assert buildinfo.parse_system_info("") == ()


def test_build_info_of_this_install_is_read_once_from_any_thread():
    """The build info names the CPU backend and no GPU here, and threads asking at once all get the one cached answer."""
    results = []
    threads = [threading.Thread(target=lambda: results.append(buildinfo.build_info())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    first = results[0]
    assert all(r is first for r in results) and len(results) == 8
    assert first.gpu_offload is False and gpu.gpu_offload_supported() is False
    assert dict(first.backends)["CPU"] and first.system_info.startswith("CPU :")
    lines = buildinfo.describe(first)
    assert lines[0].startswith("llama-cpp-python ") and "GPU offload: no" in lines[1]


def test_doctor_prints_the_build_after_its_checks(capsys):
    """doctor's existing lines come first and unchanged in form; the llama.cpp build follows as information."""
    from aigc_desktop.cli import main

    main(["doctor"])
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("data:") and any(line.startswith("models found:") for line in out)
    start = next(i for i, line in enumerate(out) if line.startswith("llama-cpp-python "))
    assert start > next(i for i, line in enumerate(out) if line.startswith("models found:"))
    assert out[start + 1].startswith("GPU offload: ") and out[start + 2].startswith("CPU backend: ")
