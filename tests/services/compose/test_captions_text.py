"""Caption text and cue building without rendering: cleaning, escaping, word timing, grouping, the .srt."""

import pytest

from services.compose.caption_style import caption_layout
from services.compose.caption_text import ass_literal, clean_caption_text, srt_literal
from services.compose.captions import Cue, write_ass, write_srt
from services.compose.shorts import group_words, sentence_words
from services.models import SentenceSpan, WordSpan
from services.narration.words import caption_words, spread, syllables

EMOJI_TEXT = "Hello ❤️ world 👍🏽 🇺🇦 👨‍👩‍👧 ⭐ 1\u20e3 \U000e0067 to\u200dday \u202eagain\u202c"


def test_emoji_joiners_selectors_and_bidi_controls_are_removed() -> None:
    assert clean_caption_text(EMOJI_TEXT) == "Hello world 1 to day again"
    assert clean_caption_text("Привет, мир — café, naïve, Ελλάδα") == "Привет, мир — café, naïve, Ελλάδα"
    assert clean_caption_text("a\tb\n\nc \x07d") == "a b c d"


def test_ass_text_escapes_braces_and_backslash_escapes() -> None:
    assert ass_literal(r"""50% \ {x} "q" : 'a'""") == r"""50% \ \{x\} "q" : 'a'"""
    assert ass_literal(r"a\Nb \n \h \{") == "a\\\u2060Nb \\\u2060n \\\u2060h \\\u2060\\{"
    assert ass_literal("two\nlines") == "two lines"


def test_srt_text_has_no_tags_or_override_blocks() -> None:
    text = srt_literal(r"{\an8}Top <b>bold</b> <font color=red>x</font>")
    assert "{\\" not in text and "<b>" not in text and "</b>" not in text and "<font" not in text
    assert text.replace("\u200b", "") == r"{\an8}Top <b>bold</b> <font color=red>x</font>"


def test_srt_file_is_plain_text(tmp_path) -> None:
    path = tmp_path / "c.srt"
    write_srt([Cue(start_s=0, end_s=1.5, text="<i>x</i> {\\b1}y\nz")], path)
    body = path.read_text(encoding="utf-8")
    assert body.startswith("1\n00:00:00,000 --> 00:00:01,500\n") and body.count("\n") == 3
    assert "<i>" not in body and "{\\" not in body


def test_ass_highlights_the_spoken_word_and_narrows_an_overlong_word(tmp_path) -> None:
    path = tmp_path / "c.ass"
    long = "Donaudampfschifffahrtsgesellschaft"
    cues = [
        Cue(start_s=0, end_s=1, text="one {two}", words=["one", "{two}"], highlight=1),
        Cue(start_s=1, end_s=2, text=long),
    ]
    write_ass(cues, path, width=540, height=960, style="shorts")
    events = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("Dialogue:")]
    assert events[0].endswith(r",one {\1c&H0000FFFF&}\{two\}{\1c&H00FFFFFF&}")
    scale = 100 * caption_layout(540, 960, "shorts").line_chars(540) // len(long)
    assert events[1].endswith(rf",{{\fscx{scale}\fscy{scale}}}{long}") and scale < 100


@pytest.mark.parametrize(("word", "count"), [("a", 1), ("rhythm", 1), ("beautiful", 3), ("молоко", 3), ("2024", 4)])
def test_syllables_are_vowel_groups(word, count) -> None:
    assert syllables(word) == count


def test_a_sentence_without_word_spans_is_shared_by_syllables() -> None:
    spans = spread(["I", "understand", "it"], 1.0, 2.0)
    assert [(w.start_s, w.end_s) for w in spans] == [(1.0, 1.2), (1.2, 1.8), (1.8, 2.0)]


def test_word_spans_time_the_written_words_punctuation_kept() -> None:
    words = [WordSpan(text="hello", start_s=0.1, end_s=0.4), WordSpan(text="world", start_s=0.6, end_s=1.0)]
    sentence = SentenceSpan(text="Hello, world! 🌍", start_s=0.0, end_s=1.1, words=words)
    assert [(w.text, w.start_s, w.end_s) for w in sentence_words(sentence)] == [
        ("Hello,", 0.1, 0.4),
        ("world!", 0.6, 1.0),
    ]
    mismatch = sentence.model_copy(update={"text": "Hello there, world!"})
    assert [w.text for w in sentence_words(mismatch)] == ["hello", "world"]  # the voice's own words and times


def test_tokens_keep_a_lone_dash_with_its_word() -> None:
    assert caption_words("Fast — and cheap") == ["Fast —", "and", "cheap"]


def test_groups_hold_one_to_four_words_break_at_commas_and_leave_no_orphan() -> None:
    words = spread("one two three four five, six seven eight nine ten".split(), 0, 5)
    groups = [[w.text for w in g] for g in group_words(words, max_chars=40)]
    assert groups == [["one", "two", "three", "four"], ["five,"], ["six", "seven", "eight"], ["nine", "ten"]]
    narrow = [[w.text for w in g] for g in group_words(words, max_chars=12)]
    assert all(len(" ".join(g)) <= 12 for g in narrow) and sum(map(len, narrow)) == 10
