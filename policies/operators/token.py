"""The `token` operator: typed, numbered placeholders such as `[PERSON_1]`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from detectors.findings import EntityType
from policies.operators.base import (
    NoParams,
    OperatorContext,
    OperatorParams,
    Substitute,
    Value,
    normalise_key,
)
from policies.persons import POSSESSIVE, link_person, parse_person_name, resolve_person


class TokenOperator:
    """Replaces a value with a placeholder token numbered per session and per type.

    The same original (after `normalise_key`, and for persons every linked form of one name)
    gets the same token within a session. Two originals never share one. Numbers come from a
    session counter, never from the value.
    """

    name: ClassVar[str] = "token"
    params_model: ClassVar[type[OperatorParams]] = NoParams
    entity_types: ClassVar[frozenset[EntityType] | None] = None

    def __init__(self, params: NoParams) -> None:
        self.params = params

    @classmethod
    def from_params(cls, raw: Mapping[str, Any]) -> TokenOperator:
        """Build the operator from a policy rule's `params`; raises `ValidationError`."""
        return cls(NoParams.model_validate(dict(raw)))

    def replace(self, value: Value, context: OperatorContext) -> Substitute:
        """Return the session's token for `value`, minting and recording a new one if needed."""
        if value.entity_type is EntityType.PERSON:
            return self._replace_person(value, context)

        key = normalise_key(value.entity_type, value.text)
        token = context.state.token_for(value.entity_type, key)
        if token is None:
            token = context.mint_token(value.entity_type)
            context.record(token, value, self.name, keys=(key,))
        return Substitute(token, reversible=True)

    def _replace_person(self, value: Value, context: OperatorContext) -> Substitute:
        possessive = POSSESSIVE.search(value.text)
        if possessive is not None:
            # "Smith's" is the person "Smith" plus a possessive that stays outside the token.
            bare = Value(value.text[: possessive.start()], value.entity_type)
            substitute = self._replace_person(bare, context)
            return Substitute(substitute.text + possessive.group(), True, substitute.subject)

        key = normalise_key(value.entity_type, value.text)
        name = parse_person_name(value.text)
        token = context.state.token_for(value.entity_type, key)
        if token is None and name is not None:
            token = resolve_person(name, context.state)

        if token is None:
            token = context.mint_token(value.entity_type)
            context.record(token, value, self.name, keys=(key,))
        else:
            context.state.add_alias(value.entity_type, key, token)

        if name is not None:
            link_person(name, token, context.state)
        return Substitute(token, reversible=True, subject=token)
