"""What an answer may not call: the thing its question asks the student to write.

The grader reads the notebook's source in its own process and, for each question, scans the
answer's function (the name the check cell passes, e.g. ``lstm_step``) and every function or
class of the notebook that it uses, for the names and attributes it refers to. Imports and
plain assignments (``import torch.nn as nn``, ``from gatedrnn import LSTMCell as L``,
``Cell = torch.nn.LSTMCell``) are followed, so ``nn.LSTMCell`` is read as
``torch.nn.LSTMCell``. A question whose answer refers to one of its :data:`DENIED` names earns
no points, and the report says which name, where.

This catches direct use. A name built at run time (``getattr(torch.nn, "LSTM" + "Cell")``,
``eval``, ``importlib``) is not followed: deliberate obfuscation is out of scope, as the
instructors' page says.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
from collections.abc import Iterable, Sequence

__all__ = ["DENIED", "Finding", "scan"]

_GRADING = ("gatedrnn.grading", "gatedrnn.instructor")
_LIBRARY_CELLS = (
    "gatedrnn.cells",
    "gatedrnn.twins",
    "gatedrnn.fast",
    "gatedrnn.recurrent",
    "gatedrnn.Recurrent",
    "gatedrnn.reductions",
)
_AUTOGRAD = ("torch.autograd", "torch.func", "functorch", "gatedrnn.derive", ".backward")
_TORCH_LSTM = ("torch.nn.LSTMCell", "torch.nn.LSTM", "torch.lstm", "torch.lstm_cell", "torch._VF")
_TORCH_GRU = ("torch.nn.GRUCell", "torch.nn.GRU", "torch.gru", "torch.gru_cell", "torch._VF")
_TORCH_RNN = (
    "torch.nn.RNNCell",
    "torch.nn.RNN",
    "torch.rnn_tanh",
    "torch.rnn_tanh_cell",
    "torch._VF",
)

_MLP = tuple(
    f"gatedrnn.mlp.{name}"
    for name in ("softmax", "forward", "backward", "loss_and_grads", "sgd_step", "train")
)

DENIED: dict[str, tuple[str, ...]] = {
    "1.1": (*_MLP, "torch.softmax", "torch.nn", "torch.special", "scipy.special", ".softmax"),
    "1.2": (*_MLP, "torch.nn"),
    "1.3": (*_MLP, *_AUTOGRAD),
    "1.4": (*_MLP, "gatedrnn.train", "sklearn", "torch.optim", *_AUTOGRAD),
    "2.1": ("gatedrnn.RateCell", "gatedrnn.derive", "scipy.integrate", *_LIBRARY_CELLS),
    "2.2": ("gatedrnn.RateCell", "gatedrnn.derive", "scipy.integrate", *_LIBRARY_CELLS),
    "2.3": ("gatedrnn.RateCell", *_LIBRARY_CELLS),
    "3.1": ("gatedrnn.LSTMCell", *_TORCH_LSTM, *_LIBRARY_CELLS),
    "3.2": ("gatedrnn.LSTMCell", *_TORCH_LSTM, *_LIBRARY_CELLS),
    "3.3": ("gatedrnn.RateCell", "gatedrnn.LSTMCell", *_TORCH_LSTM, *_LIBRARY_CELLS),
    "4.1": ("gatedrnn.SimpleGRUCell", "gatedrnn.GRUCell", *_TORCH_GRU, *_LIBRARY_CELLS),
    "4.2": ("gatedrnn.GRUCell", *_TORCH_GRU, *_LIBRARY_CELLS),
    "4.3": ("gatedrnn.GRUCell", *_TORCH_GRU, *_LIBRARY_CELLS, *_AUTOGRAD),
    "5.1": ("gatedrnn.plasticity",),
    "5.2": ("gatedrnn.plasticity",),
    "6.1": ("gatedrnn.SubLSTMCell", "gatedrnn.FixSubLSTMCell", *_LIBRARY_CELLS),
    "6.2": ("gatedrnn.train",),
    "7.1": ("gatedrnn.VanillaRNNCell", *_TORCH_RNN, *_LIBRARY_CELLS, *_AUTOGRAD),
    "7.2": ("gatedrnn.VanillaRNNCell", *_TORCH_RNN, *_LIBRARY_CELLS, *_AUTOGRAD),
    "7.3": ("gatedrnn.VanillaRNNCell", *_TORCH_RNN, *_LIBRARY_CELLS, *_AUTOGRAD),
}
"""Question -> what its answer may not refer to: dotted prefixes (``torch.nn.LSTMCell`` also
denies ``torch.nn.LSTMCell.forward``) and ``.attribute`` names (``.backward`` on any object).
The grading package and the instructor's tools are denied to every answer."""


@dataclasses.dataclass(frozen=True)
class Finding:
    """An answer that refers to a denied name."""

    question: str
    answer: str
    name: str
    cell: int  # 1-based, counting code cells (or IPython's In[n] in a running notebook)
    line: int
    place: str = "code cell {cell}"

    def reason(self) -> str:
        where = self.place.format(cell=self.cell)
        return (
            f"{self.answer} uses {self.name} ({where}, line {self.line}): that is "
            f"the course's own version of what question {self.question} asks you to write, so "
            "this question earns no points. Write it with the operations the exercise names."
        )


def _parse(source: str) -> ast.Module | None:
    """A cell's syntax tree; IPython's magics and shell lines are left out; None if unreadable."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n")]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _dotted(node: ast.AST) -> list[str] | None:
    """``a.b.c`` as ["a", "b", "c"]; None for anything that is not a chain of names."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(parts)]
    return None


class _Aliases:
    """What each name of the notebook stands for, from its imports and plain assignments."""

    def __init__(self, trees: Iterable[ast.Module]):
        self.names: dict[str, str] = {}
        self.stars: list[str] = []
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        if alias.asname:
                            self.names[alias.asname] = alias.name
                        else:
                            root = alias.name.split(".")[0]
                            self.names[root] = root
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    for alias in node.names:
                        if alias.name == "*":
                            self.stars.append(node.module)
                        else:
                            self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            for node in tree.body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target, value = node.targets[0], node.value
                    if isinstance(target, ast.Name):
                        full = self.resolve(value)
                        if full:
                            self.names[target.id] = full

    def resolve(self, node: ast.AST) -> str | None:
        parts = _dotted(node)
        if not parts:
            return None
        head = self.names.get(parts[0])
        if head is None:
            head = next((f"{m}.{parts[0]}" for m in self.stars if _has(m, parts[0])), None)
        return None if head is None else ".".join([head, *parts[1:]])


def _has(module: str, name: str) -> bool:
    try:
        return hasattr(importlib.import_module(module), name)
    except Exception:  # a module the grader cannot import offers nothing to a star import
        return False


def _denied(full: str, prefixes: Sequence[str]) -> bool:
    return any(full == p or full.startswith(p + ".") for p in prefixes if not p.startswith("."))


def scan(
    sources: Sequence[str], answers: dict[str, Sequence[str]], *, place: str = "code cell {cell}"
) -> dict[str, Finding]:
    """For each question in ``answers`` (question -> the names its answer defines), the first
    denied name its answer uses, if any. ``sources`` are the notebook's code cells; ``place``
    says where cell number ``{cell}`` is."""
    trees = [_parse(s) for s in sources]
    aliases = _Aliases(t for t in trees if t is not None)
    definitions: dict[str, tuple[int, ast.AST]] = {}  # the last top-level definition wins
    for number, tree in enumerate(trees, start=1):
        for node in tree.body if tree else ():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                definitions[node.name] = (number, node)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        definitions[target.id] = (number, node)
    every_answer = {name for names in answers.values() for name in names}
    findings: dict[str, Finding] = {}
    for question, names in answers.items():
        prefixes = (*DENIED.get(question, ()), *_GRADING)
        attributes = {p[1:] for p in prefixes if p.startswith(".")}
        todo = [name for name in names if name in definitions]
        seen: set[str] = set()
        while todo and question not in findings:
            name = todo.pop(0)
            if name in seen:
                continue
            seen.add(name)
            cell, node = definitions[name]
            for sub in ast.walk(node):
                full = None
                if isinstance(sub, ast.Attribute) and sub.attr in attributes:
                    full = f".{sub.attr}"
                elif isinstance(sub, (ast.Attribute, ast.Name)):
                    full = aliases.resolve(sub)
                    if full and not _denied(full, prefixes):
                        full = None
                if full:
                    line = getattr(sub, "lineno", 0)
                    findings[question] = Finding(
                        question, names[0], full.lstrip("."), cell, line, place
                    )
                    break
                if (
                    isinstance(sub, ast.Name)
                    and sub.id in definitions
                    and sub.id not in every_answer
                    and sub.id not in seen
                ):
                    todo.append(sub.id)  # a helper of the notebook's own: scan it too
    return findings


def uses(sources: Sequence[str], answer: str, name: str) -> bool:
    """Whether the top-level definition of ``answer`` refers to ``name`` (the grader notes that
    the course's version of an earlier answer stood in for it)."""
    found = False
    for source in sources:
        tree = _parse(source)
        for node in tree.body if tree else ():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == answer:
                found = any(isinstance(s, ast.Name) and s.id == name for s in ast.walk(node))
    return found
