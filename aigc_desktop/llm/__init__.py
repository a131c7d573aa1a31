"""Inference through llama-cpp-python; nothing else lives here."""
