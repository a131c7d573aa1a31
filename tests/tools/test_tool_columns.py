"""Migration 0015: a reply's tool calls and a chat's tool servers are stored, read back and survive a reopen."""

from __future__ import annotations

from aigc_desktop.paths import app_paths
from aigc_desktop.store.conversations import ConversationStore
from aigc_desktop.store.db import Database

CALL = {"id": "c1", "server": "files", "tool": "read", "arguments": {"path": "/tmp/x"}, "status": "done",
        "result": "内容", "is_error": False, "seconds": 0.1, "text_before": "我先看看。"}


def test_tool_calls_and_tools_round_trip(store):
    conv = store.create("t")
    assert conv.tools == []
    assert store.set_tools(conv.id, ["files", " web ", "files", ""]).tools == ["files", "web"]
    user = store.add_message(conv.id, "user", "hi")
    reply = store.add_message(conv.id, "assistant", "", parent_id=user.id, status="streaming")
    assert reply.tool_calls == []
    store.update_message(reply.id, content="done", status="done", tool_calls=[CALL])
    assert store.get_message(reply.id).tool_calls == [CALL]
    assert [m.tool_calls for m in store.messages(conv.id)] == [[], [CALL]]
    assert store.branch(conv.id)[-1].tool_calls == [CALL]
    store.db.close()
    again = ConversationStore(Database(app_paths().database))
    assert again.get(conv.id).tools == ["files", "web"]
    assert again.get_message(reply.id).tool_calls == [CALL]
    assert [c.tools for c in again.list()] == [["files", "web"]]
    again.db.close()
