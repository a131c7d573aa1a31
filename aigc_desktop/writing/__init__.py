"""The writing studio's core: outlines, section prompts, drafting and assembly (no Qt)."""
