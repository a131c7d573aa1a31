"""Request bodies of the local API (pydantic, as FastAPI expects), and the OpenAI error shape.

Only the fields the app's engine can honour are declared; a request asking for
something it cannot do (``n`` > 1, tools) is refused with a 400 that says so,
rather than answered as if it had been done. Unknown fields are ignored, as
OpenAI-compatible servers commonly do, so that clients that send extras work.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")

    model: str | None = None
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    min_p: float | None = None
    repeat_penalty: float | None = None
    repetition_penalty: float | None = None  # vLLM's name for the same
    seed: int | None = None
    stream: bool = False
    stream_options: dict[str, Any] | None = None
    stop: str | list[str] | None = None
    n: int = 1
    tools: list[Any] | None = None

    def sampling_values(self, default_max: int) -> dict:
        values = {
            "temperature": self.temperature, "top_p": self.top_p, "top_k": self.top_k, "min_p": self.min_p,
            "repeat_penalty": self.repeat_penalty if self.repeat_penalty is not None else self.repetition_penalty,
            "seed": self.seed,
            "max_tokens": self.max_completion_tokens or self.max_tokens or default_max,
        }
        return {k: v for k, v in values.items() if v is not None}

    @property
    def stops(self) -> list[str]:
        if not self.stop:
            return []
        return [s for s in ([self.stop] if isinstance(self.stop, str) else self.stop) if s]

    @property
    def include_usage(self) -> bool:
        return bool((self.stream_options or {}).get("include_usage"))


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        """Plain text; a list of content parts keeps its text parts (this engine reads no images)."""
        if isinstance(self.content, list):
            return "".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""

    def image_urls(self) -> list[str]:
        """The URLs of the image parts (``{"image_url": {"url": …}}`` or ``{"image_url": "…"}``), stripped."""
        if not isinstance(self.content, list):
            return []
        found = []
        for part in self.content:
            if part.get("type") != "image_url" and "image_url" not in part:
                continue
            ref = part.get("image_url")
            url = ref.get("url") if isinstance(ref, dict) else ref
            found.append(str(url or "").strip())
        return found


class ChatRequest(_Body):
    messages: list[ChatMessage]


class CompletionRequest(_Body):
    prompt: str | list[str]


class EmbeddingRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    model: str | None = None
    input: str | list[str]


def error_body(message: str, kind: str = "invalid_request_error", code: str | None = None) -> dict:
    """OpenAI's error shape: clients (the ``openai`` package among them) read ``error.message``."""
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}
