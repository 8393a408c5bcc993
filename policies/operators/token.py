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
from policies.persons import (
    POSSESSIVE,
    NameRole,
    PersonName,
    link_person,
    parse_person_name,
    resolve_person,
)
from policies.tokens import TOKEN_PATTERN


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
        name = parse_person_name(value.text)
        title = _title_prefix(name)
        if title:
            # A title is not an identifier, and keeping it ("Mr. [PERSON_1]") shows the
            # model how the person is addressed.
            bare = Value(value.text[len(title) :], value.entity_type)
            substitute = self._replace_person(bare, context)
            return Substitute(title + substitute.text, True, substitute.subject)

        key = normalise_key(value.entity_type, value.text)
        token = context.state.token_for(value.entity_type, key)
        person = token
        if token is None and name is not None:
            person = resolve_person(name, context.state)
            token = _part_token(person, name, value, context) if person else None
        if token is None:
            token = context.mint_token(value.entity_type)
            context.record(token, value, self.name, keys=(key,))
        else:
            context.state.add_alias(value.entity_type, key, token)
        if name is not None:
            link_person(name, person or token, context.state)
        return Substitute(token, reversible=True, subject=person or token)


def _title_prefix(name: PersonName | None) -> str:
    """Return the leading titles of a name with what follows them ("Mr. "), or ""."""
    if name is None or not name.words or name.words[0].role is not NameRole.TITLE:
        return ""
    core = next((word for word in name.words if word.role is not NameRole.TITLE), None)
    return name.text[: core.start] if core is not None else ""


def _part_token(
    person: str, name: PersonName, value: Value, context: OperatorContext
) -> str | None:
    """Return the token for another form of a known person, such as `[PERSON_SURNAME_1]`.

    Each kind of form (a lone family name, a lone given name, another full form) gets its own
    token, which carries the person's number, so the model still reads one person while
    restoring gives back the form the text used ("Smith", not "John Smith"). NOTE: a second
    different form of one kind ("JOHN SMITH" after "Smith, John") shares the first one's token,
    so it is restored as that form. Returns None when the person's token is not a placeholder.
    """
    match = TOKEN_PATTERN.fullmatch(person)
    if match is None:
        return None
    entry = context.state.entries.get(person)
    if entry is None or entry.original == value.text:
        return person
    token = f"[{match['label']}_{_form_kind(name, entry.original)}_{match['number']}]"
    if token not in context.state.entries:
        context.record(token, value, TokenOperator.name, keys=())
    return token


def _form_kind(name: PersonName, first_original: str) -> str:
    """Name the kind of a person's form: FULL, GIVEN or SURNAME."""
    core = [word for word in name.words if word.role not in (NameRole.TITLE, NameRole.SUFFIX)]
    if len(core) > 1:
        return "FULL"
    first = parse_person_name(first_original)
    if first is not None and first.part(NameRole.GIVEN) == core[0].text.casefold():
        return "GIVEN"
    return "SURNAME"
