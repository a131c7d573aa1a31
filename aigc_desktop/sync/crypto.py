"""End-to-end encryption of sync files with a passphrase: ``seal`` and ``open_sealed``.

Built from `cryptography`'s primitives (already a dependency) rather than a
ready format such as Fernet, because Fernet takes a raw key (no passphrase KDF)
and authenticates with HMAC-SHA256 over base64 text, a third larger on disk.

A sealed file is a small versioned header followed by the AES-256-GCM ciphertext
(its 16-byte tag at the end)::

    b"AIGCSEAL"  version (1)  log2(n) r p (scrypt, 1 byte each)  salt (16)  nonce (12)  check (8)

Each file has its own random salt, so the key is derived by scrypt for each file
(n = 2**15, r = 8, p = 1: about 0.1 s and 32 MiB here). The scrypt output is
64 bytes: the first 32 are the AES key, the other 32 key an HMAC whose first 8
bytes are the header's ``check``, so a wrong passphrase is told apart from a
damaged file (GCM alone cannot say which). The whole header is GCM's associated
data: changing any byte of it, or of the ciphertext, fails to open.

A file from elsewhere is untrusted: its scrypt parameters are accepted only
within fixed bounds (a header asking for gigabytes of memory is "damaged").
A damaged file (:class:`DamagedSeal`) is a ``layout.BadFile``, skipped and retried
like a cut-short plain one; a wrong passphrase (:class:`WrongPassphrase`) stops
the sync with words saying so.
The passphrase is never written into the shared place; the service keeps it
in the keychain (``providers/secrets.SecretStore``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
from collections import OrderedDict

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.sync.layout import BadFile

MAGIC = b"AIGCSEAL"
VERSION = 1
LOG2_N, R, P = 15, 8, 1
SALT_BYTES, NONCE_BYTES, CHECK_BYTES = 16, 12, 8
HEADER_BYTES = len(MAGIC) + 4 + SALT_BYTES + NONCE_BYTES + CHECK_BYTES
TAG_BYTES = 16
_LOG2_N_RANGE = range(14, 18)  # what a file may ask for: 16 to 128 MiB of memory at r = 8
_MAX_R, _MAX_P = 8, 4
_CHECK_LABEL = b"aigc-sync passphrase check"

_keys: OrderedDict[tuple, tuple[bytes, bytes]] = OrderedDict()  # a re-read file costs no second scrypt
_keys_lock = threading.Lock()
_KEYS_KEPT = 64


class SealError(UserError):
    """A sealed file cannot be opened: wrong passphrase, or damaged."""


class WrongPassphrase(SealError):
    """The passphrase is not the one the file was sealed with: the sync stops and says so."""


class DamagedSeal(SealError, BadFile):
    """Cut short (still arriving through Dropbox, a kill), changed, or of a newer format: like any
    incomplete sync file (:class:`~aigc_desktop.sync.layout.BadFile`) it is skipped and retried later."""


def is_sealed(data: bytes) -> bool:
    """True when ``data`` starts like a sealed file (it may still be damaged)."""
    return data[:len(MAGIC)] == MAGIC


def seal(data: bytes, passphrase: str) -> bytes:
    """``data`` encrypted and authenticated under ``passphrase``, with a fresh salt and nonce."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    secret = _passphrase_bytes(passphrase)
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    key, check = _derive(secret, salt, LOG2_N, R, P)
    header = MAGIC + bytes((VERSION, LOG2_N, R, P)) + salt + nonce + check
    return header + AESGCM(key).encrypt(nonce, bytes(data), header)


def open_sealed(data: bytes, passphrase: str) -> bytes:
    """The plain bytes of a sealed file; :class:`WrongPassphrase` or :class:`SealError` in plain words."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    secret = _passphrase_bytes(passphrase)
    if not is_sealed(data):
        raise DamagedSeal(_("This sync file is not encrypted with a passphrase, or it is damaged."))
    if len(data) < HEADER_BYTES + TAG_BYTES:
        raise DamagedSeal(_("This encrypted sync file is damaged (it is too short)."))
    at = len(MAGIC)
    version, log2_n, r, p = data[at:at + 4]
    if version != VERSION:
        raise DamagedSeal(_("This sync file was encrypted by a newer version of the app (format {version}). "
                          "Update the app on this device.").format(version=version))
    if log2_n not in _LOG2_N_RANGE or not 1 <= r <= _MAX_R or not 1 <= p <= _MAX_P:
        raise DamagedSeal(_("This encrypted sync file is damaged (its header is not valid)."))
    at += 4
    salt = data[at:at + SALT_BYTES]
    nonce = data[at + SALT_BYTES:at + SALT_BYTES + NONCE_BYTES]
    check = data[HEADER_BYTES - CHECK_BYTES:HEADER_BYTES]
    key, expected = _derive(secret, salt, log2_n, r, p)
    if not hmac.compare_digest(check, expected):
        raise WrongPassphrase(_("The encryption passphrase is wrong: this sync file was encrypted with another "
                                "one. Enter the passphrase you chose on your other device."))
    try:
        return AESGCM(key).decrypt(nonce, data[HEADER_BYTES:], data[:HEADER_BYTES])
    except InvalidTag:
        raise DamagedSeal(_("This encrypted sync file is damaged (its contents do not match its seal).")) from None


def _passphrase_bytes(passphrase: str) -> bytes:
    if not passphrase:
        raise UserError(_("The encryption passphrase is empty."))
    return passphrase.encode("utf-8")


def _derive(secret: bytes, salt: bytes, log2_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    """(AES key, passphrase check) for this salt; kept for the last few salts (keyed by a hash, not the passphrase)."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    cache_key = (hashlib.sha256(secret).digest(), salt, log2_n, r, p)
    with _keys_lock:
        if cache_key in _keys:
            _keys.move_to_end(cache_key)
            return _keys[cache_key]
    material = Scrypt(salt=salt, length=64, n=2 ** log2_n, r=r, p=p).derive(secret)
    key = material[:32]
    check = hmac.new(material[32:], _CHECK_LABEL, hashlib.sha256).digest()[:CHECK_BYTES]
    with _keys_lock:
        _keys[cache_key] = (key, check)
        while len(_keys) > _KEYS_KEPT:
            _keys.popitem(last=False)
    return key, check
