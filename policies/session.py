"""The in-memory view of one vault session: what has been replaced so far, and how.

The policy step reads and extends it; the vault loads and persists it; the restore step reads
it. It contains PHI, so its `repr` shows counts only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from detectors.findings import EntityType


@dataclass(frozen=True, slots=True)
class VaultEntry:
    """One reversible replacement: the token the upstream saw and the original it stands for.

    `token` is what the operator wrote (a placeholder, a surrogate or a shifted date);
    `operator` names the operator that minted it.
    """

    token: str
    original: str
    entity_type: EntityType
    operator: str

    def __repr__(self) -> str:
        return f"VaultEntry(entity_type={self.entity_type.value}, operator={self.operator}, ...)"


@dataclass(frozen=True, slots=True)
class Alias:
    """A lookup key (a normalised form of an original) that resolves to an existing token."""

    entity_type: EntityType
    key: str
    token: str

    def __repr__(self) -> str:
        return f"Alias(entity_type={self.entity_type.value}, ...)"


@dataclass(eq=False)
class SessionState:
    """Replacements made in one tenant's session, plus what was added since it was loaded.

    `meta` carries JSON-serialisable session settings that operators need to stay consistent
    (token counters, date offsets); the vault stores it encrypted because a date offset
    reveals original dates.
    """

    tenant: str
    session_id: str
    _entries: dict[str, VaultEntry] = field(default_factory=dict)
    _aliases: dict[tuple[EntityType, str], str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    new_entries: list[VaultEntry] = field(default_factory=list)
    new_aliases: list[Alias] = field(default_factory=list)
    meta_changed: bool = False

    @classmethod
    def restored(
        cls,
        tenant: str,
        session_id: str,
        entries: Iterable[VaultEntry],
        aliases: Iterable[Alias],
        meta: Mapping[str, Any],
    ) -> SessionState:
        """Build a state from what the vault stored, with nothing pending."""
        state = cls(tenant=tenant, session_id=session_id, meta=dict(meta))
        for entry in entries:
            state._entries[entry.token] = entry
        for alias in aliases:
            state._aliases[(alias.entity_type, alias.key)] = alias.token
        return state

    @property
    def entries(self) -> Mapping[str, VaultEntry]:
        """Every reversible replacement in the session, by token."""
        return self._entries

    def token_for(self, entity_type: EntityType, key: str) -> str | None:
        """Return the token already minted for this normalised original, if any."""
        return self._aliases.get((entity_type, key))

    def add_entry(self, entry: VaultEntry, keys: Iterable[str] = ()) -> None:
        """Record a newly minted token and the lookup keys that should resolve to it.

        Raises `ValueError` if the token already stands for another original, because two
        originals must never share one token.
        """
        existing = self._entries.get(entry.token)
        if existing is not None and existing.original != entry.original:
            raise ValueError(f"token collision for entity type {entry.entity_type.value}")
        if existing is None:
            self._entries[entry.token] = entry
            self.new_entries.append(entry)
        for key in keys:
            self.add_alias(entry.entity_type, key, entry.token)

    def add_alias(self, entity_type: EntityType, key: str, token: str) -> None:
        """Make `key` resolve to `token` from now on in this session."""
        if self._aliases.get((entity_type, key)) == token:
            return
        self._aliases[(entity_type, key)] = token
        self.new_aliases.append(Alias(entity_type, key, token))

    def set_meta(self, name: str, value: Any) -> None:
        """Set one session setting; the vault persists it with the entries."""
        self.meta[name] = value
        self.meta_changed = True

    def __repr__(self) -> str:
        return (
            f"SessionState(tenant={self.tenant!r}, session_id={self.session_id!r}, "
            f"entries={len(self._entries)}, aliases={len(self._aliases)})"
        )
