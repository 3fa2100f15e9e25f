"""The first stage: which quantity each claim is about, and which quantities are linked.

Quantities are numbered (those of plain claims first, then those only relations or
expression claims name); a relation or an expression claim joins the quantities it names
into one *linked group*, which the `linked` stage solves as one linear system. A quantity
with claims of increases on a level is linked too (its increases are linear constraints).
Each quantity's kind and unit come from its first claim, else from what
`estimates.quantities` settled across the relations.

>>> import pandas as pd
>>> from estimates.claims import read_claims
>>> from estimates.expression import read_relations
>>> claims = read_claims(pd.DataFrame({"id": ["a", "b", "c"], "quantity": ["x", "y", "z"],
...                                    "value": ["1", "2", "3"], "as_of": ["2024-10-01"] * 3}))
>>> from estimates.reconcile.table import read_table
>>> table = read_table(claims, read_relations(["x = y + w"]), 7, np.zeros(0, np.int64), True)
>>> groups = find_groups(table, pd.DataFrame(columns=["unit", "kind"]))
>>> groups.quantities.name_of.tolist(), groups.in_linked.tolist()
(['x', 'y', 'z', 'w'], [True, True, False])
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from estimates.reconcile.bounds import counted
from estimates.reconcile.columns import _factorize, _text_at
from estimates.reconcile.table import Table

__all__ = ["Groups", "Quantities", "find_groups"]


@dataclass(frozen=True, slots=True)
class Quantities:
    """What each quantity is (by number); the tables at the end need only this."""

    #: each quantity's name
    name_of: NDArray[np.object_]
    #: each quantity's kind: ``level`` or ``cumulative``
    kind_of_q: NDArray[np.object_]
    #: each quantity's unit
    unit_of_q: NDArray[np.object_]
    #: whether each quantity is counted (whole values)
    count_q: NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Groups:
    """The quantities, their linked groups, and each claim's quantity and group."""

    #: what each quantity is
    quantities: Quantities
    #: the number of each quantity name
    names: dict[str, int]
    #: each quantity's group
    component: NDArray[np.int64]
    #: whether each group is linked (solved as a linear system)
    linked: NDArray[np.bool_]
    #: each claim's quantity (for an expression claim, its first name's), -1 for none
    q: NDArray[np.int64]
    #: each claim's group (-1 for none)
    group: NDArray[np.int64]
    #: whether each claim is in a linked group
    in_linked: NDArray[np.bool_]

    @property
    def name_of(self) -> NDArray[np.object_]:
        """Each quantity's name."""
        return self.quantities.name_of

    @property
    def kind_of_q(self) -> NDArray[np.object_]:
        """Each quantity's kind."""
        return self.quantities.kind_of_q

    @property
    def count_q(self) -> NDArray[np.bool_]:
        """Whether each quantity is counted."""
        return self.quantities.count_q


def find_groups(t: Table, unclaimed: pd.DataFrame) -> Groups:
    """The quantities of the claims of `t` and their linked groups; `unclaimed`: the unit and
    kind settled for the quantities that only relations or expression claims name."""
    frame = t.frame
    plain = t.valid & ~t.expression
    codes, uniques = _factorize(frame["quantity"], plain)
    names: dict[str, int] = dict(zip(map(str, uniques.tolist()), itertools.count()))
    edges: list[tuple[int, int]] = []
    links = [e.names for e in t.expressions.values()] + [r.names for _, r in t.linking]
    for linked in links:
        for name in linked:
            names.setdefault(name, len(names))
        edges += [(names[linked[0]], names[n]) for n in linked[1:]]
    name_of = np.array(list(names), dtype=object)
    graph = sparse.coo_matrix((np.ones(len(edges)), ([a for a, _ in edges], [b for _, b in edges])),
                              shape=(len(names),) * 2)
    _, component = connected_components(graph, directed=False)
    is_linked = np.zeros(int(component.max(initial=-1)) + 1, dtype=bool)
    for linked in links:
        is_linked[component[names[linked[0]]]] = True
    q = np.full(t.n, -1, dtype=np.int64)
    q[plain] = codes
    for k, e in t.expressions.items():
        q[k] = names[e.names[0]] if e.names else -1
    group = np.r_[component, -1][q]  # q = -1 (no quantity) has no group
    # increases of a level quantity are solved as linear programmes
    periodic_level = plain & ~t.is_value & ~t.cumulative
    is_linked[group[periodic_level & (q >= 0)]] = True
    first = np.full(len(names), -1, dtype=np.int64)
    rows = np.flatnonzero(plain)
    first[codes[::-1]] = rows[::-1]
    has = first >= 0
    kinds = np.full(len(names), "level", dtype=object)
    units = np.full(len(names), "", dtype=object)
    kinds[has] = _text_at(frame["kind"], first[has])
    units[has] = _text_at(frame["unit"], first[has])
    if not has.all():  # named only by relations or expression claims: as settled
        found = unclaimed.reindex(name_of[~has])
        units[~has] = found["unit"].fillna("dimensionless").to_numpy(object)
        kinds[~has] = found["kind"].fillna("level").to_numpy(object)
    unit_codes, distinct = pd.factorize(units)
    count_q = np.array([counted(str(u)) for u in distinct], dtype=bool)[unit_codes] \
        if unit_codes.size else np.zeros(0, dtype=bool)
    return Groups(Quantities(name_of, kinds, units, count_q), names, component, is_linked, q, group,
                  np.r_[is_linked, False][group])
