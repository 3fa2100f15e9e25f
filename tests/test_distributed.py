"""The Dask engine (estimates.distributed): the same results as in-process, on a LocalCluster of 2 workers."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("distributed", reason="the Dask engine needs estimates[dask]")
from distributed import Client, LocalCluster

from estimates import distributed, report
from estimates.cli import main
from estimates.errors import OutputError
from estimates.reconcile import Reconciliation, reconcile

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
import generate

#: the order-free key of each table's rows
KEYS = {"ranges": ["quantity", "as_of"], "contradictions": ["id"], "claims": ["id"],
        "changes": ["quantity", "from_as_of"], "revisions": None}


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Dask's notes on the ports and memory of a test cluster
        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0",
                          silence_logs=40) as cluster, Client(cluster) as client:
            yield client


def analyst_tables(seed: int = 4) -> tuple[pd.DataFrame, list[str]]:
    """Generated claims with linked groups (relations), running totals, rates, planted
    contradictions, expression claims (a share of killed in casualties) and revisions (a
    source's later figure for the same quantity, time and period)."""
    frame = generate.generate_claims(6000, 900, relation_groups=40, seed=seed).astype(str)
    rng = np.random.default_rng(seed)
    revised = frame.sample(300, random_state=seed).copy()
    revised["id"] = "r" + revised["id"]
    later = pd.to_datetime(revised["published"]) + pd.Timedelta(days=40)
    revised["published"] = later.dt.strftime("%Y-%m-%d")
    figures = "about " + (rng.integers(1, 90, 300) * 1000).astype(str)
    revised["value"] = np.where(revised["value"] != "", figures, "")
    shares = pd.DataFrame({
        "id": [f"s{g}" for g in range(30)],
        "quantity": [f"g{g}.killed / g{g}.casualties" for g in range(30)],
        "value": ["approximately a third"] * 30, "as_of": ["2024-06-01"] * 30,
        "claimant": [f"Analyst {g}" for g in range(30)]})
    # two expressions linking groups that no relation links, spaced as a person types them
    shares.loc[0, "quantity"] = "g0.killed  /  g1.casualties"
    claims = pd.concat([frame, revised, shares], ignore_index=True).fillna("")
    return claims, generate.generate_relations(40)


def comparable(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """A table as text cells (lists as tuples), rows in the order of their key."""
    cells = table.reset_index(drop=True).astype(object)
    def cell(v: object) -> object:
        if isinstance(v, (list, tuple, np.ndarray)):
            return tuple(v)
        return None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v)

    for column in cells.columns:
        cells[column] = pd.Series([cell(v) for v in cells[column]], dtype=object)
    key = KEYS.get(name) or list(cells.columns)
    return cells.sort_values(key, kind="stable").reset_index(drop=True)


def assert_same_results(local: Reconciliation, spread: Reconciliation) -> None:
    names = [f for f in local.__dataclass_fields__]
    for name in names:
        pd.testing.assert_frame_equal(comparable(getattr(spread, name), name),
                                      comparable(getattr(local, name), name), obj=name)


def test_dask_engine_gives_the_in_process_results_on_linked_groups_running_totals_and_revisions(
        client: Client) -> None:
    claims, relations = analyst_tables()
    local = reconcile(claims, relations)
    assert len(local.contradictions) > 50 and local.claims["status"].eq("excluded").any()
    assert local.ranges["derived"].any()  # relations bound quantities no claim names
    spread = distributed.reconcile(claims, relations, client=client, partition_rows=1500).compute()
    assert_same_results(local, spread)


def test_contradiction_ids_are_unique_across_partitions_and_equal_to_in_process(client: Client) -> None:
    claims, relations = analyst_tables(seed=7)
    result = distributed.reconcile(claims, relations, client=client, partition_rows=500)
    assert result.contradictions.npartitions > 5
    spread = result.compute()
    assert spread.contradictions["id"].is_unique
    local = reconcile(claims, relations).contradictions
    by_id = {row.id: (row.quantity, tuple(sorted(row.claims))) for row in local.itertuples()}
    assert {row.id: (row.quantity, tuple(sorted(row.claims))) for row in spread.contradictions.itertuples()} \
        == by_id


def test_linked_quantities_share_a_partition() -> None:
    linked = distributed._linked_groups(
        [next(iter(__import__("estimates").read_relations(["a = b + c"])))], ["d / b", "e/f"])
    assert linked["a"] == linked["b"] == linked["c"] == linked["d"] == linked["d / b"] == "a"
    assert linked["e"] == linked["f"] == linked["e/f"] != "a"


def test_command_line_reads_a_parquet_folder_and_writes_parquet_tables_equal_to_in_process(
        tmp_path: Path, client: Client) -> None:
    claims, relations = analyst_tables(seed=9)
    folder = tmp_path / "claims"
    folder.mkdir()
    for number, start in enumerate(range(0, len(claims), 2500)):
        claims.iloc[start:start + 2500].to_parquet(folder / f"part-{number}.parquet")
    (tmp_path / "relations.txt").write_text("\n".join(relations) + "\n")
    out, expected = tmp_path / "out", tmp_path / "expected"
    code = main(["reconcile", str(folder), "--relations", str(tmp_path / "relations.txt"),
                 "--engine", "dask", "--scheduler", client.scheduler.address,
                 "--format", "parquet", "-o", str(out)])
    assert code == 0
    assert main(["reconcile", str(folder), "--relations", str(tmp_path / "relations.txt"),
                 "--format", "parquet", "-o", str(expected)]) == 0
    names = sorted(p.name for p in expected.iterdir())
    assert sorted(p.name for p in out.iterdir()) == names
    assert {"ranges.parquet", "contradictions.parquet", "claims.parquet", "changes.parquet"} <= set(names)
    for name in names:
        table = name.removesuffix(".parquet")
        pd.testing.assert_frame_equal(comparable(pd.read_parquet(out / name), table),
                                      comparable(pd.read_parquet(expected / name), table), obj=table)


def test_command_line_dask_engine_refuses_bad_rows_as_in_process_does(
        tmp_path: Path, client: Client, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("id,quantity,value,as_of\nc1,a.b,10,2024-01-01\nc2,a.b,lots,2024-01-02\n")
    code = main(["reconcile", str(path), "--engine", "dask", "--scheduler", client.scheduler.address])
    error = capsys.readouterr().err
    assert code == 2 and f"{path}:3:value:" in error and "Traceback" not in error
    code = main(["reconcile", str(path), "--engine", "dask", "--scheduler", client.scheduler.address,
                 "--format", "parquet", "-o", str(tmp_path / "out")])
    assert code == 2 and f"{path}:3:value:" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv"]  # no folder, no leftovers
    assert main(["reconcile", str(path), "--engine", "dask", "--scheduler", client.scheduler.address,
                 "--skip-invalid", "--format", "json"]) == 0
    statuses = {c["id"]: c["status"] for c in json.loads(capsys.readouterr().out)["claims"]}
    assert statuses == {"c1": "kept", "c2": "invalid"}


def test_in_process_path_does_not_import_dask(tmp_path: Path) -> None:
    """Only estimates.distributed imports Dask; a run in-process loads neither dask.dataframe
    nor distributed (pint alone loads dask's small core when Dask is installed)."""
    path = tmp_path / "claims.csv"
    path.write_text("id,quantity,value,as_of\nc1,a.b,10,2024-01-01\nc2,a.b,30,2024-01-02\n")
    out = tmp_path / "o.json"
    script = ("import sys\nfrom estimates.cli import main\n"
              f"code = main(['reconcile', {str(path)!r}, '--format', 'json', '-o', {str(out)!r}])\n"
              "assert code == 0, code\n"
              "print(sorted(m for m in sys.modules if m.startswith(('dask.dataframe', 'distributed'))))\n")
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
    source = Path(distributed.__file__).parent
    importers = set()
    for module in source.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(name.split(".")[0] in ("dask", "distributed") for name in names):
                importers.add(module.name)
    assert importers == {"distributed.py"}


def test_parquet_tables_read_whole_when_some_partitions_have_no_rows(tmp_path: Path, client: Client) -> None:
    frame = pd.DataFrame({"id": ["a", "b", "c"], "quantity": ["x", "x", "y"], "value": ["10", "20", "5"],
                          "as_of": ["2024-01-01"] * 3})
    distributed.write_parquet(frame, None, tmp_path / "out", client=client, partition_rows=1)
    contradictions = pd.read_parquet(tmp_path / "out" / "contradictions.parquet")
    assert contradictions[["id", "quantity"]].values.tolist() == [["C1", "x"]]
    assert sorted(pd.read_parquet(tmp_path / "out" / "claims.parquet")["id"]) == ["a", "b", "c"]
    assert len(pd.read_parquet(tmp_path / "out" / "changes.parquet")) == 0


def test_parquet_tables_of_many_partitions_carry_the_in_process_contradiction_ids(
        tmp_path: Path, client: Client) -> None:
    """write_parquet numbers contradictions from the partitions' files (issue 20): ids, the
    claims' lists and their `why` equal the in-process tables across a dozen partitions."""
    claims, relations = analyst_tables(seed=11)
    distributed.write_parquet(claims, relations, tmp_path / "out", client=client, partition_rows=500)
    report.write(reconcile(claims, relations), "parquet", str(tmp_path / "expected"))
    assert len(list((tmp_path / "out" / "ranges.parquet").iterdir())) > 10
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == \
        sorted(p.name for p in (tmp_path / "expected").iterdir())  # no .pending folder left
    for path in (tmp_path / "expected").iterdir():
        table = path.name.removesuffix(".parquet")
        pd.testing.assert_frame_equal(comparable(pd.read_parquet(tmp_path / "out" / path.name), table),
                                      comparable(pd.read_parquet(path), table), obj=table)
    why = pd.read_parquet(tmp_path / "out" / "claims.parquet")["why"].dropna()
    assert why.str.contains(r"\bC\d+\b").any()  # the renamed ids in the claims' reasons


def test_parquet_folder_holding_the_users_other_files_is_refused_as_in_process(
        tmp_path: Path, client: Client) -> None:
    frame = pd.DataFrame({"id": ["a"], "quantity": ["x"], "value": ["10"], "as_of": ["2024-01-01"]})
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="holds other files"):
        distributed.write_parquet(frame, None, tmp_path, client=client)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    distributed.write_parquet(frame, None, tmp_path / "out", client=client)
    distributed.write_parquet(frame, None, tmp_path / "out", client=client)  # an earlier output is replaced
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "changes.parquet", "claims.parquet", "contradictions.parquet", "ranges.parquet", "revisions.parquet"]


def test_seed_articles_reconcile_alike_on_dask_in_json(
        tmp_path: Path, client: Client, capsys: pytest.CaptureFixture[str]) -> None:
    """The analyst's own file (data/estimates.csv with its relations): the North Korean troop
    figures that the relations link, the running total of Russian losses and its rates."""
    data = Path(__file__).parents[1] / "data"
    common = ["reconcile", str(data / "estimates.csv"), "--relations", str(data / "relations.txt"),
              "--format", "json"]
    assert main([*common, "--engine", "dask", "--scheduler", client.scheduler.address]) == 0
    spread = json.loads(capsys.readouterr().out)
    assert main(common) == 0
    local = json.loads(capsys.readouterr().out)
    assert list(spread) == list(local)
    for name in local:
        assert sorted(map(json.dumps, spread[name])) == sorted(map(json.dumps, local[name])), name
    # the linked troop figures have ranges on both engines; the tied losses are disputed alike
    assert any(r["quantity"] == "dprk.troops.in_russia" for r in local["ranges"])
    assert sorted(c["id"] for c in local["claims"] if c["status"] == "disputed") == \
        ["s0-russia-losses-712610", "s0-russia-losses-radakin-700000"]
