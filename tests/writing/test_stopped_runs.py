"""A stopped or failed run never takes a finished version's place (store/section_runs.py), on the
scripted engine: Stop, a failure, a refused remote request, Ctrl+C and a killed process."""

from __future__ import annotations

import threading

import pytest

from aigc_desktop.errors import UserError
from aigc_desktop.writing.service import DocumentService
from aigc_desktop.writing.statuses import to_draft
from tests.fake_engine import ScriptedEngine

FULL = "灯塔是海上的指路明灯。" * 55 + "全文到此结束。"  # 612 characters, a finished section


@pytest.fixture
def engine(tmp_path):
    engine = ScriptedEngine()
    engine.load(tmp_path / "fake.gguf", n_ctx=8192)
    return engine


def _finished(docs, outline=("灯塔",)):
    doc = docs.create("海边", outline=list(outline))
    docs.add_version(doc.sections[0].id, FULL, status="done")
    return doc


def _stop_after(cancel: threading.Event, n: int):
    seen = []

    def on_delta(_sec, piece):
        seen.append(piece)
        if len(seen) >= n:
            cancel.set()

    return on_delta


def test_a_stopped_regenerate_keeps_the_finished_version_for_the_article(docs, engine):
    """Regenerate stopped after 3 characters: the 612-character text is still what the article and
    export use, the section stays done, and the stub is version 2 the person can pick."""
    assert len(FULL) == 612
    doc = _finished(docs)
    service = DocumentService(docs, engine)
    engine.enqueue(*"第二版的开头很长很长")
    cancel = threading.Event()
    mid_run = []

    def on_delta(_sec, _piece):
        mid_run.append(docs.section(doc.id, 1).text)  # what an export from elsewhere gets meanwhile
        if len(mid_run) >= 3:
            cancel.set()

    [run] = service.draft(doc.id, 1, on_delta=on_delta, cancel=cancel)
    assert run.run_status == "stopped" and run.kept_earlier
    sec = docs.section(doc.id, 1)
    assert (sec.text, sec.status, sec.version_count) == (FULL, "done", 2)
    assert set(mid_run) == {FULL}
    stub = docs.versions(sec.id)[-1]
    assert (stub.id, stub.text, stub.status) == (run.run_version_id, "第二版", "stopped")
    article = service.assemble(doc.id)
    assert FULL in article and "第二版" not in article
    docs.select_version(sec.id, stub.id)  # the person picks the stub: now it is the article's
    sec = docs.section(doc.id, 1)
    assert (sec.text, sec.status, sec.finished) == ("第二版", "stopped", True)
    assert "第二版" in service.assemble(doc.id)


def test_a_finished_regenerate_becomes_the_chosen_version(docs, engine):
    """A regenerate that finishes replaces the chosen version (the old one stays 1/2)."""
    doc = _finished(docs)
    engine.enqueue("新的全文。")
    [run] = DocumentService(docs, engine).draft(doc.id, 1)
    sec = docs.section(doc.id, 1)
    assert run.run_status == "done" and not run.kept_earlier
    assert (sec.text, sec.status, sec.version_count, sec.current_version_id) == ("新的全文。", "done", 2,
                                                                                  run.run_version_id)


def test_a_section_without_finished_text_shows_its_partial_text(docs, engine):
    """Never finished before: the stopped run's text is what the section shows, marked stopped."""
    doc = docs.create("海边", outline=["灯塔"])
    engine.enqueue(*"半截的文字还在写")
    cancel = threading.Event()
    [run] = DocumentService(docs, engine).draft(doc.id, 1, on_delta=_stop_after(cancel, 2), cancel=cancel)
    sec = docs.section(doc.id, 1)
    assert (sec.text, sec.status, sec.finished) == ("半截", "stopped", False) and not run.kept_earlier


def test_a_refused_request_adds_no_empty_version(docs, engine):
    """A remote server refusing a retry (an error before any text) keeps no version: the finished
    one stays chosen; a section that had none shows the error, still without a version."""
    doc = _finished(docs, ["灯塔", "渔港"])
    service = DocumentService(docs, engine)
    engine.enqueue(UserError("The server refused the connection."))
    [run] = service.draft(doc.id, 1)
    sec = docs.section(doc.id, 1)
    assert run.run_status == "error" and run.run_version_id is None and "refused" in run.run_error
    assert (sec.text, sec.status, sec.version_count) == (FULL, "done", 1)
    engine.enqueue(UserError("The server refused the connection."))
    [run] = service.draft(doc.id, 2)
    second = docs.section(doc.id, 2)
    assert (second.status, second.version_count, second.current_version_id) == ("error", 0, None)
    engine.enqueue(UserError("The server refused the connection."))  # nor does a 续写 that added nothing
    run = service.continue_section(doc.id, 1)
    assert run.run_version_id is None and docs.section(doc.id, 1).version_count == 1


def test_draft_all_skips_finished_sections_unless_asked_to_redo_them(docs, engine):
    """Draft all writes the sections with no finished version, also one whose chosen version is a
    stopped one when a finished one exists (it is skipped); redo writes them all."""
    doc = docs.create("海边", outline=["一", "二", "三"])
    one, two, three = doc.sections
    docs.add_version(one.id, "完成的", status="done")
    docs.add_version(two.id, "完成的二", status="done")
    stub = docs.add_version(two.id, "半", status="stopped")
    docs.select_version(two.id, stub.id)  # chosen: the stopped one; a finished one exists
    docs.add_version(three.id, "半截", status="stopped")
    assert [s.index for s in to_draft(docs.get(doc.id).sections)] == [3]
    service = DocumentService(docs, engine)
    written = service.draft(doc.id)
    assert [s.index for s in written] == [3] and docs.section(doc.id, 3).status == "done"
    assert service.draft(doc.id) == []
    assert [s.index for s in service.draft(doc.id, redo=True)] == [1, 2, 3]


def test_ctrl_c_during_a_run_finishes_it_as_stopped(docs, engine):
    """A KeyboardInterrupt mid-run (a second Ctrl+C) ends the run stopped, the finished version still chosen."""
    doc = _finished(docs)
    engine.enqueue(*"被打断的新文字")

    def on_delta(_sec, piece):
        if piece == "断":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        DocumentService(docs, engine).draft(doc.id, 1, on_delta=on_delta)
    sec = docs.section(doc.id, 1)
    assert (sec.text, sec.status, sec.version_count) == (FULL, "done", 2)
    assert [(v.text, v.status) for v in docs.versions(sec.id)][-1] == ("被打断", "stopped")


def test_a_killed_run_leaves_the_finished_version_chosen(docs):
    """A process killed mid-run: at the next start the run's checkpoint is kept interrupted and the
    section is done with its finished text; a section with no finished text shows the checkpoint."""
    doc = _finished(docs, ["灯塔", "渔港"])
    first, second = doc.sections
    run = docs.begin_run(first.id, "", prompt="p", stats={"mode": "draft"})
    docs.update_version(run.id, text="写到一半")
    other = docs.begin_run(second.id, "", prompt="p", stats={"mode": "draft"})
    docs.update_version(other.id, text="另一半")
    assert docs.section(doc.id, 1).text == FULL and docs.section(doc.id, 1).status == "drafting"
    assert docs.recover() == 2
    one, two = docs.get(doc.id).sections
    assert (one.status, one.text) == ("done", FULL) and docs.versions(one.id)[-1].status == "interrupted"
    assert (two.status, two.text) == ("interrupted", "另一半")
