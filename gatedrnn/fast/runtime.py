"""torch's own BLAS and OpenMP team, found in the running process, for the compiled loops.

The compiled loops (``loops.c``: subLSTM, LSTM variants, GRU) multiply with the BLAS torch
multiplies with and share each step among the threads of torch's own OpenMP team: they bring no
second thread pool, and none of their threads competes with torch's. Both are looked up by name
through ``libtorch_cpu``, which finds them in the libraries torch itself is linked against:
``sgemm_``/``dgemm_`` (MKL in the pip builds for x86) and ``GOMP_parallel`` (GNU libgomp; LLVM's
and Intel's OpenMP runtimes provide it too).

Where either is missing (another build of torch, a parallel backend other than OpenMP), the
loop runs without it: :func:`gemm` None means no compiled loop (the torch steps run instead),
:func:`openmp` None means one thread of ours (the BLAS still shares each product among its own).

A loop can run in three arrangements (:func:`arrangements`):

- ``"units"``: a team whose threads share out the hidden units and meet at every step;
- ``"rows"``: threads that share out the batch rows, each running its rows through every step
  with no barrier (each multiplies by the whole of ``R``, on fewer rows);
- ``"single"``: one thread, whose every product the BLAS shares out among its own threads.

Which is fastest depends on the machine's state as much as on the layer's size. On a shared
virtual machine, the team was the fastest at the small benchmark size in calm minutes, and the
slowest by 15 % when the host's caches and memory were busy with other work, when the rows
hardly slowed. So :func:`run` times them as they run, per layer shape, and runs the fastest:
each is tried :data:`TRIES` times first, then the others again, in turn, once in every
:data:`RETRY` calls, so that a change is noticed. Each is judged by the fastest of its last
:data:`RECENT` times, which a call slowed by something else (a thread woken late, the host
taking a core away) does not spoil.
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Hashable
from pathlib import Path

import torch

GEMM = {32: "sgemm_", 64: "dgemm_"}  # the Fortran BLAS names, every BLAS has them
MIN_PRODUCT = 2**17  # B·G·H·H below this: one step's product is too small to share out
MIN_UNITS = 16  # hidden units per thread of a team, at least
TRIES = 2  # timed runs of each arrangement before choosing
RETRY = 32  # after that, one of the arrangements not chosen runs once in every RETRY calls
RECENT = 4  # each arrangement is judged by the fastest of its last RECENT times


@functools.cache
def torch_library() -> ctypes.CDLL | None:
    """``libtorch_cpu``, already loaded by ``import torch`` (loading it again is free)."""
    suffix = {"darwin": ".dylib", "win32": ".dll"}.get(sys.platform, ".so")
    path = Path(torch.__file__).parent / "lib" / f"libtorch_cpu{suffix}"
    try:
        return ctypes.CDLL(str(path))
    except OSError:
        return None


def address(name: str) -> int | None:
    """The address of the function ``name`` as torch's own libraries resolve it, or None."""
    library = torch_library()
    if library is None:
        return None
    try:
        return ctypes.cast(getattr(library, name), ctypes.c_void_p).value
    except AttributeError:
        return None


def gemm(bits: int) -> int | None:
    """The address of torch's BLAS matrix product for 32- or 64-bit floats, or None."""
    return address(GEMM[bits])


@functools.cache
def openmp() -> tuple[int, int, int] | None:
    """``GOMP_parallel``, ``omp_get_thread_num``, ``omp_get_num_threads`` of torch's team."""
    if "parallel backend: OpenMP" not in torch.__config__.parallel_info():
        return None
    names = ("GOMP_parallel", "omp_get_thread_num", "omp_get_num_threads")
    found = tuple(address(name) for name in names)
    return None if None in found else found


def team_size(B: int, H: int, G: int) -> int:
    """The threads a loop may use for a layer: torch's, unless the steps are small (then 1).

    Never more than the CPUs this process may use: a team waits at every step for its slowest
    thread, and threads that take turns on one CPU make every step as slow as all of them.
    """
    if openmp() is None or B * G * H * H < MIN_PRODUCT:
        return 1
    return max(1, min(torch.get_num_threads(), usable_cpus()))


def arrangements(B: int, H: int, G: int) -> dict[str, int]:
    """The arrangements a loop of these sizes may run in, each with its number of threads.

    ``"single"`` always; ``"units"`` when at least two threads have :data:`MIN_UNITS` hidden
    units each, ``"rows"`` when at least two threads have a batch row each.
    """
    threads = team_size(B, H, G)
    found = {"units": min(threads, H // MIN_UNITS), "rows": min(threads, B), "single": 1}
    return {name: n for name, n in found.items() if n > 1 or name == "single"}


@functools.cache
def usable_cpus() -> int:
    """The CPUs this process may run on: its CPU affinity, and a container's CPU quota.

    A container (Binder, a CI runner) often shows all of the host's CPUs but lets the process
    use one or two: cgroup v2's ``cpu.max`` or v1's ``cpu.cfs_quota_us`` say how many.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cpus = os.cpu_count() or 1
    quota = cgroup_cpu_quota(Path("/sys/fs/cgroup"))
    return max(1, min(cpus, quota) if quota is not None else cpus)


def cgroup_cpu_quota(root: Path) -> int | None:
    """The whole CPUs a cgroup quota allows under ``root`` (at least 1), or None (no quota)."""
    for quota_file, period_file in (
        ("cpu.max", None),  # cgroup v2: "<quota> <period>" or "max <period>"
        ("cpu/cpu.cfs_quota_us", "cpu/cpu.cfs_period_us"),  # cgroup v1: -1 means none
    ):
        try:
            fields = (root / quota_file).read_text().split()
            if period_file is not None:
                fields += (root / period_file).read_text().split()
            quota, period = fields[0], fields[1]
        except (OSError, IndexError):
            continue
        if quota in ("max", "-1"):
            return None
        try:
            return max(1, int(quota) // int(period))
        except (ValueError, ZeroDivisionError):
            return None
    return None


_timings: dict[Hashable, dict] = {}  # per layer shape: the calls, and per arrangement its times


def choose(key: Hashable, options: dict[str, int]) -> str:
    """The arrangement for the next call of the loop ``key``, one of ``options``; see the module."""
    if len(options) == 1:
        return next(iter(options))
    seen = _timings.setdefault(
        (key, tuple(options.items())),
        {"calls": 0, "times": {name: deque(maxlen=RECENT) for name in options}},
    )
    times = seen["times"]
    seen["calls"] += 1
    for name in options:
        if len(times[name]) < TRIES:
            return name
    fastest, *others = sorted(options, key=lambda name: min(times[name]))
    if seen["calls"] % RETRY == 0:  # the others in turn
        return others[seen["calls"] // RETRY % len(others)]
    return fastest


def record(key: Hashable, options: dict[str, int], name: str, seconds_per_step: float) -> None:
    """What a call of the loop ``key`` in the arrangement ``name`` cost, per time step."""
    seen = _timings.get((key, tuple(options.items())))
    if seen is not None and name in seen["times"]:
        seen["times"][name].append(seconds_per_step)


def run(loop: Callable[..., int], key: Hashable, B: int, H: int, G: int, T: int, *arguments):
    """A compiled loop, ``loop(*arguments, threads, by_rows)``, in the arrangement timed fastest.

    ``key`` names the loop (with its dtype and options); ``B, H, G, T`` are its sizes. Each
    tensor among ``arguments`` goes in as its data pointer: a contiguous copy of it if it is
    not contiguous (an input; the buffers a loop writes are always allocated contiguous), kept
    alive for the call. The call is timed for :func:`choose`. A loop returns 0, or -1 when it
    found no memory.
    """
    tensors = [a.contiguous() if isinstance(a, torch.Tensor) else a for a in arguments]
    pointers = [a.data_ptr() if isinstance(a, torch.Tensor) else a for a in tensors]
    options, key = arrangements(B, H, G), (key, B, H, G)
    name = choose(key, options)
    start = time.perf_counter()
    failed = loop(*pointers, options[name], name == "rows")
    record(key, options, name, (time.perf_counter() - start) / max(T, 1))
    if failed:
        raise MemoryError(f"no memory for the compiled loop ({key[0][0]}, B={B}, H={H}, T={T})")
