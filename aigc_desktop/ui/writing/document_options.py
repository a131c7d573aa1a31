"""The document's own settings in the studio, kept with the document as they change: the
lead paragraph and the contents switch (migration 0009), each section's notes (its draft
prompt includes them), the section prompt (``ui/writing/prompt_dialog.py``), and the model
that writes it with its thinking switch (``model_row.py``; migration 0013). A document with no
model of its own shows, and a new one records, the window's loaded model.

A controller of its own beside ``article`` and ``outline``; ``documents`` is the
:class:`~aigc_desktop.ui.writing.controller.DocumentController` (the open document).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from PySide6.QtCore import QObject, Slot

from aigc_desktop.i18n import _


class DocumentOptions(QObject):
    def __init__(self, documents, studio, banner, prompts, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.docs, self.studio, self.banner, self.prompts = documents, studio, banner, prompts

    def connect(self, studio) -> None:
        studio.promptRequested.connect(self.edit_prompt)
        studio.section.notesEdited.connect(self.save_notes)
        studio.lead.editingFinished.connect(self.keep_article_options)
        studio.toc.toggled.connect(self.keep_article_options)
        studio.model_row.modelChosen.connect(self.set_model)
        studio.model_row.thinkingToggled.connect(self.set_thinking)

    def show(self, doc) -> None:
        """A newly opened document's lead and contents switch, as it keeps them."""
        studio = self.studio
        studio.lead.setText(doc.lead)  # from its beginning
        studio.toc.blockSignals(True)  # showing is not a change to store
        studio.toc.setChecked(doc.toc)
        studio.toc.blockSignals(False)
        studio.model_row.show_choices(self.model_choices(), doc.model or self.default_model(), doc.thinking)

    def default_model(self) -> str | None:
        """What a new document records: the window's loaded model."""
        loaded = self.docs.client.model
        return str(loaded.path) if loaded is not None else None

    def model_choices(self) -> list[tuple[str, str]]:
        """The installed models and the providers' remembered ones, as the toolbar lists them."""
        from aigc_desktop.hub.library import installed_models
        from aigc_desktop.hub.splits import model_name

        choices = [(model_name(path), str(path)) for path in installed_models()]
        cache = getattr(self.docs.rt, "model_cache", None)
        return choices + [(ref, ref) for ref in (cache.refs() if cache is not None else [])]

    @Slot(str)
    def set_model(self, ref: str) -> None:
        """The open document is written by ``ref`` from its next run on."""
        if self.docs.current_id is not None and ref:
            self.docs.store.update(self.docs.current_id, model=ref)

    @Slot(bool)
    def set_thinking(self, on: bool) -> None:
        if self.docs.current_id is not None:
            self.docs.store.update(self.docs.current_id, thinking=on)

    @Slot()
    def keep_article_options(self) -> None:
        """Store the lead paragraph and the contents switch with the document, as they change."""
        if self.docs.current_id is None:
            return
        studio = self.studio
        lead, toc = studio.lead.text().strip(), studio.toc.isChecked()
        doc = self.docs.store.get(self.docs.current_id)
        if (doc.lead, doc.toc) != (lead, toc):
            self.docs.store.update(self.docs.current_id, lead=lead, toc=toc)

    @Slot()
    def edit_prompt(self) -> None:
        """The document's section prompt (ui/writing/prompt_dialog.py), kept with the document."""
        from aigc_desktop.ui.writing.prompt_dialog import PromptDialog

        if self.docs.current_id is None:
            return
        doc = self.docs.store.get(self.docs.current_id)
        dialog = PromptDialog(self.studio.window(), doc, partial(self.preview_prompt, doc))
        if self.prompts.run_dialog(dialog):
            self.set_prompt_template(dialog.template())

    def preview_prompt(self, doc, template: str) -> str:
        """What section 1 would be sent with ``template``: the same prompt_for the service drafts with."""
        from aigc_desktop.writing.article import prompt_for

        if not doc.sections:
            return ""
        return prompt_for(replace(doc, prompt_template=template), doc.sections[0])

    def set_prompt_template(self, template: str) -> None:
        self.docs.store.update(self.docs.current_id, prompt_template=template)
        self.banner.show_info(_("Sections drafted from now on use this prompt.") if template else
                              _("Sections drafted from now on use the built-in prompt."))

    @Slot(str)
    def save_notes(self, notes: str) -> None:
        sec = self.docs.current_section()
        if sec is not None:
            self.docs.store.set_notes(sec.id, notes)
            self.docs.reload()
