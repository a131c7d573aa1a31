"""Which llama.cpp this install runs: its version, CPU features and GPU backend.

Shown by the About dialog (``ui/dialogs/about.py``) and ``aigc-desktop-cli doctor``, so a report
of "it is slow" or "it does not use my GPU" says which build it came from.

Read once per process and cached. ``llama_print_system_info()`` walks ggml's backend
registry (fixed once the library is loaded) and writes the answer into one static
``std::string`` inside llama.cpp: it touches no model and no context, so it is safe
while the engine thread holds a model or generates, but two calls at the same moment
would write that string together, hence the lock around the only call. The first call
imports ``llama_cpp`` (a few hundred ms when nothing loaded it yet), which is why the
window asks for it off the GUI thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from aigc_desktop.i18n import _


@dataclass(frozen=True)
class BuildInfo:
    llama_cpp_python: str  # the llama-cpp-python version (it pins the llama.cpp it was built from)
    system_info: str  # llama_print_system_info(), as llama.cpp prints it
    gpu_offload: bool  # llama_supports_gpu_offload(): a CUDA, Metal, Vulkan… backend is built in
    backends: tuple[tuple[str, tuple[str, ...]], ...]  # (backend, its features), parsed from system_info

    def as_dict(self) -> dict:
        return {"llama_cpp_python": self.llama_cpp_python, "gpu_offload": self.gpu_offload,
                "backends": {name: list(features) for name, features in self.backends},
                "system_info": self.system_info}


def parse_system_info(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``"CPU : SSE3 = 1 | AVX = 1 | CUDA : ARCHS = 890 | "`` → ``(("CPU", ("SSE3", "AVX")), ("CUDA", ("ARCHS = 890",)))``.

    A feature whose value is ``1`` is named alone; any other value is kept beside it.
    Backends are the words before `` : `` (llama.cpp writes no other separator).
    """
    backends: list[tuple[str, list[str]]] = []
    for item in (part.strip() for part in text.split("|")):
        if not item:
            continue
        if " : " in item:
            name, item = (s.strip() for s in item.split(" : ", 1))
            backends.append((name, []))
        if not backends:
            backends.append(("", []))
        key, _sep, value = (s.strip() for s in item.partition("="))
        backends[-1][1].append(key if value in ("", "1") else f"{key} = {value}")
    return tuple((name, tuple(features)) for name, features in backends)


_lock = threading.Lock()
_cached: BuildInfo | None = None


def build_info() -> BuildInfo:
    """The llama.cpp build of this install (read at the first call, then cached)."""
    global _cached
    with _lock:
        if _cached is None:
            import llama_cpp

            raw = llama_cpp.llama_print_system_info()
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
            _cached = BuildInfo(llama_cpp_python=getattr(llama_cpp, "__version__", "?"),
                                system_info=text.strip().rstrip("|").strip(),
                                gpu_offload=bool(llama_cpp.llama_supports_gpu_offload()),
                                backends=parse_system_info(text))
        return _cached


def describe(info: BuildInfo) -> list[str]:
    """Lines for a person (the About dialog, ``doctor``); backend and feature names stay as llama.cpp names them."""
    lines = [_("llama-cpp-python {version}").format(version=info.llama_cpp_python),
             _("GPU offload: yes") if info.gpu_offload else _("GPU offload: no (this build runs on the CPU only)")]
    for name, features in info.backends:
        lines.append(_("{backend} backend: {features}").format(backend=name or "?", features=" ".join(features) or "-"))
    lines.append(_("llama.cpp system info: {text}").format(text=info.system_info or "-"))
    return lines
