"""Import: ChatGPT's conversations.json and our own export, with branches; bad files add nothing."""

from __future__ import annotations

import json

import pytest

from aigc_desktop.errors import UserError
from aigc_desktop.export.markdown import to_json
from aigc_desktop.importers import import_file
from aigc_desktop.llm.sampling import SamplingParams


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

    def shape(cid):
        msgs = store.messages(cid)
        index = {m.id: i for i, m in enumerate(msgs)}
        return [(index.get(m.parent_id), m.role, m.content, m.status, m.model, m.stats) for m in msgs]

    before, branch_before = shape(conv.id), [m.content for m in store.branch(conv.id)]
    again = import_file(store, path)  # the same chat again: skipped, not duplicated
    assert list(again) == [] and again.skipped == 1
    store.delete(conv.id)  # restoring a backup after losing the chat
    [new_id] = import_file(store, path)
    assert shape(new_id) == before
    assert [m.content for m in store.branch(new_id)] == branch_before == ["q1", "a1 ```"]
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
    ('{"format": "aigc-desktop.conversation", "version": 1, "conversation": {}, '
     '"messages": [{"id": 1, "role": ["user"], "content": "x"}]}', "damaged"),
    ('{"format": "aigc-desktop.conversation", "version": 1, "conversation": {}, '
     '"messages": [{"id": 1, "role": "user", "content": {"text": "x"}}]}', "damaged"),
    ('{"format": "aigc-desktop.conversation", "version": 1, "conversation": {}, '
     '"messages": [{"id": 1, "role": "user", "content": "ok"}, {"id": 2, "role": "user", "content": null}]}',
     "damaged"),
])
def test_bad_files_are_refused_and_add_nothing(store, tmp_path, content, message):
    """A bad file gets a clear message and the database is unchanged."""
    store.create("existing")
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError, match=message):
        import_file(store, path)
    assert [c.title for c in store.list()] == ["existing"]


def _native(conversation=None, messages=None):
    return {
        "format": "aigc-desktop.conversation", "version": 1,
        "conversation": {"title": "t", **(conversation or {})},
        "messages": messages if messages is not None else [{"id": 1, "role": "user", "content": "hi"}],
    }


def _import(store, tmp_path, data):
    """Write raw JSON (lone surrogates and all) and import it; the one new conversation."""
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    [cid] = import_file(store, path)
    return store.get(cid)


def test_native_metadata_of_wrong_type_is_ignored(store, tmp_path):
    """A dict where a model, system prompt or title belongs is dropped instead of crashing the insert."""
    conv = _import(store, tmp_path, _native(
        {"title": {"x": 1}, "model": {"name": "m"}, "system_prompt": ["s"]},
        [{"id": 1, "role": "user", "content": "hi", "model": ["m"]}],
    ))
    assert (conv.title, conv.model, conv.system_prompt) == ("Imported chat", None, None)
    [msg] = store.messages(conv.id)
    assert (msg.content, msg.model) == ("hi", None)


def test_lone_surrogates_become_replacement_characters(store, tmp_path):
    """JSON allows "\ud800" but SQLite's UTF-8 does not: it is stored as U+FFFD, the rest kept."""
    conv = _import(store, tmp_path, _native(
        {"title": "t\ud800", "model": "m\udfff", "system_prompt": "s\ud800"},
        [{"id": 1, "role": "user", "content": "a\ud800b 模型 😀", "stats": {"k\ud800": "v\ud800"}}],
    ))
    assert (conv.title, conv.model, conv.system_prompt) == ("t\ufffd", "m\ufffd", "s\ufffd")
    [msg] = store.messages(conv.id)
    assert msg.content == "a\ufffdb 模型 😀"
    chat = CHATGPT[0] | {"mapping": {"u": _node("u", None, [], role="user", text="q\udc00")}}
    [m] = store.messages(_import(store, tmp_path, [chat]).id)
    assert m.content == "q\ufffd"


def test_invalid_sampling_values_are_dropped_and_chat_stays_usable(store, tmp_path):
    """Bad sampling values are dropped on import, so the conversation can still be continued."""
    conv = _import(store, tmp_path, _native({"sampling": {
        "temperature": "hot", "seed": "abc", "top_k": float("inf"), "min_p": 7, "max_tokens": None,
        "top_p": "0.5", "repeat_penalty": 1.2, "n_ctx": 4096, "unknown": {"x": 1},
    }}))
    assert conv.sampling == {"top_p": 0.5, "repeat_penalty": 1.2, "n_ctx": 4096}
    assert SamplingParams.from_dict(conv.sampling).top_p == 0.5
    for bad_ctx in (100, "4096", True, 2**40):
        assert _import(store, tmp_path, _native({"sampling": {"n_ctx": bad_ctx}})).sampling == {}
    assert _import(store, tmp_path, _native({"sampling": "hot"})).sampling == {}
    assert _import(store, tmp_path, _native({"sampling": {"seed": -1}})).sampling == {"seed": None}


@pytest.mark.parametrize("value, pinned", [
    (True, True), (1, True), (False, False), (0, False), ("false", False), ("true", False), ([1], False), (None, False),
])
def test_only_real_booleans_pin(store, tmp_path, value, pinned):
    """A string such as "false" is not a yes: only true or 1 pins the imported chat."""
    assert _import(store, tmp_path, _native({"pinned": value})).pinned is pinned


def test_chatgpt_parts_string_is_one_part_and_non_text_parts_are_skipped(store, tmp_path):
    """parts "abc" is the text "abc", not "a", "b", "c"; an image pointer among parts is left out."""
    u = _node("u", None, ["a"], role="user", text=None)
    u["message"]["content"]["parts"] = "abc"
    a = _node("a", "u", [], role="assistant", text=None)
    a["message"]["content"]["parts"] = ["one", {"content_type": "image_asset_pointer"}, "two"]
    conv = _import(store, tmp_path, [{"title": "parts", "mapping": {"u": u, "a": a}}])
    assert [m.content for m in store.messages(conv.id)] == ["abc", "one\n\ntwo"]


def test_chatgpt_fields_of_wrong_type_do_not_crash(store, tmp_path):
    """Odd model slugs, roles, ids and timestamps are treated as missing; readable messages are kept."""
    u = _node("u", None, ["a", {"id": "x"}, "odd", "gone"], role="user", text="q", t="x")
    u["message"]["metadata"] = {"model_slug": {"slug": "gpt"}}
    a = _node("a", "u", [], role="assistant", text="r", t=1e300)
    a["message"]["metadata"] = {"model_slug": ["gpt"]}
    odd = _node("odd", "u", [], role="user", text="who")
    odd["message"]["author"]["role"] = ["user"]
    conv = _import(store, tmp_path, [{
        "title": {"t": 1}, "create_time": "x", "update_time": 1e300, "current_node": ["a"],
        "mapping": {"u": u, "a": a, "odd": odd, "gone": ["not a node"]},
    }])
    assert conv.title == "ChatGPT chat" and conv.created_at.year >= 2024
    msgs = store.messages(conv.id)
    assert [(m.role, m.content, m.model) for m in msgs] == [("user", "q", None), ("assistant", "r", None)]
    assert all(m.created_at.year >= 2024 for m in msgs)
    assert [m.content for m in store.branch(conv.id)] == ["q", "r"]


def test_native_ids_and_timestamps_of_wrong_type_do_not_crash(store, tmp_path):
    """Huge or non-numeric times fall back to the import time; odd ids still link parent and child."""
    conv = _import(store, tmp_path, _native(
        {"created": 1e300, "updated": "x", "current_leaf_id": {"id": 2}},
        [{"id": {"k": 1}, "role": "user", "content": "q", "created": "yesterday"},
         {"id": 2, "parent_id": {"k": 1}, "role": "assistant", "content": "a", "created": True}],
    ))
    assert conv.created_at.year >= 2024 and conv.updated_at.year >= 2024
    assert [m.content for m in store.branch(conv.id)] == ["q", "a"]
    assert all(m.created_at.year >= 2024 for m in store.messages(conv.id))


def test_importing_the_same_chatgpt_file_twice_adds_nothing_the_second_time(store, tmp_path):
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(CHATGPT, ensure_ascii=False), encoding="utf-8")
    first = import_file(store, path)
    second = import_file(store, path)
    assert len(first) == 1 and list(second) == [] and second.skipped == 1
    assert len(store.list()) == 1
