"""CompareService with the local engine and a remote one on a real server: sibling replies, Stop."""

from __future__ import annotations

import threading


from aigc_desktop.llm.sampling import SamplingParams
from tests.llama_server import MODEL_ALIAS


def _services(store, real_engine, server):
    from aigc_desktop.chat.compare import CompareService
    from aigc_desktop.chat.service import ChatService
    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.router import EngineRouter

    ProviderStore().add("lab", server.base_url, kind="llama.cpp", context_length=4096)
    router = EngineRouter(real_engine)
    chat = ChatService(store, real_engine, router=router)
    return CompareService(chat, router), router


def test_local_and_remote_answers_are_siblings(store, real_engine, llama_server):
    """One user message, two replies with it as parent, each recording its model; deltas carry the index."""
    compare, router = _services(store, real_engine, llama_server)
    seen: dict[int, list[str]] = {0: [], 1: []}
    lock = threading.Lock()

    def on_delta(index, text):
        with lock:
            seen[index].append(text)

    local = str(real_engine.model.path)
    result = compare.compare(None, "Say one word.", [local, f"lab/{MODEL_ALIAS}"], on_delta,
                             sampling=SamplingParams(max_tokens=6, seed=1))
    assert result.errors == [None, None]
    a, b = result.replies
    assert a.parent_id == b.parent_id == result.user.id
    assert {m.id for m in store.siblings(a.id)} == {a.id, b.id}
    assert a.model == real_engine.model.name and b.model == f"lab/{MODEL_ALIAS}"
    assert "".join(seen[0]) == a.content and "".join(seen[1]) == b.content
    assert [m.role for m in store.messages(result.conversation_id)].count("user") == 1
    assert store.branch(result.conversation_id)[-1].id == a.id
    router.close()


def test_stop_stops_every_model(store, real_engine, llama_server):
    """Stop pressed during a compare ends both answers as stopped, keeping what they had."""
    compare, router = _services(store, real_engine, llama_server)
    cancel = threading.Event()

    def on_delta(index, _text):
        cancel.set()

    result = compare.compare(None, "Write a long story.", [f"lab/{MODEL_ALIAS}", str(real_engine.model.path)],
                             on_delta, cancel, sampling=SamplingParams(max_tokens=1500))
    assert [r.status for r in result.replies] == ["stopped", "stopped"]
    router.close()
