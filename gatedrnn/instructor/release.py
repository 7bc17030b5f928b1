"""A student copy of the course for a class graded for credit: no solutions, no readable answers.

``python -m gatedrnn.instructor.course release OUT/`` writes the files of the repository's
working tree that git does not ignore to a new folder, leaving out :data:`RELEASE_LEFT_OUT`,
and refuses the copy when its grading code (``gatedrnn/grading``, ``gatedrnn/instructor``)
still holds a line of an answer that computes something, compared as Python tokens.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat

from .course import CourseError, normalised, solution_blocks, stale

__all__ = ["RELEASE_LEFT_OUT", "release", "release_leaks"]

RELEASE_LEFT_OUT = ("solutions/", "tests/", "gatedrnn/instructor/mistakes.py")
"""What a student release leaves out: the answers, the tests that read them, and the
plausible mistakes behind the checks' diagnoses."""


def _tracked(root: Path) -> list[str]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        raise CourseError(
            f"{root} is not a git checkout: release copies its tracked files"
        ) from None
    return [p for p in out.split("\0") if p]


def release(root: Path | str, out: Path | str) -> list[Path]:
    """Write a student copy of the course at ``out`` (see the module docstring); the files."""
    root, out = Path(root).resolve(), Path(out).resolve()
    if out.exists() and any(out.iterdir()):
        raise CourseError(f"{out} is not empty: release writes into a new folder")
    problems = stale(root)
    if problems:
        raise CourseError("exercises/ is stale (" + "; ".join(problems) + "): build first")
    written = []
    for name in _tracked(root):
        if name.startswith(RELEASE_LEFT_OUT) or not (root / name).is_file():
            continue
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
        written.append(target)
    leaks = release_leaks(root, out)
    if leaks:
        raise CourseError("the release still shows answers: " + "; ".join(leaks[:5]))
    return written


def release_leaks(root: Path | str, out: Path | str) -> list[str]:
    """Lines of the solutions' answers that compute something (seven tokens or more, with an
    arithmetic operator) found, as tokens, in the copy's grading code (``gatedrnn/grading``
    and ``gatedrnn/instructor``)."""
    root, out = Path(root).resolve(), Path(out).resolve()
    answers: dict[str, str] = {}
    for path in sorted((root / "solutions").glob("ex[0-9][0-9]_*.ipynb")):
        for block in solution_blocks(nbformat.read(path, 4), path.stem):
            for line in block.answer_lines:
                tokens = normalised(line)
                words = tokens.split()
                if len(words) >= 7 and set(words) & {"+", "-", "*", "/", "@", "**"}:
                    answers.setdefault(tokens, f"{path.stem} {block.question}: {line!r}")
    leaks = []
    for folder in ("gatedrnn/grading", "gatedrnn/instructor"):
        for source in sorted((out / folder).rglob("*.py")):
            for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
                where = answers.get(normalised(line))
                if where:
                    leaks.append(f"{source.relative_to(out)}:{number} holds {where}")
    return leaks
