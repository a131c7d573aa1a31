"""The studio's document run: the engine job (:class:`~aigc_desktop.ui.engine.jobs.DocumentJob`) made to
write with the document's own model, whatever the window's chat uses.

On the engine thread, before the run: a ``provider/model`` document is written through the engine
router (no local model needed); a local one other than the loaded model is loaded first (with the
saved context length and threads), and the window hears of it (``emit.model_changed``) as it does
for a comparison's loads. With no max tokens given, a model that thinks gets the larger default
(``llm/thinking.py``). A subclass rather than more code in ``jobs.py``: only the studio needs it.
"""

from __future__ import annotations

from aigc_desktop.errors import NoModelError
from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.llm.thinking import default_max_tokens
from aigc_desktop.ui.engine.jobs import DocumentJob


class StudioDocumentJob(DocumentJob):
    needs_model = False  # a provider's model needs no local one; run() checks a local one itself

    def run(self, rt, emit):
        if self.action == "new":
            model = self.options.get("model")
        else:
            model = rt.documents.get(self.document_id).model

        def load(path: str) -> None:
            settings = rt.settings
            rt.engine.load(path, n_ctx=settings.n_ctx, n_threads=settings.n_threads)
            emit.model_changed()

        engine = rt.writing.engine_for(model, load=load)
        if getattr(engine, "kind", "local") != "remote" and not engine.loaded:
            raise NoModelError()
        if not self.options.get("max_tokens"):
            self.options["max_tokens"] = default_max_tokens(engine.model, SamplingParams().max_tokens)
        return super().run(rt, emit)
