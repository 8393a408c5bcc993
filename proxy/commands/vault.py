"""`deid-proxy vault purge` and `deid-proxy vault forget SESSION`: vault maintenance."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from detectors.errors import VaultError
from proxy.auth import DEFAULT_TENANT
from proxy.settings import load_settings
from proxy.vault import SqliteVault, default_key_file, load_master_key, open_vault

# Maintenance writes no session, so this time-to-live is never applied; stored sessions keep
# the expiry the proxy gave them.
_UNUSED_TTL_SECONDS = 1


def register(subparsers: Any) -> None:
    """Add `vault purge` and `vault forget`."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "vault",
        help="purge expired sessions or forget one session",
        description="Maintain the session vault. The key comes from DEID_VAULT_KEY or the key file.",
    )
    actions = parser.add_subparsers(dest="vault_command", required=True, metavar="ACTION")

    purge = actions.add_parser("purge", help="delete every expired session and print how many")
    _add_vault_option(purge)
    purge.set_defaults(handler=run_purge)

    forget = actions.add_parser(
        "forget", help="crypto-shred one session by deleting its data key and its rows"
    )
    forget.add_argument("session", metavar="SESSION", help="the x-deid-session value")
    forget.add_argument(
        "--tenant",
        default=DEFAULT_TENANT,
        help=f"tenant that owns the session (default {DEFAULT_TENANT})",
    )
    _add_vault_option(forget)
    forget.set_defaults(handler=run_forget)


def _add_vault_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--vault",
        type=Path,
        help="vault SQLite file (DEID_VAULT; default in the user's data directory)",
    )


def run_purge(arguments: argparse.Namespace) -> int:
    """Delete expired sessions and print how many; exit status 1 if the vault is unusable."""
    vault = _open_existing(arguments.vault)
    if vault is None:
        return 1
    try:
        deleted = vault.purge_expired()
    except VaultError as error:
        print(f"deid-proxy: {error}", file=sys.stderr)
        return 1
    finally:
        vault.close()
    print(f"purged {deleted} expired session{'' if deleted == 1 else 's'}")
    return 0


def run_forget(arguments: argparse.Namespace) -> int:
    """Forget one session; exit status 1 if the vault is unusable or has no such session."""
    vault = _open_existing(arguments.vault)
    if vault is None:
        return 1
    try:
        existed = vault.forget(arguments.tenant, arguments.session)
    except VaultError as error:
        print(f"deid-proxy: {error}", file=sys.stderr)
        return 1
    finally:
        vault.close()
    if not existed:
        print(f"no session {arguments.session!r} for tenant {arguments.tenant!r}", file=sys.stderr)
        return 1
    print(f"forgot session {arguments.session!r} of tenant {arguments.tenant!r}")
    return 0


def _open_existing(vault_option: Path | None) -> SqliteVault | None:
    """Open the configured vault, or print why not and return None.

    Unlike the proxy, maintenance never creates a vault or a key file.
    """
    settings = load_settings(vault=vault_option)
    key_file = settings.vault_key_file or default_key_file(settings.vault)
    if not settings.vault.is_file():
        print(
            f"deid-proxy: no vault at {settings.vault}; point --vault (or DEID_VAULT) at the "
            "proxy's vault file",
            file=sys.stderr,
        )
        return None
    if settings.vault_key is None and not key_file.is_file():
        print(
            f"deid-proxy: no vault key: set DEID_VAULT_KEY or create the key file {key_file}",
            file=sys.stderr,
        )
        return None
    key = load_master_key(
        settings.vault_key.get_secret_value() if settings.vault_key else None, key_file
    )
    try:
        return open_vault(settings.vault, key, ttl_seconds=_UNUSED_TTL_SECONDS)
    except VaultError as error:
        print(f"deid-proxy: {error}", file=sys.stderr)
        return None
