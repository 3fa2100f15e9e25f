"""The notebooks run top to bottom on a fresh kernel, and show the numbers they are about."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def executed(name: str) -> nbformat.NotebookNode:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    return notebook


def output_text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                parts.append(output.text)
            elif "data" in output:
                parts.append(output.data.get("text/plain", ""))
    return "\n".join(parts)


def images(notebook: nbformat.NotebookNode) -> int:
    return sum("image/png" in output.get("data", {}) for cell in notebook.cells
               for output in cell.get("outputs", []))


@pytest.fixture(scope="module")
def north_korea() -> nbformat.NotebookNode:
    return executed("01_north_korean_deployment.ipynb")


@pytest.fixture(scope="module")
def russia() -> nbformat.NotebookNode:
    return executed("02_russian_losses_arithmetic.ipynb")


def test_north_korean_notebook_runs_and_explains_each_contradiction(
        north_korea: nbformat.NotebookNode) -> None:
    text = output_text(north_korea)
    assert "Eleven thousand North Korean soldiers" in text
    assert "dprk.killed.kursk" in text and "dprk.wounded.kursk" in text
    # coarse dates pin no day (issue 15): the seed claims hold together, and growth shows as a
    # change; 3,000 against 10,000 within one window is still a contradiction
    assert "0 contradictions among the North Korean claims" in text
    assert "dprk.troops.in_russia  2024-11-01  2024-11-12/2024-11-15" in text
    assert "cannot both hold for dprk.troops.in_russia within 7 days" in text
    assert images(north_korea) >= 3


def test_north_korean_notebook_ties_killed_to_casualties(north_korea: nbformat.NotebookNode) -> None:
    text = output_text(north_korea)
    assert "killed        Interval(1500.29" in text and "2218.33" in text
    assert "dprk.killed.kursk  2025-03 1,501 2,218" in text  # whole persons (issue 15)


def test_russian_notebook_shows_the_month_within_the_daily_rate(russia: nbformat.NotebookNode) -> None:
    text = output_text(russia)
    assert "1,354 per day × 31 days = QuantityInterval(Interval(41958.5, 41989.5), 'person')" in text
    assert "41,980 lies in 1,354/day × 31 days: True" in text


def test_russian_notebook_shows_the_average_rate_and_the_700000_contradiction(
        russia: nbformat.NotebookNode) -> None:
    text = output_text(russia)
    assert "996 days" in text
    assert "average since the invasion: QuantityInterval(Interval(715.46" in text
    assert "they meet on:       Interval.empty()" in text
    assert "gap: 12,605 persons" in text
    assert "[disjoint]" in text and "weights could not decide" in text  # issue 15
    assert images(russia) >= 1


def test_committed_notebooks_carry_their_outputs() -> None:
    for name in ("01_north_korean_deployment.ipynb", "02_russian_losses_arithmetic.ipynb"):
        notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), name
        assert images(notebook) >= 1, name
