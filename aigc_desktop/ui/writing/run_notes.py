"""What the banner says when a writing run ends: an error, or how a Stop left the document.

A run over one section (Draft, Regenerate, 续写) is worded for that section: where its
text went, and whether the section kept its finished text (a stopped or failed run never
replaces it; :mod:`aigc_desktop.store.section_runs`). Draft all's Stop counts the sections
it finished.
"""

from __future__ import annotations

from aigc_desktop.i18n import _, ngettext, sentences


def after_run(kind: str, result: dict, store) -> tuple[str, str] | None:
    """``("error" | "info", text)`` for a finished document job's ``result`` (``DocumentJob``), or
    None when there is nothing to say. ``store`` is the document store (to number the version)."""
    statuses, runs = result.get("statuses", []), result.get("runs", [])
    if kind == "draft_all":
        if result.get("error"):
            return "error", result["error"]
        if "stopped" in statuses:
            done = statuses.count("done")
            return "info", ngettext("Stopped. {n} section was finished; the others keep their text.",
                                    "Stopped. {n} sections were finished; the others keep their text.",
                                    done).format(n=done)
        return None
    run = runs[0] if runs else {}
    if not statuses or statuses[0] == "done":
        return None
    if run.get("version_id") is None:
        unchanged = _("Nothing was written before it ended; the section is as it was.")
        if statuses[0] == "error":
            return "error", sentences(result.get("error", ""), unchanged)
        return "info", _("Stopped before any text was written; the section is as it was.")
    if run.get("kept_earlier"):
        ids = [v.id for v in store.versions(run["section_id"])]
        n = ids.index(run["version_id"]) + 1 if run["version_id"] in ids else len(ids)
        kept = _("The section keeps its finished text; the text written before it ended is version {n} of "
                 "{total} (‹ › to choose it).").format(n=n, total=len(ids))
    else:
        kept = _("The section shows the text written before it ended.")
    if statuses[0] == "error":
        return "error", sentences(result.get("error", ""), kept)
    return "info", sentences(_("Stopped."), kept)
