"""`parse_many` on a column of 1,000,000 wordings with 10,000 and 100,000 distinct strings.

The wordings are generated the way reports write them: hedges, numbers with separators,
words and multipliers, ranges, vague amounts, ratios, counted nouns (some the lexicon does
not hold, read as countables of their own), money and rates, plus a few that cannot be
read (they land in the `error` column). Each run parses every distinct
string afresh: nothing is cached between runs but the compiled lexicon.
Targets: at most 1 s (10,000 distinct) and 5 s (100,000 distinct) on a 2-core machine.

Run: python benchmarks/bench_parse.py [--values N] [--runs R]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import pandas as pd

from estimates import parse_many

PREFIXES = ["", "", "", "over ", "more than ", "at least ", "about ", "approximately ",
            "some ", "nearly ", "up to ", "as many as ", "fewer than ", "an average of ", "~"]
NOUNS = ["", "", "troops", "North Korean soldiers", "Russian fighters killed or wounded",
         "casualties", "men", "shipping containers", "shipments", "artillery shells",
         "North Korean special operations soldiers", "widgets", "construction workers",
         "civilians", "5-ton trucks"]
RATES = ["", "", "", "", " per day", " a day", "/day", " on a daily basis", " per month"]
WORDS = ["eleven thousand", "a thousand", "a dozen", "twenty-five thousand", "thousand"]
VAGUE = ["dozens of", "hundreds of", "thousands of", "tens of thousands of", "several",
         "a few"]
RATIOS = ["a third", "half", "two-thirds", "approximately a third", "approximately half"]
MONEY = ["$", "€", "£", "US$"]


def number(rng: random.Random) -> str:
    value = rng.choice([rng.randint(1, 999), rng.randint(1, 99) * 100,
                        rng.randint(1, 999) * 1000, rng.randint(1000, 999_999)])
    style = rng.random()
    if style < 0.6:
        return f"{value:,}"
    if style < 0.75:
        return str(value)
    if style < 0.85:
        return f"{value:,}".replace(",", "\u00a0")
    return f"{rng.randint(1, 99) / 10:g} {rng.choice(['million', 'k', 'thousand'])}"


def wording(rng: random.Random) -> str:
    shape = rng.random()
    if shape < 0.06:
        return rng.choice(RATIOS)
    if shape < 0.10:
        return f"{rng.randint(1, 99)}%"
    if shape < 0.16:
        return f"{rng.choice(VAGUE)} {rng.choice(NOUNS[2:])}"
    if shape < 0.24:
        low = rng.randint(1, 50) * 100
        return f"{rng.choice(['', 'some '])}{low}-{low * rng.randint(2, 5)} {rng.choice(NOUNS)}"
    if shape < 0.27:
        return f"{rng.choice(PREFIXES)}{rng.choice(MONEY)}{rng.randint(1, 99) / 10:g} " \
               f"{rng.choice(['million', 'billion', 'bn', 'm'])}{rng.choice(RATES)}"
    if shape < 0.30:
        return f"{rng.choice(PREFIXES)}{rng.choice(WORDS)} {rng.choice(NOUNS)}".strip()
    suffix = "+" if rng.random() < 0.08 else ""
    return f"{rng.choice(PREFIXES)}{number(rng)}{suffix} {rng.choice(NOUNS)}{rng.choice(RATES)}"


def column(values: int, distinct: int, seed: int = 2024) -> pd.Series:
    rng = random.Random(seed)
    texts: set[str] = set()
    while len(texts) < distinct:
        texts.add(wording(rng).strip())
    pool = sorted(texts)
    rng.shuffle(pool)
    picks = pool + [rng.choice(pool) for _ in range(values - distinct)]
    rng.shuffle(picks)
    return pd.Series(picks, dtype=object)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--values", type=int, default=1_000_000)
    options.add_argument("--runs", type=int, default=5)
    args = options.parse_args()
    print(f"{'workload':<16} {'values':>10} {'distinct':>9} {'seconds':>8} {'values/s':>11} "
          f"{'unread':>7} {'target':>7}")
    for distinct, target in ((10_000, 1.0), (100_000, 5.0)):
        data = column(args.values, distinct)
        times = []
        table = parse_many(data.head(1000))  # warm-up: compiles the lexicon
        for _ in range(args.runs):
            start = time.perf_counter()
            table = parse_many(data)
            times.append(time.perf_counter() - start)
        seconds = statistics.median(times)
        unread = table["error"].notna().mean()
        print(f"{f'{distinct:,} distinct':<16} {len(data):>10,} {distinct:>9,} {seconds:>8.3f} "
              f"{len(data) / seconds:>11,.0f} {unread:>7.1%} {f'<= {target:g}':>7}")


if __name__ == "__main__":
    main()
