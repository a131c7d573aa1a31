"""The vector path's mechanics with the starter model in llama.cpp's embedding mode (mean pooling: it is no
good embedder, which is fine for mechanics): unit vectors, no silent truncation, float32 blobs, the
cached matrix, the embedding model chosen by path."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def embedder(starter_model):
    from aigc_desktop.llm.embedder import LlamaEmbedder

    emb = LlamaEmbedder(starter_model, n_ctx=48, n_threads=2)
    yield emb
    emb.close()


def test_vectors_are_float32_unit_length_and_deterministic(embedder):
    v = embedder.embed(["故乡的月亮", "人工智能", "故乡的月亮"])
    assert v.dtype == np.float32 and v.shape == (3, embedder.dim)
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    assert np.allclose(v[0], v[2], atol=1e-5) and not np.allclose(v[0], v[1])


def test_a_text_longer_than_the_batch_is_embedded_whole(embedder):
    head = "这是开头的一句话。" * 3
    long = head + "后面还有完全不同的内容：熊猫、竹子、长城。" * 3
    assert embedder.count_tokens(long) > embedder.n_ctx
    whole, start = embedder.embed([long, head])
    assert np.isclose(np.linalg.norm(whole), 1, atol=1e-5)
    assert float(whole @ start) < 0.9999  # not the head alone, as Llama.embed's truncation would give


def test_a_knowledge_base_with_the_starter_as_its_embedding_model(db, tmp_path, embedder, starter_model):
    from aigc_desktop.kb.models import resolve_embedding_model
    from aigc_desktop.kb.service import KnowledgeBaseService

    kb = KnowledgeBaseService(db, embedder_factory=lambda choice: embedder)
    info = kb.create("向量", embedding_model=str(starter_model))
    assert info.embedding_model == str(starter_model.resolve())
    assert resolve_embedding_model(info.embedding_model).path == starter_model.resolve()
    folder = tmp_path / "短文"
    folder.mkdir()
    for name, text in {"a.md": "# 旅行\n\n我们参观了长城。", "b.txt": "熊猫喜欢吃竹子。", "c.md": "故乡的月亮很圆。"}.items():
        (folder / name).write_text(text, encoding="utf-8")
    texts_before = embedder.texts
    report = kb.add_sources("向量", [folder])
    assert report.embedded == embedder.texts - texts_before == kb.vectors.count(info.id, info.embedding_model)
    assert kb.sync("向量").embedded == 0
    ids, matrix = kb.vectors.matrix(info.id, info.embedding_model, kb.index.stamp(info.id))
    assert matrix.dtype == np.float32 and matrix.shape == (kb.get("向量").chunks, embedder.dim)
    assert kb.vectors.matrix(info.id, info.embedding_model, kb.index.stamp(info.id))[1] is matrix  # cached
    vector_hits = kb.retriever.vector_ids([kb.get("向量")], "长城", 5)
    assert len(vector_hits) == 3
    hits = kb.search("向量", "熊猫", k=5)
    assert len(hits) == 3 and hits[0].file.endswith("b.txt")  # the keyword half ranks it first


def test_a_catalog_model_not_installed_says_how_to_download(db):
    from aigc_desktop.errors import UserError
    from aigc_desktop.kb.service import KnowledgeBaseService

    with pytest.raises(UserError, match="models download CompendiumLabs/bge-small-zh-v1.5-gguf"):
        KnowledgeBaseService(db).create("x", embedding_model="bge-small-zh-v1.5")
    with pytest.raises(UserError, match="No embedding model"):
        KnowledgeBaseService(db).create("x", embedding_model="no-such-model")
