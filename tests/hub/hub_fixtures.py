"""A fake Hub serving the real starter model, with the app pointed at it; ``split_hub``
also serves the starter model as a real 2-part split GGUF set.

A plugin (``pytest_plugins`` in tests/conftest.py), so the Hub and window tests share the fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hub.fake_hub import FakeHub

REPO = "aigc-test/SmolLM2-135M-Instruct-GGUF"
FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
SPLIT_REPO = "aigc-test/SmolSplit-GGUF"
SPLIT_SET = "SmolSplit-135M.Q4_1.gguf"  # the set's name; its parts:
SPLIT_PARTS = ("SmolSplit-135M.Q4_1-00001-of-00002.gguf", "SmolSplit-135M.Q4_1-00002-of-00002.gguf")


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


@pytest.fixture(scope="session")
def split_parts(starter_model, tmp_path_factory) -> tuple[Path, ...]:
    """The starter model written as a 2-part split set, as llama.cpp's gguf-split would (made once)."""
    folder = tmp_path_factory.mktemp("split")
    split_gguf(starter_model, folder / SPLIT_SET, parts=2)
    parts = tuple(folder / name for name in SPLIT_PARTS)
    assert all(p.is_file() for p in parts), list(folder.iterdir())
    return parts


@pytest.fixture
def split_hub(hub, split_parts):
    """The fake Hub with a repository holding one split set (and nothing else)."""
    for name, path in zip(SPLIT_PARTS, split_parts):
        hub.state.add(SPLIT_REPO, name, path)
    return hub


def split_gguf(source: Path, target: Path, parts: int = 2) -> None:
    """Copy a GGUF into ``parts`` files named ``<target stem>-0000k-of-0000N.gguf``.

    The ``gguf`` package's writer splits by tensor count and writes what llama.cpp's
    ``gguf-split`` does: ``split.no``, ``split.count`` and ``split.tensors.count`` in
    every part, all other metadata in the first.
    """
    import gguf

    reader = gguf.GGUFReader(str(source))
    arch = reader.get_field(gguf.Keys.General.ARCHITECTURE).contents()
    writer = gguf.GGUFWriter(str(target), arch, split_max_tensors=-(-len(reader.tensors) // parts))
    for f in reader.fields.values():
        if f.name == gguf.Keys.General.ARCHITECTURE or f.name.startswith("GGUF."):
            continue  # written by the writer itself
        kind = f.types[0]
        writer.add_key_value(f.name, f.contents(), kind,
                             sub_type=f.types[-1] if kind == gguf.GGUFValueType.ARRAY else None)
    for t in reader.tensors:
        writer.add_tensor_info(t.name, t.data.shape, t.data.dtype, t.data.nbytes, t.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for t in reader.tensors:
        writer.write_tensor_data(t.data, tensor_endianess=reader.endianess)
    writer.close()


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
