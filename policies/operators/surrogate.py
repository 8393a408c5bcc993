"""The `surrogate` operator: realistic fake values of the same kind and format (Faker)."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from faker import Faker

from detectors.findings import EntityType
from policies.operators.base import (
    OperatorContext,
    OperatorParams,
    Substitute,
    Value,
    normalise_key,
    random_seed,
)
from policies.operators.token import TokenOperator
from policies.persons import NameRole, NameWord, PersonName, parse_person_name

# How many times a person's form is drawn again when random middle initials make it collide.
_FORM_DRAWS = 20

_FACILITY_WORDS = (
    "Medical Center", "Health Center", "Health System", "Hospital", "Clinic", "Healthcare",
    "Pharmacy", "Practice", "Hospice", "Nursing Home",
)  # fmt: skip


class SurrogateParams(OperatorParams):
    """Parameters of `surrogate`: the Faker locale that fake values come from."""

    locale: str = "en_US"


class SurrogateOperator:
    """Replaces a value with a fake one of the same kind, consistent within the session.

    Faker is seeded from the `secrets` module for every new value, never from the original,
    because 45 CFR 164.514(c) forbids re-identification codes derived from the individual's
    information. A draw is rejected when it occurs anywhere in the request or equals a value or
    surrogate already stored in the session. Names are replaced part by part: each given and family
    name keeps one surrogate in the session, and each part and each written form is its own
    vault entry.
    """

    name: ClassVar[str] = "surrogate"
    params_model: ClassVar[type[OperatorParams]] = SurrogateParams
    entity_types: ClassVar[frozenset[EntityType] | None] = frozenset(EntityType) - {
        EntityType.DATE,
        EntityType.AGE,
    }

    def __init__(self, params: SurrogateParams) -> None:
        self.params = params
        self._faker = Faker(params.locale)
        self._fallback = TokenOperator.from_params({})

    @classmethod
    def from_params(cls, raw: Mapping[str, Any]) -> SurrogateOperator:
        """Build the operator from a policy rule's `params`; raises `ValidationError`."""
        return cls(SurrogateParams.model_validate(dict(raw)))

    def replace(self, value: Value, context: OperatorContext) -> Substitute:
        """Return the session's surrogate for `value`, drawing and recording a new one if needed."""
        if value.entity_type is EntityType.PERSON:
            return self._replace_person(value, context)

        key = f"surrogate:{normalise_key(value.entity_type, value.text)}"
        known = context.state.token_for(value.entity_type, key)
        if known is not None:
            return Substitute(known, reversible=True)

        generator = _GENERATORS.get(value.entity_type, _same_shape)
        surrogate = context.draw_unused(
            lambda: generator(self._seeded(), value.text), value.entity_type
        )
        context.record(surrogate, value, self.name, keys=(key,))
        return Substitute(surrogate, reversible=True)

    def _seeded(self) -> Faker:
        self._faker.seed_instance(random_seed())
        return self._faker

    def _replace_person(self, value: Value, context: OperatorContext) -> Substitute:
        key = f"surrogate-form:{' '.join(value.text.split())}"
        known = context.state.token_for(EntityType.PERSON, key)
        if known is not None:
            return Substitute(known, reversible=True, subject=_subject(known, context))

        name = parse_person_name(value.text)
        if name is None:
            return self._fallback.replace(value, context)

        parts = {word: self._name_part(word, context) for word in name.words}
        for _ in range(_FORM_DRAWS):
            rendered = _render(name, parts)
            existing = context.state.entries.get(rendered)
            if rendered != value.text and (existing is None or existing.original == value.text):
                break
        else:
            return self._fallback.replace(value, context)

        context.record(rendered, value, self.name, keys=(key,))
        subject = _person_subject(name, parts)
        context.state.add_alias(EntityType.PERSON, f"surrogate-subject:{rendered}", subject)
        return Substitute(rendered, reversible=True, subject=subject)

    def _name_part(self, word: NameWord, context: OperatorContext) -> Callable[[], str]:
        """Return how to write `word` in the surrogate: fixed for parts, random for initials."""
        if word.role in (NameRole.TITLE, NameRole.SUFFIX):
            return lambda: word.text
        if len(word.text) == 1:
            return lambda: _match_case(secrets.choice(string.ascii_uppercase), word.text)

        surrogate = self._part_surrogate(word, context)
        return lambda: _match_case(surrogate, word.text)

    def _part_surrogate(self, word: NameWord, context: OperatorContext) -> str:
        folded = word.text.casefold()
        given_key, family_key = f"surrogate-given:{folded}", f"surrogate-family:{folded}"
        lookups = {
            NameRole.GIVEN: (given_key,),
            NameRole.MIDDLE: (given_key,),
            NameRole.FAMILY: (family_key,),
            NameRole.SINGLE: (family_key, given_key),
        }[word.role]
        for lookup in lookups:
            known = context.state.token_for(EntityType.PERSON, lookup)
            if known is not None:
                return known

        # A lone word is drawn as a family name and is then also used for the given name, so
        # every later form that contains it stays consistent.
        faker = self._seeded()
        is_family = word.role in (NameRole.FAMILY, NameRole.SINGLE)
        generator = faker.last_name if is_family else faker.first_name
        surrogate = context.draw_unused(lambda: str(generator()), EntityType.PERSON)
        part = Value(word.text, EntityType.PERSON)
        context.record(surrogate, part, self.name, keys=lookups)
        return surrogate


def _render(name: PersonName, parts: Mapping[NameWord, Callable[[], str]]) -> str:
    pieces: list[str] = []
    cursor = 0
    for word in name.words:
        pieces.append(name.text[cursor : word.start])
        pieces.append(parts[word]())
        cursor = word.end
    pieces.append(name.text[cursor:])
    return "".join(pieces)


def _person_subject(name: PersonName, parts: Mapping[NameWord, Callable[[], str]]) -> str:
    """Return the surrogate family name (else the first name part) that identifies the person."""
    for role in (NameRole.FAMILY, NameRole.SINGLE, NameRole.GIVEN):
        for word in name.words:
            if word.role is role:
                return parts[word]().casefold()
    return name.text.casefold()


def _subject(rendered: str, context: OperatorContext) -> str | None:
    return context.state.token_for(EntityType.PERSON, f"surrogate-subject:{rendered}")


def _match_case(text: str, written: str) -> str:
    if written.isupper() and len(written) > 1:
        return text.upper()
    if written.islower():
        return text.lower()
    return text


def _same_shape(faker: Faker, original: str) -> str:
    """Return `original` with each digit and letter replaced by a random one of the same kind."""
    characters = []
    for character in original:
        if character.isdigit():
            characters.append(secrets.choice(string.digits))
        elif character.isalpha():
            letter = secrets.choice(string.ascii_uppercase)
            characters.append(letter if character.isupper() else letter.lower())
        else:
            characters.append(character)
    return "".join(characters)


def _facility(faker: Faker, original: str) -> str:
    for word in _FACILITY_WORDS:
        if word.casefold() in original.casefold():
            return f"{faker.last_name()} {word}"
    return str(faker.company())


def _email(faker: Faker, original: str) -> str:
    return f"{faker.user_name()}@{faker.safe_domain_name()}"


def _url(faker: Faker, original: str) -> str:
    scheme = "http" if original.casefold().startswith("http:") else "https"
    return f"{scheme}://www.{faker.safe_domain_name()}/{faker.slug()}"


def _ip_address(faker: Faker, original: str) -> str:
    return str(faker.ipv6() if ":" in original else faker.ipv4_private())


_GENERATORS: dict[EntityType, Callable[[Faker, str], str]] = {
    EntityType.STREET_ADDRESS: lambda faker, original: str(faker.street_address()),
    EntityType.LOCATION: lambda faker, original: str(faker.city()),
    EntityType.ORGANIZATION: _facility,
    EntityType.EMAIL_ADDRESS: _email,
    EntityType.URL: _url,
    EntityType.IP_ADDRESS: _ip_address,
}
