"""Each quantity's unit and kind, settled across its claims and the relations that link it.

`read_claims` gives each quantity the unit its claims state (a bare number states none: its
unit is ""). Relations and expression claims then link quantities, and linked quantities
share one unit:

- the terms of a relation (``total = troops + containers``) or of a linear expression
  claim (``killed + wounded``) are in one unit, and so is the expression claim itself,
  unless it is a ratio ("half" of ``x / 11000``: its numbers are in the terms' unit);
- the two sides of a ratio claim that is dimensionless or bare ("a third") are like
  quantities, in one unit; a ratio claim in another unit (``person / container``) is in the
  unit of its numerator over that of its denominator.

A quantity's unit comes from its own claims, then from what links it (the unit its linked
quantities' claims state most often, on a tie the one stated first); a quantity nothing
gives a unit is dimensionless. Claims in another unit of the same dimension (miles where
the linked quantities are in kilometres) are converted, outward. A link that joins
different dimensions is an input error naming its file and line: one `DimensionError`
lists every such link. A quantity that only relations or expression claims name is
cumulative when ``=`` ties it only to cumulative quantities, else level.

>>> import pandas as pd
>>> from estimates.claims import read_claims
>>> claims = read_claims(pd.DataFrame({"id": ["a", "b"], "quantity": ["c", "k"],
...                                    "value": ["about 300", "100 killed"], "as_of": "2024"}))
>>> settled = settle_quantities(claims, ["c = k + w"])
>>> settled.claims["unit"].tolist(), settled.unclaimed.to_dict("index")
(['person', 'person'], {'w': {'unit': 'person', 'kind': 'level'}})
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from estimates.claims import Claims, as_categorical
from estimates.errors import DimensionError
from estimates.expression import Linear, Ratio, Relation, read_expression, read_relations
from estimates.interval import IntervalArray
from estimates.units import conversion_factor, parse_unit, ureg

__all__ = ["PROBLEM_COLUMNS", "Quantities", "settle_quantities"]

#: The columns of `DimensionError.problems`.
PROBLEM_COLUMNS = ("file", "line", "column", "value", "problem")
_NONE = "dimensionless"


@dataclass(frozen=True, slots=True)
class Quantities:
    """The outcome of `settle_quantities`."""

    #: the claims, each row's ``unit`` its quantity's settled unit, its bounds in that unit
    claims: Claims
    #: the quantities that relations or expression claims name and no valid claim names by
    #: itself: index ``quantity``, columns ``unit`` and ``kind``
    unclaimed: pd.DataFrame


def settle_quantities(claims: Claims, relations: Iterable[str | Relation] | str | Path | None = None,
                      ) -> Quantities:
    """Settle every quantity's unit from its claims, then from its relations and expression
    claims; raise `DimensionError` listing every link that joins different dimensions.

    `claims` is a table from `read_claims`; `relations` anything `read_relations` reads.

    >>> import pandas as pd
    >>> from estimates.claims import read_claims
    >>> claims = read_claims(pd.DataFrame({"id": ["a", "b", "c"], "as_of": "2024",
    ...     "quantity": ["total", "troops", "boxes"],
    ...     "value": ["5,000 troops", "3,000 troops", "200 containers"]}))
    >>> try:
    ...     settle_quantities(claims, ["total = troops + boxes"])
    ... except DimensionError as error:
    ...     print(error.problems.loc[0, "problem"])
    the relation joins different dimensions: person (total, troops) and container (boxes)
    """
    rules = () if relations is None else read_relations(relations)
    if not rules and not claims["expression"].to_numpy(bool).any():  # nothing links quantities
        return Quantities(_stated_or_dimensionless(claims), _unclaimed([], [], []))
    names, codes = _coded(claims["quantity"])
    return _Graph(claims, names, codes, rules).settle(claims)


def _stated_or_dimensionless(claims: Claims) -> Claims:
    """`claims` with the unit "" (stated by no claim) read as dimensionless."""
    texts, codes = _coded(claims["unit"])
    if "" not in texts.tolist():
        return claims
    out = claims.copy(deep=False)
    texts = np.append(np.where(texts == "", _NONE, texts), "")
    out["unit"] = as_categorical(np.where(codes >= 0, codes, len(texts) - 1), texts)
    return out


def _coded(column: pd.Series) -> tuple[NDArray[np.object_], NDArray[np.intp]]:
    """A text column's distinct texts and each row's code into them (-1 where missing)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.categories.to_numpy(object), column.cat.codes.to_numpy(np.intp)
    codes, texts = pd.factorize(column.to_numpy(object))
    return np.array([str(t) for t in texts], dtype=object), codes.astype(np.intp)


def _first_rows(codes: NDArray[np.intp], size: int) -> NDArray[np.int64]:
    """The first row of each code 0..size-1 (-1 where none; codes below 0 are no code).

    >>> _first_rows(np.array([1, -1, 1, 0]), 3).tolist()
    [3, 0, -1]
    """
    first = np.full(size, -1, dtype=np.int64)
    rows = np.flatnonzero(codes >= 0)[::-1]
    first[codes[rows]] = rows
    return first


def _with_units(claims: Claims, codes: NDArray[np.intp], unit: NDArray[np.object_]) -> Claims:
    """`claims` with each row's unit that of its quantity (a row with no quantity: "")."""
    out = claims.copy(deep=False)
    out["unit"] = as_categorical(np.where(codes >= 0, codes, len(unit)), np.append(unit, ""))
    return out


def _unclaimed(names: list[str], units: list[str], kinds: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"unit": units, "kind": kinds},
                        index=pd.Index(names, name="quantity", dtype=object), dtype=object)


@dataclass(frozen=True, slots=True)
class _Link:
    """Quantities (nodes) that must share one unit, and what says so."""

    #: the nodes
    members: tuple[int, ...]
    #: the relation that links them, or None when an expression claim does
    relation: Relation | None = None
    #: the expression claim's node (its quantity text), -1 for a relation
    claim: int = -1
    #: a ratio of like quantities (its message says how to give a ratio of unlike ones)
    ratio: bool = False


class _Graph:
    """The quantities as nodes (the claims' quantity texts, then names only links mention)
    and the links between them."""

    def __init__(self, claims: Claims, names: NDArray[np.object_], codes: NDArray[np.intp],
                 relations: tuple[Relation, ...]) -> None:
        self.codes = codes
        self.plain = len(names)
        valid = claims["problem"].isna().to_numpy()
        expression = claims["expression"].to_numpy(bool)
        self.expression_rows = valid & expression & (codes >= 0)
        self.plain_rows = valid & ~expression & (codes >= 0)
        self.expressions: dict[int, Linear | Ratio] = {
            int(k): read_expression(names[k]) for k in np.unique(codes[self.expression_rows])}
        relation_names = [r.names for r in relations]
        mentioned = [n for e in self.expressions.values() for n in e.names]
        mentioned += [n for names_of in relation_names for n in names_of]
        found = pd.Index(names).get_indexer(mentioned) if mentioned else np.zeros(0, dtype=np.intp)
        extra = list(dict.fromkeys(n for n, at in zip(mentioned, found, strict=True) if at < 0))
        self.node = {n: int(at) for n, at in zip(mentioned, found, strict=True) if at >= 0}
        self.node.update({n: len(names) + i for i, n in enumerate(extra)})
        self.names = np.append(names, np.array(extra, dtype=object))
        unit_texts, unit_codes = _coded(claims["unit"])
        self.first = _first_rows(codes, len(self.names))
        row_unit = np.append(unit_codes, -1)[self.first]  # -1: no row, or no unit
        self.stated = np.where(row_unit >= 0, np.append(unit_texts, "")[row_unit], "").astype(object)
        self.links = [_Link(self.nodes(names_of), relation=r)
                      for r, names_of in zip(relations, relation_names, strict=True)]
        for k, expression in self.expressions.items():
            if isinstance(expression, Linear) and self.stated[k] == _NONE:
                # a ratio of a sum: its numbers in the terms' unit ("x / 11000" is half)
                self.links.append(_Link(self.nodes(expression.names), claim=k))
            elif isinstance(expression, Linear):
                self.links.append(_Link((*self.nodes(expression.names), k), claim=k))
            elif self.stated[k] in ("", _NONE):  # a ratio of like quantities
                self.links.append(_Link(self.nodes(expression.names), claim=k, ratio=True))
            else:  # each side in one unit; the claim's unit is their quotient
                for side in (expression.numerator, expression.denominator):
                    self.links.append(_Link(self.nodes(side.names), claim=k))
        self.links = [link for link in self.links if link.members]
        self.source = str(claims.attrs.get("source", "<claims>"))
        self.lines = claims["line"].to_numpy()

    def nodes(self, names: Iterable[str]) -> tuple[int, ...]:
        return tuple(self.node[n] for n in names)

    def settle(self, claims: Claims) -> Quantities:
        size = len(self.names)
        pairs = [(link.members[0], m) for link in self.links for m in link.members[1:]]
        graph = sparse.coo_matrix((np.ones(len(pairs)), ([a for a, _ in pairs], [b for _, b in pairs])),
                                  shape=(size, size))
        component = connected_components(graph, directed=False)[1]
        linked = np.flatnonzero(np.bincount(component)[component] > 1)
        chosen = self.chosen(component, linked)
        problems = self.conflicts(component, {c for c, u in chosen.items() if u is None})
        unit = self.stated.copy()
        unit[linked] = [chosen.get(c) or "" for c in component[linked].tolist()]
        for k, expression in self.expressions.items():
            if isinstance(expression, Ratio):
                problems += self.ratio_unit(k, expression, unit)
        unit[unit == ""] = _NONE  # a unit nothing gives
        if problems:
            raise DimensionError(pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS)))
        out = _converted(_with_units(claims, self.codes, unit[: self.plain]), self.codes,
                         self.stated[: self.plain], unit[: self.plain])
        has = np.zeros(size, dtype=bool)
        has[self.codes[self.plain_rows]] = True
        kinds = self.kinds(claims, has)
        mentioned = set(self.node.values())
        unclaimed = [n for n in np.flatnonzero(~has).tolist() if n in mentioned]
        return Quantities(out, _unclaimed(self.names[unclaimed].tolist(), unit[unclaimed].tolist(),
                                          kinds[unclaimed].tolist()))

    def chosen(self, component: NDArray[np.int64], linked: NDArray[np.int64]) -> dict[int, str | None]:
        """Each linked component's unit: the one its quantities' claims state most often (on
        a tie, the one stated first); None where stated units differ in dimension."""
        nodes = linked[self.stated[linked] != ""]
        if not nodes.size:
            return {}
        rows = np.bincount(self.codes[self.codes >= 0], minlength=len(self.names))
        first = np.where(self.first >= 0, self.first, np.iinfo(np.int64).max)
        tally = (pd.DataFrame({"component": component[nodes], "unit": self.stated[nodes],
                               "rows": rows[nodes], "first": first[nodes]})
                 .groupby(["component", "unit"], sort=False).agg(rows=("rows", "sum"), first=("first", "min"))
                 .reset_index().sort_values(["component", "rows", "first"], ascending=[True, False, True]))
        dimension = tally["unit"].map({u: _dimension(u) for u in tally["unit"].unique()})
        torn = dimension.groupby(tally["component"]).nunique() > 1
        best = tally.drop_duplicates("component")
        chosen: dict[int, str | None] = dict(zip(best["component"].tolist(), best["unit"].tolist(),
                                                 strict=True))
        chosen.update({int(c): None for c in torn.index[torn.to_numpy()]})
        return chosen

    def conflicts(self, component: NDArray[np.int64], torn: set[int]) -> list[tuple[Any, ...]]:
        """A problem for each link that joins different dimensions, in the components whose
        claims state units of more than one dimension: each stated unit is spread along the
        links (breadth first), and a link whose members then differ is at fault."""
        if not torn:
            return []
        links = [link for link in self.links if component[link.members[0]] in torn]
        reached: dict[int, tuple[str, _Link | None]] = {
            n: (str(self.stated[n]), None) for link in links for n in link.members if self.stated[n] != ""}
        by_node: dict[int, list[_Link]] = {}
        for link in links:
            for n in link.members:
                by_node.setdefault(n, []).append(link)
        queue = deque(reached)
        while queue:
            node = queue.popleft()
            for link in by_node[node]:
                for other in link.members:
                    if other not in reached:
                        reached[other] = (reached[node][0], link)
                        queue.append(other)
        problems: list[tuple[Any, ...]] = []
        for link in links:
            if len({_dimension(reached[n][0]) for n in link.members if n in reached}) > 1:
                problems += self.located(link, self.joined(link, reached))
        return problems

    def joined(self, link: _Link, reached: dict[int, tuple[str, _Link | None]]) -> str:
        """``joins different dimensions: person (a, b) and container (c, from r.txt:3)``."""
        groups: dict[str, list[str]] = {}
        for node in dict.fromkeys(link.members):
            unit, via = reached.get(node, ("", link))
            if via is link:
                continue  # no unit, or only the one this link gives it
            name = "the claim" if node == link.claim else str(self.names[node])
            if via is not None:
                name += f" from {self.where(via)}"
            groups.setdefault(unit, []).append(name)
        parts = [f"{unit} ({', '.join(names)})" for unit, names in groups.items()]
        text = f"joins different dimensions: {', '.join(parts[:-1])} and {parts[-1]}"
        if link.ratio:
            text += "; a ratio of unlike quantities needs its unit (e.g. person / container)"
        return text

    def where(self, link: _Link) -> str:
        if link.relation is not None:
            return f"{link.relation.source or '<relations>'}:{link.relation.line}"
        return f"the claim on {self.names[link.claim]}"

    def located(self, link: _Link, problem: str) -> list[tuple[Any, ...]]:
        """The problem at the relation's line, or at every line of the expression claim."""
        if link.relation is not None:
            relation = link.relation
            return [(relation.source or "<relations>", relation.line or 0, "", str(relation),
                     f"the relation {problem}")]
        lines = self.lines[self.expression_rows & (self.codes == link.claim)].tolist()
        return [(self.source, line, "quantity", self.names[link.claim], problem) for line in lines]

    def ratio_unit(self, k: int, ratio: Ratio, unit: NDArray[np.object_]) -> list[tuple[Any, ...]]:
        """A ratio claim's unit: its sides' quotient (dimensionless for like sides); a claim
        stated in another dimension is a problem."""
        sides = [unit[self.node[form.names[0]]] if form.names else _NONE
                 for form in (ratio.numerator, ratio.denominator)]
        given = str(self.stated[k]) or _NONE
        if "" in sides:  # a side nothing gives a unit: the claim's stands
            unit[k] = given
            return []
        quotient = ureg.Quantity(1, parse_unit(sides[0]) / parse_unit(sides[1])).to_reduced_units().units
        if parse_unit(given).dimensionality != quotient.dimensionality:
            if given == _NONE:
                return []  # a ratio of unlike quantities: reported at its link
            return self.located(_Link((), claim=k), f"is in {given}, but {self.names[k]} is in "
                                f"{quotient} ({sides[0]} over {sides[1]})")
        unit[k] = str(quotient) if quotient != ureg.dimensionless else _NONE
        return []

    def kinds(self, claims: Claims, has: NDArray[np.bool_]) -> NDArray[np.object_]:
        """Each node's kind: its claims', else cumulative when ``=`` ties it only to
        cumulative quantities (spread until nothing changes), else level."""
        kinds = np.full(len(self.names), "level", dtype=object)
        kind_texts, kind_codes = _coded(claims["kind"])
        first = _first_rows(np.where(self.plain_rows, self.codes, -1), len(self.names))
        at = np.flatnonzero(has)
        kinds[at] = np.append(kind_texts, "level")[kind_codes[first[at]]]
        known = has.copy()
        identities = [link.members for link in self.links
                      if link.relation is not None and link.relation.op == "="]
        changed = True
        while changed:
            changed = False
            for members in identities:
                told = [kinds[i] for i in members if known[i]]
                if told and all(k == "cumulative" for k in told):
                    for i in members:
                        if not known[i]:
                            kinds[i], known[i], changed = "cumulative", True, True
        return kinds


def _dimension(unit: str) -> str:
    return str(parse_unit(unit).dimensionality)


def _converted(claims: Claims, codes: NDArray[np.intp], stated: NDArray[np.object_],
               unit: NDArray[np.object_]) -> Claims:
    """`claims` with the bounds of quantities stated in another unit of their dimension
    converted, outward, into their settled unit (rates are per day of either)."""
    moved = np.flatnonzero((stated != "") & (stated != unit))
    if not moved.size:
        return claims
    low, high = claims["low"].to_numpy(np.float64, copy=True), claims["high"].to_numpy(np.float64, copy=True)
    best = claims["best"].to_numpy(np.float64, copy=True)
    for node in moved.tolist():
        factor = conversion_factor(parse_unit(str(stated[node])), parse_unit(str(unit[node])))
        rows = np.flatnonzero(codes == node)
        converted = IntervalArray._raw(low[rows], high[rows]) * factor
        low[rows], high[rows], best[rows] = converted.low, converted.high, best[rows] * float(factor)
    claims["low"], claims["high"], claims["best"] = low, high, best
    return claims
