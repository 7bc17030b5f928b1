"""Build the student notebooks in ``exercises/`` from the instructor notebooks in ``solutions/``.

``solutions/exNN_topic.ipynb`` (paired with ``exNN_topic.py``) is the single source. In its code
cells, each answer sits between two marker comments::

    def leaky_step(r, drive, z):
        \"\"\"...\"\"\"
        # BEGIN SOLUTION 9.1: move r a fraction z of the way to the drive
        # HINT: z = dt / tau is that fraction.
        return r + z * (drive - r)
        # END SOLUTION

and the generator writes, at the marker's indentation, the stub::

        # Hint: z = dt / tau is that fraction.
        ...
        raise NotImplementedError("Exercise 9.1: move r a fraction z of the way to the drive")

Everything else is copied; outputs, execution counts and run timestamps are stripped. A check
cell holds one call of a registered check, e.g. ``grading.check_lstm_step(lstm_step)`` (see
:mod:`gatedrnn.grading`); it must follow the last block of its question.

The build refuses a notebook whose markers are unbalanced, whose question has no block, no
check cell, or no registered check, or whose exercise would still contain a line of an answer.

The leak guard compares lines as Python tokens, so ``r+z*(drive-r)`` and
``r + z * (drive - r)`` are the same line.

Command line, from the repository root (``python -m gatedrnn.course`` is a short alias)::

    python -m gatedrnn.instructor.course build         # write exercises/ (.ipynb and paired .py)
    python -m gatedrnn.instructor.course check         # exit 1 when anything below fails
    python -m gatedrnn.instructor.course release OUT/  # a student copy for a class for credit

``check`` fails when ``exercises/`` is stale, when a solution's ``.py`` and ``.ipynb`` hold
different cells, or when the grader does not give a solution every point. ``release`` writes
the course without ``solutions/``, the tests (they read the solutions) and the instructor's
module of plausible mistakes (:mod:`.mistakes`, readable answers), then refuses the copy if
any line of an answer is left in its grading code.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import io
import json
import re
import sys
import tokenize
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jupytext
import nbformat
from jupytext.config import load_jupytext_config
from nbformat import NotebookNode

__all__ = [
    "Block",
    "CourseError",
    "build",
    "check_cell_calls",
    "convert",
    "is_check_cell",
    "main",
    "normalised",
    "render",
    "solution_blocks",
    "solution_problems",
    "stale",
    "unpaired",
]

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION(?P<rest>.*)$")
BEGIN_FULL = re.compile(r"^ (?P<question>\d+\.\d+): (?P<task>\S.*)$")
END = re.compile(r"^[ \t]*# END SOLUTION[ \t]*$")
HINT = re.compile(r"^[ \t]*# HINT: (?P<hint>.*)$")
CHECK_CALL = re.compile(r"^(?:grading|gatedrnn\.grading)\.(?P<name>check_\w+)\((?P<args>[^()]*)\)$")
NOTEBOOK = re.compile(r"^ex(?P<number>\d\d)_\w+$")
RUN_METADATA = ("execution", "ExecuteTime")
"""Cell metadata that records a run of the solution (timestamps); exercises drop it."""
LINE_LENGTH = 100  # the project's ruff line length: longer stubs are wrapped
TRIVIAL = re.compile(r"^[\s)\]},:]*$")
"""Lines that carry no answer (closing brackets); they may appear in both versions."""


class CourseError(ValueError):
    """A solution notebook breaks the conventions above; the message says where and how."""


@dataclasses.dataclass(frozen=True)
class Block:
    """One marked answer: its question ("3.1"), the task text, and its lines."""

    question: str
    task: str
    cell: int
    lines: tuple[str, ...]
    """The answer's code and comments, markers excluded."""

    @property
    def hints(self) -> list[str]:
        return [m["hint"] for line in self.lines if (m := HINT.match(line))]

    @property
    def answer_lines(self) -> list[str]:
        """Stripped lines of the answer that must not reach the exercise."""
        return [
            line.strip() for line in self.lines if not HINT.match(line) and not TRIVIAL.match(line)
        ]


def _code_cells(nb: NotebookNode):
    return ((index, cell) for index, cell in enumerate(nb.cells) if cell.cell_type == "code")


def _parse_cell(source: str, where: str) -> tuple[list[str], list[Block]]:
    """The stubbed lines of one cell, and its blocks (cell index filled in by the caller)."""
    out: list[str] = []
    blocks: list[Block] = []
    open_block: tuple[str, str, str, int] | None = None  # question, task, indent, first line
    body: list[str] = []
    for number, line in enumerate(source.split("\n"), start=1):
        begin, end = BEGIN.match(line), END.match(line)
        if open_block is None:
            if end:
                raise CourseError(f"{where}, line {number}: END SOLUTION without BEGIN SOLUTION")
            if begin:
                header = BEGIN_FULL.match(begin["rest"])
                if not header:
                    raise CourseError(
                        f"{where}, line {number}: write '# BEGIN SOLUTION N.k: what to do' "
                        f"(e.g. '# BEGIN SOLUTION 3.1: compute the gates'); got {line.strip()!r}"
                    )
                open_block = (header["question"], header["task"].strip(), begin["indent"], number)
                body = []
            else:
                out.append(line)
            continue
        if begin:
            raise CourseError(
                f"{where}, line {number}: BEGIN SOLUTION inside the block opened at line "
                f"{open_block[3]}"
            )
        if not end:
            body.append(line)
            continue
        question, task, indent, _ = open_block
        block = Block(question, task, -1, tuple(body))
        if not block.answer_lines:
            raise CourseError(f"{where}, line {open_block[3]}: the block of {question} is empty")
        out.extend(f"{indent}# Hint: {hint}" for hint in block.hints)
        out.append(f"{indent}...")
        message = json.dumps(f"Exercise {question}: {task}", ensure_ascii=False)
        stub = f"{indent}raise NotImplementedError({message})"
        if len(stub) > LINE_LENGTH:
            stub = f"{indent}raise NotImplementedError(\n{indent}    {message}\n{indent})"
        out.append(stub)
        blocks.append(block)
        open_block = None
    if open_block is not None:
        raise CourseError(f"{where}, line {open_block[3]}: BEGIN SOLUTION is never closed")
    return out, blocks


def is_check_cell(source: str) -> bool:
    """A code cell whose only code is calls of graded checks (comments allowed)."""
    return bool(check_cell_calls(source))


def check_cell_calls(source: str) -> list[str]:
    """Names of the checks a check cell calls; [] when the cell has other code too."""
    lines = [line.strip() for line in source.splitlines()]
    code = [line for line in lines if line and not line.startswith("#")]
    matches = [CHECK_CALL.match(line) for line in code]
    if not code or not all(matches):
        return []
    return [m["name"] for m in matches if m]


def solution_blocks(nb: NotebookNode, name: str = "notebook") -> list[Block]:
    """Every marked answer of a solution notebook, in order."""
    blocks = []
    for index, cell in _code_cells(nb):
        _, found = _parse_cell(cell.source, f"{name}, cell {index}")
        blocks.extend(dataclasses.replace(block, cell=index) for block in found)
    return blocks


def convert(nb: NotebookNode, name: str, checks: Sequence[Any] | None = None) -> NotebookNode:
    """The exercise version of the solution notebook ``name`` ("ex03_lstm").

    ``checks`` are the exercise's graded checks (default: ``gatedrnn.grading.EXERCISES[name]``).
    Raises :class:`CourseError` when the notebook breaks a convention (see the module docs).
    """
    if checks is None:
        from .. import grading  # imported late: it loads torch

        checks = grading.EXERCISES.get(name, [])
    by_name = {check.__name__: check for check in checks}
    match = NOTEBOOK.match(name)
    if not match:
        raise CourseError(f"solution notebooks are named exNN_topic; got {name!r}")
    number = int(match["number"])
    exercise = copy.deepcopy(nb)
    blocks: list[Block] = []
    check_cells: dict[str, int] = {}
    for index, cell in _code_cells(exercise):
        where = f"{name}, cell {index}"
        lines, found = _parse_cell(cell.source, where)
        cell.source = "\n".join(lines)
        cell.outputs = []
        cell.execution_count = None
        for key in RUN_METADATA:
            cell.metadata.pop(key, None)
        blocks.extend(dataclasses.replace(block, cell=index) for block in found)
        for check_name in check_cell_calls(cell.source):
            if check_name not in by_name:
                raise CourseError(
                    f"{where}: grading.{check_name} is not a check of {name}; its checks are "
                    f"{', '.join(sorted(by_name)) or 'none'}"
                )
            check = by_name[check_name]
            call = next(line.strip() for line in cell.source.splitlines() if check_name in line)
            if call != check.call_source:
                raise CourseError(f"{where}: write {check.call_source!r}; got {call!r}")
            check_cells[check.question] = index
    for block in blocks:
        if not block.question.startswith(f"{number}."):
            raise CourseError(
                f"{name}, cell {block.cell}: question {block.question} is not in exercise {number}"
            )
    questions = {block.question for block in blocks}
    registered = {check.question for check in checks}
    if questions != registered:
        raise CourseError(
            f"{name}: the notebook answers questions {sorted(questions)} but gatedrnn.grading "
            f"registers {sorted(registered)} for it"
        )
    calls = {check.question: check.call_source for check in checks}
    for question in sorted(questions):
        last = max(block.cell for block in blocks if block.question == question)
        if check_cells.get(question, -1) < last:
            raise CourseError(
                f"{name}: question {question} needs its check cell ({calls[question]}) after "
                f"its last answer (cell {last})"
            )
    _refuse_leaks(blocks, exercise, name)
    return exercise


_SKIPPED_TOKENS = (
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENDMARKER,
)


def normalised(line: str) -> str:
    """A line of code as its Python tokens joined by single spaces, comments dropped."""
    try:
        tokens = [
            t.string
            for t in tokenize.generate_tokens(io.StringIO(line.strip()).readline)
            if t.type not in _SKIPPED_TOKENS
        ]
    except (tokenize.TokenError, IndentationError, SyntaxError):  # an unfinished line
        return re.sub(r"\s+", "", line.split("#", 1)[0])
    return " ".join(tokens)


def _refuse_leaks(blocks: Sequence[Block], exercise: NotebookNode, name: str) -> None:
    shipped = {normalised(line) for cell in exercise.cells for line in cell.source.splitlines()}
    for block in blocks:
        leaked = [line for line in block.answer_lines if normalised(line) in shipped]
        if leaked:
            raise CourseError(
                f"{name}, cell {block.cell}: the exercise would still show the answer line "
                f"{leaked[0]!r} of question {block.question}; reword one of the two"
            )


def _config(root: Path):
    return load_jupytext_config(str(root / "solutions"))


def render(root: Path | str = ".") -> dict[Path, str]:
    """The exercise files (``.ipynb`` and paired ``.py``) as text, keyed by path."""
    root = Path(root).resolve()
    solutions = root / "solutions"
    if not solutions.is_dir():
        raise CourseError(
            f"no solutions/ folder in {root}: run from the repository root or pass --root"
        )
    config = _config(root)
    files: dict[Path, str] = {}
    for path in sorted(solutions.glob("ex[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        exercise = convert(nb, path.stem)
        target = root / "exercises" / path.name
        files[target] = nbformat.writes(exercise) + "\n"
        files[target.with_suffix(".py")] = jupytext.writes(
            exercise, fmt="py:percent", config=config
        )
    return files


def _generated(root: Path) -> set[Path]:
    exercises = root / "exercises"
    return {
        p
        for pattern in ("ex[0-9][0-9]_*.ipynb", "ex[0-9][0-9]_*.py")
        for p in exercises.glob(pattern)
    }


def build(root: Path | str = ".") -> list[Path]:
    """Write ``exercises/`` from ``solutions/``; remove exercises whose solution is gone.

    Returns the files written or removed.
    """
    root = Path(root).resolve()
    files = render(root)
    (root / "exercises").mkdir(exist_ok=True)
    changed = []
    for path, text in files.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    for path in sorted(_generated(root) - set(files)):
        path.unlink()
        changed.append(path)
    return changed


def stale(root: Path | str = ".") -> list[str]:
    """What ``build`` would change, one line per file ("missing", "differs", "no solution")."""
    root = Path(root).resolve()
    files = render(root)
    problems = []
    for path, text in files.items():
        name = path.relative_to(root)
        if not path.exists():
            problems.append(f"{name}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{name}: differs from what solutions/ generates")
    for path in sorted(_generated(root) - set(files)):
        problems.append(f"{path.relative_to(root)}: has no solution notebook")
    return problems


def unpaired(root: Path | str = ".") -> list[str]:
    """One line per solution whose ``.py`` and ``.ipynb`` hold different cells."""
    root = Path(root).resolve()
    problems = []
    for path in sorted((root / "solutions").glob("ex[0-9][0-9]_*.ipynb")):
        script = path.with_suffix(".py")
        name = path.relative_to(root)
        if not script.exists():
            problems.append(f"{name}: its paired {script.name} is missing")
            continue
        cells = [(c.cell_type, c.source.strip()) for c in nbformat.read(path, 4).cells]
        paired = [(c.cell_type, c.source.strip()) for c in jupytext.read(script).cells]
        if cells != paired:
            differ = next(
                (k for k, (a, b) in enumerate(zip(cells, paired, strict=False)) if a != b),
                min(len(cells), len(paired)),
            )
            newer = script if script.stat().st_mtime > path.stat().st_mtime else path
            problems.append(
                f"{name} and {script.name} differ from cell {differ} on; run "
                f"jupytext --sync {newer.relative_to(root)} (the newer one, {newer.name}, wins), "
                "then execute the notebook again"
            )
    return problems


def solution_problems(root: Path | str = ".", *, timeout: float = 120.0) -> list[str]:
    """One line per solution that the grader does not give every point (or notes a problem)."""
    from .grade import grade_notebook

    root = Path(root).resolve()
    problems = []
    for path in sorted((root / "solutions").glob("ex[0-9][0-9]_*.ipynb")):
        graded = grade_notebook(path, timeout=timeout)
        name = path.relative_to(root)
        if not graded.passed:
            lost = [f"{q.question} {q.earned}/{q.points}" for q in graded.questions if not q.passed]
            problems.append(f"{name}: the grader gives {', '.join(lost)}")
        problems.extend(f"{name}: {note}" for note in graded.notes)
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gatedrnn.instructor.course",
        description="Generate the student notebooks exercises/ from solutions/, check them, "
        "and write a student release.",
    )
    parser.add_argument(
        "command",
        choices=["build", "check", "release"],
        help="build: write exercises/; check: exit 1 when exercises/ is stale, a solution's "
        ".py and .ipynb differ, or a solution loses points; release OUT: a student copy",
    )
    parser.add_argument("out", nargs="?", help="release: the folder to write")
    parser.add_argument("--root", default=".", help="repository root (default: .)")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    try:
        if args.command == "build":
            changed = build(root)
            for path in changed:
                print(f"{'wrote' if path.exists() else 'removed'} {path.relative_to(root)}")
            if not changed:
                print("exercises/ is up to date")
            return 0
        if args.command == "release":
            from .release import RELEASE_LEFT_OUT, release

            if not args.out:
                parser.error("release needs the folder to write, e.g. release ../course-2027")
            written = release(root, args.out)
            print(
                f"wrote {len(written)} files to {Path(args.out).resolve()}, without "
                + ", ".join(RELEASE_LEFT_OUT)
            )
            return 0
        problems = stale(root)
        if problems:
            for line in problems:
                print(line)
            print(
                "exercises/ is stale: run python -m gatedrnn.instructor.course build",
                file=sys.stderr,
            )
            return 1
        problems = unpaired(root) + solution_problems(root)
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in problems:
        print(line)
    if problems:
        return 1
    print("exercises/ is up to date; every solution is paired and earns full marks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
