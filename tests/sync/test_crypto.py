"""Sync files sealed with a passphrase: round trip, a wrong passphrase, damaged or hostile files."""

from __future__ import annotations

import pytest

from aigc_desktop.errors import UserError
from aigc_desktop.sync import crypto
from aigc_desktop.sync.layout import BadFile
from aigc_desktop.sync.crypto import SealError, WrongPassphrase, is_sealed, open_sealed, seal

DATA = '{"op": "put", "title": "周末去杭州"}\n'.encode() * 50


def test_round_trip_with_a_chinese_passphrase():
    sealed = seal(DATA, "我的同步口令 2026")
    assert is_sealed(sealed) and not is_sealed(DATA)
    assert DATA not in sealed and b"title" not in sealed
    assert open_sealed(sealed, "我的同步口令 2026") == DATA


def test_each_file_gets_its_own_salt_and_nonce():
    a, b = seal(DATA, "pass phrase"), seal(DATA, "pass phrase")
    salt_at = len(crypto.MAGIC) + 4
    assert a[salt_at:salt_at + 16] != b[salt_at:salt_at + 16]
    assert a != b


def test_empty_data_round_trips():
    assert open_sealed(seal(b"", "pass phrase"), "pass phrase") == b""


def test_a_wrong_passphrase_says_so_and_stops_the_sync():
    sealed = seal(DATA, "right one")
    with pytest.raises(WrongPassphrase, match="passphrase is wrong") as caught:
        open_sealed(sealed, "wrong one")
    assert not isinstance(caught.value, BadFile)  # not skipped as an incomplete file: the person must act


@pytest.mark.parametrize("where", ["ciphertext", "tag", "salt", "check"])
def test_a_changed_byte_is_refused(where):
    sealed = bytearray(seal(DATA, "pass phrase"))
    at = {"ciphertext": crypto.HEADER_BYTES + 5, "tag": len(sealed) - 1, "salt": len(crypto.MAGIC) + 4,
          "check": crypto.HEADER_BYTES - 1}[where]
    sealed[at] ^= 0x01
    with pytest.raises(SealError):
        open_sealed(bytes(sealed), "pass phrase")


def test_a_damaged_body_is_called_damaged_not_a_wrong_passphrase():
    sealed = bytearray(seal(DATA, "pass phrase"))
    sealed[crypto.HEADER_BYTES + 3] ^= 0xFF
    with pytest.raises(SealError, match="damaged") as caught:
        open_sealed(bytes(sealed), "pass phrase")
    assert not isinstance(caught.value, WrongPassphrase)
    assert isinstance(caught.value, BadFile)  # skipped and retried, like a plain file cut short


def test_a_truncated_file_is_damaged():
    sealed = seal(DATA, "pass phrase")
    for cut in (len(sealed) - 1, crypto.HEADER_BYTES + 3, 10):
        with pytest.raises(SealError, match="damaged"):
            open_sealed(sealed[:cut], "pass phrase")


def test_a_plain_file_is_not_taken_for_a_sealed_one():
    with pytest.raises(SealError, match="not encrypted"):
        open_sealed(DATA, "pass phrase")


def test_a_header_asking_for_too_much_memory_is_refused_before_any_work():
    sealed = bytearray(seal(DATA, "pass phrase"))
    sealed[len(crypto.MAGIC) + 1] = 30  # log2(n): 2**30 blocks of scrypt would need 1 TiB
    with pytest.raises(SealError, match="header"):
        open_sealed(bytes(sealed), "pass phrase")


def test_a_newer_format_asks_for_an_update():
    sealed = bytearray(seal(DATA, "pass phrase"))
    sealed[len(crypto.MAGIC)] = 9
    with pytest.raises(SealError, match="newer version"):
        open_sealed(bytes(sealed), "pass phrase")


def test_an_empty_passphrase_is_refused():
    with pytest.raises(UserError, match="empty"):
        seal(DATA, "")
