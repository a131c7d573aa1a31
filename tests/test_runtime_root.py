"""The runtime is the composition root: every service on one database and one engine, and tests can pass the engine."""

from __future__ import annotations

from aigc_desktop.runtime import open_runtime
from tests.fake_engine import ScriptedEngine


def test_open_runtime_builds_every_service_on_the_given_engine(tmp_path):
    """rt.writing and rt.service drive the engine passed in; rt.documents is the store rt.writing writes to."""
    engine = ScriptedEngine()
    rt = open_runtime(engine=engine)
    try:
        assert rt.engine is engine and rt.service.engine is engine and rt.writing.engine is engine
        assert rt.writing.store is rt.documents and rt.documents.db is rt.db
        engine.load(tmp_path / "fake.gguf")
        engine.enqueue("潮汐", "由月球引起。")
        doc = rt.writing.new("海", outline=["潮汐"])
        [sec] = rt.writing.draft(doc.id)
        assert sec.status == "done" and rt.documents.section(doc.id, 1).text == "潮汐由月球引起。"
        assert rt.model_cache.path.parent == rt.paths.data
    finally:
        rt.close()


def test_a_cli_write_command_uses_the_runtimes_documents(capsys):
    """`write new --outline` then `write show` go through rt.documents: the CLI builds no store of its own."""
    from aigc_desktop.cli import main

    assert main(["write", "new", "灯塔", "--outline", "历史|结构"]) == 0
    capsys.readouterr()
    rt = open_runtime(engine=ScriptedEngine())
    try:
        [doc] = rt.documents.list()
        assert [s.title for s in rt.documents.get(doc.id).sections] == ["历史", "结构"]
    finally:
        rt.close()
