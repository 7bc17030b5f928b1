r"""Live-training explorer: pick a cell and a task, press Play, watch loss and accuracy fall.

The compute part is pure: :func:`training_state` builds a model, an optimiser and a random
stream; :func:`advance` returns a *new* state a few Adam steps further on (the state given is
left as it was), with one more evaluation on a fixed held-out batch. The widget holds the
current state and advances it on every tick of its Play button (pause to stop; stop to start
again from fresh weights).

========  =============================================  ======================================
task      what                                            accuracy
========  =============================================  ======================================
adding    the adding problem, T = 30 (MSE; baseline 1/6)  ``|ŷ − y| < 0.04`` (Hochreiter 1997)
mnist1d   MNIST-1D, 40 steps, 10 classes (cross-entropy)   fraction classified right
========  =============================================  ======================================

>>> training_explorer()
>>> s = training_state("GRU", "adding"); s = advance(s, 20); s.loss[-1], s.accuracy[-1]
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field, replace

import numpy as np
import torch
from ipywidgets import Dropdown, Play
from torch import nn
from torch.nn import functional as F

from .. import cells, palette, tasks, train
from ..recurrent import Recurrent
from ._base import Explorer, int_slider, log_slider, one_thread

__all__ = [
    "CELLS",
    "TASKS",
    "TrainingState",
    "training_state",
    "advance",
    "plot_training",
    "training_explorer",
]

#: Cells offered, by name.
CELLS = {
    "LSTM": cells.LSTMCell,
    "GRU": cells.GRUCell,
    "subLSTM": cells.SubLSTMCell,
    "vanilla": cells.VanillaRNNCell,
}
TASKS = ("adding", "mnist1d")
ADDING_T = 30
TOLERANCE = 0.04  # an adding-problem answer counts as right within this (Hochreiter 1997)
EVAL_SIZE = 500
STEPS_PER_TICK = 10


@functools.lru_cache(maxsize=2)
def _task(name: str):
    if name == "adding":
        return tasks.AddingProblem(seq_len=ADDING_T, num_test=EVAL_SIZE)
    if name == "mnist1d":
        return tasks.mnist1d()
    raise ValueError(f"task must be one of {TASKS}; got {name!r}")


@dataclass(frozen=True)
class TrainingState:
    """A training run at one moment. Never changed in place: :func:`advance` returns a new one.

    Attributes:
        cell, task, hidden_size, lr, batch_size: the set-up.
        model: the network; optimizer: Adam's ``state_dict``; rng: the batch stream's state.
        step: Adam steps taken so far.
        steps, loss, accuracy: one entry per evaluation (on the same held-out batch).
    """

    cell: str
    task: str
    hidden_size: int
    lr: float
    batch_size: int
    model: nn.Module
    optimizer: dict
    rng: torch.Tensor
    step: int = 0
    steps: tuple[int, ...] = field(default=())
    loss: tuple[float, ...] = field(default=())
    accuracy: tuple[float, ...] = field(default=())


def _batch(task, name: str, batch_size: int, generator: torch.Generator):
    if name == "adding":
        return tasks.adding_problem(
            batch_size, ADDING_T, generator=generator, dtype=torch.float64
        )  # (T, B, 2), (B, 1)
    index = torch.randint(len(task.y_train), (batch_size,), generator=generator)
    return task.x_train[:, index].double(), task.y_train[index]  # (T, B, 1), (B,)


def _loss(model, name: str, x, y) -> torch.Tensor:
    out = model(x)
    return F.mse_loss(out, y) if name == "adding" else F.cross_entropy(out, y)


@torch.no_grad()
def _evaluate(model, name: str) -> tuple[float, float]:
    """Loss and accuracy on the task's first EVAL_SIZE held-out sequences."""
    task = _task(name)
    if name == "adding":
        x, y = task.test_set()
        x, y = x.double(), y.double()
        out = model(x)
        return F.mse_loss(out, y).item(), ((out - y).abs() < TOLERANCE).double().mean().item()
    x, y = task.x_test[:, :EVAL_SIZE].double(), task.y_test[:EVAL_SIZE]
    logits = model(x)
    return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).double().mean().item()


@one_thread()
def training_state(
    cell: str = "GRU",
    task: str = "adding",
    *,
    hidden_size: int = 32,
    lr: float = 1e-2,
    batch_size: int = 32,
    seed: int = 0,
) -> TrainingState:
    """A fresh run: the model (float64, seeded), Adam, and the first evaluation at step 0."""
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {sorted(CELLS)}; got {cell!r}")
    data = _task(task)
    torch.manual_seed(seed)
    input_size = 2 if task == "adding" else data.input_size
    rnn = Recurrent(CELLS[cell](input_size, hidden_size))
    model = (
        train.SequenceRegressor(rnn, 1)
        if task == "adding"
        else train.SequenceClassifier(rnn, data.num_classes)
    ).double()
    if cell in ("LSTM", "subLSTM"):
        train.init_forget_bias(model, 1.0)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss, accuracy = _evaluate(model, task)
    return TrainingState(
        cell=cell,
        task=task,
        hidden_size=hidden_size,
        lr=float(lr),
        batch_size=batch_size,
        model=model,
        optimizer=copy.deepcopy(optimizer.state_dict()),
        rng=torch.Generator().manual_seed(seed + 1).get_state(),
        steps=(0,),
        loss=(loss,),
        accuracy=(accuracy,),
    )


@one_thread()
def advance(state: TrainingState, steps: int = STEPS_PER_TICK) -> TrainingState:
    """``steps`` Adam steps from ``state``, then one evaluation; returns the new state.

    ``state`` itself is not changed (its model is copied), so ``advance(advance(s, 5), 5)``
    and ``advance(s, 10)`` reach the same weights.
    """
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive integer; got {steps!r}")
    model = copy.deepcopy(state.model)
    optimizer = torch.optim.Adam(model.parameters(), lr=state.lr)
    optimizer.load_state_dict(copy.deepcopy(state.optimizer))
    generator = torch.Generator()
    generator.set_state(state.rng)
    data = _task(state.task)
    model.train()
    for _ in range(steps):
        x, y = _batch(data, state.task, state.batch_size, generator)
        loss = _loss(model, state.task, x, y)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    loss, accuracy = _evaluate(model, state.task)
    step = state.step + steps
    return replace(
        state,
        model=model,
        optimizer=copy.deepcopy(optimizer.state_dict()),
        rng=generator.get_state(),
        step=step,
        steps=(*state.steps, step),
        loss=(*state.loss, loss),
        accuracy=(*state.accuracy, accuracy),
    )


def plot_training(state: TrainingState, fig=None):
    """Held-out loss (log scale, with the adding problem's baseline) and accuracy against the
    step. Returns the Figure."""
    if fig is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(10, 3.8), layout="constrained")
    ax_loss, ax_acc = fig.subplots(1, 2)
    color = palette.cell_color(state.cell)
    steps = np.array(state.steps)
    ax_loss.semilogy(steps, state.loss, "-o", ms=3, color=color, label=state.cell)
    if state.task == "adding":
        ax_loss.axhline(
            tasks.adding_baseline_mse(ADDING_T),
            color=palette.TARGET,
            ls="--",
            lw=1,
            label="predict the mean (1/6)",
        )
    else:
        ax_loss.axhline(np.log(10), color=palette.TARGET, ls="--", lw=1, label="chance (ln 10)")
    ax_loss.set(
        xlabel="Adam step",
        ylabel="held-out " + ("MSE" if state.task == "adding" else "cross-entropy"),
    )
    ax_loss.legend(fontsize=8)
    ax_loss.set_title(
        f"{state.cell} on {state.task}: step {state.step}, loss {state.loss[-1]:.4g}",
        fontsize=9,
        loc="left",
    )
    ax_acc.plot(steps, state.accuracy, "-o", ms=3, color=color)
    ax_acc.set(
        xlabel="Adam step",
        ylim=(-0.02, 1.02),
        ylabel=f"accuracy (|ŷ − y| < {TOLERANCE})" if state.task == "adding" else "accuracy",
    )
    ax_acc.set_title(f"accuracy {state.accuracy[-1]:.1%}", fontsize=9, loc="left")
    for ax in (ax_loss, ax_acc):
        ax.set_xlim(left=0, right=max(steps[-1], 10 * STEPS_PER_TICK))
    return fig


def training_explorer(**defaults) -> Explorer:
    """Cell, task, hidden size and learning rate; Play advances training, pause stops it,
    stop starts again from fresh weights.

    >>> training_explorer(cell="LSTM", task="mnist1d")
    """
    start = dict(cell="GRU", task="adding", hidden_size=32, lr=1e-2)
    unknown = set(defaults) - set(start)
    if unknown:
        raise TypeError(
            f"training_explorer() got unknown starting values {sorted(unknown)}; "
            f"use {', '.join(start)}"
        )
    start.update(defaults)
    controls = {
        "tick": Play(value=0, min=0, max=150, step=1, interval=1000, description="train"),
        "cell": Dropdown(options=list(CELLS), value=start["cell"], description="cell"),
        "task": Dropdown(options=TASKS, value=start["task"], description="task"),
        "hidden_size": int_slider("hidden units H", start["hidden_size"], 4, 64, 4),
        "lr": log_slider("learning rate", start["lr"], -4, -1),
    }
    held: dict = {}  # the widget's run: its set-up and its current TrainingState

    def draw(fig, *, tick, **setup):
        if held.get("setup") != setup or tick == 0 or held["tick"] > tick:
            held.update(setup=setup, tick=0, state=training_state(**setup))
        while held["tick"] < tick:  # ticks sent while a redraw ran arrive together
            held["state"] = advance(held["state"], STEPS_PER_TICK)
            held["tick"] += 1
        plot_training(held["state"], fig)
        return held["state"]

    return Explorer(
        controls,
        draw,
        title=f"Live training: press Play ({STEPS_PER_TICK} Adam steps per tick)",
        figsize=(10.0, 3.8),
    )
