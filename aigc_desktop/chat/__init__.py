"""Joins the engine and the store: one place that knows how a turn happens."""
