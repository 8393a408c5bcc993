"""Keys of the vault: the master key, the keys derived from it, and sealing of values.

Layout (every derived key comes from HKDF-SHA256, RFC 5869, with its own `info` label):

- the master key (32 bytes) comes from `DEID_VAULT_KEY` or a key file;
- the *wrapping key* seals each session's random data key with AES-GCM;
- the *index key* turns (tenant, session id) into the keyed hash that names a session row;
- each session's random data key yields, through HKDF again, the key that seals its rows with
  AES-GCM and the key of the hashes that name its rows. Deleting the wrapped data key therefore makes both the sealed
  values and their row hashes useless (crypto-shredding).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from detectors.errors import ConfigurationError, VaultError

KEY_BYTES = 32
NONCE_BYTES = 12  # the nonce size AES-GCM is specified for (NIST SP 800-38D)
KEY_ENV_VARIABLE = "DEID_VAULT_KEY"
KEY_HOWTO = (
    'generate one with: python -c "import base64, os; '
    'print(base64.b64encode(os.urandom(32)).decode())"'
)


def load_master_key(env_value: str | None, key_file: Path) -> bytes:
    """Return the vault master key from `DEID_VAULT_KEY`, else from `key_file`.

    `env_value` is the variable's value; unset or blank means "use the key file". A missing
    key file is created with a fresh random key and mode 0600 (its folder with 0700).
    Raises `ConfigurationError` for a malformed key or a key file that other users can
    read; the message never contains the key.
    """
    if env_value is not None and env_value.strip():
        return _decode_key(env_value, source=KEY_ENV_VARIABLE)
    if not key_file.exists():
        _create_key_file(key_file)
    return _read_key_file(key_file)


def _decode_key(text: str, *, source: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        key = b""
    if len(key) != KEY_BYTES:
        raise ConfigurationError(
            f"{source} must be the base64 encoding of exactly {KEY_BYTES} random bytes; {KEY_HOWTO}"
        )
    return key


def _create_key_file(key_file: Path) -> None:
    """Write a new random key to `key_file` unless another process did so first.

    The key goes to a private temporary file that is then hard-linked into place, so a
    reader never sees a half-written key and two processes starting at once agree on one.
    """
    key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = key_file.with_name(f".{key_file.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, key_file)
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)


def _read_key_file(key_file: Path) -> bytes:
    mode = key_file.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigurationError(
            f"vault key file {key_file} is accessible to other users; run: chmod 600 {key_file}"
        )
    return _decode_key(key_file.read_text(encoding="ascii"), source=f"vault key file {key_file}")


def derive_key(secret: bytes, label: bytes) -> bytes:
    """Derive a 32-byte key for one purpose (`label`) from `secret` with HKDF-SHA256."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=label)
    return hkdf.derive(secret)


def keyed_hash(key: bytes, *parts: bytes) -> bytes:
    """Return HMAC-SHA256 over `parts`, each length-prefixed so that no two lists collide."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in parts:
        mac.update(len(part).to_bytes(4, "big"))
        mac.update(part)
    return mac.digest()


def seal(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """Encrypt with AES-GCM under a fresh random nonce; returns nonce + ciphertext + tag."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def open_sealed(key: bytes, sealed: bytes, associated_data: bytes) -> bytes:
    """Decrypt what `seal` produced; raises `VaultError` if the key, row or binding differ."""
    nonce, ciphertext = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, associated_data)
    except InvalidTag as error:
        raise VaultError(
            "a vault row failed authentication: it was altered, moved to another session, "
            "or written under another master key"
        ) from error


@dataclass(frozen=True)
class VaultKeys:
    """The keys derived from one master key; `repr` shows none of them."""

    wrapping_key: bytes = field(repr=False)
    index_key: bytes = field(repr=False)

    @classmethod
    def from_master_key(cls, master_key: bytes) -> VaultKeys:
        """Derive the vault keys; raises `ConfigurationError` if the key is not 32 bytes."""
        if len(master_key) != KEY_BYTES:
            raise ConfigurationError(
                f"the vault master key must be {KEY_BYTES} bytes; {KEY_HOWTO} "
                f"and set it in {KEY_ENV_VARIABLE}"
            )
        return cls(
            wrapping_key=derive_key(master_key, b"deid-proxy vault v1 wrapping"),
            index_key=derive_key(master_key, b"deid-proxy vault v1 session index"),
        )

    def __repr__(self) -> str:
        return "VaultKeys(...)"


@dataclass(frozen=True)
class SessionKeys:
    """The keys derived from one session's data key: row sealing and row hashes."""

    sealing_key: bytes = field(repr=False)
    row_index_key: bytes = field(repr=False)

    @classmethod
    def from_data_key(cls, data_key: bytes) -> SessionKeys:
        """Derive the session's keys from its (unwrapped) data key."""
        return cls(
            sealing_key=derive_key(data_key, b"deid-proxy vault v1 row sealing"),
            row_index_key=derive_key(data_key, b"deid-proxy vault v1 row index"),
        )

    def __repr__(self) -> str:
        return "SessionKeys(...)"
