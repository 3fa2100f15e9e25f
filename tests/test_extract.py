"""`estimates extract` (issue 19): claims drafted from an article's text, every other
number mention listed with its reason, and a draft that validates and reconciles as it is."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from estimates import parse
from estimates.cli import main
from estimates.errors import ArticleError, ParseError, UsageError
from estimates.extract import DRAFT_COLUMNS, REASONS, extract, read_article
from estimates.extract.dates import date_cues
from estimates.extract.mentions import read_mentions
from estimates.extract.sentences import split_sentences
from estimates.lexicon import Lexicon

ARTICLES = Path(__file__).parent / "articles"
PUBLISHED = "2024-10-24"  # a Thursday


def only_claim(sentence: str, **options: str) -> pd.Series:
    draft = extract(sentence, published=options.pop("published", PUBLISHED), **options)
    assert len(draft) == 1, draft[["value", "note"]].to_string()
    return draft.iloc[0]


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return code, out, err


# --- every wording family the parser reads, inside a sentence -------------------------------

FAMILIES = [
    ("a bare number with grouping", "1,354 soldiers"),
    ("a number in words", "eleven thousand soldiers"),
    ("a decimal with a multiplier", "1.2 million people"),
    ("a suffix multiplier", "12k troops"),
    ("a dozen", "a dozen tanks"),
    ("an approximator", "approximately 3,000 soldiers"),
    ("some", "some 3000-10000 North Korean soldiers"),
    ("nearly", "nearly 5,000 casualties"),
    ("over", "over 10,000 troops"),
    ("more than", "more than 13,000 shipping containers"),
    ("at least", "at least 1,500 North Korean special operations soldiers"),
    ("N+", "5,000+ casualties"),
    ("or more", "5,000 casualties or more"),
    ("up to", "up to 40 drones"),
    ("as high as", "as high as 700,000 men"),
    ("fewer than", "fewer than 200 fighters"),
    ("a hyphen range", "3,000-4,000 troops"),
    ("an en dash range", "3,000–4,000 troops"),
    ("a range with to", "300 to 350 drones"),
    ("between ... and", "between 3,000 and 4,000 troops"),
    ("from ... to", "from 3,000 to 4,000 troops"),
    ("plus or minus", "5,000 ± 500 troops"),
    ("a vague amount", "dozens of casualties"),
    ("a vague amount with a multiplier", "tens of thousands of troops"),
    ("several thousand", "several thousand troops"),
    ("a fraction", "approximately a third of the casualties"),
    ("half", "half of the troops"),
    ("two-thirds", "two-thirds of the soldiers"),
    ("a percentage", "40% of the troops"),
    ("a rate", "1,354 soldiers per day"),
    ("a day", "300 drones a day"),
    ("daily", "over 1,000 troops lost on a daily basis"),
    ("a filler", "an average of 1,354 Russian fighters killed or wounded per day"),
    ("a total", "a total of 41,980 casualties"),
]


@pytest.mark.parametrize("family, phrase", FAMILIES, ids=[f for f, _ in FAMILIES])
def test_every_wording_family_is_drafted_from_a_sentence(family: str, phrase: str) -> None:
    row = only_claim(f"Officials said on Monday that {phrase} were reported near the front.")
    reading = parse(phrase)
    assert row["value"] == phrase
    drafted = parse(row["value"])
    assert (drafted.low, drafted.high, drafted.low_open) == (reading.low, reading.high, reading.low_open)
    assert row["unit"] == ("" if str(reading.unit) == "dimensionless" else str(reading.unit))


def _lexicon_phrases() -> list[tuple[str, str]]:
    hedges = Lexicon.default().data["hedges"]
    before = [(name, f"{p} 1,200 soldiers") for name, h in hedges.items() for p in h.get("before", ())]
    after = [(name, f"1,200 soldiers {p}" if p[0].isalpha() else f"1,200{p} soldiers")
             for name, h in hedges.items() for p in h.get("after", ())]
    return before + after


@pytest.mark.parametrize("rule, phrase", _lexicon_phrases())
def test_every_hedge_of_the_lexicon_is_kept_in_the_value(rule: str, phrase: str) -> None:
    row = only_claim(f"The ministry said {phrase} were killed in the fighting.")
    assert row["value"] == phrase
    assert parse(row["value"]).hedge == rule


def _lexicon_tables() -> list[tuple[str, str]]:
    data = Lexicon.default().data
    phrases = [("rate", f"1,200 soldiers {p}") for p in data["rates"]]
    phrases += [("vague", f"{p} soldiers") for p, e in data["vague"].items() if e["high"] > 10]
    phrases += [("range", f"3,000 {p} 4,000 soldiers" if p.isalpha() else f"3,000{p}4,000 soldiers")
                for p in data["ranges"]["separators"]]
    phrases += [("enclosing", p.replace("...", "3,000") + " 4,000 soldiers")
                for p in data["ranges"]["enclosing"]]
    phrases += [("plus_minus", f"5,000 {p} 500 soldiers") for p in data["ranges"]["plus_minus"]]
    phrases += [("filler", f"{p} 1,354 soldiers") for p in data["fillers"]["before"] if p != "the"]
    phrases += [("multiplier", f"1.5 {p} soldiers") for p in data["multipliers"] if len(p) > 2]
    phrases += [("fraction", f"a {p} of the soldiers") for p in data["fractions"]
                if not p.endswith("s") and p != "half"]
    phrases += [("percent", f"40 {p} of the soldiers") for p in data["numbers"]["percent"]]
    return phrases


@pytest.mark.parametrize("table, phrase", _lexicon_tables())
def test_every_phrase_of_the_lexicon_tables_is_drafted_whole(table: str, phrase: str) -> None:
    row = only_claim(f"The ministry said {phrase} were reported on the front.")
    assert row["value"] == phrase
    reading, drafted = parse(phrase), parse(row["value"])
    assert (drafted.low, drafted.high, str(drafted.unit)) == (reading.low, reading.high,
                                                               str(reading.unit))


# --- what is not a claim --------------------------------------------------------------------

NOT_CLAIMS = [
    ("date", "The strike on 15 November 2024 killed 40 people.", "15 November 2024"),
    ("date", "The strike on Oct 24 2024 killed 40 people.", "Oct 24 2024"),
    ("year", "In 2012, a strike killed 40 people.", "2012"),
    ("time", "The strike at 1:30 PM killed 40 people.", "1:30 PM"),
    ("ordinal", "The 11th Corps lost 40 people.", "11th"),
    ("designation", "A KN-23 missile killed 40 people.", "KN-23"),
    ("designation", "Its 155mm shells killed 40 people.", "155mm"),
    ("duration", "After three decades of war, a strike killed 40 people.", "three"),
    ("duration", "A 12-year-old girl was among 40 people hurt.", "12"),
    ("distance", "A strike 30 km from the border killed 40 people.", "30"),
    ("place_count", "Strikes on 12 villages killed 40 people.", "12"),
    ("name", "Under Article 5 of the treaty, a strike that killed 40 people is an attack.", "5"),
    ("reference", "The two leaders said a strike killed 40 people.", "two"),
    ("vague_small", "Several soldiers said a strike killed 40 people.", "Several soldiers"),
    ("no_noun", "One hears that a strike killed 40 people.", "One"),
    ("ordinal", "Under Newton's third law, a strike killed 40 people.", "third"),
]


@pytest.mark.parametrize("reason, sentence, text", NOT_CLAIMS, ids=[f"{r}:{t}" for r, _, t in NOT_CLAIMS])
def test_a_number_that_is_no_claim_is_listed_with_its_reason(reason: str, sentence: str,
                                                            text: str) -> None:
    found = read_article(sentence, published=PUBLISHED)
    assert found.draft["value"].tolist() == ["40 people"]
    rejected = found.rejected
    assert rejected[["text", "reason"]].values.tolist() == [[text, reason]]
    assert reason in REASONS
    row = rejected.iloc[0]
    assert sentence[row["column"] - 1:].startswith(text)  # column is 1-based in the line


def test_numbers_on_page_furniture_are_boilerplate_but_a_headline_is_read() -> None:
    text = "12 killed in Kyiv strike\n\n3 comments\n\nPage 2\n\nOfficials said 12 people were killed."
    found = read_article(text, published=PUBLISHED)
    assert found.draft["value"].tolist() == ["12 killed", "12 people"]
    rejected = found.rejected[["text", "reason"]].values.tolist()
    assert [[text.split()[0], reason] for text, reason in rejected] == [["3", "boilerplate"],
                                                                        ["2", "boilerplate"]]


def test_every_number_of_an_article_is_drafted_or_rejected() -> None:
    text = (ARTICLES / "kharkiv_drones.txt").read_text(encoding="utf-8")
    found = read_article(text, published="2024-06-09")
    drafted = dict(zip(found.draft["value"], found.draft["unit"], strict=True))
    assert drafted["At least three people"] == "person"
    assert drafted["more than 4,600 Shahed drones"] == "drone"
    assert drafted["300 to 350 attack drones a week"] == "drone / week"
    assert found.rejected[["text", "reason"]].values.tolist() == [
        ["9 June 2024", "date"], ["Shahed-136", "designation"], ["Kh-101", "designation"],
        ["four", "reference"], ["30", "distance"], ["12", "duration"], ["11th", "ordinal"],
        ["1:30 a.m.", "time"], ["five", "no_noun"], ["four", "duration"], ["14", "place_count"],
        ["February 2022", "date"], ["half", "ordinal"], ["1,000", "distance"],
        ["seven", "no_noun"], ["seven", "no_noun"]]


# --- values, units, notes -------------------------------------------------------------------

def test_the_value_is_the_shortest_span_with_hedge_noun_and_rate() -> None:
    row = only_claim("John Healey told the Telegraph that the Russian military lost “an average of "
                     "1,354 Russian fighters killed or wounded per day” during the month.")
    assert row["value"] == "an average of 1,354 Russian fighters killed or wounded per day"
    assert row["unit"] == "person / day"
    assert row["quantity"] == "russian.fighters_killed_wounded"


def _reads(phrase: str) -> bool:
    try:
        parse(phrase)
    except ParseError:
        return False
    return True


def test_a_noun_the_parser_refuses_keeps_the_number_and_says_so() -> None:
    row = only_claim("Officials said 13,000 workers were evacuated.")
    if _reads("13,000 workers"):  # a parser with an open noun vocabulary reads it all
        assert (row["value"], row["unit"]) == ("13,000 workers", str(parse("13,000 workers").unit))
        assert "noun outside the lexicon" not in row["note"]
    else:
        assert (row["value"], row["unit"]) == ("13,000", "")
        assert "noun outside the lexicon: workers" in row["note"]
    assert row["quantity"] == "workers"


def test_a_noun_the_lexicon_learns_is_read_into_the_value_and_unit(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lexicon = Lexicon.default().extend({"units": {"nouns": {"workers": "person"}}})
    draft = extract("Officials said 13,000 workers were evacuated.", published=PUBLISHED,
                    lexicon=lexicon)
    assert draft[["value", "unit", "note"]].values.tolist() == [["13,000 workers", "person",
                                                                 "date from publication"]]
    toml = tmp_path / "lexicon.toml"
    toml.write_text('[units.nouns]\nworkers = "person"\n', encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("Officials said 13,000 workers were evacuated.", encoding="utf-8")
    code, out, _ = run(capsys, "extract", article, "--published", PUBLISHED, "--lexicon", toml)
    assert code == 0 and '"13,000 workers",person' in out


def test_estimates_extract_is_the_function_at_the_top_level() -> None:
    import estimates

    assert estimates.extract("About 300 troops left.", published=PUBLISHED)["value"].tolist() == [
        "About 300 troops"]


def test_a_noun_after_a_closing_quote_gives_the_unit() -> None:
    row = only_claim("Kirby said the US assesses that “at least 3,000” North Korean troops have travelled.")
    assert (row["value"], row["unit"]) == ("at least 3,000", "person")
    assert "unit past a quotation mark" in row["note"]


def test_a_bare_number_takes_the_counted_noun_of_its_sentence() -> None:
    row = only_claim("Radakin said the Russian losses in the war could touch as high as 700,000.")
    assert (row["value"], row["unit"]) == ("as high as 700,000", "person")
    assert "unit from the sentence: losses" in row["note"]


def test_totals_up_to_is_a_sum_not_a_bound_issue_19() -> None:
    draft = extract("Russia lost 1,354 soldiers per day in October 2024. This totals up to 41,980 "
                    "in one month.", published="2024-11-15", author="A. Writer")
    row = draft.iloc[1]
    assert row["value"] == "41,980"
    assert parse(row["value"]).hedge is None  # read as written, not "up to"
    assert "idiom risk" in row["note"]
    assert row["unit"] == "person"  # from the sentence before ("This totals ...")
    assert (row["as_of"], row["period"]) == ("2024-10-31", "2024-10")
    found = read_article("This totals up to 41,980 in one month.", published="2024-11-15")
    assert found.rejected[["text", "reason"]].values.tolist() == [["one", "duration"]]


def test_money_is_drafted_with_a_note_where_the_parser_does_not_read_the_currency() -> None:
    row = only_claim("The Pentagon said it would send a further $1.7 billion in military aid.")
    if _reads("$1.7 billion"):
        assert row["value"] == "$1.7 billion"
        assert "currency not read" not in row["note"]
    else:
        assert row["value"] == "1.7 billion"
        assert "money, currency not read" in row["note"]


def test_a_hedge_before_a_currency_sign_is_kept() -> None:
    row = only_claim("Austin said American aid had reached more than $51 billion.")
    assert parse(row["value"]).low_open
    if _reads("more than $51 billion"):
        assert row["value"] == "more than $51 billion"
    else:
        assert row["value"] == "more than 51 billion"
        assert "currency sign left out of the value: $" in row["note"]


def test_a_small_number_word_before_a_noun_is_drafted_but_one_alone_is_not() -> None:
    row = only_claim("Two peacekeepers were also wounded, the mission said.")
    if _reads("Two peacekeepers"):
        assert row["value"] == "Two peacekeepers"
    else:
        assert row["value"] == "Two"
        assert "noun outside the lexicon: peacekeepers" in row["note"]
    found = read_article("Almost one in four schools closed, and three times as many shut.",
                         published=PUBLISHED)
    if not _reads("one in four"):
        assert found.draft.empty
        assert found.rejected["reason"].tolist() == ["no_noun", "unreadable", "no_noun"]


def test_a_headline_that_repeats_the_body_is_flagged_as_a_restatement() -> None:
    text = ("US confirms 3,000 North Korean soldiers in Russia\n\n"
            "The United States has confirmed that 3,000 North Korean soldiers are in Russia.")
    draft = extract(text, published=PUBLISHED)
    assert "restatement: same figure as line 3" in draft.loc[0, "note"]
    assert "restatement" not in draft.loc[1, "note"]


def test_estimative_words_of_the_sentence_fill_confidence() -> None:
    row = only_claim("The ministry assessed that the forces had highly likely sustained over 5,000 "
                     "casualties.")
    assert row["confidence"] == "highly likely"


# --- dates ------------------------------------------------------------------------------------

DATES = [
    ("Officials said on 15 November 2024 that 300 troops were killed.", "2024-11-15", ""),
    ("Since August 2023, the army has sent more than 13,000 containers.", PUBLISHED,
     f"2023-08-01/{PUBLISHED}"),
    ("The losses were 712,610 men between 24 February 2022 and 15 November 2024.", "2024-11-15",
     "2022-02-24/2024-11-15"),
    ("In September 2024 the army lost 1,354 soldiers per day.", "2024-09-30", "2024-09"),
    ("In October 2024 the army lost 1,354 soldiers per day.", PUBLISHED, f"2024-10-01/{PUBLISHED}"),
    ("In September 2024 the army lost 30,000 soldiers.", "2024-09-30", "2024-09"),
    ("In September 2024 the army had 30,000 soldiers in Kursk.", "2024-09", ""),
    ("The strike in May killed 12 soldiers.", "2024-05-31", "2024-05"),
    ("Since fighting broke out in April 2023, 300 soldiers were killed.", PUBLISHED,
     f"2023-04-01/{PUBLISHED}"),
    ("More than 10,000 troops were deployed last year, AFP reported on Monday.", "2023", ""),
    ("Officials said on Wednesday that 3,000 soldiers are in Russia.", "2024-10-23", ""),
    ("As of March 2024, the forces had sustained over 5,000 casualties.", "2024-03", ""),
]


@pytest.mark.parametrize("sentence, as_of, period", DATES)
def test_dates_come_from_the_sentence_relative_to_publication(sentence: str, as_of: str,
                                                               period: str) -> None:
    row = only_claim(sentence)
    assert (row["as_of"], row["period"]) == (as_of, period)
    assert "date from publication" not in row["note"] or as_of == PUBLISHED


def test_a_sentence_without_a_date_takes_the_publication_date_and_says_so() -> None:
    row = only_claim("About 70 shipments reached the port.")
    assert row["as_of"] == PUBLISHED
    assert "date from publication" in row["note"]


def test_the_month_named_earlier_dates_during_the_month() -> None:
    draft = extract("October 2024 was the worst month. The army lost 1,354 soldiers per day "
                    "during the month.", published="2024-11-15")
    assert (draft.loc[0, "as_of"], draft.loc[0, "period"]) == ("2024-10-31", "2024-10")


def test_a_weekday_is_the_latest_one_on_or_before_publication() -> None:
    published = dt.date(2024, 10, 24)
    assert [c.as_of for c in date_cues("It happened on Thursday.", published)] == ["2024-10-24"]
    assert [c.as_of for c in date_cues("It happened on Friday.", published)] == ["2024-10-18"]


def test_the_dateline_gives_the_publication_date_when_none_is_given() -> None:
    draft = extract("Troops arrive\n\nFirst Published: Oct 24 2024 | 1:30 PM IST\n\n"
                    "About 3,000 soldiers arrived.")
    assert draft.loc[0, "published"] == "2024-10-24"
    assert "publication date from the text" in draft.loc[0, "note"]


def test_without_any_publication_date_the_article_is_refused() -> None:
    with pytest.raises(UsageError, match="no publication date"):
        extract("About 3,000 soldiers arrived.")


# --- claimants --------------------------------------------------------------------------------

CLAIMANTS = [
    ("Over 5,000 troops were killed, according to Western reports.", "Western reports"),
    ("The ministry said 300 troops were killed.", "The ministry"),
    ("John Healey, the defence minister, told the Telegraph that 300 troops were killed.",
     "John Healey, the defence minister"),
    ("Analysts estimated that 300 troops were killed.", "Analysts"),
    ("“About 300 troops were killed,” the governor said.", "the governor"),
    ("At the White House, Kirby confirmed that the US assesses that 300 troops left.", "Kirby"),
]


@pytest.mark.parametrize("sentence, claimant", CLAIMANTS)
def test_the_claimant_comes_from_the_sentence(sentence: str, claimant: str) -> None:
    assert only_claim(sentence, author="A. Writer")["claimant"] == claimant


def test_with_no_claimant_in_the_sentence_the_author_stands_in_and_it_is_noted() -> None:
    row = only_claim("About 300 troops were killed.", author="A. Writer")
    assert row["claimant"] == "A. Writer"
    assert "claimant from byline" in row["note"]
    assert "no claimant" in only_claim("About 300 troops were killed.")["note"]


def test_a_passive_verb_names_no_claimant() -> None:
    row = only_claim("The overall losses are estimated to be 712,610 men.", author="A. Writer")
    assert row["claimant"] == "A. Writer"


# --- the draft as a claims file -------------------------------------------------------------

def test_the_draft_has_the_claims_columns_and_totals_are_cumulative() -> None:
    draft = extract("Since August 2023, the army has sent more than 13,000 containers. "
                    "It also sent 70 shipments.", published=PUBLISHED, document="a.txt")
    assert tuple(draft.columns) == DRAFT_COLUMNS
    assert draft["id"].tolist() == ["a-001", "a-002"]
    assert draft.loc[0, "kind"] == "cumulative"


def test_the_draft_of_every_test_article_validates_and_reconciles_as_it_stands(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    articles = sorted(ARTICLES.glob("*.txt"))
    draft, rejected = tmp_path / "draft.csv", tmp_path / "rejected.csv"
    code, _, err = run(capsys, "extract", *articles, "--published", "2024-06-01", "--author",
                       "Staff", "-o", draft, "--rejected", rejected)
    assert code == 0, err
    assert "claims drafted" in err
    assert run(capsys, "validate", draft)[0] == 0
    code, _, err = run(capsys, "reconcile", draft, "--format", "json")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(draft.read_text(encoding="utf-8"))))
    assert len(rows) > 60 and len({r["id"] for r in rows}) == len(rows)
    assert {r["document"] for r in rows} == {a.name for a in articles}
    left_out = pd.read_csv(rejected, keep_default_na=False)
    assert set(left_out["reason"]) <= set(REASONS)
    assert (left_out["line"] >= 1).all()


def test_extract_writes_the_draft_to_stdout_without_o(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("About 3,000 soldiers arrived, officials said.", encoding="utf-8")
    code, out, _ = run(capsys, "extract", article, "--published", PUBLISHED)
    assert code == 0
    assert out.splitlines()[0] == ",".join(DRAFT_COLUMNS)
    assert "About 3,000 soldiers" in out


def test_an_article_with_no_claim_gives_a_header_and_a_warning(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "a.txt"
    article.write_text("No figures today.", encoding="utf-8")
    code, out, err = run(capsys, "extract", article, "--published", PUBLISHED)
    assert code == 0
    assert out == ",".join(DRAFT_COLUMNS) + "\r\n"
    assert "warning: no claim was drafted" in err


def test_the_draft_of_the_annotated_articles_finds_nine_in_ten_claims() -> None:
    from benchmarks.bench_extract import _articles, _rows, draft, score

    gold = _rows(ARTICLES / "claims.csv")
    meta = {r["document"]: r for r in _rows(ARTICLES / "articles.csv")}
    result = score(draft(_articles(ARTICLES, gold, meta)), gold)
    assert result["found"] / result["claims"] >= 0.9
    assert result["precision"] >= 0.85


# --- bad input --------------------------------------------------------------------------------

def test_each_unreadable_article_is_named_and_the_exit_code_is_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.txt"
    good.write_text("About 3,000 soldiers arrived.", encoding="utf-8")
    binary = tmp_path / "latin1.txt"
    binary.write_bytes("Caf\xe9: 300 soldiers".encode("latin-1"))
    draft = tmp_path / "draft.csv"
    code, _, err = run(capsys, "extract", good, tmp_path / "missing.txt", binary,
                         "--published", PUBLISHED, "-o", draft)
    assert code == 2
    assert f"{tmp_path / 'missing.txt'}: cannot read" in err
    assert f"{binary}: is not UTF-8 text (byte 4 is 0xe9)" in err
    assert "2 articles could not be read" in err
    assert not draft.exists()  # nothing written when an input is bad


def test_an_article_without_a_date_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "undated.txt"
    article.write_text("About 3,000 soldiers arrived.", encoding="utf-8")
    code, _, err = run(capsys, "extract", article)
    assert code == 2
    assert f"{article}: no publication date" in err


def test_a_bad_published_date_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "a.txt"
    article.write_text("About 3,000 soldiers arrived.", encoding="utf-8")
    code, _, err = run(capsys, "extract", article, "--published", "24/10/2024")
    assert code == 2
    assert "'24/10/2024' is not a date (YYYY-MM-DD)" in err


def test_extract_refuses_to_overwrite_an_article(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "a.txt"
    article.write_text("About 3,000 soldiers arrived.", encoding="utf-8")
    for option in ("-o", "--rejected"):
        code, _, err = run(capsys, "extract", article, "--published", PUBLISHED, option, article)
        assert code == 2
        assert "refusing to overwrite" in err
    assert article.read_text(encoding="utf-8") == "About 3,000 soldiers arrived."


# --- HTML -------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html><head><title>Drones hit Kharkiv</title>
<meta name="author" content="Jane Doe"><meta property="article:published_time" content="2024-05-03">
</head><body><nav>Home | World | 24 hours</nav><article><h1>Drones hit Kharkiv</h1>
<p>At least 12 people were killed on Friday, officials said.</p>
<p>More than 40 drones were launched overnight, the air force said.</p></article>
<footer>Copyright 2024. 3 comments</footer></body></html>"""


def test_an_html_page_is_read_for_its_main_text_and_metadata(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    draft = tmp_path / "draft.csv"
    code, _, err = run(capsys, "extract", page, "-o", draft)
    assert code == 0, err
    rows = list(csv.DictReader(draft.open(encoding="utf-8")))
    assert [r["value"] for r in rows] == ["At least 12 people", "More than 40 drones"]
    assert {r["published"] for r in rows} == {"2024-05-03"}
    assert rows[0]["as_of"] == "2024-05-03"  # "on Friday" before a Friday publication
    assert rows[0]["claimant"] == "officials"


def test_an_html_page_with_no_text_is_an_article_error(tmp_path: Path) -> None:
    from estimates.extract.source import load_articles

    page = tmp_path / "empty.html"
    page.write_text("<html><body></body></html>", encoding="utf-8")
    with pytest.raises(ArticleError, match=r"empty\.html: no main text"):
        load_articles([page])


# --- nothing is dropped silently --------------------------------------------------------------

PIECES = ["Officials said", "more than", "about", "1,354", "3000-10000", "eleven thousand",
          "soldiers", "North Korean troops", "per day", "on 15 November 2024", "in 2012",
          "KN-23", "155mm", "the 11th Corps", "at 1:30 PM", "three decades", "30 km",
          "12 villages", "Article 5", "the two leaders", "several", "one", "a third of",
          "$1.7 billion", "workers", "“at least 3,000”", "dozens of", "40%", "and", ",",
          "since August 2023", "up to", "This totals up to", "half", "1,5", "2.0", "F-16"]


@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12))
def test_every_digit_lies_in_a_claim_or_a_rejected_mention(pieces: list[str]) -> None:
    sentence = " ".join(pieces) + "."
    mentions = read_mentions(sentence, Lexicon.default())
    for digit in (i for i, c in enumerate(sentence) if c.isdigit()):
        assert any(m.start <= digit < m.end for m in mentions), (sentence, digit, mentions)
    for mention in mentions:
        assert mention.reason is None or mention.reason in REASONS
        if mention.reason is None:
            parse(mention.text)  # a drafted value is always one the parser reads
            if not any(n.startswith("currency sign left out") for n in mention.notes):
                assert sentence[mention.start:mention.end] == mention.text


def test_sentences_keep_their_exact_text_and_do_not_end_at_abbreviations() -> None:
    text = ("Troops arrive in Kursk\n\nGen. Smith said U.S. officials, led by John F. Kirby, "
            "counted c. 3,000 troops. “It is a big step.” The UN said so!\nDr. Lee agreed.")
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Troops arrive in Kursk",
        "Gen. Smith said U.S. officials, led by John F. Kirby, counted c. 3,000 troops.",
        "“It is a big step.”", "The UN said so!", "Dr. Lee agreed."]
    assert [s.headline for s in sentences] == [True, False, False, False, False]
    assert [s.line for s in sentences] == [1, 3, 3, 3, 4]
    assert all(text[s.start:s.end] == s.text for s in sentences)


def test_every_note_flag_of_the_drafts_is_documented_in_notes() -> None:
    from estimates.extract import NOTES

    flags = set()
    for path in sorted(ARTICLES.glob("*.txt")):
        draft = extract(path.read_text(encoding="utf-8"), author="Staff", published="2024-06-01")
        for note in draft["note"]:
            flags |= {flag.split(":")[0] for flag in note.split("; ") if flag}
    assert flags, "the test articles raise some flags"
    assert flags <= set(NOTES), flags - set(NOTES)
