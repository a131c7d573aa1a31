"""The status bar's "Local API" toggle: serve the loaded model to other programs.

Off, it reads "Local API: off"; on, it shows the base URL
(``http://127.0.0.1:PORT/v1``), and Copy puts that address on the clipboard.
It starts and stops a :class:`LocalServer` on the app's local engine, bound
to 127.0.0.1 only, whose requests run as jobs on the window's engine thread through the
engine client's gate (so the ``Llama`` sees one thread, a request holds the engine's
lease while it runs, and the window's Stop ends it) (a wider bind needs a key: that is the CLI's ``serve``).
Starting waits for the socket and stopping joins the server's thread, both up
to seconds, so they run on a Python thread (``ui/kit/tasks.py``). The usual port
is 8765; when another program holds it, a free one is taken.

The gear beside it opens the Local API's settings (``serve_settings.py``): the web
pages (origins) allowed to use it, kept in the ``local_api_origins`` setting. Every
other web page, and any request not addressed to 127.0.0.1/localhost, is refused
(``server/guard.py``); at most a few requests wait for the engine, the rest get 429.

Signals:
    stateChanged(str base_url)   "" when the server is off
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QApplication, QHBoxLayout, QPushButton, QToolButton, QWidget

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.server.local import DEFAULT_PORT, LocalServer
from aigc_desktop.ui.kit import style, tasks


def _start(server: LocalServer) -> str:
    try:
        return server.start()
    except UserError:
        if server.port == 0:
            raise
        server.port = 0  # the usual port is taken (another app, another window): any free one
        return server.start()


class ServeToggle(QWidget):
    stateChanged = Signal(str)

    def __init__(self, ctx, engine, banner, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.engine, self.banner = ctx, engine, banner
        self.port = DEFAULT_PORT
        self.server: LocalServer | None = None
        self._busy = False
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.button = QPushButton(_("Local API: off"))
        self.button.setObjectName("serveToggle")
        self.button.setCheckable(True)
        self.button.setFlat(True)
        self.button.setToolTip(_("Serve the loaded model to other programs on this computer "
                                 "(OpenAI-compatible, /v1)"))
        self.button.clicked.connect(self.toggle)
        self.copy_button = QToolButton()
        self.copy_button.setText(_("Copy"))
        self.copy_button.setToolTip(_("Copy the address"))
        self.copy_button.setVisible(False)
        self.copy_button.clicked.connect(self.copy_address)
        self.settings_button = QToolButton()
        self.settings_button.setObjectName("serveSettings")
        style.set_icon(self.settings_button, "ph.gear-six")
        self.settings_button.setAutoRaise(True)
        self.settings_button.setToolTip(_("Local API settings: web pages allowed to use it"))
        self.settings_button.clicked.connect(self.edit_settings)
        lay.addWidget(self.button)
        lay.addWidget(self.copy_button)
        lay.addWidget(self.settings_button)

    @property
    def base_url(self) -> str:
        return self.server.base_url if self.server is not None and self.server.running else ""

    @Slot()
    def toggle(self) -> None:
        if self._busy:
            self.button.setChecked(self.server is not None)
            return
        if self.server is None:
            self.start()
        else:
            self.stop()

    def start(self) -> None:
        rt = self.ctx.rt
        if rt is None or not self.engine.is_loaded:
            self.button.setChecked(False)
            self.banner.show_error(_("Load a model first: the local API serves the model this window has loaded."))
            return
        self._busy = True
        self.button.setText(_("Local API: starting…"))
        self.server = LocalServer(rt.engine, "127.0.0.1", self.port, gate=self.engine.gate(),
                                  allow_origins=self.allowed_origins())
        tasks.op(self, _start, self.server).success(self._started).failure(self._start_failed).run()

    def _started(self, base_url: str) -> None:
        self._busy = False
        self.button.setChecked(True)
        self.button.setText(_("Local API: {url}").format(url=base_url))
        self.copy_button.setVisible(True)
        self.banner.show_info(_("Other programs can now use the loaded model at {url}. Their requests "
                                    "take turns with this window's replies.").format(url=base_url))
        self.stateChanged.emit(base_url)

    def _start_failed(self, message: str) -> None:
        self._busy = False
        self.server = None
        self._show_off()
        self.banner.show_error(message)
        self.stateChanged.emit("")

    def stop(self) -> None:
        if self.server is None:
            return
        self._busy = True
        self.button.setText(_("Local API: stopping…"))
        tasks.op(self, self.server.stop).always(self._stopped).run()

    def _stopped(self) -> None:
        self._busy = False
        self.server = None
        self._show_off()
        self.stateChanged.emit("")

    def _show_off(self) -> None:
        self.button.setChecked(False)
        self.button.setText(_("Local API: off"))
        self.copy_button.setVisible(False)

    def allowed_origins(self) -> list[str]:
        rt = self.ctx.rt
        return list(rt.settings.local_api_origins) if rt is not None else []

    def settings_dialog(self):
        from aigc_desktop.ui.engine.serve_settings import ServeSettingsDialog

        return ServeSettingsDialog(self.allowed_origins(), self.base_url, self.window())

    @Slot()
    def edit_settings(self) -> None:
        rt = self.ctx.rt
        if rt is None:
            return
        dialog = self.settings_dialog()
        if dialog.exec() and dialog.origins != self.allowed_origins():
            try:
                rt.settings_store.update(local_api_origins=dialog.origins)
            except UserError as exc:
                self.banner.show_error(str(exc))
                return
            if self.server is not None:
                self.banner.show_info(_("The allowed web pages change when the Local API starts again."))
        dialog.deleteLater()

    @Slot()
    def copy_address(self) -> None:
        if self.base_url:
            QApplication.clipboard().setText(self.base_url)

    def shutdown(self) -> None:
        """On close: stop the server here and now (bounded by LocalServer.stop)."""
        if self.server is not None:
            self.server.stop()
            self.server = None
