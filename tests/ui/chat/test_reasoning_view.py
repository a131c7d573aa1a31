"""A reasoning model's reply in the window: its thinking in a collapsible block above the
answer, live while it thinks, closed after; Copy gives the answer; compare panes the same.

Against the OpenAI-style fake server (tests/openai_fake.py), no local model loaded.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from tests.openai_fake import ANSWER, MODELS, THINKING
from tests.ui.conftest import send_and_wait


def _provider(server) -> None:
    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.model_cache import remember_models

    ProviderStore().add("fk", server.base_url, kind="custom", context_length=8192)
    remember_models("fk", list(MODELS))


def _open_chat(win, model: str) -> int:
    conv = win.rt.service.new_conversation(model=f"fk/{model}", title="思考")
    win.conversations.refresh_sidebar()
    assert win.conversations.open(conv.id)
    return conv.id


def _reply_widget(win):
    w = win.chat.widgets[-1]
    assert w.record.role == "assistant"
    return w


@pytest.mark.parametrize("model", ["fk-field", "fk-tags"])
def test_thinking_block_streams_then_closes_and_copy_gives_the_answer(make_window, qtbot, reasoning_server,
                                                                     model):
    from aigc_desktop.ui.engine.jobs import reasoning_key

    _provider(reasoning_server)
    win = make_window(load_model=False)
    conv_id = _open_chat(win, model)
    pieces: dict[int, list[str]] = {}
    win.engine.jobDelta.connect(lambda _job, key, text: pieces.setdefault(key, []).append(text))
    send_and_wait(qtbot, win, "AIGC 是什么？")

    # The thinking reached the window as its own deltas, apart from the answer's.
    assert "".join(pieces[reasoning_key()]).strip() == THINKING
    assert "".join(pieces[-1]).strip() == ANSWER
    w = _reply_widget(win)
    block = w.thinking
    assert block is not None
    qtbot.waitUntil(block.isVisible, timeout=5000)  # shown once the layout places the finished reply
    assert block.text.toPlainText() == THINKING
    assert not block.expanded and not block.rail.isVisible()
    assert block.toggle.text().startswith("Thought for ") and block.toggle.text().endswith(" s")
    answer = w.body.toPlainText()
    assert ANSWER in answer and "<think>" not in answer and THINKING not in answer

    qtbot.mouseClick(block.toggle, Qt.LeftButton)  # the person opens it
    assert block.expanded and block.rail.isVisible()

    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(w.copy_btn, Qt.LeftButton)
    assert QGuiApplication.clipboard().text() == ANSWER

    # The status bar says the reply's token count includes its thinking.
    assert "thinking included" in win.speed_label.text()

    # Reopened, the stored reply shows the same block, closed.
    win.conversations.new()
    assert win.conversations.open(conv_id)
    again = _reply_widget(win).thinking
    assert again is not None
    qtbot.waitUntil(again.isVisible, timeout=5000)  # shown once the layout places it
    assert not again.expanded
    assert again.text.toPlainText() == THINKING and again.toggle.text().startswith("Thought for ")


def test_a_reply_cut_while_thinking_says_so_and_keeps_its_thinking_open(make_window, qtbot, reasoning_server):
    _provider(reasoning_server)
    win = make_window(load_model=False)
    _open_chat(win, "fk-unclosed")
    send_and_wait(qtbot, win, "AIGC 是什么？")
    # The view may still re-render the finished reply from its stored record: read the widget it shows.
    qtbot.waitUntil(lambda: _reply_widget(win).thinking is not None
                    and _reply_widget(win).thinking.rail.isVisible(), timeout=10_000)
    w = _reply_widget(win)
    assert w.thinking.toggle.text() == "Cut off while thinking: no answer"
    assert w.thinking.cut and w.thinking.expanded and w.thinking.rail.isVisible()
    assert w.thinking.text.toPlainText() == THINKING
    assert w.text == "" and not w.body.isVisible()
    w.set_continuable(True)  # cut at max tokens, but carrying on an empty answer would drop the thinking
    assert w.truncated and not w.continue_btn.isVisible()


def test_a_plain_reply_has_no_thinking_block(make_window, qtbot, reasoning_server):
    _provider(reasoning_server)
    win = make_window(load_model=False)
    _open_chat(win, "fk-plain")
    send_and_wait(qtbot, win, "AIGC 是什么？")
    w = _reply_widget(win)
    assert w.thinking is None and w.body.toPlainText().strip() == ANSWER
    assert "thinking" not in win.speed_label.text()


def test_live_thinking_is_open_while_the_model_thinks_and_closes_when_the_answer_starts(qtbot):
    """The chat view on its own: pieces of thinking, then of the answer, then the saved reply."""
    import dataclasses

    from aigc_desktop.store.conversations import MessageRecord
    from aigc_desktop.store.schema import utcnow
    from aigc_desktop.ui.chat.view import ChatView

    view = ChatView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    live = MessageRecord(id=-1, conversation_id=1, parent_id=None, role="assistant", content="",
                         status="streaming", created_at=utcnow(), model="fk/fk-field", stats={})
    view.start_live(live)
    view.append_reasoning(THINKING[:6])
    w = view.live
    qtbot.waitUntil(lambda: w.thinking is not None and w.thinking.text.toPlainText() == THINKING[:6], timeout=5000)
    assert w.thinking.expanded and w.thinking.toggle.text() == "Thinking…"
    view.append_reasoning(THINKING[6:])
    qtbot.waitUntil(lambda: w.thinking.text.toPlainText() == THINKING, timeout=5000)  # it grows
    assert w.thinking.expanded
    view.append_delta(ANSWER)
    qtbot.waitUntil(lambda: not w.thinking.expanded, timeout=5000)
    assert w.thinking.toggle.text().startswith("Thought for ")
    done = dataclasses.replace(live, id=7, content=ANSWER, reasoning=THINKING, status="done",
                               stats={"reasoning_seconds": 3.4, "cut_while_thinking": False})
    view.finish_live(done)
    assert w.thinking.toggle.text() == "Thought for 3 s" and not w.thinking.expanded


def test_thinking_stays_as_the_person_left_it_while_streaming(qtbot):
    from aigc_desktop.ui.chat.thinking import ThinkingBlock

    block = ThinkingBlock()
    qtbot.addWidget(block)
    block.show()
    block.show_reasoning("想一想", streaming=True, answered=False)
    assert block.expanded
    qtbot.mouseClick(block.toggle, Qt.LeftButton)  # closed by hand while it thinks
    block.show_reasoning("想一想，再想想", streaming=True, answered=False)
    assert not block.expanded
    block.show_reasoning("<b>不是</b> [链接](http://x)", streaming=False, answered=True, stats={})
    assert block.text.toPlainText() == "<b>不是</b> [链接](http://x)"  # plain, inert text
    assert block.toggle.text() == "Thinking process"  # no measured time: the plain heading


def test_compare_shows_each_panes_thinking(make_window, qtbot, reasoning_server):
    _provider(reasoning_server)
    win = make_window(load_model=False)
    view = win.show_compare()
    view.set_models(["fk/fk-field", "fk/fk-tags"])
    view.prompt.setPlainText("AIGC 是什么？")
    with qtbot.wait_signal(view.compareFinished, timeout=60_000) as blocker:
        qtbot.mouseClick(view.compare_button, Qt.LeftButton)
    assert blocker.args[0] >= 0
    assert len(view.panes) == 2
    for pane in view.panes:
        assert pane.thinking.isVisible() and not pane.thinking.expanded
        assert pane.thinking.text.toPlainText() == THINKING
        assert pane.thinking.toggle.text().startswith("Thought for ")
        assert pane.text.toPlainText().strip() == ANSWER
    # The comparison opens in the chat: its shown reply has its thinking too.
    w = _reply_widget(win)
    assert w.thinking is not None and w.thinking.text.toPlainText() == THINKING
