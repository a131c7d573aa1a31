"""Models → Settings: where models are downloaded from."""

from __future__ import annotations


def test_hub_source_offers_hugging_face_the_mirror_and_a_custom_address(qtbot, make_window):
    """Models → Settings: choosing the mirror saves it at once; Custom opens the address box; HF clears it."""
    win = make_window(load_model=False)
    dialog = win.show_models()
    from aigc_desktop.ui.models.hub_settings import MIRROR, HubSettingsTab

    tab = dialog.findChild(HubSettingsTab)
    tab.source_combo.setCurrentIndex(tab.source_combo.findData(MIRROR))
    tab._source_chosen(tab.source_combo.currentIndex())
    assert win.rt.settings.hub_endpoint == MIRROR and not tab.endpoint_edit.isEnabled()
    tab.source_combo.setCurrentIndex(tab.source_combo.findData("custom"))
    tab._source_chosen(tab.source_combo.currentIndex())
    assert tab.endpoint_edit.isEnabled()
    tab.source_combo.setCurrentIndex(0)
    tab._source_chosen(0)
    assert win.rt.settings.hub_endpoint == ""
