"""Search over stored chats, as the person types.

Search is debounced (``SEARCH_PAUSE_MS`` after the last keystroke) and runs as a
background op; a newer query cancels the older one, whose result is dropped.
Opening a hit in another version of a chat asks first.

Built with what it uses: the runtime holder, the engine client (nothing opens while it is
busy), the conversation controller (a hit opens there), the sidebar (its search box and
results, whose signals it listens to), the chat view, the banner and the prompts.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from aigc_desktop.ui.kit import style
from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.store.changes import touches
from aigc_desktop.ui.kit.tasks import Latest, op

SEARCH_PAUSE_MS = 250


class SearchController(QObject):
    """Signals: searched(int hits) after hits are shown."""

    searched = Signal(int)

    def __init__(self, ctx, engine, conversations, sidebar, chat_view, banner, prompts,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.engine, self.conversations = ctx, engine, conversations
        self.sidebar, self.chat, self.banner, self.prompts = sidebar, chat_view, banner, prompts
        self._query = ""
        self._search = Latest()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_PAUSE_MS)
        self._search_timer.timeout.connect(self._run_search)
        sidebar.searchRequested.connect(self.search_typed)
        sidebar.resultActivated.connect(self.open_result)
        sidebar.search_menu.aboutToShow.connect(self._show_options)
        sidebar.search_reasoning.toggled.connect(self.set_search_reasoning)

    @property
    def rt(self):
        return self.ctx.rt

    # -- search -------------------------------------------------------------------------
    @Slot(str)
    def search_typed(self, query: str) -> None:
        """The search box changed: search once typing pauses ("" clears at once)."""
        self._query = query.strip()
        if not self._query:
            self._search_timer.stop()
            self._search.cancel()
            self.sidebar.show_results([])
            return
        self._search_timer.start()

    def search_now(self, query: str | None = None):
        """Search without waiting for the pause (Enter, tests); returns the op."""
        if query is not None:
            self._query = query.strip()
        self._search_timer.stop()
        return self._run_search()

    @Slot()
    def _run_search(self):
        from aigc_desktop.store.search import search

        if not self._query or self.rt is None:
            return None
        also = {"reasoning": True} if self.rt.settings.search_reasoning else {}  # the replies' thinking too
        task = op(self, search, self.rt.db, self._query, limit=100, **also)
        task.success(self._show_hits).failure(self.banner.show_error)
        return self._search.start(task)

    @Slot()
    def _show_options(self) -> None:
        """The options menu shows the setting as it is now (another window may have changed it)."""
        if self.rt is not None:
            action = self.sidebar.search_reasoning
            action.blockSignals(True)
            action.setChecked(self.rt.settings.search_reasoning)
            action.blockSignals(False)

    @Slot(bool)
    def set_search_reasoning(self, on: bool) -> None:
        """Search the replies' thinking too (or not), from now on; the hits shown follow at once."""
        if self.rt is None or self.rt.settings.search_reasoning == on:
            return
        try:
            self.rt.settings_store.update(search_reasoning=on)
        except UserError as exc:
            self.banner.show_error(str(exc))
            return
        self.refresh_search()

    def _show_hits(self, hits) -> None:
        self.sidebar.show_results(hits)
        self.searched.emit(len(hits))

    @Slot(object)
    def on_changes(self, change) -> None:
        """Hits must not point at what was just deleted, nor miss what was just imported."""
        if touches(change, "messages", "insert", "delete") or touches(change, "conversations", "delete"):
            self.refresh_search()

    def refresh_search(self):
        """Hits shown beside the chats must not point at what was just deleted or edited."""
        if self.sidebar.search.text().strip():
            return self.search_now(self.sidebar.search.text())
        return None

    @Slot(int, int)
    def open_result(self, conversation_id: int, message_id: int) -> None:
        if self.engine.busy:
            self.banner.show_info(_("A reply is still being written. Stop it first to open a search result."), tag="busy")
            return
        other_version = False
        try:
            if message_id >= 0:
                self.rt.store.get_message(message_id)  # gone since the search ran: say so below
                branch_ids = {m.id for m in self.rt.store.branch(conversation_id)}
                other_version = message_id not in branch_ids
            else:
                self.rt.store.get(conversation_id)
        except UserError:  # deleted since the search ran (here or in another window)
            self.banner.show_info(_("That message or chat no longer exists."))
            self.refresh_search()
            return
        if other_version:
            # Switching versions changes what the chat shows, continues from and exports:
            # never without asking.
            if not self.prompts.confirm(
                    _("Open another version"),
                    _("This match is in another version of the chat (an edited or regenerated message). "
                      "Switch the chat to that version? Later messages of the version you are on stay "
                      "saved; ‹ › on a message switches back.")):
                self.conversations.open(conversation_id)
                return
            self.rt.store.set_current_leaf(conversation_id, message_id)
        self.conversations.open(conversation_id)  # the open chat too: it shows the hit's version
        if message_id >= 0:
            self.chat.highlight(message_id, style.current().highlight)  # framed, its header in view
