"""SQLite connections for the vault: a small pool, write transactions and error translation."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from detectors.errors import VaultError

logger = logging.getLogger(__name__)


@contextmanager
def translated_errors(action: str) -> Iterator[None]:
    """Turn SQLite errors into `VaultError` that names only the SQLite error code."""
    try:
        yield
    except sqlite3.Error as error:
        code = getattr(error, "sqlite_errorname", None) or type(error).__name__
        raise VaultError(f"vault could not {action}: SQLite error {code}") from error


def _rollback_quietly(connection: sqlite3.Connection) -> None:
    if not connection.in_transaction:
        return
    try:
        connection.execute("ROLLBACK")
    except sqlite3.Error as error:
        # The original exception is already propagating; this one only gets logged.
        logger.warning("vault rollback failed: %s", type(error).__name__)


@contextmanager
def write_transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """Hold SQLite's write lock for the block; commit on a clean exit, else roll back."""
    with translated_errors("take the write lock"):
        connection.execute("BEGIN IMMEDIATE")
    try:
        yield
        with translated_errors("commit"):
            connection.execute("COMMIT")
    except BaseException:
        _rollback_quietly(connection)
        raise


class ConnectionPool:
    """Idle connections for reuse; each connection serves one thread at a time."""

    def __init__(self, path: Path, busy_timeout_seconds: float) -> None:
        self._path = path
        self._busy_timeout_seconds = busy_timeout_seconds
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """Lend a connection for the block, opening one if none is idle."""
        with self._lock:
            if self._closed:
                raise VaultError("vault is closed")
            connection = self._idle.pop() if self._idle else None
        if connection is None:
            connection = self._open()
        try:
            yield connection
        finally:
            self._give_back(connection)

    def _open(self) -> sqlite3.Connection:
        with translated_errors(f"open the database at {self._path}"):
            connection = sqlite3.connect(
                self._path,
                timeout=self._busy_timeout_seconds,
                isolation_level=None,
                check_same_thread=False,
            )
            journal_mode = connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            # In WAL mode NORMAL survives a crash of this process. A power cut may lose the last
            # commits but never corrupts the file (SQLite documentation, "PRAGMA synchronous").
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute("PRAGMA secure_delete=ON")
        if journal_mode != "wal":
            connection.close()
            raise VaultError(f"vault at {self._path} cannot use WAL mode (got {journal_mode})")
        return connection

    def _give_back(self, connection: sqlite3.Connection) -> None:
        with self._lock:
            if not self._closed and not connection.in_transaction:
                self._idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        """Close idle connections now and lent ones when they come back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
