"""The generator: exercises/ is what solutions/ generates, with every answer replaced by a stub;
``check`` also catches unpaired solutions and solutions that lose points; ``release`` writes a
student copy without answers."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import jupytext
import nbformat
import pytest

from gatedrnn import grading
from gatedrnn.instructor import course, release

ROOT = Path(__file__).resolve().parent.parent
SEVEN = [
    "ex01_mlp",
    "ex02_rate_networks",
    "ex03_lstm",
    "ex04_gru",
    "ex05_inhibitory_plasticity",
    "ex06_sublstm",
    "ex07_bptt",
]
SOLVED = sorted(p.stem for p in (ROOT / "solutions").glob("ex*.ipynb"))


def read(folder: str, name: str):
    return nbformat.read(ROOT / folder / f"{name}.ipynb", as_version=4)


def test_exercises_are_up_to_date():
    problems = course.stale(ROOT)
    assert not problems, "\n".join(problems + ["run: python -m gatedrnn.course build"])


def test_the_seven_exercises_exist_with_their_checks():
    assert SOLVED == SEVEN
    assert sorted(grading.EXERCISES) == SEVEN


@pytest.mark.parametrize("name", SOLVED)
def test_no_line_of_an_answer_reaches_the_exercise(name):
    blocks = course.solution_blocks(read("solutions", name), name)
    assert blocks
    script = (ROOT / "exercises" / f"{name}.py").read_text(encoding="utf-8")
    shipped = {line.strip() for line in script.splitlines()}
    for cell in read("exercises", name).cells:
        shipped |= {line.strip() for line in cell.source.splitlines()}
    for block in blocks:
        for line in block.answer_lines:
            assert line not in shipped, f"{name}: answer line of {block.question} shipped: {line}"


@pytest.mark.parametrize("name", SOLVED)
def test_each_answer_became_a_stub_with_its_hints(name):
    solution, exercise = read("solutions", name), read("exercises", name)
    assert len(solution.cells) == len(exercise.cells)
    text = "\n".join(cell.source for cell in exercise.cells)
    for block in course.solution_blocks(solution, name):
        message = f'"Exercise {block.question}: {block.task}"'
        assert re.search(r"raise NotImplementedError\(\s*" + re.escape(message), text)
        for hint in block.hints:
            assert f"# Hint: {hint}" in text
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text and "# HINT:" not in text


@pytest.mark.parametrize("name", SOLVED)
def test_outputs_are_stripped_and_check_cells_kept(name):
    solution, exercise = read("solutions", name), read("exercises", name)
    for cell in exercise.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
        assert "execution" not in cell.metadata  # no timestamps of the solution's run
    checks = [c.source for c in solution.cells if course.is_check_cell(c.source)]
    assert checks == [c.source for c in exercise.cells if course.is_check_cell(c.source)]
    calls = [line for source in checks for line in source.splitlines() if "check_" in line]
    assert calls == [c.call_source for c in grading.EXERCISES[name]]


@pytest.mark.parametrize("name", SOLVED)
def test_every_check_follows_its_answer(name):
    nb = read("solutions", name)
    blocks = course.solution_blocks(nb, name)
    for check in grading.EXERCISES[name]:
        last = max(b.cell for b in blocks if b.question == check.question)
        after = [c.source for c in nb.cells[last + 1 :] if c.cell_type == "code"]
        assert after and after[0].strip() == check.call_source, (
            f"{check.question}: the code cell after its answer should be {check.call_source}"
        )


# --------------------------------------------------------------------------------------------
# The conversion on small notebooks


def notebook(*sources: str):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


ANSWER = '''def lstm_step(x_t, h_prev, c_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """doc"""
    # BEGIN SOLUTION 3.1: do it
    # HINT: think of the gates.
    gates = x_t  # secret
    return gates
    # END SOLUTION
'''
CHECK = "grading.check_lstm_step(lstm_step)"


def convert(*cells: str, name: str = "ex03_lstm"):
    """Convert a small notebook whose only question is 3.1 (graded by check_lstm_step)."""
    return course.convert(notebook(*cells), name, [grading.check_lstm_step])


def test_a_block_becomes_an_indented_stub_that_keeps_its_hints():
    out = convert(ANSWER, CHECK).cells[0].source
    assert out.splitlines()[2:] == [
        "    # Hint: think of the gates.",
        "    ...",
        '    raise NotImplementedError("Exercise 3.1: do it")',
    ]
    assert "secret" not in out


def test_outputs_of_a_converted_notebook_are_stripped():
    nb = notebook(ANSWER, CHECK)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="5/5 points")]
    nb.cells[1].execution_count = 3
    out = course.convert(nb, "ex03_lstm", [grading.check_lstm_step]).cells[1]
    assert out.outputs == [] and out.execution_count is None and out.source == CHECK


@pytest.mark.parametrize(
    ("cells", "error"),
    [
        ((ANSWER.replace("    # END SOLUTION\n", ""), CHECK), "never closed"),
        ((ANSWER.replace("    # BEGIN SOLUTION 3.1: do it\n", ""), CHECK), "without BEGIN"),
        ((ANSWER.replace("3.1: do it", ""), CHECK), "BEGIN SOLUTION N.k"),
        ((ANSWER.replace("# HINT", "# BEGIN SOLUTION 3.1: again\n    # HINT"), CHECK), "inside"),
        ((ANSWER,), "needs its check cell"),
        ((CHECK, ANSWER), "needs its check cell"),
        ((ANSWER.replace("3.1", "4.1"), CHECK), "is not in exercise 3"),
        ((ANSWER, "grading.check_lstm_step(my_step)"), "write 'grading.check_lstm_step"),
        ((ANSWER, CHECK, "grading.check_gru_step(gru_step)"), "is not a check of ex03_lstm"),
        (
            (ANSWER.replace("gates = x_t  # secret\n", "").replace("return gates\n", ""), CHECK),
            "empty",
        ),
        ((ANSWER, CHECK, "gates = x_t  # secret"), "would still show the answer line"),
    ],
    ids=[
        "unclosed",
        "unopened",
        "no question",
        "nested",
        "no check",
        "check first",
        "other exercise",
        "renamed argument",
        "unknown check",
        "empty",
        "leak",
    ],
)
def test_broken_conventions_are_refused_with_a_reason(cells, error):
    with pytest.raises(course.CourseError, match=re.escape(error)):
        convert(*cells)


def test_questions_must_match_the_registry():
    # ex03 registers 3.1-3.3; a notebook answering only 3.1 is incomplete
    with pytest.raises(course.CourseError, match=r"registers \['3.1', '3.2', '3.3'\]"):
        course.convert(notebook(ANSWER, CHECK), "ex03_lstm")
    with pytest.raises(course.CourseError, match="named exNN_topic"):
        convert(ANSWER, CHECK, name="lstm")


def test_check_cells_are_recognised_by_their_calls_only():
    assert course.check_cell_calls("# grade it\ngrading.check_lstm_step(lstm_step)") == [
        "check_lstm_step"
    ]
    assert course.check_cell_calls("x = 1\ngrading.check_lstm_step(lstm_step)") == []
    assert not course.is_check_cell("print('check_lstm_step')")


# --------------------------------------------------------------------------------------------
# The command line, on a copy of the repository's notebooks


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A copy of the notebooks; the grading of the solutions is tested on its own below."""
    for folder in ("solutions", "exercises"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "jupytext.toml", tmp_path / "jupytext.toml")
    monkeypatch.setattr(course, "solution_problems", lambda root: [])
    return tmp_path


def test_check_reports_a_stale_exercise_and_build_repairs_it(tree, capsys):
    assert course.main(["check", "--root", str(tree)]) == 0
    edited = tree / "exercises" / "ex03_lstm.py"
    edited.write_text(edited.read_text() + "\n# a student's note\n")
    (tree / "exercises" / "ex04_gru.ipynb").unlink()
    (tree / "exercises" / "ex99_old.py").write_text("# %%\n")
    assert course.main(["check", "--root", str(tree)]) == 1
    out = capsys.readouterr().out
    assert "exercises/ex03_lstm.py: differs" in out
    assert "exercises/ex04_gru.ipynb: missing" in out
    assert "exercises/ex99_old.py: has no solution notebook" in out
    capsys.readouterr()
    assert course.main(["build", "--root", str(tree)]) == 0
    out = capsys.readouterr().out
    assert "wrote exercises/ex04_gru.ipynb" in out and "removed exercises/ex99_old.py" in out
    assert course.main(["check", "--root", str(tree)]) == 0
    assert not (tree / "exercises" / "ex99_old.py").exists()


def test_the_generated_pair_is_in_sync(tree):
    for path in (tree / "exercises").glob("ex*.ipynb"):
        cells = [(c.cell_type, c.source.strip()) for c in jupytext.read(path).cells]
        paired = jupytext.read(path.with_suffix(".py")).cells
        assert cells == [(c.cell_type, c.source.strip()) for c in paired]


def test_build_without_solutions_says_where_to_run(tmp_path, capsys):
    assert course.main(["build", "--root", str(tmp_path)]) == 2
    assert "no solutions/ folder" in capsys.readouterr().err


def test_check_fails_when_a_solutions_script_and_notebook_differ(tree, capsys):
    script = tree / "solutions" / "ex03_lstm.py"
    script.write_text(
        script.read_text().replace("c_t = f * c_prev + i * z", "c_t = c_prev + i * z")
    )
    assert course.main(["check", "--root", str(tree)]) == 1
    out = capsys.readouterr().out
    assert "solutions/ex03_lstm.ipynb and ex03_lstm.py differ from cell" in out
    assert "jupytext --sync solutions/ex03_lstm.py" in out  # the newer one


def test_check_grades_every_solution_and_fails_on_a_lost_point(tmp_path, monkeypatch):
    from gatedrnn.instructor import grade

    for folder in ("solutions",):
        shutil.copytree(ROOT / folder, tmp_path / folder)

    def fake(path, timeout):
        items = (grading.Item("right", 4, 4), grading.Item("wrong", 1, 0, "a hint"))
        report = grading.Report("3.1", "one LSTM step", 5, items)
        return grade.Grade(str(path), path.stem, timeout, [report], ["a note"])

    monkeypatch.setattr(grade, "grade_notebook", fake)
    problems = course.solution_problems(tmp_path)
    assert "solutions/ex03_lstm.ipynb: the grader gives 3.1 4/5" in problems
    assert "solutions/ex03_lstm.ipynb: a note" in problems


def test_the_leak_guard_compares_tokens_not_spacing():
    cells = (ANSWER, CHECK, "gates=x_t  # the same line, spaced otherwise")
    with pytest.raises(course.CourseError, match="would still show the answer line"):
        course.convert(notebook(*cells), "ex03_lstm", [grading.check_lstm_step])
    assert course.normalised("c_t=f*c_prev+i*z") == course.normalised("c_t = f * c_prev + i * z")


def test_a_release_leaves_out_the_answers(tmp_path, capsys):
    out = tmp_path / "course"
    assert course.main(["release", str(out), "--root", str(ROOT)]) == 0
    assert "without solutions/" in capsys.readouterr().out
    assert not (out / "solutions").exists() and not (out / "tests").exists()
    assert not (out / "gatedrnn" / "instructor" / "mistakes.py").exists()
    for kept in ("gatedrnn/grading/lstm.py", "gatedrnn/instructor/grade.py", "lectures"):
        assert (out / kept).exists(), kept
    for name in SEVEN:
        assert (out / "exercises" / f"{name}.ipynb").exists()
    assert release.release_leaks(ROOT, out) == []
    # the guard would see an answer line that reached the grading code
    planted = out / "gatedrnn" / "grading" / "lstm.py"
    planted.write_text(planted.read_text() + "\nc_t=f*c_prev+i*z\n")
    leaks = release.release_leaks(ROOT, out)
    assert leaks and "ex03_lstm 3.1" in leaks[0]
    assert course.main(["release", str(out), "--root", str(ROOT)]) == 2  # not into a full folder


def test_in_a_release_the_checks_work_without_the_instructors_mistakes(tmp_path):
    """The copy's check cell keeps the property it cannot mark, labelled; its grader gives none
    for it (grade with the instructor's repository)."""
    import json
    import subprocess
    import sys

    from test_grading_checks import SOLUTIONS

    out = tmp_path / "course"
    release.release(ROOT, out)
    script = (
        SOLUTIONS["ex05_inhibitory_plasticity"]
        + "import json\nfrom gatedrnn import grading\nfrom gatedrnn.grading import _probes\n"
        + "check = grading.question('5.2')\nlive = check.run(simulate_neuron)\n"
        + "probe = json.loads(check.probe(globals()))\nreplayed = check.replay(probe['records'])\n"
        + "print(json.dumps([_probes.instructor_module() is None, grading.__file__, "
        + "live.earned, replayed.earned, live.table()]))\n"
    )
    env = {"PYTHONPATH": str(out), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(  # in tmp_path: the repository itself must not be importable
        [sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    missing, where, live, replayed, table = json.loads(done.stdout.splitlines()[-1])
    assert missing and where.startswith(str(out))
    assert (live, replayed) == (6, 4), table
    assert "marked by your course's grader" in table
