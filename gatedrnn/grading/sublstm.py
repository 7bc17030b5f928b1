"""Checks of exercise 6 (``ex06_sublstm``): one subLSTM step, and training it on delayed addition.

References: :class:`gatedrnn.SubLSTMCell` with the same weights, and the adding problem of
:mod:`gatedrnn.tasks`, whose baseline (always predicting the mean) has MSE 1/6 ≈ 0.167.
"""

from __future__ import annotations

import math

import torch

from ..cells import SubLSTMCell
from ..recurrent import Recurrent
from ..states import LSTMState
from ..tasks import AddingProblem
from ..train import SequenceRegressor
from ._core import Sheet, StudentError, check
from ._probes import (
    fused_weights,
    grads_match,
    mistakes,
    randn,
    randomize,
    seeded,
    step_inputs,
    with_weights,
)

B, I, H = 3, 4, 5


@check("6.1", "one subLSTM step", points=5, exercise="ex06_sublstm")
def check_sublstm_step(sheet: Sheet, sublstm_step) -> None:
    """``sublstm_step(x_t, h_prev, c_prev, weight_ih, weight_hh, bias_ih, bias_hh)``.

    Returns ``(h_t, c_t)``, each (B, H).
    """
    gen = seeded(61)
    cell = randomize(SubLSTMCell(I, H), gen)
    x, h0, c0 = randn(gen, B, I), randn(gen, B, H), randn(gen, B, H)
    weights = fused_weights(cell)
    with torch.no_grad():
        h_ref, (_, c_ref) = cell(x, LSTMState(h0, c0))
    h, c = sheet.unpack(
        sheet.call(sublstm_step, x, h0, c0, *weights), ("h_t", "c_t"), "sublstm_step"
    )
    shapes = [tuple(getattr(v, "shape", ())) for v in (h, c)]
    sheet.expect(
        shapes == [(B, H), (B, H)],
        "returns (h_t, c_t), each of shape (B, H)",
        1,
        f"both must be (B, H) = ({B}, {H}); got {shapes[0]} and {shapes[1]}.",
    )
    variants = ("sublstm_step", x, h0, c0, *weights)
    sheet.close(
        "c_t",
        c,
        c_ref,
        "c_t equals gatedrnn.SubLSTMCell's cell state at a sample point",
        2,
        hint=f"Hint: all four blocks {SubLSTMCell(1, 1).gate_order} go through σ; "
        "c_t = f_t ⊙ c_{t-1} + z_t - i_t.",
        mistakes=mistakes(*variants, pick=lambda v: v[1]),
    )
    sheet.close(
        "h_t",
        h,
        h_ref,
        "h_t equals gatedrnn.SubLSTMCell's output",
        1,
        hint="Hint: h_t = σ(c_t) - o_t.",
        mistakes=mistakes(*variants, pick=lambda v: v[0]),
    )

    def library(x, h, c, *w):
        h_t, (_, c_t) = with_weights(cell, w, x, LSTMState(h, c))
        return h_t, c_t

    grads_match(
        sheet,
        "gradients through your step equal autograd through the library cell",
        1,
        sublstm_step,
        library,
        step_inputs(weights, x_t=x, h_prev=h0, c_prev=c0),
        hint="A wrong value above gives wrong gradients too; fix the values first.",
    )


SEQ_LEN, HIDDEN, STEPS, BATCH, LR = 10, 16, 500, 64, 3e-2


def adding_model(seed: int = 0) -> SequenceRegressor:
    """The model the check trains: a subLSTM of 16 units and a linear readout of h_T."""
    torch.manual_seed(seed)
    return SequenceRegressor(Recurrent(SubLSTMCell(2, HIDDEN)))


@check("6.2", "training a subLSTM on delayed addition", points=5, exercise="ex06_sublstm")
def check_train_adding(sheet: Sheet, train_adding) -> None:
    """``train_adding(model, task, steps, batch_size, lr, seed) -> losses`` (one per step)."""
    task = AddingProblem(seq_len=SEQ_LEN, num_test=500)
    model = adding_model()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small matrices: one thread is fastest and reproducible
    try:
        losses = sheet.call(train_adding, model, task, steps=STEPS, batch_size=BATCH, lr=LR, seed=0)
    finally:
        torch.set_num_threads(threads)
    # the trained weights come back as raw values; the held-out loss is measured where it marks
    trained = sheet.probe(lambda: {k: v.detach() for k, v in model.state_dict().items()})
    try:
        model.load_state_dict(trained)
    except (RuntimeError, TypeError, AttributeError) as exc:
        raise StudentError(
            f"the model's weights changed shape or kind during training: {exc}"
        ) from None
    try:
        losses = [float(v) for v in losses]
    except (TypeError, ValueError):
        raise StudentError(
            f"train_adding must return the list of training losses, one float per step; got "
            f"{type(losses).__name__}"
        ) from None
    sheet.expect(
        len(losses) == STEPS and all(math.isfinite(v) for v in losses),
        "returns one finite training loss per step",
        1,
        f"expected {STEPS} finite losses; got {len(losses)}"
        + ("" if all(math.isfinite(v) for v in losses) else ", some NaN or inf")
        + ". Hint: append loss.item() after every optimiser step.",
    )
    hint = (
        "Hint: each step draws a fresh batch (task.batch), predicts model(x) (B, 1), takes the "
        "mean squared error against y, and runs zero_grad, backward and step of one Adam "
        "optimiser created once with lr."
    )
    head, tail = losses[:50], losses[-50:]
    falling = bool(head and tail) and sum(tail) / len(tail) < 0.5 * sum(head) / len(head)
    sheet.expect(
        falling,
        "the training loss falls to under half its start",
        1,
        f"the training loss did not halve. {hint}",
    )
    if not sheet.marks:
        return
    x_test, y_test = task.test_set()
    model.eval()
    with torch.no_grad():
        mse = torch.nn.functional.mse_loss(model(x_test), y_test).item()
    baseline = task.baseline_mse
    sheet.expect(
        mse < 0.1,
        f"beats the baseline MSE {baseline:.3f} (predicting the mean) "
        "on held-out sequences, with MSE < 0.1",
        2,
        f"held-out MSE {mse:.3f} against the baseline {baseline:.3f}. {hint}",
    )
    sheet.expect(
        mse < 0.05,
        "nearly solves the task: held-out MSE < 0.05",
        1,
        f"held-out MSE {mse:.3f}. {hint}",
    )
