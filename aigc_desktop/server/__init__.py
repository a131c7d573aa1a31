"""The local OpenAI-compatible API (FastAPI + uvicorn) over the app's engine: ``LocalServer`` in ``local.py``."""
