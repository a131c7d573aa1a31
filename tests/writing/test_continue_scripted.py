"""续写 ordering and error paths on the scripted engine (the real models are in test_real_model / test_continue_base)."""

from __future__ import annotations

import pytest

from aigc_desktop.writing.service import DocumentService
from tests.fake_engine import ScriptedEngine


@pytest.fixture
def engine(tmp_path):
    engine = ScriptedEngine()
    engine.load(tmp_path / "fake.gguf", n_ctx=2048)
    return engine


def test_continue_asks_the_engine_for_raw_completion_of_the_text(docs, engine):
    """The section's text goes to Engine.complete (no chat turn), and the reply is appended as a new version."""
    doc = docs.create("海边", outline=["灯塔"])
    docs.add_version(doc.sections[0].id, "灯塔建在", status="done")
    engine.enqueue("礁石", "上。")
    sec = DocumentService(docs, engine).continue_section(doc.id, 1, max_tokens=8)
    assert sec.text == "灯塔建在礁石上。" and sec.status == "done" and sec.version_count == 2
    kinds = [kind for kind, _ in engine.calls]
    assert "complete" in kinds and "stream" not in kinds
    assert [p for kind, p in engine.calls if kind == "complete"][0].endswith("灯塔建在")


def test_a_continuation_failing_midway_keeps_the_text_it_had(docs, engine):
    """An engine failing after a piece: the finished text stays the section's; the old text plus that
    piece is kept as version 2, marked error, with the message."""
    doc = docs.create("海边", outline=["灯塔"])
    docs.add_version(doc.sections[0].id, "灯塔建在", status="done")
    engine.enqueue("礁石", RuntimeError("connection reset"))
    run = DocumentService(docs, engine).continue_section(doc.id, 1, max_tokens=8)
    assert run.run_status == "error" and "connection reset" in run.run_error and run.kept_earlier
    assert (run.text, run.status, run.version_count) == ("灯塔建在", "done", 2)
    failed = docs.versions(run.id)[-1]
    assert failed.id == run.run_version_id and failed.text == "灯塔建在礁石" and failed.status == "error"
