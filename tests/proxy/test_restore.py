"""Re-identification of whole and streamed responses, including tokens the model altered."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from detectors.errors import RestoreError
from detectors.findings import EntityType
from policies.session import SessionState, VaultEntry
from proxy.restore import (
    IncrementalUtf8Decoder,
    RestoreCounts,
    Restorer,
    RestoreResult,
)
from proxy.vault import SqliteVault, open_vault

MASTER_KEY = bytes(range(32))


def session_with(
    *entries: VaultEntry, tenant: str = "clinic-a", session_id: str = "s1"
) -> SessionState:
    state = SessionState(tenant=tenant, session_id=session_id)
    for entry in entries:
        state.add_entry(entry)
    return state


def token(text: str, original: str, entity_type: EntityType = EntityType.PERSON) -> VaultEntry:
    return VaultEntry(text, original, entity_type, "token")


def surrogate(text: str, original: str, entity_type: EntityType = EntityType.PERSON) -> VaultEntry:
    return VaultEntry(text, original, entity_type, "surrogate")


CLINIC_SESSION = session_with(
    token("[PERSON_1]", "John Smith"),
    token("[PERSON_10]", "Ann Lee"),
    token("[HEALTH_PLAN_ID_1]", "HP-4471", EntityType.HEALTH_PLAN_NUMBER),
    surrogate("Mark Davis", "John Smith"),
    surrogate("Davis", "Smith"),
    VaultEntry("03/01/2024", "02/29/2024", EntityType.DATE, "date_shift"),
    VaultEntry("01/02/2025", "12/31/2024", EntityType.DATE, "date_shift"),
)


def stream_in_chunks(
    restorer: Restorer, text: str, sizes: Sequence[int]
) -> tuple[str, RestoreCounts]:
    """Feed `text` cut into pieces of the given sizes (cycled) and return output and counts."""
    stream = restorer.stream()
    pieces, position, index = [], 0, 0
    while position < len(text):
        size = sizes[index % len(sizes)]
        pieces.append(stream.feed(text[position : position + size]))
        position += size
        index += 1
    pieces.append(stream.finish())
    return "".join(pieces), stream.counts


@pytest.mark.parametrize(
    ("response", "expected", "counts"),
    [
        ("[PERSON_1] is stable.", "John Smith is stable.", RestoreCounts(restored=1)),
        ("[person_1] is stable.", "John Smith is stable.", RestoreCounts(restored=1, altered=1)),
        ("Seen by PERSON_1.", "Seen by John Smith.", RestoreCounts(restored=1, altered=1)),
        ("Seen by person_1.", "Seen by John Smith.", RestoreCounts(restored=1, altered=1)),
        ("Seen by [PERSON 1].", "Seen by John Smith.", RestoreCounts(restored=1, altered=1)),
        ("[PERSON_1]'s chart", "John Smith's chart", RestoreCounts(restored=1)),
        ("[PERSON_1's] chart", "John Smith's chart", RestoreCounts(restored=1, altered=1)),
        (
            "[PERSON_1\u2019s] chart",
            "John Smith\u2019s chart",
            RestoreCounts(restored=1, altered=1),
        ),
        (
            "Seen by [PERSON_1 today",
            "Seen by John Smith today",
            RestoreCounts(restored=1, altered=1),
        ),
        ("[PERSON_10] and [PERSON_1]", "Ann Lee and John Smith", RestoreCounts(restored=2)),
        ("[PERSON_100] called", "[PERSON_100] called", RestoreCounts(unknown=1)),
        ("[PERSON_2] called", "[PERSON_2] called", RestoreCounts(unknown=1)),
        ("[DATE_1] unknown", "[DATE_1] unknown", RestoreCounts(unknown=1)),
        ("PERSON_1x and XPERSON_1", "PERSON_1x and XPERSON_1", RestoreCounts()),
        ("Person 1 is a role", "Person 1 is a role", RestoreCounts()),
        ("[PERSON_1234567]", "[PERSON_1234567]", RestoreCounts()),
        ("plan [health plan id 1]", "plan HP-4471", RestoreCounts(restored=1, altered=1)),
        ("plan HEALTH_PLAN_ID_1.", "plan HP-4471.", RestoreCounts(restored=1, altered=1)),
        ("Mark Davis agreed", "John Smith agreed", RestoreCounts(restored=1)),
        ("Ask Davis; Davis's wife", "Ask Smith; Smith's wife", RestoreCounts(restored=2)),
        ("Davison and MDavis stay", "Davison and MDavis stay", RestoreCounts()),
        ("mark davis stays", "mark davis stays", RestoreCounts()),
        ("leap day 03/01/2024", "leap day 02/29/2024", RestoreCounts(restored=1)),
        ("year end 01/02/2025.", "year end 12/31/2024.", RestoreCounts(restored=1)),
        ("", "", RestoreCounts()),
    ],
    ids=[
        "exact",
        "lower-case",
        "no-brackets",
        "no-brackets-lower-case",
        "space-for-underscore",
        "possessive-after",
        "possessive-inside",
        "curly-possessive-inside",
        "missing-closing-bracket",
        "longer-number-distinct",
        "longer-number-unknown",
        "other-number-unknown",
        "other-label-unknown",
        "inside-longer-word",
        "prose-without-underscore",
        "number-too-long",
        "multi-word-label-spaced",
        "multi-word-label-bare",
        "surrogate-full-name",
        "surrogate-surname-alone",
        "surrogate-inside-word",
        "surrogate-other-case",
        "shifted-leap-day",
        "shifted-year-end",
        "empty",
    ],
)
def test_restore_whole_response(response: str, expected: str, counts: RestoreCounts) -> None:
    result = Restorer(CLINIC_SESSION).restore(response)

    assert result.text == expected
    assert result.counts == counts


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7], ids=lambda size: f"chunks-of-{size}")
def test_stream_matches_whole_response(size: int) -> None:
    response = (
        "[PERSON_1] met [person_10] and Mark Davis; Davis's note on 03/01/2024 cites "
        "[PERSON_2], HEALTH_PLAN_ID_1 and [PERSON 1's] son, then [PERSON_1"
    )
    restorer = Restorer(CLINIC_SESSION)

    whole = restorer.restore(response)
    streamed, counts = stream_in_chunks(restorer, response, [size])

    assert streamed == whole.text
    assert counts == whole.counts


def test_stream_restores_token_split_across_chunks() -> None:
    stream = Restorer(CLINIC_SESSION).stream()

    first = stream.feed("Patient [PERS")
    second = stream.feed("ON_1")
    third = stream.feed("] is stable")
    rest = stream.finish()

    assert first == "Patient "
    assert second == ""
    assert third == "John Smith is stable"
    assert rest == ""


def test_stream_holds_back_only_possible_token() -> None:
    stream = Restorer(CLINIC_SESSION).stream()

    assert stream.feed("The plan is [unrelated] text") == "The plan is [unrelated] text"
    assert stream.feed(" for Mar") == " for "
    assert stream.feed("k Dav") == ""
    assert stream.feed("enport today") == "Mark Davenport today"
    assert stream.feed(" and PERSON_1") == " and "
    assert stream.feed("0") == ""
    assert stream.finish() == "Ann Lee"


def test_stream_never_holds_whole_response() -> None:
    restorer = Restorer(CLINIC_SESSION)
    stream = restorer.stream()
    sentence = "The patient reports mild pain and sleeps well. "

    emitted = "".join(stream.feed(sentence) for _ in range(200))

    assert len(emitted) >= 200 * len(sentence) - 1
    assert emitted + stream.finish() == sentence * 200


def test_stream_rejects_use_after_finish() -> None:
    stream = Restorer(CLINIC_SESSION).stream()
    stream.finish()

    with pytest.raises(RestoreError):
        stream.feed("more")
    with pytest.raises(RestoreError):
        stream.finish()


def test_restore_is_single_pass() -> None:
    # "Davis" stands for "Smith" and "Smith" for "Jones": a second pass would turn the
    # restored "Smith" into "Jones".
    state = session_with(surrogate("Davis", "Smith"), surrogate("Smith", "Jones"))

    result = Restorer(state).restore("Davis and Smith")

    assert result.text == "Smith and Jones"
    assert result.counts == RestoreCounts(restored=2)


def test_restore_original_shaped_like_token() -> None:
    state = session_with(token("[PERSON_1]", "[PERSON_2]"), token("[PERSON_2]", "Eve Stone"))

    assert Restorer(state).restore("[PERSON_1] / [PERSON_2]").text == "[PERSON_2] / Eve Stone"


def test_other_session_tokens_stay(tmp_path: Path) -> None:
    vault: SqliteVault = open_vault(tmp_path / "vault.sqlite3", MASTER_KEY, ttl_seconds=3600)
    with vault.session("clinic-a", "s1") as state:
        state.add_entry(token("[PERSON_1]", "John Smith"))
        state.add_entry(surrogate("Mark Davis", "John Smith"))
    response = "[PERSON_1] and Mark Davis"

    outcomes = {}
    for tenant, session_id in [("clinic-a", "s1"), ("clinic-a", "s2"), ("clinic-b", "s1")]:
        with vault.session(tenant, session_id) as state:
            outcomes[(tenant, session_id)] = Restorer(state).restore(response)
    vault.close()

    assert outcomes[("clinic-a", "s1")].text == "John Smith and John Smith"
    for key in [("clinic-a", "s2"), ("clinic-b", "s1")]:
        assert outcomes[key].text == response
        assert outcomes[key].counts == RestoreCounts(unknown=1)


def test_other_session_original_not_leaked() -> None:
    mine = session_with(token("[PERSON_1]", "Mine Patient"), session_id="mine")
    session_with(token("[PERSON_2]", "Their Patient"), session_id="theirs")

    result = Restorer(mine).restore("[PERSON_1] [PERSON_2]")

    assert result.text == "Mine Patient [PERSON_2]"
    assert "Their" not in result.text


def test_reprs_hide_phi() -> None:
    restorer = Restorer(CLINIC_SESSION)
    stream = restorer.stream()
    stream.feed("[PERSON_1] and Mark")
    result = restorer.restore("[PERSON_1]")

    for text in (repr(restorer), repr(stream), repr(result)):
        assert "John" not in text
        assert "Smith" not in text
        assert "Mark" not in text
    assert repr(result) == (
        "RestoreResult(text=<10 characters>, counts=RestoreCounts(restored=1, unknown=0, altered=0))"
    )
    assert isinstance(result, RestoreResult)


def utf8_pieces(data: bytes, cut: int) -> Iterator[bytes]:
    yield data[:cut]
    yield data[cut:]


def test_utf8_decoder_handles_split_characters() -> None:
    text = "José's MRI: 😀 naïve ✓"
    data = text.encode()

    for cut in range(len(data) + 1):
        decoder = IncrementalUtf8Decoder()
        decoded = "".join(decoder.decode(piece) for piece in utf8_pieces(data, cut))
        assert decoded + decoder.finish() == text, cut


def test_utf8_decoder_feeds_stream_restorer() -> None:
    data = "Über [PERSON_1] ✓".encode()
    decoder = IncrementalUtf8Decoder()
    stream = Restorer(CLINIC_SESSION).stream()

    pieces = [stream.feed(decoder.decode(data[index : index + 1])) for index in range(len(data))]
    pieces.append(stream.feed(decoder.finish()) + stream.finish())

    assert "".join(pieces) == "Über John Smith ✓"


@pytest.mark.parametrize(
    "data",
    [b"ok \xff ok", "cut \u00e9".encode()[:-1]],
    ids=["invalid-byte", "truncated-character"],
)
def test_utf8_decoder_rejects_invalid(data: bytes) -> None:
    decoder = IncrementalUtf8Decoder()

    with pytest.raises(RestoreError, match="not valid UTF-8") as caught:
        decoder.decode(data)
        decoder.finish()
    assert "ok" not in str(caught.value)
    assert "cut" not in str(caught.value)


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("Admitted March 20, 2024.", "Admitted March 14, 2024."),
        ("Admitted 2024-03-20.", "Admitted 2024-03-14."),
        ("Admitted 20 Mar 2024.", "Admitted 14 Mar 2024."),
        ("Admitted 3/20/2024.", "Admitted 3/14/2024."),
        ("Admitted 03/20/2024.", "Admitted 03/14/2024."),
        ("Admitted March 21, 2024.", "Admitted March 21, 2024."),
    ],
    ids=["written", "iso", "day-month", "unpadded", "exact", "other-day-untouched"],
)
def test_rewritten_shifted_date_is_restored(answer, expected):
    state = SessionState(tenant="t", session_id="s")
    state.add_entry(VaultEntry("03/20/2024", "03/14/2024", EntityType.DATE, "date_shift"))

    assert Restorer(state).restore(answer).text == expected
