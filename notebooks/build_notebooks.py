"""Build the notebooks of `notebooks/` from the cells below, run them, and save them with outputs.

Run from anywhere with the project's venv: ``.venv/bin/python notebooks/build_notebooks.py``.
Each notebook is executed with nbclient in this folder (so ``../data/...`` paths work) and
written back with its outputs, so it reads well where notebooks are rendered.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = """\
import pandas as pd

import estimates
import estimates.plot

pd.set_option("display.width", 140)
pd.set_option("display.max_colwidth", 60)
pd.set_option("display.float_format", lambda v: f"{v:,.2f}".rstrip("0").rstrip("."))"""

NORTH_KOREA: list[tuple[str, str]] = [
    ("md", """\
# North Korean troops in Russia: what the reports say, and where they disagree

Five articles (transcribed row by row into `../data/estimates.csv`, its `document` column names each) give
numbers for the North Korean deployment to Russia in 2024-2025: how many were sent, how many
were present in Russia and in Kursk, how many became casualties and what share were killed.
This notebook

1. loads the claims and shows how each phrase was read into an interval with a unit,
2. reconciles them with the relations between the quantities (`../data/relations.txt`),
3. shows the troop strength over time and the casualty figures that the relations tie together,
4. explains every contradiction, and draws the claims.

Everything below uses the public API of `estimates` only."""),
    ("code", SETUP),
    ("md", """\
## 1. The claims

`read_claims` reads the CSV, parses each `value`, settles one unit per quantity and reads the
dates. Each row keeps its provenance: who made the claim, who reported it, the quote."""),
    ("code", """\
claims = estimates.read_claims("../data/estimates.csv")
relations = estimates.read_relations("../data/relations.txt")
dprk = claims[claims["quantity"].str.contains("dprk.troops|dprk.casualties|dprk.killed|dprk.wounded")]
print(f"{len(claims)} claims in the file, {len(dprk)} about North Korean troops and casualties")
dprk[["quantity", "value", "as_of", "claimant"]].set_index(dprk["id"].str.slice(0, 34))"""),
    ("md", """\
## 2. How each phrase was read

`estimates.parse` turns the words into an interval. A bare number keeps the precision it was
written with (`Eleven thousand` is 11,000 ± 500), `over` and `more than` leave the top open
(`inf`), `approximately` widens by 10 %, and a range hedged with `some` widens both ends."""),
    ("code", """\
phrases = [
    "Eleven thousand North Korean soldiers",
    "over 10,000 troops",
    "some 3000-10000 North Korean soldiers",
    "approximately 3,000 North Korean soldiers",
    "at least 1,500 North Korean special operations soldiers",
    "More than 10,000 North Korean troops",
    "over 5,000 casualties",
    "approximately a third",
    "approximately half",
]
pd.DataFrame([estimates.parse(p).to_dict() for p in phrases])[
    ["text", "low", "high", "unit", "kind", "hedge", "halo"]]"""),
    ("md", """\
## 3. Reconcile

`reconcile` checks every claim against the others on the same quantity and time, against the
running totals (a total cannot fall), and against the relations, for example

* `dprk.troops.kursk <= dprk.troops.in_russia <= dprk.troops.dispatched`
* `dprk.casualties.kursk = dprk.killed.kursk + dprk.wounded.kursk`

It keeps the heaviest consistent set of claims, excludes the rest, and gives each quantity a
range at each time. The rules it follows (`docs/rules.md`): a claim dated by a month or a year
("More than 10,000 ... in 2024") is about *some* day in it and pins no particular day; troops are
counted, so ranges are whole numbers and "over 5,000" is at least 5,001; a source's later
reading of the same figure supersedes its earlier one; and where equal weights cannot decide
between claims, both are marked `disputed` rather than one dropped silently."""),
    ("code", """\
result = estimates.reconcile(claims, relations)
status = result.claims[result.claims["quantity"].isin(dprk["quantity"])]
status[["id", "as_of", "value", "status", "contradictions"]]"""),
    ("md", """\
## 4. Troop strength over time

The ranges below are what the kept claims and the relations allow. `derived` marks a range
that no claim gives directly: it comes from the relations (for instance the troops present in
Russia are bounded below by the troops in Kursk and above by those sent).

They tell a story of growth: about 3,000 North Korean troops were in Russia in late October
2024 (US officials, South Korea's intelligence service), and by mid-November more than 10,000
had been sent (Zelensky's eleven thousand in Kursk alone needs at least 10,500). "More than
10,000 in Russia", dated only 2024, agrees with both: it says that on some day of 2024 there
were more than 10,000, not on 23 October."""),
    ("code", """\
troops = result.ranges[result.ranges["quantity"].isin(
    ["dprk.troops.dispatched", "dprk.troops.in_russia", "dprk.troops.kursk"])]
troops[["quantity", "as_of", "low", "high", "best", "derived"]]"""),
    ("md", """\
The running total sent to Russia (`dprk.troops.dispatched`) over time. On the first panel,
vertical bars are claims about a day and boxes claims about a whole month or year; the green
bands are the reconciled range at each time. The increases over a period ("an additional
1,500", "approximately 3,000 additional troops") are on a panel of their own below, boxes over
their periods."""),
    ("code", """estimates.plot.timeline(result, "dprk.troops.dispatched", claims=claims)"""),
    ("md", """\
The troops present in Russia moved between the windows in which claims are compared: the
`changes` table gives each move and the daily rate it implies."""),
    ("code", """\
moves = result.changes[result.changes["quantity"].str.startswith("dprk")]
moves[["quantity", "from_as_of", "to_as_of", "from_low", "from_high", "to_low", "to_high", "days",
       "rate_low", "rate_high"]]"""),
    ("md", """\
## 5. Casualties and killed, tied by the relations

No source gives a number of North Koreans killed. The UK Ministry of Defence says "over 5,000
casualties ... with approximately a third of the casualties killed in action", and an article
reads the casualties as "approximately half of its initial force of 11,000". With the relation
`casualties = killed + wounded`, the reconciliation turns these into ranges for all three."""),
    ("code", """\
march = result.ranges[(result.ranges["as_of"] == "2025-03")
                      & result.ranges["quantity"].str.contains("casualties|killed|wounded")]
march[["quantity", "as_of", "low", "high", "best", "derived"]]"""),
    ("md", """\
The same by hand, with interval arithmetic: casualties are over 5,000 (so, being counted, at
least 5,001) and at most half of 11,000 plus 10 % (6,050), and about a third of them (0.30 to
0.37) were killed. The product of the two intervals encloses every possible number killed
(its bounds are rounded outward, so they contain the exact ones); the reconciliation's range
is the same, rounded inward to whole persons: 1,501 to 2,218."""),
    ("code", """\
casualties = estimates.Interval(5001, 6050)
killed_share = estimates.parse("approximately a third").interval
print("casualties   ", casualties)
print("killed share ", killed_share)
print("killed       ", killed_share * casualties)"""),
    ("code", """estimates.plot.forest(result, "dprk.casualties.kursk", claims=claims)"""),
    ("md", """\
## 6. The contradictions, explained

Each contradiction is a minimal set of claims that cannot all be true: drop any one and the
rest can. The reason says which rule they break. Read with coarse dates as some day in their
span, the North Korean claims hold together: the 3,000 of late October and the 11,000 of
mid-November are a change over time, not a contradiction, so the loop below prints nothing for
them. (Two claims about one window that disagree, say 3,000 and 10,000 on 1 and 5 November,
would still be one.)"""),
    ("code", """\
dprk_ids = set(dprk["id"])
found = [row for row in result.contradictions.itertuples() if dprk_ids & set(row.claims)]
for row in found:
    print(f"{row.id} [{row.reason}], gap {row.gap:,.0f} {row.unit}")
    print(f"    {row.explanation}\\n")
print(f"{len(found)} contradictions among the North Korean claims")"""),
    ("code", """\
within_a_window = pd.DataFrame({
    "id": ["nis", "sakhuja"], "quantity": ["dprk.troops.in_russia"] * 2,
    "value": ["3000", "10,000"], "unit": ["person"] * 2, "as_of": ["2024-11-01", "2024-11-05"],
    "claimant": ["NIS", "Sakhuja"]})
print(estimates.reconcile(within_a_window).contradictions["explanation"].iloc[0])"""),
    ("md", """\
The forest plots show the same: one row per claim, grouped by time, the reconciled range as a
green band; orange rows are kept but take part in a contradiction, vermilion dashed rows were
excluded, and the tags `C1`, `C2`, ... name the contradictions explained under the plot."""),
    ("code", """estimates.plot.forest(result, "dprk.troops.in_russia", claims=claims)"""),
    ("code", """estimates.plot.forest(result, "dprk.troops.dispatched", claims=claims)"""),
]

RUSSIA: list[tuple[str, str]] = [
    ("md", """\
# Russian losses: do the numbers add up?

The article *North Korea's Soldier Supply Chain* (Vijay Sakhuja, an op-ed) gives five
numbers for Russian losses (killed and wounded):

* John Healey: "an average of 1,354 Russian fighters killed or wounded per day" in October 2024,
* the author: "This totals up to 41,980 in one month",
* the author: "712,610 men between 24 February 2022 and 15 November 2024",
* the author: "over thousand troops lost on a daily basis",
* Tony Radakin: losses "as high as 700,000".

Which of them hold together? Interval arithmetic with units answers it: each number becomes an
interval as precise as it was written, and every operation keeps every value the inputs allow."""),
    ("code", SETUP + """
from estimates.quantity import QuantityInterval

Interval = estimates.Interval"""),
    ("md", """\
## 1. The words, read

A bare number is as precise as it is written: `1,354` is 1,353.5 to 1,354.5, `712,610` is
712,605 to 712,615. "per day" and "on a daily basis" make a rate."""),
    ("code", """\
phrases = {
    "healey": "an average of 1,354 Russian fighters killed or wounded per day",
    "october": "41,980 killed or wounded",
    "total": "712,610 men",
    "daily": "over thousand troops lost on a daily basis",
    "radakin": "as high as 700,000 killed or wounded",
}
read = {name: estimates.parse(text) for name, text in phrases.items()}
pd.DataFrame([r.to_dict() for r in read.values()], index=list(read))[
    ["text", "low", "high", "unit", "kind", "hedge"]]"""),
    ("code", """\
def amount(name: str) -> QuantityInterval:
    \"\"\"A phrase as an interval with its unit.\"\"\"
    return QuantityInterval(read[name].interval, read[name].unit)

for name in read:
    print(f"{name:8} {amount(name)}")"""),
    ("md", """\
## 2. 1,354 per day over October against 41,980 in the month

October 2024 has 31 days. The rate times the length of the month is an interval of persons;
the monthly total must lie in it."""),
    ("code", """\
october = QuantityInterval(Interval(31), "day")
implied = amount("healey") * october
print("1,354 per day × 31 days =", implied)
print("41,980 as written       =", amount("october"))
print("41,980 lies in 1,354/day × 31 days:", 41980 in implied.magnitude)
print("the two intervals overlap on", implied.magnitude & amount("october").magnitude)"""),
    ("md", """\
They agree: 1,354 × 31 = 41,974, and 41,980 is well inside what "1,354" (rounded to a whole
person) allows. The author's 41,980 is consistent with Healey's daily average.

## 3. 712,610 since 24 February 2022, and the daily rate it implies

From 24 February 2022 to 15 November 2024, both days included, is 996 days. Dividing the
total by the period gives the average daily rate."""),
    ("code", """\
import datetime as dt

days = (dt.date(2024, 11, 15) - dt.date(2022, 2, 24)).days + 1
war = QuantityInterval(Interval(days), "day")
average = amount("total") / war
print(f"{days} days")
print("average since the invasion:", average)
print("October's average is higher:", amount("healey").magnitude.low > average.magnitude.high)"""),
    ("md", """\
About 715 a day on average over the whole war, against 1,354 a day in October 2024: losses
rose, which the article says ("October 2024 was perhaps the most fatal"). Both hold together.

## 4. "Over thousand ... on a daily basis"

The article gives no period for it; the claims file reads it as the month before publication
(15 October to 15 November 2024, 32 days). More than 1,000 a day then is more than 32,000 in
that month: compatible with 1,354 a day in October, and with the whole-war total, since the
average before it can be lower."""),
    ("code", """\
recent = amount("daily") * QuantityInterval(Interval(32), "day")
print("over 1,000/day × 32 days =", recent)
print("consistent with October's rate:",
      bool(amount("daily").magnitude & amount("healey").magnitude))
before = amount("total") - recent
print("left for the earlier 964 days:", before)
print("and counts are not negative: ", before.magnitude & Interval(0, float("inf")))"""),
    ("md", """\
The subtraction keeps every possibility: "over 1,000 a day" has no upper end, so the losses
before the last month have no lower end in the arithmetic (only the fact that counts are not
negative bounds them). At most 680,615 of the 712,610 came before mid-October 2024."""),
    ("md", """\
## 5. "As high as 700,000" against 712,610

"As high as 700,000" reads as at most 700,000 over the same period. 712,610 as written is at
least 712,605. The two intervals do not meet: one of the two claims must go."""),
    ("code", """\
radakin, total = amount("radakin"), amount("total")
print("as high as 700,000:", radakin)
print("712,610:           ", total)
print("they meet on:      ", radakin.magnitude & total.magnitude)
print(f"gap: {total.magnitude.low - radakin.magnitude.high:,.0f} persons")"""),
    ("md", """\
## 6. The same, by `reconcile`

`reconcile` does all of this at once from the claims file: rates times their periods, increases
against the running totals, and the contradiction with its reason. All five claims are on the
quantity `russia.losses`."""),
    ("code", """\
claims = estimates.read_claims("../data/estimates.csv")
losses = claims[claims["quantity"] == "russia.losses"]
result = estimates.reconcile(losses)
result.claims[["id", "value", "as_of", "status", "contradictions"]]"""),
    ("code", """\
for row in result.contradictions.itertuples():
    print(f"{row.id} [{row.reason}], gap {row.gap:,.0f} {row.unit}")
    print(f"    {row.explanation}")"""),
    ("md", """\
The two claims over the war's whole period do not meet, and with equal weights nothing says
which to believe: both are marked `disputed`, the range covers either choice, and the sentence
says the weights could not decide. Two increases over one period that differ are `disjoint`
(no rate is involved). Grading the sources (an Admiralty code in `grade`) lets the weights
decide. In the forest plot the rates are drawn as the increase they imply over their period,
next to the increases they must match."""),
    ("code", """estimates.plot.forest(result, "russia.losses", claims=losses)"""),
    ("md", """\
## Verdict

| claim | holds together with the others? |
| --- | --- |
| 1,354 per day in October 2024 (Healey) | yes: × 31 days = 41,958.5 to 41,989.5 |
| 41,980 in October 2024 | yes: inside 1,354/day × 31 days |
| 712,610 from 24 Feb 2022 to 15 Nov 2024 | yes: about 715 a day on average, below October's rate |
| over 1,000 a day (the month before 15 Nov 2024) | yes: October's 1,354 a day is over 1,000 |
| as high as 700,000 (Radakin) | **no**: at least 12,605 below 712,610 over the same period |"""),
]

NOTEBOOKS = {
    "01_north_korean_deployment.ipynb": NORTH_KOREA,
    "02_russian_losses_arithmetic.ipynb": RUSSIA,
}


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """A notebook of markdown and code cells, for the python3 kernel."""
    notebook = new_notebook(cells=[new_markdown_cell(text) if kind == "md" else new_code_cell(text)
                                   for kind, text in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def execute(notebook: nbformat.NotebookNode, timeout: int = 120) -> nbformat.NotebookNode:
    """Run every cell in this folder (so ``../data`` resolves); raise on the first error."""
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(HERE)}})
    client.execute()
    return notebook


def main(names: list[str]) -> None:
    for name, cells in NOTEBOOKS.items():
        if names and name not in names:
            continue
        notebook = execute(build(cells))
        for cell in notebook.cells:
            cell.get("metadata", {}).pop("execution", None)
        nbformat.write(notebook, HERE / name)
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main(sys.argv[1:])
