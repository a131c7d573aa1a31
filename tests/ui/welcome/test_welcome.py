"""The welcome panel in the empty chat: says what the model can do, gets a Chinese model in one click
(through the fake Hub, the mirror when the Hub is unreachable, never before the click, never offline),
and offers example prompts."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from aigc_desktop.paths import app_paths
from aigc_desktop.ui import welcome
from tests.hub.fake_hub import FakeHub


ZH_REPO = "aigc-test/Qwen-Test-GGUF"
ZH_FILE = "qwen-test-135m-q4_k_m.gguf"
ZH_NAME = "Qwen Test 135M"


@pytest.fixture
def test_catalog(tmp_path, monkeypatch, starter_model):
    """A small catalog: one Chinese model that fits (the starter's bytes), one far too big, one English."""
    models = [
        {"name": "English Small", "repo": "aigc-test/English-GGUF", "file": "english-q4_k_m.gguf",
         "size": starter_model.stat().st_size, "license": "MIT", "languages": ["en"], "notes": ""},
        {"name": ZH_NAME, "repo": ZH_REPO, "file": ZH_FILE, "size": starter_model.stat().st_size,
         "license": "MIT", "languages": ["zh", "en"], "notes": ""},
        {"name": "Qwen Huge", "repo": "aigc-test/Huge-GGUF", "file": "huge-q4_k_m.gguf", "size": 2**50,
         "license": "MIT", "languages": ["zh", "en"], "notes": ""},
    ]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"version": 1, "models": models}), encoding="utf-8")
    monkeypatch.setattr("aigc_desktop.hub.catalog.CATALOG_FILE", path)
    return path


def serve_zh_model(fake: FakeHub, starter_model: Path) -> None:
    fake.state.add(ZH_REPO, ZH_FILE, starter_model)


def dead_endpoint() -> str:
    """An address where nothing listens (a port just given up), so a connection is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def download_and_switch(qtbot, win, click) -> list[str]:
    """Click, then wait until the chat runs on the downloaded model; returns the panel's states."""
    states = []
    win.welcome.stateChanged.connect(states.append)
    with qtbot.wait_signal(win.modelReady, timeout=120_000):
        click()
        qtbot.waitUntil(lambda: win.welcome.state == "switching", timeout=120_000)
    qtbot.waitUntil(lambda: win.welcome.state == "ready", timeout=30_000)
    return states


def test_starter_model_is_described_and_nothing_is_fetched_before_the_click(qtbot, make_window, hub, test_catalog):
    """On the starter the panel says it is an English demo, offers the fitting Chinese model, and sends no request."""
    win = make_window()
    panel = win.welcome
    assert panel.isVisible() and panel.state == "idle"
    assert panel.model_text.text() == welcome.TEXT["starter_text"]
    assert ZH_NAME in panel.action_button.text() and panel.action_button.isVisible()
    assert not panel.mirror_button.isVisible() and not panel.progress_bar.isVisible()
    qtbot.wait(300)  # give a stray request the chance to arrive
    assert hub.state.requests == []


def test_one_click_downloads_switches_and_sets_the_default(qtbot, make_window, hub, test_catalog, starter_model):
    """Download: progress in the panel, the file verified into the models folder, the chat switched, the default set."""
    serve_zh_model(hub, starter_model)
    win = make_window()
    panel = win.welcome
    bar_values = []
    win.downloads.progress.connect(lambda *args: bar_values.append(panel.progress_bar.value()))
    states = download_and_switch(qtbot, win, panel.action_button.click)
    target = app_paths().models / ZH_FILE
    assert states[:2] == ["looking", "downloading"] and "switching" in states
    assert bar_values and bar_values == sorted(bar_values) and bar_values[-1] > 0
    assert target.is_file() and target.stat().st_size == starter_model.stat().st_size
    assert Path(win.engine.model.path) == target
    assert Path(win.rt.settings_store.current().default_model) == target
    assert [r for r in hub.downloads() if r[1].endswith(ZH_FILE)]
    assert panel.model_title.text() == ZH_NAME and "writes Chinese" in panel.model_text.text()
    assert not panel.action_button.isVisible()  # nothing more to offer


def test_unreachable_hub_offers_the_mirror_which_is_saved_and_retried(qtbot, make_window, test_catalog,
                                                                     starter_model, monkeypatch):
    """A refused connection shows the mirror button; clicking it saves the address and downloads from the mirror."""
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", dead_endpoint())
    with FakeHub() as mirror:
        serve_zh_model(mirror, starter_model)
        monkeypatch.setattr(welcome.panel, "MIRROR_ENDPOINT", mirror.url)
        win = make_window()
        panel = win.welcome
        panel.action_button.click()
        qtbot.waitUntil(lambda: panel.state == "unreachable", timeout=30_000)
        assert panel.mirror_button.isVisible() and panel.retry_button.isVisible()
        assert "Could not reach" in panel.note.text()
        assert mirror.state.requests == []  # the mirror only after the person asks for it
        download_and_switch(qtbot, win, panel.mirror_button.click)
        assert win.rt.settings_store.current().hub_endpoint == mirror.url
        assert mirror.downloads() and Path(win.engine.model.path) == app_paths().models / ZH_FILE


def test_offline_mode_blocks_the_download_and_can_be_turned_off(qtbot, make_window, hub, test_catalog):
    """Offline: the button says so and no request is made; one click turns offline off, and Download is back."""
    win = make_window()
    panel = win.welcome
    win.rt.settings_store.update(offline=True)
    qtbot.waitUntil(lambda: panel.state == "offline", timeout=5_000)
    assert panel.action_button.text() == welcome.TEXT["offline_button"]
    assert panel.note.text() == welcome.TEXT["offline"] and panel.note.isVisible()
    panel.start()  # even asked directly, it does not connect
    assert panel.state == "offline"
    panel.action_button.click()
    assert win.rt.settings_store.current().offline is False
    assert panel.state == "idle" and ZH_NAME in panel.action_button.text()
    assert hub.state.requests == []


def test_example_fills_the_composer_without_sending(qtbot, make_window, test_catalog):
    """Clicking an example puts its prompt in the composer and focuses it; nothing is sent."""
    from PySide6.QtCore import Qt

    win = make_window()
    card = win.welcome.examples[1]
    qtbot.mouseClick(card, Qt.LeftButton)
    assert win.composer.text() == welcome.EXAMPLES[1][2]
    qtbot.waitUntil(lambda: win.composer.edit.hasFocus(), timeout=2_000)
    assert win.rt.store.list() == [] and win.welcome.isVisible()


def test_panel_leaves_when_the_chat_has_messages_and_returns_for_a_new_chat(qtbot, make_window, test_catalog):
    """The panel is the empty chat's content: a first message replaces it, New chat brings it back."""
    from tests.ui.conftest import send_and_wait

    win = make_window()
    assert win.welcome.isVisible()
    send_and_wait(qtbot, win, "hello")
    assert not win.welcome.isVisible()
    win.conversations.new()
    qtbot.waitUntil(lambda: win.welcome.isVisible(), timeout=2_000)


def test_nothing_is_offered_when_no_chinese_model_fits(qtbot, make_window, test_catalog, monkeypatch):
    """With too little free memory the panel says so instead of offering a download that would not run."""
    monkeypatch.setattr("aigc_desktop.hub.fit.available_memory", lambda: 64 * 2**20)
    win = make_window()
    win.welcome.refresh()
    assert win.welcome.state == "nothing_fits" and not win.welcome.action_button.isVisible()
    assert "too little free memory" in win.welcome.note.text()


def test_the_card_names_the_model_the_chat_switched_to(qtbot, make_window, test_catalog):
    """Choosing a provider's model in the toolbar for the empty chat renames the card's model (with its
    provider); a new chat, answered by the loaded model again, names that one."""
    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.model_cache import remember_models

    ProviderStore().add("本机服务器", "http://127.0.0.1:9/v1", kind="llama.cpp")
    long_id = "Qwen/Qwen3-30B-A3B-Instruct-2507-GGUF:Q4_K_M"
    remember_models("本机服务器", [long_id])
    win = make_window()
    win.model_choice.refresh_combo()
    panel = win.welcome
    assert panel.model_title.text() == welcome.TEXT["starter_title"]
    index = win.model_combo.findData(f"本机服务器/{long_id}")
    win.model_combo.setCurrentIndex(index)
    win.model_combo.activated.emit(index)
    assert panel.isVisible()
    assert panel.model_title.text() == f"{long_id} (本机服务器)"
    assert "本机服务器" in panel.model_text.text()
    win.conversations.new()
    qtbot.waitUntil(lambda: panel.model_title.text() == welcome.TEXT["starter_title"], timeout=2_000)


def test_a_small_window_shows_the_card_from_its_top(qtbot, make_window, test_catalog):
    """At 800×600 the card does not fit: the empty chat shows it from its top (the chat's follow-the-newest
    scrolling used to take it to its bottom, hiding the welcome and the model in use)."""
    from tests.ui.conftest import settle

    win = make_window(load_model=False)
    win.resize(800, 600)
    settle(qtbot, win)
    bar = win.chat.verticalScrollBar()
    assert win.welcome.isVisible() and bar.maximum() > 0 and bar.value() == 0
    top = win.welcome.model_title.mapTo(win.chat.viewport(), win.welcome.model_title.rect().topLeft()).y()
    assert 0 <= top < win.chat.viewport().height()
