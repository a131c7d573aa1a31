"""The Local API's settings in the window: the web pages allowed to use it, and the server following them."""

from __future__ import annotations

import requests

from aigc_desktop.ui.engine.serve_settings import ServeSettingsDialog


def test_the_dialog_keeps_origins_normalised_and_refuses_a_bad_line(qtbot):
    dialog = ServeSettingsDialog(["http://localhost:3000"])
    qtbot.addWidget(dialog)
    assert dialog.edit.toPlainText() == "http://localhost:3000"
    dialog.edit.setPlainText("HTTP://LocalHost:3000/\nhttps://app.example:443\nhttp://localhost:3000\n\n")
    dialog.accept()
    assert dialog.result() == ServeSettingsDialog.Accepted
    assert dialog.origins == ["http://localhost:3000", "https://app.example"]
    dialog.setResult(0)
    dialog.edit.setPlainText("http://ok.example\nhttp://bad.example/path")
    dialog.accept()
    assert dialog.result() != ServeSettingsDialog.Accepted and "http://bad.example/path" in dialog.note.text()


def test_the_toggle_lets_in_the_listed_web_page_only(make_window, qtbot, monkeypatch):
    """An origin saved in the settings gets CORS headers from the window's Local API; another page gets 403."""
    win = make_window()
    toggle = win.serve_toggle
    monkeypatch.setattr(ServeSettingsDialog, "exec", lambda self: (
        self.edit.setPlainText("http://localhost:5173"), self.accept(), self.result())[-1])
    toggle.edit_settings()
    assert win.rt.settings.local_api_origins == ["http://localhost:5173"]
    with qtbot.wait_signal(toggle.stateChanged, timeout=30_000) as started:
        toggle.start()
    url = started.args[0]
    try:
        ok = requests.get(f"{url}/models", headers={"Origin": "http://localhost:5173"}, timeout=10)
        assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "http://localhost:5173"
        refused = requests.get(f"{url}/models", headers={"Origin": "https://evil.example"}, timeout=10)
        assert refused.status_code == 403
        foreign_host = requests.get(f"{url}/models", headers={"Host": "evil.example"}, timeout=10)
        assert foreign_host.status_code == 403
    finally:
        with qtbot.wait_signal(toggle.stateChanged, timeout=30_000):
            toggle.stop()
