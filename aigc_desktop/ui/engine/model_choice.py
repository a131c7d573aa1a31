"""Which model the chat uses: the default at start, the toolbar's model list, a
file chosen by hand, a conversation's own model and context length.

The list also names providers' models as ``provider/model``, from the
provider config and the model ids remembered at Test connection: building it
opens no connection. Choosing one sets the conversation's model; the router
answers it on the server, so no local model is loaded for it.

Loads go to the engine thread through the :class:`EngineClient`; what is loaded
is read from the client's GUI-side copy, never from the engine (one exception: the
engine's ``gpu_note``, a string set before the load is reported, says a GPU load fell
back to the CPU; the worker's ``loaded`` signal has no room for it).

Built with what it uses, not the window: the runtime holder, the engine client, the
conversation controller (the open chat and its model), the toolbar's list, the status
bar's label and load bar, the composer, the banner and the prompts.

Signals:
    modelReady(str name)      a load finished
    modelFailed(str message)  a load failed (the previous model is still loaded)
    aboutToLoad()             a load is about to be queued (evaluating ahead is cancelled)
    answererChanged()         the open chat is now answered by a provider's model
    contextChanged()          the loaded model's context changed (for the context meter)
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _, sentences
from aigc_desktop.hub.library import installed_models, resolve_model
from aigc_desktop.hub.splits import model_name
from aigc_desktop.ui.chat.turns import NO_MODEL_HELP


class ModelChoice(QObject):
    modelReady = Signal(str)
    modelFailed = Signal(str)
    aboutToLoad = Signal()
    answererChanged = Signal()
    contextChanged = Signal()

    def __init__(self, ctx, engine, conversations, model_combo, model_label, load_bar, composer, banner, prompts,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.client, self.conversations = ctx, engine, conversations
        self.combo, self.label, self.load_bar = model_combo, model_label, load_bar
        self.composer, self.banner, self.prompts = composer, banner, prompts
        self._remember: tuple[int, str] | None = None  # (conversation, model) once loaded
        engine.loadStarted.connect(self._on_load_started)
        engine.loaded.connect(self._on_loaded)
        engine.loadFailed.connect(self._on_load_failed)
        model_combo.activated.connect(self.chosen_in_combo)
        conversations.settingsSaved.connect(self._settings_saved)
        conversations.currentChanged.connect(self.show_answerer)  # another chat may be answered by another model

    @property
    def rt(self):
        return self.ctx.rt

    @property
    def name(self) -> str | None:
        return self.client.model.name if self.client.model else None

    # -- the toolbar's list -------------------------------------------------------------
    @Slot()
    def refresh_combo(self) -> None:
        combo = self.combo
        if self.rt is None:
            return
        current = str(self.client.model.path) if self.client.model else None
        combo.blockSignals(True)
        combo.clear()
        for path in installed_models():
            combo.addItem(model_name(path), str(path))  # a split set by the set's name
        if current and combo.findData(current) < 0:
            combo.addItem(model_name(current), current)

        for ref in self.ctx.rt.model_cache.refs():
            combo.addItem(ref, ref)
        remote = self.remote_model()
        if remote:
            if combo.findData(remote) < 0:
                combo.addItem(remote, remote)
            current = remote
        if current:
            combo.setCurrentIndex(combo.findData(current))
        combo.blockSignals(False)

    @Slot(int)
    def chosen_in_combo(self, index: int) -> None:
        path = self.combo.itemData(index)
        if path and self.is_remote(path):
            self.use_remote(path)
        elif path:
            self.use(path)

    def is_remote(self, ref: str | None) -> bool:
        router = getattr(self.rt, "router", None)
        return bool(ref) and router is not None and router.is_remote(ref)

    def remote_model(self) -> str | None:
        """The open conversation's model when it is ``provider/model``, else None."""
        current = self.conversations.current_id
        try:
            model = self.rt.store.get(current).model if current is not None else None
        except UserError:
            return None
        return model if self.is_remote(model) else None

    def use_remote(self, ref: str) -> None:
        """The open chat (or a new one) answers through ``provider/model``; the local model stays as it is."""
        if self.client.busy:
            self.refresh_combo()
            return
        conv = self.conversations
        if conv.current_id is None:
            from aigc_desktop.chat.presets import new_chat_fields

            created = self.rt.service.new_conversation(**{**new_chat_fields(self.rt.settings.default_preset),
                                                          "model": ref})
            conv.open(created.id)
        else:
            self.rt.store.update(conv.current_id, model=ref)
        self.show_answerer()
        self.answererChanged.emit()  # the composer's pill and placeholder: "model (provider)"

    @Slot()
    @Slot(int)
    def show_answerer(self, _conversation_id: int = -1) -> None:
        """The status bar's label and the toolbar's list name the model that answers the open
        chat: its provider's model, else the local one being loaded or loaded (on every switch
        of chat, so a chat answered on a server and a local one never show each other's)."""
        if self.rt is None:
            return
        remote = self.remote_model()
        if remote:
            self.label.setText(_("Model: {name} (on a server)").format(name=remote))
        elif self.client.loading:
            self.label.setText(_("Loading {name}…").format(name=Path(self.client.loading).name))
        elif self.client.model:
            model = self.client.model
            self.label.setText(_("Model: {name} · context {n_ctx:,} tokens").format(name=model.name,
                                                                                   n_ctx=model.n_ctx))
        else:
            self.label.setText(_("No model"))
        self.refresh_combo()

    # -- loading ------------------------------------------------------------------------
    def load_default(self) -> None:
        default = self.rt.settings.default_model
        try:
            path = resolve_model(default or None)
            if default and not path.is_file():
                # The default was deleted or moved: fall back to the starter model.
                path = resolve_model(None)
                self.banner.show_info(_("The default model {default} is missing; using {name} instead. "
                                        "Choose another in Models → Manage models….").format(
                    default=default, name=path.name), sticky=True)
        except UserError:
            self.label.setText(_("No model"))
            self.composer.set_model_name("")
            self.banner.show_info(_(NO_MODEL_HELP), sticky=True)
            return
        self.load(path)

    def load(self, path, n_ctx: int | None = None) -> None:
        self.aboutToLoad.emit()  # evaluating ahead would queue work before the load
        settings = self.rt.settings
        self.client.load(str(path), int(n_ctx or settings.n_ctx), int(settings.n_threads))
        self._show_loading(str(path))  # at once: the engine thread may still be busy with something else

    def _show_loading(self, path: str) -> None:
        self.label.setText(_("Loading {name}…").format(name=Path(path).name))
        self.load_bar.setVisible(True)
        if not self.remote_model():  # a provider's chat is answered by its server: its pill stays
            self.composer.show_loading(model_name(path))

    @Slot(str)
    def use(self, path: str) -> None:
        """Switch the chat to this model. The current conversation remembers it once
        it has loaded (a file that fails to load is not retried on every Send)."""
        current = self.conversations.current_id
        self._remember = (current, str(path)) if current is not None and not self.client.busy else None
        self.load(path)

    @Slot()
    def choose_file(self) -> None:
        path = self.prompts.ask_open_path(_("Open model file"), _("GGUF models (*.gguf)"))
        if path:
            self.load(path)

    # -- a conversation's own model -----------------------------------------------------
    def wanted_model(self) -> tuple[str | None, int]:
        current = self.conversations.current_id
        conv = self.rt.store.get(current) if current is not None else None
        default_ctx = int(self.rt.settings.n_ctx)
        n_ctx = int((conv.sampling or {}).get("n_ctx") or default_ctx) if conv else default_ctx
        return (conv.model if conv and conv.model else None), n_ctx

    def ensure_conversation_model(self) -> None:
        """Queue a model load before the turn when the conversation wants another
        model or context length; the engine thread runs both in order."""
        path, n_ctx = self.wanted_model()
        loaded = self.client.model
        if loaded is None or self.is_remote(path):
            return  # a provider's model is answered by its server
        want_path = Path(path) if path else loaded.path
        if want_path != loaded.path or n_ctx != loaded.n_ctx:
            if path and not Path(path).exists():
                self.banner.show_info(_("This conversation's model {name} is missing; using {loaded}.").format(
                    name=Path(path).name, loaded=loaded.name))
                want_path = loaded.path
                if n_ctx == loaded.n_ctx:
                    return
            self.load(want_path, n_ctx)

    @Slot(int)
    def _settings_saved(self, _conversation_id: int) -> None:
        """The conversation settings were saved: they may name another model or context length."""
        self.ensure_conversation_model()

    # -- results ------------------------------------------------------------------------
    @Slot(str)
    def _on_load_started(self, path: str) -> None:
        self._show_loading(path)

    @Slot(str, int)
    def _on_loaded(self, name: str, n_ctx: int) -> None:
        self.load_bar.setVisible(False)
        self.composer.set_model_name(name)
        self.banner.clear_note(tag="model")
        # A GPU load that failed and was redone on the CPU: the engine sets this string before
        # the worker emits `loaded` (only another load, queued after this one, changes it).
        gpu_note = getattr(self.rt.engine, "gpu_note", None)
        if gpu_note:
            self.banner.show_info(_(gpu_note), tag="model", sticky=True)
        remember, self._remember = self._remember, None
        model = self.client.model
        if remember and model is not None and Path(remember[1]).resolve() == Path(model.path).resolve():
            try:
                self.rt.store.update(remember[0], model=remember[1])
            except UserError:  # the conversation was deleted meanwhile
                pass
        self.show_answerer()  # a chat answered on a server still names its server's model
        self.contextChanged.emit()
        self.modelReady.emit(name)

    @Slot(str)
    def _on_load_failed(self, message: str) -> None:
        self.load_bar.setVisible(False)
        name = self.name
        previous = _("Still using {name}.").format(name=name) if name else _("No model is loaded.")
        self.composer.set_model_name(name or "")
        self._remember = None
        self.show_answerer()  # back to the model still loaded (or the chat's server's)
        self.banner.show_error(sentences(message, previous), tag="model")  # no gap after "。"
        self.modelFailed.emit(message)
