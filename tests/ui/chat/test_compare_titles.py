"""Compare's pickers and pane titles name who runs each model, so a local model and a server's model
of the same name can be told apart; long ids are elided in the middle, keeping the provider."""

from __future__ import annotations

from aigc_desktop.ui.kit.elide import ElidedLabel
from tests.ui.conftest import settle


def test_a_local_and_a_remote_model_of_one_name_read_apart(qtbot, zh_window, starter_model):
    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.model_cache import remember_models
    from aigc_desktop.ui.chat.compare import _Pane, describe

    ProviderStore().add("本机服务器", "http://127.0.0.1:9/v1", kind="llama.cpp")
    long_id = "Qwen/Qwen3-30B-A3B-Instruct-2507-GGUF:Q4_K_M"
    remember_models("本机服务器", [starter_model.name, long_id])
    win = zh_window(load_model=False)
    view = win.show_compare()
    router = win.rt.router
    local, same_name = str(starter_model), f"本机服务器/{starter_model.name}"
    assert describe(router, local) == f"{starter_model.stem}（本机）"
    assert describe(router, same_name) == f"{starter_model.name}（本机服务器）"
    view.set_models([local, same_name])
    faces = [c.currentText() for c in view.pickers[:2]]
    assert faces[0] != faces[1] and faces[1].endswith("（本机服务器）")

    pane = _Pane(router, f"本机服务器/{long_id}")
    qtbot.addWidget(pane)
    pane.resize(260, 300)  # narrower than the whole title (four panes in a 1000 px window)
    pane.show()
    settle(qtbot, pane)
    assert isinstance(pane.title, ElidedLabel) and pane.heading == f"{long_id}（本机服务器）"
    shown = pane.title.shown_text()
    assert "…" in shown and shown.startswith("Qwen/") and shown.endswith("_M（本机服务器）")  # who runs it: whole
    assert pane.title.fontMetrics().horizontalAdvance(shown) <= pane.title.contentsRect().width()
    assert pane.title.toolTip() == pane.heading
