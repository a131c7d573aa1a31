"""The token stream's UTF-8 decoding: split characters wait, unusable bytes never become U+FFFD."""

from aigc_desktop.llm.protocol import text_decoder


def test_a_character_split_over_tokens_waits_for_its_last_byte():
    """「初」 in three one-byte tokens comes out whole, once."""
    d = text_decoder()
    raw = "初".encode()
    assert [d.decode(raw[:1]), d.decode(raw[1:2]), d.decode(raw[2:])] == ["", "", "初"]


def test_a_lead_byte_followed_by_ascii_is_dropped_not_replaced():
    """A tiny model's stray lead byte before ASCII (seen as 「初�os」) gives 「初os」, no U+FFFD."""
    d = text_decoder()
    out = "".join(d.decode(p) for p in ["初".encode(), b"\xe5", b"os"]) + d.decode(b"", final=True)
    assert out == "初os" and "\ufffd" not in out
