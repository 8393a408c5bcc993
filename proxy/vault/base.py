"""The vault backend interface, so that a shared database can replace the local SQLite file."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from policies.session import SessionState


class VaultBackend(Protocol):
    """Stores each (tenant, session) mapping of tokens to originals, encrypted at rest."""

    def session(self, tenant: str, session_id: str) -> AbstractContextManager[SessionState]:
        """Load a session under its write lock; persist its additions on a clean exit.

        On an exception inside the block nothing is persisted. Raises `VaultError`.
        """
        ...

    def check_writable(self) -> None:
        """Raise `VaultError` unless the vault can take its write lock and write now."""
        ...

    def purge_expired(self) -> int:
        """Delete every session whose time-to-live has run out; returns how many."""
        ...

    def forget(self, tenant: str, session_id: str) -> bool:
        """Delete one session with its data key; returns whether it existed."""
        ...

    def close(self) -> None:
        """Release the storage; the vault cannot be used afterwards."""
        ...
