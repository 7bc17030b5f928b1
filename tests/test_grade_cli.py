"""The grader CLI on notebooks the tests write: full marks, a hostile notebook (it kills its
kernel after defining an answer, loops forever, raises, patches and deletes check cells, has no
outputs), an answer that calls what it should write, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from gatedrnn import grading
from gatedrnn.instructor import grade

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "solutions" / "ex03_lstm.ipynb"


def code_cell(nb, contains: str):
    return next(c for c in nb.cells if c.cell_type == "code" and contains in c.source)


def hostile(path: Path) -> Path:
    """ex03 solved, then broken in every way the grader must survive."""
    nb = nbformat.read(SOLUTION, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    imports = nb.cells.index(code_cell(nb, "from gatedrnn import grading"))
    nb.cells[imports + 1 : imports + 1] = [
        nbformat.v4.new_code_cell("while True:\n    pass"),
        nbformat.v4.new_code_cell("raise ValueError('a bug in a cell')"),
    ]
    fixed = nb.cells.index(code_cell(nb, "def lstm_fixed_gates_step("))
    nb.cells.insert(
        fixed + 1, nbformat.v4.new_code_cell("import os\nos._exit(1)  # kills the kernel")
    )
    demo = nbformat.v4.new_code_cell(
        "raise RuntimeError('a demo')", metadata={"tags": ["not-graded"]}
    )
    nb.cells.insert(fixed + 1, demo)  # the grader does not run a cell tagged not-graded
    step = code_cell(nb, "def lstm_step(")
    step.source = step.source.replace("c_t = f * c_prev + i * z", "c_t = c_prev + i * z")
    code_cell(
        nb, "grading.check_lstm_step("
    ).source = (
        "grading.check_lstm_step = lambda f: print('all good')\ngrading.check_lstm_step(lstm_step)"
    )
    code_cell(nb, "def lstm_forward(").source = (
        "def lstm_forward(x, h0, c0, weight_ih, weight_hh, bias_ih, bias_hh):\n"
        "    while True:\n"
        "        pass"
    )
    for contains in (
        "grading.check_lstm_forward(",
        "grading.check_lstm_fixed_gates(",
        "Recurrent(cell",
    ):
        nb.cells.remove(code_cell(nb, contains))
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def hostile_grade(tmp_path_factory) -> grade.Grade:
    path = hostile(tmp_path_factory.mktemp("student") / "ex03_lstm.ipynb")
    return grade.grade_notebook(path, timeout=3)


def test_the_grader_survives_and_grades_with_its_own_checks(hostile_grade):
    scores = {q.question: q.earned for q in hostile_grade.questions}
    # 3.1: the forget gate is missing (only the shape point), whatever the patched check said
    # 3.2: loops forever while being checked; 3.3: right, though its check cell was deleted and
    # a later cell killed the kernel: the cells before that one ran again in a new kernel
    assert scores == {"3.1": 1, "3.2": 0, "3.3": 4}
    feedback = {q.question: q.items[-1].feedback for q in hostile_grade.questions}
    assert "did not finish within 3 s" in feedback["3.2"]
    notes = "\n".join(hostile_grade.notes)
    assert "('import os'): killed the kernel; a new kernel ran the" in notes
    assert "did not finish within 3 s and was interrupted" in notes
    assert "ValueError: a bug in a cell" in notes
    assert "a demo" not in notes
    assert not hostile_grade.passed


def test_the_table_and_the_json_say_the_same(hostile_grade):
    table = hostile_grade.table()
    assert "forget gate is missing" in table
    rows = table.splitlines()[-4:]
    assert rows[0].split()[:2] == ["3.1", "one"] and rows[0].split()[-2:] == ["1/5", "FAIL"]
    assert rows[-1].split() == ["total", "5/14", "not", "yet"]
    data = json.loads(json.dumps(hostile_grade.to_dict()))
    assert (data["earned"], data["points"], data["passed"]) == (5, 14, False)
    assert [q["question"] for q in data["questions"]] == ["3.1", "3.2", "3.3"]


def test_full_marks_exit_zero_and_json(tmp_path, capsys):
    path = tmp_path / "my copy of ex03.ipynb"
    path.write_bytes(SOLUTION.read_bytes())
    code = grade.main([str(path), "--exercise", "ex03_lstm", "--json", "--timeout", "60"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0, data
    assert data["passed"] and data["earned"] == data["points"] == 14 and data["notes"] == []


def test_a_partial_score_exits_one(tmp_path, capsys, monkeypatch):
    items = (grading.Item("right", 4, 4), grading.Item("wrong", 1, 0, "a hint"))
    partial = grade.Grade(
        "nb.ipynb", "ex03_lstm", 60, [grading.Report("3.1", "a question", 5, items)], []
    )
    monkeypatch.setattr(grade, "grade_notebook", lambda *a, **k: partial)
    path = tmp_path / "ex03_lstm.ipynb"
    path.write_text("{}")
    assert grade.main([str(path)]) == 1
    assert "4/5" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        ("ex03_lstm.ipynb", None, [], "no such notebook"),
        ("ex03_lstm.ipynb", "not json", [], "not a readable notebook"),
        ("homework.ipynb", "", [], "cannot tell which exercise"),
        ("ex03_lstm.ipynb", "", ["--exercise", "ex99_nothing"], "unknown exercise"),
    ],
)
def test_what_cannot_be_graded_exits_two(tmp_path, capsys, name, content, args, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content or nbformat.writes(nbformat.v4.new_notebook()))
    assert grade.main([str(path), *args]) == 2
    assert message in capsys.readouterr().err


def test_the_exercise_is_found_from_the_file_name():
    assert grade.find_exercise(Path("ex03_lstm.ipynb")) == "ex03_lstm"
    assert grade.find_exercise(Path("ex03_lstm (1).ipynb")) == "ex03_lstm"
    assert grade.find_exercise(Path("ex03-mine.py")) == "ex03_lstm"


def test_check_lines_are_not_run_but_everything_else_is():
    cell = "x = 1\ngrading.check_lstm_step(lstm_step)\nif x:\n    check_gru_step(g)  # again"
    assert grade._without_checks(cell) == "x = 1\npass\nif x:\n    pass"
    mine = "shapes.check_sizes(x)\ncheck_lstm_steps(f)"  # the student's own functions stay
    assert grade._without_checks(mine) == mine


def test_a_paired_script_is_read_like_its_notebook():
    script = grade._read_sources(SOLUTION.with_suffix(".py"))
    assert script == [c.source for c in nbformat.read(SOLUTION, 4).cells if c.cell_type == "code"]


def test_an_answer_that_kills_the_kernel_while_checked_costs_its_own_question(tmp_path):
    nb = nbformat.read(SOLUTION, as_version=4)
    fixed = code_cell(nb, "def lstm_fixed_gates_step(")
    fixed.source = fixed.source.replace(
        "    h_prev = phi2(c_prev)", "    import os\n\n    os._exit(1)\n    h_prev = phi2(c_prev)"
    )
    path = tmp_path / "ex03_lstm.ipynb"
    nbformat.write(nb, path)
    graded = grade.grade_notebook(path, timeout=60)
    assert {q.question: q.earned for q in graded.questions} == {"3.1": 5, "3.2": 5, "3.3": 0}
    assert "killed the kernel while being checked" in graded.questions[2].table()


def test_the_grader_warns_when_the_paired_script_says_something_else(tmp_path):
    import os

    notebook = tmp_path / "ex03_lstm.ipynb"
    script = tmp_path / "ex03_lstm.py"
    notebook.write_bytes(SOLUTION.read_bytes())
    script.write_bytes(SOLUTION.with_suffix(".py").read_bytes())
    assert grade.paired_warning(notebook) == ""
    script.write_text(
        script.read_text().replace("c_t = f * c_prev + i * z", "c_t = c_prev + i * z")
    )
    os.utime(notebook, (1, 1))  # the script is the newer file
    warning = grade.paired_warning(notebook)
    assert "the paired ex03_lstm.py holds other code than ex03_lstm.ipynb and is newer" in warning
    assert "graded ex03_lstm.ipynb as it is" in warning
