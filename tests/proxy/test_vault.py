"""The SQLite vault: persistence, scoping, expiry, forgetting, encryption at rest and keys."""

from __future__ import annotations

import base64
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

import proxy.vault
from detectors.errors import ConfigurationError, VaultError
from detectors.findings import EntityType
from policies.session import VaultEntry
from proxy.vault import SqliteVault, load_master_key, open_vault
from proxy.vault.crypto import SessionKeys, VaultKeys

MASTER_KEY = bytes(range(32))
TTL_SECONDS = 3600
PHI_NAME = "Zebulon Quackenbush"
PHI_SURNAME_KEY = "quackenbush"
PHI_DATE = "02/29/2024"
SURROGATE = "Mark Davis"


class FakeClock:
    """Unix time that changes only when a test sets it."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "vault" / "vault.sqlite3"


@pytest.fixture
def vault(vault_path: Path, clock: FakeClock) -> Iterator[SqliteVault]:
    opened = open_vault(vault_path, MASTER_KEY, ttl_seconds=TTL_SECONDS, clock=clock)
    yield opened
    opened.close()


def person_entry(token: str = "[PERSON_1]", original: str = PHI_NAME) -> VaultEntry:
    return VaultEntry(token, original, EntityType.PERSON, "token")


def store_phi(vault: SqliteVault, tenant: str = "clinic-a", session_id: str = "s1") -> None:
    with vault.session(tenant, session_id) as state:
        state.add_entry(person_entry(), keys=[PHI_NAME.lower(), PHI_SURNAME_KEY])
        state.add_entry(VaultEntry(SURROGATE, PHI_NAME, EntityType.PERSON, "surrogate"))
        state.add_entry(VaultEntry("03/20/2024", PHI_DATE, EntityType.DATE, "date_shift"))
        state.set_meta("date_offset_days", 20)


def stored_bytes(vault_path: Path) -> bytes:
    """Return the database file and its write-ahead log, as they are on disk."""
    files = [vault_path, vault_path.with_name(vault_path.name + "-wal")]
    return b"".join(path.read_bytes() for path in files if path.exists())


def test_public_api_is_pinned() -> None:
    assert sorted(proxy.vault.__all__) == [
        "KEY_ENV_VARIABLE",
        "SqliteVault",
        "VaultBackend",
        "default_key_file",
        "load_master_key",
        "open_vault",
    ]


def test_session_persists_entries_aliases_and_meta(vault: SqliteVault) -> None:
    store_phi(vault)

    with vault.session("clinic-a", "s1") as state:
        assert state.entries["[PERSON_1]"].original == PHI_NAME
        assert state.entries[SURROGATE].operator == "surrogate"
        assert state.entries["03/20/2024"].original == PHI_DATE
        assert state.token_for(EntityType.PERSON, PHI_SURNAME_KEY) == "[PERSON_1]"
        assert state.meta == {"date_offset_days": 20}
        assert state.new_entries == []
        assert state.new_aliases == []


def test_session_keeps_entry_order(vault: SqliteVault) -> None:
    tokens = [f"[PERSON_{number}]" for number in range(1, 13)]
    with vault.session("clinic-a", "s1") as state:
        for token in tokens:
            state.add_entry(person_entry(token, f"Person {token}"))

    with vault.session("clinic-a", "s1") as state:
        assert list(state.entries) == tokens


def test_session_clears_pending_after_commit(vault: SqliteVault) -> None:
    with vault.session("clinic-a", "s1") as state:
        state.add_entry(person_entry(), keys=[PHI_SURNAME_KEY])
        state.set_meta("counter", 1)

    assert state.new_entries == []
    assert state.new_aliases == []
    assert state.meta_changed is False


def test_session_alias_can_be_repointed(vault: SqliteVault) -> None:
    with vault.session("clinic-a", "s1") as state:
        state.add_entry(person_entry("[PERSON_1]"), keys=["john"])
    with vault.session("clinic-a", "s1") as state:
        state.add_entry(person_entry("[PERSON_2]", "John Other"), keys=["john"])

    with vault.session("clinic-a", "s1") as state:
        assert state.token_for(EntityType.PERSON, "john") == "[PERSON_2]"


def test_session_rolls_back_on_exception(vault: SqliteVault) -> None:
    with (
        pytest.raises(RuntimeError, match="policy step failed"),
        vault.session("clinic-a", "s1") as state,
    ):
        state.add_entry(person_entry())
        state.set_meta("counter", 1)
        raise RuntimeError("policy step failed")

    with vault.session("clinic-a", "s1") as state:
        assert dict(state.entries) == {}
        assert state.meta == {}


def test_session_rollback_keeps_earlier_commits(vault: SqliteVault) -> None:
    store_phi(vault)

    with pytest.raises(KeyError), vault.session("clinic-a", "s1") as state:
        state.add_entry(person_entry("[PERSON_2]", "Someone Else"))
        raise KeyError("boom")

    with vault.session("clinic-a", "s1") as state:
        assert "[PERSON_1]" in state.entries
        assert "[PERSON_2]" not in state.entries


@pytest.mark.parametrize(
    ("tenant", "session_id"),
    [("clinic-a", "s2"), ("clinic-b", "s1"), ("clinic-as", "1")],
    ids=["other-session", "same-session-other-tenant", "shifted-boundary"],
)
def test_session_scoped_by_tenant_and_id(vault: SqliteVault, tenant: str, session_id: str) -> None:
    store_phi(vault, "clinic-a", "s1")

    with vault.session(tenant, session_id) as state:
        assert dict(state.entries) == {}
        assert state.meta == {}


def test_restart_keeps_live_sessions(vault_path: Path, clock: FakeClock) -> None:
    first = open_vault(vault_path, MASTER_KEY, ttl_seconds=TTL_SECONDS, clock=clock)
    store_phi(first)
    first.close()

    second = open_vault(vault_path, MASTER_KEY, ttl_seconds=TTL_SECONDS, clock=clock)
    with second.session("clinic-a", "s1") as state:
        assert state.entries["[PERSON_1]"].original == PHI_NAME
    second.close()


def test_empty_new_session_is_not_stored(vault: SqliteVault, vault_path: Path) -> None:
    with vault.session("clinic-a", "nothing-replaced"):
        pass

    with sqlite3.connect(vault_path) as connection:
        assert connection.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_expired_session_starts_empty(vault: SqliteVault, clock: FakeClock) -> None:
    store_phi(vault)
    clock.now += TTL_SECONDS + 1

    with vault.session("clinic-a", "s1") as state:
        assert dict(state.entries) == {}


def test_use_refreshes_time_to_live(vault: SqliteVault, clock: FakeClock) -> None:
    store_phi(vault)
    clock.now += TTL_SECONDS - 10
    with vault.session("clinic-a", "s1"):
        pass
    clock.now += TTL_SECONDS - 10

    with vault.session("clinic-a", "s1") as state:
        assert "[PERSON_1]" in state.entries


def test_purge_deletes_only_expired(vault: SqliteVault, clock: FakeClock) -> None:
    store_phi(vault, session_id="old-1")
    store_phi(vault, session_id="old-2")
    clock.now += TTL_SECONDS / 2
    store_phi(vault, session_id="recent")
    clock.now += TTL_SECONDS / 2 + 1

    assert vault.purge_expired() == 2
    assert vault.purge_expired() == 0
    with vault.session("clinic-a", "recent") as state:
        assert "[PERSON_1]" in state.entries


def test_forget_removes_rows_and_data_key(vault: SqliteVault, vault_path: Path) -> None:
    store_phi(vault)
    with sqlite3.connect(vault_path) as connection:
        wrapped_key = connection.execute("SELECT wrapped_key FROM sessions").fetchone()[0]
        sealed_rows = [row[0] for row in connection.execute("SELECT sealed FROM entries")]
    assert wrapped_key in stored_bytes(vault_path)

    assert vault.forget("clinic-a", "s1") is True

    with sqlite3.connect(vault_path) as connection:
        for table in ("sessions", "entries", "aliases"):
            assert connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    on_disk = stored_bytes(vault_path)
    assert wrapped_key not in on_disk
    for sealed in sealed_rows:
        assert sealed not in on_disk
    with vault.session("clinic-a", "s1") as state:
        assert dict(state.entries) == {}


def test_forget_unknown_session_returns_false(vault: SqliteVault) -> None:
    store_phi(vault)

    assert vault.forget("clinic-b", "s1") is False
    with vault.session("clinic-a", "s1") as state:
        assert "[PERSON_1]" in state.entries


def test_file_holds_no_plaintext_phi(vault: SqliteVault, vault_path: Path) -> None:
    store_phi(vault)
    vault.close()

    on_disk = stored_bytes(vault_path)
    for secret in (PHI_NAME, PHI_SURNAME_KEY, PHI_DATE, SURROGATE, "[PERSON_1]", "clinic-a"):
        assert secret.encode() not in on_disk
        assert secret.encode("utf-16-le") not in on_disk
    assert MASTER_KEY not in on_disk


def test_files_are_private(vault: SqliteVault, vault_path: Path) -> None:
    store_phi(vault)

    for path in vault_path.parent.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_rows_moved_between_sessions_fail(vault: SqliteVault, vault_path: Path) -> None:
    store_phi(vault, session_id="victim")
    with sqlite3.connect(vault_path) as connection:
        victim_ref = connection.execute("SELECT ref FROM sessions").fetchone()[0]
    with vault.session("clinic-a", "attacker") as state:
        state.add_entry(person_entry("[PERSON_1]", "Attacker Own"))
    with sqlite3.connect(vault_path) as connection:
        attacker_ref = connection.execute(
            "SELECT ref FROM sessions WHERE ref != ?", (victim_ref,)
        ).fetchone()[0]
        connection.execute(
            "UPDATE entries SET session_ref = ? WHERE session_ref = ?", (attacker_ref, victim_ref)
        )

    with (
        pytest.raises(VaultError, match="failed authentication"),
        vault.session("clinic-a", "attacker"),
    ):
        pass


def test_rows_swapped_within_session_fail(vault: SqliteVault, vault_path: Path) -> None:
    with vault.session("clinic-a", "s1") as state:
        state.add_entry(person_entry("[PERSON_1]", "First Patient"))
        state.add_entry(person_entry("[PERSON_2]", "Second Patient"))
    with sqlite3.connect(vault_path) as connection:
        first, second = connection.execute("SELECT rowid, sealed FROM entries").fetchall()
        connection.execute("UPDATE entries SET sealed = ? WHERE rowid = ?", (second[1], first[0]))
        connection.execute("UPDATE entries SET sealed = ? WHERE rowid = ?", (first[1], second[0]))

    with pytest.raises(VaultError) as caught, vault.session("clinic-a", "s1"):
        pass
    assert "Patient" not in str(caught.value)


def test_other_master_key_rejected_at_open(vault: SqliteVault, vault_path: Path) -> None:
    store_phi(vault)

    with pytest.raises(ConfigurationError, match="another master key"):
        open_vault(vault_path, bytes(32), ttl_seconds=TTL_SECONDS)


def test_meta_must_be_json(vault: SqliteVault) -> None:
    with pytest.raises(VaultError, match="JSON"), vault.session("clinic-a", "s1") as state:
        state.set_meta("bad", {PHI_NAME})

    with vault.session("clinic-a", "s1") as state:
        assert state.meta == {}


def test_check_writable_passes(vault: SqliteVault) -> None:
    vault.check_writable()


def test_check_writable_fails_when_locked(vault_path: Path, clock: FakeClock) -> None:
    vault = open_vault(
        vault_path, MASTER_KEY, ttl_seconds=TTL_SECONDS, clock=clock, busy_timeout_seconds=0.05
    )
    holder = sqlite3.connect(vault_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(VaultError, match="write lock"):
            vault.check_writable()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        vault.close()


def test_closed_vault_raises(vault: SqliteVault) -> None:
    vault.close()

    with pytest.raises(VaultError, match="closed"), vault.session("clinic-a", "s1"):
        pass


@pytest.mark.parametrize("ttl_seconds", [0, -5], ids=["zero", "negative"])
def test_open_vault_rejects_bad_ttl(vault_path: Path, ttl_seconds: int) -> None:
    with pytest.raises(ConfigurationError, match="ttl_seconds"):
        open_vault(vault_path, MASTER_KEY, ttl_seconds=ttl_seconds)


def test_open_vault_rejects_short_key(vault_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="DEID_VAULT_KEY"):
        open_vault(vault_path, b"short", ttl_seconds=TTL_SECONDS)


def test_reprs_hide_keys_and_phi(vault: SqliteVault) -> None:
    store_phi(vault)
    with vault.session("clinic-a", "s1") as state:
        pass
    keys = VaultKeys.from_master_key(MASTER_KEY)
    session_keys = SessionKeys.from_data_key(bytes(32))

    texts = [repr(vault), repr(keys), repr(session_keys), repr(state), repr(state.entries)]
    for text in texts:
        assert PHI_NAME not in text
        assert MASTER_KEY.hex() not in text
        assert repr(MASTER_KEY) not in text
        assert repr(keys.wrapping_key) not in text
        assert repr(session_keys.sealing_key) not in text
    assert repr(keys) == "VaultKeys(...)"


def test_master_key_from_environment(tmp_path: Path) -> None:
    encoded = base64.b64encode(MASTER_KEY).decode()

    assert load_master_key(f"  {encoded}\n", tmp_path / "unused.key") == MASTER_KEY
    assert not (tmp_path / "unused.key").exists()


@pytest.mark.parametrize(
    "value",
    ["not base64!", base64.b64encode(b"too short").decode(), base64.b64encode(bytes(33)).decode()],
    ids=["not-base64", "too-short", "too-long"],
)
def test_master_key_malformed_rejected(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_master_key(value, tmp_path / "unused.key")

    message = str(caught.value)
    assert "DEID_VAULT_KEY" in message
    assert "os.urandom(32)" in message
    assert value not in message


def test_master_key_file_created_private(tmp_path: Path) -> None:
    key_file = tmp_path / "state" / "vault.key"

    first = load_master_key(None, key_file)
    second = load_master_key("", key_file)

    assert len(first) == 32
    assert first == second
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert [path.name for path in key_file.parent.iterdir()] == ["vault.key"]


def test_master_key_file_readable_by_others(tmp_path: Path) -> None:
    key_file = tmp_path / "vault.key"
    load_master_key(None, key_file)
    os.chmod(key_file, 0o644)

    with pytest.raises(ConfigurationError, match="chmod 600"):
        load_master_key(None, key_file)


def test_master_key_file_malformed(tmp_path: Path) -> None:
    key_file = tmp_path / "vault.key"
    key_file.write_text("secret-but-not-a-key\n")
    os.chmod(key_file, 0o600)

    with pytest.raises(ConfigurationError) as caught:
        load_master_key(None, key_file)
    assert str(key_file) in str(caught.value)
    assert "secret-but-not-a-key" not in str(caught.value)
