"""A large ChatGPT export (200 chats × 50 messages) goes in whole: trees, ids, duplicates, search."""

from __future__ import annotations

import json

import pytest

from aigc_desktop.importers import import_file
from aigc_desktop.store.search import search

CHATS, PER_CHAT = 200, 50
BASE_TIME = 1_700_000_000.0


def _node(nid, parent, role, text, t):
    return {"id": nid, "parent": parent, "children": [],
            "message": {"id": nid, "author": {"role": role}, "create_time": t,
                        "content": {"content_type": "text", "parts": [text]}}}


def _chat(i: int) -> dict:
    """Chat i: 50 messages; every 10th (i % 10 == 3) has prompt 10 edited, the edit answered
    (2 of the 50), and in every 20th (i % 20 == 3) the edited branch is the current one."""
    created = BASE_TIME + i * 3600
    mapping = {"root": {"id": "root", "parent": None, "children": [], "message": None}}

    def add(nid, parent, role, text, t):
        mapping[nid] = _node(nid, parent, role, text, t)
        mapping[parent]["children"].append(nid)

    branched = i % 10 == 3
    parent = "root"
    for j in range(PER_CHAT - 2 if branched else PER_CHAT):
        role = "user" if j % 2 == 0 else "assistant"
        add(f"{i}-{j}", parent, role, f"聊天{i}第{j}条 message {j} of chat {i}: 模型 generates text", created + j)
        parent = f"{i}-{j}"
    current = parent
    if branched:
        add(f"{i}-e10", f"{i}-9", "user", f"edited prompt of chat {i} 改过的问题", created + 100)
        add(f"{i}-e11", f"{i}-e10", "assistant", f"answer to the edit of chat {i}", created + 101)
        if i % 20 == 3:
            current = f"{i}-e11"
    return {"title": f"Chat {i}", "create_time": created, "update_time": created + 60,
            "current_node": current, "mapping": mapping}


@pytest.fixture
def export(tmp_path):
    chats = [_chat(i) for i in range(CHATS)]
    # The last chat ends with words found nowhere else, the very last two characters included.
    last = chats[-1]["mapping"][f"{CHATS - 1}-{PER_CHAT - 1}"]["message"]["content"]
    last["parts"] = ["the quokka answered 袋鼠"]
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(chats, ensure_ascii=False), encoding="utf-8")
    return path


def test_large_export_keeps_counts_branches_and_current_leaf(store, export):
    """Every chat arrives with its 50 messages, edited prompts as siblings and the exported current branch."""
    ids = import_file(store, export)
    assert len(ids) == CHATS and ids.skipped == 0
    convs = {c.id: c for c in store.list()}
    assert sorted(convs) == sorted(ids) and all(c.message_count == PER_CHAT for c in convs.values())
    for i, cid in enumerate(ids):
        msgs = store.messages(cid)
        branch = store.branch(cid)
        assert convs[cid].title == f"Chat {i}" and convs[cid].current_leaf_id == branch[-1].id
        if i % 10 != 3:
            assert branch == msgs and [m.role for m in branch[:2]] == ["user", "assistant"]
            continue
        edited = next(m for m in msgs if m.content.startswith("edited prompt"))
        assert [m.content.split()[0] for m in store.siblings(edited.id)] == [f"聊天{i}第10条", "edited"]
        if i % 20 == 3:
            assert len(branch) == 12 and branch[-1].content == f"answer to the edit of chat {i}"
        else:
            assert len(branch) == PER_CHAT - 2 and branch[9].id == edited.parent_id


def test_large_import_gives_ids_above_deleted_ones(store, export):
    """Bulk-inserted rows never take the ids of a deleted newest chat and its messages."""
    gone = store.create("deleted later")
    gone_msg = store.add_message(gone.id, "user", "soon gone")
    store.delete(gone.id)
    ids = import_file(store, export)
    assert min(ids) > gone.id
    first = store.messages(ids[0])
    assert first[0].id > gone_msg.id
    assert [m.id for m in first] == list(range(first[0].id, first[0].id + PER_CHAT))
    later = store.create("after the import")
    assert later.id > max(ids)
    assert store.add_message(later.id, "user", "x").id > store.messages(ids[-1])[-1].id


def test_second_import_of_large_export_skips_every_chat(store, export):
    """Importing the same export again adds nothing and says all 200 were skipped."""
    import_file(store, export)
    again = import_file(store, export)
    assert list(again) == [] and again.skipped == CHATS
    assert len(store.list()) == CHATS


def test_duplicates_within_one_file_are_imported_once(store, tmp_path):
    """The same chat twice in one file (or a folder of overlapping exports) goes in once."""
    path = tmp_path / "twice.json"
    path.write_text(json.dumps([_chat(1), _chat(2), _chat(1)], ensure_ascii=False), encoding="utf-8")
    ids = import_file(store, path)
    assert len(ids) == 2 and ids.skipped == 1


@pytest.mark.parametrize("query", ["quokka", "袋鼠", "鼠", "quokka 袋鼠"])
def test_search_finds_text_of_the_last_imported_chat(store, export, query):
    """The search index follows a bulk import: words of the last message of the last chat are found."""
    ids = import_file(store, export)
    hits = [h for h in search(store.db, query) if h.message_id is not None]
    assert [h.message_id for h in hits] == [store.messages(ids[-1])[-1].id]


def test_deleting_an_imported_chat_removes_it_from_search(store, export):
    """Imported messages leave the search index with their conversation."""
    ids = import_file(store, export)
    assert search(store.db, "quokka")
    store.delete(ids[-1])
    assert search(store.db, "quokka") == [] and search(store.db, "袋鼠") == []
