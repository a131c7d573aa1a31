"""The open conversation: which one it is, what the chat view shows, and the
sidebar actions on conversations and messages (open, new, delete, rename, pin,
switch branch, delete message).

Owns ``current_id``. Refuses to switch while anything holds the engine (a reply, a
document run…: the engine client's lease says so). A conversation deleted while its
reply is being written goes once the reply has stopped (``pending_delete``).

Built with what it uses, not the window: the runtime holder, the engine client, the
sidebar, the chat view, the composer, the banner and the prompts; it listens to the
sidebar's and the chat view's requests itself (a test builds it from plain widgets,
``tests/ui/conversations/test_controller_unit.py``). What it does not own it announces:

Signals:
    aboutToSwitch()                       another chat (or a new one) is about to be shown; ``current_id``
                                          is still the one being left (its draft is saved then)
    currentChanged(int conversation_id)   -1 for a new, not yet saved chat
    chatSwitched()                        another (or a new) chat is shown: the status bar's
                                          last-reply speed no longer describes it
    contextChanged()                      what the context meter counts changed (messages, settings)
    settingsSaved(int conversation_id)    the settings dialog saved: the chat may want another model
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import N_, _
from aigc_desktop.store.changes import touches
from aigc_desktop.hub.library import installed_models

SWITCH_WHILE_BUSY = N_("A reply is still being written. Stop it first to switch conversations.")


class ConversationController(QObject):
    aboutToSwitch = Signal()
    currentChanged = Signal(int)
    chatSwitched = Signal()
    contextChanged = Signal()
    settingsSaved = Signal(int)

    def __init__(self, ctx, engine, sidebar, chat_view, composer, banner, prompts,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.engine = ctx, engine
        self.sidebar, self.chat, self.composer, self.banner, self.prompts = (sidebar, chat_view, composer,
                                                                             banner, prompts)
        self.current_id: int | None = None
        self.pending_delete: int | None = None
        sidebar.conversationSelected.connect(self.open)
        sidebar.newRequested.connect(self.new)
        sidebar.deleteRequested.connect(self.delete)
        sidebar.renameRequested.connect(self.rename)
        sidebar.renamed.connect(self.rename_to)
        sidebar.pinRequested.connect(self.pin)
        chat_view.siblingRequested.connect(self.switch_branch)
        chat_view.deleteRequested.connect(self.delete_message)
        chat_view.rateRequested.connect(self.rate)

    @property
    def rt(self):
        return self.ctx.rt

    # -- showing ----------------------------------------------------------------------
    def refresh_sidebar(self) -> None:
        self.sidebar.set_conversations(self.rt.store.list(), self.current_id)

    @Slot(object)
    def on_changes(self, change) -> None:
        """The change bus: the list follows every write to chats (titles, pins, new and
        deleted chats and messages), whoever made it."""
        if self.rt is not None and (touches(change, "conversations")
                                    or touches(change, "messages", "insert", "delete")):
            self.refresh_sidebar()

    @Slot(int)
    def open(self, conversation_id: int) -> bool:
        if self.engine.busy and conversation_id == self.current_id:
            return True  # already shown, with a reply streaming into it
        if self.engine.busy:
            self.sidebar.select(self.current_id)  # the highlight stays on the chat being written
            self.banner.show_info(_(SWITCH_WHILE_BUSY), tag="busy")
            return False
        try:
            self.rt.store.get(conversation_id)
        except UserError:  # deleted meanwhile (here or in another window)
            self.refresh_sidebar()
            return False
        if conversation_id != self.current_id:
            self.aboutToSwitch.emit()
            self.chatSwitched.emit()  # the speed shown described another chat's last reply
        self.current_id = conversation_id
        self.reload_messages()
        self.sidebar.select(conversation_id)
        self.currentChanged.emit(conversation_id)
        return True

    def reload_messages(self) -> None:
        """Show the current branch (the view settles at the newest message)."""
        chat = self.chat
        if self.current_id is None:
            chat.set_messages([])
            self.contextChanged.emit()
            return
        everything = self.rt.store.messages(self.current_id)
        branch = self.rt.store.branch(self.current_id, all_messages=everything)
        by_parent: dict = {}
        for m in everything:
            by_parent.setdefault(m.parent_id, []).append(m.id)
        siblings = {m.id: by_parent.get(m.parent_id, [m.id]) for m in branch}
        chat.set_messages(branch, siblings)
        self.contextChanged.emit()

    @Slot()
    def new(self) -> None:
        if self.engine.busy:
            return
        if self.current_id is not None:
            self.aboutToSwitch.emit()
        self.current_id = None
        self.chat.set_messages([])
        self.sidebar.select(None)  # no highlight and no current item: the chat just left opens on a click
        self.chatSwitched.emit()
        self.contextChanged.emit()
        self.composer.edit.setFocus()
        self.currentChanged.emit(-1)

    def adopt(self, conversation_id: int) -> None:
        """A chat the engine thread just created for the first message becomes the open one."""
        if self.current_id is None:
            self.current_id = conversation_id
            self.currentChanged.emit(conversation_id)

    def gone(self) -> bool:
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
        self.banner.show_info(_("This chat was deleted in another window. Your text is still in the box; "
                                "Send starts a new chat."))
        return True

    # -- conversation actions ---------------------------------------------------------
    @Slot(int)
    def delete(self, conversation_id: int) -> None:
        conv = self.rt.store.get(conversation_id)
        if not self.prompts.confirm(_("Delete conversation"),
                                    _("Delete “{title}” and all its messages?").format(
                                        title=conv.title or _("New chat"))):
            return
        if self.engine.busy and conversation_id == self.current_id:
            # Stop the reply first; the conversation goes once the worker has let go of it.
            self.pending_delete = conversation_id
            self.engine.stop()
            return
        self.delete_now(conversation_id)

    def run_pending_delete(self) -> int | None:
        pending, self.pending_delete = self.pending_delete, None
        if pending is not None:
            self.delete_now(pending)
        return pending

    def delete_now(self, conversation_id: int) -> None:
        if conversation_id == self.current_id:
            self.aboutToSwitch.emit()
            self.current_id = None
            self.chat.set_messages([])
            self.currentChanged.emit(-1)
        self.rt.store.delete(conversation_id)  # the change bus refreshes the list and search

    def delete_if_empty(self, conversation_id: int) -> None:
        """A chat made only to hold settings that were then cancelled leaves nothing behind."""
        try:
            if not self.rt.store.messages(conversation_id):
                self.rt.store.delete(conversation_id)
        except UserError:
            return
        if conversation_id == self.current_id:
            self.current_id = None

    @Slot(int)
    def rename(self, conversation_id: int) -> None:
        conv = self.rt.store.get(conversation_id)
        title = self.prompts.ask_text(_("Rename conversation"), _("Title:"), conv.title)
        if title is not None and title.strip():
            self.rt.store.rename(conversation_id, title)

    @Slot(int, str)
    def rename_to(self, conversation_id: int, title: str) -> None:
        """A title edited in place in the sidebar."""
        if title.strip():
            self.rt.store.rename(conversation_id, title.strip())
        else:
            self.refresh_sidebar()  # an emptied title: the list shows the old one again

    @Slot()
    def rename_current(self) -> None:
        """F2: edit the title in the list (a dialog when the sidebar is hidden)."""
        if self.current_id is not None and not self.sidebar.begin_rename(self.current_id):
            self.rename(self.current_id)

    @Slot(int, bool)
    def pin(self, conversation_id: int, pinned: bool) -> None:
        self.rt.store.update(conversation_id, pinned=pinned)

    @Slot()
    def edit_settings(self) -> bool:
        """Conversation settings (Ctrl+,). With no chat open, one is made to hold them,
        and removed again if the dialog is cancelled while it has no messages."""
        from aigc_desktop.chat import presets
        from aigc_desktop.ui.dialogs.settings import ConversationSettingsDialog

        if self.engine.busy:
            return False
        made = None
        settings = self.rt.settings
        if self.current_id is None:
            model = str(self.engine.model.path) if self.engine.model else None
            fields = {**presets.new_chat_fields(settings.default_preset), "model": model}
            made = self.current_id = self.rt.service.new_conversation(**fields).id
        conv = self.rt.store.get(self.current_id)
        dialog = ConversationSettingsDialog(self.chat.window(), conv, installed_models(), int(settings.n_ctx),
                                            presets, n_threads=settings.n_threads, trained_ctx=trained_context,
                                            default_preset=settings.default_preset, gpu_layers=settings.gpu_layers)
        saved = False
        for _attempt in range(3):  # a failed save reopens the dialog with what was typed
            if not self.prompts.run_dialog(dialog):
                break
            try:
                self.rt.store.update(self.current_id, **dialog.result_values)
                if dialog.app_values:
                    self.rt.settings_store.update(**dialog.app_values)
                saved = True
                break
            except UserError as exc:  # e.g. a full disk
                dialog.error.setText(str(exc))
                self.banner.show_error(str(exc))
        if not saved:
            if made is not None:
                self.delete_if_empty(made)
            return False
        self.settingsSaved.emit(self.current_id)  # the model choice loads the chat's model if it changed
        self.contextChanged.emit()
        self.currentChanged.emit(self.current_id)  # the header's system-prompt chip follows
        return True

    # -- message actions --------------------------------------------------------------
    @Slot(int)
    def switch_branch(self, message_id: int) -> None:
        if self.engine.busy:
            return
        msg = self.rt.store.get_message(message_id)
        self.rt.store.set_current_leaf(msg.conversation_id, message_id)
        self.reload_messages()

    @Slot(int)
    def delete_message(self, message_id: int) -> None:
        if self.engine.busy:
            return
        if not self.prompts.confirm(_("Delete message"),
                                    _("Delete this message and everything after it in this branch?")):
            return
        self.rt.store.delete_message(message_id)
        self.reload_messages()

    @Slot(int, int)
    def rate(self, message_id: int, value: int) -> None:
        """👍 (1) / 👎 (-1) / none (0) on a reply; stored, shown, exportable (`feedback export`)."""
        rating = value or None
        try:
            self.rt.store.rate(message_id, rating)
        except UserError as exc:
            self.banner.show_error(str(exc))
            return
        self.chat.set_rating(message_id, rating)

    @Slot()
    def copy_last_reply(self) -> None:
        from aigc_desktop.ui.export.clipboard import copy_markdown

        if self.current_id is None:
            return
        replies = [m for m in self.rt.store.branch(self.current_id) if m.role == "assistant"]
        if replies:
            copy_markdown(replies[-1].content)  # formatted for rich editors, Markdown as plain text


def trained_context(path: str | None) -> int | None:
    """The context length a model was trained on, from its GGUF header (None if unknown).
    ``None`` means the default model (settings, else the starter)."""
    from aigc_desktop.hub.library import model_info, resolve_model
    from aigc_desktop.paths import app_paths
    from aigc_desktop.settings import Settings

    try:
        target = resolve_model(path or Settings.load(app_paths().settings_file).default_model or None)
        return model_info(target).context_length
    except (UserError, OSError, ValueError):
        return None
