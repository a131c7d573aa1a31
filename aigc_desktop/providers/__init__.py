"""OpenAI-compatible engines: named endpoints, their keys, the remote engine and the router.

``config`` (endpoints in ``providers.json``), ``secrets`` (keys in the keychain or a
0600 file, masked in logs), ``errors`` (one line per failure), ``remote``
(``RemoteEngine``), ``router`` (which engine a conversation's model names).
"""
