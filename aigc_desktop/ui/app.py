"""QApplication bootstrap: the single place the GUI builds its services."""

from __future__ import annotations

import logging
import sys

from aigc_desktop.i18n import _

log = logging.getLogger(__name__)


def _excepthook(exc_type, exc, tb) -> None:
    """A bug: traceback to the log file, a short note on screen, the app stays up.

    A :class:`UserError` that escaped a slot (a full disk while starting a chat, say)
    is not a bug: its message goes to the window's banner.
    """
    from aigc_desktop.errors import UserError

    if issubclass(exc_type, UserError):
        log.warning("%s", exc, exc_info=(exc_type, exc, tb))
        try:
            from PySide6.QtWidgets import QApplication

            windows = [QApplication.activeWindow()] + QApplication.topLevelWidgets()
            for widget in windows:
                if widget is not None and widget.isVisible() and hasattr(widget, "show_error") and hasattr(widget, "banner"):
                    widget.show_error(str(exc))
                    return
        except Exception:
            pass
    log.error("unhandled exception", exc_info=(exc_type, exc, tb))
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox

        from aigc_desktop.paths import app_paths

        if QApplication.instance() is not None:
            QMessageBox.warning(
                None,
                "AIGC Desktop",
                _("Something went wrong: {error}\nDetails are in {path}").format(error=exc, path=app_paths().log_file),
            )
    except Exception:
        pass


def _close_on_sigterm(app, window) -> None:
    """SIGTERM (logout, `kill`) and SIGINT (^C) close the window the normal way: the reply being
    written is stopped and saved, the engine thread ends, the lock is released."""
    import signal

    from PySide6.QtCore import QTimer

    def handle(signum, _frame) -> None:
        log.info("%s: closing", signal.Signals(signum).name)
        window.terminating = True
        QTimer.singleShot(0, app.closeAllWindows)

    try:
        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)  # ^C in the terminal that started it
    except ValueError:  # not the main thread (embedded use)
        return
    # Python runs signal handlers only when it gets control; Qt's event loop is C++.
    app._signal_tick = QTimer()
    app._signal_tick.timeout.connect(lambda: None)
    app._signal_tick.start(250)


def install_language(app, setting: str) -> str:
    """The app's language for every ``_()`` (core and window), and Qt's own strings (standard
    buttons, file dialogs: ``ui/kit/qt_translations.py``)."""
    from PySide6.QtCore import QLocale

    from aigc_desktop import i18n
    from aigc_desktop.ui.kit import qt_translations

    language = i18n.install(setting=setting)
    QLocale.setDefault(QLocale(language))
    app._qt_translators = qt_translations.install(app, language)  # kept alive with the app
    return language


def main(argv: list[str] | None = None) -> int:
    if "--smoke-test" in (sys.argv if argv is None else argv)[1:]:  # packaging/smoke.sh: chat once, exit 0/1
        from aigc_desktop.ui.smoke import run

        return run([a for a in (sys.argv if argv is None else argv) if a != "--smoke-test"])
    if (sys.argv if argv is None else argv)[1:2] == ["--probe-gguf"]:  # a frozen bundle's model check child
        from aigc_desktop.llm.probe import child_main

        return child_main((sys.argv if argv is None else argv)[2:])
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from aigc_desktop.local_files import set_aside_damaged
    from aigc_desktop.paths import app_paths
    from aigc_desktop.settings import SettingsStore

    app = QApplication.instance() or QApplication(sys.argv if argv is None else argv)
    app.setApplicationName("AIGC Desktop")
    app.setOrganizationName("aigc-desktop")
    sys.excepthook = _excepthook
    from aigc_desktop.ui.kit import emoji_font
    from aigc_desktop.ui.main_window import MainWindow

    try:  # before anything reads them: a damaged settings or cache file is kept as .bad, defaults used
        set_aside = set_aside_damaged()
    except OSError:  # an unreadable home folder: opening the database says so
        set_aside = []
    # Show the window first: the database layer and llama.cpp load behind it.
    settings_store = SettingsStore(app_paths().settings_file)  # the one writer, shared with the runtime
    install_language(app, settings_store.current().language)
    window = MainWindow(None, settings_store)
    from aigc_desktop.ui.window_state import restore_geometry

    restore_geometry(window, settings_store)  # where and as large as it was last time
    window.show()
    app.processEvents()  # paint the window before the slow imports
    state: dict = {}

    def start_services() -> None:
        from aigc_desktop.errors import UserError
        from aigc_desktop.runtime import open_runtime

        try:
            runtime = open_runtime(hold_lock=True, settings_store=settings_store)
        except UserError as exc:
            QMessageBox.critical(window, "AIGC Desktop", str(exc))
            state["code"] = 1
            app.quit()
            return
        state["runtime"] = runtime
        window.attach(runtime)
        if not runtime.sole_instance:
            window.banner.show_info(
                _("Another AIGC Desktop window (or a command-line chat) is using this data folder. "
                  "Both are safe to use; each window's list refreshes when you switch to it.")
            )
        window.report_set_aside(set_aside)  # after the note above: this one stays until clicked
        window.model_choice.load_default()

    QTimer.singleShot(0, start_services)
    QTimer.singleShot(0, lambda: emoji_font.register(app))  # after the first frame (ui/kit/emoji_font.py)
    _close_on_sigterm(app, window)
    code = app.exec()
    if "runtime" in state:
        state["runtime"].close()
    return state.get("code", code)

if __name__ == "__main__":
    raise SystemExit(main())
