"""Running spaCy's named-entity recognizer over batches of texts of any length."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from detectors.english_words import EnglishVocabulary
from detectors.errors import DetectionError
from detectors.span_edges import TextSpan, split_at_field_breaks

# Characters shared by neighbouring chunks, so an entity cut by one chunk edge is whole in
# the other chunk.
CHUNK_OVERLAP = 200
_BATCH_SIZE = 64
_WHITESPACE = re.compile(r"\s")
# Labels whose entities are cut at field breaks. Places keep their lines because address
# blocks are read across lines.
_NAME_LABELS = frozenset({"PERSON", "ORG"})
# A line that is only a care word, as in a wrapped facility name.
_CARE_LINE = re.compile(
    r"(?i:(?:medical|health|cancer|rehabilitation|surgical|children's)\s+)?"
    r"(?i:hospital|medical\s+center|health\s+center|clinic|center|centre|infirmary|institute)"
)


@dataclass(frozen=True, slots=True)
class NamedEntity:
    """One entity spaCy tagged, with half-open offsets into the whole original text.

    `vocabulary_word` is True when the entity is one word of the English vocabulary
    ("Diuresed", "Summarise"), which the model often mistakes for a name at a sentence start.
    """

    label: str
    start: int
    end: int
    vocabulary_word: bool = False


@dataclass(frozen=True, slots=True)
class _Chunk:
    text_index: int
    offset: int
    text: str


class SpacyEntityTagger:
    """Tag entities with only the pipeline components the recognizer needs.

    Texts longer than `chunk_chars` (default: the pipeline's `max_length`) are split at
    whitespace into chunks that overlap by `CHUNK_OVERLAP` characters. An entity that crosses
    a field break (two or more spaces, a tab, a line break) becomes one entity per part.
    """

    def __init__(self, nlp: Language, *, chunk_chars: int | None = None) -> None:
        if "ner" not in nlp.pipe_names:
            raise DetectionError("the spaCy pipeline has no 'ner' component")
        self._nlp = nlp
        self._components = [
            (name, component)
            for name, component in nlp.pipeline
            if name == "ner" or "ner" in getattr(component, "listening_components", ())
        ]
        self._chunk_chars = max(chunk_chars or nlp.max_length, 2 * CHUNK_OVERLAP + 1)
        self._vocabulary = EnglishVocabulary.from_pipeline(nlp)

    @property
    def component_names(self) -> list[str]:
        """The pipeline components that run, in pipeline order."""
        return [name for name, _ in self._components]

    def tag(self, texts: Sequence[str]) -> list[list[NamedEntity]]:
        """Return the entities of each text, in the order of `texts`.

        Raises `DetectionError` when spaCy fails, because a text that was not analysed must not
        be forwarded.
        """
        chunks = [chunk for index, text in enumerate(texts) for chunk in self._split(index, text)]
        entities: list[list[NamedEntity]] = [[] for _ in texts]
        try:
            for chunk, doc in zip(chunks, self._run(chunk.text for chunk in chunks)):
                for entity in doc.ents:
                    entities[chunk.text_index].extend(
                        self._parts(
                            texts[chunk.text_index],
                            entity.label_,
                            chunk.offset + entity.start_char,
                            chunk.offset + entity.end_char,
                        )
                    )
        except (ValueError, RuntimeError, MemoryError) as error:
            raise DetectionError(f"spaCy failed on a batch of {len(texts)} texts") from error
        return entities

    def _parts(self, text: str, label: str, start: int, end: int) -> Iterator[NamedEntity]:
        if label not in _NAME_LABELS:
            yield NamedEntity(label, start, end)
            return
        parts = list(split_at_field_breaks(text, start, end))
        if label == "ORG":
            parts = _join_wrapped_care_lines(text, parts)
        for part in parts:
            words = text[part.start : part.end]
            yield NamedEntity(label, part.start, part.end, words in self._vocabulary)

    def _run(self, texts: Iterator[str]) -> Iterator[Doc]:
        docs: Iterator[Doc] = (self._nlp.make_doc(text) for text in texts)
        for _, component in self._components:
            # Every component of a trained pipeline (tok2vec, transformer, ner) has `pipe`.
            docs = component.pipe(docs, batch_size=_BATCH_SIZE)  # type: ignore[attr-defined]
        return docs

    def _split(self, index: int, text: str) -> Iterator[_Chunk]:
        """Cut a text into overlapping chunks that start and end at whitespace."""
        start = 0
        while True:
            end = min(start + self._chunk_chars, len(text))
            if end < len(text):
                end = _last_whitespace(text, start + self._chunk_chars // 2, end)
            yield _Chunk(index, start, text[start:end])
            if end >= len(text):
                return
            start = _first_whitespace(text, end - CHUNK_OVERLAP, end)


def _last_whitespace(text: str, low: int, high: int) -> int:
    """Return the position after the last whitespace in text[low:high], or high if none."""
    for position in range(high - 1, low - 1, -1):
        if _WHITESPACE.match(text, position):
            return position + 1
    return high


def _first_whitespace(text: str, low: int, high: int) -> int:
    """Return the position after the first whitespace in text[low:high], or low if none."""
    match = _WHITESPACE.search(text, low, high)
    return match.end() if match else low


def _join_wrapped_care_lines(text: str, parts: list[TextSpan]) -> list[TextSpan]:
    """Join a line that holds only a care word to the line above it.

    Headers wrap facility names ("LAKESHORE REGIONAL" above "MEDICAL CENTER"); split apart,
    the first line would be dropped as a name without its care word and leak.
    """
    joined: list[TextSpan] = []
    for part in parts:
        previous = joined[-1] if joined else None
        gap = text[previous.end : part.start] if previous is not None else ""
        line_end = text.find("\n", part.end)
        line_rest = text[part.end : line_end if line_end != -1 else len(text)]
        if (
            previous is not None
            and gap.strip(" \t\r") == "\n"
            and not line_rest.strip()
            and _CARE_LINE.fullmatch(text[part.start : part.end])
        ):
            joined[-1] = TextSpan(previous.start, part.end)
        else:
            joined.append(part)
    return joined
