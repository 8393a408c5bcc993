"""The policy model: what each entity type becomes, which detectors run, and session settings.

Every model is frozen and rejects unknown keys, so a typo in a policy file is an error rather
than a silently ignored setting.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_core.core_schema import ValidationInfo

from detectors.findings import EntityType
from policies.operators import OPERATORS

MedGemmaMode = Literal["off", "union", "types", "second-look"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EntityRule(_Frozen):
    """The rule for one entity type: its operator, score threshold and operator parameters.

    Findings scored below `threshold` are left in the text. `params` are the operator's
    parameters, validated against that operator and stored with their defaults filled in.
    """

    operator: str = "token"
    threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    params: dict[str, Any] = Field(default_factory=dict, validate_default=True)

    @field_validator("operator")
    @classmethod
    def _known_operator(cls, operator: str) -> str:
        if operator not in OPERATORS:
            raise PydanticCustomError(
                "unknown_operator",
                "invalid value '{value}'. Allowed values: {allowed}",
                {"value": operator, "allowed": ", ".join(sorted(OPERATORS))},
            )
        return operator

    @field_validator("params")
    @classmethod
    def _valid_params(cls, params: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        operator = OPERATORS.get(info.data.get("operator", ""))
        if operator is None:
            return params  # the operator's own error is reported instead
        try:
            validated = operator.params_model.model_validate(params)
        except ValidationError as error:
            raise PydanticCustomError(
                "invalid_params",
                "{problem}",
                {"problem": describe_params_error(error, operator.name)},
            ) from None
        return validated.model_dump(mode="json")


class DenyTerm(_Frozen):
    """A term always treated as PHI of `entity_type`, wherever it occurs as a whole word."""

    text: str = Field(min_length=1)
    entity_type: EntityType

    def __repr__(self) -> str:
        return f"DenyTerm(entity_type={self.entity_type.value}, ...)"


class MedGemmaPolicy(_Frozen):
    """The local MedGemma model's part in detection.

    "union" adds its findings to Presidio's, "types" uses it only for `entity_types`, and
    "second-look" has it review the de-identified text for anything left.
    """

    mode: MedGemmaMode = "off"
    entity_types: list[EntityType] = Field(default_factory=list)

    @field_validator("mode", mode="before")
    @classmethod
    def _yaml_off(cls, mode: object) -> object:
        # YAML 1.1 reads a bare `off` as the boolean false.
        return "off" if mode is False else mode

    @model_validator(mode="after")
    def _types_listed(self) -> MedGemmaPolicy:
        if self.mode == "types" and not self.entity_types:
            raise PydanticCustomError(
                "missing_types",
                "entity_types must list at least one entity type when mode is 'types'",
            )
        return self


class DetectorPolicy(_Frozen):
    """The detectors to run. At least one must be on, or nothing would be de-identified."""

    presidio: bool = True
    medgemma: MedGemmaPolicy = Field(default_factory=MedGemmaPolicy)

    @model_validator(mode="after")
    def _one_detector(self) -> DetectorPolicy:
        if not self.presidio and self.medgemma.mode == "off":
            raise PydanticCustomError(
                "no_detector",
                "no detector is on. Set presidio to true or medgemma.mode to union, types or second-look",
            )
        return self


class SessionPolicy(_Frozen):
    """Session settings: how long a session's mappings live, and the date shift range in days.

    The date shift magnitude is drawn from [date_shift_min_days, date_shift_max_days] and its
    direction at random, once per session (or per patient).
    """

    ttl_seconds: int = Field(default=86400, ge=1)
    date_shift_min_days: int = Field(default=30, ge=1, le=36500)
    date_shift_max_days: int = Field(default=364, ge=1, le=36500)

    @model_validator(mode="after")
    def _ordered_range(self) -> SessionPolicy:
        if self.date_shift_min_days > self.date_shift_max_days:
            raise PydanticCustomError(
                "invalid_range", "date_shift_min_days must not be greater than date_shift_max_days"
            )
        return self


class Policy(_Frozen):
    """A complete de-identification policy."""

    name: str = Field(min_length=1)
    description: str = ""
    default: EntityRule = EntityRule()
    entities: dict[EntityType, EntityRule] = Field(default_factory=dict)
    allow_list: list[str] = Field(default_factory=list)
    deny_list: list[DenyTerm] = Field(default_factory=list)
    detectors: DetectorPolicy = Field(default_factory=DetectorPolicy)
    uninspectable_parts: Literal["reject", "forward"] = "reject"
    session: SessionPolicy = SessionPolicy()

    def rule_for(self, entity_type: EntityType) -> EntityRule:
        """Return the rule for `entity_type`, or the default rule when none is listed."""
        return self.entities.get(entity_type, self.default)

    @model_validator(mode="after")
    def _operators_fit_types(self) -> Policy:
        for entity_type in EntityType:
            rule = self.rule_for(entity_type)
            supported = OPERATORS[rule.operator].entity_types
            if supported is None or entity_type in supported:
                continue
            where = f"entities.{entity_type.value}" if entity_type in self.entities else "default"
            raise PydanticCustomError(
                "unsupported_type",
                "{where}.operator: {operator} cannot handle {entity_type}. It supports: {supported}",
                {
                    "where": where,
                    "operator": rule.operator,
                    "entity_type": entity_type.value,
                    "supported": ", ".join(sorted(supported)),
                },
            )
        return self


def describe_params_error(error: ValidationError, operator: str) -> str:
    """Describe the first problem in an operator's parameters without echoing any value."""
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "params"
    if first["type"] == "extra_forbidden":
        allowed = ", ".join(OPERATORS[operator].params_model.model_fields) or "none"
        return f"unknown key {key!r} for operator {operator}. Allowed keys: {allowed}"
    return f"{key}: {first['msg'].removeprefix('Value error, ')}"
