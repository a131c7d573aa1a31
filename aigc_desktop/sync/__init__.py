"""Sync between the person's computers through a shared folder or WebDAV, merging (see docs/architecture.md)."""
