"""The default vault backend: one local SQLite file in WAL mode, every value sealed.

A session row is named by a keyed hash of tenant and session id. It contains the session's
data key, wrapped by the master key, and its sealed `meta`. Each entry and each alias is one
sealed row, named by a keyed hash of its token or lookup key. Each row's AES-GCM associated data binds it
to its kind, its session and its row hash, and the row hash is recomputed from the decrypted
token after opening, so rows cannot be moved between sessions or swapped within one.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detectors.errors import ConfigurationError, VaultError
from detectors.findings import EntityType
from policies.session import Alias, SessionState, VaultEntry
from proxy.vault.connections import ConnectionPool, translated_errors, write_transaction
from proxy.vault.crypto import KEY_BYTES, SessionKeys, VaultKeys, keyed_hash, open_sealed, seal

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
DEFAULT_BUSY_TIMEOUT_SECONDS = 30.0

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS vault_info (name TEXT PRIMARY KEY, value BLOB NOT NULL)",
    """CREATE TABLE IF NOT EXISTS sessions (
        ref BLOB PRIMARY KEY,
        wrapped_key BLOB NOT NULL,
        meta BLOB NOT NULL,
        expires_at REAL NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at)",
    """CREATE TABLE IF NOT EXISTS entries (
        session_ref BLOB NOT NULL REFERENCES sessions (ref) ON DELETE CASCADE,
        lookup BLOB NOT NULL,
        sealed BLOB NOT NULL,
        PRIMARY KEY (session_ref, lookup)
    )""",
    """CREATE TABLE IF NOT EXISTS aliases (
        session_ref BLOB NOT NULL REFERENCES sessions (ref) ON DELETE CASCADE,
        lookup BLOB NOT NULL,
        sealed BLOB NOT NULL,
        PRIMARY KEY (session_ref, lookup)
    )""",
)


@dataclass(frozen=True)
class _LoadedSession:
    """A session read inside the write transaction, with what persisting it needs."""

    ref: bytes = field(repr=False)
    state: SessionState
    keys: SessionKeys = field(repr=False)
    # Set only for a session that is not in the database yet.
    new_wrapped_key: bytes | None = field(repr=False)


def _aad(kind: bytes, session_ref: bytes, lookup: bytes = b"") -> bytes:
    # Session refs and lookups are fixed-length HMAC outputs, so plain concatenation is unique.
    return kind + b":" + session_ref + lookup


def _entry_lookup(keys: SessionKeys, token: str) -> bytes:
    return keyed_hash(keys.row_index_key, b"entry", token.encode())


def _alias_lookup(keys: SessionKeys, entity_type: EntityType, key: str) -> bytes:
    return keyed_hash(keys.row_index_key, b"alias", entity_type.value.encode(), key.encode())


def _seal_json(key: bytes, value: object, associated_data: bytes) -> bytes:
    try:
        plaintext = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    except (TypeError, ValueError) as error:
        raise VaultError(
            f"session data is not JSON-serialisable ({type(error).__name__})"
        ) from error
    return seal(key, plaintext, associated_data)


def _open_json(key: bytes, sealed: bytes, associated_data: bytes) -> Any:
    return json.loads(open_sealed(key, sealed, associated_data))


class SqliteVault:
    """The vault in one local SQLite file; safe to share across threads and processes.

    Build it with `open_vault`. Every write happens under SQLite's database-wide write lock
    (`BEGIN IMMEDIATE`), so a `session` block serialises with every other writer of the file.
    Keep the block short: de-identify inside it and call the upstream after leaving it. Never
    open a second `session` block on the same file inside one, because it would wait for the
    busy timeout and then raise `VaultError`.
    """

    def __init__(
        self,
        path: Path,
        keys: VaultKeys,
        *,
        ttl_seconds: int,
        clock: Callable[[], float] = time.time,
        busy_timeout_seconds: float = DEFAULT_BUSY_TIMEOUT_SECONDS,
    ) -> None:
        if ttl_seconds <= 0:
            raise ConfigurationError(f"vault ttl_seconds must be positive, got {ttl_seconds}")
        self.path = path
        self.ttl_seconds = ttl_seconds
        self._keys = keys
        self._clock = clock
        self._pool = ConnectionPool(path, busy_timeout_seconds)

    def __repr__(self) -> str:
        return f"SqliteVault(path={str(self.path)!r}, ttl_seconds={self.ttl_seconds})"

    def initialise(self) -> None:
        """Create the schema if needed and check that the master key is this vault's key.

        Raises `ConfigurationError` if the vault was created under another master key, and
        `VaultError` if the file cannot be opened or has a newer schema.
        """
        _create_private_file(self.path)
        check_value = keyed_hash(self._keys.index_key, b"master key check")
        with self._pool.connection() as connection, write_transaction(connection):
            with translated_errors("create its schema"):
                version = connection.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise VaultError(
                        f"vault at {self.path} has schema version {version}; this deid-proxy "
                        f"reads up to version {SCHEMA_VERSION}"
                    )
                for statement in _SCHEMA:
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                row = connection.execute(
                    "SELECT value FROM vault_info WHERE name = 'key_check'"
                ).fetchone()
                if row is None:
                    connection.execute(
                        "INSERT INTO vault_info (name, value) VALUES ('key_check', ?)",
                        (check_value,),
                    )
            if row is not None and not hmac.compare_digest(row[0], check_value):
                raise ConfigurationError(
                    f"vault at {self.path} was created with another master key; set "
                    "DEID_VAULT_KEY (or the key file) to that key, or move the vault aside"
                )

    @contextmanager
    def session(self, tenant: str, session_id: str) -> Iterator[SessionState]:
        """Load a session under the write lock; persist its additions on a clean exit.

        On a clean exit the new entries, new aliases and changed `meta` are written in the
        same transaction, and the time-to-live restarts. A new session with nothing to store
        is not written. On an exception inside the block nothing is persisted and the
        exception propagates unchanged. Raises `VaultError` when storage or decryption fails.
        """
        ref = self._session_ref(tenant, session_id)
        with self._pool.connection() as connection, write_transaction(connection):
            loaded = self._load(connection, ref, tenant, session_id)
            yield loaded.state
            self._persist(connection, loaded)
        _mark_persisted(loaded.state)

    def check_writable(self) -> None:
        """Raise `VaultError` unless the vault can take its write lock and commit a write."""
        with (
            self._pool.connection() as connection,
            write_transaction(connection),
            translated_errors("write its readiness check"),
        ):
            connection.execute(
                "INSERT OR REPLACE INTO vault_info (name, value) VALUES ('checked_at', ?)",
                (str(self._clock()),),
            )

    def purge_expired(self) -> int:
        """Delete every session whose time-to-live has run out; returns how many."""
        with (
            self._pool.connection() as connection,
            write_transaction(connection),
            translated_errors("purge expired sessions"),
        ):
            cursor = connection.execute(
                "DELETE FROM sessions WHERE expires_at <= ?", (self._clock(),)
            )
        logger.info("vault purge deleted %d expired sessions", cursor.rowcount)
        return cursor.rowcount

    def forget(self, tenant: str, session_id: str) -> bool:
        """Crypto-shred one session: delete its wrapped data key and its rows.

        Returns whether the session existed. The deleted pages are zeroed (`secure_delete`)
        and the write-ahead log is truncated unless a reader is using it.
        """
        ref = self._session_ref(tenant, session_id)
        with self._pool.connection() as connection:
            with write_transaction(connection), translated_errors("forget a session"):
                cursor = connection.execute("DELETE FROM sessions WHERE ref = ?", (ref,))
            if cursor.rowcount:
                _truncate_wal(connection)
        logger.info("vault forget: session existed=%s", bool(cursor.rowcount))
        return bool(cursor.rowcount)

    def close(self) -> None:
        """Close the database connections; later calls raise `VaultError`."""
        self._pool.close()

    def _session_ref(self, tenant: str, session_id: str) -> bytes:
        if not tenant or not session_id:
            raise ValueError("tenant and session id must be non-empty")
        return keyed_hash(self._keys.index_key, b"session", tenant.encode(), session_id.encode())

    def _load(
        self, connection: sqlite3.Connection, ref: bytes, tenant: str, session_id: str
    ) -> _LoadedSession:
        with translated_errors("read a session"):
            row = connection.execute(
                "SELECT wrapped_key, meta, expires_at FROM sessions WHERE ref = ?", (ref,)
            ).fetchone()
            if row is not None and row[2] <= self._clock():
                connection.execute("DELETE FROM sessions WHERE ref = ?", (ref,))
                row = None
            if row is None:
                return self._new_session(ref, tenant, session_id)
            wrapped_key, sealed_meta, _ = row
            data_key = open_sealed(self._keys.wrapping_key, wrapped_key, _aad(b"data key", ref))
            keys = SessionKeys.from_data_key(data_key)
            entry_rows = connection.execute(
                "SELECT lookup, sealed FROM entries WHERE session_ref = ? ORDER BY rowid", (ref,)
            ).fetchall()
            alias_rows = connection.execute(
                "SELECT lookup, sealed FROM aliases WHERE session_ref = ? ORDER BY rowid", (ref,)
            ).fetchall()
        entries = [self._open_entry(keys, ref, lookup, sealed) for lookup, sealed in entry_rows]
        aliases = [self._open_alias(keys, ref, lookup, sealed) for lookup, sealed in alias_rows]
        meta = _open_json(keys.sealing_key, sealed_meta, _aad(b"meta", ref))
        state = SessionState.restored(tenant, session_id, entries, aliases, meta)
        return _LoadedSession(ref, state, keys, new_wrapped_key=None)

    def _new_session(self, ref: bytes, tenant: str, session_id: str) -> _LoadedSession:
        data_key = secrets.token_bytes(KEY_BYTES)
        wrapped_key = seal(self._keys.wrapping_key, data_key, _aad(b"data key", ref))
        state = SessionState(tenant=tenant, session_id=session_id)
        return _LoadedSession(ref, state, SessionKeys.from_data_key(data_key), wrapped_key)

    @staticmethod
    def _open_entry(keys: SessionKeys, ref: bytes, lookup: bytes, sealed: bytes) -> VaultEntry:
        fields = _open_json(keys.sealing_key, sealed, _aad(b"entry", ref, lookup))
        entry = VaultEntry(
            token=fields["token"],
            original=fields["original"],
            entity_type=EntityType(fields["entity_type"]),
            operator=fields["operator"],
        )
        if not hmac.compare_digest(_entry_lookup(keys, entry.token), lookup):
            raise VaultError("a vault entry row does not match its token hash")
        return entry

    @staticmethod
    def _open_alias(keys: SessionKeys, ref: bytes, lookup: bytes, sealed: bytes) -> Alias:
        fields = _open_json(keys.sealing_key, sealed, _aad(b"alias", ref, lookup))
        alias = Alias(EntityType(fields["entity_type"]), fields["key"], fields["token"])
        if not hmac.compare_digest(_alias_lookup(keys, alias.entity_type, alias.key), lookup):
            raise VaultError("a vault alias row does not match its key hash")
        return alias

    def _persist(self, connection: sqlite3.Connection, loaded: _LoadedSession) -> None:
        state = loaded.state
        is_new = loaded.new_wrapped_key is not None
        if is_new and not (state.new_entries or state.new_aliases or state.meta_changed):
            return
        if is_new or state.meta_changed:
            self._write_session_row(connection, loaded)
        else:
            self._refresh_expiry(connection, loaded.ref)

        ref, keys = loaded.ref, loaded.keys
        entry_rows = [
            _sealed_row(keys, ref, b"entry", _entry_lookup(keys, entry.token), _entry_fields(entry))
            for entry in state.new_entries
        ]
        alias_rows = [
            _sealed_row(
                keys,
                ref,
                b"alias",
                _alias_lookup(keys, alias.entity_type, alias.key),
                _alias_fields(alias),
            )
            for alias in state.new_aliases
        ]
        with translated_errors("write session entries"):
            connection.executemany("INSERT INTO entries VALUES (?, ?, ?)", entry_rows)
            connection.executemany("INSERT OR REPLACE INTO aliases VALUES (?, ?, ?)", alias_rows)

    def _refresh_expiry(self, connection: sqlite3.Connection, ref: bytes) -> None:
        with translated_errors("refresh a session's time-to-live"):
            connection.execute(
                "UPDATE sessions SET expires_at = ? WHERE ref = ?",
                (self._clock() + self.ttl_seconds, ref),
            )

    def _write_session_row(self, connection: sqlite3.Connection, loaded: _LoadedSession) -> None:
        ref = loaded.ref
        sealed_meta = _seal_json(loaded.keys.sealing_key, loaded.state.meta, _aad(b"meta", ref))
        expires_at = self._clock() + self.ttl_seconds
        with translated_errors("write a session"):
            if loaded.new_wrapped_key is None:
                connection.execute(
                    "UPDATE sessions SET meta = ?, expires_at = ? WHERE ref = ?",
                    (sealed_meta, expires_at, ref),
                )
                return
            connection.execute(
                "INSERT INTO sessions (ref, wrapped_key, meta, expires_at) VALUES (?, ?, ?, ?)",
                (ref, loaded.new_wrapped_key, sealed_meta, expires_at),
            )


def _entry_fields(entry: VaultEntry) -> dict[str, str]:
    return {
        "token": entry.token,
        "original": entry.original,
        "entity_type": entry.entity_type.value,
        "operator": entry.operator,
    }


def _alias_fields(alias: Alias) -> dict[str, str]:
    return {"entity_type": alias.entity_type.value, "key": alias.key, "token": alias.token}


def _sealed_row(
    keys: SessionKeys, ref: bytes, kind: bytes, lookup: bytes, fields: dict[str, str]
) -> tuple[bytes, bytes, bytes]:
    return ref, lookup, _seal_json(keys.sealing_key, fields, _aad(kind, ref, lookup))


def _mark_persisted(state: SessionState) -> None:
    state.new_entries.clear()
    state.new_aliases.clear()
    state.meta_changed = False


def _create_private_file(path: Path) -> None:
    """Create the database file with mode 0600 so that SQLite's WAL files inherit it."""
    if path.exists():
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def _truncate_wal(connection: sqlite3.Connection) -> None:
    with translated_errors("checkpoint its write-ahead log"):
        blocked = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    if blocked:
        logger.warning("vault WAL checkpoint was blocked by a reader; it runs at a later commit")


def open_vault(
    path: Path,
    master_key: bytes,
    *,
    ttl_seconds: int,
    clock: Callable[[], float] = time.time,
    busy_timeout_seconds: float = DEFAULT_BUSY_TIMEOUT_SECONDS,
) -> SqliteVault:
    """Open (creating if needed) the SQLite vault at `path` under `master_key`.

    `ttl_seconds` is how long a session lives after its last use; `clock` returns Unix time
    in seconds. Raises `ConfigurationError` for a bad key or TTL or a vault made with another
    master key, and `VaultError` if the file cannot be used.
    """
    vault = SqliteVault(
        path,
        VaultKeys.from_master_key(master_key),
        ttl_seconds=ttl_seconds,
        clock=clock,
        busy_timeout_seconds=busy_timeout_seconds,
    )
    try:
        vault.initialise()
    except BaseException:
        vault.close()
        raise
    return vault
