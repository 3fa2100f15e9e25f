"""Reconciling on a Dask cluster: claims partitioned by connected group of quantities.

Claims about quantities that no relation and no expression claim links are independent, so
the table splits into *groups*: the driver finds the connected groups from the relations and
the distinct expression claims (both small), the claims are shuffled by their group's key
(each piece of the input split by the key's hash into Arrow tables, each partition's parts
joined: `_Tagged.each_partition`), and each partition is reconciled by the in-process
engine, `estimates.reconcile.reconcile`, unchanged. The results
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
import shutil
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
from distributed import Client, Future, LocalCluster, as_completed, wait
from distributed import progress as progress_bar
from numpy.typing import NDArray

from estimates.claimfiles import _text_dictionary, claim_files, is_parquet, text_frame
from estimates.claims import UnknownColumnWarning, _is_expression, read_claims
from estimates.csvfile import _NEARLY_UNIQUE
from estimates.destination import fill_folder
from estimates.errors import ClaimsError, EstimatesError, UsageError
from estimates.expression import Relation, read_expression, read_relations
from estimates.output import parquet_table, result_tables
from estimates.reconcile import DEFAULT_WINDOW, Reconciliation
from estimates.reconcile import reconcile as reconcile_in_process

__all__ = ["PARTITION_ROWS", "DistributedReconciliation", "check_valid", "local_client", "reconcile",
           "write_parquet"]

#: claims per partition after the shuffle, unless told otherwise: large enough that the
#: per-partition cost is small beside the work, small enough that a 2 GB worker holds one
PARTITION_ROWS = 1_000_000
_LINE = "_estimates_line"
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
        (each partition reconciled once), the folder as one unit
        (`estimates.destination.fill_folder`)."""
        fill_folder(folder, self._write_parts, [f"{name}.parquet" for name in self.tables])

    def _write_parts(self, folder: Path) -> None:
        self._write_tables(folder, tuple(self.tables))
        _unify_empty_parts(folder)

    def _write_tables(self, folder: Path, names: Sequence[str]) -> None:
        """Write the tables `names` into `folder` (not as a unit: see `to_parquet`)."""
        writes = []
        for name in names:
            table = self.tables[name]
            for number, part in enumerate(table.to_delayed()):
                writes.append(delayed(_write_part)(part, _part_path(folder, name, number)))
        dask.compute(*writes)


def _part_path(folder: Path, name: str, number: int) -> Path:
    return folder / f"{name}.parquet" / f"part.{number}.parquet"


def _write_part(frame: pd.DataFrame, path: Path) -> None:
    """Write a table's part (its folder made if need be); dictionaries of text with 32-bit
    indices in every part, whatever the number of distinct texts, so the parts read as one."""
    table = parquet_table(frame)
    for position, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):  # of no text at all (no category): of text
            texts = pa.string() if pa.types.is_null(field.type.value_type) else field.type.value_type
            table = table.set_column(position, field.name, table.column(position).cast(
                pa.dictionary(pa.int32(), texts)))
    path.parent.mkdir(exist_ok=True)
    pq.write_table(table, path)


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
    parts = _tagged_claims(claims, relations, partition_rows).each_partition(
        client, _reconcile_part, int(window))
    if progress:
        progress_bar(parts)
    wait(parts)
    return _renumbered(client, parts)


def write_parquet(claims: dd.DataFrame | pd.DataFrame | str | Path | Sequence[str | Path],
                  relations: str | Path | Iterable[str | Relation] | None, folder: str | Path, *,
                  client: Client | None = None, window: int = DEFAULT_WINDOW,
                  partition_rows: int = PARTITION_ROWS, progress: bool = False,
                  skip_invalid: bool = True) -> None:
    """`reconcile` and write every table to `folder` as ``NAME.parquet/part.N.parquet``, the
    folder as one unit; with ``skip_invalid=False``, a `ClaimsError` listing every invalid
    row instead (and no folder). Each partition writes its tables as soon as it is
    reconciled, its contradictions numbered within it; the driver then ranks the
    contradictions' keys of all partitions and each partition with contradictions rewrites
    them, and the claims that name them, with their final ids. The cluster holds no table."""
    client = client or Client.current()

    def write(target: Path) -> None:
        pending = target / _PENDING
        pending.mkdir()
        tagged = _tagged_claims(claims, relations, partition_rows)
        parts = tagged.each_partition(client, _write_reconciled_part, int(window), target, folder=pending)
        if progress:
            progress_bar(parts)
        keys = _gathered_keys(client, parts)
        renamed = [client.submit(_write_renumbered_part, target, number, numbers, len(keys), pure=False)
                   for number, numbers in enumerate(_ranks(keys)) if len(numbers)]
        wait(renamed)
        client.gather(renamed)  # raises a task's error
        shutil.rmtree(pending)
        _unify_empty_parts(target)
        if not skip_invalid:
            check_valid(pd.read_parquet(target / "claims.parquet", columns=["line", "problem"],
                                        filters=[("problem", "!=", "")]), str(claims))

    fill_folder(folder, write, [f"{name}.parquet" for name in Reconciliation.__dataclass_fields__])


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


#: a hidden folder inside the output, for the tables that wait for their contradiction ids
_PENDING = ".pending"


@dataclass(frozen=True)
class _Tagged:
    """The claims read in pieces (Arrow tables of text, with each row's line), ready to be
    shuffled by group."""

    #: a Delayed `pa.Table` per piece of the input, in the input's order
    pieces: list[Any]
    #: how many partitions to shuffle them into
    partitions: int
    #: each quantity name that a relation or an expression links, with its group's key
    linked: dict[str, str]
    #: each relation with its group's key
    rules: list[tuple[str, Relation]]

    def each_partition(self, client: Client, task: Any, *arguments: Any,
                       folder: Path | None = None) -> list[Future]:
        """``task(tables, linked, rules, *arguments, number)`` on each partition of the
        shuffle: `tables`, a part of each piece, hold every claim of the partition's groups,
        in the input's order.

        The shuffle is a graph of two steps, each piece split by group (`_split`), each
        partition's parts joined by `task`: Arrow tables, whose text columns stay dictionaries,
        cost a fraction of `dask.dataframe.DataFrame.shuffle`'s pandas frames
        (docs/distributed.md). With a `folder`, the parts are Arrow files there (`_Spilled`),
        not held in the workers' memory until every piece is split: a worker then holds one
        piece or one partition at a time, whatever the size of the input."""
        linked, rules = client.scatter([self.linked, self.rules], broadcast=True)
        splits = [delayed(_split, nout=self.partitions)(piece, linked, self.partitions, folder, number)
                  for number, piece in enumerate(self.pieces)]
        futures: list[Future] = client.compute([
            delayed(task)([split[number] for split in splits], linked, rules, *arguments, number)
            for number in range(self.partitions)])
        return futures


def _tagged_claims(claims: Any, relations: Any, partition_rows: int) -> _Tagged:
    """The claims read in pieces with their lines, and the groups that relations and
    expressions link (a first pass finds each piece's length, for line numbers, and the
    expression claims, for the groups).

    Parquet files are read by row group: their lengths come from the files' footers and the
    expressions from the ``quantity`` column alone, so the claims are read whole only once."""
    rules = () if relations is None else read_relations(relations)
    row_groups = _parquet_pieces(claims)
    if row_groups is None:
        frame = _claims_frame(claims)
        if "quantity" not in frame.columns:
            raise UsageError("the claims have no quantity column")
        columns = [str(name) for name in frame.columns]
        lengths, expressions = dask.compute(
            frame.map_partitions(len, meta=(None, int)),
            frame["quantity"].map_partitions(_expressions, meta=(None, object)))
        sources = frame.to_delayed()
    else:
        columns = _united_columns(path for path, _, _ in row_groups)
        lengths = [rows for _, _, rows in row_groups]
        expressions = dask.compute(*[delayed(_parquet_expressions)(path, group)
                                     for path, group, _ in row_groups])
        expressions = [name for names in expressions for name in names]
        sources = [(path, group) for path, group, _ in row_groups]
    _warn_unknown_columns(columns)
    starts = np.r_[0, np.cumsum(np.asarray(lengths, dtype=np.int64))[:-1]] + 2
    linked = _linked_groups(rules, pd.unique(np.asarray(expressions, dtype=object)))
    pieces = [delayed(_piece)(source, columns, int(start))
              for source, start in zip(sources, starts, strict=True)]
    by_group = [(linked[rule.names[0]], rule) if rule.names else ("", rule) for rule in rules]
    return _Tagged(pieces, max(1, math.ceil(int(np.sum(lengths)) / partition_rows)), linked, by_group)


def _claims_frame(claims: Any) -> dd.DataFrame:
    """The raw claims as a Dask DataFrame of text columns."""
    if isinstance(claims, dd.DataFrame):
        return claims
    if isinstance(claims, pd.DataFrame):
        return dd.from_pandas(claims.astype(object), npartitions=max(1, math.ceil(len(claims) / 1e6)))
    files = _claim_files(claims)
    if any(map(is_parquet, files)):
        raise UsageError("the Dask engine reads CSV or Parquet files, not both at once")
    return dd.read_csv([str(file) for file in files], dtype=str, keep_default_na=False,
                       blocksize=None)


def _claim_files(claims: str | Path | Sequence[str | Path]) -> list[Path]:
    paths = [claims] if isinstance(claims, (str, Path)) else list(claims)
    files = [file for path in paths for file in claim_files(path)]
    if not files:
        raise UsageError("no claim files given")
    return files


def _parquet_pieces(claims: Any) -> list[tuple[str, int, int]] | None:
    """Each row group of the Parquet files `claims` names, as (path, row group, rows); None
    when `claims` are not only Parquet files."""
    if isinstance(claims, (dd.DataFrame, pd.DataFrame)):
        return None
    files = _claim_files(claims)
    if not all(map(is_parquet, files)):
        return None
    pieces = []
    for file in files:
        footer = pq.ParquetFile(file).metadata
        pieces += [(str(file), group, footer.row_group(group).num_rows)
                   for group in range(footer.num_row_groups) if footer.row_group(group).num_rows]
    if not pieces:
        raise UsageError("the claim files hold no rows")
    return pieces


def _united_columns(paths: Iterable[str]) -> list[str]:
    """The columns of every file, in order of first appearance (as the in-process reader unites them)."""
    columns: list[str] = []
    for path in dict.fromkeys(paths):
        columns += [name for name in pq.read_schema(path).names if name not in columns]
    if "quantity" not in columns:
        raise UsageError("the claims have no quantity column")
    return columns


def _piece(source: pd.DataFrame | tuple[str, int], columns: Sequence[str], start: int) -> pa.Table:
    """A piece of the input (a pandas partition, or a Parquet file's row group) as an Arrow
    table of the `columns` of all pieces (those it lacks empty) and `_LINE`, its first row on
    line `start`. Text of few distinct values is a dictionary with 32-bit indices, the rest
    plain text, so that every piece has one schema."""
    if isinstance(source, pd.DataFrame):
        table = pa.Table.from_pandas(source, preserve_index=False)
    else:
        path, group = source
        coded = [name for name in pq.read_schema(path).names if name.strip().lower() not in _NEARLY_UNIQUE]
        table = pq.ParquetFile(path, read_dictionary=coded).read_row_group(group)
    texts = {}
    for name in columns:
        column = table.column(name) if name in table.column_names else \
            pa.chunked_array([pa.nulls(table.num_rows, pa.string())])
        if name.strip().lower() in _NEARLY_UNIQUE:
            texts[name] = _plain_text(column).cast(pa.large_string())
        elif _text_dictionary(column):
            texts[name] = column.cast(_DICTIONARY)
        else:
            texts[name] = pa.chunked_array([_plain_text(column).combine_chunks().dictionary_encode()],
                                           pa.dictionary(pa.int32(), pa.string())).cast(_DICTIONARY)
    texts[_LINE] = pa.chunked_array([pa.array(np.arange(start, start + table.num_rows, dtype=np.int64))])
    return pa.table(texts)


#: the type of the text columns with few distinct texts in the shuffle
_DICTIONARY = pa.dictionary(pa.int32(), pa.string())


def _plain_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A column as text, as `estimates.claimfiles.text_frame` reads it (numbers as their text)."""
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    return column.cast(pa.string())


@dataclass(frozen=True)
class _Spilled:
    """A part of a piece, written as an Arrow file."""

    #: the file
    path: Path

    def read(self) -> pa.Table:
        """The part, memory-mapped (its file is removed by `_write_reconciled_part` once the
        partition is written, so that a task run again on another worker finds it)."""
        with pa.memory_map(str(self.path)) as source:
            return pa.ipc.open_file(source).read_all()

    @classmethod
    def write(cls, table: pa.Table, path: Path) -> _Spilled:
        options = pa.ipc.IpcWriteOptions(unify_dictionaries=True)
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema, options=options) as file:
            file.write_table(table)
        return cls(path)


def _split(table: pa.Table, linked: Mapping[str, str], partitions: int, folder: Path | None = None,
           number: int = 0) -> tuple[pa.Table | _Spilled, ...]:
    """A piece's rows, split by the partition of their group (a hash of its key), each part
    in the piece's order; with a `folder`, each part written there as ``split.NUMBER.PART.arrow``."""
    quantity = table.column("quantity").combine_chunks()
    names = _quantity_names(quantity.dictionary.to_numpy(zero_copy_only=False))
    keys = (names.map(linked).fillna(names) if linked else names).to_numpy(object)
    hashes = pd.util.hash_array(np.append(keys, ""), categorize=False)  # the same in every process
    target = (hashes % np.uint64(partitions)).astype(np.int64)
    rows = target[pc.fill_null(quantity.indices, len(keys)).to_numpy()]  # no quantity: key ""
    order = np.argsort(rows, kind="stable")
    ends = np.cumsum(np.bincount(rows, minlength=partitions))
    ordered = table.take(pa.array(order))
    parts = [_compacted(ordered.slice(end - size, size))
             for end, size in zip(ends, np.diff(np.r_[0, ends]), strict=True)]
    if folder is None:
        return tuple(parts)
    return tuple(_Spilled.write(part, folder / f"split.{number}.{position}.arrow")
                 for position, part in enumerate(parts))


def _parquet_expressions(path: str, group: int) -> list[str]:
    """The expressions among the quantities of a row group, read from its quantity column alone."""
    column = pq.ParquetFile(path, read_dictionary=["quantity"]).read_row_group(
        group, columns=["quantity"]).column(0)
    if pa.types.is_dictionary(column.type):
        names = pc.unique(pa.chunked_array([chunk.dictionary for chunk in column.chunks],
                                           column.type.value_type))
    else:
        names = pc.unique(column)
    texts = pd.Series(names.cast(pa.string()).to_numpy(zero_copy_only=False), dtype=object)
    return _expressions(texts.fillna("")).tolist()


def _warn_unknown_columns(columns: Iterable[Any]) -> None:
    """The in-process reader's warning for each unknown column, once, from the driver."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownColumnWarning)
        known = set(read_claims(pd.DataFrame({"id": ["a"], "quantity": ["x"], "low": ["1"],
                                              "as_of": ["2024"]})).columns)
    known |= {"value", "period", "kind", "outlet", "published", "document", "quote", "confidence",
              "grade", "note"}
    for position, column in enumerate(columns, start=1):
        if str(column).strip().lower() not in known:
            warnings.warn(f"<claims>:1:{column}: unknown column {column!r} (column {position}) "
                          "is ignored", UnknownColumnWarning, stacklevel=4)


def _expressions(quantity: pd.Series) -> pd.Series:
    """The distinct quantities of a partition that are expressions, as the reader writes them."""
    names = _quantity_names(pd.unique(quantity.astype(object).fillna("").astype(str).to_numpy()))
    return pd.Series(names[_is_expression(names).to_numpy(bool)], dtype=object)


def _quantity_names(texts: Any) -> pd.Series:
    """Quantity texts as the claims reader names them: stripped, an expression's spacing made one."""
    names = pd.Series(texts, dtype=object).fillna("").astype(str).str.strip()
    expression = _is_expression(names).to_numpy(bool)
    if expression.any():
        names[expression] = [" ".join(text.split()) for text in names[expression]]
    return names


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


@dataclass(frozen=True)
class _Part:
    """One partition's reconciliation, with its contradictions' sort keys."""

    #: the partition's tables, contradictions numbered C1.. in the partition
    tables: dict[str, pd.DataFrame]
    #: each contradiction's key: its quantity, then its sorted claim ids, joined by NUL
    keys: pa.Array


def _compacted(part: pa.Table) -> pa.Table:
    """A part with each dictionary larger than its rows made anew from its rows' texts: a
    slice keeps the whole dictionary of its piece (all the quantities of a row group), which
    a file or a transfer would copy into every part."""
    for position, column in enumerate(part.columns):
        if pa.types.is_dictionary(column.type) and \
                sum(len(chunk.dictionary) for chunk in column.chunks) > part.num_rows:
            part = part.set_column(position, part.field(position),
                                   column.cast(column.type.value_type).cast(column.type))
    return part


def _reconciled_tables(parts: Sequence[pa.Table | _Spilled], linked: Mapping[str, str],
                       rules: Sequence[tuple[str, Relation]], window: int) -> dict[str, pd.DataFrame]:
    """A partition (`parts` of the pieces, in the input's order) reconciled by the in-process
    engine, on the relations of its groups (`rules`: each relation with its group's key), its
    contradictions numbered C1.. in it."""
    table = pa.concat_tables([part.read() if isinstance(part, _Spilled) else part for part in parts])
    # text as a claims file's reader gives it (Categoricals made by Arrow)
    raw = text_frame(table.drop_columns([_LINE])).assign(line=table.column(_LINE).to_numpy(), problem=None)
    del table
    names = _quantity_names(raw["quantity"].cat.categories)
    groups = set(names.map(linked).fillna(names)) if linked else set(names)
    touching = [rule for group, rule in rules if group in groups]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownColumnWarning)  # line, problem: told once by the driver
        claims = read_claims(raw, skip_invalid=True)
    del raw
    return result_tables(reconcile_in_process(claims, touching, window=window))


def _reconcile_part(parts: Sequence[pa.Table], linked: Mapping[str, str],
                    rules: Sequence[tuple[str, Relation]], window: int, number: int) -> _Part:
    """A partition's tables, kept in the cluster for `_renumbered`."""
    tables = _reconciled_tables(parts, linked, rules, window)
    return _Part(tables, _contradiction_keys(tables["contradictions"]))


def _write_reconciled_part(parts: Sequence[pa.Table | _Spilled], linked: Mapping[str, str],
                           rules: Sequence[tuple[str, Relation]], window: int, folder: Path,
                           number: int) -> pa.Array:
    """Reconcile a partition and write its tables into `folder` as part `number`: final,
    except its contradictions and the claims that name them, which go to `_PENDING` for
    `_write_renumbered_part`. Returns the contradictions' keys."""
    tables = _reconciled_tables(parts, linked, rules, window)
    contradictions = tables["contradictions"]
    if len(contradictions):
        claims = tables.pop("claims")
        named = _names_contradictions(claims)
        _write_part(claims[~named], _part_path(folder, "claims", number))
        _write_part(claims[named], folder / _PENDING / f"claims.{number}.parquet")
        _write_part(tables.pop("contradictions"), folder / _PENDING / f"contradictions.{number}.parquet")
    for name, table in tables.items():
        _write_part(table, _part_path(folder, name, number))
    for part in parts:
        if isinstance(part, _Spilled):
            part.path.unlink(missing_ok=True)
    return _contradiction_keys(contradictions)


def _names_contradictions(claims: pd.DataFrame) -> NDArray[np.bool_]:
    """True for each claim whose contradictions or `why` name a contradiction's id."""
    named = np.zeros(len(claims), dtype=bool)
    if "contradictions" in claims.columns:
        named |= _list_lengths(claims["contradictions"]) > 0
    if "why" in claims.columns:
        named |= claims["why"].astype(str).str.contains(_CONTRADICTION_ID.pattern.replace("(", "(?:"))\
            .to_numpy(bool)
    return named


def _list_lengths(lists: pd.Series) -> NDArray[np.int64]:
    if isinstance(lists.dtype, pd.ArrowDtype):
        return pc.fill_null(pc.list_value_length(pa.array(lists.array)), 0).to_numpy()
    return lists.map(len, na_action="ignore").fillna(0).to_numpy(np.int64)


def _contradiction_keys(contradictions: pd.DataFrame) -> pa.Array:
    quantity = contradictions["quantity"].astype(object).to_numpy()
    ids = contradictions["claims"].tolist()
    keys = [_SEPARATOR.join([name, *sorted(map(str, members))])
            for name, members in zip(quantity, ids, strict=True)]
    return pa.array(keys, pa.large_string())


def _gathered_keys(client: Client, parts: list[Future]) -> list[pa.Array]:
    """Each partition's contradiction keys, gathered as the partitions finish (each future
    released once gathered), in partition order."""
    keys: list[pa.Array | None] = [None] * len(parts)
    number = {part.key: position for position, part in enumerate(parts)}
    for part, found in as_completed(parts, with_results=True):
        keys[number[part.key]] = found
        part.release()
    return [key for key in keys if key is not None]


def _ranks(keys: Sequence[pa.Array]) -> list[NDArray[np.int64]]:
    """Each partition's contradictions' numbers: their keys' ranks (from 1) among all keys."""
    sizes = [len(k) for k in keys]
    order = pc.sort_indices(pa.chunked_array(keys, pa.large_string())).to_numpy()
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(1, order.size + 1)
    return np.split(rank, np.cumsum(sizes)[:-1]) if sizes else []


def _write_renumbered_part(folder: Path, number: int, numbers: NDArray[np.int64], partitions: int) -> None:
    """Write part `number`'s pending contradictions and the claims naming them with their
    final ids (the claims as part ``partitions + number``: the partition's others are part
    `number`)."""
    new_ids = np.strings.add("C", numbers.astype(str)).astype(object)
    for name, part in (("contradictions", number), ("claims", partitions + number)):
        pending = folder / _PENDING / f"{name}.{number}.parquet"
        table = pq.read_table(pending)
        if name == "contradictions":
            table = _replaced(table, "id", pa.array(new_ids, pa.string()))
        else:
            table = _replaced(table, "contradictions", _renamed_list_array(
                table.column("contradictions").combine_chunks(), new_ids))
            if "why" in table.column_names:
                why = table.column("why").to_pandas().astype(object)
                table = _replaced(table, "why", pa.array(_renamed_why(why, new_ids), pa.string()))
        _part_path(folder, name, part).parent.mkdir(exist_ok=True)
        pq.write_table(table, _part_path(folder, name, part))
        pending.unlink()


def _replaced(table: pa.Table, name: str, column: pa.Array) -> pa.Table:
    """`table` with its column `name` replaced by `column`, cast to the type it had."""
    position = table.column_names.index(name)
    field = table.schema.field(position)
    return table.set_column(position, field, column.cast(field.type))


def _renumbered(client: Client, parts: list[Future]) -> DistributedReconciliation:
    """The tables of every partition, contradictions numbered by their rank in all of them."""
    numbers = _ranks(client.gather([client.submit(_keys_of, part, pure=False) for part in parts]))
    metas = client.gather(client.submit(_empty_tables, parts[0], pure=False)) if parts else {}
    tables = {}
    for name, meta in metas.items():
        pieces = [delayed(_final_part_table)(part, name, number)
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


def _final_part_table(part: _Part, name: str, numbers: NDArray[np.int64]) -> pd.DataFrame:
    return _as_text(_final_table(part.tables[name], name, numbers))


def _final_table(table: pd.DataFrame, name: str, numbers: NDArray[np.int64]) -> pd.DataFrame:
    """A partition's table `name` with its contradiction ids ``C<k>`` renamed ``C<numbers[k-1]>``."""
    new_ids = np.strings.add("C", numbers.astype(str)).astype(object)
    if name == "contradictions" and len(table):
        table = table.assign(id=pd.array(new_ids, dtype=table["id"].dtype))
    elif "contradictions" in table.columns and name == "claims":
        table = table.assign(contradictions=_renamed_lists(table["contradictions"], new_ids))
        if "why" in table.columns and len(new_ids):  # "excluded in C3, lighter than ..."
            table = table.assign(why=_renamed_why(table["why"].astype(object), new_ids))
    return table


#: a contradiction id as the `why` of a claim names it
_CONTRADICTION_ID = re.compile(r"\bC(\d+)\b")


def _renamed_lists(lists: pd.Series, new_ids: np.ndarray) -> pd.Series:
    """Lists of contradiction ids ``C<k>`` (k from 1) with each id replaced by ``new_ids[k - 1]``."""
    if isinstance(lists.dtype, pd.ArrowDtype):
        array = pa.array(lists.array)
        array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
        return pd.Series(pd.array(_renamed_list_array(array, new_ids), dtype=lists.dtype), index=lists.index)
    return lists.map(lambda ids: tuple(new_ids[int(i[1:]) - 1] for i in ids))


def _renamed_list_array(array: pa.Array, new_ids: np.ndarray) -> pa.Array:
    """`_renamed_lists` on an Arrow array of lists."""
    items = array.flatten()
    if len(items) == 0:
        return array
    local = pc.cast(pc.utf8_slice_codeunits(items, 1), pa.int64()).to_numpy() - 1
    renamed = pa.array(new_ids[local], items.type)
    offsets = pc.subtract(array.offsets, array.offsets[0])
    return type(array).from_arrays(offsets, renamed, mask=array.is_null())


def _renamed_why(why: pd.Series, new_ids: np.ndarray) -> pd.Series:
    """Each contradiction id ``C<k>`` that the texts `why` name renamed ``new_ids[k - 1]``."""
    return why.str.replace(_CONTRADICTION_ID, lambda found: new_ids[int(found.group(1)) - 1], regex=True)
