"""Split GGUF sets in the Models window: one row in Search and Catalog, downloaded whole, one model
in Installed and the toolbar, loaded from part 1 for a real chat; an incomplete set resumed from
Installed and deleted whole after one question."""

from __future__ import annotations

import pytest

from aigc_desktop.hub.catalog import CatalogEntry, list_gguf_files
from aigc_desktop.hub.download import DownloadError, part_path
from aigc_desktop.hub.splits import download_model
from aigc_desktop.paths import app_paths
from aigc_desktop.ui.models.common import human_size
from tests.hub.hub_fixtures import SPLIT_PARTS, SPLIT_REPO, SPLIT_SET
from tests.ui.conftest import send_and_wait


STATUS = 6  # the Installed table's Status column


def _total(hub) -> int:
    return sum(f.size for f in hub.state.repos[SPLIT_REPO].values())


def _combo_paths(win) -> list[str]:
    return [win.model_combo.itemData(i) for i in range(win.model_combo.count())]


def test_set_from_search_downloads_whole_lists_once_and_chats(qtbot, make_window, split_hub):
    """Search shows one row "(2 parts)" with the total size; Download fetches both; one model; it loads and chats."""
    win = make_window()
    dlg = win.show_models()
    dlg.show_files(SPLIT_REPO)
    qtbot.waitUntil(lambda: dlg.files.rowCount() == 1, timeout=30_000)
    total = _total(split_hub)
    assert dlg.files.item(0, 0).text() == f"{SPLIT_SET} (2 parts)"
    assert dlg.files.item(0, 1).text() == human_size(total) and dlg.files.item(0, 2).text() == "Q4_1"
    dlg.files.selectRow(0)
    values = []
    dlg.downloadProgress.connect(lambda job, done, size: values.append((done, size)))
    with qtbot.wait_signal(dlg.downloadFinished, timeout=120_000) as blocker:
        dlg._download_selected_file()
    assert blocker.args[1] == "done" and "2 parts" in blocker.args[2], blocker.args
    assert [d for d, _ in values] == sorted(d for d, _ in values) and values[-1] == (total, total)
    assert any(d < total / 2 for d, _ in values) and all(size == total for _, size in values)
    folder = app_paths().models
    first, second = str(folder / SPLIT_PARTS[0]), str(folder / SPLIT_PARTS[1])
    assert first in dlg.installed_paths() and second not in dlg.installed_paths()
    row = dlg.installed_paths().index(first)
    assert dlg.installed.item(row, 0).text() == SPLIT_SET.removesuffix(".gguf")
    assert dlg.installed.item(row, 1).text() == human_size(total)
    assert dlg.installed.item(row, STATUS).text() == "2 parts"
    assert first in _combo_paths(win) and second not in _combo_paths(win)
    dlg.select_installed(first)
    assert dlg.use_btn.isEnabled() and dlg.installed_tab.resume_btn.isHidden()
    with qtbot.wait_signal(win.modelReady, timeout=60_000):
        dlg.use_btn.click()
    assert str(win.rt.engine.model.path) == first
    reply = send_and_wait(qtbot, win, "hello")
    message = win.rt.store.get_message(reply)
    assert message.status == "done" and message.content.strip()


def test_catalog_entry_of_a_set_downloads_every_part(qtbot, make_window, split_hub, monkeypatch):
    """A catalog entry naming a set's first part shows "(2 parts)" and its Download fetches the whole set."""
    from aigc_desktop.ui.models import catalog

    total = _total(split_hub)
    entry = CatalogEntry("Smol split", SPLIT_REPO, SPLIT_PARTS[0], total, "Apache-2.0", ("en",), "", 2)
    monkeypatch.setattr(catalog, "load_catalog", lambda: [entry])
    win = make_window(load_model=False)
    dlg = win.show_models()
    assert dlg.catalog.item(0, 1).text() == f"{SPLIT_SET} (2 parts)"
    assert dlg.catalog.item(0, 2).text() == human_size(total)
    assert dlg.catalog.item(0, 6).toolTip() == ""  # no note, no empty tooltip
    dlg.catalog.selectRow(0)
    with qtbot.wait_signal(dlg.downloadFinished, timeout=120_000) as blocker:
        dlg.catalog_tab.download_selected()
    assert blocker.args[1] == "done", blocker.args
    folder = app_paths().models
    assert all((folder / name).is_file() for name in SPLIT_PARTS)


def test_incomplete_set_resumes_from_installed_and_is_deleted_whole(qtbot, make_window, split_hub):
    """Part 2 cut: Installed says "incomplete", Use/Default are off with a reason, Resume finishes it;
    Delete asks once and removes every part."""
    [remote] = list_gguf_files(SPLIT_REPO)
    split_hub.state.cut_after, split_hub.state.cut_only = 5_000_000, SPLIT_PARTS[1]
    with pytest.raises(DownloadError):
        download_model(remote, retries=0)
    folder = app_paths().models
    kept = part_path(remote.parts[1], folder).stat().st_size
    win = make_window(load_model=False)
    dlg = win.show_models()
    first = str(folder / SPLIT_PARTS[0])
    assert first not in _combo_paths(win)  # an incomplete set is not offered to the chat
    row = dlg.installed_paths().index(first)
    assert dlg.installed.item(row, STATUS).text() == "incomplete: 1 of 2 parts"
    dlg.select_installed(first)
    resume = dlg.installed_tab.resume_btn
    assert not dlg.use_btn.isEnabled() and not dlg.default_btn.isEnabled()
    assert "1 of the 2 parts" in dlg.use_btn.toolTip() and "Resume" in dlg.default_btn.toolTip()
    assert not resume.isHidden() and resume.isEnabled()
    [(job_id, download_row)] = dlg.downloads_tab.rows.items()  # the set is one paused download, not a part
    assert "(2 parts)" in download_row.label.text() and dlg.downloads.job(job_id).state == "paused"
    assert dlg.installed.item(row, 3).text() == "?"  # not the parameters of part 1 alone
    with qtbot.wait_signal(dlg.downloadFinished, timeout=120_000) as blocker:
        resume.click()
    assert blocker.args[0] == job_id and blocker.args[1] == "done", blocker.args
    assert [r for r in split_hub.downloads() if r[1].endswith(SPLIT_PARTS[1])][-1][2] == f"bytes={kept}-"
    row = dlg.installed_paths().index(first)
    assert dlg.installed.item(row, STATUS).text() == "2 parts" and first in _combo_paths(win)
    asked = []
    dlg.confirm = lambda title, text: asked.append(text) or True
    dlg.select_installed(first)
    dlg.delete_btn.click()
    assert len(asked) == 1 and "All 2 of its parts" in asked[0]
    assert list(folder.glob("*.gguf*")) == [] and first not in dlg.installed_paths()
    assert first not in _combo_paths(win)
