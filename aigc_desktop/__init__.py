"""AIGC Desktop: a local, offline chat assistant."""
__version__ = "0.1.0"
