"""Hybrid recall on a golden set of 30 Chinese question/passage pairs is at least keyword-only recall.

The fusion logic is what is tested, so the vectors come from the deterministic test embedder
(tests/kb/fakes.py) rather than a real model."""

from __future__ import annotations

import pytest

from aigc_desktop.kb.retrieve import rrf
from tests.kb.fakes import HashEmbedder, service_with
from tests.kb.golden import PAIRS

K = 3


@pytest.fixture
def kb(db, tmp_path):
    folder = tmp_path / "golden"
    folder.mkdir()
    for i, (_q, passage) in enumerate(PAIRS):
        (folder / f"p{i:02d}.txt").write_text(passage, encoding="utf-8")
    service = service_with(db, HashEmbedder())
    service.create("golden", embedding_model="test")
    assert service.add_sources("golden", [folder]).added == len(PAIRS)
    return service


def _recall(found) -> float:
    return sum(1 for i, files in enumerate(found) if f"p{i:02d}.txt" in files) / len(found)


def test_hybrid_recall_is_at_least_keyword_recall(kb):
    info = kb.get("golden")
    keyword, hybrid = [], []
    for question, _passage in PAIRS:
        ids = kb.retriever.keyword_ids([info], question)[:K]
        keyword.append({r.path.rsplit("/", 1)[-1] for r in kb.index.chunk_rows(ids).values()})
        hybrid.append({h.file.rsplit("/", 1)[-1] for h in kb.search("golden", question, k=K)})
    assert _recall(hybrid) >= _recall(keyword)
    assert _recall(hybrid) >= 0.9


def test_rrf_puts_what_both_lists_found_first():
    assert [i for i, _s in rrf([[1, 2, 3], [3, 4, 1]])] == [1, 3, 2, 4]
    assert rrf([[], []]) == []
