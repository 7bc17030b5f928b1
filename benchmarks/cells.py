"""Speed of every gatedrnn cell through the runner, against torch.nn.LSTM of the same size.

For each size and cell, the same process alternates ``torch.nn.LSTM``, the cell's fast path and
(unless ``--no-readable``) its readable loop, timing forward plus backward of ``out.sum()``;
ratios are medians of the repeats (cell / nn.LSTM). Peak memory is that of one forward plus
backward: on a GPU ``torch.cuda.max_memory_allocated``, on the CPU the growth of the peak
resident size (VmHWM) of a fresh process running it once (Linux).

    python benchmarks/cells.py                    # CPU, torch's threads, 7 repeats, three sizes
    python benchmarks/cells.py --threads 1 --repeats 9
    python benchmarks/cells.py --device cuda
    python benchmarks/cells.py --cells sublstm lstm --sizes 35,20,200,200

Prints Markdown: the machine, then one table per size.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import gatedrnn  # noqa: E402
from gatedrnn import Recurrent  # noqa: E402
from gatedrnn.fast import describe  # noqa: E402

SIZES = [(100, 64, 1, 128), (784, 64, 1, 128), (35, 20, 200, 200)]  # (T, B, I, H)

CELLS: dict[str, Callable[[int, int], gatedrnn.RecurrentCell]] = {
    "lstm": lambda I, H: gatedrnn.LSTMCell(I, H),
    "gru": lambda I, H: gatedrnn.GRUCell(I, H),
    "sublstm": lambda I, H: gatedrnn.SubLSTMCell(I, H),
    "fix-sublstm": lambda I, H: gatedrnn.SubLSTMCell(I, H, fixed_forget=True),
    "lstm-peephole": lambda I, H: gatedrnn.LSTMCell(I, H, peephole=True),
    "lstm-coupled": lambda I, H: gatedrnn.LSTMCell(I, H, coupled=True),
    "lstm-relu-identity": lambda I, H: gatedrnn.LSTMCell(I, H, phi1="relu", phi2="identity"),
    "gru-reset-before": lambda I, H: gatedrnn.GRUCell(I, H, reset="before"),
    "simple-gru": lambda I, H: gatedrnn.SimpleGRUCell(I, H),
    "vanilla": lambda I, H: gatedrnn.VanillaRNNCell(I, H),
    "rate-tanh": lambda I, H: gatedrnn.RateCell(I, H),
    "rate-relu-dale": lambda I, H: gatedrnn.RateCell(I, H, phi="relu", dale=0.8),
    "voltage-tanh": lambda I, H: gatedrnn.RateCell(I, H, form="voltage"),
    "voltage-ssn-dale": lambda I, H: gatedrnn.RateCell(I, H, form="voltage", phi="ssn", dale=0.8),
}


def build(name: str, I: int, H: int, device: str, fast: bool = True) -> torch.nn.Module:
    """``"nn.LSTM"`` or a cell of :data:`CELLS` in a one-layer runner."""
    torch.manual_seed(0)
    if name == "nn.LSTM":
        return torch.nn.LSTM(I, H).to(device)
    return Recurrent(CELLS[name](I, H), fast=fast).to(device)


def forward_backward(module: torch.nn.Module, x: torch.Tensor) -> None:
    out = module(x)[0]
    out.sum().backward()


def timed(module: torch.nn.Module, x: torch.Tensor) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one forward plus backward."""
    module.zero_grad(set_to_none=True)
    if x.is_cuda:
        torch.cuda.synchronize()
    wall, cpu = time.perf_counter(), time.process_time()
    forward_backward(module, x)
    if x.is_cuda:
        torch.cuda.synchronize()
    return time.perf_counter() - wall, time.process_time() - cpu


def peak_memory(name: str, size, device: str, threads: int, fast: bool = True) -> float:
    """Peak memory (MiB) of one forward plus backward."""
    T, B, I, H = size
    if device == "cuda":
        module, x = build(name, I, H, device, fast), torch.randn(T, B, I, device=device)
        module.zero_grad(set_to_none=True)
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated()
        forward_backward(module, x)
        torch.cuda.synchronize()
        return (torch.cuda.max_memory_allocated() - before) / 2**20
    probe = [sys.executable, __file__, "--probe", json.dumps([name, list(size), threads, fast])]
    return float(subprocess.run(probe, capture_output=True, text=True, check=True).stdout)


def _probe(spec: str) -> None:
    """In a fresh process: growth of the peak resident size over one forward plus backward."""
    name, (T, B, I, H), threads, fast = json.loads(spec)
    torch.set_num_threads(threads)
    forward_backward(build(name, 2, 3, "cpu", fast), torch.randn(2, 1, 2))  # load code, libraries
    module, x = build(name, I, H, "cpu", fast), torch.randn(T, B, I)
    resident = _status_kib("VmRSS")
    forward_backward(module, x)
    print((_status_kib("VmHWM") - resident) / 1024)  # VmHWM: this process's peak resident size


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status: peak memory needs Linux")


def machine(device: str, threads: int) -> list[str]:
    """The CPU as /proc/cpuinfo names it, its core count, torch and its threads (and the GPU)."""
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as info:
            blocks = info.read().strip().split("\n\n")  # one block per logical core
        first = dict(
            (key.strip(), value.strip())
            for key, value in (line.split(":", 1) for line in blocks[0].splitlines() if ":" in line)
        )
        cpu = (
            f"{first.get('model name', cpu)} (cpu family {first.get('cpu family', '?')}, "
            f"model {first.get('model', '?')}), {len(blocks)} cores"
        )
    except OSError:
        pass
    lines = [f"- CPU: {cpu}", f"- torch {torch.__version__}, {threads} torch thread(s)"]
    if device == "cuda":
        lines.append(f"- GPU: {torch.cuda.get_device_name()}")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument(
        "--threads",
        type=int,
        default=torch.get_num_threads(),
        help=f"torch threads (default: torch's own, here {torch.get_num_threads()})",
    )
    parser.add_argument("--repeats", type=int, default=7, help="timed repeats, at least 5")
    parser.add_argument("--cells", nargs="*", default=list(CELLS), choices=list(CELLS))
    parser.add_argument("--sizes", nargs="*", default=[",".join(map(str, s)) for s in SIZES])
    parser.add_argument("--no-readable", action="store_true", help="skip the readable loop")
    parser.add_argument("--no-memory", action="store_true", help="skip peak memory")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        return _probe(args.probe)
    if args.repeats < 5:
        parser.error("--repeats must be at least 5 (medians of at least 5 runs)")
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: no CUDA GPU is available")
    torch.set_num_threads(args.threads)
    device = args.device

    command = "python benchmarks/cells.py " + " ".join(argv if argv is not None else sys.argv[1:])
    print(f"`{command.strip()}`\n")
    print("\n".join(machine(device, args.threads)))
    print(
        "\nratio = median time of forward + backward through `gatedrnn.Recurrent` / the same for "
        "`torch.nn.LSTM` of the same size, measured alternately in one process "
        f"({args.repeats} repeats; CPU-time ratio beside it). Peak memory of one forward + "
        "backward in MiB."
    )
    for text in args.sizes:
        size = tuple(int(v) for v in text.split(","))
        T, B, I, H = size
        x = torch.randn(T, B, I, device=device)
        reference = build("nn.LSTM", I, H, device)
        rows = []
        lstm_walls = []
        for name in args.cells:
            candidates = {"nn.LSTM": reference, "fast": build(name, I, H, device)}
            if not args.no_readable:
                readable = Recurrent(candidates["fast"].layers[0], fast=False)
                candidates["readable"] = readable
            for module in candidates.values():
                # warm up: code, caches, the allocator's free lists
                for _ in range(3):
                    forward_backward(module, x)
            times = {key: [] for key in candidates}
            order = list(candidates)
            for _ in range(args.repeats):
                for key in order:
                    times[key].append(timed(candidates[key], x))
                order.reverse()  # no module always runs right after the same one
            wall = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
            cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
            lstm_walls.append(wall["nn.LSTM"])
            row = [
                name,
                describe(candidates["fast"].layers[0]),
                f"{wall['fast'] / wall['nn.LSTM']:.2f}",
                f"{cpu['fast'] / cpu['nn.LSTM']:.2f}",
                f"{wall['readable'] / wall['nn.LSTM']:.2f}" if "readable" in wall else "–",
            ]
            if not args.no_memory:
                row.append(f"{peak_memory(name, size, device, args.threads):.0f}")
            rows.append(row)
            print(".", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        lstm_ms = 1000 * statistics.median(lstm_walls)
        memory = ""
        if not args.no_memory:
            memory = f", peak {peak_memory('nn.LSTM', size, device, args.threads):.0f} MiB"
        print(f"\n### T={T}, B={B}, I={I}, H={H} (nn.LSTM: {lstm_ms:.1f} ms{memory})\n")
        header = ["cell", "fast path", "ratio", "CPU-time ratio", "readable ratio"]
        if not args.no_memory:
            header.append("peak MiB")
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
