"""Turning untrusted message text into safe rich text (no Qt here)."""
