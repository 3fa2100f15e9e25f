"""`estimates extract`: how many hand-annotated claims it finds, how many of its rows are
claims, and how fast it drafts typical 800-word articles on one core.

Scores (per set of articles, against a hand-made claims CSV of the same documents):

- found: annotated claims with a drafted row of the same document, the same sentence
  (whitespace aside, or one sentence holding the other) and the same interval (low, high
  and open ends as the parser reads both values); each row matches one claim at most;
- right unit: found claims whose drafted unit is the annotated one (the parser's unit of
  the value where the unit cell is empty);
- precision: drafted rows that match an annotated claim, over all drafted rows (also
  shown with rows flagged as restatements left out);
- dates: found claims with the annotated ``as_of`` exactly, or compatible (one instant
  inside the other: "2024-11" holds "2024-11-12"), and with the annotated ``period``;
- claimants: found claims whose drafted claimant shares a name word with the annotated one.

Sets: the seed articles (a folder given as the first argument) against data/estimates.csv,
and the project's own hand-annotated articles (tests/articles, claims.csv). The publication
date of each article is taken from its annotations (the ``published`` cell), and the author
from tests/articles/articles.csv or, for the seeds, an annotated claimant marked "(author)".

Speed: the articles of each set, their paragraphs repeated to about 800 words, drafted
again and again in this process pinned to one core; articles per second is the median of
--runs runs over --articles articles. The seeds are typical news copy (about 16 number
mentions in 800 words); the own articles are dense on purpose (about 70), so their figure
is a lower bound. Target: at least 200 typical articles per second.

Run: python benchmarks/bench_extract.py SEEDS_FOLDER [--articles 400] [--runs 5]
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import re
import statistics
import sys
import time
from pathlib import Path

from estimates import parse
from estimates.errors import ParseError
from estimates.extract import read_article
from estimates.extract.dates import day_span
from estimates.units import parse_unit

ROOT = Path(__file__).resolve().parent.parent
OWN = ROOT / "tests" / "articles"
STOP = frozenset(["the", "a", "an", "of", "and", "in", "for", "by", "to", "from", "on", "at", "us",
                  "uk", "author", "cited", "not", "named", "text"])


def _norm(text: str) -> str:
    return " ".join(text.split())


def _interval(row: dict[str, str]) -> tuple[float, float, bool, bool] | None:
    if row.get("value"):
        try:
            reading = parse(row["value"])
        except ParseError:
            return None
        return reading.low, reading.high, reading.low_open, reading.high_open
    low = float(row["low"]) if row.get("low") else 0.0
    high = float(row["high"]) if row.get("high") else math.inf
    return low, high, False, math.isinf(high)


def _unit(row: dict[str, str]) -> str:
    if row.get("unit"):
        return str(parse_unit(row["unit"]))
    try:
        return str(parse(row["value"]).unit)
    except (ParseError, KeyError):
        return "dimensionless"


def _compatible(a: str, b: str) -> bool:
    if not a or not b:
        return a == b
    (a0, a1), (b0, b1) = day_span(a), day_span(b)
    return (a0 <= b0 and b1 <= a1) or (b0 <= a0 and a1 <= b1)


def _names(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in STOP and len(w) > 2}


def score(drafted: list[dict[str, str]], gold: list[dict[str, str]]) -> dict[str, float]:
    """The scores above for one set (rows of the draft and of the annotations)."""
    used: set[int] = set()
    found = unit = as_of = compatible = period = claimant = 0
    for claim in gold:
        want = _interval(claim)
        for index, row in enumerate(drafted):
            if index in used or row["document"] != claim["document"]:
                continue
            quote, sentence = _norm(row["quote"]), _norm(claim["quote"])
            if not (quote == sentence or quote in sentence or sentence in quote):
                continue
            if want is None or _interval(row) != want:
                continue
            used.add(index)
            found += 1
            unit += _unit(row) == _unit(claim)
            as_of += row["as_of"] == claim["as_of"]
            compatible += _compatible(row["as_of"], claim["as_of"])
            period += row["period"] == claim["period"]
            claimant += bool(_names(row["claimant"]) & _names(claim["claimant"]))
            break
    restated = [i for i, row in enumerate(drafted) if "restatement" in row["note"]]
    plain = len(drafted) - len(restated)
    return {"claims": len(gold), "drafted": len(drafted), "found": found, "unit": unit,
            "precision": len(used) / len(drafted) if drafted else 1.0,
            "precision_without_restatements": len(used - set(restated)) / plain if plain else 1.0,
            "as_of": as_of, "as_of_compatible": compatible, "period": period, "claimant": claimant}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _article_file(folder: Path, document: str, gold: list[dict[str, str]]) -> Path | None:
    """The file of an annotated document: named by it, or, where the claims file names the
    article by outlet and title (as data/estimates.csv does), the file whose number matches
    its claims' id prefix (``s2-...`` is ``002_*.txt``)."""
    if (folder / document).is_file():
        return folder / document
    prefixes = {re.match(r"s(\d+)-", r["id"]) for r in gold if r["document"] == document}
    numbers = {int(m.group(1)) for m in prefixes if m}
    if len(numbers) != 1:
        return None
    matches = sorted(folder.glob(f"{numbers.pop():03d}_*"))
    return matches[0] if len(matches) == 1 else None


def _articles(folder: Path, gold: list[dict[str, str]], meta: dict[str, dict[str, str]],
              ) -> list[tuple[str, str, str, str]]:
    """(document, text, published, author) of every annotated document in `folder`."""
    found = []
    for document in dict.fromkeys(row["document"] for row in gold):
        path = _article_file(folder, document, gold)
        if path is None:
            sys.exit(f"bench_extract: {folder / document}: annotated in the claims file but missing")
        published = next(r["published"] for r in gold if r["document"] == document)
        author = meta.get(document, {}).get("author") or next(
            (r["claimant"].removesuffix(" (author)") for r in gold
             if r["document"] == document and r["claimant"].endswith("(author)")), "")
        found.append((document, path.read_text(encoding="utf-8"), published, author))
    return found


def draft(articles: list[tuple[str, str, str, str]]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for document, text, published, author in articles:
        found = read_article(text, published=published, author=author, document=document)
        rows.extend(found.draft_rows)
    return rows


def typical(text: str, words: int = 800) -> str:
    """The article's paragraphs, repeated until about `words` words."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    out: list[str] = []
    count = 0
    while count < words:
        for paragraph in paragraphs:
            out.append(paragraph)
            count += len(paragraph.split())
            if count >= words:
                break
    return "\n\n".join(out)


def speed(articles: list[tuple[str, str, str, str]], count: int, runs: int,
          ) -> tuple[float, float, float]:
    """Median articles per second over `runs` runs of `count` articles, by the wall clock and
    by this process's CPU time (what one core gives when other programs share it), and the
    mean number mentions of an article."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    texts = [(typical(text), published, author) for _, text, published, author in articles]
    batch = [texts[i % len(texts)] for i in range(count)]
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        for text, published, author in batch:
            read_article(text, published=published, author=author, document="a.txt")
        wall.append(count / (time.perf_counter() - start))
        cpu.append(count / (time.process_time() - start_cpu))
    mentions = statistics.mean(len(found.draft_rows) + len(found.rejected_rows) for found in
                               (read_article(t, published=p, author=a) for t, p, a in texts))
    return statistics.median(wall), statistics.median(cpu), mentions


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("seeds", type=Path, help="folder of the seed articles")
    options.add_argument("--gold", type=Path, default=ROOT / "data" / "estimates.csv",
                         help="hand-made claims of the seeds (default: data/estimates.csv)")
    options.add_argument("--own", type=Path, default=OWN, help="folder of the project's "
                         "annotated articles, with claims.csv and articles.csv")
    options.add_argument("--articles", type=int, default=400, help="articles per speed run")
    options.add_argument("--runs", type=int, default=5)
    args = options.parse_args()
    sets = []
    seed_gold = _rows(args.gold)
    sets.append(("seeds", _articles(args.seeds, seed_gold, {}), seed_gold))
    own_gold = _rows(args.own / "claims.csv")
    meta = {r["document"]: r for r in _rows(args.own / "articles.csv")}
    sets.append(("own articles", _articles(args.own, own_gold, meta), own_gold))
    print(f"{'set':14} {'claims':>6} {'drafted':>7} {'found':>6} {'unit':>5} {'precision':>9} "
          f"{'prec*':>6} {'as_of':>6} {'~as_of':>6} {'period':>6} {'claimant':>8}")
    for name, articles, gold in sets:
        s = score(draft(articles), gold)
        print(f"{name:14} {s['claims']:>6} {s['drafted']:>7} {s['found']:>6} {s['unit']:>5} "
              f"{s['precision']:>9.3f} {s['precision_without_restatements']:>6.3f} {s['as_of']:>6} "
              f"{s['as_of_compatible']:>6} {s['period']:>6} {s['claimant']:>8}")
    print("prec*: precision with rows flagged as restatements left out; ~as_of: compatible dates")
    print(f"\nspeed on one core, articles of about 800 words (median of {args.runs} runs of "
          f"{args.articles}):")
    print(f"{'set':14} {'numbers':>7} {'wall/s':>7} {'cpu/s':>7}")
    for name, articles, _ in sets:
        wall, cpu, numbers = speed(articles, args.articles, args.runs)
        print(f"{name:14} {numbers:>7.0f} {wall:>7,.0f} {cpu:>7,.0f}")
    print("numbers: number mentions in an article; wall/s by the wall clock, cpu/s by this "
          "process's CPU time (the figure for one core when other programs share the machine)")


if __name__ == "__main__":
    main()
