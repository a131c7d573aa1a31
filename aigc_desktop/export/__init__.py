"""Conversations out of the app: Markdown and JSON."""
