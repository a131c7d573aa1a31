"""Searching all chats from the sidebar: hits, versions, deletes, and the search thread."""

from __future__ import annotations

import threading



def _two_versions(store):
    """A chat whose first prompt was edited: version 1 says 'pelican', version 2 (current) does not."""
    conv = store.create("versions")
    first = store.add_message(conv.id, "user", "Tell me about the pelican")
    store.add_message(conv.id, "assistant", "Pelicans are birds.", parent_id=first.id)
    second = store.add_message(conv.id, "user", "Tell me about the heron", parent_id=None)
    reply = store.add_message(conv.id, "assistant", "Herons wade.", parent_id=second.id)
    later = store.add_message(conv.id, "user", "And egrets?", parent_id=reply.id)
    return conv, first, later


def test_b1_search_hit_in_another_version_asks_and_no_keeps_the_current_version(qtbot, make_window):
    """B1: a hit in another version never switches silently: the window asks, and No keeps the chat as it was."""
    win = make_window(load_model=False)
    conv, first, later = _two_versions(win.rt.store)
    before = [m.id for m in win.rt.store.branch(conv.id)]
    assert later.id in before and first.id not in before
    asked = []
    win.prompts.confirm = lambda title, text: asked.append(title) or False
    win.search.open_result(conv.id, first.id)
    assert asked == ["Open another version"]
    assert [m.id for m in win.rt.store.branch(conv.id)] == before
    assert win.conversations.current_id == conv.id and win.chat.widget_for(later.id) is not None


def test_b1_yes_switches_to_the_version_with_the_hit(qtbot, make_window):
    """B1: answering Yes shows the version that holds the hit."""
    win = make_window(load_model=False)
    conv, first, _later = _two_versions(win.rt.store)
    win.prompts.confirm = lambda *a: True
    win.search.open_result(conv.id, first.id)
    assert first.id in [m.id for m in win.rt.store.branch(conv.id)]
    assert win.chat.widget_for(first.id) is not None


def test_search_opens_result_and_scrolls(qtbot, make_window):
    """Typing a two-character Chinese word finds the message; activating it opens and marks it."""
    win = make_window(load_model=False)
    store = win.rt.store
    target_conv = store.create("旅行")
    for i in range(80):
        store.add_message(target_conv.id, "user", f"filler message {i}")
    hit_msg = store.add_message(target_conv.id, "assistant", "明天的天气很好，适合出门。")
    for i in range(10):
        store.add_message(target_conv.id, "user", f"later {i}")
    store.create("other")
    win.conversations.refresh_sidebar()
    with qtbot.wait_signal(win.search.searched, timeout=10_000):
        win.sidebar.search.setText("天气")
    assert win.sidebar.results.isVisible() and win.sidebar.results.count() == 1
    item = win.sidebar.results.item(0)
    assert "天气" in item.text()
    win.sidebar._result_clicked(item)
    assert win.conversations.current_id == target_conv.id
    assert win.chat.widget_for(hit_msg.id) is not None
    win.sidebar.search.setText("")
    assert win.sidebar.list.isVisible()


def test_search_hits_follow_deletes(qtbot, make_window):
    """Deleting a message refreshes the hits; a stale hit says it is gone instead of failing."""
    win = make_window(load_model=False)
    conv = win.rt.store.create("notes")
    msg = win.rt.store.add_message(conv.id, "user", "uniqueword here")
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    with qtbot.wait_signal(win.search.searched, timeout=10_000):
        win.sidebar.search.setText("uniqueword")
    assert win.sidebar.results.count() >= 1 and win.sidebar.results.item(0).text() != "No matches"
    win.prompts.confirm = lambda *a: True
    with qtbot.wait_signal(win.search.searched, timeout=10_000):
        win.conversations.delete_message(msg.id)
    assert win.sidebar.results.item(0).text() == "No matches"
    win.search.open_result(conv.id, msg.id)  # a hit clicked before the list refreshed
    assert "no longer exists" in win.banner.text()


def test_search_runs_off_the_gui_thread_and_only_the_newest_query_shows(qtbot, make_window, monkeypatch):
    """Typing fast searches once, after the pause, on a worker thread; older queries never show."""
    import aigc_desktop.store.search as search_mod

    win = make_window(load_model=False)
    conv = win.rt.store.create("weather")
    win.rt.store.add_message(conv.id, "user", "明天的天气很好")
    ran = []
    real = search_mod.search

    def spy(db, query, limit=50):
        ran.append((query, threading.current_thread() is threading.main_thread()))
        return real(db, query, limit=limit)

    monkeypatch.setattr(search_mod, "search", spy)
    with qtbot.wait_signal(win.search.searched, timeout=10_000):
        for prefix in ("天", "天气"):
            win.sidebar.search.setText(prefix)
    assert ran == [("天气", False)]
    assert win.sidebar.results.count() == 1


def test_a_hit_opens_with_its_header_in_view(qtbot, make_window):
    """A long hit (taller than the pane) opens at its beginning: its framed top and the header
    naming the model are in view, not hidden above it (it used to be centred on its middle)."""
    from PySide6.QtCore import QPoint

    from tests.ui.conftest import settle

    win = make_window(load_model=False)
    store = win.rt.store
    conv = store.create("长回答")
    parent = None
    for i in range(6):
        parent = store.add_message(conv.id, "user", f"question {i}", parent_id=parent and parent.id)
        text = ("第一行：独角兽的故事。\n\n" + "\n\n".join(f"第 {n} 段，很长的回答。" for n in range(60))
                if i == 3 else f"short answer {i}")
        reply = store.add_message(conv.id, "assistant", text, parent_id=parent.id, status="done", model="SmolLM2")
        parent = reply
        if i == 3:
            hit = reply
    win.conversations.refresh_sidebar()
    with qtbot.wait_signal(win.search.searched, timeout=10_000):
        win.sidebar.search.setText("独角兽")
    win.sidebar.resultActivated.emit(conv.id, hit.id)  # a click on the hit
    settle(qtbot, win)
    w = win.chat.widget_for(hit.id)
    viewport = win.chat.viewport()
    assert w.height() > viewport.height()  # the case that was centred
    frame_top = w.mapTo(viewport, QPoint(0, 0)).y()
    header = w.header.mapTo(viewport, QPoint(0, 0)).y()
    assert 0 <= frame_top < header and header + w.header.height() <= viewport.height(), (frame_top, header)
    assert w.header.text().startswith("SmolLM2") and w.header.isVisible()
    assert header - frame_top >= 6  # the highlight's frame does not run over the header's text
    win.chat.verticalScrollBar().setValue(win.chat.verticalScrollBar().value() + 200)  # the person scrolls
    settle(qtbot, win)
    assert w.header.mapTo(viewport, QPoint(0, 0)).y() < header  # the view is theirs again
