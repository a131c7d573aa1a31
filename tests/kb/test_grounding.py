"""The grounded prompt: passages numbered [1]…[n] within the context budget, the instruction in the
question's language; a chat's reply keeps the passages it was given as citations."""

from __future__ import annotations

import pytest

from aigc_desktop.kb.grounding import Grounding, retrieve
from aigc_desktop.kb.service import KnowledgeBaseService


@pytest.fixture
def kb(db, corpus):
    service = KnowledgeBaseService(db)
    service.create("资料")
    service.add_sources("资料", [corpus])
    return service


def test_passages_are_numbered_and_the_rule_follows_the_language(kb):
    uid = kb.get("资料").uid
    g = retrieve(kb, [uid], "熊猫吃什么")
    assert g.chinese and g.citations[0]["n"] == 1 and g.citations[0]["file"].endswith("page.html")
    prompt = g.question("熊猫吃什么")
    assert prompt.startswith("以下是从知识库中检索到的资料") and "[1] (page.html · 动物园)" in prompt
    assert "[1]" in prompt and prompt.endswith("问题：熊猫吃什么")
    english = retrieve(kb, [uid], "What do pandas eat? 熊猫", chinese=False).question("What do pandas eat?")
    assert "Question: What do pandas eat?" in english


def test_the_budget_limits_the_passages(kb):
    uid = kb.get("资料").uid
    everything = retrieve(kb, [uid], "这一段文字")
    some = retrieve(kb, [uid], "这一段文字", fits=lambda text: len(text) < 200)
    assert len(everything.citations) > len(some.citations) >= 1
    assert len(some.passages) < 200
    assert retrieve(kb, [uid], "这一段文字", fits=lambda text: False).citations == []


def test_a_deleted_base_grounds_nothing(kb):
    assert retrieve(kb, ["no-such-uid"], "熊猫") == Grounding(chinese=True)


def test_a_chat_turn_records_the_passages_it_was_given(db, kb):
    from aigc_desktop.chat.service import ChatService
    from aigc_desktop.store.conversations import ConversationStore
    from tests.fake_engine import ScriptedEngine

    store = ConversationStore(db)
    engine = ScriptedEngine()
    engine.load("m.gguf")
    engine.enqueue("熊猫爱吃竹子 [1]。")
    chat = ChatService(store, engine, kb=kb)
    conv = chat.new_conversation()
    store.set_kbs(conv.id, [kb.get("资料").uid])
    result = chat.send(conv.id, "熊猫喜欢吃什么？")
    assert result.reply.citations[0]["file"].endswith("page.html")
    seen = engine.calls[-1][1][-1]["content"]
    assert "[1] (page.html" in seen and seen.endswith("问题：熊猫喜欢吃什么？")
    assert store.branch(conv.id)[0].content == "熊猫喜欢吃什么？"  # the history keeps what was written
    store.set_kbs(conv.id, [])
    assert chat.send(conv.id, "再说一次").reply.citations == []


def test_a_small_context_takes_fewer_passages_and_the_prompt_fits(db, kb):
    from aigc_desktop.chat.service import ChatService
    from aigc_desktop.llm.context import reply_budget
    from aigc_desktop.llm.sampling import SamplingParams
    from aigc_desktop.store.conversations import ConversationStore
    from tests.fake_engine import ScriptedEngine

    store = ConversationStore(db)
    counts = {}
    for n_ctx in (4096, 700):
        engine = ScriptedEngine()
        engine.load("m.gguf", n_ctx=n_ctx)
        chat = ChatService(store, engine, kb=kb)
        conv = chat.new_conversation(system_prompt="你是助手。")
        store.set_kbs(conv.id, [kb.get("资料").uid])
        reply = chat.send(conv.id, "这一段文字", sampling=SamplingParams(max_tokens=100)).reply
        counts[n_ctx] = len(reply.citations)
        sent = engine.calls[-1][1]
        assert engine.count_tokens(sent) <= n_ctx - reply_budget(n_ctx, 100)
        assert sent[0] == {"role": "system", "content": "你是助手。"}
    assert counts[4096] > counts[700] >= 1
