"""GPU offload: how many layers llama.cpp is asked to put on the GPU.

The setting is ``"auto"``, ``0`` or a layer count N. Auto offloads every layer (llama.cpp's
``-1``) when this llama-cpp-python was built with a GPU backend (CUDA, Metal, Vulkan…:
``llama_supports_gpu_offload()``), and nothing otherwise; on a CPU-only build any N is 0,
and :data:`CPU_ONLY_NOTE` is what the Settings dialog shows beside its control, disabled.
The setting itself is ``Settings.gpu_layers`` (and ``model_gpu_layers`` per model).
A load that fails on the GPU is retried on the CPU by ``LlamaEngine.load``
(:data:`GPU_FALLBACK_NOTE`). Only the CPU path is tested here: no machine of this project
has a GPU; the GPU path needs one.
"""

from __future__ import annotations

from aigc_desktop.i18n import N_, _

AUTO = "auto"

CPU_ONLY_NOTE = N_("This build of llama.cpp has no GPU support; models run on the CPU.")
#: Where a person finds how to get a GPU build (shown under CPU_ONLY_NOTE). Both are marked N_:
#: translated where shown, once the language is installed.
GPU_HELP_POINTER = N_("README.md, section “GPU offload”, says how to install a GPU build.")
GPU_FALLBACK_NOTE = _("The model could not be loaded on the GPU, so it runs on the CPU.")


def gpu_offload_supported() -> bool:
    """Whether the llama.cpp in this install can offload layers to a GPU (read once, ``llm/buildinfo.py``)."""
    from aigc_desktop.llm.buildinfo import build_info

    return build_info().gpu_offload


def parse_gpu_layers(value) -> str | int:
    """``"auto"`` or a layer count ≥ 0, from a setting or a command-line value; ValueError otherwise."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", AUTO)):
        return AUTO
    n = int(value)
    if n < 0:
        raise ValueError(_("GPU layers must be auto, 0 or a positive number."))
    return n


def canonical_gpu_layers(value) -> str:
    """The setting's stored form: ``"auto"``, ``"0"`` or ``"N"``; ValueError for anything else."""
    return str(parse_gpu_layers(value))


def resolve_gpu_layers(value, supported: bool | None = None) -> int:
    """The ``n_gpu_layers`` for ``Llama(...)``: -1 (all) for auto on a GPU build, 0 on a CPU build."""
    setting = parse_gpu_layers(value)
    if supported is None:
        supported = gpu_offload_supported()
    if not supported:
        return 0
    return -1 if setting == AUTO else setting
