"""The chat view: the replaceable empty state, untrusted content stays inert."""

from __future__ import annotations

import http.server
import threading

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel

from tests.ui.conftest import chat_with_two


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_untrusted_content_fetches_nothing(qtbot, make_window):
    """Script, remote image and javascript: link render inert; a local server sees no request."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.timeout = 5
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        port = server.server_address[1]
        win = make_window(load_model=False)
        conv = win.rt.store.create("untrusted")
        text = (f'<script>alert(1)</script>\n\n<img src="http://127.0.0.1:{port}/raw.png">\n\n'
                f'![pic](http://127.0.0.1:{port}/md.png)\n\n[click](javascript:alert(1))')
        win.rt.store.add_message(conv.id, "assistant", text)
        win.conversations.refresh_sidebar()
        win.conversations.open(conv.id)
        qtbot.wait_until(lambda: bool(win.chat.widgets))
        body = win.chat.widgets[0].body
        doc_html = body.toHtml().lower()
        assert "<img" not in doc_html and "<script" not in doc_html
        assert 'href="javascript' not in doc_html
        assert "<script>alert(1)</script>" in body.toPlainText()
        assert "[image: pic]" in body.toPlainText()
        QGuiApplication.processEvents()
    finally:
        server.shutdown()
        server.server_close()
    assert _Recorder.hits == []


def test_empty_state_is_a_replaceable_widget(qtbot, make_window):
    """set_empty_widget puts a widget in the empty chat; it hides while messages are shown."""
    win = make_window(load_model=False)
    panel = QLabel("welcome")
    win.chat.set_empty_widget(panel)
    win.conversations.new()
    assert panel.isVisible()
    chat_with_two(win)
    assert not panel.isVisible()
