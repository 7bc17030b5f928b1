"""Train any runner on any task of :mod:`gatedrnn.tasks` with one short loop.

>>> import gatedrnn
>>> from gatedrnn import tasks, train
>>> data = tasks.mnist1d()
>>> model = train.SequenceClassifier(gatedrnn.Recurrent(gatedrnn.GRUCell(1, 128)), 10)
>>> history = train.fit(model, data, steps=1000, lr=3e-3, batch_size=100)
>>> history.final("accuracy")                                         # about 0.97
>>> train.plot_history(history)

The loop, for every step: take a batch, compute the task's loss, backpropagate, clip the
gradient norm, take an Adam step. The loss is

==================  ===============================================  ====================
task                loss                                              metric
==================  ===============================================  ====================
``AddingProblem``   mean squared error of ``model(x)`` (B, 1)         ``mse``
``SequenceDataset`` cross-entropy of ``model(x)`` (B, C), last step   ``accuracy``
``Corpus``          cross-entropy of every next word, (T, B, V),      ``perplexity``
                    truncated BPTT in windows of 35 steps
==================  ===============================================  ====================
"""

from __future__ import annotations

import math
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn
from torch.nn import functional as F

from . import palette
from .devices import device as best_device
from .tasks import AddingProblem, Corpus, SequenceDataset, batchify, bptt_batches
from .tasks.language import BPTT

Task = AddingProblem | SequenceDataset | Corpus


# --- reproducibility and progress ------------------------------------------------------------


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python's, NumPy's and PyTorch's random numbers; returns a CPU generator so seeded.

    The same seed gives the same initial weights and batches, hence the same numbers, on
    the same machine and device.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return torch.Generator().manual_seed(seed)


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def show_progress() -> bool:
    """Draw a progress bar? Never under CI (``CI`` set); else in a notebook or a terminal."""
    if os.environ.get("CI"):
        return False
    return _in_notebook() or sys.stdout.isatty()


# --- models: a runner plus a linear readout ----------------------------------------------------


class SequenceClassifier(nn.Module):
    """Read the class from the runner's last output: ``logits = V h_T + c``.

    ``forward(x (T, B, I)) -> logits (B, num_classes)``. ``rnn`` is any runner whose
    ``forward(x)`` returns ``(outputs (T, B, H), state)``: :class:`gatedrnn.Recurrent` or
    ``torch.nn.LSTM``/``GRU``.
    """

    def __init__(self, rnn: nn.Module, num_classes: int):
        super().__init__()
        self.rnn = rnn
        self.readout = nn.Linear(rnn.hidden_size, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        outputs, _ = self.rnn(x)  # (T, B, H)
        return self.readout(outputs[-1])  # (B, C)


class SequenceRegressor(nn.Module):
    """Read a real-valued answer from the last output: ``y = V h_T + c``, (B, output_size)."""

    def __init__(self, rnn: nn.Module, output_size: int = 1):
        super().__init__()
        self.rnn = rnn
        self.readout = nn.Linear(rnn.hidden_size, output_size)

    def forward(self, x: Tensor) -> Tensor:
        outputs, _ = self.rnn(x)  # (T, B, H)
        return self.readout(outputs[-1])  # (B, output_size)


class LanguageModel(nn.Module):
    """Embed word ids, run the runner, read out next-word logits at every step.

    ``forward(tokens (T, B), state=None) -> (logits (T, B, V), state)``, with the embedding size
    the runner's input size I and V the vocabulary size. ``dropout`` applies to the
    embeddings and to the runner's outputs (Zaremba et al. 2014); ``tie_weights`` shares the
    embedding and readout matrices (needs I = H).
    """

    def __init__(
        self, rnn: nn.Module, vocab_size: int, *, dropout: float = 0.0, tie_weights: bool = False
    ):
        super().__init__()
        self.rnn = rnn
        self.embedding = nn.Embedding(vocab_size, rnn.input_size)
        self.dropout = nn.Dropout(dropout)
        self.readout = nn.Linear(rnn.hidden_size, vocab_size)
        if tie_weights:
            if rnn.input_size != rnn.hidden_size:
                raise ValueError(
                    f"tie_weights needs the embedding size I equal to the hidden size H; "
                    f"got I = {rnn.input_size}, H = {rnn.hidden_size}"
                )
            self.readout.weight = self.embedding.weight

    def forward(self, tokens: Tensor, state=None):
        x = self.dropout(self.embedding(tokens))  # (T, B, I)
        outputs, state = self.rnn(x, state)  # (T, B, H)
        return self.readout(self.dropout(outputs)), state  # (T, B, V)


def init_forget_bias(model: nn.Module, value: float = 1.0) -> nn.Module:
    """Start every forget gate open: bias ``b_f = value`` (Gers et al. 2000; Jozefowicz 2015).

    With ``f = σ(b_f + ...) ≈ σ(1) = 0.73`` at the start, the memory cell keeps most of its
    content from step to step and gradients reach far back: it matters for the adding problem.
    Applies to :class:`~gatedrnn.LSTMCell` (not coupled), :class:`~gatedrnn.SubLSTMCell` (its
    forget block, or ``forget_logit`` for fix-subLSTM), :class:`~gatedrnn.GRUCell` (PyTorch's
    update gate ``u``, the share of ``h_{t-1}`` kept) and ``torch.nn.LSTM``. The total bias of
    the block is set, ``bias_ih = value`` and ``bias_hh = 0``. Returns ``model``.
    """
    from .cells import GRUCell, LSTMCell, SubLSTMCell

    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, SubLSTMCell) and module.fixed_forget:
                module.forget_logit.fill_(value)
            elif isinstance(module, LSTMCell | SubLSTMCell | GRUCell):
                gate = "u" if isinstance(module, GRUCell) else "f"  # u: the share of h kept
                if gate in module.gate_order:  # a coupled LSTM has no forget block
                    module.bias_ih[module.block(gate)] = value
                    module.bias_hh[module.block(gate)] = 0.0
            elif isinstance(module, nn.LSTM):  # blocks (i, f, g, o), every layer and direction
                H = module.hidden_size
                for name, bias in module.named_parameters():
                    if name.startswith("bias_"):
                        bias[H : 2 * H] = value if name.startswith("bias_ih") else 0.0
    return model


def detach_state(state):
    """The state with gradients cut (``None``, a tensor, or a tuple/NamedTuple of tensors)."""
    if state is None:
        return None
    if isinstance(state, Tensor):
        return state.detach()
    fields = [detach_state(s) for s in state]
    return type(state)(*fields) if hasattr(state, "_fields") else tuple(fields)


# --- history ---------------------------------------------------------------------------------


@dataclass
class History:
    """Losses and metrics over training.

    ``step``/``loss``: the training loss of every step. ``eval_step`` and ``metrics``
    (``{"loss": [...], "accuracy": [...]}``, ...): the evaluations every ``eval_every`` steps.
    """

    task: str = ""
    step: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    eval_step: list[int] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0

    def log_eval(self, step: int, metrics: dict[str, float]) -> None:
        self.eval_step.append(step)
        for name, value in metrics.items():
            self.metrics.setdefault(name, []).append(value)

    def final(self, metric: str) -> float:
        """The last evaluated value of ``metric`` (e.g. ``"accuracy"``, ``"mse"``)."""
        if not self.metrics.get(metric):
            raise KeyError(f"no evaluation of {metric!r}; recorded: {sorted(self.metrics)}")
        return self.metrics[metric][-1]

    def as_dict(self) -> dict:
        """Plain lists and numbers (what a checkpoint stores)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> History:
        return cls(**values)


# --- one step, evaluation, the loop ----------------------------------------------------------


def _model_device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def _forever(make_pass: Callable[[], Iterator]) -> Iterator:
    while True:
        yield from make_pass()


def _objective(
    model: nn.Module, task: Task, batch_size: int, generator: torch.Generator, bptt: int
) -> Callable[[], Tensor]:
    """A function that takes the next training batch and returns its loss."""
    device = _model_device(model)
    if isinstance(task, AddingProblem):

        def regression_loss() -> Tensor:
            x, y = task.batch(batch_size, generator=generator, device=device)  # (T,B,2), (B,1)
            return F.mse_loss(model(x), y)

        return regression_loss

    if isinstance(task, SequenceDataset):
        data = task.to(device)
        batches = _forever(lambda: data.batches(batch_size, generator=generator))

        def classification_loss() -> Tensor:
            x, y = next(batches)  # (T, B, I), (B,)
            return F.cross_entropy(model(x), y)

        return classification_loss

    if isinstance(task, Corpus):
        columns = batchify(task.train, batch_size).to(device)  # (L, B)
        windows: Iterator = iter(())
        state = None

        def language_loss() -> Tensor:
            nonlocal windows, state
            try:
                x, y = next(windows)  # (T, B) each
            except StopIteration:  # a new pass over the text starts from a zero state
                windows, state = bptt_batches(columns, bptt), None
                x, y = next(windows)
            logits, state = model(x, detach_state(state))  # no gradient into earlier windows
            return F.cross_entropy(logits.flatten(0, 1), y.flatten())  # (T*B, V) vs (T*B,)

        return language_loss

    raise TypeError(
        f"task must be an AddingProblem, a SequenceDataset or a Corpus from gatedrnn.tasks; "
        f"got {type(task).__name__}"
    )


@torch.no_grad()
def evaluate(
    model: nn.Module,
    task: Task,
    *,
    split: str = "test",
    batch_size: int = 500,
    bptt: int = BPTT,
) -> dict[str, float]:
    """The loss and the task's metric on a held-out split, with the model in eval mode.

    Returns ``{"loss", "mse"}`` (adding problem; on ``task.test_set()``), ``{"loss",
    "accuracy"}`` (classification) or ``{"loss", "perplexity"}`` (language; ``split`` may be
    ``"valid"``, read in 10 columns, perplexity ``exp(mean cross-entropy per word)``).
    """
    was_training = model.training
    model.eval()
    device = _model_device(model)
    try:
        if isinstance(task, AddingProblem):
            x, y = task.test_set(device)
            mse = F.mse_loss(model(x), y).item()
            return {"loss": mse, "mse": mse}
        if isinstance(task, SequenceDataset):
            total, correct, count = 0.0, 0, 0
            for x, y in task.to(device).batches(batch_size, split=split, shuffle=False):
                logits = model(x)  # (B, C)
                total += F.cross_entropy(logits, y, reduction="sum").item()
                correct += (logits.argmax(1) == y).sum().item()
                count += len(y)
            return {"loss": total / count, "accuracy": correct / count}
        if isinstance(task, Corpus):
            columns = batchify(task.split(split), min(10, len(task.split(split)) // 2))
            total, count, state = 0.0, 0, None
            for x, y in bptt_batches(columns.to(device), bptt):
                logits, state = model(x, state)  # (T, B, V)
                total += F.cross_entropy(logits.flatten(0, 1), y.flatten(), reduction="sum").item()
                count += y.numel()
            loss = total / count
            return {"loss": loss, "perplexity": math.exp(loss)}
    finally:
        model.train(was_training)
    raise TypeError(
        f"task must be an AddingProblem, a SequenceDataset or a Corpus; got {type(task).__name__}"
    )


def fit(
    model: nn.Module,
    task: Task,
    *,
    steps: int,
    batch_size: int = 64,
    lr: float = 1e-3,
    clip: float | None = 1.0,
    eval_every: int | None = None,
    schedule: str = "constant",
    weight_decay: float = 0.0,
    bptt: int = BPTT,
    seed: int | None = 0,
    device: torch.device | str | None = None,
    progress: bool | None = None,
    checkpoint: str | Path | None = None,
) -> History:
    """Train ``model`` on ``task`` for ``steps`` Adam steps; returns the :class:`History`.

    Args:
        model: a :class:`SequenceRegressor` (adding problem), :class:`SequenceClassifier`
            (MNIST, MNIST-1D) or :class:`LanguageModel` (a corpus), or any module with the
            same ``forward``.
        steps: number of batches (each one optimiser step).
        clip: largest gradient norm (``None`` for no clipping).
        eval_every: evaluate every so many steps (default: 10 times over the run, and at the
            end); the adding problem and classification on the test set, language models
            on the validation split.
        schedule: ``"constant"`` learning rate or ``"cosine"`` decay to 0 over ``steps``.
        seed: seeds initial batches order and dropout via :func:`seed_everything`
            (``None``: leave the random state alone). Seed before building the model to
            fix its initial weights too.
        device: where to train (default: :func:`gatedrnn.device`, the fastest available).
        progress: draw a ``tqdm`` bar (default: :func:`show_progress`).
        checkpoint: save model, optimiser and history there at the end.
    """
    from tqdm.auto import tqdm

    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive integer; got {steps!r}")
    if schedule not in ("constant", "cosine"):
        raise ValueError(f"schedule must be 'constant' or 'cosine'; got {schedule!r}")
    generator = seed_everything(seed) if seed is not None else torch.Generator()
    device = torch.device(device) if device is not None else best_device()
    model.to(device)
    if isinstance(task, SequenceDataset | Corpus):
        task = task.to(device)  # once, so that batches and evaluations need no copies
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    scheduler = (
        torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
        if schedule == "cosine"
        else None
    )
    next_batch_loss = _objective(model, task, batch_size, generator, bptt)
    eval_every = eval_every or max(1, steps // 10)
    eval_split = "valid" if isinstance(task, Corpus) else "test"
    history = History(task=getattr(task, "name", type(task).__name__))
    show = show_progress() if progress is None else progress
    start = time.perf_counter()
    bar = tqdm(range(1, steps + 1), desc=history.task, disable=not show, leave=False)
    for step in bar:
        model.train()
        loss = next_batch_loss()
        optimizer.zero_grad()
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        history.step.append(step)
        history.loss.append(loss.item())
        if step % eval_every == 0 or step == steps:
            metrics = evaluate(model, task, split=eval_split, bptt=bptt)
            history.log_eval(step, metrics)
            bar.set_postfix({name: f"{value:.4g}" for name, value in metrics.items()})
    bar.close()
    history.seconds = time.perf_counter() - start
    if checkpoint is not None:
        save_checkpoint(checkpoint, model, optimizer=optimizer, history=history)
    return history


def compare(
    cells: dict[str, Callable[[int, int], nn.Module]],
    task: Task,
    head: Callable[[nn.Module], nn.Module],
    *,
    input_size: int,
    hidden_size: int = 64,
    forget_bias: float | dict[str, float] = 1.0,
    seed: int = 0,
    progress: bool | None = False,
    **fit_options,
) -> dict[str, History]:
    """Train one model per cell on the same task, from the same seed: ``{name: History}``.

    Each model is ``head(Recurrent(cell(input_size, hidden_size)))`` — ``head`` adds the readout,
    e.g. :class:`SequenceRegressor` — with its forget gates opened by :func:`init_forget_bias`
    (``forget_bias`` one value, or one per name). ``fit_options`` go to :func:`fit`.

    >>> runs = compare({"LSTM": gatedrnn.LSTMCell, "subLSTM": gatedrnn.SubLSTMCell},
    ...                AddingProblem(seq_len=20), SequenceRegressor, input_size=2, steps=300)
    >>> plot_history(runs)
    """
    from .recurrent import Recurrent

    histories = {}
    for name, cell in cells.items():
        torch.manual_seed(seed)  # the same start for every cell
        model = head(Recurrent(cell(input_size, hidden_size)))
        b_f = forget_bias.get(name, 1.0) if isinstance(forget_bias, dict) else forget_bias
        init_forget_bias(model, b_f)
        histories[name] = fit(model, task, seed=seed, progress=progress, **fit_options)
    return histories


# --- checkpoints and plots -------------------------------------------------------------------


def save_checkpoint(
    path: str | Path,
    model: nn.Module,
    *,
    optimizer: torch.optim.Optimizer | None = None,
    history: History | None = None,
) -> Path:
    """Save the model's (and optimiser's) state dict and the history with ``torch.save``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict() if optimizer is not None else None,
            "history": history.as_dict() if history is not None else None,
        },
        path,
    )
    return path


def load_checkpoint(
    path: str | Path,
    model: nn.Module,
    *,
    optimizer: torch.optim.Optimizer | None = None,
) -> History | None:
    """Load weights (and optimiser state) saved by :func:`save_checkpoint`; returns the history.

    Reads with ``torch.load(..., weights_only=True)``: only tensors and plain containers,
    never arbitrary pickled code.
    """
    saved = torch.load(path, map_location=_model_device(model), weights_only=True)
    model.load_state_dict(saved["model"])
    if optimizer is not None and saved.get("optimizer") is not None:
        optimizer.load_state_dict(saved["optimizer"])
    return History.from_dict(saved["history"]) if saved.get("history") is not None else None


def plot_history(history: History | dict[str, History], *, metric: str | None = None):
    """Learning curves: training loss (left) and the evaluated metric (right).

    ``history`` may be a dict ``{label: History}`` to compare models on one figure.
    Returns the matplotlib figure.
    """
    import matplotlib.pyplot as plt

    histories = history if isinstance(history, dict) else {"": history}
    fig, (ax_loss, ax_metric) = plt.subplots(1, 2, figsize=(10, 3.5))
    for label, h in histories.items():
        name = metric or next((m for m in h.metrics if m != "loss"), "loss")
        window = max(1, len(h.loss) // 50)  # a running mean makes the noisy loss readable
        smooth = np.convolve(h.loss, np.ones(window) / window, mode="valid")
        color = palette.cell_color(label) if label else None  # one colour per cell kind
        ax_loss.plot(h.step[window - 1 :], smooth, label=label or None, color=color)
        ax_metric.plot(
            h.eval_step, h.metrics.get(name, []), marker="o", label=label or None, color=color
        )
        ax_metric.set_ylabel(name)
    ax_loss.set(xlabel="step", ylabel="training loss", yscale="log")
    ax_metric.set(xlabel="step")
    if len(histories) > 1:
        ax_metric.legend()
    fig.tight_layout()
    return fig


__all__ = [
    "History",
    "compare",
    "LanguageModel",
    "SequenceClassifier",
    "SequenceRegressor",
    "detach_state",
    "evaluate",
    "fit",
    "init_forget_bias",
    "load_checkpoint",
    "plot_history",
    "save_checkpoint",
    "seed_everything",
    "show_progress",
]
