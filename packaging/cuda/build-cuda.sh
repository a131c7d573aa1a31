#!/usr/bin/env bash
# CUDA variant of the Linux bundle. NOT run here (no GPU, no CUDA toolkit on this machine).
# Needs: the CUDA toolkit (nvcc on PATH), uv. Result: dist/*-cuda.{tar.gz,deb}.
# Afterwards the venv holds the CUDA build; rebuild the CPU one with
#   CMAKE_ARGS="-DGGML_NATIVE=OFF" uv sync --reinstall-package llama-cpp-python
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$REPO"
command -v nvcc >/dev/null || { echo "nvcc not found: install the CUDA toolkit" >&2; exit 1; }
CMAKE_ARGS="-DGGML_CUDA=on -DGGML_NATIVE=OFF" uv sync --group packaging --reinstall-package llama-cpp-python
uv run python -c "import llama_cpp; assert llama_cpp.llama_supports_gpu_offload(), 'not a GPU build'"
uv run python packaging/build.py --target all
for f in dist/aigc-desktop-*-linux-*.tar.gz; do case "$f" in *-cuda.tar.gz) ;; *) mv "$f" "${f%.tar.gz}-cuda.tar.gz" ;; esac; done
for f in dist/aigc-desktop_*.deb; do case "$f" in *-cuda.deb) ;; *) mv "$f" "${f%.deb}-cuda.deb" ;; esac; done
ls -la dist/
