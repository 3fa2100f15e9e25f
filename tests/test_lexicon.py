"""The lexicon: shipped as data, extended or replaced by users, checked when built."""

from __future__ import annotations

from pathlib import Path

import pytest

from estimates import Lexicon, LexiconError, parse
from estimates.lexicon import lexicon_markdown, lexicon_reference, phrase_words

LEXICON_PAGE = Path(__file__).resolve().parents[1] / "docs" / "lexicon.md"


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_default_lexicon_holds_every_row_of_the_design_table() -> None:
    data = Lexicon.default().data
    before = {p for hedge in data["hedges"].values() for p in hedge.get("before", ())}
    after = {p for hedge in data["hedges"].values() for p in hedge.get("after", ())}
    assert {"about", "approximately", "around", "roughly", "some", "nearly", "almost", "over",
            "more than", "above", "at least", "no fewer than", "up to", "as high as",
            "as many as", "at most", "no more than", "fewer than", "less than",
            "under"} <= before
    assert {"+", "or more"} <= after
    assert {"-", "–", "to"} <= set(data["ranges"]["separators"])
    assert "between ... and" in data["ranges"]["enclosing"]
    assert "±" in data["ranges"]["plus_minus"]
    assert {"dozens", "hundreds", "thousands", "tens", "several", "a few"} <= set(data["vague"])
    assert {"third", "half", "thirds"} <= set(data["fractions"])
    assert {"per day", "a day", "/day", "daily", "on a daily basis", "per month",
            "a week"} <= set(data["rates"])
    nouns = data["units"]["nouns"]
    assert {nouns[n] for n in ("troops", "soldiers", "fighters", "men", "personnel",
                               "casualties", "killed", "wounded")} == {"person"}


def test_default_lexicon_is_read_only_and_equal_to_itself() -> None:
    lexicon = Lexicon.default()
    with pytest.raises(TypeError):
        lexicon.data["vague"]["dozens"] = {"low": 1, "high": 2}  # type: ignore[index]
    assert lexicon == Lexicon.from_dict(lexicon.data) and hash(lexicon) == hash(
        Lexicon.from_dict(lexicon.data))


def test_extend_merges_tables_key_by_key() -> None:
    lexicon = Lexicon.default().extend({"units": {"nouns": {"marines": "person"}},
                                        "hedges": {"approximately": {"widen": 0.2}}})
    assert lexicon.data["units"]["nouns"]["troops"] == "person"
    assert lexicon.data["hedges"]["approximately"]["before"][0] == "about"
    assert parse("about 1,000 marines", lexicon=lexicon).low == 800
    assert lexicon != Lexicon.default()


def test_load_merges_a_user_file_over_the_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, '[vague]\n"a great many" = { low = 100, high = 10000 }\n'
                           '[hedges.way_over]\nrule = "above"\nbefore = ["way over"]\n')
    lexicon = Lexicon.load(path)
    assert lexicon.sources == ("<default>", str(path))
    reading = parse("way over 5,000 troops", lexicon=lexicon)
    assert (reading.low, reading.low_open, reading.hedge) == (5_000, True, "way_over")
    assert parse("a great many", lexicon=lexicon).high == 10_000
    assert parse("about 5", lexicon=lexicon).low == 4.5  # defaults kept


MINIMAL = """
[numbers]
decimal_mark = "."
group_marks = [","]
min_significant_figures = 2
relative_halo = 0.01
[hedges.over]
rule = "above"
before = ["over"]
[units.nouns]
troops = "person"
"""


def test_load_with_replace_uses_the_file_alone(tmp_path: Path) -> None:
    lexicon = Lexicon.load(write(tmp_path, MINIMAL), replace=True)
    assert parse("over 1,000 troops", lexicon=lexicon).low == 1_000
    with pytest.raises(ValueError, match="cannot read"):
        parse("about 1,000 troops", lexicon=lexicon)


@pytest.mark.parametrize(("text", "key", "reason"), [
    ("[colours]\nred = 1\n", "colours", "unknown section"),
    ('[hedges.about]\nrule = "roughly"\nbefore = ["about"]\n', "hedges.about.rule", "must be one of"),
    ('[hedges.approximately]\nwiden = 1.5\n', "hedges.approximately.widen", "below 1"),
    ('[hedges.more]\nrule = "above"\nbefore = ["about"]\n', "hedges.more.before",
     "also hedges.approximately.before"),
    ('[units.nouns]\nwidgets = "wid get"\n', "units.nouns.widgets", "not a unit"),
    ('[units.nouns]\nbars = "bar"\n', "units.nouns.bars", "must be a count"),
    ('[units.nouns]\nstones = "stone_"\n', "units.nouns.stones", "letters and underscores"),
    ('[money]\ncurrencies = ["usd"]\n', "money.currencies[0]", "not a currency code"),
    ('[money.signs]\n"$" = "XXX"\n', "money.signs.$", "not one of money.currencies"),
    ('[numbers.vulgar]\n"½" = "half"\n', "numbers.vulgar.½", "fraction such as"),
    ('[rates]\n"per head" = "person"\n', "rates.per head", "not a unit of time"),
    ('[vague]\nmany = { low = 10 }\n', "vague.many", "low and high"),
    ('[vague]\nmany = { low = 10, high = 5 }\n', "vague.many", "below low"),
    ('[numbers]\ndecimal_mark = "dot"\n', "numbers.decimal_mark", "one punctuation mark"),
    ('[numbers]\ngroup_marks = ["."]\n', "numbers.group_marks", "other than"),
    ('[multipliers]\nlakh = -5\n', "multipliers.lakh", ">= 1"),
    ('[fillers]\nbefore = ["the 3"]\n', "fillers.before[0]", "digits"),
    ('[ranges]\nenclosing = ["between and"]\n', "ranges.enclosing[0]", "between ... and"),
])
def test_bad_lexicon_files_name_the_file_and_key(tmp_path: Path, text: str, key: str,
                                                 reason: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(LexiconError) as caught:
        Lexicon.load(path)
    assert (caught.value.source, caught.value.key) == (str(path), key)
    assert reason in str(caught.value) and str(path) in str(caught.value)


def test_replacing_lexicon_must_say_how_numbers_are_written(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match=r"numbers\.decimal_mark: is missing"):
        Lexicon.load(write(tmp_path, "[units.nouns]\ntroops = 'person'\n"), replace=True)


def test_unreadable_files_are_lexicon_errors(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="not valid TOML"):
        Lexicon.load(write(tmp_path, "[units\n"))
    with pytest.raises(LexiconError, match="cannot be read"):
        Lexicon.load(tmp_path / "absent.toml")
    with pytest.raises(LexiconError, match="must be a table"):
        Lexicon.default().extend(["not", "a", "table"])  # type: ignore[arg-type]


def test_phrases_are_matched_word_by_word() -> None:
    assert phrase_words("Killed-or-Wounded") == ("killed", "or", "wounded")
    assert phrase_words("+/-") == ("+", "/", "-")


def test_lexicon_markdown_lists_every_phrase() -> None:
    table = lexicon_markdown(Lexicon.default())
    data = Lexicon.default().data
    phrases = [p for hedge in data["hedges"].values() for place in ("before", "after")
               for p in hedge.get(place, ())]
    phrases += list(data["units"]["nouns"]) + list(data["rates"]) + list(data["vague"])
    for phrase in phrases:
        assert f"`{phrase}`" in table, phrase
    assert "| vague amount | `dozens` | [24, 100) |" in table
    assert all(line.startswith("| ") and line.endswith(" |") for line in table.splitlines())


def test_lexicon_markdown_follows_an_extension() -> None:
    lexicon = Lexicon.default().extend({"units": {"nouns": {"marines": "person"}}})
    assert "`marines`" in lexicon_markdown(lexicon)
    assert "`marines`" not in lexicon_markdown(Lexicon.default())


def test_docs_lexicon_page_is_generated_from_the_shipped_lexicon() -> None:
    # regenerate with: python -c "from estimates.lexicon import Lexicon, lexicon_reference;
    #   open('docs/lexicon.md', 'w').write(lexicon_reference(Lexicon.default()))"
    assert LEXICON_PAGE.read_text(encoding="utf-8") == lexicon_reference(Lexicon.default())
