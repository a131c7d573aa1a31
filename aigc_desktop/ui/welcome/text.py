"""The welcome panel's words and palette: every sentence whole, shown as ``_(TEXT[key])``."""

from __future__ import annotations

from aigc_desktop.render import palette as _palette
from aigc_desktop.i18n import N_

MIRROR_ENDPOINT = "https://hf-mirror.com"
CARD_WIDTH = 620
MARGIN = 8
LOGO = 48
NARROW = 560  # below this panel width the examples stack

# Every sentence a person reads, whole (placeholders, no fragments); shown as _(TEXT[key]).
TEXT = {
    "title": N_("Welcome to AIGC Desktop"),
    "subtitle": N_("Chat with AI on this computer. Your conversations never leave it."),
    "model_caption": N_("MODEL IN USE"),
    "starting": N_("Opening your conversations…"),
    "no_model": N_("No model is loaded yet."),
    "loading": N_("Loading {name}…"),
    "starter_title": N_("SmolLM2 135M (starter model)"),
    "starter_text": N_("A tiny English demo model; it cannot write Chinese."),
    "model_title": "{name}",
    "model_zh": N_("{size} · {params} parameters · writes Chinese and English."),
    "model_en": N_("{size} · {params} parameters · the catalog lists no Chinese for it: expect English answers."),
    "model_unknown": N_("{size} · {params} parameters · not in the catalog, so whether it writes Chinese is not known."),
    "remote_title": N_("{model} ({provider})"),
    "remote_text": N_("This chat is answered by the server {provider}; whether it writes Chinese depends on that "
                      "model."),
    "offer_caption": N_("RECOMMENDED FOR CHINESE ON THIS COMPUTER"),
    "offer": N_("{name} writes Chinese and English and fits in {free} of free memory."),
    "offer_tight": N_("{name} writes Chinese and English; with {free} of free memory it may run slowly."),
    "download": N_("Download {name} ({size})"),
    "use_installed": N_("Use {name} (already downloaded)"),
    "looking": N_("Looking up {file} on {host}…"),
    "progress": N_("{done} of {total} · {speed}/s · about {eta} left"),
    "progress_start": N_("Starting the download from {host}…"),
    "cancel": N_("Cancel"),
    "cancelled": N_("Download stopped. What arrived is kept: Download continues from there."),
    "unreachable": N_("Could not reach {host}. From mainland China, the mirror usually works."),
    "use_mirror": N_("Use the mirror hf-mirror.com and try again"),
    "retry": N_("Try again"),
    "failed": "{message}",
    "gone": N_("{file} is no longer in {repo} on {host}."),
    "offline": N_("While offline mode is on, the app connects to nothing, not even to download."),
    "offline_button": N_("Offline mode is on: turn it off"),
    "offline_forced": "{message}",
    "switching": N_("Downloaded and checked. Loading {name}…"),
    "ready": N_("{name} is ready, and new chats will use it. Ask anything below, in Chinese or English."),
    "nothing_fits": N_("This computer has too little free memory ({free}) for the catalog's Chinese models. "
                       "Close other programs and open a new chat, or use Models → Manage models…."),
    "examples_caption": N_("TRY ASKING"),
}
EXAMPLES = (  # (icon, what it shows, the prompt): Chinese, as our users write
    ("mdi6.lightbulb-on-outline", N_("Ask a question"), "AI生成内容（AIGC）是什么？"),
    ("mdi6.format-list-bulleted", N_("Structured answer"),
     "请从三个方面介绍人工智能对教育的影响，要求突出重点，表达清晰。"),
    ("mdi6.code-braces", N_("Write code"), "用 Python 写一个函数，计算 CSV 文件每一列的平均值，并加上注释。"),
)
BUSY = ("looking", "downloading", "switching")

LIGHT = _palette.LIGHT.welcome  # the colours live in render/palette.py
DARK = _palette.DARK.welcome
