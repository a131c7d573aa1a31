"""GPU layers on a CPU-only build (the GPU path needs a machine with a GPU, which this project has not)."""

from __future__ import annotations

import pytest

from aigc_desktop.llm import gpu


def test_auto_offloads_everything_on_a_gpu_build_and_nothing_on_a_cpu_build():
    """auto → -1 (all layers) when offload is supported, 0 when it is not; N is kept only on a GPU build."""
    assert gpu.resolve_gpu_layers("auto", supported=True) == -1
    assert gpu.resolve_gpu_layers("auto", supported=False) == 0
    assert gpu.resolve_gpu_layers(20, supported=True) == 20
    assert gpu.resolve_gpu_layers("20", supported=False) == 0
    assert gpu.resolve_gpu_layers(0, supported=True) == 0


def test_bad_values_are_refused():
    """A negative or non-numeric layer count is an error, not a silent default."""
    for bad in (-1, "-3", "many"):
        with pytest.raises(ValueError):
            gpu.parse_gpu_layers(bad)
    assert gpu.parse_gpu_layers(None) == gpu.AUTO


def test_this_build_is_cpu_only():
    """The project's llama-cpp-python is a CPU build, so auto resolves to 0 here."""
    assert gpu.gpu_offload_supported() is False
    assert gpu.resolve_gpu_layers("auto") == 0


def test_real_model_loads_with_auto_gpu_layers_on_cpu(starter_model):
    """The engine accepts n_gpu_layers and loads the starter on the CPU with no fallback note."""
    from aigc_desktop.llm.engine import LlamaEngine

    engine = LlamaEngine()
    engine.load(starter_model, n_ctx=512, n_gpu_layers="auto")
    assert engine.gpu_note is None
    assert engine.count_tokens([{"role": "user", "content": "hi"}]) > 0
