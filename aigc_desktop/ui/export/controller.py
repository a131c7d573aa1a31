"""Export of chats: one conversation (Markdown, HTML, Word, PDF, JSON), all of them to a
folder, or the open chat as long images.

Markdown and JSON are written at once; the other formats and export-all run as
background ops with a progress bar and Cancel in the status bar.

Built with what it uses: the runtime holder, the conversation controller (which chat is
open), the status bar's task progress, the banner and the prompts.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import N_, _, ngettext
from aigc_desktop.ui.export import save_place
from aigc_desktop.ui.kit.tasks import op


class ExportController(QObject):
    """Signals: exported(str path) after one conversation was written."""

    exported = Signal(str)

    def __init__(self, ctx, conversations, task_progress, banner, prompts, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.conversations = ctx, conversations
        self.task_progress, self.banner, self.prompts = task_progress, banner, prompts
        self.last_export = None

    @property
    def rt(self):
        return self.ctx.rt

    # -- export -------------------------------------------------------------------------
    def export_current(self, fmt: str | None = None) -> Path | None:
        """Ask where (the dialog's file types are the formats) and export the open chat.

        The dialog opens in the last export's folder on its file type (``fmt`` asks for
        another); the name suggested is the chat's title. The format is the typed
        extension if it names one, else the chosen file type.
        Markdown and JSON are written at once; HTML, Word and PDF (a PDF loads a font of
        several MB) are written by a background op, returned as ``self.last_export``."""
        from aigc_desktop.export.files import FORMATS, format_for_path
        from aigc_desktop.export.markdown import title_filename

        current = self.conversations.current_id
        if current is None:
            self.banner.show_info(_("Open a conversation to export it."))
            return None
        conv = self.rt.store.get(current)
        thinks = any(m.reasoning.strip() for m in self.rt.store.branch(current))
        settings = self.rt.settings_store
        keys = [key for key, _label in EXPORT_FILTERS]
        if fmt:
            start = next((k for k in keys if k.partition(":")[0] == fmt), keys[0])
        else:  # the last export's folder and file type (save_place.py)
            start = save_place.start_format(settings, keys, keys[0])
        chosen_key = keys.index(start)
        filters = [_(label) for _key, label in EXPORT_FILTERS]
        suggested = str(save_place.start_folder(settings) / title_filename(conv.title, start.partition(":")[0]))
        # A chat with a reasoning model's thinking offers it (off: the answers are what is shared).
        option = (_(INCLUDE_THINKING),) if thinks else ()
        path = self.prompts.ask_save_path(_("Export conversation"), suggested, ";;".join(filters), filters[chosen_key],
                                          *option)
        if not path:
            return None
        reasoning = bool(option) and bool(getattr(self.prompts, "option_checked", False))
        picked = getattr(self.prompts, "selected_filter", "")
        key = EXPORT_FILTERS[filters.index(picked)][0] if picked in filters else EXPORT_FILTERS[chosen_key][0]
        fmt, _sep, page = key.partition(":")
        typed = Path(path).suffix.lower().lstrip(".")
        if typed and format_for_path(Path(path), "") in FORMATS:
            fmt = format_for_path(Path(path))
        else:
            path = f"{path}.{fmt}"
        save_place.remember(settings, Path(path), f"pdf:{page or 'a4'}" if fmt == "pdf" else fmt)
        self.last_export = None
        if fmt in ("md", "json"):
            return self._export_now(conv.id, Path(path), fmt, reasoning)
        task = op(self, _export_one_task, self.rt.store, conv.id, Path(path), fmt, page or "a4", reasoning)
        task.success(self._exported_one).failure(self.banner.show_error)
        self.task_progress.start(task, _("Exporting {name}…").format(name=Path(path).name))
        self.last_export = task
        task.run()
        return Path(path)

    def _export_now(self, conversation_id: int, path: Path, fmt: str, reasoning: bool = False) -> Path | None:
        from aigc_desktop.export.files import export_one

        try:
            out = export_one(self.rt.store, conversation_id, path, fmt, reasoning=reasoning)
        except UserError as exc:
            self.banner.show_error(str(exc))
            return None
        self._exported_one(out)
        return out

    def _exported_one(self, out) -> None:
        self.banner.show_info(_("Exported to {path}").format(path=out))
        self.exported.emit(str(out))

    @Slot()
    def export_conversation(self) -> None:
        self.export_current(None)

    @Slot()
    def export_all_chats(self) -> None:
        self.export_everything(None)

    def export_everything(self, fmt: str | None = None):
        """Every conversation, one file each, in a format the person picks, to a folder."""
        from aigc_desktop.export.files import export_all

        if self.task_progress.running:
            self.banner.show_info(_("Another import or export is still running."))
            return None
        if fmt is None:
            names = [_(label) for _key, label in EXPORT_FILTERS]
            name = self.prompts.ask_choice(_("Export all conversations"), _("Format:"), names)
            if name is None:
                return None
            fmt = EXPORT_FILTERS[names.index(name)][0]
        folder = self.prompts.ask_folder(_("Export all conversations to folder"))
        if not folder:
            return None
        fmt, _sep, page = fmt.partition(":")
        task = op(self, _export_all_task, export_all, self.rt.store, Path(folder), fmt, page or "a4")
        task.success(self._exported_all).failure(self.banner.show_error)
        self._export_folder = folder
        self.task_progress.start(task, _("Exporting conversations…"))
        return task.run()

    def _exported_all(self, written) -> None:
        self.banner.show_info(ngettext("Exported {n} conversation to {folder}",
                                       "Exported {n} conversations to {folder}", len(written))
                              .format(n=len(written), folder=self._export_folder))

    @Slot()
    def export_image(self) -> list[Path] | None:
        """The open conversation as long PNG images (several past the height limit)."""
        return self.export_image_of(None)

    @Slot(int)
    def export_message_image(self, message_id: int):
        return self.export_image_of([message_id])

    def export_image_of(self, message_ids: list[int] | None) -> list[Path] | None:
        """The chosen messages (all of the open chat's current version by default) as PNGs."""
        from aigc_desktop.export.markdown import title_filename
        from aigc_desktop.ui.export.image import save_long_image

        current = self.conversations.current_id
        if current is None:
            self.banner.show_info(_("Open a conversation to save it as an image."))
            return None
        conv = self.rt.store.get(current)
        messages = self.rt.store.branch(current)
        if message_ids is not None:
            wanted = set(message_ids)
            messages = [m for m in messages if m.id in wanted]
        suggested = str(save_place.start_folder(self.rt.settings_store) / title_filename(conv.title, "png"))
        option = (_(INCLUDE_THINKING),) if any(m.reasoning.strip() for m in messages) else ()
        path = self.prompts.ask_save_path(_("Save as image"), suggested, _("PNG image (*.png)"), "", *option)
        if not path:
            return None
        reasoning = bool(option) and bool(getattr(self.prompts, "option_checked", False))
        save_place.remember(self.rt.settings_store, Path(path), None)
        try:
            written = save_long_image(messages, Path(path), conv.title, reasoning=reasoning)
        except UserError as exc:
            self.banner.show_error(str(exc))
            return None
        # Not ngettext: its singular would be the same msgid as the plain "Saved {path}" elsewhere.
        text = _("Saved {path}") if len(written) == 1 else _("Saved {n} images, {path} and the rest")
        self.banner.show_info(text.format(path=written[0], n=len(written)))
        return written


INCLUDE_THINKING = N_("Include the model's thinking")  # the save dialogs' check box, for chats that have it

# The save dialog's file types: (format[:page], label). A4 is the first PDF: most of our
# readers print on it; Letter is for North America.
EXPORT_FILTERS = [
    ("md", N_("Markdown (*.md)")),
    ("html", N_("Web page, HTML (*.html)")),
    ("docx", N_("Word document (*.docx)")),
    ("pdf:a4", N_("PDF, A4 pages (*.pdf)")),
    ("pdf:letter", N_("PDF, Letter pages (*.pdf)")),
    ("json", N_("JSON, everything incl. other versions (*.json)")),
]


def _export_one_task(store, conversation_id: int, path: Path, fmt: str, page: str, reasoning: bool = False,
                     task=None):
    from aigc_desktop.export.files import export_one

    return export_one(store, conversation_id, path, fmt, page, reasoning)


def _export_all_task(export_all, store, folder: Path, fmt: str = "md", page: str = "a4", task=None):
    return export_all(store, folder, fmt, page=page, progress=lambda done, total: task.report((done, total)),
                      cancel=task.cancel_event)
