"""The knowledge-base parts of the window: its window, the chip, sources under a reply, indexing jobs."""
