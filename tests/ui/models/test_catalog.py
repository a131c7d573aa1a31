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
