"""The welcome panel itself: its states, the one-click download and the switch to the new model.

One idea: the card's state machine. Its widgets and restyling are :class:`WelcomeCard`
(``card.py``), its words, look, Hub lookup and host in the chat the package's other
modules. Built with what it uses; the
downloads and the model choice (``use``, ``modelReady``, ``modelFailed``) come with :meth:`attach`.

Signals of WelcomePanel (GUI thread):
    stateChanged(str state)   starting, idle, installed, offline, looking, downloading,
                              unreachable, failed, switching, ready, nothing_fits
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Signal, Slot

from aigc_desktop.errors import UserError
from aigc_desktop.hub import catalog as catalog_mod
from aigc_desktop.hub import fit
from aigc_desktop.hub.catalog import CatalogEntry, RemoteFile
from aigc_desktop.hub.endpoint import hub_config
from aigc_desktop.hub.library import model_info, set_default_model, starter_model_path
from aigc_desktop.hub.recommend import recommend, writes_chinese
from aigc_desktop.hub.splits import model_name
from aigc_desktop.i18n import _
from aigc_desktop.ui.models.common import human_size
from aigc_desktop.ui.kit.tasks import op
from aigc_desktop.ui.welcome.card import WelcomeCard
from aigc_desktop.ui.welcome.lookup import Unreachable, eta_text, find_remote, host_of
from aigc_desktop.ui.welcome.text import BUSY, MIRROR_ENDPOINT, TEXT

log = logging.getLogger(__name__)


class WelcomePanel(WelcomeCard):
    stateChanged = Signal(str)

    def __init__(self, ctx, engine, composer) -> None:
        super().__init__()
        self.ctx, self.engine, self.composer = ctx, engine, composer
        self.connect_card()
        self.downloads = self.model_choice = None  # given by attach
        self.setObjectName("welcomePanel")
        self.state = "starting"
        self.entry: CatalogEntry | None = None  # the recommendation
        self.remote: RemoteFile | None = None  # its Hub listing, once looked up
        self.job_id: int | None = None
        self._downloaded: str | None = None  # the path being switched to
        self._lookup = None
        self._show("starting")

    # -- wiring (the window calls attach once its services are in) -----------------------
    def attach(self, downloads, model_choice, settings_bridge) -> None:
        self.downloads, self.model_choice = downloads, model_choice
        model_choice.modelReady.connect(self._model_ready)
        model_choice.modelFailed.connect(self._model_failed)
        model_choice.answererChanged.connect(self._answerer_changed)  # a provider's model chosen for the chat
        model_choice.conversations.currentChanged.connect(self._answerer_changed)  # another chat: its own model
        self.engine.loadStarted.connect(self._load_started)
        downloads.progress.connect(self._progress)
        downloads.finished.connect(self._finished)
        settings_bridge.changed.connect(self._settings_changed)
        self.refresh()

    @Slot(object, object)
    def _settings_changed(self, _settings, changed) -> None:
        """The window's settings bridge (GUI thread): offline and the Hub address change the offer."""
        if changed & {"offline", "hub_endpoint"} and self.state not in BUSY:
            self.refresh()

    # -- what to show --------------------------------------------------------------------
    def refresh(self) -> None:
        """Describe the loaded model and work out the offer; opens no connection."""
        if self.ctx.rt is None or self.state in BUSY:
            return
        self._describe_model()
        free = fit.available_memory()
        try:
            entries = catalog_mod.load_catalog(catalog_mod.CATALOG_FILE)
        except UserError as exc:
            return self._show("failed", str(exc))
        allow_split = "parts" in getattr(CatalogEntry, "__dataclass_fields__", {})  # sets download whole
        self.entry = recommend(entries, free, allow_split=allow_split)
        loaded = self._loaded_entry(entries)
        if loaded is not None and writes_chinese(loaded):
            return self._show("ready", _(TEXT["ready"]).format(name=loaded.name))
        if self.entry is None:
            return self._show("nothing_fits", _(TEXT["nothing_fits"]).format(free=human_size(free)))
        e = self.entry
        key = "offer" if fit.estimate(e.size, free) == fit.FITS else "offer_tight"
        self.offer_text.setText(_(TEXT[key]).format(name=e.name, free=f"{free / 2**30:.0f} GB"))
        running = next((j for j in self.downloads.jobs if j.active and j.remote.repo == e.repo
                        and j.remote.filename == e.file), None)
        if running is not None:
            self.job_id, self.remote = running.id, running.remote
            return self._show("downloading", _(TEXT["progress_start"]).format(host=self._endpoint_host()))
        if self._installed_path() is not None:
            return self._show("installed")
        config = self._config()
        if config is not None and config.offline:
            forced = not self.ctx.rt.settings_store.current().offline
            return self._show("offline", _(TEXT["offline_forced"]).format(message=self._offline_message(config))
                              if forced else _(TEXT["offline"]))
        self._show("idle")

    def _show(self, state: str, note: str = "") -> None:
        self.state = state
        e = self.entry
        name, size = (e.name, human_size(e.size)) if e else ("", "")
        self.offer.setVisible(state != "starting")
        offering = e is not None and state not in ("ready", "nothing_fits", "switching")
        self.offer_caption.setVisible(offering)
        self.offer_text.setVisible(offering)
        primary = {"idle": _(TEXT["download"]).format(name=name, size=size),
                   "installed": _(TEXT["use_installed"]).format(name=name),
                   "offline": _(TEXT["offline_button"])}.get(state)
        self.action_button.setVisible(primary is not None)
        if primary:
            self.action_button.setText(primary)
        self.action_button.setEnabled(not (state == "offline" and not self.ctx.rt.settings_store.current().offline))
        self.mirror_button.setVisible(state == "unreachable"
                                      or state == "failed" and self.remote is not None
                                      and self._endpoint_host() != host_of(MIRROR_ENDPOINT))
        self.retry_button.setVisible(state in ("unreachable", "failed") and e is not None)
        downloading = state in ("looking", "downloading")
        self.progress_bar.setVisible(downloading)
        self.cancel_button.setVisible(state == "downloading")
        self.progress_text.setVisible(downloading)
        if state == "looking":
            self.progress_bar.setRange(0, 0)
            self.progress_text.setText(note)
            note = ""
        elif state == "downloading":
            self.progress_bar.setRange(0, 1000)
            self.progress_bar.setValue(0)
            self.progress_text.setText(note)
            note = ""
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.note.setProperty("tone", "good" if state in ("ready", "switching") else "warn")
        self.restyle(force=True)
        if state == "starting":
            self.model_title.setText(_(TEXT["starting"]))
            self.model_text.setText("")
        self.stateChanged.emit(state)

    def _describe_model(self) -> None:
        """The model that answers the open chat: a provider's (named with it), else the loaded one."""
        if self._describe_remote():
            return
        model = self.engine.model
        if model is None:
            loading = self.engine.loading
            self.model_title.setText(_(TEXT["loading"]).format(name=model_name(loading)) if loading else _(TEXT["no_model"]))
            self.model_text.setText("")
            return
        path = Path(model.path)
        starter = starter_model_path()
        if starter is not None and path.resolve() == starter.resolve():
            self.model_title.setText(_(TEXT["starter_title"]))
            self.model_text.setText(_(TEXT["starter_text"]))
            return
        try:
            params = model_info(path).parameters_label
        except (OSError, UserError, ValueError):
            params = "?"
        size = human_size(path.stat().st_size) if path.exists() else "?"
        try:
            entry = self._loaded_entry(catalog_mod.load_catalog(catalog_mod.CATALOG_FILE))
        except UserError:
            entry = None
        key = "model_unknown" if entry is None else "model_zh" if writes_chinese(entry) else "model_en"
        self.model_title.setText(_(TEXT["model_title"]).format(name=entry.name if entry else model.name))
        self.model_text.setText(_(TEXT[key]).format(size=size, params=params))

    def _describe_remote(self) -> bool:
        ref = self.model_choice.remote_model() if self.model_choice is not None else None
        target = self.ctx.rt.router.split(ref) if ref and getattr(self.ctx.rt, "router", None) else None
        if target is None:
            return False
        provider, model_id = target
        self.model_title.setText(_(TEXT["remote_title"]).format(model=model_id, provider=provider.name))
        self.model_text.setText(_(TEXT["remote_text"]).format(provider=provider.name))
        return True

    @Slot()
    def _answerer_changed(self) -> None:
        """Another model answers the open chat now (or another chat opened): the card names it."""
        if self.ctx.rt is not None and self.state not in ("starting", "switching"):
            self._describe_model()

    def _loaded_entry(self, entries) -> CatalogEntry | None:
        model = self.engine.model
        if model is None:
            return None
        return next((e for e in entries if e.file == Path(model.path).name), None)

    def _installed_path(self) -> Path | None:
        path = self.downloads.dest_dir / self.entry.file
        return path if path.is_file() else None

    def _config(self):
        try:
            return hub_config(self.ctx.rt.settings_store)
        except UserError as exc:
            self._show("failed", str(exc))
            return None

    def _endpoint_host(self) -> str:
        config = self._config()
        return host_of(config.endpoint) if config else ""

    @staticmethod
    def _offline_message(config) -> str:
        try:
            config.require_online()
        except UserError as exc:
            return str(exc)
        return ""

    # -- actions (each one a click) ------------------------------------------------------
    @Slot()
    def primary_clicked(self) -> None:
        if self.state == "offline":
            self.turn_offline_off()
        elif self.state == "installed":
            self._switch_to(str(self._installed_path()))
        else:
            self.start()

    @Slot()
    def start(self) -> None:
        """Look the recommended file up on the Hub, then download it (the one click)."""
        if self.entry is None or self.state in BUSY:
            return
        config = self._config()
        if config is None:
            return
        if config.offline:
            return self.refresh()
        self._show("looking", _(TEXT["looking"]).format(file=self.entry.file, host=host_of(config.endpoint)))
        self._lookup = op(self, find_remote, self.entry, config).success(self._found).failure(self._lookup_failed)
        self._lookup.run()

    def _found(self, result) -> None:
        if isinstance(result, Unreachable):
            host = self._endpoint_host()
            return self._show("unreachable", _(TEXT["unreachable"]).format(host=host))
        self.remote = result
        try:
            job = self.downloads.start(result)
        except UserError as exc:
            return self._show("failed", str(exc))
        self.job_id = job.id
        self._show("downloading", _(TEXT["progress_start"]).format(host=self._endpoint_host()))

    def _lookup_failed(self, message: str) -> None:
        self._show("failed", _(TEXT["failed"]).format(message=message))

    @Slot()
    def use_mirror(self) -> None:
        """Save the mirror as the Hub address (one writer: the settings store), then try again."""
        try:
            self.ctx.rt.settings_store.update(hub_endpoint=MIRROR_ENDPOINT)
        except UserError as exc:
            return self._show("failed", str(exc))
        self._show("idle")
        self.start()

    @Slot()
    def turn_offline_off(self) -> None:
        try:
            self.ctx.rt.settings_store.update(offline=False)
        except UserError as exc:
            return self._show("failed", str(exc))
        self.refresh()

    @Slot()
    def cancel(self) -> None:
        if self.job_id is not None:
            self.downloads.cancel(self.job_id)

    @Slot(str)
    def fill_composer(self, prompt: str) -> None:
        """An example goes into the composer to edit or send; it is not sent for the person."""
        self.composer.set_text(prompt)
        self.composer.edit.setFocus()

    # -- the download and the switch ------------------------------------------------------
    @Slot(int, "qint64", "qint64", float, object)
    def _progress(self, job_id: int, done: int, total: int, speed: float, eta) -> None:
        if job_id != self.job_id or self.state != "downloading":
            return
        self.progress_bar.setValue(int(1000 * done / total) if total else 0)
        self.progress_text.setText(_(TEXT["progress"]).format(done=human_size(done), total=human_size(total),
                                                           speed=human_size(int(speed)), eta=eta_text(eta)))

    @Slot(int, str, str)
    def _finished(self, job_id: int, state: str, message: str) -> None:
        if job_id != self.job_id:
            return
        self.job_id = None
        if state == "done":
            path = self.downloads.job(job_id).path
            self.progress_bar.setValue(1000)
            return self._switch_to(str(path))
        if state == "cancelled":
            return self._show("idle", _(TEXT["cancelled"]))
        self._show("failed", _(TEXT["failed"]).format(message=message))

    def _switch_to(self, path: str) -> None:
        try:
            set_default_model(path, self.ctx.rt.settings_store)
        except UserError as exc:
            return self._show("failed", str(exc))
        self._downloaded = path
        self._show("switching", _(TEXT["switching"]).format(name=self.entry.name if self.entry else model_name(path)))
        self.model_choice.use(path)

    @Slot(str)
    def _load_started(self, path: str) -> None:
        if self.state not in BUSY:
            self._describe_model()
            self.model_title.setText(_(TEXT["loading"]).format(name=model_name(path)))
            self.model_text.setText("")

    @Slot(str)
    def _model_ready(self, name: str) -> None:
        if self.state == "switching":
            self.state = "idle"  # no longer busy: refresh works the new state out
        self._downloaded = None
        self.refresh()

    @Slot(str)
    def _model_failed(self, message: str) -> None:
        if self.state == "switching":
            self._downloaded = None
            self._show("failed", message)
        else:
            self.refresh()

    # -- look ----------------------------------------------------------------------------
