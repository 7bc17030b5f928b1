"""The exercise notebooks as shipped, run in a kernel: every graded check fails in the notebook
(the cell raises CheckFailed, the kernel survives, the cell shows the score table and no
traceback) and the grader, marking the kernel's raw values, gives every question 0 points.

All seven run in one kernel, each after ``%reset -f`` (an empty namespace, as in a new kernel).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pytest

from gatedrnn import grading
from gatedrnn.instructor import course
from gatedrnn.instructor.grade import grader_cell, run_cells

ROOT = Path(__file__).resolve().parent.parent
NAMES = sorted(p.stem for p in (ROOT / "exercises").glob("ex*.ipynb"))


@pytest.fixture(scope="module")
def shipped() -> dict[str, list[tuple[str, object]]]:
    """Per exercise: (kind, run) for each of its check cells ("check") and grader cells."""
    sources, tags = [], []
    for name in NAMES:
        sources.append("%reset -f")
        tags.append((name, "reset", None))
        nb = nbformat.read(ROOT / "exercises" / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                sources.append(cell.source)
                tags.append(
                    (name, "check" if course.is_check_cell(cell.source) else "code", cell.source)
                )
        for check in grading.EXERCISES[name]:
            sources.append(grader_cell(check.question))
            tags.append((name, "grader", check.question))
    runs = run_cells(sources, ROOT / "exercises", timeout=120)
    results: dict[str, list] = {name: [] for name in NAMES}
    for (name, kind, what), run in zip(tags, runs, strict=True):
        results[name].append((kind, what, run))
    return results


@pytest.mark.parametrize("name", NAMES)
def test_every_check_cell_fails_on_the_stubs(name, shipped):
    checks = [(what, run) for kind, what, run in shipped[name] if kind == "check"]
    assert len(checks) == len(grading.EXERCISES[name])
    for source, run in checks:
        assert run.status == "error", f"{source} did not fail on the stub: {run}"
        assert run.message.startswith("CheckFailed: Exercise"), run.message
        assert "not implemented yet" in run.message
        assert run.traceback == [run.message], run.traceback  # the table, not our internals


@pytest.mark.parametrize("name", NAMES)
def test_the_grader_gives_the_stubs_nothing(name, shipped):
    graded = [(what, run) for kind, what, run in shipped[name] if kind == "grader"]
    for question, run in graded:
        assert run.status == "ok", run
        records = json.loads(ast.literal_eval(run.result))["records"]
        report = grading.question(question).replay(records)
        assert report.earned == 0 and report.points > 0, report.table()
        assert "not implemented yet" in report.table()


def assigned(source: str) -> set[str]:
    return {
        node.id
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }


@pytest.mark.parametrize("name", NAMES)
def test_only_stubs_and_what_depends_on_them_fail(name, shipped):
    """A cell other than a check runs, or stops at a stub (NotImplementedError), or misses a
    name that an earlier cell would have defined had it not stopped at a stub."""
    missing: set[str] = set()
    for kind, source, run in shipped[name]:
        if kind != "code" or run.status == "ok":
            continue
        if run.message.startswith("NameError: name "):
            assert run.message.split("'")[1] in missing, (source, run)
        else:
            assert run.message.startswith("NotImplementedError: Exercise"), (source, run)
        missing |= assigned(source)
