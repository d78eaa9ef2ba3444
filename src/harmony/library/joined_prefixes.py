"""Hebrew and Arabic join short words to the word after them: "the", "and", "in", "to" are a letter or two at
its front ("המלך" is "the king", "ומלך" "and a king"; "الحب" is "the love"). A DJ types the word itself, and a
search by word starts would miss every title where it has such a front.

:func:`word_forms` gives the word and its joined forms, which the search looks up together. The lists are the
letters written before a word in unvocalised text, alone and in the pairs seen in titles ("ו" + "ה", "ש" + "ב");
a longer chain is rare enough to be left to the search's inside-word fallback."""

from __future__ import annotations

import re

#: Hebrew: ה (the), ו (and), ב (in), כ (as), ל (to), מ (from), ש (that), and their usual pairs.
HEBREW_PREFIXES: tuple[str, ...] = (
    "ה", "ו", "ב", "כ", "ל", "מ", "ש",
    "וה", "וב", "וכ", "ול", "ומ", "וש", "שה", "שב", "של", "שמ", "מה", "כש", "מש",
)  # fmt: skip
#: Arabic: ال (the), و (and), ف (so), ب (with), ل (to), ك (as), and the article behind each of them.
ARABIC_PREFIXES: tuple[str, ...] = ("ال", "و", "ف", "ب", "ل", "ك", "وال", "فال", "بال", "كال", "لل")

#: The shortest word given joined forms, by language. A shorter Hebrew word with a front is too often another
#: word ("ים", sea, behind מ is "מים", water); Arabic's article is itself two letters, and joined to a two-letter
#: word it makes a title's word ("الحب", the love). A single letter never: with 20 fronts it would find half a
#: collection.
HEBREW_SHORTEST = 3
ARABIC_SHORTEST = 2

_HEBREW_WORD = re.compile(r"[\u05d0-\u05ea]+")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")


def word_forms(word: str) -> tuple[str, ...]:
    """``word`` first, then each joined form of it when it is a Hebrew or an Arabic word long enough (see
    ``HEBREW_SHORTEST``); only ``word`` else."""
    if _HEBREW_WORD.fullmatch(word) and len(word) >= HEBREW_SHORTEST:
        prefixes = HEBREW_PREFIXES
    elif _ARABIC_WORD.fullmatch(word) and len(word) >= ARABIC_SHORTEST:
        prefixes = ARABIC_PREFIXES
    else:
        return (word,)
    return (word, *(prefix + word for prefix in prefixes))
