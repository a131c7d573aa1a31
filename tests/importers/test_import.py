"""Import: ChatGPT's conversations.json and our own export, with branches; bad files add nothing."""

from __future__ import annotations

import json

import pytest

from aigc_desktop.errors import UserError
from aigc_desktop.export.markdown import to_json
from aigc_desktop.importers import import_file


def _node(nid, parent, children, role=None, text=None, ctype="text", t=1700000000.0):
    msg = None
    if role:
        msg = {"id": nid, "author": {"role": role}, "create_time": t,
               "content": {"content_type": ctype, "parts": [text]}}
    return {"id": nid, "parent": parent, "children": children, "message": msg}


CHATGPT = [{
    "title": "Edited chat",
    "create_time": 1700000000.0,
    "update_time": 1700000500.0,
    "current_node": "a2",
    "mapping": {
        "root": _node("root", None, ["sys"]),
        "sys": _node("sys", "root", ["u1", "u2"], role="system", text="hidden system"),
        "u1": _node("u1", "sys", ["a1"], role="user", text="first question"),
        "a1": _node("a1", "u1", [], role="assistant", text="first answer"),
        "u2": _node("u2", "sys", ["tool"], role="user", text="edited question 模型"),
        "tool": _node("tool", "u2", ["a2"], role="tool", text="tool output"),
        "a2": _node("a2", "tool", [], role="assistant", text="<script>x</script> second answer"),
    },
}]


def test_chatgpt_import_keeps_tree_and_current_branch(store, tmp_path):
    """Branches become siblings, hidden nodes are skipped, the current node is the current leaf."""
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(CHATGPT, ensure_ascii=False), encoding="utf-8")
    [cid] = import_file(store, path)
    conv = store.get(cid)
    assert conv.title == "Edited chat" and conv.created_at.year == 2023
    branch = store.branch(cid)
    assert [(m.role, m.content) for m in branch] == [
        ("user", "edited question 模型"), ("assistant", "<script>x</script> second answer")]
    siblings = store.siblings(branch[0].id)
    assert [m.content for m in siblings] == ["first question", "edited question 模型"]
    assert len(store.messages(cid)) == 4


def test_own_export_round_trips(store, tmp_path):
    """Export to JSON and import again: same tree shape, contents, statuses and current branch."""
    conv = store.create("往返 round trip", system_prompt="sys", sampling={"temperature": 0.1})
    u1 = store.add_message(conv.id, "user", "q1")
    store.add_message(conv.id, "assistant", "a1 ```", model="m", stats={"completion_tokens": 2})
    store.add_message(conv.id, "user", "q1 edited", parent_id=None)
    store.add_message(conv.id, "assistant", "partial", status="stopped")
    store.set_current_leaf(conv.id, u1.id)
    original = store.get(conv.id)
    path = tmp_path / "export.json"
    path.write_text(to_json(original, store.messages(conv.id), store.branch(conv.id)), encoding="utf-8")
    [new_id] = import_file(store, path)

    def shape(cid):
        msgs = store.messages(cid)
        index = {m.id: i for i, m in enumerate(msgs)}
        return [(index.get(m.parent_id), m.role, m.content, m.status, m.model, m.stats) for m in msgs]

    assert shape(new_id) == shape(conv.id)
    assert [m.content for m in store.branch(new_id)] == [m.content for m in store.branch(conv.id)] == ["q1", "a1 ```"]
    copy = store.get(new_id)
    assert (copy.title, copy.system_prompt, copy.sampling) == (original.title, "sys", {"temperature": 0.1})


@pytest.mark.parametrize("content, message", [
    ("not json at all", "not valid JSON"),
    ("[]", "not a chat export"),
    ('{"hello": 1}', "not a chat export"),
    ('[{"mapping": {}}]', "no conversations"),
    ('{"format": "aigc-desktop.conversation", "version": 99}', "newer"),
    ('{"format": "aigc-desktop.conversation", "version": 1, "conversation": {}, '
     '"messages": [{"id": 1, "role": "hacker", "content": "x"}]}', "damaged"),
])
def test_bad_files_are_refused_and_add_nothing(store, tmp_path, content, message):
    """A bad file gets a clear message and the database is unchanged."""
    store.create("existing")
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError, match=message):
        import_file(store, path)
    assert [c.title for c in store.list()] == ["existing"]
