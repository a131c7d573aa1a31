"""One settings writer: the window never saves a stale copy, listeners hear each change once."""

from __future__ import annotations

import subprocess
import sys

from aigc_desktop.paths import app_paths
from aigc_desktop.settings import Settings, SettingsStore


def test_theme_change_keeps_offline_on_also_when_set_by_another_process(qtbot, make_window):
    """Privacy: offline ticked in the Models window, then in another process the Hub address changes;
    a theme change afterwards keeps both (the window never saves a stale copy)."""
    win = make_window(load_model=False)
    win.rt.settings_store.update(offline=True)  # what the Models window's switch does
    code = ("from aigc_desktop.paths import app_paths; from aigc_desktop.settings import SettingsStore; "
            "SettingsStore(app_paths().settings_file).update(hub_endpoint='https://hf-mirror.com')")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    win.set_theme("dark")
    saved = Settings.load(app_paths().settings_file)
    assert saved.offline and saved.theme == "dark" and saved.hub_endpoint == "https://hf-mirror.com"


def test_settings_listeners_hear_each_change_once(tmp_path):
    """SettingsStore.update tells listeners which fields changed, and not when nothing did."""
    store = SettingsStore(tmp_path / "settings.json")
    heard = []
    store.add_listener(lambda s, changed: heard.append(set(changed)))
    store.update(offline=True, theme="dark")
    store.update(offline=True)
    assert heard == [{"offline", "theme"}]
