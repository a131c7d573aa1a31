"""The finished article: assembled as Markdown (title, lead, contents, numbered sections),
copied to the clipboard (formatted and as Markdown: ``ui/export/clipboard.py``), and written in any of the conversation exporters' formats.

Markdown comes from :func:`aigc_desktop.writing.article.assemble`, the other formats from
:mod:`aigc_desktop.writing.export` (the same HTML, Word and PDF exporters a chat uses),
written atomically by :func:`aigc_desktop.export.files.write_bytes_atomic`. HTML, Word
and PDF run as a background op (a PDF loads a font of several MB).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import N_, _
from aigc_desktop.ui.export import save_place
from aigc_desktop.ui.export.clipboard import copy_markdown
from aigc_desktop.ui.kit.tasks import op

# The save dialog's file types: (format[:page], label), as for a conversation minus JSON.
ARTICLE_FILTERS = [
    ("md", N_("Markdown (*.md)")),
    ("html", N_("Web page, HTML (*.html)")),
    ("docx", N_("Word document (*.docx)")),
    ("pdf:a4", N_("PDF, A4 pages (*.pdf)")),
    ("pdf:letter", N_("PDF, Letter pages (*.pdf)")),
]
FORMATS = ("md", "html", "docx", "pdf")


def markdown(store, doc_id: int, *, toc: bool | None = None, lead: str | None = None) -> str:
    from aigc_desktop.writing.article import assemble

    return assemble(store, doc_id, toc=toc, lead=lead)


def write_article(store, doc_id: int, path: Path, fmt: str, page: str = "a4", *, toc: bool | None = None,
                  lead: str | None = None, task=None) -> Path:
    """Write the article to ``path`` in ``fmt`` (md, html, docx, pdf); returns the path."""
    from aigc_desktop.export.files import write_bytes_atomic

    if fmt == "md":
        data = markdown(store, doc_id, toc=toc, lead=lead).encode("utf-8")
    else:
        from aigc_desktop.writing.export import render

        data = render(store.get(doc_id), fmt, page, toc=toc, lead=lead)
    write_bytes_atomic(Path(path), data)
    return Path(path)


def suggested_name(title: str, doc_id: int, fmt: str) -> str:
    """The article's title as a file name (no id in front: an article is named for itself)."""
    from aigc_desktop.export.markdown import title_filename

    return title_filename(title, fmt, "article")


class ArticleActions(QObject):
    """Copy and Export of the open document (the studio's article bar); ``documents`` is the
    :class:`~aigc_desktop.ui.writing.controller.DocumentController` (the open document).

    Signals: exported(str path) after the article was written to a file."""

    exported = Signal(str)

    def __init__(self, documents, studio, task_progress, banner, prompts, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.docs, self.studio = documents, studio
        self.task_progress, self.banner, self.prompts = task_progress, banner, prompts
        self.last_export = None

    def article_markdown(self) -> str:
        studio = self.studio
        return markdown(self.docs.store, self.docs.current_id, toc=studio.toc.isChecked(), lead=studio.lead.text())

    @Slot()
    def copy(self) -> None:
        if self.docs.current_id is None:
            return
        self.docs.keep_edit()
        self.docs.options.keep_article_options()
        self.docs.reload()
        copy_markdown(self.article_markdown())
        self.banner.show_info(_("The article is on the clipboard: formatted where you paste into an editor, "
                                "Markdown where you paste plain text."))

    @Slot()
    def export(self) -> Path | None:
        """Ask where and in which format; Markdown is written at once, the others in the background."""
        if self.docs.current_id is None:
            return None
        self.docs.keep_edit()
        self.docs.options.keep_article_options()
        self.docs.reload()
        doc = self.docs.store.get(self.docs.current_id)
        settings = self.docs.rt.settings_store
        keys = [key for key, _label in ARTICLE_FILTERS]
        start = save_place.start_format(settings, keys, "md")  # the last export's file type and folder
        filters = [_(label) for _key, label in ARTICLE_FILTERS]
        suggested = str(save_place.start_folder(settings) / suggested_name(doc.title, doc.id, start.partition(":")[0]))
        path = self.prompts.ask_save_path(_("Export article"), suggested, ";;".join(filters), filters[keys.index(start)])
        if not path:
            return None
        picked = getattr(self.prompts, "selected_filter", "")
        key = ARTICLE_FILTERS[filters.index(picked)][0] if picked in filters else start
        fmt, _sep, page = key.partition(":")
        typed = Path(path).suffix.lower().lstrip(".")
        typed = {"markdown": "md", "htm": "html"}.get(typed, typed)
        if typed in FORMATS:
            fmt = typed
        else:
            path = f"{path}.{fmt}"
        save_place.remember(settings, Path(path), f"pdf:{page or 'a4'}" if fmt == "pdf" else fmt)
        studio = self.studio
        options = {"toc": studio.toc.isChecked(), "lead": studio.lead.text()}
        if fmt == "md":
            try:
                out = write_article(self.docs.store, doc.id, Path(path), "md", **options)
            except UserError as exc:
                self.banner.show_error(str(exc))
                return None
            self._exported(out)
            return out
        task = op(self, write_article, self.docs.store, doc.id, Path(path), fmt, page or "a4", **options)
        task.success(self._exported).failure(self.banner.show_error)
        self.task_progress.start(task, _("Exporting {name}…").format(name=Path(path).name))
        self.last_export = task
        task.run()
        return Path(path)

    def _exported(self, out) -> None:
        self.banner.show_info(_("Exported to {path}").format(path=out))
        self.exported.emit(str(out))

