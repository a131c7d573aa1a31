"""The document's own settings in the studio, kept with the document as they change: the
lead paragraph and the contents switch (migration 0009), each section's notes (its draft
prompt includes them) and the section prompt (``ui/writing/prompt_dialog.py``).

A controller of its own beside ``article`` and ``outline``; ``documents`` is the
:class:`~aigc_desktop.ui.writing.controller.DocumentController` (the open document).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from PySide6.QtCore import Slot

from aigc_desktop.i18n import _
from aigc_desktop.ui.kit.controller import Controller


class DocumentOptions(Controller):
    def __init__(self, window, documents) -> None:
        super().__init__(window)
        self.docs = documents

    def connect(self, studio) -> None:
        studio.promptRequested.connect(self.edit_prompt)
        studio.section.notesEdited.connect(self.save_notes)
        studio.lead.editingFinished.connect(self.keep_article_options)
        studio.toc.toggled.connect(self.keep_article_options)

    def show(self, doc) -> None:
        """A newly opened document's lead and contents switch, as it keeps them."""
        studio = self.win.studio
        studio.lead.setText(doc.lead)
        studio.lead.setCursorPosition(0)  # show its beginning
        studio.toc.blockSignals(True)  # showing is not a change to store
        studio.toc.setChecked(doc.toc)
        studio.toc.blockSignals(False)

    @Slot()
    def keep_article_options(self) -> None:
        """Store the lead paragraph and the contents switch with the document, as they change."""
        if self.docs.current_id is None:
            return
        studio = self.win.studio
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
        dialog = PromptDialog(self.win, doc, partial(self.preview_prompt, doc))
        if self.win.prompts.run_dialog(dialog):
            self.set_prompt_template(dialog.template())

    def preview_prompt(self, doc, template: str) -> str:
        """What section 1 would be sent with ``template``: the service's own prompt_for."""
        from aigc_desktop.writing.service import DocumentService

        if not doc.sections:
            return ""
        return DocumentService(self.docs.store, engine=None).prompt_for(replace(doc, prompt_template=template),
                                                                          doc.sections[0])

    def set_prompt_template(self, template: str) -> None:
        self.docs.store.update(self.docs.current_id, prompt_template=template)
        self.win.banner.show_info(_("Sections drafted from now on use this prompt.") if template else
                                  _("Sections drafted from now on use the built-in prompt."))

    @Slot(str)
    def save_notes(self, notes: str) -> None:
        sec = self.docs.current_section()
        if sec is not None:
            self.docs.store.set_notes(sec.id, notes)
            self.docs.reload()
