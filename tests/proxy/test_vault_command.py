"""`deid-proxy vault purge` and `deid-proxy vault forget`, run against a real vault file."""

from __future__ import annotations

import argparse
import base64
import time
from pathlib import Path

import pytest

from detectors.findings import EntityType
from policies.session import VaultEntry
from proxy.commands import vault as vault_command
from proxy.vault import open_vault

MASTER_KEY = bytes(range(32))
TTL_SECONDS = 3600


def run_command(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="deid-proxy")
    vault_command.register(parser.add_subparsers(dest="command", required=True))
    arguments = parser.parse_args(list(argv))
    status: int = arguments.handler(arguments)
    return status


def store_session(
    vault_path: Path, session_id: str, *, tenant: str = "default", age: float = 0
) -> None:
    vault = open_vault(
        vault_path, MASTER_KEY, ttl_seconds=TTL_SECONDS, clock=lambda: time.time() - age
    )
    with vault.session(tenant, session_id) as state:
        state.add_entry(VaultEntry("[PERSON_1]", "Zebulon Quackenbush", EntityType.PERSON, "token"))
    vault.close()


def session_exists(vault_path: Path, session_id: str, tenant: str = "default") -> bool:
    vault = open_vault(vault_path, MASTER_KEY, ttl_seconds=TTL_SECONDS)
    with vault.session(tenant, session_id) as state:
        found = bool(state.entries)
    vault.close()
    return found


@pytest.fixture
def vault_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DEID_VAULT_KEY", base64.b64encode(MASTER_KEY).decode())
    return tmp_path / "vault.sqlite3"


def test_purge_prints_count(vault_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store_session(vault_path, "expired", age=2 * TTL_SECONDS)
    store_session(vault_path, "live")

    assert run_command("vault", "purge", "--vault", str(vault_path)) == 0

    assert capsys.readouterr().out == "purged 1 expired session\n"
    assert session_exists(vault_path, "live")


def test_forget_deletes_session(vault_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store_session(vault_path, "s1", tenant="clinic-a")
    store_session(vault_path, "s2", tenant="clinic-a")

    status = run_command(
        "vault", "forget", "s1", "--tenant", "clinic-a", "--vault", str(vault_path)
    )

    assert status == 0
    assert "forgot session 's1'" in capsys.readouterr().out
    assert not session_exists(vault_path, "s1", tenant="clinic-a")
    assert session_exists(vault_path, "s2", tenant="clinic-a")


def test_forget_default_tenant(vault_path: Path) -> None:
    store_session(vault_path, "s1")

    assert run_command("vault", "forget", "s1", "--vault", str(vault_path)) == 0
    assert not session_exists(vault_path, "s1")


def test_forget_unknown_session_fails(vault_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store_session(vault_path, "s1")

    assert run_command("vault", "forget", "other", "--vault", str(vault_path)) == 1
    assert "no session 'other'" in capsys.readouterr().err


def test_missing_vault_not_created(vault_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_command("vault", "purge", "--vault", str(vault_path)) == 1

    assert "no vault at" in capsys.readouterr().err
    assert not vault_path.exists()


def test_missing_key_not_created(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store_session(vault_path, "s1")
    monkeypatch.delenv("DEID_VAULT_KEY")

    assert run_command("vault", "purge", "--vault", str(vault_path)) == 1

    assert "DEID_VAULT_KEY" in capsys.readouterr().err
    assert not (vault_path.parent / "vault.key").exists()
