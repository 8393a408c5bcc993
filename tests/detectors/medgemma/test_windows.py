import itertools

import pytest

from detectors.medgemma.windows import split_windows


def _long_note(words: int) -> str:
    return " ".join(f"word{index}" for index in range(words))


def test_split_windows_short_text_is_one_window() -> None:
    windows = split_windows("Maggie came in.", 200, 20)

    assert len(windows) == 1
    assert windows[0].start == 0
    assert windows[0].text == "Maggie came in."


def test_split_windows_cover_long_text() -> None:
    text = _long_note(2000)

    windows = split_windows(text, 500, 60)

    assert len(windows) > 1
    assert all(len(window.text) <= 500 for window in windows)
    assert all(text[w.start : w.start + len(w.text)] == w.text for w in windows)
    assert windows[0].start == 0
    assert windows[-1].start + len(windows[-1].text) == len(text)
    for previous, current in itertools.pairwise(windows):
        assert current.start < previous.start + len(previous.text)


def test_split_windows_keep_short_words_whole() -> None:
    text = _long_note(2000)
    words = set(text.split())

    windows = split_windows(text, 500, 60)

    for word in words:
        assert any(f" {word} " in f" {window.text} " for window in windows), word


def test_split_windows_without_spaces_cut_at_limit() -> None:
    text = "x" * 1000

    windows = split_windows(text, 300, 50)

    assert [len(window.text) for window in windows][:3] == [300, 300, 300]
    assert windows[1].start == 250


@pytest.mark.parametrize("text", ["", "  \n "], ids=["empty", "whitespace"])
def test_split_windows_blank_text_has_none(text: str) -> None:
    assert split_windows(text, 300, 50) == []


def test_split_windows_rejects_large_overlap() -> None:
    with pytest.raises(ValueError, match="overlap_chars"):
        split_windows("text", 100, 50)
