"""The reconciler's stages (issue 15, "the reconciler as stages"): each takes frozen inputs
and gives a frozen outcome without changing its inputs, and a reason is explained from its
entry in the registry alone."""

from __future__ import annotations

import dataclasses
import string

import numpy as np
import pandas as pd
import pytest

from estimates.claims import read_claims
from estimates.expression import read_relations
from estimates.reconcile import Reason
from estimates.reconcile.closing import close
from estimates.reconcile.conflicts import contradictions_and_claims
from estimates.reconcile.findings import REASON_CODES, Findings
from estimates.reconcile.groups import Groups, find_groups
from estimates.reconcile.levels import weigh_levels
from estimates.reconcile.linked import link_groups
from estimates.reconcile.revisions import supersede
from estimates.reconcile.table import Sources, Table, read_sources, read_table
from estimates.reconcile.totals import weigh_totals


def _input(rows: list[dict[str, str]], relations: list[str] | None = None,
           ) -> tuple[Table, Sources, Groups]:
    claims = read_claims(pd.DataFrame(rows)).reset_index(drop=True)
    sources = read_sources(claims)
    table = read_table(claims, read_relations(relations or []), 7, np.zeros(0, np.int64), True)
    groups = find_groups(table, pd.DataFrame(columns=["unit", "kind"]))
    table = close(table, groups)
    return supersede(table, sources, groups), sources, groups


def _claim(ident: str, quantity: str, low: str, high: str, as_of: str, **more: str) -> dict[str, str]:
    return {"id": ident, "quantity": quantity, "low": low, "high": high, "as_of": as_of,
            "claimant": f"source {ident}", "unit": "person", **more}


def test_level_stage_marks_its_own_findings_and_leaves_the_ones_it_was_given() -> None:
    table, sources, groups = _input([_claim("a", "x", "10", "20", "2024-10-01"),
                                     _claim("b", "x", "12", "30", "2024-10-02"),
                                     _claim("c", "x", "50", "60", "2024-10-03")])
    before = Findings.start(table.n, table.broken)
    levels = weigh_levels(table, sources, groups, before)
    assert levels.findings.excluded.tolist() == [False, False, True]
    assert not before.excluded.any() and before.pairs == ()
    assert len(levels.findings.pairs) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        levels.findings = before  # type: ignore[misc]


def test_running_total_stage_adds_to_the_findings_before_it_without_changing_them() -> None:
    table, sources, groups = _input([
        _claim("a", "x", "10", "20", "2024-10-01", kind="cumulative"),
        _claim("b", "x", "50", "60", "2024-10-01", kind="cumulative"),
        _claim("c", "x", "30", "40", "2024-11-01", kind="cumulative", claimant="source a")])
    levels = weigh_levels(table, sources, groups, Findings.start(table.n, table.broken))
    totals = weigh_totals(table, sources, groups, levels.findings)
    assert totals.findings.excluded.tolist() == [False, True, False]
    assert not levels.findings.excluded.any()
    assert totals.nodes is not None and totals.node_low.tolist() == [10.0, 30.0]


def test_linked_stage_gives_the_ranges_of_the_group_and_keeps_earlier_findings_apart() -> None:
    table, _, groups = _input([_claim("k", "killed", "10", "20", "2024-10-31"),
                               _claim("w", "wounded", "5", "8", "2024-10-31"),
                               _claim("c", "casualties", "100", "200", "2024-10-31", grade="D4")],
                              ["casualties = killed + wounded"])
    start = Findings.start(table.n, table.broken)
    linked = link_groups(table, groups, start)
    assert linked.findings.excluded.tolist() == [False, False, True]
    assert len(linked.findings.found) == 1 and not linked.findings.disputed.any()
    assert not start.excluded.any() and start.found == ()
    reason, rows, _, relations = linked.findings.found[0]
    assert rows == [0, 1, 2]
    assert reason is Reason.RELATION and relations == (0,)
    casualties = groups.names["casualties"]
    assert [(low, high) for q, _, _, low, high, _, _ in linked.ranges if q == casualties] == [(15.0, 28.0)]


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_is_explained_from_its_registry_entry_alone(reason: Reason) -> None:
    """A conflict recorded with any reason of the registry gets that reason's code and its
    sentence: the conflicts stage needs no edit when an entry is added."""
    table, _, _ = _input([_claim("a", "x", "10", "20", "2024-10-01"),
                          _claim("b", "x", "30", "40", "2024-10-01")])
    pair = (np.array([REASON_CODES.index(reason)]), np.array([0]), np.array([1]), np.array([10.0]))
    findings = dataclasses.replace(Findings.start(table.n, ()), pairs=(pair,),
                                   excluded=np.array([False, True]))
    contradictions, claims = contradictions_and_claims(table, findings)
    (row,) = contradictions.itertuples()
    assert row.reason == reason.value and list(row.claims) == ["a", "b"]
    literals = [text for text, _, _, _ in string.Formatter().parse(reason.sentence) if text]
    at = 0
    for text in literals:  # the sentence's own words, in order
        at = row.explanation.index(text, at) + len(text)
    if reason.shortfall:
        assert row.explanation.endswith(reason.shortfall.replace("{gap}", "10 person"))
    assert claims["status"].tolist() == ["kept", "excluded"]
