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
import dataclasses
import inspect
import io
import json
import os
import textwrap
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import torch

from . import _wire

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

PASS, FAIL = "\u2713", "\u2717"  # check mark, ballot x
_WIDTH = 92


class CheckFailed(AssertionError):
    """A check cell that did not earn full marks; the message is the score table."""

    __module__ = "gatedrnn.grading"

    def __init__(self, report: Report):
        super().__init__(report.table())
        self.report = report


class StudentError(Exception):
    """The student's code raised, returned something unusable, or a name is missing.

    The check stops there; every point not yet marked is lost with this message as feedback.
    """


@dataclasses.dataclass(frozen=True)
class Item:
    """One property of a question: what was tested, its points, and feedback if it failed."""

    description: str
    points: int
    earned: int
    feedback: str = ""

    @property
    def passed(self) -> bool:
        return self.earned == self.points


@dataclasses.dataclass(frozen=True)
class Report:
    """The result of one check: a question, its items, the total points, and notes."""

    question: str
    title: str
    points: int
    items: tuple[Item, ...]
    notes: tuple[str, ...] = ()
    """What the reader should know about how it was graded (e.g. a reference stood in)."""

    @property
    def earned(self) -> int:
        return sum(item.earned for item in self.items)

    @property
    def passed(self) -> bool:
        return self.earned == self.points

    def failed_items(self) -> list[Item]:
        return [item for item in self.items if not item.passed]

    def table(self) -> str:
        """The score table shown in the notebook and by the grader."""
        lines = [
            f"Exercise {self.question} \u00b7 {self.title}: {self.earned}/{self.points} points"
        ]
        for note in self.notes:
            lines.append(textwrap.fill(note, _WIDTH, initial_indent="  ", subsequent_indent="  "))
        for item in self.items:
            mark = PASS if item.passed else FAIL
            lines.append(f"  {mark} {item.earned}/{item.points}  {item.description}")
            if item.feedback:
                body = textwrap.fill(
                    item.feedback, _WIDTH, initial_indent=" " * 9, subsequent_indent=" " * 9
                )
                lines.append(body)
        return "\n".join(lines)

    __str__ = table

    def with_notes(self, *notes: str) -> Report:
        return dataclasses.replace(self, notes=(*self.notes, *notes))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """The report that :meth:`to_dict` described."""
        items = tuple(
            Item(i["description"], i["points"], i["earned"], i["feedback"]) for i in data["items"]
        )
        notes = tuple(data.get("notes", ()))
        return cls(data["question"], data["title"], data["points"], items, notes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "title": self.title,
            "points": self.points,
            "earned": self.earned,
            "passed": self.passed,
            "notes": list(self.notes),
            "items": [dataclasses.asdict(item) | {"passed": item.passed} for item in self.items],
        }


# --------------------------------------------------------------------------------------------
# The sheet: how a check marks properties


def _as_array(value: Any) -> np.ndarray | None:
    """A NumPy view of a tensor/array/number, or None when it is not numeric."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().to(torch.float64).numpy()
    if isinstance(value, (np.ndarray, np.generic, int, float, list, tuple)):
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            return None
        return array
    return None


def _describe(value: Any) -> str:
    """A short description of what the student returned, without its values."""
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, tuple):
        return f"a tuple of {len(value)}"
    if value is None:
        return "None (did you forget `return`?)"
    if isinstance(value, _wire.Opaque):
        return value.kind
    return f"a {type(value).__name__}"


def _where(exc: BaseException) -> str:
    """Where the student's code raised: " (in f, line N: `source`)", from the deepest frame
    outside NumPy, PyTorch, this package and installed packages ("" if none)."""
    library_dirs = (
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),  # gatedrnn/
        os.path.dirname(np.__file__),
        os.path.dirname(torch.__file__),
    )
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if not os.path.abspath(frame.filename).startswith(library_dirs)
        and "site-packages" not in frame.filename
    ]
    if not frames:
        return ""
    frame = frames[-1]
    code = f": `{frame.line.strip()}`" if frame.line else ""
    return f" (in {frame.name}, line {frame.lineno}{code})"


def _copy(value: Any) -> Any:
    """A fresh copy of an input array/tensor, so that the student's in-place edits stay theirs."""
    if isinstance(value, torch.Tensor) and not value.requires_grad:
        return value.clone()
    if isinstance(value, np.ndarray):
        return value.copy()
    return value


LIVE, PROBE, REPLAY = "live", "probe", "replay"


class Sheet:
    """Collects the marked items of one check, and the raw values of the student's code.

    ``mode`` is ``"live"`` (call the student's code and mark, as a check cell does), ``"probe"``
    (call and record the raw values, mark nothing: the grader's cell in the student's kernel) or
    ``"replay"`` (mark the recorded values of a probe, calling nothing: the grader's process).
    """

    def __init__(self, mode: str = LIVE, records: Sequence[Any] = ()) -> None:
        if mode not in (LIVE, PROBE, REPLAY):
            raise ValueError(f"mode must be live, probe or replay; got {mode!r}")
        self.mode = mode
        self.items: list[Item] = []
        self.records: list[Any] = list(records)
        self._next = 0

    @property
    def marks(self) -> bool:
        """Whether this sheet marks (False while probing: the kernel only returns values)."""
        return self.mode != PROBE

    # -- marking -----------------------------------------------------------------------------

    def expect(self, ok: bool, description: str, points: int, feedback: str = "") -> bool:
        """Mark one property: all its points when ``ok``, none (with ``feedback``) otherwise."""
        ok = bool(ok)
        self.items.append(Item(description, points, points if ok else 0, "" if ok else feedback))
        return ok

    def shape(self, name: str, value: Any, shape: Sequence[int], points: int, legend: str) -> bool:
        """``value`` is a tensor/array of ``shape``; ``legend`` names it, e.g. "(B, H)"."""
        shape = tuple(shape)
        got = getattr(value, "shape", None)
        ok = got is not None and tuple(got) == shape
        feedback = f"{name} must be {legend} = {shape}; got {_describe(value)}."
        return self.expect(ok, f"{name} has shape {legend}", points, feedback)

    def close(
        self,
        name: str,
        value: Any,
        reference: Any,
        description: str,
        points: int,
        *,
        hint: str,
        rtol: float = 1e-5,
        atol: float = 1e-6,
        mistakes: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
        factor: tuple[str, float] | None = None,
    ) -> bool:
        """``value`` equals ``reference`` elementwise (within rtol/atol).

        Feedback gives the largest error, never the reference. ``mistakes`` maps a diagnosis
        ("the forget gate is missing: c_t must keep f * c_{t-1}") to the value that mistake
        produces (or is a function returning that dict, called only when the value is wrong);
        when the student's value matches one, that diagnosis replaces the hint. ``factor``
        (``("p", 7)``) names a size a wrong value may be off by exactly (a sum for a mean).

        A value of the wrong shape that holds the right numbers (``(m,)`` for ``(m, 1)``) loses
        only the shape point, which a check marks apart: here it is compared after a reshape.
        """
        if not self.marks:
            return False
        ref = _as_array(reference)
        got = _as_array(value)
        if got is not None and got.shape != ref.shape and got.size == ref.size:
            if tuple(d for d in got.shape if d != 1) == tuple(d for d in ref.shape if d != 1):
                got = got.reshape(ref.shape)
        if got is None or got.shape != ref.shape:
            feedback = f"{name} should have shape {ref.shape}; got {_describe(value)}."
            return self.expect(False, description, points, feedback)
        if not np.all(np.isfinite(got)):
            feedback = f"{name} contains NaN or inf. {hint}"
            return self.expect(False, description, points, feedback)
        ok = np.allclose(got, ref, rtol=rtol, atol=atol)
        if ok:
            return self.expect(True, description, points)
        error = float(np.max(np.abs(got - ref)))
        feedback = f"{name} is off by up to {error:.3g}. {hint}"
        if factor is not None:
            symbol, size = factor
            for scale, how in ((size, "times"), (1 / size, "divided by")):
                if np.allclose(got, scale * ref, rtol=rtol, atol=atol):
                    return self.expect(
                        False,
                        description,
                        points,
                        f"{name} is exactly {how} {symbol} = {size:g} what it should be: a sum "
                        "where a mean belongs, or the other way round. " + hint,
                    )
        if callable(mistakes):
            mistakes = mistakes()
        for diagnosis, wrong in (mistakes or {}).items():
            wrong = _as_array(wrong)
            if wrong.shape == got.shape and np.allclose(got, wrong, rtol=rtol, atol=atol):
                feedback = f"{name} is off by up to {error:.3g}. It looks like {diagnosis}"
                break
        return self.expect(False, description, points, feedback)

    # -- calling the student's code ------------------------------------------------------------

    def probe(self, compute: Callable[[], Any]) -> Any:
        """The raw value ``compute()`` gives in the student's kernel, as the grader will see it.

        Live and probe mode run ``compute`` (a :class:`StudentError` it raises is recorded too);
        replay mode runs nothing and returns the next recorded value instead.
        """
        if self.mode == REPLAY:
            if self._next >= len(self.records):
                raise StudentError(
                    "your notebook's kernel returned fewer values than this check needs (the "
                    "run stopped early, or something in the notebook changed the grader's cell)"
                )
            record = self.records[self._next]
            self._next += 1
            if isinstance(record, dict) and set(record) == {"error"}:
                raise StudentError(str(record["error"])[:2000])
            if not isinstance(record, dict) or set(record) != {"value"}:
                raise StudentError("your notebook's kernel returned a malformed value")
            try:
                return _wire.decode(record["value"])
            except _wire.WireError as exc:
                raise StudentError(f"your notebook's kernel returned a malformed value: {exc}")
        try:
            data = _wire.encode(compute())
        except StudentError as exc:
            self.records.append({"error": str(exc)})
            raise
        self.records.append({"value": data})
        return _wire.decode(data)

    def call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Call the student's ``fn`` (through :meth:`probe`); raise :class:`StudentError` when
        it raises. Array arguments are copied; the student's prints are swallowed."""
        label = getattr(fn, "__name__", "your function")

        def compute() -> Any:
            if not callable(fn):
                raise StudentError(f"expected a function {label}(...); got {_describe(fn)}.")
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    return fn(*map(_copy, args), **{k: _copy(v) for k, v in kwargs.items()})
            except NotImplementedError as exc:
                message = str(exc) or label
                raise StudentError(
                    f"not implemented yet ({message}): replace the `...` and the "
                    "`raise NotImplementedError` by your code, run that cell, then this one."
                ) from None
            except Exception as exc:  # the student's bug is the check's subject: report it
                raise StudentError(
                    f"{label} raised {type(exc).__name__}: {exc}{_where(exc)}"
                ) from None

        return self.probe(compute)

    def unpack(self, value: Any, names: Sequence[str], label: str) -> tuple[Any, ...]:
        """``value`` is a tuple/list of ``len(names)``; otherwise the check stops."""
        if not isinstance(value, (tuple, list)) or len(value) != len(names):
            raise StudentError(f"{label} must return ({', '.join(names)}); got {_describe(value)}.")
        return tuple(value)


# --------------------------------------------------------------------------------------------
# Checks and the registry

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


def check(question: str, title: str, *, points: int, exercise: str) -> Callable[..., Check]:
    """Register ``fn(sheet, *student_args)`` as the graded check of ``question`` ("3.1")."""

    def register(fn: Callable[..., None]) -> Check:
        if question in QUESTIONS:
            raise ValueError(f"question {question} is registered twice")
        number = int(exercise[2:4])
        if not question.startswith(f"{number}."):
            raise ValueError(f"question {question} does not belong to {exercise}")
        obj = Check(fn, question, title, points, exercise)
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
