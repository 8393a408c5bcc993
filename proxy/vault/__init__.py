"""The encrypted vault that maps each session's tokens back to the originals.

`open_vault` returns the SQLite backend; `VaultBackend` is the interface another backend
(a shared database) would implement; `load_master_key` reads `DEID_VAULT_KEY` or the key file.
"""

from __future__ import annotations

from pathlib import Path

from proxy.vault.base import VaultBackend
from proxy.vault.crypto import KEY_ENV_VARIABLE, load_master_key
from proxy.vault.sqlite import SqliteVault, open_vault

__all__ = [
    "KEY_ENV_VARIABLE",
    "SqliteVault",
    "VaultBackend",
    "default_key_file",
    "load_master_key",
    "open_vault",
]


def default_key_file(vault_path: Path) -> Path:
    """Return the key file used when `DEID_VAULT_KEY` is unset: `vault.key` next to the vault."""
    return vault_path.with_name("vault.key")
