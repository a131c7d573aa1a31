"""A fake Hub serving the real starter model, with the app pointed at it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hub.fake_hub import FakeHub

REPO = "aigc-test/SmolLM2-135M-Instruct-GGUF"
FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture
def hub(starter_model, tmp_path, monkeypatch):
    small = make_gguf(tmp_path / "tiny-Q8_0.gguf")  # a small complete GGUF (not a chat model)
    with FakeHub() as fake:
        fake.state.add(REPO, FILE, starter_model)
        fake.state.add(REPO, "tiny-Q8_0.gguf", small)
        fake.state.add("other/Qwen-Fake-GGUF", "qwen-fake-Q4_K_M.gguf", small)
        monkeypatch.setenv("HF_ENDPOINT", fake.url)
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        monkeypatch.delenv("AIGC_DESKTOP_OFFLINE", raising=False)
        for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(var, raising=False)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        yield fake
    assert os.environ.get("HF_ENDPOINT") == fake.url


def make_gguf(path: Path, seed: int = 1, floats: int = 750_000) -> Path:
    """A complete, valid GGUF of about 3 MB (one random tensor): passes the deep check."""
    import gguf
    import numpy as np

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_tensor("t", np.random.default_rng(seed).random(floats, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
