"""Conversations in SQLite through SQLAlchemy 2.0; nothing else lives here."""
