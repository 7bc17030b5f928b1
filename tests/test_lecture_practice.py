"""The lectures' practice exercises ("Your turn") and reference lists follow one pattern.

Each exercise: a Markdown cell headed ``### Your turn``, a code cell holding the stub (``...``)
and its self-check (``check(...)`` from :mod:`gatedrnn.practice`), and a Markdown cell below
with a collapsed hint and a collapsed worked solution (a ``python`` block). The stored notebook
keeps the stub, so its check printed ``not yet``. Each lecture ends with its references and
further reading, with links.

``test_every_practice_solution_passes_its_check`` runs every lecture with the solutions put in
place of the stubs and wants ``correct.`` from every check; it executes all eight lectures
(minutes), so it is marked slow and runs with ``--slow``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
LECTURES = sorted((ROOT / "lectures").glob("[0-9][0-9]_*.py"))
SOLUTION = re.compile(r"<summary>Solution</summary>.*?```python\n(.*?)```", re.S)


def exercises(notebook) -> list[tuple[int, int, str]]:
    """(index of the stub cell, index of the hint/solution cell, solution code) per exercise."""
    found = []
    cells = notebook.cells
    for k, cell in enumerate(cells):
        if cell.cell_type == "markdown" and re.search(r"^### Your turn", cell.source, re.M):
            stub = next(j for j in range(k + 1, len(cells)) if cells[j].cell_type == "code")
            answer = next(
                j for j in range(stub + 1, len(cells)) if cells[j].cell_type == "markdown"
            )
            match = SOLUTION.search(cells[answer].source)
            found.append((stub, answer, match.group(1) if match else ""))
    return found


@pytest.mark.parametrize("script", LECTURES, ids=lambda p: p.stem)
def test_practice_follows_the_pattern(script):
    notebook = jupytext.read(script)
    found = exercises(notebook)
    assert 1 <= len(found) <= 3, f"{script.name}: {len(found)} 'Your turn' exercises; want 1 to 3"
    for stub, answer, solution in found:
        code, below = notebook.cells[stub].source, notebook.cells[answer].source
        where = f"{script.name}, cell {stub}"
        assert "..." in code and "check(" in code, f"{where}: stub (...) and check( in one cell"
        assert "<summary>Hint</summary>" in below, f"{where}: no collapsed hint below the exercise"
        assert solution.strip(), f"{where}: no collapsed solution with a ```python block below"
        ast.parse(solution)  # the solution is Python a student can paste


@pytest.mark.parametrize("script", LECTURES, ids=lambda p: p.stem)
def test_stored_notebook_keeps_the_stubs(script):
    """The student opens the stub: its stored output is the check's 'not yet' line."""
    stored = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    for stub, _, _ in exercises(stored):
        text = "".join(o.get("text", "") for o in stored.cells[stub].get("outputs", []))
        assert "not yet — replace the ..." in text, (
            f"{script.name}, cell {stub}: stored output {text!r}; run the notebook with its stubs"
        )


@pytest.mark.parametrize("script", LECTURES, ids=lambda p: p.stem)
def test_lecture_ends_with_references(script):
    notebook = jupytext.read(script)
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "## References and further reading" in text, f"{script.name}: no references section"
    references = text.split("## References and further reading", 1)[1]
    links = re.findall(r"\]\((https?://[^)\s]+)\)", references)
    assert len(links) >= 3, f"{script.name}: {len(links)} links in the references; want 3 or more"


def with_solutions(notebook):
    """A copy of the notebook in which each stub cell also runs its worked solution."""
    notebook = nbformat.from_dict(notebook)
    for stub, _, solution in exercises(notebook):
        cell = notebook.cells[stub]
        tree = ast.parse(cell.source)
        last = max(
            node.end_lineno
            for node in tree.body
            if any(isinstance(n, ast.Constant) and n.value is Ellipsis for n in ast.walk(node))
        )
        lines = cell.source.splitlines()
        cell.source = "\n".join(lines[:last] + solution.rstrip().splitlines() + lines[last:])
    return notebook


@pytest.mark.slow
@pytest.mark.parametrize("script", LECTURES, ids=lambda p: p.stem)
def test_every_practice_solution_passes_its_check(script):
    from nbclient import NotebookClient

    notebook = with_solutions(nbformat.read(script.with_suffix(".ipynb"), as_version=4))
    NotebookClient(
        notebook, timeout=300, kernel_name="python3",
        resources={"metadata": {"path": str(script.parent)}},
    ).execute()
    for stub, _, _ in exercises(notebook):
        text = "".join(o.get("text", "") for o in notebook.cells[stub].get("outputs", []))
        lines = [line for line in text.splitlines() if ": not yet" in line or ": correct." in line]
        assert lines and all(line.endswith(": correct.") for line in lines), (
            f"{script.name}, cell {stub}: with its worked solution the check printed\n{text}"
        )
