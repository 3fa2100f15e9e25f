"""Reconciling on a Dask cluster: claims partitioned by connected group of quantities.

Claims about quantities that no relation and no expression claim links are independent, so
the table splits into *groups*: the driver finds the connected groups from the relations and
the distinct expression claims (both small), every claim is tagged with its group's key, the
claims are shuffled by that key (`dask.dataframe.DataFrame.shuffle`), and each partition is
reconciled by the in-process engine, `estimates.reconcile.reconcile`, unchanged. The results
equal the in-process ones on the same input: the same ranges, the same contradictions (the
same ids: a contradiction's number is its rank in the in-process order, by quantity and then
by its claim ids, found by the driver from one short key per contradiction), the same
statuses. Only the order of rows differs: ranges, claims and changes come in partition
order. Categorical columns come as text (each partition has categories of its own).

Line numbers count rows, as for a DataFrame (row ``k`` is line ``k + 2``): a file's lines
where no cell holds a line break. Ids that repeat across groups are not detected here (the
in-process reader marks the later ones invalid); see ``docs/distributed.md``.

Dask is an optional dependency (``pip install 'estimates[dask]'``); nothing else in
`estimates` imports it.

>>> from distributed import Client, LocalCluster
>>> frame = pd.DataFrame({"id": ["a", "b", "c"], "quantity": ["x", "x", "y"],
...                       "value": ["10", "20", "5"], "as_of": ["2024-01-01"] * 3})
>>> with LocalCluster(n_workers=1, processes=False) as cluster, Client(cluster) as client:
...     result = reconcile(frame, client=client).compute()
>>> result.contradictions[["id", "quantity"]].values.tolist()
[['C1', 'x']]
"""

from __future__ import annotations

import contextlib
import math
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from dask.delayed import delayed
from distributed import Client, Future, LocalCluster, wait

from estimates.claimfiles import claim_files, is_parquet, text_frame
from estimates.claims import UnknownColumnWarning, _is_expression, read_claims
from estimates.errors import ClaimsError, EstimatesError, UsageError
from estimates.expression import Relation, read_expression, read_relations
from estimates.output import atomic_folder, parquet_table, result_tables
from estimates.reconcile import DEFAULT_WINDOW, Reconciliation
from estimates.reconcile import reconcile as reconcile_in_process

__all__ = ["PARTITION_ROWS", "DistributedReconciliation", "check_valid", "local_client", "reconcile",
           "write_parquet"]

#: claims per partition after the shuffle, unless told otherwise: large enough that the
#: per-partition cost is small beside the work, small enough that a 2 GB worker holds one
PARTITION_ROWS = 1_000_000
_LINE, _GROUP = "_estimates_line", "_estimates_group"
_SEPARATOR = "\x00"  # between a contradiction key's parts: sorts before every other character


@dataclass(frozen=True)
class DistributedReconciliation:
    """The outcome of `reconcile` on a cluster: each table of a `Reconciliation` as a Dask
    DataFrame (``ranges``, ``contradictions``, ``claims``, ``changes``, and any other the
    in-process engine makes), with the contradictions numbered as in-process.

    ``to_parquet(folder)`` writes every table in one pass (``folder/NAME.parquet/`` of part
    files); ``compute()`` gathers them into an in-process `Reconciliation`.
    """

    #: each table by name, in the order of `Reconciliation`'s fields
    tables: Mapping[str, dd.DataFrame]

    def __getattr__(self, name: str) -> dd.DataFrame:
        try:
            return self.__dict__["tables"][name]
        except KeyError:
            raise AttributeError(name) from None

    def compute(self) -> Reconciliation:
        """Every table gathered into pandas, as a `Reconciliation` (for results that fit)."""
        frames = dask.compute(*self.tables.values())
        return Reconciliation(**{name: frame.reset_index(drop=True)
                                 for name, frame in zip(self.tables, frames, strict=True)})

    def to_parquet(self, folder: str | Path) -> None:
        """Write every table as ``folder/NAME.parquet/part.N.parquet``, computed together
        (each partition reconciled once), the folder as one unit (`atomic_folder`)."""
        atomic_folder(folder, self._write_parts)

    def _write_parts(self, folder: Path) -> None:
        self._write_tables(folder, tuple(self.tables))
        _unify_empty_parts(folder)

    def _write_tables(self, folder: Path, names: Sequence[str]) -> None:
        """Write the tables `names` into `folder` (not as a unit: see `to_parquet`)."""
        writes = []
        for name in names:
            table = self.tables[name]
            (folder / f"{name}.parquet").mkdir(exist_ok=True)
            for number, part in enumerate(table.to_delayed()):
                writes.append(delayed(_write_part)(part, folder / f"{name}.parquet" /
                                                   f"part.{number}.parquet"))
        dask.compute(*writes)


def _write_part(frame: pd.DataFrame, path: Path) -> None:
    pq.write_table(parquet_table(frame), path)


def _unify_empty_parts(folder: Path) -> None:
    """Give each table's empty parts the schema of its first part with rows, so the parts
    read as one table (the engine types an empty table's columns as it can)."""
    for table in sorted(folder.glob("*.parquet")):
        parts = sorted(table.glob("part.*.parquet"), key=lambda part: int(part.name.split(".")[1]))
        files = [pq.ParquetFile(part) for part in parts]
        full = [file.schema_arrow for file in files if file.metadata.num_rows]
        if not full:
            continue
        for part, file in zip(parts, files, strict=True):
            if not file.metadata.num_rows and not file.schema_arrow.equals(full[0]):
                pq.write_table(full[0].empty_table(), part)


@contextlib.contextmanager
def local_client(workers: int | None = None, memory_limit: str | None = None,
                 scheduler: str | None = None) -> Iterator[Client]:
    """A client of the scheduler at `scheduler`, or of a new `LocalCluster` of `workers`
    processes of one thread each (the reconciler is single-threaded; numpy releases no GIL
    worth sharing), closed on exit."""
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    options: dict[str, Any] = {"n_workers": workers or 2, "threads_per_worker": 1,
                               "dashboard_address": ":0", "silence_logs": 40}
    if memory_limit:
        options["memory_limit"] = memory_limit
    with LocalCluster(**options) as cluster, Client(cluster) as client:
        yield client


def reconcile(claims: dd.DataFrame | pd.DataFrame | str | Path | Sequence[str | Path],
              relations: str | Path | Iterable[str | Relation] | None = None, *,
              client: Client | None = None, window: int = DEFAULT_WINDOW,
              partition_rows: int = PARTITION_ROWS, progress: bool = False,
              ) -> DistributedReconciliation:
    """Reconcile claims (raw claim columns as a Dask or pandas DataFrame, or CSV/Parquet
    files, folders or globs) on the cluster of `client` (default: the current client).

    Each partition is reconciled when this is called and kept in the cluster's memory
    (spilled to disk by the workers when it runs short); the tables returned read from it.
    For results larger than the cluster's memory, `write_parquet` streams them to files.
    With `progress`, Dask's progress bar shows the partitions being reconciled.
    """
    client = client or Client.current()
    parts = _reconciled_parts(client, claims, relations, window, partition_rows, progress, None)
    return _renumbered(client, parts)


def write_parquet(claims: dd.DataFrame | pd.DataFrame | str | Path | Sequence[str | Path],
                  relations: str | Path | Iterable[str | Relation] | None, folder: str | Path, *,
                  client: Client | None = None, window: int = DEFAULT_WINDOW,
                  partition_rows: int = PARTITION_ROWS, progress: bool = False,
                  skip_invalid: bool = True) -> None:
    """`reconcile` and write every table to `folder` as ``NAME.parquet/part.N.parquet``, the
    folder as one unit; with ``skip_invalid=False``, a `ClaimsError` listing every invalid
    row instead (and no folder). Each partition writes its ranges and changes as soon as it is
    reconciled; only its claims and contradictions wait in the cluster (spilled to disk
    when memory runs short) for the contradictions' numbers, so the cluster holds about a
    third of the results, not all of them."""
    client = client or Client.current()

    def write(target: Path) -> None:
        parts = _reconciled_parts(client, claims, relations, window, partition_rows, progress, target)
        _renumbered(client, parts)._write_tables(target, _NUMBERED)
        _unify_empty_parts(target)
        if not skip_invalid:
            check_valid(pd.read_parquet(target / "claims.parquet", columns=["line", "problem"],
                                        filters=[("problem", "!=", "")]), str(claims))

    atomic_folder(folder, write)


def check_valid(claims: pd.DataFrame, source: str) -> None:
    """Raise a `ClaimsError` listing the problem of every claim that has one (columns ``line``
    and ``problem``: ``column: problem; ...``), as the in-process reader does."""
    bad = claims[claims["problem"].notna() & (claims["problem"] != "")]
    if not len(bad):
        return
    rows = []
    for line, text in sorted(zip(bad["line"].tolist(), bad["problem"].tolist(), strict=True)):
        for problem in str(text).split("; "):
            column, _, what = problem.partition(": ")
            rows.append({"line": int(line), "column": column, "value": "", "problem": what})
    raise ClaimsError(pd.DataFrame(rows, columns=["line", "column", "value", "problem"]), source)


#: the tables whose contradiction ids are numbered across partitions (the others are final
#: when a partition is reconciled)
_NUMBERED = ("contradictions", "claims")


def _reconciled_parts(client: Client, claims: Any, relations: Any, window: int, partition_rows: int,
                      progress: bool, folder: Path | None) -> list[Future]:
    """Each partition reconciled on the cluster (futures of `_Part`); with a `folder`, each
    writes its tables other than `_NUMBERED` there at once and keeps only those."""
    frame = _claims_frame(claims)
    rules = () if relations is None else read_relations(relations)
    _warn_unknown_columns(frame)
    frame, groups, linked = _tagged(frame, rules, partition_rows)
    shuffled = frame.shuffle(on=_GROUP, npartitions=groups)
    by_group = [(linked[rule.names[0]], rule) if rule.names else ("", rule) for rule in rules]
    shared = client.scatter([by_group], broadcast=True)[0] if by_group else by_group  # a copy a worker
    parts: list[Future] = client.compute([
        delayed(_reconcile_part)(part, shared, int(window), folder, number)
        for number, part in enumerate(shuffled.to_delayed())])
    if progress:
        from distributed import progress as progress_bar

        progress_bar(parts)
    wait(parts)
    return parts


def _claims_frame(claims: Any) -> dd.DataFrame:
    """The raw claims as a Dask DataFrame of text columns."""
    if isinstance(claims, dd.DataFrame):
        return claims
    if isinstance(claims, pd.DataFrame):
        return dd.from_pandas(claims.astype(object), npartitions=max(1, math.ceil(len(claims) / 1e6)))
    paths = [claims] if isinstance(claims, (str, Path)) else list(claims)
    files = [file for path in paths for file in claim_files(path)]
    if not files:
        raise UsageError("no claim files given")
    if all(map(is_parquet, files)):
        return dd.read_parquet([str(file) for file in files])
    if any(map(is_parquet, files)):
        raise UsageError("the Dask engine reads CSV or Parquet files, not both at once")
    return dd.read_csv([str(file) for file in files], dtype=str, keep_default_na=False,
                       blocksize=None)


def _warn_unknown_columns(frame: dd.DataFrame) -> None:
    """The in-process reader's warning for each unknown column, once, from the driver."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownColumnWarning)
        known = set(read_claims(pd.DataFrame({"id": ["a"], "quantity": ["x"], "low": ["1"],
                                              "as_of": ["2024"]})).columns)
    known |= {"value", "period", "kind", "outlet", "published", "document", "quote", "confidence",
              "grade", "note"}
    for position, column in enumerate(frame.columns, start=1):
        if str(column).strip().lower() not in known:
            warnings.warn(f"<claims>:1:{column}: unknown column {column!r} (column {position}) "
                          "is ignored", UnknownColumnWarning, stacklevel=3)


def _tagged(frame: dd.DataFrame, rules: Sequence[Relation],
            partition_rows: int) -> tuple[dd.DataFrame, int, dict[str, str]]:
    """The claims with their line and their group's key, how many partitions to shuffle
    them into, and the linked names' group keys. One pass over the input finds each
    partition's length and the expressions."""
    quantity = frame["quantity"] if "quantity" in frame.columns else None
    if quantity is None:
        raise UsageError("the claims have no quantity column")
    lengths, expressions = dask.compute(frame.map_partitions(len, meta=(None, int)),
                                        quantity.map_partitions(_expressions, meta=(None, object)))
    lengths = np.asarray(lengths, dtype=np.int64)
    starts = np.r_[0, np.cumsum(lengths)[:-1]] + 2
    linked = _linked_groups(rules, pd.unique(np.asarray(expressions, dtype=object)))
    parts = [delayed(_tag)(part, int(start), linked)
             for part, start in zip(frame.to_delayed(), starts, strict=True)]
    meta = frame._meta.assign(**{_LINE: np.zeros(0, np.int64), _GROUP: np.zeros(0, object)})
    tagged = dd.from_delayed(parts, meta=meta, verify_meta=False)
    return tagged, max(1, math.ceil(int(lengths.sum()) / partition_rows)), linked


def _expressions(quantity: pd.Series) -> pd.Series:
    """The distinct quantities of a partition that are expressions, as the reader writes them."""
    names = pd.Series(pd.unique(quantity.astype(object).fillna("").astype(str).to_numpy()),
                      dtype=object).str.strip()
    return pd.Series([" ".join(text.split()) for text in names[_is_expression(names).to_numpy(bool)]],
                     dtype=object)


def _linked_groups(rules: Sequence[Relation], expressions: Iterable[str]) -> dict[str, str]:
    """Each quantity name that a relation or an expression links to another, with its group's
    key (the least name of the group), found by union-find; unlinked names are their own key."""
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        parent.setdefault(name, name)
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    def link(names: Iterable[str]) -> None:
        first, *rest = [root(name) for name in names] or [""]
        for other in rest:
            low, high = sorted((first, other))
            parent[high] = low
            first = low

    for rule in rules:
        link(rule.names)
    for text in expressions:
        try:
            names = read_expression(text).names
        except EstimatesError:  # an unreadable expression is a problem of its rows
            continue
        link([text, *names])  # the expression's text is its claims' quantity
    parent.pop("", None)
    return {name: root(name) for name in parent}


def _tag(part: pd.DataFrame, start: int, linked: Mapping[str, str]) -> pd.DataFrame:
    """A partition with each row's line and its group's key."""
    quantity = part["quantity"].astype(object).fillna("").astype(str).str.strip()
    expression = _is_expression(quantity).to_numpy(bool)
    if expression.any():
        quantity[expression] = [" ".join(text.split()) for text in quantity[expression]]
    group = quantity.map(linked).fillna(quantity) if linked else quantity
    return part.assign(**{_LINE: np.arange(start, start + len(part), dtype=np.int64),
                          _GROUP: group.to_numpy(object)})


@dataclass(frozen=True)
class _Part:
    """One partition's reconciliation, with its contradictions' sort keys."""

    #: the partition's tables, contradictions numbered C1.. in the partition
    tables: dict[str, pd.DataFrame]
    #: each contradiction's key: its quantity, then its sorted claim ids, joined by NUL
    keys: pa.Array


def _reconcile_part(part: pd.DataFrame, rules: Sequence[tuple[str, Relation]], window: int,
                    folder: Path | None = None, number: int = 0) -> _Part:
    """Reconcile one partition with the in-process engine, on the relations of its groups
    (`rules`: each relation with its group's key); with a `folder`, write the tables other
    than `_NUMBERED` there as part `number` and keep only their empty frames."""
    part = part.sort_values(_LINE, kind="stable")
    # text as a claims file's reader gives it (Categoricals made by Arrow): no Python string
    # per cell, which Dask's Arrow strings would cost the claims reader
    cells = pa.Table.from_pandas(part.drop(columns=[_LINE, _GROUP]), preserve_index=False)
    raw = text_frame(cells).assign(line=part[_LINE].to_numpy(), problem=None)
    groups = set(part[_GROUP].unique())
    touching = [rule for group, rule in rules if group in groups]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownColumnWarning)  # line, problem: told once by the driver
        table = read_claims(raw.reset_index(drop=True), skip_invalid=True)
    result = reconcile_in_process(table, touching, window=window)
    tables = result_tables(result)
    del result
    if folder is not None:
        for name, table in tables.items():
            if name not in _NUMBERED:
                (folder / f"{name}.parquet").mkdir(exist_ok=True)
                _write_part(_as_text(table), folder / f"{name}.parquet" / f"part.{number}.parquet")
                tables[name] = table.iloc[:0]
    return _Part(tables, _contradiction_keys(tables["contradictions"]))


def _contradiction_keys(contradictions: pd.DataFrame) -> pa.Array:
    quantity = contradictions["quantity"].astype(object).to_numpy()
    ids = contradictions["claims"].tolist()
    keys = [_SEPARATOR.join([name, *sorted(map(str, members))])
            for name, members in zip(quantity, ids, strict=True)]
    return pa.array(keys, pa.large_string())


def _renumbered(client: Client, parts: list[Future]) -> DistributedReconciliation:
    """The tables of every partition, contradictions numbered by their rank in all of them."""
    keys = client.gather([client.submit(_keys_of, part, pure=False) for part in parts])
    sizes = [len(k) for k in keys]
    order = pc.sort_indices(pa.chunked_array(keys, pa.large_string())).to_numpy()
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(1, order.size + 1)
    numbers = np.split(rank, np.cumsum(sizes)[:-1]) if sizes else []
    metas = client.gather(client.submit(_empty_tables, parts[0], pure=False)) if parts else {}
    tables = {}
    for name, meta in metas.items():
        pieces = [delayed(_final_table)(part, name, number)
                  for part, number in zip(parts, numbers, strict=True)]
        tables[name] = dd.from_delayed(pieces, meta=meta, verify_meta=False)
    return DistributedReconciliation(tables)


def _keys_of(part: _Part) -> pa.Array:
    return part.keys


def _empty_tables(part: _Part) -> dict[str, pd.DataFrame]:
    return {name: _as_text(table.iloc[:0]) for name, table in part.tables.items()}


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns as plain text (each partition has categories of its own)."""
    columns = {name: frame[name].astype(object).astype(pd.StringDtype("python", na_value=np.nan))
               for name in frame.columns if isinstance(frame[name].dtype, pd.CategoricalDtype)}
    return frame.assign(**columns) if columns else frame


def _final_table(part: _Part, name: str, numbers: np.ndarray) -> pd.DataFrame:
    """Table `name` of a partition, its contradiction ids ``C<number>`` of all partitions."""
    table = part.tables[name]
    new_ids = np.strings.add("C", numbers.astype(str)).astype(object)
    if name == "contradictions" and len(table):
        table = table.assign(id=pd.array(new_ids, dtype=table["id"].dtype))
    elif "contradictions" in table.columns and name == "claims":
        table = table.assign(contradictions=_renamed_lists(table["contradictions"], new_ids))
        if "why" in table.columns and len(new_ids):  # "excluded in C3, lighter than ..."
            table = table.assign(why=table["why"].astype(object).str.replace(
                _CONTRADICTION_ID, lambda found: new_ids[int(found.group(1)) - 1], regex=True))
    return _as_text(table)


#: a contradiction id as the `why` of a claim names it
_CONTRADICTION_ID = re.compile(r"\bC(\d+)\b")


def _renamed_lists(lists: pd.Series, new_ids: np.ndarray) -> pd.Series:
    """Lists of contradiction ids ``C<k>`` (k from 1) with each id replaced by ``new_ids[k - 1]``."""
    if isinstance(lists.dtype, pd.ArrowDtype):
        array = pa.array(lists.array)
        array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
        items = array.flatten()
        if len(items) == 0:
            return lists
        local = pc.cast(pc.utf8_slice_codeunits(items, 1), pa.int64()).to_numpy() - 1
        renamed = pa.array(new_ids[local], items.type)
        offsets = pc.subtract(array.offsets, array.offsets[0])
        rebuilt = type(array).from_arrays(offsets, renamed, mask=array.is_null())
        return pd.Series(pd.array(rebuilt, dtype=lists.dtype), index=lists.index)
    return lists.map(lambda ids: tuple(new_ids[int(i[1:]) - 1] for i in ids))
