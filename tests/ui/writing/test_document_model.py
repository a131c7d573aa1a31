"""The studio's per-document model picker and thinking switch, against an OpenAI-style fake server:
a new document records the window's model, a pick is stored, and Draft all writes through it with the
answer as the text and the thinking folded under it."""

from __future__ import annotations

import pytest

from tests.openai_fake import ANSWER, THINKING


@pytest.fixture
def fk_window(make_window, reasoning_server):
    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.model_cache import remember_models

    ProviderStore().add("fk", reasoning_server.base_url, kind="llama.cpp", context_length=8192)
    remember_models("fk", ["fk-tags", "fk-plain"])
    return make_window()


def _pick(row, ref: str) -> None:
    index = row.model.findData(ref)
    assert index >= 0, [row.model.itemData(i) for i in range(row.model.count())]
    row.model.setCurrentIndex(index)
    row.model.activated.emit(index)


def test_the_picker_records_the_model_and_a_draft_uses_it(qtbot, fk_window, reasoning_server):
    win = fk_window
    assert win.documents.create("AIGC 简介", "", ["定义", "应用"])
    store, row = win.documents.store, win.studio.model_row
    doc = store.get(win.documents.current_id)
    assert doc.model == str(win.engine.model.path) and row.current() == doc.model  # the window's model
    assert not row.thinking.isChecked() and doc.thinking is False

    _pick(row, "fk/fk-tags")
    assert store.get(doc.id).model == "fk/fk-tags"
    with qtbot.wait_signal(win.documents.runFinished, timeout=60_000):
        assert win.documents.draft_all()
    shown = store.get(doc.id)
    assert [s.text for s in shown.sections] == [ANSWER, ANSWER]
    drafts = [r for r in reasoning_server.requests if r.get("model") == "fk-tags"]
    assert len(drafts) == 2 and all(r["chat_template_kwargs"] == {"enable_thinking": False} for r in drafts)

    view = win.studio.section
    assert "<think>" not in view.editor.toPlainText() and THINKING not in view.editor.toPlainText()
    fold = view.reasoning
    assert fold.isVisible() and not fold.text.isVisible() and fold.text.toPlainText() == THINKING
    fold.toggle.click()
    assert fold.text.isVisible()

    row.thinking.click()
    assert store.get(doc.id).thinking is True
    with qtbot.wait_signal(win.documents.runFinished, timeout=60_000):
        assert win.documents.draft_section()
    assert reasoning_server.requests[-1]["chat_template_kwargs"] == {"enable_thinking": True}
