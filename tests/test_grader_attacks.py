"""Notebooks that try to forge their grade, every stub left untouched: each kind of attack must
score exactly what the untouched stubs score, since the grader marks raw values in its own
process. Also: answers that call what they are asked to write earn nothing for that question."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from gatedrnn.instructor import grade, scan

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = ROOT / "exercises" / "ex03_lstm.ipynb"
SOLUTION = ROOT / "solutions" / "ex03_lstm.ipynb"

FULL_MARKS = (
    '{"question": "3.1", "title": "one LSTM step", "points": 5, "earned": 5, "passed": true, '
    '"notes": [], "items": [{"description": "every property", "points": 5, "earned": 5, '
    '"feedback": "", "passed": true}]}'
)

ATTACKS = {
    "numpy and torch comparisons": """
import numpy as np, torch
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), bool)
np.isfinite = lambda a, *r, **k: np.ones(np.shape(a), bool)
torch.allclose = lambda *a, **k: True
torch.equal = lambda *a, **k: True
import gatedrnn.grading._core as core
core.Sheet.close = lambda self, name, value, ref, description, points, **k: self.expect(
    True, description, points)
core.Sheet.call = lambda self, fn, *a, **k: None
""",
    "the report serialiser": f"""
import json
_full = {FULL_MARKS!r}
json.dumps = lambda *a, **k: _full
import gatedrnn.grading as g
g.Report.to_dict = lambda self: json.loads(_full)
g.probe_in_namespace = lambda question, namespace: _full
""",
    "an input transformer rewriting the grading cell": f"""
_full = {FULL_MARKS!r}
def _rewrite(lines):
    if any("_gatedrnn_grading" in line for line in lines):
        return [repr(_full) + "\\n"]
    return lines
get_ipython().input_transformers_post.append(_rewrite)
""",
    "an import hook wrapping the grading module": f"""
import importlib.abc, sys, types
_full = {FULL_MARKS!r}
class _Wrap(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        return None
sys.meta_path.insert(0, _Wrap())
fake = types.ModuleType("gatedrnn.grading")
fake.probe_in_namespace = lambda question, namespace: '{{"records": []}}'
fake.grade_in_namespace = lambda question, namespace: _full
for name in [n for n in sys.modules if n.startswith("gatedrnn.grading")]:
    del sys.modules[name]
sys.modules["gatedrnn.grading"] = fake
import gatedrnn
gatedrnn.grading = fake
""",
    "a display formatter": f"""
_full = {FULL_MARKS!r}
formatter = get_ipython().display_formatter.formatters["text/plain"]
formatter.for_type(str, lambda value, printer, cycle: printer.text(repr(_full)))
""",
}


def with_cell(source: Path, path: Path, code: str) -> Path:
    nb = nbformat.read(source, as_version=4)
    imports = next(
        i for i, c in enumerate(nb.cells) if "from gatedrnn import grading" in c.get("source", "")
    )
    nb.cells.insert(imports + 1, nbformat.v4.new_code_cell(code))
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def stub_scores(tmp_path_factory) -> dict[str, int]:
    path = tmp_path_factory.mktemp("stubs") / "ex03_lstm.ipynb"
    path.write_bytes(EXERCISE.read_bytes())
    graded = grade.grade_notebook(path, timeout=60)
    return {q.question: q.earned for q in graded.questions}


@pytest.mark.parametrize("kind", list(ATTACKS))
def test_an_attack_scores_what_the_stubs_score(kind, stub_scores, tmp_path, capsys):
    path = with_cell(EXERCISE, tmp_path / "ex03_lstm.ipynb", ATTACKS[kind])
    code = grade.main([str(path), "--timeout", "60"])
    table = capsys.readouterr().out
    scores = {
        line.split()[0]: int(line.split()[-2].split("/")[0])
        for line in table.splitlines()
        if line[:3] in ("3.1", "3.2", "3.3")
    }
    assert scores == stub_scores, table
    assert code == 1


def test_the_stubs_score_nothing(stub_scores):
    assert stub_scores == {"3.1": 0, "3.2": 0, "3.3": 0}


# --------------------------------------------------------------------------------------------
# Answers that call what they are asked to write

ANSWERS = {"3.1": ("lstm_step",), "3.2": ("lstm_forward",), "3.3": ("lstm_fixed_gates_step",)}
HONEST = """
import torch
def lstm_step(x_t, h_prev, c_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    a = x_t @ weight_ih.T + bias_ih + h_prev @ weight_hh.T + bias_hh
    return a, a
def lstm_forward(x, h0, c0, weight_ih, weight_hh, bias_ih, bias_hh):
    return lstm_step(x, h0, c0, weight_ih, weight_hh, bias_ih, bias_hh)
"""


@pytest.mark.parametrize(
    ("code", "question", "name"),
    [
        (
            "import torch\ndef lstm_step(x_t, h, c, Wi, Wh, bi, bh):\n"
            "    cell = torch.nn.LSTMCell(Wi.shape[1], h.shape[1])\n    return cell(x_t, (h, c))",
            "3.1",
            "torch.nn.LSTMCell",
        ),
        (
            "from torch import nn as N\nCell = N.LSTMCell\n"
            "def lstm_step(x_t, h, c, *w):\n    return Cell(3, 4)(x_t, (h, c))",
            "3.1",
            "torch.nn.LSTMCell",
        ),
        (
            "import gatedrnn\ndef helper(x):\n    return gatedrnn.LSTMCell(3, 4)(x)\n"
            "def lstm_forward(x, *rest):\n    return helper(x)",
            "3.2",
            "gatedrnn.LSTMCell",
        ),
        (
            "from gatedrnn import grading\ndef lstm_fixed_gates_step(*args):\n"
            "    return grading.lstm._course_lstm_step(*args)",
            "3.3",
            "gatedrnn.grading.lstm._course_lstm_step",
        ),
        (
            "from gatedrnn.cells import *\ndef lstm_step(*args):\n    return LSTMCell(1, 1)(*args)",
            "3.1",
            "gatedrnn.cells.LSTMCell",
        ),
    ],
)
def test_an_answer_calling_the_thing_it_writes_is_flagged(code, question, name):
    findings = scan.scan(["import numpy as np", code], ANSWERS)
    assert set(findings) == {question}
    finding = findings[question]
    assert finding.name == name and finding.cell == 2
    assert name in finding.reason() and "earns no points" in finding.reason()


def test_honest_answers_and_calls_of_earlier_answers_are_not_flagged():
    assert scan.scan([HONEST], ANSWERS) == {}
    assert scan.uses([HONEST], "lstm_forward", "lstm_step")
    assert not scan.uses([HONEST], "lstm_step", "lstm_forward")


def test_every_question_has_a_deny_list():
    from gatedrnn import grading

    assert set(scan.DENIED) == set(grading.QUESTIONS)


@pytest.fixture(scope="module")
def flagged_grade(tmp_path_factory):
    nb = nbformat.read(SOLUTION, as_version=4)
    step = next(c for c in nb.cells if "def lstm_step(" in c.get("source", ""))
    step.source = (
        "def lstm_step(x_t, h_prev, c_prev, weight_ih, weight_hh, bias_ih, bias_hh):\n"
        "    cell = torch.nn.LSTMCell(weight_ih.shape[1], h_prev.shape[1]).double()\n"
        "    with torch.no_grad():\n"
        "        for name, value in zip(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'],\n"
        "                               [weight_ih, weight_hh, bias_ih, bias_hh]):\n"
        "            getattr(cell, name).copy_(value)\n"
        "    return cell(x_t, (h_prev, c_prev))"
    )
    path = tmp_path_factory.mktemp("flagged") / "ex03_lstm.ipynb"
    nbformat.write(nb, path)
    return grade.grade_notebook(path, timeout=60)


def test_the_grader_gives_a_flagged_answer_nothing_and_the_others_their_points(flagged_grade):
    scores = {q.question: q.earned for q in flagged_grade.questions}
    assert scores == {"3.1": 0, "3.2": 5, "3.3": 4}
    report = flagged_grade.questions[0]
    assert "uses torch.nn.LSTMCell" in report.table()
    assert "Graded with the course's own lstm_step" in flagged_grade.questions[1].table()
