"""Models → Catalog: the recommendation for this machine."""

from __future__ import annotations


def test_catalog_marks_the_model_recommended_for_this_machine(qtbot, make_window):
    """The Catalog tab marks one entry as recommended from the measured free memory, the same one the welcome offers."""
    from aigc_desktop.ui.models.catalog import CatalogTab

    win = make_window(load_model=False)
    tab = win.show_models().findChild(CatalogTab)
    names = [tab.table.item(r, 0).text() for r in range(tab.table.rowCount())]
    marked = [n for n in names if "★" in n]
    assert len(marked) == (1 if tab.recommended else 0)
    if tab.recommended:
        assert marked[0].startswith(tab.recommended.name)


def test_a_hub_error_is_cleared_when_the_source_changes(qtbot, zh_window):
    """A failed lookup's error stays with the Catalog tab while the source is the same; choosing the mirror in
    Settings clears it (it spoke of the old address), and it does not come back on the Catalog tab."""
    from aigc_desktop.ui.models.hub_settings import MIRROR

    win = zh_window(load_model=False)
    dialog = win.show_models()
    dialog.tabs.setCurrentWidget(dialog.catalog_tab)
    error = "无法连接 huggingface.co：连接被拒绝。"
    dialog.search_tab.status.emit("无法连接 huggingface.co。", True)
    dialog.catalog_tab.status.emit(error, True)
    assert dialog.status.text() == error
    dialog.tabs.setCurrentWidget(dialog.installed_tab)
    dialog.tabs.setCurrentWidget(dialog.catalog_tab)
    assert dialog.status.text() == error  # kept while nothing changed
    dialog.tabs.setCurrentWidget(dialog.hub_settings_tab)
    combo = dialog.hub_settings_tab.source_combo
    combo.setCurrentIndex(combo.findData(MIRROR))
    combo.activated.emit(combo.currentIndex())
    assert win.rt.settings_store.current().hub_endpoint == MIRROR

    def shown(tab) -> str:
        dialog.tabs.setCurrentWidget(tab)
        return dialog.status.text()

    # The settings bridge delivers the change through the event queue.
    qtbot.waitUntil(lambda: shown(dialog.catalog_tab) == "", timeout=3_000)
    assert shown(dialog.search_tab) == "" and shown(dialog.catalog_tab) == ""
    dialog.catalog_tab.status.emit(error, True)  # a new error, on the catalog tab itself, shows again
    dialog.tabs.setCurrentWidget(dialog.catalog_tab)
    assert dialog.status.text() == error
    dialog.settings_store.update(offline=True)  # a change made elsewhere clears it too, on screen
    qtbot.waitUntil(lambda: dialog.status.text() == "", timeout=3_000)


def test_embedding_models_are_listed_apart_and_thinkers_say_so(qtbot, zh_window):
    """Chat models first (a reasoning one named as such), then a heading, then the embedders with their size."""
    from PySide6.QtCore import Qt

    from aigc_desktop.hub.catalog import chat_models, embedding_models
    from aigc_desktop.ui.models.catalog import CatalogTab

    tab = zh_window(load_model=False).show_models().findChild(CatalogTab)
    table = tab.table
    texts = [table.item(r, 0).text() for r in range(table.rowCount())]
    heading = texts.index("嵌入模型（供知识库使用，不能对话）")
    assert heading == len(chat_models())
    assert table.columnSpan(heading, 0) == table.columnCount()
    assert not table.item(heading, 0).flags() & Qt.ItemIsSelectable
    embedders = embedding_models()
    assert texts[heading + 1:] == [e.name for e in embedders]
    assert all(f"{e.dimension} 维向量" in table.item(heading + 1 + i, 6).text() for i, e in enumerate(embedders))
    assert any("推理模型（先思考）" in t for t in texts[:heading])
    table.selectRow(heading)
    assert tab.download_selected() is None  # the heading is nothing to download
