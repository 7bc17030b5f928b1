"""Grade a student's exercise notebook: run it in a fresh kernel, mark it in this process.

Usage::

    python -m gatedrnn.instructor.grade exercises/ex03_lstm.ipynb   # table; exit 0 at full marks
    python -m gatedrnn.instructor.grade my_ex03.ipynb --exercise ex03_lstm   # a renamed file
    python -m gatedrnn.instructor.grade exercises/ex03_lstm.ipynb --json --timeout 120

(``python -m gatedrnn.grade`` is a short alias.) How it grades:

1. It reads the notebook's code in this process and scans each answer for the thing its
   question asks the student to write (:mod:`.scan`): such a question earns no points.
2. It runs the student's code cells, in order, in a new kernel of the grader's own Python, in
   the notebook's folder, each with a time limit (``--timeout``, default 60 s). A cell that
   raises is noted and the run goes on; a cell that runs too long is interrupted and noted. A
   cell that kills the kernel (or hangs past the interrupt) is named in the notes; a new kernel
   runs again the cells that had run well before it, and the run goes on, so one bad cell costs
   only what depends on it. The lines that call a check (``grading.check_...``) are not run.
3. For every question it asks the kernel only for the raw values of the student's functions at
   the check's sample points (:meth:`gatedrnn.grading.Check.probe`): numbers, shapes and dtypes
   as plain data. Comparison, points and feedback are computed here, in the grader's process,
   with its own checks and references (:meth:`gatedrnn.grading.Check.replay`); nothing else
   from the kernel is trusted, so a notebook that patches NumPy, PyTorch, the grading package,
   IPython's input transformers or display formatters changes nothing but its own values.

The exit code is 0 only when every point is earned, 1 otherwise, 2 when the notebook cannot be
graded at all (missing file, not a notebook, unknown exercise). ``--json`` prints one JSON
object for a learning-management system instead of the table.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import dataclasses
import importlib
import json
import re
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .kernel import CellRun, Kernel, KernelError, run_cells

if TYPE_CHECKING:
    from ..grading import Report

# nbformat's schema library builds dozens of parsers for IRI formats at import (seconds on a busy
# machine); notebooks use none of them, so the grader does without that optional module
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

__all__ = [
    "CellRun",
    "Grade",
    "GradeError",
    "grade_notebook",
    "grader_cell",
    "main",
    "paired_warning",
    "run_cells",  # re-exported from .kernel
]

DEFAULT_TIMEOUT = 60.0  # s per cell
_EXERCISE_NAME = re.compile(r"ex\d\d")


class GradeError(Exception):
    """The notebook cannot be graded at all (exit code 2)."""


def _first_line(source: str) -> str:
    line = next((ln.strip() for ln in source.splitlines() if ln.strip()), "")
    return line if len(line) <= 50 else line[:47] + "..."


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
    from ..grading import EXERCISES

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


def _check_notebook_path(path: Path) -> None:
    """A notebook file: say so when ``path`` is missing or a folder, before anything else."""
    if path.is_dir():
        raise GradeError(
            f"{path} is a folder; give the exercise notebook inside it, e.g. "
            f"{path / 'ex03_lstm.ipynb'}"
        )
    if not path.exists():
        raise GradeError(f"no such notebook: {path} (expected an exercise .ipynb or its .py)")


NOT_GRADED = "not-graded"
"""Tag of a code cell the grader does not run: a solution's "Try it" demonstration, which
defines nothing a check needs (the tag reaches the exercises with the rest of the notebook)."""


def _read_sources(path: Path) -> list[str]:
    return [cell.source for cell in _code_cells(path)]


def _code_cells(path: Path) -> list[Any]:
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
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def _without_checks(source: str) -> str:
    """The cell with every line that calls a graded check replaced by ``pass``.

    A line counts when it calls one of the registered checks (``grading.check_lstm_step(...)``,
    ``check_lstm_step(...)`` after ``from gatedrnn.grading import …``), whatever its arguments.
    """
    from ..grading import QUESTIONS

    names = "|".join(sorted(check.__name__ for check in QUESTIONS.values()))
    call = re.compile(rf"^\s*(?:[A-Za-z_][\w.]*\.)?(?:{names})\(.*\)\s*;?\s*(?:#.*)?$")
    return "\n".join(
        re.sub(r"\S.*", "pass", line) if call.match(line) else line for line in source.splitlines()
    )


_SETUP = "import gatedrnn.grading  # the grader's own imports, before the student's cells"


def grader_cell(question: str) -> str:
    """The code the grader runs for ``question`` after the student's cells: the probe of the
    student's functions; its value is the JSON of their raw values (no verdict)."""
    return (
        "import gatedrnn.grading as _gatedrnn_grading\n"
        f"_gatedrnn_grading.probe_in_namespace({question!r}, globals())"
    )


def _probe_records(run: CellRun) -> list[Any] | str:
    """The raw values a probe cell returned, or why they cannot be read."""
    unreadable = (
        "the grader could not read what your notebook's kernel returned for this question "
        "(did a cell change how IPython runs or shows cells?)"
    )
    try:
        text = ast.literal_eval(run.result or "")
        data = json.loads(text) if isinstance(text, str) else None
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return unreadable
    if isinstance(data, dict) and set(data) == {"missing"} and isinstance(data["missing"], list):
        names = ", ".join(str(n) for n in data["missing"])
        return (
            f"{names} is not defined: keep the name the exercise gives it, and make sure the "
            "cell that defines it runs without an error."
        )
    if (
        not isinstance(data, dict)
        or set(data) != {"records"}
        or not isinstance(data["records"], list)
    ):
        return unreadable
    return data["records"]


def paired_warning(path: Path) -> str:
    """A note when the notebook's paired file (``.py`` beside ``.ipynb``, or the other way
    round) holds other code, saying which of the two is newer; "" when they agree."""
    other = path.with_suffix(".py" if path.suffix == ".ipynb" else ".ipynb")
    if not other.is_file() or path.suffix not in (".py", ".ipynb"):
        return ""
    try:
        mine, theirs = _read_sources(path), _read_sources(other)
    except GradeError:
        return f"the paired {other.name} cannot be read; graded {path.name} alone"
    if [c.strip() for c in mine] == [c.strip() for c in theirs]:
        return ""
    newer = other.stat().st_mtime > path.stat().st_mtime
    return (
        f"the paired {other.name} holds other code than {path.name}"
        + (" and is newer" if newer else "")
        + f"; graded {path.name} as it is (save the notebook, or run jupytext --sync, to grade "
        "your latest work)"
    )


@contextlib.contextmanager
def _kernel(cwd: Path, timeout: float) -> Iterator[Kernel]:
    try:
        with Kernel(cwd, timeout, setup=_SETUP) as kernel:
            yield kernel
    except KernelError as exc:
        raise GradeError(str(exc)) from exc


def grade_notebook(
    path: Path | str, *, exercise: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Grade:
    """Run the notebook at ``path`` and grade it with the grader's own checks, here."""
    from . import scan

    path = Path(path)
    _check_notebook_path(path)
    # the grader's own checks load PyTorch while the kernel starts and loads it too
    importer = threading.Thread(target=importlib.import_module, args=("gatedrnn.grading",))
    importer.start()
    cells = _code_cells(path)
    sources = [cell.source for cell in cells]
    if exercise is None and not _EXERCISE_NAME.match(path.stem):
        importer.join()
        find_exercise(path, exercise)  # cannot tell which exercise: say so before any kernel
    with _kernel(path.parent.resolve(), timeout) as kernel:
        importer.join()
        from ..grading import EXERCISES, substitution_note

        name = find_exercise(path, exercise)
        notes = [w for w in (paired_warning(path),) if w]
        checks = EXERCISES[name]
        # what the references need loads here while the kernel runs the notebook
        threading.Thread(target=lambda: [c.prepare() for c in checks], daemon=True).start()
        findings = scan.scan(sources, {c.question: c.arg_names for c in checks})
        student = [
            "" if NOT_GRADED in cell.metadata.get("tags", []) else _without_checks(cell.source)
            for cell in cells
        ]
        probes = [grader_cell(c.question) for c in checks]
        replay = [True] * len(student) + [False] * len(checks)
        runs = kernel.run([*student, *probes], replay)
    for number, (source, run) in enumerate(zip(sources, runs, strict=False), start=1):
        if run.status != "ok":
            notes.append(f"code cell {number} ({_first_line(source)!r}): {run.message}")
    reports = []
    for check, run in zip(checks, runs[len(student) :], strict=True):
        if check.question in findings:
            reports.append(check.nothing(findings[check.question].reason()))
            continue
        if run.status == "timeout":
            reports.append(
                check.nothing(
                    f"your code did not finish within {timeout:g} s while being checked "
                    "(an endless loop, or training far longer than asked?)"
                )
            )
            continue
        if run.status == "dead":
            reports.append(
                check.nothing(
                    "your code killed the kernel while being checked (os._exit, a crash, or "
                    "an interrupt it ignored); the other questions were checked in a new kernel"
                )
            )
            continue
        if run.status != "ok":
            reports.append(check.nothing(f"grading this question failed: {run.message}"))
            continue
        records = _probe_records(run)
        if isinstance(records, str):
            reports.append(check.nothing(records))
            continue
        report = check.replay(records)
        stood_in = [
            substitution_note(n, q)
            for n, (q, _) in sorted(check.stand_ins.items())
            if any(scan.uses(sources, answer, n) for answer in check.arg_names)
        ]
        reports.append(report.with_notes(*stood_in))
    return Grade(str(path), name, timeout, reports, notes)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gatedrnn.instructor.grade",
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
