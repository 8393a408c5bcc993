"""The `redact` operator: an irreversible fixed text in place of the value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import field_validator

from detectors.findings import EntityType
from policies.operators.base import OperatorContext, OperatorParams, Substitute, Value
from policies.tokens import TOKEN_PATTERN


class RedactParams(OperatorParams):
    """Parameters of `redact`: the text that replaces every value."""

    text: str = "[REDACTED]"

    @field_validator("text")
    @classmethod
    def _not_token_shaped(cls, text: str) -> str:
        # A token-shaped replacement would be restored as if it were a vault entry.
        if TOKEN_PATTERN.search(text):
            raise ValueError("must not look like a placeholder token such as [PERSON_1]")
        return text


class RedactOperator:
    """Replaces a value with a fixed text. Nothing is recorded, so the restored response keeps it."""

    name: ClassVar[str] = "redact"
    params_model: ClassVar[type[OperatorParams]] = RedactParams
    entity_types: ClassVar[frozenset[EntityType] | None] = None

    def __init__(self, params: RedactParams) -> None:
        self.params = params

    @classmethod
    def from_params(cls, raw: Mapping[str, Any]) -> RedactOperator:
        """Build the operator from a policy rule's `params`; raises `ValidationError`."""
        return cls(RedactParams.model_validate(dict(raw)))

    def replace(self, value: Value, context: OperatorContext) -> Substitute:
        """Return the configured text."""
        return Substitute(self.params.text, reversible=False)
