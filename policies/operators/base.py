"""The operator seam: what one finding becomes, and the request context operators share."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict

from detectors.errors import DeidentificationError
from detectors.findings import EntityType
from policies.session import SessionState, VaultEntry
from policies.tokens import TOKEN_LABELS, format_token

# Token-shaped text a client may have typed, with or without brackets and in any case. The
# restore step tolerates dropped brackets and changed case, so all of these forms reserve a number.
_TOKEN_LIKE = re.compile(r"(?<![A-Za-z0-9_])\[?([A-Za-z]+(?:_[A-Za-z]+)*)_([1-9][0-9]*)\]?")

# How many random candidates an operator draws before it gives up on finding an unused value.
MAX_DRAWS = 200


class OperatorParams(BaseModel):
    """Base of every operator's parameters: frozen, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class NoParams(OperatorParams):
    """Parameters of an operator that takes none."""


@dataclass(frozen=True, slots=True)
class Value:
    """One finding's text and type, as handed to an operator. Holds PHI, so `repr` is masked."""

    text: str
    entity_type: EntityType

    def __repr__(self) -> str:
        return f"Value(entity_type={self.entity_type.value}, chars={len(self.text)})"


@dataclass(frozen=True, slots=True)
class Substitute:
    """The text an operator writes in place of a value.

    `reversible` is true when a vault entry maps `text` back to the original. `subject` names
    the person a `PERSON` substitute stands for (a token or surrogate), so that later dates in
    the same text can be shifted with that patient's offset.
    """

    text: str
    reversible: bool
    subject: str | None = None

    def __repr__(self) -> str:
        return f"Substitute(chars={len(self.text)}, reversible={self.reversible})"


@dataclass(eq=False)
class OperatorContext:
    """The state shared by the operators of one request: session, request texts, reserved tokens.

    `patient` and `reference_date` describe the text being processed and are reset for each
    text: the person named most recently, and the last full date seen (for dates without a year).
    """

    state: SessionState
    request_texts: tuple[str, ...]
    date_shift_min_days: int
    date_shift_max_days: int
    reserved_tokens: frozenset[str] = field(init=False)
    patient: str | None = None
    reference_date: date | None = None

    def __post_init__(self) -> None:
        self.reserved_tokens = frozenset(
            f"[{match.group(1).upper()}_{match.group(2)}]"
            for text in self.request_texts
            for match in _TOKEN_LIKE.finditer(text)
        )

    def start_text(self) -> None:
        """Forget what was learnt about the previous text."""
        self.patient = None
        self.reference_date = None

    def occurs_in_request(self, candidate: str) -> bool:
        """Return whether `candidate` appears as a whole word in any request text, in any case."""
        pattern = re.compile(rf"(?<!\w){re.escape(candidate)}(?!\w)", re.IGNORECASE)
        return any(pattern.search(text) for text in self.request_texts)

    def is_taken(self, candidate: str) -> bool:
        """Return whether `candidate` cannot be used as a new surrogate in this session.

        A candidate is taken when it occurs in the request, is already a token or surrogate of
        the session, or equals an original value the session has replaced (compared ignoring case).
        """
        folded = candidate.casefold()
        if self.occurs_in_request(candidate):
            return True
        return any(
            token.casefold() == folded or entry.original.casefold() == folded
            for token, entry in self.state.entries.items()
        )

    def mint_token(self, entity_type: EntityType) -> str:
        """Return the next unused placeholder token for `entity_type` and advance its counter.

        Numbers already used in the session or typed in the request (in any token-like form) are
        skipped, so a token never stands for two originals.
        """
        label = TOKEN_LABELS[entity_type]
        counters: dict[str, int] = dict(self.state.meta.get("token_counters", {}))
        number = counters.get(label, 0)
        while True:
            number += 1
            token = format_token(entity_type, number)
            if token not in self.reserved_tokens and token not in self.state.entries:
                break
        counters[label] = number
        self.state.set_meta("token_counters", counters)
        return token

    def record(self, token: str, value: Value, operator: str, keys: tuple[str, ...]) -> None:
        """Record a reversible replacement and the lookup keys that resolve to it."""
        self.state.add_entry(VaultEntry(token, value.text, value.entity_type, operator), keys=keys)

    def draw_unused(self, draw: DrawFunction, entity_type: EntityType) -> str:
        """Call `draw` until it returns a value that `is_taken` accepts.

        Raises `DeidentificationError` after `MAX_DRAWS` attempts.
        """
        for _ in range(MAX_DRAWS):
            candidate = draw()
            if candidate and not self.is_taken(candidate):
                return candidate
        raise DeidentificationError(
            f"no unused surrogate for entity type {entity_type.value} after {MAX_DRAWS} draws"
        )


class DrawFunction(Protocol):
    """A source of random candidate values."""

    def __call__(self) -> str: ...


class Operator(Protocol):
    """Turns one finding's value into the text sent upstream.

    `entity_types` lists the types the operator can handle (`None`: every type). The policy
    loader rejects a rule that pairs the operator with another type. Reversible replacements
    are recorded in `context.state`; irreversible ones are not.
    """

    name: ClassVar[str]
    params_model: ClassVar[type[OperatorParams]]
    entity_types: ClassVar[frozenset[EntityType] | None]

    @classmethod
    def from_params(cls, raw: Mapping[str, Any]) -> Operator:
        """Build the operator from a policy rule's `params`; raises pydantic's `ValidationError`."""
        ...

    def replace(self, value: Value, context: OperatorContext) -> Substitute:
        """Return the substitute for `value`, recording it in the session when reversible."""
        ...


def normalise_key(entity_type: EntityType, text: str) -> str:
    """Return the lookup key under which equal originals share one replacement.

    Identifiers made of digits and letters compare by those characters only, so that
    "617-555-0100" and "(617) 555 0100" are one phone number. Other values compare by words,
    ignoring case and spacing.
    """
    if entity_type in _CHARACTER_KEYED:
        compact = "".join(character for character in text if character.isalnum())
        if compact:
            return f"{entity_type.value}:{compact.casefold()}"
    words = " ".join(text.split()).casefold()
    return f"{entity_type.value}:{words}"


_CHARACTER_KEYED = frozenset(
    {
        EntityType.PHONE_NUMBER,
        EntityType.FAX_NUMBER,
        EntityType.US_SSN,
        EntityType.MEDICAL_RECORD_NUMBER,
        EntityType.HEALTH_PLAN_NUMBER,
        EntityType.ACCOUNT_NUMBER,
        EntityType.LICENSE_NUMBER,
        EntityType.VEHICLE_ID,
        EntityType.DEVICE_ID,
        EntityType.ZIP_CODE,
        EntityType.ID,
    }
)


def random_seed() -> int:
    """Return a seed for Faker from the operating system's random source, never from PHI."""
    return secrets.randbits(64)
