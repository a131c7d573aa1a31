"""The main window: layout, theme, and the wiring between its parts (menus: ``ui/menus.py``).

The work is done by controllers, each a ``QObject`` child of the window with its
own slots (composition, not mixins: a mixin's slot ran on the worker thread), each built
with the widgets and other parts it uses, never with the window itself:
- :class:`EngineClient` the engine thread and a GUI-side copy of the loaded model
- :class:`ModelChoice` which model, loads, the toolbar's model list
- :class:`ConversationController` the open chat, sidebar and message actions
- :class:`TurnController` send / regenerate / edit / stop, evaluating ahead
- :class:`SearchController`, :class:`ImportController`, :class:`ExportController` search, import, export
- :class:`DocumentController` the writing studio (``ui/writing/``), shown instead of the chat
- :class:`ContinueController` 续写: the composer's text carried on by raw completion
- :class:`DraftKeeper` each chat's unsent text in the message box, kept in the database
- :class:`DownloadsController` the download queue (downloads outlive the Models window)
- :class:`Tools` the Tools chip, tool approvals asked on the GUI thread, the MCP servers dialog (``ui/tools/``)
- :class:`Banner`, :class:`ContextMeter`, :class:`Prompts` (dialogs, answerable in tests)

Signals of MainWindow:
    turnFinished(int message_id)   a reply ended (for tests and the status bar)
    modelReady(str name), modelFailed(str message)
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from aigc_desktop.i18n import _
from aigc_desktop.ui.kit.banner import Banner
from aigc_desktop.ui.kb.parts import KnowledgeBases
from aigc_desktop.ui.side_windows import SideWindows
from aigc_desktop.ui.tools.parts import Tools
from aigc_desktop.ui.chat.view import ChatView
from aigc_desktop.ui.chat.composer import Composer
from aigc_desktop.ui.chat.context_meter import ContextMeter
from aigc_desktop.ui.conversations.controller import ConversationController
from aigc_desktop.ui.chat.continuation import ContinueController
from aigc_desktop.ui.chat.drafts import DraftKeeper
from aigc_desktop.ui.conversations.importer import ImportController
from aigc_desktop.ui.conversations.search import SearchController
from aigc_desktop.ui.export.controller import ExportController
from aigc_desktop.ui.engine.model_choice import ModelChoice
from aigc_desktop.ui.chat.turns import TurnController
from aigc_desktop.ui.chat.usage_status import UsageStatus
from aigc_desktop.ui.kit.elide import ElidedLabel
from aigc_desktop.ui.kit.theme import install_font
from aigc_desktop.ui.kit.theme_choice import ThemeChoice
from aigc_desktop.ui.menus import build_menus, build_toolbar
from aigc_desktop.ui.kit.prompts import Prompts
from aigc_desktop.ui.chat.chip_row import ChipRow
from aigc_desktop.ui.chat.system_chip import SystemPromptChip
from aigc_desktop.ui.conversations.sidebar import Sidebar
from aigc_desktop.ui.kit.task_progress import TaskProgress
from aigc_desktop.ui.engine.client import EngineClient
from aigc_desktop.ui.kit.changes import ChangeBus
from aigc_desktop.ui.kit.context import RuntimeRef
from aigc_desktop.ui.kit.settings_bridge import SettingsBridge
from aigc_desktop.ui.sync.parts import SyncParts
from aigc_desktop.ui.welcome import WelcomePanel, install as install_welcome
from aigc_desktop.ui.window_state import save_geometry
from aigc_desktop.ui.writing.controller import DocumentController
from aigc_desktop.ui.writing.studio import DocumentStudio

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    turnFinished = Signal(int)
    modelReady = Signal(str)
    modelFailed = Signal(str)

    def __init__(self, runtime=None, settings_store=None) -> None:
        """Builds the widgets; with no ``runtime`` yet the window can be shown at
        once (SQLAlchemy and llama.cpp imports take seconds) and :meth:`attach`
        brings the services in afterwards."""
        install_font(QApplication.instance())  # before any widget, this one too: see ui/kit/theme.install_font
        super().__init__()
        self.ctx = RuntimeRef()  # the runtime, once attached
        self.engine = EngineClient(self.ctx, self)  # its thread waits for jobs; none before attach
        self.settings_bridge = SettingsBridge(self)  # settings changes, on the GUI thread
        self.changes = ChangeBus(self)  # the stores' writes, for views that refresh themselves
        self.downloads = None
        self.models_dialog = None
        self.terminating = False  # SIGTERM: close without questions
        self._set_aside_notes: list[str] = []  # damaged local files this start kept as .bad
        self.settings_store = runtime.settings_store if runtime is not None else settings_store
        self.setWindowTitle("AIGC Desktop")
        self.resize(1100, 760)
        self.setMinimumSize(640, 420)  # below this the sidebar, chat and status bar cannot all fit
        self.prompts = Prompts(self)
        self._build_layout()
        build_toolbar(self)  # ui/menus.py
        ctx, engine, chat, composer, banner, prompts = (self.ctx, self.engine, self.chat, self.composer,
                                                        self.banner, self.prompts)
        self.conversations = conv = ConversationController(ctx, engine, self.sidebar, chat, composer, banner,
                                                           prompts, self)
        self.model_choice = ModelChoice(ctx, engine, conv, self.model_combo, self.model_label, self.load_bar,
                                        composer, banner, prompts, self)
        self.turns = TurnController(ctx, engine, conv, self.model_choice, chat, composer, banner, self)
        self.search = SearchController(ctx, engine, conv, self.sidebar, chat, banner, prompts, self)
        self.importer = ImportController(ctx, conv, self.task_progress, banner, prompts, self)
        self.exporter = ExportController(ctx, conv, self.task_progress, banner, prompts, self)
        self.documents = DocumentController(ctx, engine, self.studio, self.sidebar, self.task_progress, banner,
                                            prompts, self)
        self.continuation = ContinueController(engine, composer, banner, self)  # 续写
        self.drafts = DraftKeeper(ctx, conv, composer, self)  # each chat's unsent text
        self.usage = UsageStatus(ctx, engine, conv, chat, self.context_meter, self.speed_label, self)
        self.side = SideWindows(ctx, engine, conv, self.model_choice, banner, self)  # Providers…, Compare models…
        self.sync = SyncParts(ctx, prompts, self)  # ui/sync/: Settings → Sync, its schedule, the status bar's line
        self.statusBar().addPermanentWidget(self.sync.label)
        self.tools = Tools(ctx, engine, conv, prompts, self)  # ui/tools/: the Tools chip, approvals, MCP servers
        self.knowledge = KnowledgeBases(ctx, engine, conv, banner, prompts, self)  # ui/kb/: chip, window, watch
        self.chip_row.add(self.knowledge.chip)  # one row above the message box: 知识库, then tools
        self.chip_row.add(self.tools.chip)
        self.sidebar.layout().addWidget(self.knowledge.button)
        self.settings_button.clicked.connect(conv.edit_settings)
        self.documents.modeShown.connect(self._show_page)
        self.theme = ThemeChoice(self.settings_store, chat, banner, self.documents, self)
        build_menus(self)  # ui/menus.py
        self.theme.apply(self.theme.choice)
        if runtime is not None:
            self.attach(runtime)
        else:
            self.centralWidget().setEnabled(False)
            self.menuBar().setEnabled(False)
            self.model_label.setText(_("Opening your conversations…"))
            self.composer.show_loading()  # the default model loads next; "No model" would be untrue

    def attach(self, runtime) -> None:
        """Connect the core services: engine thread, downloads, store, conversation list."""
        from aigc_desktop.ui.models import DownloadsController

        self.ctx.rt = runtime
        self.engine.start()
        self.settings_store = runtime.settings_store
        self.settings_bridge.attach(self.settings_store)
        self.theme.use_store(self.settings_store)
        self.settings_bridge.changed.connect(self.theme.settings_changed)
        self.centralWidget().setEnabled(True)
        self.menuBar().setEnabled(True)
        self.model_label.setText(_("No model"))
        self.composer.set_templates(runtime.templates)
        self.changes.attach(runtime.db.changes)
        self.changes.changed.connect(self.conversations.on_changes)
        self.changes.changed.connect(self.search.on_changes)
        self.changes.changed.connect(self.documents.on_changes)
        self.knowledge.attach()
        self.sync.attach(self.settings_bridge.changed, self.turnFinished)
        self.downloads = DownloadsController(self, runtime.settings_store)
        self._connect_signals()
        self.welcome.attach(self.downloads, self.model_choice, self.settings_bridge)
        self.model_choice.refresh_combo()
        self.conversations.refresh_sidebar()
        convs = runtime.store.list()
        if convs:
            self.conversations.open(convs[0].id)
        self.composer.edit.setFocus()
        from aigc_desktop.local_files import set_aside_damaged

        self.report_set_aside(set_aside_damaged(runtime.paths))  # ui/app.py checked once before; this is the rest

    def report_set_aside(self, moved: list) -> None:
        """Damaged settings or cache files kept as ``.bad`` (local_files.py): said once, in a banner that stays."""
        self._set_aside_notes.extend(m.note() for m in moved)
        if moved:
            self.banner.show_info("\n".join(self._set_aside_notes), tag="local-files", sticky=True)

    # -- set-up -----------------------------------------------------------------------
    def _build_layout(self) -> None:
        self.sidebar = Sidebar()
        self.chat = ChatView()
        self.composer = Composer()
        self.banner = Banner()
        self.welcome = WelcomePanel(self.ctx, self.engine, self.composer)  # the empty chat's first-run help
        self.chat_pane = QWidget()
        cl = QVBoxLayout(self.chat_pane)
        cl.setContentsMargins(0, 0, 0, 0)
        self.system_chip = SystemPromptChip()
        cl.addWidget(self.system_chip, 0, Qt.AlignLeft)
        cl.addWidget(install_welcome(self.chat, self.welcome), 1)
        self.chip_row = ChipRow()  # the chat's knowledge bases and tools, filled once their parts exist
        cl.addWidget(self.chip_row)
        cl.addWidget(self.composer)
        self.studio = DocumentStudio()
        self.stack = QStackedWidget()  # the chat, or the writing studio (the sidebar's switch)
        self.stack.addWidget(self.chat_pane)
        self.stack.addWidget(self.studio)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.stack, 1)
        self.banner.overlay(right)  # floats over the page: a note coming and going moves nothing
        split = QSplitter()
        self.sidebar.setMinimumWidth(160)  # a narrow window shrinks the sidebar before the chat
        split.addWidget(self.sidebar)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([260, 840])
        self.setCentralWidget(split)

        self.model_label = ElidedLabel(_("No model"))  # a long model id: "…" in its middle, whole in the tooltip
        self.speed_label = QLabel("")
        self.context_meter = ContextMeter()
        self.task_progress = TaskProgress()
        self.load_bar = QProgressBar()
        self.load_bar.setRange(0, 0)  # busy indicator: llama.cpp loads in one call
        self.load_bar.setMaximumWidth(120)
        self.load_bar.setVisible(False)
        self.statusBar().addWidget(self.load_bar)
        self.model_label.setMinimumWidth(60)  # clipped first when the window is narrow
        self.statusBar().addWidget(self.model_label, 1)
        self.statusBar().addPermanentWidget(self.task_progress)
        self.statusBar().addPermanentWidget(self.context_meter)
        self.statusBar().addPermanentWidget(self.speed_label)
        from aigc_desktop.ui.engine.serve_toggle import ServeToggle

        self.serve_toggle = ServeToggle(self.ctx, self.engine, self.banner, self)  # Local API: off / http://127.0.0.1:PORT/v1
        self.statusBar().addPermanentWidget(self.serve_toggle)

    def _connect_signals(self) -> None:
        conv, turns, choice = self.conversations, self.turns, self.model_choice
        self.downloads.modelInstalled.connect(choice.refresh_combo)
        turns.replyStats.connect(self.usage.reply_stats)
        choice.modelReady.connect(self.modelReady)
        choice.modelFailed.connect(self.modelFailed)
        choice.aboutToLoad.connect(turns.cancel_prefill)
        choice.answererChanged.connect(turns.show_answering_model)
        choice.contextChanged.connect(self.usage.update_context)
        conv.contextChanged.connect(self.usage.update_context)
        conv.chatSwitched.connect(self.usage.clear_speed)
        turns.turnFinished.connect(self.turnFinished)
        self.composer.sendRequested.connect(turns.send)
        self.composer.edited.connect(turns.schedule_prefill)  # typing, not a chat's draft being shown
        self.composer.stopRequested.connect(turns.stop)
        self.composer.editLastRequested.connect(turns.edit_last)
        self.chat.regenerateRequested.connect(turns.regenerate)
        self.chat.continueRequested.connect(turns.continue_reply)
        self.chat.editRequested.connect(turns.edit_message)
        self.chat.editSubmitted.connect(turns.edit_and_resend)
        self.chat.imageRequested.connect(self.exporter.export_message_image)
        self.system_chip.follow(self.ctx, conv)

    @property
    def rt(self):
        """The runtime once attached (``None`` while the window shows before it opens)."""
        return self.ctx.rt

    @Slot(str)
    def _show_page(self, mode: str) -> None:
        """The sidebar's Chats | Documents switch (the document controller announces it). The
        context meter and the last reply's speed describe the open chat: not shown over the studio."""
        studio = mode == "documents"
        self.stack.setCurrentWidget(self.studio if studio else self.chat_pane)
        self.usage.set_visible(not studio)

    # -- shared by the controllers -------------------------------------------------------
    def show_error(self, text: str) -> None:
        """Errors appear in a banner above the chat; the app stays usable."""
        self.banner.show_error(text)

    def show_info(self, text: str) -> None:
        self.banner.show_info(text)

    def show_models(self):
        """The Models window (one per main window; downloads continue while it is closed)."""
        from aigc_desktop.ui.models import ModelsDialog

        if self.models_dialog is None:
            self.models_dialog = ModelsDialog(self, self.downloads, self.settings_store, self.settings_bridge)
            self.models_dialog.useModel.connect(self.model_choice.use)
            self.models_dialog.modelsChanged.connect(self.model_choice.refresh_combo)
            self.modelReady.connect(self.models_dialog.on_model_ready)
            self.modelFailed.connect(self.models_dialog.on_model_failed)
        self.models_dialog.refresh_installed()
        self.models_dialog.show()
        self.models_dialog.raise_()
        return self.models_dialog

    def show_providers(self):
        return self.side.show_providers()

    def show_compare(self):
        return self.side.show_compare()

    # -- keys ---------------------------------------------------------------------------
    @Slot()
    def escape(self) -> None:
        """Esc stops a reply; otherwise, in the search box, it clears the search."""
        if self.turns.busy:
            self.turns.stop()
        elif self.focusWidget() in (self.sidebar.search, self.sidebar.results):
            self.sidebar.search.clear()
            self.composer.edit.setFocus()

    # -- theme (ui/kit/theme_choice.py) -------------------------------------------------
    def apply_theme(self, choice: str) -> None:
        self.theme.apply(choice)

    def set_theme(self, choice: str) -> None:
        self.theme.choose(choice)

    def changeEvent(self, event) -> None:
        # Another process (a second window, the CLI) may have added chats meanwhile.
        if event.type() == QEvent.ActivationChange and self.isActiveWindow() and self.rt and not self.turns.busy:
            self.conversations.refresh_sidebar()
        super().changeEvent(event)

    # -- shutdown -----------------------------------------------------------------------
    def closeEvent(self, event) -> None:
        if self.rt is None:  # closed before the runtime opened: only the idle engine thread to end
            self.engine.shutdown()
            super().closeEvent(event)
            return
        if (not self.terminating and self.downloads.has_active() and not self.prompts.confirm(
                _("Quit"), _("A model is still downloading. Quit anyway? It continues from where "
                             "it stopped next time (Models → Downloads → Resume)."))):
            event.ignore()
            return
        self.downloads.close()
        self.drafts.save_now()
        save_geometry(self, self.settings_store)
        self.settings_bridge.detach()
        self.turns.cancel_prefill()
        self.turns.stop()  # a tool approval being waited for is answered "deny"
        self.tools.shutdown()
        self.knowledge.shutdown()
        self.sync.shutdown()
        self.serve_toggle.shutdown()
        self.side.shutdown()
        self.engine.shutdown()
        self.changes.detach()
        super().closeEvent(event)
