"""Sync in the window: the Sync settings page (page.py, its dialog dialog.py, the form's values form.py),
the schedule and the one running sync (controller.py), and the status bar's line (status.py)."""
