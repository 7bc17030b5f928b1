"""The graded checks, called directly (no kernel): they pass the solutions, fail every stub, and
catch wrong-but-plausible answers (mutants of the solutions)."""

from __future__ import annotations

import ast
import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch

from gatedrnn import grading
from gatedrnn.instructor import course

ROOT = Path(__file__).resolve().parent.parent


def definitions(path: Path) -> str:
    """The imports and top-level definitions of a notebook's code cells, as one script.

    Check cells and statements that do work (training, plots) are left out, so executing the
    result is fast and gives exactly the functions a check needs.
    """
    nb = nbformat.read(path, as_version=4)
    kept = []
    for cell in nb.cells:
        if cell.cell_type != "code" or course.is_check_cell(cell.source):
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
                kept.append(ast.get_source_segment(cell.source, node))
    return "\n\n".join(kept) + "\n"


def namespace(source: str) -> dict:
    scope: dict = {"__name__": "exercise"}
    exec(compile(source, "<exercise>", "exec"), scope)
    return scope


def run(question: str, scope: dict) -> grading.Report:
    check = grading.question(question)
    return check.run(*(scope[name] for name in check.arg_names))


SOLUTIONS = {
    path.stem: definitions(path) for path in sorted((ROOT / "solutions").glob("ex*.ipynb"))
}
EXERCISES = {
    path.stem: definitions(path) for path in sorted((ROOT / "exercises").glob("ex*.ipynb"))
}
QUESTIONS = [
    (c.exercise, c.question) for name in sorted(grading.EXERCISES) for c in grading.EXERCISES[name]
]


@pytest.fixture(scope="module")
def solved() -> dict[str, dict]:
    return {name: namespace(source) for name, source in SOLUTIONS.items()}


@pytest.mark.parametrize(("exercise", "question"), QUESTIONS, ids=[q for _, q in QUESTIONS])
def test_the_solution_earns_every_point(exercise, question, solved):
    report = run(question, solved[exercise])
    assert report.passed, report.table()


@pytest.mark.parametrize(("exercise", "question"), QUESTIONS, ids=[q for _, q in QUESTIONS])
def test_a_stub_earns_nothing_and_is_told_so(exercise, question):
    report = run(question, namespace(EXERCISES[exercise]))
    assert report.earned == 0, report.table()
    assert f"Exercise {question}" in report.table()
    assert "not implemented yet" in report.table()


# --------------------------------------------------------------------------------------------
# Mutants: wrong-but-plausible answers, each an edit of the solution's text. Every one must lose
# points. (exercise, question, what the mistake is, [(solution text, replacement), ...])

MUTANTS = [
    # ex01: the one-hidden-layer network
    (
        "ex01_mlp",
        "1.1",
        "softmax normalises rows",
        [("e / e.sum(axis=0, keepdims=True)", "e / e.sum(axis=1, keepdims=True)")],
    ),
    (
        "ex01_mlp",
        "1.1",
        "softmax without the max shift overflows",
        [("shifted = y_pre - y_pre.max(axis=0, keepdims=True)", "shifted = y_pre")],
    ),
    (
        "ex01_mlp",
        "1.2",
        "sigmoid hidden units instead of tanh",
        [("h = np.tanh(h_pre)", "h = 1 / (1 + np.exp(-h_pre))")],
    ),
    (
        "ex01_mlp",
        "1.2",
        "output bias c forgotten",
        [("y = softmax(V @ h + c)", "y = softmax(V @ h)")],
    ),
    ("ex01_mlp", "1.2", "transposed input weights", [("h_pre = W @ x + b", "h_pre = W.T @ x + b")]),
    (
        "ex01_mlp",
        "1.3",
        "sign error in the output gradient",
        [("dy_pre = (y - Y) / p", "dy_pre = (Y - y) / p")],
    ),
    (
        "ex01_mlp",
        "1.3",
        "derivative of tanh missing",
        [("dh_pre = (V.T @ dy_pre) * (1 - h**2)", "dh_pre = V.T @ dy_pre")],
    ),
    (
        "ex01_mlp",
        "1.3",
        "tanh derivative taken at h' instead of h",
        [("* (1 - h**2)", "* (1 - h_pre**2)")],
    ),
    (
        "ex01_mlp",
        "1.3",
        "gradient of the summed loss, not the mean",
        [("dy_pre = (y - Y) / p", "dy_pre = y - Y")],
    ),
    ("ex01_mlp", "1.3", "transposed weight gradient", [("dV = dy_pre @ h.T", "dV = h @ dy_pre.T")]),
    (
        "ex01_mlp",
        "1.4",
        "gradient ascent",
        [
            (
                "W - lr * dW, b - lr * db, V - lr * dV, c - lr * dc",
                "W + lr * dW, b + lr * db, V + lr * dV, c + lr * dc",
            )
        ],
    ),
    (
        "ex01_mlp",
        "1.4",
        "one mini-batch per epoch",
        [
            (
                "for start in range(0, p, batch_size):",
                "for start in range(0, batch_size, batch_size):",
            )
        ],
    ),
    # ex02: rate networks
    (
        "ex02_rate_networks",
        "2.1",
        "leak term missing",
        [("return (1 - z) * r + z * phi(", "return r + z * phi(")],
    ),
    (
        "ex02_rate_networks",
        "2.1",
        "transposed recurrent weights",
        [("phi(r @ R.T + x_t @ W.T + b)", "phi(r @ R + x_t @ W.T + b)")],
    ),
    (
        "ex02_rate_networks",
        "2.1",
        "dt forgotten in z (right only at dt = 1 ms)",
        [("z = dt / tau  # (H,)", "z = 1 / tau  # (H,)")],
    ),
    (
        "ex02_rate_networks",
        "2.2",
        "phi applied after R, as in the rate form",
        [
            (
                "return (1 - z) * v + z * (phi(v) @ R.T + x_t @ W.T + b)",
                "return (1 - z) * v + z * phi(v @ R.T + x_t @ W.T + b)",
            )
        ],
    ),
    (
        "ex02_rate_networks",
        "2.2",
        "sign error in the leak",
        [("return (1 - z) * v + z", "return (1 + z) * v + z")],
    ),
    (
        "ex02_rate_networks",
        "2.3",
        "rows signed instead of columns",
        [("return R_raw.abs() * signs", "return R_raw.abs() * signs[:, None]")],
    ),
    (
        "ex02_rate_networks",
        "2.3",
        "absolute value forgotten",
        [("return R_raw.abs() * signs", "return R_raw * signs")],
    ),
    (
        "ex02_rate_networks",
        "2.3",
        "inhibitory units first",
        [("signs[round(frac_exc * n) :] = -1.0", "signs[: n - round(frac_exc * n)] = -1.0")],
    ),
    # ex03: the LSTM
    (
        "ex03_lstm",
        "3.1",
        "forget gate missing",
        [("c_t = f * c_prev + i * z", "c_t = c_prev + i * z")],
    ),
    (
        "ex03_lstm",
        "3.1",
        "gate blocks read as (i, f, o, z)",
        [("a_i, a_f, a_z, a_o = preactivation", "a_i, a_f, a_o, a_z = preactivation")],
    ),
    (
        "ex03_lstm",
        "3.1",
        "input and forget gates swapped",
        [("c_t = f * c_prev + i * z", "c_t = i * c_prev + f * z")],
    ),
    (
        "ex03_lstm",
        "3.1",
        "output nonlinearity phi2 missing",
        [("h_t = o * torch.tanh(c_t)", "h_t = o * c_t")],
    ),
    (
        "ex03_lstm",
        "3.1",
        "transposed recurrent weights",
        [("h_prev @ weight_hh.T", "h_prev @ weight_hh")],
    ),
    (
        "ex03_lstm",
        "3.1",
        "h_t from the old cell state",
        [("h_t = o * torch.tanh(c_t)", "h_t = o * torch.tanh(c_prev)")],
    ),
    (
        "ex03_lstm",
        "3.2",
        "off-by-one in time (initial state as first output)",
        [
            (
                "        h, c = lstm_step(x_t, h, c, weight_ih, weight_hh, bias_ih, bias_hh)\n"
                "        outputs.append(h)",
                "        outputs.append(h)\n"
                "        h, c = lstm_step(x_t, h, c, weight_ih, weight_hh, bias_ih, bias_hh)",
            )
        ],
    ),
    (
        "ex03_lstm",
        "3.2",
        "returns the initial state as final state",
        [("return torch.stack(outputs), (h, c)", "return torch.stack(outputs), (h0, c0)")],
    ),
    ("ex03_lstm", "3.2", "time runs backwards", [("for x_t in x:", "for x_t in x.flip(0):")]),
    (
        "ex03_lstm",
        "3.3",
        "i = 1 - z and f = z",
        [("return (1 - z) * c_prev + z * candidate", "return z * c_prev + (1 - z) * candidate")],
    ),
    (
        "ex03_lstm",
        "3.3",
        "phi1 and phi2 swapped",
        [
            ("h_prev = phi2(c_prev)", "h_prev = phi1(c_prev)"),
            ("candidate = phi1(", "candidate = phi2("),
        ],
    ),
    # ex04: the GRU
    (
        "ex04_gru",
        "4.1",
        "z and 1 - z swapped",
        [
            (
                "return (1 - z) * h_prev + z * torch.tanh(a_n)",
                "return z * h_prev + (1 - z) * torch.tanh(a_n)",
            )
        ],
    ),
    (
        "ex04_gru",
        "4.1",
        "blocks read as (n, z)",
        [("a_z, a_n = (x_t @ weight_ih.T", "a_n, a_z = (x_t @ weight_ih.T")],
    ),
    (
        "ex04_gru",
        "4.2",
        "reset gate before R_n (Cho et al.) instead of after",
        [
            (
                "n = torch.tanh(x_t @ W_n.T + b_in + r * (h_prev @ R_n.T + b_hn))",
                "n = torch.tanh(x_t @ W_n.T + b_in + (r * h_prev) @ R_n.T + b_hn)",
            )
        ],
    ),
    (
        "ex04_gru",
        "4.2",
        "update gate not inverted",
        [("return (1 - u) * n + u * h_prev", "return u * n + (1 - u) * h_prev")],
    ),
    (
        "ex04_gru",
        "4.2",
        "transposed recurrent weights of the update gate",
        [
            (
                "u = torch.sigmoid(x_t @ W_u.T + b_iu + h_prev @ R_u.T + b_hu)\n"
                "    n = torch.tanh(",
                "u = torch.sigmoid(x_t @ W_u.T + b_iu + h_prev @ R_u + b_hu)\n    n = torch.tanh(",
            )
        ],
    ),
    (
        "ex04_gru",
        "4.2",
        "b_hn outside the reset gate",
        [("r * (h_prev @ R_n.T + b_hn))\n    return", "r * (h_prev @ R_n.T) + b_hn)\n    return")],
    ),
    (
        "ex04_gru",
        "4.3",
        "transposed Jacobian",
        [
            (
                "return torch.diag_embed(u) + (h_prev - n)[:, :, None] * du"
                " + (1 - u)[:, :, None] * dn",
                "return (torch.diag_embed(u) + (h_prev - n)[:, :, None] * du"
                " + (1 - u)[:, :, None] * dn).transpose(1, 2)",
            )
        ],
    ),
    (
        "ex04_gru",
        "4.3",
        "path through the reset gate missing",
        [(" + recurrent_n[:, :, None] * dr", "")],
    ),
    (
        "ex04_gru",
        "4.3",
        "sign error in the update-gate term",
        [("(h_prev - n)[:, :, None] * du", "(n - h_prev)[:, :, None] * du")],
    ),
    (
        "ex04_gru",
        "4.3",
        "kept-state diagonal missing",
        [("return torch.diag_embed(u) + (h_prev - n)", "return (h_prev - n)")],
    ),
    # ex07: BPTT
    (
        "ex07_bptt",
        "7.1",
        "off-by-one in time (stores h_{t-1})",
        [
            (
                "        h = np.tanh(x_t @ W.T + h @ R.T + b)  # (B, H)\n        states.append(h)",
                "        states.append(h)\n        h = np.tanh(x_t @ W.T + h @ R.T + b)  # (B, H)",
            )
        ],
    ),
    (
        "ex07_bptt",
        "7.1",
        "transposed recurrent weights",
        [("h = np.tanh(x_t @ W.T + h @ R.T + b)", "h = np.tanh(x_t @ W.T + h @ R + b)")],
    ),
    (
        "ex07_bptt",
        "7.2",
        "off-by-one in time in dR",
        [("dR += a.T @ h_before", "dR += a.T @ hs[t]")],
    ),
    (
        "ex07_bptt",
        "7.2",
        "sign error in the gradient passed back",
        [("from_future = a @ R\n", "from_future = -a @ R\n")],
    ),
    (
        "ex07_bptt",
        "7.2",
        "gradient not carried back through time",
        [("a = (dhs[t] + from_future) * (1 - hs[t] ** 2)", "a = dhs[t] * (1 - hs[t] ** 2)")],
    ),
    (
        "ex07_bptt",
        "7.2",
        "gradient passed back through R transposed",
        [("from_future = a @ R\n", "from_future = a @ R.T\n")],
    ),
    (
        "ex07_bptt",
        "7.2",
        "tanh derivative missing",
        [("a = (dhs[t] + from_future) * (1 - hs[t] ** 2)", "a = dhs[t] + from_future")],
    ),
    (
        "ex07_bptt",
        "7.3",
        "curve reversed in time",
        [("    return norms\n", "    return norms[::-1]\n")],
    ),
    (
        "ex07_bptt",
        "7.3",
        "norms recorded one step late",
        [
            (
                "        norms[t] = np.linalg.norm(delta)\n"
                "        delta = (delta * (1 - states[t] ** 2)) @ R",
                "        delta = (delta * (1 - states[t] ** 2)) @ R\n"
                "        norms[t] = np.linalg.norm(delta)",
            )
        ],
    ),
    (
        "ex07_bptt",
        "7.3",
        "tanh derivative missing in the backward recursion",
        [("delta = (delta * (1 - states[t] ** 2)) @ R", "delta = delta @ R")],
    ),
    # ex06: the subLSTM
    (
        "ex06_sublstm",
        "6.1",
        "multiplicative input gate (the LSTM's)",
        [("c_t = f * c_prev + z - i", "c_t = f * c_prev + z * i")],
    ),
    (
        "ex06_sublstm",
        "6.1",
        "multiplicative output gate",
        [("return torch.sigmoid(c_t) - o, c_t", "return torch.sigmoid(c_t) * o, c_t")],
    ),
    (
        "ex06_sublstm",
        "6.1",
        "sign error: i - z",
        [("c_t = f * c_prev + z - i", "c_t = f * c_prev + i - z")],
    ),
    (
        "ex06_sublstm",
        "6.1",
        "forget gate missing",
        [("c_t = f * c_prev + z - i", "c_t = c_prev + z - i")],
    ),
    (
        "ex06_sublstm",
        "6.1",
        "blocks read as (i, f, o, z)",
        [("i, f, z, o = gates.chunk(4, dim=1)", "i, f, o, z = gates.chunk(4, dim=1)")],
    ),
    ("ex06_sublstm", "6.2", "gradients never zeroed", [("        optimiser.zero_grad()\n", "")]),
    (
        "ex06_sublstm",
        "6.2",
        "trained on the wrong target (the last value)",
        [("mse_loss(model(x), y)", "mse_loss(model(x), x[-1, :, :1])")],
    ),
    # ex05: inhibitory plasticity
    (
        "ex05_inhibitory_plasticity",
        "5.1",
        "sign flipped (anti-homeostatic)",
        [("return eta * pre * (post - rho0)", "return eta * pre * (rho0 - post)")],
    ),
    (
        "ex05_inhibitory_plasticity",
        "5.1",
        "pre and post swapped",
        [("return eta * pre * (post - rho0)", "return eta * post * (pre - rho0)")],
    ),
    (
        "ex05_inhibitory_plasticity",
        "5.2",
        "inhibitory weights not kept >= 0",
        [
            (
                "w_i = np.maximum(w_i + vogels_rule(x_i[t], y[t], rho0, eta), 0.0)",
                "w_i = w_i + vogels_rule(x_i[t], y[t], rho0, eta)",
            )
        ],
    ),
    (
        "ex05_inhibitory_plasticity",
        "5.2",
        "rate not rectified",
        [("y[t] = max(drive, 0.0)", "y[t] = drive")],
    ),
    (
        "ex05_inhibitory_plasticity",
        "5.2",
        "off-by-one in time: the previous step's rate",
        [("vogels_rule(x_i[t], y[t], rho0, eta)", "vogels_rule(x_i[t], y[t - 1], rho0, eta)")],
    ),
    (
        "ex05_inhibitory_plasticity",
        "5.2",
        "excitatory rates in the inhibitory rule",
        [("vogels_rule(x_i[t], y[t], rho0, eta)", "vogels_rule(x_e[t], y[t], rho0, eta)")],
    ),
]


def mutate(source: str, edits: list[tuple[str, str]]) -> str:
    for old, new in edits:
        assert source.count(old) == 1, f"the solution no longer contains exactly one {old!r}"
        source = source.replace(old, new)
    return source


@pytest.mark.parametrize(
    ("exercise", "question", "mistake", "edits"),
    [m for m in MUTANTS if m[0] in SOLUTIONS],
    ids=[f"{m[1]}: {m[2]}" for m in MUTANTS if m[0] in SOLUTIONS],
)
def test_a_plausible_mistake_loses_points(exercise, question, mistake, edits):
    report = run(question, namespace(mutate(SOLUTIONS[exercise], edits)))
    assert not report.passed, f"{mistake} earned every point:\n{report.table()}"
    assert all(item.feedback for item in report.failed_items()), report.table()


def test_every_question_has_a_mutant():
    covered = {m[1] for m in MUTANTS}
    missing = [q for _, q in QUESTIONS if q not in covered]
    assert not missing, f"questions without a mutant in MUTANTS: {missing}"


# --------------------------------------------------------------------------------------------
# The behaviour of a check cell


def _toy(points_marked: int):
    def check_toy(sheet, fn):
        value = sheet.call(fn, 2.0)
        sheet.expect(value == 4.0, "doubles its input", 1, "Hint: multiply by two.")
        sheet.expect(isinstance(value, float), "returns a float", points_marked - 1, "a float")

    return grading.Check(check_toy, "9.1", "a toy question", 2, "ex09_toy")


def test_a_passing_check_prints_its_table_and_returns_none():
    toy = _toy(2)
    out = io.StringIO()
    with redirect_stdout(out):
        assert toy(lambda v: 2 * v) is None
    assert out.getvalue().startswith("Exercise 9.1 · a toy question: 2/2 points")


def test_a_failing_check_raises_an_assertion_error_with_the_table():
    toy = _toy(2)
    with pytest.raises(AssertionError) as info:
        toy(lambda v: v + 1.0)  # 3.0, not 4.0: partial credit
    assert isinstance(info.value, grading.CheckFailed)
    assert info.value.report.earned == 1
    message = str(info.value)
    assert "1/2 points" in message and "Hint: multiply by two." in message


def test_an_exception_in_the_students_code_costs_the_remaining_points_with_its_line():
    def broken(v):
        return v / 0

    report = _toy(2).run(broken)
    assert report.earned == 0
    assert "ZeroDivisionError" in report.table() and "return v / 0" in report.table()


def test_the_students_prints_are_swallowed_and_names_checked():
    def chatty(v):
        print("debugging output")
        return 2 * v

    out = io.StringIO()
    with redirect_stdout(out):
        report = _toy(2).run(chatty)
    assert report.passed and out.getvalue() == ""
    assert "expected a function" in _toy(2).run(42).table()


def test_a_check_that_marks_fewer_points_than_declared_is_a_bug():
    with pytest.raises(RuntimeError, match="declared"):
        _toy(3).run(lambda v: 2 * v)


def test_checks_leave_the_global_random_state_alone(solved):
    torch.manual_seed(123)
    np.random.seed(123)
    before = torch.rand(1).item(), np.random.rand()
    torch.manual_seed(123)
    np.random.seed(123)
    run("3.1", solved["ex03_lstm"])
    run("7.2", solved["ex07_bptt"])
    assert (torch.rand(1).item(), np.random.rand()) == before


def test_a_probe_returns_raw_values_and_the_replay_marks_them(solved):
    scope = {"lstm_step": solved["ex03_lstm"]["lstm_step"]}
    data = json.loads(grading.probe_in_namespace("3.1", scope))
    assert set(data) == {"records"} and all(set(r) == {"value"} for r in data["records"])
    assert "passed" not in json.dumps(data) and "earned" not in json.dumps(data)
    report = grading.question("3.1").replay(data["records"])
    assert report.passed and report.earned == report.points == 5
    assert json.loads(grading.probe_in_namespace("3.2", scope)) == {"missing": ["lstm_forward"]}


def test_feedback_names_the_mistake_without_the_answer(solved):
    edits = next(m[3] for m in MUTANTS if m[:3] == ("ex03_lstm", "3.1", "forget gate missing"))
    source = mutate(SOLUTIONS["ex03_lstm"], edits)
    report = run("3.1", namespace(source))
    table = report.table()
    assert "forget gate is missing" in table
    assert "tensor(" not in table and "[[" not in table  # no values of the reference


# --------------------------------------------------------------------------------------------
# Diagnoses, one mistake counted once, and the shape point

DIAGNOSED = [
    (
        "ex03_lstm",
        "3.1",
        [("h_prev @ weight_hh.T + bias_hh  # (B, 4H)", "h_prev @ weight_hh.T  # (B, 4H)")],
        "bias_hh is missing",
    ),
    ("ex01_mlp", "1.3", [("dy_pre = (y - Y) / p", "dy_pre = y - Y")], "exactly times p = 7"),
    ("ex03_lstm", "3.1", [("c_t = f * c_prev + i * z", "c_t = c_prev + i * z")], "forget gate"),
]


@pytest.mark.parametrize(("exercise", "question", "edits", "phrase"), DIAGNOSED)
def test_common_mistakes_are_named(exercise, question, edits, phrase):
    report = run(question, namespace(mutate(SOLUTIONS[exercise], edits)))
    assert not report.passed and phrase in report.table(), report.table()


def test_a_wrong_shape_with_the_right_numbers_costs_the_shape_point_only():
    edits = [("db = dh_pre.sum(axis=1, keepdims=True)", "db = dh_pre.sum(axis=1)")]
    report = run("1.3", namespace(mutate(SOLUTIONS["ex01_mlp"], edits)))
    assert report.earned == report.points - 1, report.table()
    assert "shape" in report.failed_items()[0].description


def test_a_later_question_is_graded_with_the_course_version_of_an_earlier_answer():
    edits = [("c_t = f * c_prev + i * z", "c_t = c_prev + i * z")]  # 3.1 wrong
    scope = namespace(mutate(SOLUTIONS["ex03_lstm"], edits))
    assert not run("3.1", scope).passed
    report = run("3.2", scope)
    assert report.passed, report.table()
    assert "Graded with the course's own lstm_step" in report.table()
    assert scope["lstm_step"].__module__ == "exercise"  # the student's own is back in place


def test_a_check_cell_says_at_once_when_an_answer_calls_what_it_should_write():
    flagged = (
        "import torch\n\n"
        "def lstm_step(x_t, h_prev, c_prev, weight_ih, weight_hh, bias_ih, bias_hh):\n"
        "    cell = torch.nn.LSTMCell(weight_ih.shape[1], h_prev.shape[1]).double()\n"
        "    return cell(x_t, (h_prev, c_prev))\n"
    )
    scope = namespace(flagged)
    scope["In"] = ["", "import numpy as np", flagged]  # IPython's history of the cells run
    report = run("3.1", scope)
    assert report.earned == 0
    assert "uses torch.nn.LSTMCell (the cell run as In [2], line 4)" in report.table()
    honest = namespace(SOLUTIONS["ex03_lstm"])
    honest["In"] = ["", SOLUTIONS["ex03_lstm"]]
    assert run("3.1", honest).passed
