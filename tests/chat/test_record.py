"""record_stream (chat/record.py): the loop that stores a streamed reply, for chat and the writing studio."""

from __future__ import annotations

import threading

from aigc_desktop.chat.record import record_stream
from aigc_desktop.errors import DatabaseError, UserError
from aigc_desktop.llm.protocol import Delta, ReplyStats


def stats(finish: str = "stop") -> ReplyStats:
    return ReplyStats(prompt_tokens=5, completion_tokens=3, time_to_first_token=0.1, tokens_per_second=9.0,
                      total_seconds=0.5, finish_reason=finish, model="m")


def stream(*items):
    for item in items:
        if isinstance(item, BaseException):
            raise item
        yield item if isinstance(item, Delta) else Delta(item)


class Sink:
    """Records what record_stream stores."""

    def __init__(self, fail_finish: BaseException | None = None) -> None:
        self.checkpoints: list[str] = []
        self.finished: list[tuple[str, str, dict]] = []
        self.reasoning: list[str] = []  # the reasoning at each checkpoint and at the end
        self.fail_finish = fail_finish

    def checkpoint(self, text: str, reasoning: str) -> None:
        self.checkpoints.append(text)
        self.reasoning.append(reasoning)

    def finish(self, text: str, status: str, st: dict, reasoning: str) -> None:
        if self.fail_finish:
            raise self.fail_finish
        self.finished.append((text, status, st))
        self.reasoning.append(reasoning)


def test_a_finished_stream_is_stored_done_with_its_stats():
    """Text pieces reach on_text in order; the end stores the whole text, done, with the stats and extras."""
    sink, heard = Sink(), []
    out = record_stream(stream("一", "二", Delta(done=True, stats=stats())), checkpoint=sink.checkpoint,
                        finish=sink.finish, on_text=heard.append, stats={"mode": "draft"}, every=3600)
    assert heard == ["一", "二"] and sink.checkpoints == []
    assert sink.finished == [("一二", "done", {**stats().to_dict(), "mode": "draft"})]
    assert out.saved and out.status == "done" and out.text == "一二"


def test_checkpoints_store_the_text_so_far_only_when_it_grew():
    """With no interval every piece that adds text is checkpointed; an empty piece is not."""
    sink = Sink()
    record_stream(stream("a", "", "b", Delta(done=True, stats=stats())), checkpoint=sink.checkpoint,
                  finish=sink.finish, every=0.0)
    assert sink.checkpoints == ["a", "ab"]


def test_a_prefix_is_part_of_every_stored_text():
    """续写 carries a section's text on: checkpoints and the end both start with it."""
    sink = Sink()
    record_stream(stream(" more", Delta(done=True, stats=stats("length"))), checkpoint=sink.checkpoint,
                  finish=sink.finish, prefix="Start.", every=0.0)
    assert sink.checkpoints == ["Start. more"] and sink.finished[0][:2] == ("Start. more", "done")


def test_a_cancelled_stream_is_stopped():
    """The engine's cancelled finish and a stream that ended early after Stop are both stopped."""
    sink = Sink()
    record_stream(stream("x", Delta(done=True, stats=stats("cancelled"))), checkpoint=sink.checkpoint,
                  finish=sink.finish)
    cancel = threading.Event()
    cancel.set()
    record_stream(stream("y"), checkpoint=sink.checkpoint, finish=sink.finish, cancel=cancel)
    assert [f[1] for f in sink.finished] == ["stopped", "stopped"]


def test_a_user_error_ends_it_as_error_with_the_message_and_the_partial_text():
    """An environment error (the context is full) keeps the text so far and says why."""
    sink = Sink()
    out = record_stream(stream("half", UserError("The context is full.")), checkpoint=sink.checkpoint,
                        finish=sink.finish)
    assert sink.finished == [("half", "error", {"error": "The context is full."})]
    assert out.status == "error"


def test_a_bug_is_logged_and_ends_it_as_error(caplog):
    """Any other exception is a bug: logged with its traceback, the reply kept as error."""
    sink = Sink()
    record_stream(stream("so far", RuntimeError("boom")), checkpoint=sink.checkpoint, finish=sink.finish, what="reply 7")
    text, status, st = sink.finished[0]
    assert (text, status) == ("so far", "error") and "boom" in st["error"]
    assert any("reply 7" in r.getMessage() and r.exc_info for r in caplog.records)


def test_a_failed_final_save_returns_the_whole_text_and_the_reason():
    """The disk fills up at the end: the caller still gets every piece, and why it was not saved."""
    sink = Sink(fail_finish=DatabaseError("The disk is full."))
    out = record_stream(stream("all", " of it", Delta(done=True, stats=stats())), checkpoint=sink.checkpoint,
                        finish=sink.finish)
    assert not out.saved and out.save_error == "The disk is full."
    assert out.text == "all of it" and out.status == "done"


def test_reasoning_is_kept_apart_from_the_text():
    """Reasoning deltas reach on_reasoning and the store's reasoning, never the text."""
    sink, thought, said = Sink(), [], []
    out = record_stream(stream(Delta(reasoning="先想"), Delta(reasoning="一想"), Delta("答案"),
                               Delta(done=True, stats=stats())),
                        checkpoint=sink.checkpoint, finish=sink.finish, on_text=said.append,
                        on_reasoning=thought.append, every=0.0)
    assert thought == ["先想", "一想"] and said == ["答案"]
    assert sink.checkpoints == ["", "", "答案"] and sink.reasoning == ["先想", "先想一想", "先想一想", "先想一想"]
    assert out.text == "答案" and out.reasoning == "先想一想"
