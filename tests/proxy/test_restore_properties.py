"""Property-based round trips: random texts, PHI values, tokens and chunkings."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.findings import EntityType
from policies.session import SessionState, VaultEntry
from policies.tokens import format_token
from proxy.restore import RestoreCounts, Restorer

# Filler for round trips: no letter set here can spell a token label or a surrogate, so the
# only matches are the tokens the test placed.
SAFE_FILLER = st.text(
    alphabet="bgjkqwxyzBGJKQWXYZ0123456789 .,;:!?()[]_'\n\u00e9\u00df\U0001f600", max_size=12
)
SEPARATORS = st.sampled_from([" ", ", ", "\n", " (", ") ", ": ", " - "])
ORIGINALS = st.text(min_size=1, max_size=20)
SURROGATES = ["Mark Davis", "Davis", "Lena Fox", "Fox", "03/20/2024", "555-0100"]
PLACEHOLDER_TYPES = [
    EntityType.PERSON,
    EntityType.DATE,
    EntityType.HEALTH_PLAN_NUMBER,
    EntityType.ID,
]


@dataclass(frozen=True)
class RoundTrip:
    """A session, the de-identified response a model might send, and the text it restores to."""

    state: SessionState
    deidentified: str
    original: str


@st.composite
def round_trips(draw: st.DrawFn) -> RoundTrip:
    """Mint tokens for random originals, then interleave them with filler text."""
    state = SessionState(tenant="clinic-a", session_id="s1")
    counters: dict[EntityType, int] = {}
    replacements: list[tuple[str, str]] = []
    used_surrogates = draw(st.lists(st.sampled_from(SURROGATES), unique=True, max_size=4))

    for surrogate in used_surrogates:
        original = draw(ORIGINALS)
        state.add_entry(VaultEntry(surrogate, original, EntityType.PERSON, "surrogate"))
        replacements.append((surrogate, original))
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        entity_type = draw(st.sampled_from(PLACEHOLDER_TYPES))
        counters[entity_type] = counters.get(entity_type, 0) + 1
        token = format_token(entity_type, counters[entity_type])
        original = draw(ORIGINALS)
        state.add_entry(VaultEntry(token, original, entity_type, "token"))
        replacements.append((token, original))

    order = draw(st.lists(st.sampled_from(replacements), max_size=15)) if replacements else []
    first_filler = draw(SAFE_FILLER)
    deidentified_parts, original_parts = [first_filler], [first_filler]
    for token, value in order:
        separator, filler = draw(SEPARATORS), draw(SAFE_FILLER)
        deidentified_parts += [separator, token, separator, filler]
        original_parts += [separator, value, separator, filler]
    return RoundTrip(state, "".join(deidentified_parts), "".join(original_parts))


def split_at(text: str, cuts: list[int]) -> list[str]:
    points = sorted({min(cut, len(text)) for cut in cuts})
    bounds = [0, *points, len(text)]
    return [text[start:end] for start, end in itertools.pairwise(bounds)]


def stream_restore(restorer: Restorer, chunks: list[str]) -> tuple[str, RestoreCounts]:
    stream = restorer.stream()
    output = "".join(stream.feed(chunk) for chunk in chunks) + stream.finish()
    return output, stream.counts


@settings(max_examples=300, deadline=None)
@given(case=round_trips(), cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=40))
def test_round_trip_any_chunking(case: RoundTrip, cuts: list[int]) -> None:
    restorer = Restorer(case.state)

    whole = restorer.restore(case.deidentified)
    streamed, counts = stream_restore(restorer, split_at(case.deidentified, cuts))

    assert whole.text == case.original
    assert whole.counts.unknown == 0
    assert whole.counts.altered == 0
    assert streamed == whole.text
    assert counts == whole.counts


# Pieces that stress the stream: partial and altered tokens, unknown tokens, near-surrogates,
# look-ahead and look-behind characters, and arbitrary text.
TRICKY_PIECES = st.one_of(
    st.sampled_from(
        [
            "[PERSON_1]",
            "[person_1]",
            "PERSON_1",
            "[PERSON 1]",
            "[PERSON_1's]",
            "'s",
            "\u2019s",
            "[PERSON_10]",
            "[PERSON_2]",
            "[PERS",
            "ON_1",
            "]",
            "[",
            " ",
            "_",
            "1",
            "0",
            "x",
            "[DATE_1]",
            "date_1",
            "[HEALTH PLAN ID 1]",
            "HEALTH_PLAN_ID_1",
            "HEALTH_PL",
            "Mark Davis",
            "Mark",
            " Davis",
            "Davis",
            "Davison",
            "03/20/2024",
            "03/20/20",
            "[ PERSON_1 ]",
            "-Lee",
            "Dr. J",
            ".",
            "#12-",
            "B",
            "PERSON_1234567",
            "\u00e9",
            "\U0001f600",
        ]
    ),
    st.text(max_size=6),
)
ALTERED_SESSION = SessionState.restored(
    "clinic-a",
    "s1",
    [
        VaultEntry("[PERSON_1]", "John Smith", EntityType.PERSON, "token"),
        VaultEntry("[PERSON_10]", "Ann Lee", EntityType.PERSON, "token"),
        VaultEntry("[DATE_1]", "02/29/2024", EntityType.DATE, "token"),
        VaultEntry("[HEALTH_PLAN_ID_1]", "HP-1", EntityType.HEALTH_PLAN_NUMBER, "token"),
        VaultEntry("Mark Davis", "Jane Roe", EntityType.PERSON, "surrogate"),
        VaultEntry("Davis", "Roe", EntityType.PERSON, "surrogate"),
        VaultEntry("Mark", "Jane", EntityType.PERSON, "surrogate"),
        VaultEntry("Mark Davis-Lee", "Jane Roe-Poe", EntityType.PERSON, "surrogate"),
        VaultEntry("Dr. J.", "Dr. Q.", EntityType.PERSON, "surrogate"),
        VaultEntry("#12-B", "#99-Z", EntityType.STREET_ADDRESS, "surrogate"),
        VaultEntry("03/20/2024", "12/31/2023", EntityType.DATE, "date_shift"),
    ],
    [],
    {},
)


@settings(max_examples=500, deadline=None)
@given(
    pieces=st.lists(TRICKY_PIECES, max_size=25),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=30),
)
def test_stream_equals_whole_for_altered_text(pieces: list[str], cuts: list[int]) -> None:
    restorer = Restorer(ALTERED_SESSION)
    text = "".join(pieces)

    whole = restorer.restore(text)
    streamed, counts = stream_restore(restorer, split_at(text, cuts))

    assert streamed == whole.text
    assert counts == whole.counts
