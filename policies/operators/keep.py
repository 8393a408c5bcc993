"""The `keep` operator: the value is forwarded unchanged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from detectors.findings import EntityType
from policies.operators.base import NoParams, OperatorContext, OperatorParams, Substitute, Value


class KeepOperator:
    """Leaves a value as it is, for types a policy may disclose (dates in a limited data set)."""

    name: ClassVar[str] = "keep"
    params_model: ClassVar[type[OperatorParams]] = NoParams
    entity_types: ClassVar[frozenset[EntityType] | None] = None

    def __init__(self, params: NoParams) -> None:
        self.params = params

    @classmethod
    def from_params(cls, raw: Mapping[str, Any]) -> KeepOperator:
        """Build the operator from a policy rule's `params`; raises `ValidationError`."""
        return cls(NoParams.model_validate(dict(raw)))

    def replace(self, value: Value, context: OperatorContext) -> Substitute:
        """Return the value itself."""
        return Substitute(value.text, reversible=False)
