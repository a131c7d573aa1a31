"""``aigc-desktop --smoke-test``: does the installed window chat offline?

Used by ``packaging/smoke.sh`` on a built bundle. It starts the window the way
``ui/app.main`` does (on whatever display there is, or ``offscreen`` when there is none),
waits for the starter model to load, sends one message through the composer as a person
would, waits for the reply, and checks the reply was saved (``aigc_desktop.smoke``).
Prints ``OK`` and exits 0, or prints the reason and exits 1. A watchdog ends the run
with 1 if the model or the reply never comes.

Signals are received by this module's ``SmokeRun`` slots (GUI-thread signals of the
window, so plain connections are enough; no worker signal reaches this object).
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from aigc_desktop.smoke import SMOKE_MESSAGE, check_reply

#: Generous for a cold start of a large bundled model on a slow disk.
TIMEOUT_MS = 180_000


class SmokeRun(QObject):
    """Drives one window from start to a saved reply, then quits the app with the result."""

    def __init__(self, app, window, runtime) -> None:
        super().__init__(window)
        self.app, self.win, self.rt = app, window, runtime
        self.code: int | None = None
        window.modelReady.connect(self._on_model_ready)
        window.modelFailed.connect(self._on_model_failed)
        window.turnFinished.connect(self._on_turn_finished)
        self._watchdog = QTimer(self, singleShot=True, interval=TIMEOUT_MS)
        self._watchdog.timeout.connect(self._on_timeout)
        self._watchdog.start()

    def _finish(self, code: int, line: str) -> None:
        if self.code is None:
            self.code = code
            print(line, file=sys.stdout if code == 0 else sys.stderr, flush=True)
            self.app.quit()

    @Slot(str)
    def _on_model_ready(self, name: str) -> None:
        edit = self.win.composer.edit
        edit.setPlainText(SMOKE_MESSAGE)
        edit.setFocus()
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(edit, QKeyEvent(kind, Qt.Key_Return, Qt.NoModifier))

    @Slot(str)
    def _on_model_failed(self, message: str) -> None:
        self._finish(1, f"smoke test failed: the model did not load: {message}")

    @Slot(int)
    def _on_turn_finished(self, message_id: int) -> None:
        problem = check_reply(self.rt.store, message_id)
        if problem:
            self._finish(1, f"smoke test failed: {problem}")
        else:
            self._finish(0, "OK: the window loaded the starter model, replied and saved the reply")

    @Slot()
    def _on_timeout(self) -> None:
        self._finish(1, f"smoke test failed: no reply within {TIMEOUT_MS // 1000} s")


def run(argv: list[str] | None = None) -> int:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from aigc_desktop.errors import UserError
    from aigc_desktop.paths import app_paths
    from aigc_desktop.runtime import open_runtime
    from aigc_desktop.settings import SettingsStore
    from aigc_desktop.ui.app import install_language
    from aigc_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]] if argv is None else argv)
    app.setApplicationName("AIGC Desktop")
    settings_store = SettingsStore(app_paths().settings_file)
    install_language(app, settings_store.current().language)
    try:
        runtime = open_runtime(hold_lock=True, settings_store=settings_store)
    except UserError as exc:
        print(f"smoke test failed: {exc}", file=sys.stderr)
        return 1
    try:
        window = MainWindow(None, settings_store)
        window.show()
        window.attach(runtime)
        smoke = SmokeRun(app, window, runtime)
        QTimer.singleShot(0, window.model_choice.load_default)
        app.exec()
        window.close()
        return smoke.code if smoke.code is not None else 1
    finally:
        runtime.close()
