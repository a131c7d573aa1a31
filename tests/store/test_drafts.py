"""Each chat's unsent text: one row per chat, gone with the chat."""

from __future__ import annotations


def test_a_draft_is_kept_per_chat_and_goes_with_it(store):
    from aigc_desktop.store.drafts import DraftStore

    drafts = DraftStore(store.db)
    a, b = store.create("A"), store.create("B")
    assert drafts.get(a.id) == ""
    assert drafts.put(a.id, "半句话")
    assert drafts.put(b.id, "another")
    assert drafts.put(a.id, "半句话，写完了")  # saved again: replaced, not added
    assert (drafts.get(a.id), drafts.get(b.id)) == ("半句话，写完了", "another")
    assert drafts.put(b.id, "  \n") and drafts.get(b.id) == ""  # emptied: no row
    store.delete(a.id)
    assert drafts.get(a.id) == ""
    assert drafts.put(a.id, "too late") is False  # a deleted chat keeps no draft


def test_saving_a_draft_leaves_the_chat_list_alone(store):
    """The list is ordered by a chat's last change and refreshed on writes to it: a draft touches neither."""
    from aigc_desktop.store.drafts import DraftStore

    a = store.create("A")
    seen = []
    store.db.changes.add_listener(seen.append)
    DraftStore(store.db).put(a.id, "typing")
    assert store.get(a.id).updated_at == a.updated_at
    assert seen and all(table == "drafts" for change in seen for table, _op in change)
