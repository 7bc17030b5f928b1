"""Grade a student's exercise notebook in a fresh kernel and print a score table.

Usage::

    python -m gatedrnn.grade exercises/ex03_lstm.ipynb            # table; exit 0 only at full marks
    python -m gatedrnn.grade my_ex03.ipynb --exercise ex03_lstm   # when the file was renamed
    python -m gatedrnn.grade exercises/ex03_lstm.ipynb --json --timeout 120

How it grades:

1. It runs the student's code cells, in order, in a new kernel of the grader's own Python, in the
   notebook's folder, each with a time limit (``--timeout``, default 60 s). A cell that raises
   is noted and the run goes on; a cell that runs too long is interrupted and noted; a kernel
   that dies or hangs is restarted and the run goes on (with what it had defined lost). The
   lines that call a check (``grading.check_...``) are not run.
2. Then, in the same kernel, it grades every question of the exercise with its **own** copy of
   the checks (:mod:`gatedrnn.grading`, imported afresh), passing the names the exercise defines
   (``lstm_step``, …). Deleting or editing the check cells changes nothing.

The exit code is 0 only when every point is earned, 1 otherwise, 2 when the notebook cannot be
graded at all (missing file, not a notebook, unknown exercise). ``--json`` prints one JSON
object for a learning-management system instead of the table.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import json
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .grading import Report

__all__ = ["CellRun", "Grade", "GradeError", "grade_notebook", "grader_cell", "main", "run_cells"]

DEFAULT_TIMEOUT = 60.0  # s per cell
_TIMEOUT_NAME = "GatedrnnCellTimeout"
_PROBE = "pass"


class GradeError(Exception):
    """The notebook cannot be graded at all (exit code 2)."""


# --------------------------------------------------------------------------------------------
# Running cells in a kernel


@dataclasses.dataclass
class CellRun:
    """What happened to one cell: status "ok", "error", "timeout" or "dead"."""

    status: str
    message: str = ""
    result: str | None = None
    """The ``text/plain`` of the cell's last expression, if any."""


def _kernel_manager():
    """A kernel manager that starts ipykernel with the grader's own Python."""
    import ipykernel.kernelspec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    class CurrentEnvironment(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return self.kernel_spec_class(
                resource_dir=ipykernel.kernelspec.RESOURCES,
                **ipykernel.kernelspec.get_kernel_dict(),
            )

    return AsyncKernelManager(
        kernel_name="gatedrnn-grader", kernel_spec_manager=CurrentEnvironment()
    )


def _first_line(source: str) -> str:
    line = next((ln.strip() for ln in source.splitlines() if ln.strip()), "")
    return line if len(line) <= 50 else line[:47] + "..."


def run_cells(
    sources: Sequence[str],
    cwd: Path | str,
    timeout: float,
    *,
    setup: str = "",
    setup_timeout: float = 300.0,
) -> list[CellRun]:
    """Run code cells in order in one fresh kernel; never raises for what the code does.

    ``setup`` runs first, and again after every restart, with ``setup_timeout`` (slow imports);
    :class:`GradeError` if it fails. Each cell then gets ``timeout`` seconds: past that it is
    interrupted. If the kernel then stays busy (it ignores interrupts) or dies, it is restarted
    and the following cells run in the new kernel.
    """
    import nbformat
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient

    client = NotebookClient(
        nbformat.v4.new_notebook(),
        km=_kernel_manager(),
        timeout=timeout,
        timeout_func=lambda cell: cell.metadata.get("timeout", timeout),
        startup_timeout=120,
        allow_errors=False,
        interrupt_on_timeout=True,
        error_on_timeout={"ename": _TIMEOUT_NAME, "evalue": "", "traceback": []},
        iopub_timeout=2,
        resources={"metadata": {"path": str(cwd)}},
    )

    def prepare() -> None:
        if setup:
            run = _execute(client, setup, setup_timeout)
            if run.status != "ok":
                raise GradeError(f"the grader's set-up failed in the kernel: {run.message}")

    def restart() -> None:
        run_sync(client.km.restart_kernel)(now=True)
        run_sync(client.kc.wait_for_ready)(timeout=120)
        prepare()

    runs: list[CellRun] = []
    with client.setup_kernel(stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL):
        prepare()
        for source in sources:
            run = _execute(client, source, timeout)
            if run.status == "dead":
                restart()
            elif run.status == "timeout" and _execute(client, _PROBE, 5).status != "ok":
                restart()
                run.message += "; the kernel ignored the interrupt and was restarted"
            runs.append(run)
    return runs


def _execute(client, source: str, limit: float) -> CellRun:
    """Run one cell in the client's kernel within ``limit`` seconds."""
    import nbformat
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    cell = nbformat.v4.new_code_cell(source, metadata={"timeout": limit})
    client.nb.cells.append(cell)
    try:
        client.execute_cell(cell, len(client.nb.cells) - 1)
    except CellExecutionError as exc:
        if exc.ename == _TIMEOUT_NAME:
            return CellRun("timeout", f"did not finish within {limit:g} s and was interrupted")
        return CellRun("error", f"{exc.ename}: {exc.evalue}".strip())
    except DeadKernelError:
        return CellRun("dead", "the kernel died; it was restarted")
    result = next(
        (o["data"].get("text/plain") for o in cell.outputs if o["output_type"] == "execute_result"),
        None,
    )
    return CellRun("ok", result=result)


# --------------------------------------------------------------------------------------------
# Grading


@dataclasses.dataclass
class Grade:
    """The grade of one notebook: a :class:`gatedrnn.grading.Report` per question, and notes
    on running the student's cells (errors, timeouts, a dead kernel)."""

    notebook: str
    exercise: str
    timeout: float
    questions: list[Report]
    notes: list[str]

    @property
    def points(self) -> int:
        return sum(q.points for q in self.questions)

    @property
    def earned(self) -> int:
        return sum(q.earned for q in self.questions)

    @property
    def passed(self) -> bool:
        return self.earned == self.points

    def to_dict(self) -> dict[str, Any]:
        return {
            "notebook": self.notebook,
            "exercise": self.exercise,
            "points": self.points,
            "earned": self.earned,
            "passed": self.passed,
            "timeout": self.timeout,
            "questions": [q.to_dict() for q in self.questions],
            "notes": self.notes,
        }

    def table(self) -> str:
        """Each question's table, the notes, and a summary row per question."""
        parts = [
            f"Grading {self.notebook} as {self.exercise} (each cell may run {self.timeout:g} s)"
        ]
        parts.extend(q.table() for q in self.questions)
        if self.notes:
            parts.append(
                "Notes on running your notebook:\n"
                + "\n".join(f"  - {note}" for note in self.notes)
            )
        width = max(len(q.title) for q in self.questions)
        rows = [f"{'question':<9} {'title':<{width}}  {'points':>6}  result"]
        for q in self.questions:
            score = f"{q.earned}/{q.points}"
            rows.append(
                f"{q.question:<9} {q.title:<{width}}  {score:>6}  {'pass' if q.passed else 'FAIL'}"
            )
        total = f"{self.earned}/{self.points}"
        rows.append(
            f"{'total':<9} {'':<{width}}  {total:>6}  {'full marks' if self.passed else 'not yet'}"
        )
        parts.append("\n".join(rows))
        return "\n\n".join(parts)


def find_exercise(path: Path, exercise: str | None = None) -> str:
    """The exercise a notebook answers: ``exercise``, its file name, or its ``exNN`` prefix."""
    from .grading import EXERCISES

    known = ", ".join(sorted(EXERCISES))
    if exercise is not None:
        if exercise not in EXERCISES:
            raise GradeError(f"unknown exercise {exercise!r}; known: {known}")
        return exercise
    if path.stem in EXERCISES:
        return path.stem
    match = re.match(r"ex(\d\d)", path.stem)
    if match:
        found = [name for name in EXERCISES if name.startswith(f"ex{match[1]}_")]
        if len(found) == 1:
            return found[0]
    raise GradeError(
        f"cannot tell which exercise {path.name} answers; pass --exercise (one of: {known})"
    )


def _read_sources(path: Path) -> list[str]:
    if not path.is_file():
        raise GradeError(f"no such notebook: {path}")
    try:
        if path.suffix == ".py":
            import jupytext

            nb = jupytext.read(path)
        else:
            import nbformat

            nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # any unreadable file ends in the same message
        raise GradeError(f"{path} is not a readable notebook: {type(exc).__name__}: {exc}") from exc
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


def _without_checks(source: str) -> str:
    """The cell with every line that calls a graded check replaced by ``pass``.

    A line counts when it calls one of the registered checks (``grading.check_lstm_step(...)``,
    ``check_lstm_step(...)`` after ``from gatedrnn.grading import …``), whatever its arguments.
    """
    from .grading import QUESTIONS

    names = "|".join(sorted(check.__name__ for check in QUESTIONS.values()))
    call = re.compile(rf"^\s*(?:[A-Za-z_][\w.]*\.)?(?:{names})\(.*\)\s*;?\s*(?:#.*)?$")
    return "\n".join(
        re.sub(r"\S.*", "pass", line) if call.match(line) else line for line in source.splitlines()
    )


_SETUP = "import gatedrnn.grading  # the grader's own imports, before the student's cells"


def grader_cell(question: str) -> str:
    """The code the grader runs for ``question`` after the student's cells: a fresh import of
    the checks, then the check on the names the notebook defined; its value is the JSON report."""
    return (
        "import sys as _gatedrnn_sys\n"
        "for _gatedrnn_name in [n for n in list(_gatedrnn_sys.modules)\n"
        "                       if n == 'gatedrnn.grading' or n.startswith('gatedrnn.grading.')]:\n"
        "    del _gatedrnn_sys.modules[_gatedrnn_name]\n"
        "import gatedrnn.grading as _gatedrnn_grading\n"
        f"_gatedrnn_grading.grade_in_namespace({question!r}, globals())"
    )


def grade_notebook(
    path: Path | str, *, exercise: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Grade:
    """Run the notebook at ``path`` and grade it with the grader's own checks."""
    from .grading import EXERCISES, Report

    path = Path(path)
    name = find_exercise(path, exercise)
    sources = _read_sources(path)
    student = [_without_checks(s) for s in sources]
    checks = EXERCISES[name]
    cells = [*student, *(grader_cell(c.question) for c in checks)]
    runs = run_cells(cells, path.parent.resolve(), timeout, setup=_SETUP)
    notes = []
    for number, (source, run) in enumerate(zip(sources, runs, strict=False), start=1):
        if run.status != "ok":
            notes.append(f"code cell {number} ({_first_line(source)!r}): {run.message}")
    reports = []
    for check, run in zip(checks, runs[len(student) :], strict=True):
        if run.status == "ok" and run.result is not None:
            reports.append(Report.from_dict(json.loads(ast.literal_eval(run.result))))
        elif run.status == "timeout":
            reports.append(
                check.nothing(
                    f"your code did not finish within {timeout:g} s while being checked "
                    "(an endless loop, or training far longer than asked?)"
                )
            )
        else:
            reports.append(check.nothing(f"grading this question failed: {run.message}"))
    return Grade(str(path), name, timeout, reports, notes)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gatedrnn.grade",
        description="Run an exercise notebook in a fresh kernel and grade every question.",
    )
    parser.add_argument("notebook", help="the .ipynb (or paired .py) to grade")
    parser.add_argument(
        "--exercise", help="exercise name, e.g. ex03_lstm (default: from the file name)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds each cell may run (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not args.timeout > 0:
        parser.error(f"--timeout must be > 0 seconds; got {args.timeout:g}")
    try:
        grade = grade_notebook(args.notebook, exercise=args.exercise, timeout=args.timeout)
    except GradeError as exc:
        if args.json:
            print(json.dumps({"notebook": args.notebook, "error": str(exc)}))
        else:
            print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(grade.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(grade.table())
    return 0 if grade.passed else 1


if __name__ == "__main__":
    sys.exit(main())
