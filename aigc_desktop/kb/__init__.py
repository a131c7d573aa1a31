"""Knowledge bases: the person's own files, parsed, chunked, indexed for keyword and vector search (no Qt)."""
