"""Hypothesis strategies for the parser: numbers as reports write them, and noise."""

from __future__ import annotations

from hypothesis import strategies as st

from estimates import Lexicon
from estimates.lexicon import phrase_words

#: whole numbers of the sizes reports hold
counts = st.integers(min_value=1, max_value=10**12)

#: the group marks the default lexicon reads, spaces of every kind included
group_marks = st.sampled_from([",", " ", "\u00a0", "\u2009", "\u202f"])


def grouped(number: int, mark: str) -> str:
    """`number` written with `mark` between groups of three digits: 1234567 → 1,234,567."""
    return f"{number:,}".replace(",", mark)


@st.composite
def written_counts(draw: st.DrawFn) -> tuple[int, str]:
    """A count and how a report may write it: plain digits or grouped with any mark."""
    number = draw(counts)
    if draw(st.booleans()):
        return number, str(number)
    return number, grouped(number, draw(group_marks))


@st.composite
def written_decimals(draw: st.DrawFn) -> tuple[int, int, str]:
    """(whole, hundredths, text) of a number with two decimals and grouped thousands."""
    whole = draw(st.integers(min_value=0, max_value=10**9))
    hundredths = draw(st.integers(min_value=0, max_value=99))
    return whole, hundredths, f"{grouped(whole, draw(group_marks))}.{hundredths:02d}"


def _lexicon_words() -> list[str]:
    data = Lexicon.default().data
    words: set[str] = set()

    def add(phrases: object) -> None:
        for phrase in phrases:  # type: ignore[attr-defined]
            words.update(phrase_words(phrase.replace("...", " ")))

    for hedge in data["hedges"].values():
        add(hedge.get("before", ()))
        add(hedge.get("after", ()))
    for section in ("multipliers", "fractions", "vague", "rates"):
        add(data[section])
    add(data["numbers"]["words"])
    add(data["units"]["nouns"])
    add(data["ranges"]["separators"])
    add(data["ranges"]["enclosing"])
    add(data["ranges"]["plus_minus"])
    add(data["fillers"]["before"])
    return sorted(words)


#: pieces text is made of: lexicon words, digits with separators, marks, odd characters
pieces = st.one_of(
    st.sampled_from(_lexicon_words()),
    st.from_regex(r"[0-9]{1,4}([,. \u00a0][0-9]{1,4}){0,3}", fullmatch=True),
    st.sampled_from(list("+-–—±%/~<>=.,;:()'\"“”\t\n ")),
    st.text(max_size=3),
)

#: text that looks like a report's wording, or nearly, or not at all
wordings = st.one_of(
    st.lists(pieces, max_size=8).map(" ".join),
    st.lists(pieces, max_size=8).map("".join),
    st.text(),
)


def _hedge_phrases(place: str) -> list[str]:
    hedges = Lexicon.default().data["hedges"]
    return sorted(phrase for hedge in hedges.values() for phrase in hedge.get(place, ()))


@st.composite
def number_wordings(draw: st.DrawFn) -> str:
    """How reports word one number or a range: hedges, counts grouped or not, a rate, a noun."""
    data = Lexicon.default().data
    space = st.sampled_from(["", " ", "  ", "\t"])
    text = draw(st.sampled_from(["", *_hedge_phrases("before")]))
    text += draw(space) if text else ""
    _, first = draw(written_counts()) if draw(st.booleans()) else (0, draw(st.sampled_from(
        ["0", "7", "10", "3,000", "00", "0100", "1,000,000", "999999999999999"])))
    text += first
    if draw(st.booleans()):
        text += draw(space) + draw(st.sampled_from(data["ranges"]["separators"])) + draw(space)
        text += draw(written_counts())[1]
    if draw(st.booleans()):
        text += draw(space) + draw(st.sampled_from(_hedge_phrases("after")))
    if draw(st.booleans()):
        text += " " + draw(st.sampled_from(sorted(data["units"]["nouns"])))
    if draw(st.booleans()):
        text += " " + draw(st.sampled_from(sorted(data["rates"])))
    return text.upper() if draw(st.integers(0, 9)) == 0 else text
