"""Concurrent writers on one vault file, from threads and from separate processes.

Each writer reads a counter from the session's `meta`, mints the next token and writes both
back. Without the write lock held across read and write, two writers would read the same
counter and one token would overwrite or collide with the other, so a lost write shows up as a
missing token or a short counter.

Run as a script, this file is the worker of the two-process test:
`python test_vault_concurrency.py VAULT_PATH WORKER_NAME COUNT`.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from detectors.errors import VaultError
from detectors.findings import EntityType
from policies.session import VaultEntry
from proxy.vault import SqliteVault, open_vault

MASTER_KEY = bytes(range(32))
TTL_SECONDS = 3600
TENANT = "clinic-a"
SESSION = "shared-session"
REPO_ROOT = Path(__file__).resolve().parents[2]


def mint_next_token(vault: SqliteVault, writer: str) -> None:
    """Take the next number from the session counter and store one entry under it."""
    with vault.session(TENANT, SESSION) as state:
        number = int(state.meta.get("person_counter", 0)) + 1
        token = f"[PERSON_{number}]"
        state.add_entry(VaultEntry(token, f"{writer} patient {number}", EntityType.PERSON, "token"))
        state.set_meta("person_counter", number)


def read_session(vault_path: Path) -> tuple[int, list[str]]:
    vault = open_vault(vault_path, MASTER_KEY, ttl_seconds=TTL_SECONDS)
    try:
        with vault.session(TENANT, SESSION) as state:
            return int(state.meta["person_counter"]), [e.original for e in state.entries.values()]
    finally:
        vault.close()


def test_threads_lose_no_writes(tmp_path: Path) -> None:
    vault_path = tmp_path / "vault.sqlite3"
    vault = open_vault(vault_path, MASTER_KEY, ttl_seconds=TTL_SECONDS)
    writers, per_writer = 8, 25
    errors: list[BaseException] = []

    def work(writer: str) -> None:
        try:
            for _ in range(per_writer):
                mint_next_token(vault, writer)
        except VaultError as error:  # collected so the main thread can report it
            errors.append(error)

    threads = [threading.Thread(target=work, args=(f"thread-{i}",)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    vault.close()

    assert errors == []
    counter, originals = read_session(vault_path)
    assert counter == writers * per_writer
    assert len(originals) == writers * per_writer
    for index in range(writers):
        assert sum(o.startswith(f"thread-{index} ") for o in originals) == per_writer


def test_processes_lose_no_writes(tmp_path: Path) -> None:
    vault_path = tmp_path / "vault.sqlite3"
    open_vault(vault_path, MASTER_KEY, ttl_seconds=TTL_SECONDS).close()
    per_worker = 40

    workers = [
        subprocess.Popen(
            [sys.executable, __file__, str(vault_path), name, str(per_worker)],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("process-a", "process-b")
    ]
    for worker in workers:
        _, stderr = worker.communicate(timeout=300)
        assert worker.returncode == 0, stderr

    counter, originals = read_session(vault_path)
    assert counter == 2 * per_worker
    assert sum(o.startswith("process-a ") for o in originals) == per_worker
    assert sum(o.startswith("process-b ") for o in originals) == per_worker


def _run_worker(vault_path: Path, writer: str, count: int) -> None:
    vault = open_vault(vault_path, MASTER_KEY, ttl_seconds=TTL_SECONDS)
    try:
        for _ in range(count):
            mint_next_token(vault, writer)
    finally:
        vault.close()


if __name__ == "__main__":
    _run_worker(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
