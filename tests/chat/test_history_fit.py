"""Token counts kept between turns (chat/history_fit.py), on the scripted engine: one token per character."""

from __future__ import annotations

import pytest

from aigc_desktop.chat.history_fit import HistoryFit
from aigc_desktop.chat.service import ChatService
from aigc_desktop.llm.context import reply_budget
from aigc_desktop.llm.sampling import SamplingParams
from tests.fake_engine import ScriptedEngine

N_CTX = 600
S = SamplingParams(max_tokens=100)
BUDGET = N_CTX - reply_budget(N_CTX, S.max_tokens)  # 500


@pytest.fixture
def engine(tmp_path):
    engine = ScriptedEngine()
    engine.load(tmp_path / "fake.gguf", n_ctx=N_CTX)
    return engine


@pytest.fixture
def service(store, engine):
    return ChatService(store, engine)


def turn(engine, service, conv_id, question: str, answer: str):
    engine.enqueue(answer)
    return service.send(conv_id, question, sampling=S)


def sent(engine) -> list[dict]:
    return [c for c in engine.calls if c[0] == "stream"][-1][1]


def fresh_sizes(service, engine, conv_id) -> list[int]:
    """What the sizes are with nothing cached: the truth a cached answer must equal."""
    return HistoryFit().sizes(engine, conv_id, service._entries(conv_id))


def test_long_chat_counts_each_finished_message_once(engine, service):
    """Thirty turns over a small context: every stored message is sized once, not once per turn."""
    conv = service.new_conversation(system_prompt="Be brief.")
    for i in range(30):
        turn(engine, service, conv.id, f"question {i} " + "q" * 40, f"answer {i} " + "a" * 40)
    stored = 1 + 2 * 30  # the system prompt and every question and answer
    assert service.history_fit.counted == stored - 1  # the last answer is not in any prompt yet
    assert sum(m["content"].__len__() + 4 for m in sent(engine)) <= BUDGET


def test_the_cut_keeps_its_start_while_it_fits(engine, service, store):
    """Once the history is cut, later turns send the same first message until it no longer fits,
    so the model's evaluated prefix stays valid; the reply's stats count what was left out."""
    conv = service.new_conversation()
    firsts, dropped = [], []
    for i in range(25):
        result = turn(engine, service, conv.id, f"question {i} " + "q" * 40, f"answer {i} " + "a" * 40)
        firsts.append(sent(engine)[0]["content"])
        dropped.append(result.reply.stats["dropped_messages"])
        kept = len(sent(engine))
        assert kept + dropped[-1] == len(service.history(conv.id)) - 1  # everything but this reply
    cut_turns = [i for i in range(1, 25) if firsts[i] != firsts[i - 1]]
    assert cut_turns, "the history never needed cutting: the test is too short"
    assert all(b - a >= 2 for a, b in zip(cut_turns, cut_turns[1:]))  # not a new start at every turn
    assert all(firsts[i] == firsts[i - 1] for i in range(cut_turns[0] + 1, 25) if i not in cut_turns)


def test_sizes_are_fresh_after_edit_regenerate_and_branch_switch(engine, service, store):
    """After an edit, a regeneration and a switch back to the first branch, the cached sizes
    equal sizes counted from scratch: nothing from another branch is reused."""
    conv = service.new_conversation()
    first = turn(engine, service, conv.id, "short", "ok")
    for i in range(3):
        turn(engine, service, conv.id, f"q{i}", "r" * (10 * i + 1))
    service.history_fit.sizes(engine, conv.id, service._entries(conv.id))

    engine.enqueue("a much longer answer to the edited question " * 3)
    service.edit_and_resend(first.user.id, "an edited question, much longer than the first one " * 2, sampling=S)
    assert service.history_fit.sizes(engine, conv.id, service._entries(conv.id)) == fresh_sizes(service, engine, conv.id)

    engine.enqueue("x" * 120)
    service.regenerate(store.branch(conv.id)[-1].id, sampling=S)
    assert service.history_fit.sizes(engine, conv.id, service._entries(conv.id)) == fresh_sizes(service, engine, conv.id)

    store.set_current_leaf(conv.id, first.user.id)  # back to the first branch, four turns long
    cached = service.history_fit.sizes(engine, conv.id, service._entries(conv.id))
    assert cached == fresh_sizes(service, engine, conv.id) and len(cached) == 8


def test_a_message_changed_in_place_is_counted_again(engine, service, store):
    """A stored message whose text changed under the same id is sized again, and the cut follows
    its new size: a cache keyed by id alone would keep sending a prompt sized for the old text."""
    conv = service.new_conversation()
    turns = [turn(engine, service, conv.id, f"q{i} " + "q" * 30, "a" * 30) for i in range(5)]
    assert sent(engine)[0]["content"].startswith("q0")  # everything fits
    store.update_message(turns[1].reply.id, content="a" * 400)  # e.g. a repair tool rewrote it
    turn(engine, service, conv.id, "next", "ok")
    assert service.history_fit.sizes(engine, conv.id, service._entries(conv.id)) == fresh_sizes(service, engine, conv.id)
    prompt = sent(engine)
    assert sum(len(m["content"]) + 4 for m in prompt) <= BUDGET
    assert prompt[0]["content"].startswith("q2")  # the long reply and its question were left out


def test_a_model_load_starts_the_counts_afresh(engine, service, tmp_path):
    """Counts belong to the model they were made with: after a load they are made again."""
    conv = service.new_conversation()
    for i in range(3):
        turn(engine, service, conv.id, f"q{i}", "answer")
    counted = service.history_fit.counted
    engine.load(tmp_path / "other.gguf", n_ctx=N_CTX)
    turn(engine, service, conv.id, "again", "ok")
    assert service.history_fit.counted - counted == len(service.history(conv.id)) - 1


def test_evaluating_ahead_fits_a_long_history_like_the_turn_will(engine, service):
    """prefill gets the history fitted with the draft as the next message: the same start the turn keeps."""
    conv = service.new_conversation()
    for i in range(20):
        turn(engine, service, conv.id, f"question {i} " + "q" * 40, f"answer {i} " + "a" * 40)
    history = service.fitted_history(conv.id, engine, S.max_tokens, draft="next question")
    turn(engine, service, conv.id, "next question", "ok")
    assert sent(engine)[:-1] == history.messages


class NoSystemEngine(ScriptedEngine):
    """A model whose template refuses a system message (as Gemma's does)."""

    def count_tokens(self, messages) -> int:
        if any(m["role"] == "system" for m in messages):
            raise ValueError("System role not supported")
        return 10 + super().count_tokens(messages)  # and adds a header of its own


def test_a_template_that_refuses_a_system_message_is_still_fitted(store, tmp_path):
    """Sizes come from the next head the template accepts; the fitted prompt fits that template."""
    engine = NoSystemEngine()
    engine.load(tmp_path / "gemma.gguf", n_ctx=N_CTX)
    service = ChatService(store, engine)
    conv = service.new_conversation()
    for i in range(20):
        turn(engine, service, conv.id, f"question {i} " + "q" * 40, f"answer {i} " + "a" * 40)
    assert service.history_fit.sizes(engine, conv.id, service._entries(conv.id))[:2] == [55, 53]
    assert engine.count_tokens(sent(engine)) <= BUDGET and sent(engine)[0]["role"] == "user"
