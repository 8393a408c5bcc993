"""The `date_shift` operator: every date moves by one random offset, in its own format."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar, Literal

from detectors.findings import EntityType
from policies.dates import Precision, WrittenDate, parse_date
from policies.operators.base import OperatorContext, OperatorParams, Substitute, Value
from policies.operators.token import TokenOperator
from policies.tokens import TOKEN_PATTERN

# Offsets are stored in the session by scope: "" for the whole session, else a patient's token.
_OFFSETS_META = "date_shift_days"
_SESSION_SCOPE = ""


class DateShiftParams(OperatorParams):
    """Parameters of `date_shift`.

    `day_first` reads numeric dates as day/month/year. With `scope` "patient", each person
    named in the text gets their own offset for the dates that follow their name. With
    "session", one offset serves the whole session, so every interval stays true.
    """

    day_first: bool = False
    scope: Literal["session", "patient"] = "session"


class DateShiftOperator:
    """Moves each date by the session's offset and keeps its written format.

    The offset is drawn once per scope from the policy's range (either direction) with the
    `secrets` module and stored in the session, so intervals between dates of one scope stay
    true across leap days and year ends. Each shifted date is recorded as a vault entry,
    so the restore step puts the original back. A date that cannot be parsed, or whose
    shifted form would equal the original or an existing entry, falls back to a placeholder token.
    """

    name: ClassVar[str] = "date_shift"
    params_model: ClassVar[type[OperatorParams]] = DateShiftParams
    entity_types: ClassVar[frozenset[EntityType] | None] = frozenset({EntityType.DATE})

    def __init__(self, params: DateShiftParams) -> None:
        self.params = params
        self._fallback = TokenOperator.from_params({})

    @classmethod
    def from_params(cls, raw: Mapping[str, Any]) -> DateShiftOperator:
        """Build the operator from a policy rule's `params`; raises `ValidationError`."""
        return cls(DateShiftParams.model_validate(dict(raw)))

    def replace(self, value: Value, context: OperatorContext) -> Substitute:
        """Return the shifted date, reusing the session's earlier shift of the same text."""
        scope = self._scope(context)
        key = f"date-shift:{scope}:{' '.join(value.text.split())}"
        known = context.state.token_for(value.entity_type, key)
        if known is not None:
            return Substitute(known, reversible=True)

        written = parse_date(
            value.text, context.reference_date or date.today(), self.params.day_first
        )
        if written is None:
            return self._fallback.replace(value, context)
        if written.precision is Precision.DAY and written.has_year:
            context.reference_date = written.value

        shifted = self._shift(written, value.text, scope, context)
        if shifted is None:
            return self._fallback.replace(value, context)
        context.record(shifted, value, self.name, keys=(key,))
        return Substitute(shifted, reversible=True)

    def _scope(self, context: OperatorContext) -> str:
        if self.params.scope == "patient" and context.patient is not None:
            return context.patient
        return _SESSION_SCOPE

    def _shift(
        self, written: WrittenDate, original: str, scope: str, context: OperatorContext
    ) -> str | None:
        offset = session_offset(context, scope)
        try:
            shifted = written.shifted(offset).render()
        except (OverflowError, ValueError):
            return None  # beyond the years `datetime.date` can represent
        prefix = original[: len(original) - len(original.lstrip())]
        suffix = original[len(original.rstrip()) :]
        shifted = f"{prefix}{shifted}{suffix}"
        existing = context.state.entries.get(shifted)
        if existing is not None and existing.original != original:
            return None  # already stands for another date, e.g. another patient's
        if shifted == original or TOKEN_PATTERN.search(shifted):
            return None
        return shifted


def session_offset(context: OperatorContext, scope: str) -> int:
    """Return the offset in days for `scope`, drawing and storing it on first use.

    The magnitude is uniform in the policy's [min, max] range and the sign is random.
    """
    offsets: dict[str, int] = dict(context.state.meta.get(_OFFSETS_META, {}))
    if scope in offsets:
        return offsets[scope]

    low, high = context.date_shift_min_days, context.date_shift_max_days
    magnitude = low + secrets.randbelow(high - low + 1)
    offsets[scope] = magnitude if secrets.randbits(1) else -magnitude
    context.state.set_meta(_OFFSETS_META, offsets)
    return offsets[scope]
