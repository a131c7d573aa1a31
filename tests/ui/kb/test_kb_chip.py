"""The chip above the message box picks the open chat's knowledge bases (ConversationStore.set_kbs)."""

from __future__ import annotations


def _tick(chip, name, on=True):
    """Open the chip's menu as a click would fill it, and (un)tick ``name``."""
    chip._fill_menu()
    act = next(a for a in chip.menu_.actions() if a.text().startswith(name))
    assert act.isChecked() != on
    act.setChecked(on)  # toggled → the chip stores the choice


def test_the_chip_sets_the_open_chats_knowledge_bases(qtbot, make_window):
    win = make_window(load_model=False)
    chip, kb = win.knowledge.chip, win.knowledge.controller
    notes, tea = kb.create("笔记"), kb.create("茶经")
    assert chip.text() == "Knowledge base" and chip.isVisible()
    conv = win.rt.store.create("问答")
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    _tick(chip, "笔记")
    _tick(chip, "茶经")
    assert win.rt.store.get(conv.id).kbs == [notes.uid, tea.uid]
    assert chip.text() == "Knowledge base: 笔记, 茶经"
    _tick(chip, "笔记", on=False)
    assert win.rt.store.get(conv.id).kbs == [tea.uid]
    # Another chat shows its own choice (none), and coming back shows this one's again.
    other = win.rt.store.create("别的")
    win.conversations.open(other.id)
    assert chip.text() == "Knowledge base"
    win.conversations.open(conv.id)
    assert chip.text() == "Knowledge base: 茶经"


def test_with_no_chat_open_a_chat_is_made_to_hold_the_choice(qtbot, make_window):
    win = make_window(load_model=False)
    chip = win.knowledge.chip
    base = win.knowledge.controller.create("资料")
    win.conversations.new()
    assert win.conversations.current_id is None
    _tick(chip, "资料")
    conv_id = win.conversations.current_id
    assert conv_id is not None and win.rt.store.get(conv_id).kbs == [base.uid]
    assert chip.text() == "Knowledge base: 资料"


def test_manage_opens_the_knowledge_bases_window(qtbot, make_window):
    win = make_window(load_model=False)
    chip = win.knowledge.chip
    chip._fill_menu()
    manage = chip.menu_.actions()[-1]
    assert manage.text() == "Manage knowledge bases…"
    manage.trigger()
    assert win.knowledge.window is not None and win.knowledge.window.isVisible()
    win.knowledge.window.close()
    win.kb_action.trigger()  # the Chat menu's item
    assert win.knowledge.window.isVisible()
    win.knowledge.window.close()
    win.knowledge.button.click()  # the sidebar's button
    assert win.knowledge.window.isVisible()
