"""The welcome panel: what the empty chat shows on a first start and in every new chat.

A first start opens on the starter model, a tiny English demo whose first Chinese
answer is nonsense. The panel says so in plain words, and offers one click to the
Chinese-capable catalog model that fits this machine (:func:`hub.recommend.recommend`):
look the file up on the configured Hub, download it through the window's
:class:`DownloadsController` with a bar here, then switch the chat to it and make it
the default for new chats. Nothing connects before that click. When the Hub cannot
be reached it offers the mirror (one click saves ``hub_endpoint`` and tries again);
in offline mode it says so and offers to turn it off. Three Chinese example prompts
fill the composer when clicked.

The package: ``text`` (every sentence, the palette), ``lookup`` (the Hub lookup,
worker thread), ``look`` (logo, example cards, style sheet), ``panel`` (the states
and the download) and ``host`` (the panel in the chat's empty state).

"""

from aigc_desktop.ui.welcome.host import EmptyStateHost, install
from aigc_desktop.ui.welcome.lookup import Unreachable, find_remote
from aigc_desktop.ui.welcome.panel import WelcomePanel
from aigc_desktop.ui.welcome.text import EXAMPLES, MIRROR_ENDPOINT, TEXT

__all__ = ["EXAMPLES", "MIRROR_ENDPOINT", "TEXT", "EmptyStateHost", "Unreachable", "WelcomePanel", "find_remote",
           "install"]
