"""TurnController built from its collaborators, with no MainWindow: the real engine client
and job queue over a scripted engine, a real store, and plain stand-ins for the rest."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import QObject, Signal

from aigc_desktop.chat.service import ChatService
from aigc_desktop.settings import Settings
from aigc_desktop.ui.chat.composer import Composer
from aigc_desktop.ui.chat.turns import TurnController
from aigc_desktop.ui.chat.view import ChatView
from aigc_desktop.ui.engine.client import EngineClient
from aigc_desktop.ui.kit.banner import Banner
from aigc_desktop.ui.kit.context import RuntimeRef
from tests.fake_engine import ScriptedEngine


class Conversations(QObject):
    """What the turn controller asks of the conversation controller, and nothing more."""

    currentChanged = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.current_id = None
        self.reloads = 0

    def adopt(self, conversation_id: int) -> None:
        if self.current_id is None:
            self.current_id = conversation_id

    def gone(self) -> bool:
        return False

    def run_pending_delete(self):
        return None

    def reload_messages(self) -> None:
        self.reloads += 1


class ModelChoice(QObject):
    modelReady = Signal(str)
    modelFailed = Signal(str)

    def ensure_conversation_model(self) -> None:
        pass

    def wanted_model(self):
        return None, 4096


@pytest.fixture
def parts(qtbot, store, tmp_path):
    engine = ScriptedEngine()
    engine.load(tmp_path / "fake.gguf")
    rt = SimpleNamespace(store=store, engine=engine, router=None, settings=Settings(),
                         service=ChatService(store, engine, checkpoint_seconds=0))
    client = EngineClient(RuntimeRef(rt))
    chat, composer, banner = ChatView(), Composer(), Banner()
    for w in (chat, composer, banner):
        qtbot.addWidget(w)
    conversations, choice = Conversations(), ModelChoice()
    turns = TurnController(RuntimeRef(rt), client, conversations, choice, chat, composer, banner)
    # The GUI copy of the model comes from a load job, as in the window.
    with qtbot.wait_signal(client.loaded, timeout=10_000):
        client.load(str(tmp_path / "fake.gguf"), 4096, 1)
    yield SimpleNamespace(rt=rt, engine=engine, client=client, turns=turns, chat=chat, composer=composer,
                          banner=banner, conversations=conversations)
    client.shutdown()


def test_send_runs_a_turn_through_the_engine_door(qtbot, parts):
    """Send: the job streams into the chat view, the composer is cleared once the message is
    saved, the new chat is adopted, and the reply is stored and announced."""
    parts.engine.enqueue("你好", "，世界")
    parts.composer.set_text("hello")
    busy: list[bool] = []
    parts.client.busyChanged.connect(busy.append)
    with qtbot.wait_signal(parts.turns.turnFinished, timeout=10_000) as done:
        parts.turns.send("hello")
        assert parts.turns.busy and parts.composer.busy  # the lease is taken at submit
    reply = parts.rt.store.get_message(done.args[0])
    assert reply.content == "你好，世界" and reply.status == "done"
    assert parts.conversations.current_id == reply.conversation_id
    assert parts.composer.text() == ""
    assert [w.record.role for w in parts.chat.widgets] == ["user", "assistant"]
    assert busy == [True, False] and not parts.composer.busy


def test_send_is_refused_while_anything_holds_the_engine(qtbot, parts):
    """A claim by other work (a comparison, a Local-API reply) keeps Send from starting a turn,
    and Stop reaches whoever holds the engine."""
    stopped: list[bool] = []
    assert parts.client.claim(lambda: stopped.append(True))
    parts.turns.send("hello")
    assert parts.rt.store.list() == []  # nothing was stored
    parts.turns.stop()
    assert stopped == [True]
    parts.client.release()
    assert not parts.turns.busy


def test_an_engine_error_is_kept_in_the_reply_and_shown(qtbot, parts):
    """An engine that fails mid-reply: the reply is stored as an error with what was written,
    the banner says why, and the engine is free again."""
    parts.engine.enqueue("半句", RuntimeError("boom"))
    with qtbot.wait_signal(parts.turns.turnFinished, timeout=10_000) as done:
        parts.turns.send("hello")
    reply = parts.rt.store.get_message(done.args[0])
    assert reply.status == "error" and reply.content == "半句"
    assert parts.banner.text() and not parts.turns.busy
