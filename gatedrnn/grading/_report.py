"""Items, reports and the two exceptions of a check: what a score table is made of."""

from __future__ import annotations

import dataclasses
import textwrap
from typing import Any

__all__ = ["CheckFailed", "Item", "Report", "StudentError"]

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
