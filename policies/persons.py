"""Person names: split a name into its parts and link the forms of one person in a session.

"John A. Smith", "Smith, John", "JOHN SMITH", "Mr. Smith" and "John" are forms of one person.
Placeholder tokens link forms through session aliases (`resolve_person` and `link_person`).
The surrogate operator links them part by part, so the given name and the family name each
keep one surrogate in the session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import partial

from detectors.findings import EntityType
from policies.session import SessionState

TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "prof", "professor", "sir"})
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "md", "phd", "do", "rn", "np", "pa"})

# A name word: letters, with inner apostrophes or hyphens ("O'Brien", "Smith-Jones"). A
# possessive "'s" is not part of the word, so "Smith's" is the family name "Smith".
_WORD = re.compile(r"(?<!['’])[^\W\d_]+(?:(?:-|['’](?![sS]\b))[^\W\d_]+)*")

# A possessive ending that a detector may include in a name's span.
POSSESSIVE = re.compile(r"['’][sS]$")


class NameRole(StrEnum):
    """The role of one word in a person's name."""

    TITLE = "title"
    GIVEN = "given"
    MIDDLE = "middle"
    FAMILY = "family"
    SUFFIX = "suffix"
    SINGLE = "single"  # one bare word: a given or a family name, the text cannot tell which


@dataclass(frozen=True, slots=True)
class NameWord:
    """One word of a name, with its half-open offsets in the name's text."""

    text: str
    start: int
    end: int
    role: NameRole

    def __repr__(self) -> str:
        return f"NameWord(role={self.role.value}, start={self.start}, end={self.end})"


@dataclass(frozen=True, slots=True)
class PersonName:
    """A parsed person name. Holds PHI, so `repr` shows roles only."""

    text: str
    words: tuple[NameWord, ...]

    def part(self, role: NameRole) -> str | None:
        """Return the case-folded word with `role`, if the name has one."""
        for word in self.words:
            if word.role is role:
                return word.text.casefold()
        return None

    def __repr__(self) -> str:
        return f"PersonName(roles={[word.role.value for word in self.words]})"


def parse_person_name(text: str) -> PersonName | None:
    """Split a name into titled, given, middle, family and suffix words.

    "Family, Given Middle" is recognised by its comma. Returns `None` when the text contains no
    name word at all. NOTE: a multi-word family name without a comma ("Juan de la Cruz") is
    read as given "Juan", middles "de la" and family "Cruz".
    """
    matches = list(_WORD.finditer(text))
    titles = [match for match in matches if _is_title(match, text)]
    suffixes = [match for match in matches if match.group().casefold() in SUFFIXES]
    core = [match for match in matches if match not in titles and match not in suffixes]
    if not core:
        return None

    roles = _core_roles(core, text, titled=bool(titles))
    words = [NameWord(m.group(), m.start(), m.end(), NameRole.TITLE) for m in titles]
    words += [NameWord(m.group(), m.start(), m.end(), role) for m, role in zip(core, roles)]
    words += [NameWord(m.group(), m.start(), m.end(), NameRole.SUFFIX) for m in suffixes]
    return PersonName(text, tuple(sorted(words, key=lambda word: word.start)))


def _is_title(match: re.Match[str], text: str) -> bool:
    if match.group().casefold() not in TITLES:
        return False
    following = text[match.end() :].lstrip(". ")
    return bool(following) and match.start() == len(text) - len(text.lstrip())


def _core_roles(core: list[re.Match[str]], text: str, titled: bool) -> list[NameRole]:
    if len(core) == 1:
        return [NameRole.FAMILY if titled else NameRole.SINGLE]

    comma = text.find(",", core[0].end(), core[1].start())
    if comma != -1:
        return [NameRole.FAMILY, NameRole.GIVEN] + [NameRole.MIDDLE] * (len(core) - 2)
    return [NameRole.GIVEN] + [NameRole.MIDDLE] * (len(core) - 2) + [NameRole.FAMILY]


# Alias keys for placeholder tokens. Markers record that the person behind a token has a given
# or family name, so a full name is linked to a person known by one part only when the other
# part does not contradict it.
def _full_key(given_name: str, family_name: str) -> str:
    return f"person:{given_name} {family_name}"


def _given_key(given_name: str) -> str:
    return f"person-given:{given_name}"


def _family_key(family_name: str) -> str:
    return f"person-family:{family_name}"


def _has_given_key(token: str) -> str:
    return f"person-has-given:{token}"


def _has_family_key(token: str) -> str:
    return f"person-has-family:{token}"


def resolve_person(name: PersonName, state: SessionState) -> str | None:
    """Return the token of the session person that `name` is a form of, if any.

    A full name matches the same full name, or a person known so far by the family name (or
    the given name) alone. A lone word matches a family name first, then a given name.
    NOTE: when two persons share a part ("John Smith", "Jane Smith"), a lone "Smith" resolves
    to the first one seen.
    """
    given_name = name.part(NameRole.GIVEN)
    family_name = name.part(NameRole.FAMILY)
    single = name.part(NameRole.SINGLE)
    lookup = partial(state.token_for, EntityType.PERSON)

    if given_name and family_name:
        return _resolve_full(given_name, family_name, state)
    if family_name:
        return lookup(_family_key(family_name))
    if single:
        return lookup(_family_key(single)) or lookup(_given_key(single))
    return None


def _resolve_full(given_name: str, family_name: str, state: SessionState) -> str | None:
    lookup = partial(state.token_for, EntityType.PERSON)
    exact = lookup(_full_key(given_name, family_name))
    if exact:
        return exact

    by_family = lookup(_family_key(family_name))
    if by_family and (
        lookup(_given_key(given_name)) == by_family or lookup(_has_given_key(by_family)) is None
    ):
        return by_family

    by_given = lookup(_given_key(given_name))
    if by_given and lookup(_has_family_key(by_given)) is None:
        return by_given
    return None


def link_person(name: PersonName, token: str, state: SessionState) -> None:
    """Make every part of `name` that is still free resolve to `token` in the session."""
    given_name = name.part(NameRole.GIVEN)
    family_name = name.part(NameRole.FAMILY)
    single = name.part(NameRole.SINGLE)

    keys: list[str] = []
    if given_name and family_name:
        keys.append(_full_key(given_name, family_name))
    if given_name:
        keys += [_given_key(given_name), _has_given_key(token)]
    if family_name:
        keys += [_family_key(family_name), _has_family_key(token)]
    if single:
        keys += [_family_key(single), _given_key(single)]

    for key in keys:
        if state.token_for(EntityType.PERSON, key) is None:
            state.add_alias(EntityType.PERSON, key, token)
