"""English verbs and adverbs, read from the WordNet index that spaCy's lemmatizer ships."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from spacy.language import Language

# Nouns and adjectives are left out: WordNet lists many of them that are also given names
# ("Belle", "Dexter", "Ley").
_PARTS_OF_SPEECH = ("verb", "adv")
# Past tenses of verbs the index lacks ("Diuresed", "Extubated") are vocabulary too.
_PAST_TENSE_MIN_LENGTH = 6


class EnglishVocabulary:
    """Lower-cased English verbs and adverbs, with their inflected forms.

    Built from the `lemma_index` and `lemma_rules` tables of a rule-based lemmatizer (the
    en_core_web pipelines carry a WordNet index there). A pipeline without those tables
    gives an empty vocabulary, in which only past tenses count as words.
    """

    def __init__(
        self, lemmas: frozenset[str], suffix_rules: Mapping[str, Sequence[Sequence[str]]]
    ) -> None:
        self._lemmas = lemmas
        self._suffix_rules = tuple(
            (old, new) for rules in suffix_rules.values() for old, new in rules if old
        )

    @classmethod
    def from_pipeline(cls, nlp: Language) -> EnglishVocabulary:
        """Read the vocabulary from the pipeline's lemmatizer, if it has lookup tables."""
        if "lemmatizer" not in nlp.pipe_names:
            return cls(frozenset(), {})
        lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
        if lookups is None or not lookups.has_table("lemma_index"):
            return cls(frozenset(), {})
        index = lookups.get_table("lemma_index")
        lemmas = frozenset(
            word for part in _PARTS_OF_SPEECH for word in index.get(part, ()) if word.isalpha()
        )
        rules = lookups.get_table("lemma_rules") if lookups.has_table("lemma_rules") else {}
        return cls(lemmas, {"verb": rules.get("verb", [])})

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word.isalpha():
            return False
        lowered = word.lower()
        if lowered in self._lemmas:
            return True
        if lowered.endswith("ed") and len(lowered) >= _PAST_TENSE_MIN_LENGTH:
            return True
        return any(
            lowered.endswith(old) and lowered[: -len(old)] + new in self._lemmas
            for old, new in self._suffix_rules
        )

    def __len__(self) -> int:
        return len(self._lemmas)
