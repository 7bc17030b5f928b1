"""The machinery behind every graded check: items with points, reports, and the registry.

A check is a function ``check_x(sheet, student_fn, ...)`` decorated with :func:`check`. It calls
the student's code through ``sheet.call`` and marks properties on the sheet (``sheet.shape``,
``sheet.close``, ``sheet.expect``), each worth some points. Properties never print the reference
answer: feedback names the property that failed, how far off it is, and a hint.

The decorated object is a :class:`Check`, run in one of three ways:

- ``check_x(fn)`` (a check cell) calls and marks in the notebook's kernel: it prints the score
  table when every point is earned and raises :class:`CheckFailed` with the table otherwise;
  ``check_x.run(fn)`` returns the :class:`Report` (tests);
- ``check_x.probe(namespace)`` (the grader, in the student's kernel) only calls: it returns the
  raw values the student's functions gave, as plain data (:mod:`._wire`), and marks nothing;
- ``check_x.replay(records)`` (the grader, in its own process) marks those raw values with its
  own references. The student's kernel never computes the verdict that counts.

Every value the student's code returns goes through the same plain-data round trip in all three,
so a check sees the same values in the notebook and in the grader.
"""

from __future__ import annotations

import contextlib
import inspect
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import torch

from ._report import CheckFailed, Item, Report, StudentError
from ._sheet import LIVE, PROBE, REPLAY, Sheet

__all__ = [
    "Check",
    "CheckFailed",
    "EXERCISES",
    "Item",
    "Report",
    "Sheet",
    "StudentError",
    "check",
    "probe_in_namespace",
    "question",
    "reference",
]

EXERCISES: dict[str, list[Check]] = {}
"""Exercise notebook stem ("ex03_lstm") -> its checks in question order."""

QUESTIONS: dict[str, Check] = {}
"""Question id ("3.1") -> its check."""

REFERENCES: dict[str, tuple[str, Callable[..., Any]]] = {}
"""Name an exercise defines ("lstm_step") -> (its question, the course's own version of it).

A later question of the same exercise is graded with the course's version in place of the
student's, so that one mistake costs points once (see :func:`reference`)."""


def reference(name: str, question_id: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn`` as the stand-in for the answer ``name`` to ``question_id``.

    Stand-ins are built on the library and PyTorch; the grader's scan marks an answer that calls
    them (they are the grading package's own)."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        REFERENCES[name] = (question_id, fn)
        return fn

    return register


def _order(question_id: str) -> tuple[int, ...]:
    return tuple(int(p) for p in question_id.split("."))


def substitution_note(name: str, question_id: str) -> str:
    """What a report says when the course's ``name`` stood in for the student's."""
    return (
        f"Graded with the course's own {name} in place of yours, so that a mistake in "
        f"{name} costs points only in question {question_id}."
    )


class Check:
    """A graded check of one question; see the module docstring."""

    def __init__(
        self, fn: Callable[..., None], question: str, title: str, points: int, exercise: str
    ) -> None:
        self.fn = fn
        self.question = question
        self.title = title
        self.points = points
        self.exercise = exercise
        self.prepare: Callable[[], Any] = lambda: None
        """Loads (and caches) what the references need; the grader calls it early."""
        self.__name__ = fn.__name__
        self.__qualname__ = fn.__qualname__
        self.__module__ = fn.__module__
        self.__doc__ = fn.__doc__
        parameters = list(inspect.signature(fn).parameters)[1:]
        self.arg_names: tuple[str, ...] = tuple(parameters)
        """Names the student's notebook defines and the check cell passes, in order."""

    @property
    def call_source(self) -> str:
        """The check cell's code, e.g. ``grading.check_lstm_step(lstm_step)``."""
        return f"grading.{self.__name__}({', '.join(self.arg_names)})"

    @property
    def stand_ins(self) -> dict[str, tuple[str, Callable[..., Any]]]:
        """Answers to earlier questions of this exercise that the course's version replaces."""
        return {
            name: (q, fn)
            for name, (q, fn) in REFERENCES.items()
            if q.split(".")[0] == self.question.split(".")[0] and _order(q) < _order(self.question)
        }

    def nothing(self, feedback: str) -> Report:
        """The report of a question that could not be checked at all: no points, one reason."""
        return Report(
            self.question,
            self.title,
            self.points,
            (Item("every property", self.points, 0, feedback),),
        )

    @contextlib.contextmanager
    def _standing_in(self, namespaces: Sequence[dict[str, Any]]) -> Iterator[list[str]]:
        """The course's versions of earlier answers in ``namespaces`` while the check runs."""
        saved: list[tuple[dict[str, Any], str, Any]] = []
        used: list[str] = []
        try:
            for scope in namespaces:
                for name, (_, fn) in self.stand_ins.items():
                    if name in scope and scope[name] is not fn:
                        saved.append((scope, name, scope[name]))
                        scope[name] = fn
                        used.append(name)
            yield used
        finally:
            for scope, name, value in reversed(saved):
                scope[name] = value

    def _mark(self, sheet: Sheet, args: Sequence[Any]) -> Report:
        stopped = ""
        rng_state = np.random.get_state()
        with torch.random.fork_rng(devices=[]):
            try:
                self.fn(sheet, *args)
            except StudentError as exc:
                stopped = str(exc)
            finally:
                np.random.set_state(rng_state)
        items = list(sheet.items)
        marked = sum(item.points for item in items)
        if stopped:
            remaining = self.points - marked
            if remaining > 0:
                description = "the remaining properties" if items else "every property"
                items.append(Item(description, remaining, 0, stopped))
        elif marked != self.points:
            raise RuntimeError(
                f"{self.__name__} marked {marked} points but is declared with {self.points}"
            )
        return Report(self.question, self.title, self.points, tuple(items))

    def _check_args(self, args: Sequence[Any]) -> None:
        if len(args) != len(self.arg_names):
            raise TypeError(
                f"{self.__name__} takes {len(self.arg_names)} argument(s) "
                f"({', '.join(self.arg_names)}); got {len(args)}"
            )

    def run(self, *args: Any) -> Report:
        """Call and mark the student's ``args`` here (a check cell, tests); return the report.

        Prints nothing; raises only when the check itself is broken (not for the student's bugs).
        """
        self._check_args(args)
        scopes = [f.__globals__ for f in args if inspect.isfunction(f)]
        flagged = self._flagged(scopes)
        if flagged:
            return self.nothing(flagged)
        with self._standing_in(scopes) as used:
            report = self._mark(Sheet(LIVE), args)
        calls = {
            name
            for f in args
            if inspect.isfunction(f)
            for name in used
            if name in _names_used(f.__code__)
        }
        notes = [substitution_note(n, self.stand_ins[n][0]) for n in sorted(calls)]
        return report.with_notes(*notes)

    def _flagged(self, scopes: Sequence[dict[str, Any]]) -> str:
        """In a notebook, why the grader will give this question nothing ("" if it will not):
        the grader's scan (:mod:`gatedrnn.instructor.scan`) of the cells run so far, which
        IPython keeps in ``In``."""
        history = next((s.get("In") for s in scopes if isinstance(s.get("In"), list)), None)
        if not history:
            return ""
        try:
            from ..instructor import scan
        except ImportError:  # a copy of the course without the instructor's tools
            return ""
        cells = [s if isinstance(s, str) else "" for s in history[1:]]  # In[0] is empty
        findings = scan.scan(
            cells, {self.question: self.arg_names}, place="the cell run as In [{cell}]"
        )
        return findings[self.question].reason() if self.question in findings else ""

    def probe(self, namespace: dict[str, Any]) -> str:
        """Call the student's functions found in ``namespace`` at the check's sample points
        and return their raw values as JSON (the grader's cell in the student's kernel)."""
        missing = [name for name in self.arg_names if name not in namespace]
        if missing:
            return json.dumps({"missing": missing})
        sheet = Sheet(PROBE)
        args = [namespace[name] for name in self.arg_names]
        scopes = [namespace, *(f.__globals__ for f in args if inspect.isfunction(f))]
        with self._standing_in(scopes), contextlib.suppress(StudentError):
            rng_state = np.random.get_state()
            with torch.random.fork_rng(devices=[]):
                try:
                    self.fn(sheet, *args)
                finally:
                    np.random.set_state(rng_state)
        return json.dumps({"records": sheet.records})

    def replay(self, records: Sequence[Any]) -> Report:
        """Mark the raw values a probe recorded, with this process's own references."""
        placeholders = [_Absent(name) for name in self.arg_names]
        return self._mark(Sheet(REPLAY, records), placeholders)

    def __call__(self, *args: Any) -> None:
        """Run the check in a notebook: print the table, or raise CheckFailed with it."""
        __tracebackhide__ = True
        report = self.run(*args)
        if not report.passed:
            raise CheckFailed(report)
        print(report.table())

    def __repr__(self) -> str:
        return f"<check {self.question} ({self.title}, {self.points} points): {self.call_source}>"


class _Absent:
    """The student's function as the grader's process knows it: a name, never called."""

    def __init__(self, name: str):
        self.__name__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"{self.__name__} cannot be called in the grader's process")


def _names_used(code: Any) -> set[str]:
    """Global names a function's code (and the code nested in it) refers to."""
    names = set(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):
            names |= _names_used(const)
    return names


def check(
    question: str,
    title: str,
    *,
    points: int,
    exercise: str,
    prepare: Callable[[], Any] | None = None,
) -> Callable[..., Check]:
    """Register ``fn(sheet, *student_args)`` as the graded check of ``question`` ("3.1").

    ``prepare`` (optional) loads what the check's references need, cached, so that the grader
    can load it while the student's kernel runs.
    """

    def register(fn: Callable[..., None]) -> Check:
        if question in QUESTIONS:
            raise ValueError(f"question {question} is registered twice")
        number = int(exercise[2:4])
        if not question.startswith(f"{number}."):
            raise ValueError(f"question {question} does not belong to {exercise}")
        obj = Check(fn, question, title, points, exercise)
        obj.prepare = prepare or (lambda: None)
        QUESTIONS[question] = obj
        EXERCISES.setdefault(exercise, []).append(obj)
        EXERCISES[exercise].sort(key=lambda c: _order(c.question))
        return obj

    return register


def question(question_id: str) -> Check:
    """The check registered for ``question_id`` ("3.1")."""
    try:
        return QUESTIONS[question_id]
    except KeyError:
        raise ValueError(
            f"no graded question {question_id!r}; known: {', '.join(sorted(QUESTIONS))}"
        ) from None


def probe_in_namespace(question_id: str, namespace: dict[str, Any]) -> str:
    """The raw values of ``question_id``'s probe in a notebook's ``namespace``, as JSON.

    The grader runs this in the student's kernel after the student's own cells, with the
    kernel's ``globals()``; it marks what comes back in its own process (:meth:`Check.replay`).
    """
    return question(question_id).probe(namespace)


def _plain_failure(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None):
    """IPython shows a failed check cell as its score table, without our traceback."""
    shown = [f"{etype.__name__}: {value}"]
    shell._showtraceback(etype, value, shown)
    return shown


def show_failures_plainly() -> None:
    """In IPython/Jupyter, a failing check cell shows the score table and hints only (it still
    fails: the cell's status is an error, so nbval and "run all" stop there)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or (shell.custom_exceptions and CheckFailed not in shell.custom_exceptions):
        return  # not in IPython, or someone else's handler is in place: leave it
    shell.set_custom_exc((CheckFailed,), _plain_failure)
