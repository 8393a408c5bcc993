"""Terms that are never findings (allow-list) and terms that always are (deny-list)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from detectors.findings import EntityType, Finding
from detectors.gazetteers import read_word_list

DENY_DETECTOR = "deny_list"

# Placeholders that de-identification writes ("[PERSON_1]", "[DATE]") are never PHI, so a
# de-identified text scanned again keeps its own placeholders.
PLACEHOLDER = re.compile(r"\[[A-Z]+(?:_[A-Z]+)*(?:_[1-9][0-9]*)?\]")

_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


def normalise_term(text: str) -> str:
    """Return the form terms are compared in: lower case, single spaces, no possessive."""
    return _POSSESSIVE.sub("", " ".join(text.split())).lower()


class AllowList:
    """The built-in clinical allow-list plus a site's own terms."""

    def __init__(self, extra_terms: Sequence[str] = ()) -> None:
        terms = (*read_word_list("allow_terms.txt"), *extra_terms)
        self._terms = frozenset(normalise_term(term) for term in terms if term.strip())

    def allows(self, span_text: str) -> bool:
        """Return True when the span is an allowed term or a de-identification placeholder."""
        if PLACEHOLDER.fullmatch(span_text.strip()):
            return True
        return normalise_term(span_text) in self._terms

    def __len__(self) -> int:
        return len(self._terms)


class DenyList:
    """Site terms that are findings wherever they occur as whole words, in any case."""

    def __init__(self, terms: Sequence[tuple[str, EntityType]] = ()) -> None:
        self._patterns = tuple(
            (re.compile(rf"(?<!\w){re.escape(term.strip())}(?!\w)", re.IGNORECASE), entity_type)
            for term, entity_type in terms
            if term.strip()
        )

    def find(self, text: str) -> Iterator[Finding]:
        """Yield a finding for every occurrence of every deny term."""
        for pattern, entity_type in self._patterns:
            for match in pattern.finditer(text):
                yield Finding(entity_type, match.start(), match.end(), 1.0, DENY_DETECTOR)

    def __repr__(self) -> str:
        return f"DenyList(terms={len(self._patterns)})"
