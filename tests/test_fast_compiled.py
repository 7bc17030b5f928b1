"""The compiled loops (gatedrnn/fast/loops.c, steps.c): their build, arithmetic and fallbacks."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys

import pytest
import torch

import gatedrnn as G
from gatedrnn import fast
from gatedrnn.fast import compiled, runtime

CPU = torch.device("cpu")
HAS_COMPILER = sys.platform != "win32" and any(
    shutil.which(name) for name in ("cc", "gcc", "clang")
)
needs_compiler = pytest.mark.skipif(not HAS_COMPILER, reason="no C compiler on this machine")


@pytest.fixture
def fresh_build(tmp_path, monkeypatch):
    """An empty kernel cache and no library loaded yet: the next use compiles ``loops.c``."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(compiled, "_loaded", {})
    monkeypatch.setattr(compiled, "_status", {})
    return tmp_path


@needs_compiler
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_the_loops_compile_where_a_c_compiler_exists(fresh_build, dtype):
    assert compiled.library(dtype, CPU) is not None, compiled.status()
    assert "compiled loops" in compiled.status()
    assert list((fresh_build / compiled.CACHE_NAME).glob("loops*.so"))


def test_other_dtypes_and_devices_use_torch_operations():
    assert compiled.loops(torch.float16, CPU) is None
    assert compiled.loops(torch.float32, torch.device("meta")) is None


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param("compiler", id="no-compiler"),
        pytest.param("source", id="source-does-not-compile"),
    ],
)
def test_without_the_compiled_loops_the_torch_steps_give_the_same_answer(
    fresh_build, monkeypatch, broken
):
    torch.manual_seed(0)
    rnn = G.Recurrent(G.SubLSTMCell(3, 4), 2)
    x = torch.randn(5, 2, 3)
    want = rnn(x)[0]
    want_grads = torch.autograd.grad(want.sum(), list(rnn.parameters()))
    if broken == "compiler":  # and no library cached (one cached would be used without it)
        monkeypatch.setattr(compiled, "_compiler", _no_compiler)
        for library in (fresh_build / compiled.CACHE_NAME).glob("*.so"):
            library.unlink()
    else:
        if not HAS_COMPILER:
            pytest.skip("no C compiler on this machine")
        source = fresh_build / "steps.c"
        source.write_text("this is not C\n")
        monkeypatch.setattr(compiled, "SOURCE", source)
    monkeypatch.setattr(compiled, "_loaded", {})  # forget the library the first run loaded
    assert compiled.loops(torch.float32, CPU) is None
    assert "unavailable" in compiled.status()
    assert fast.describe(rnn.layers[0]) == "fused SubLSTM"  # no ", compiled loop"
    got = rnn(x)[0]
    got_grads = torch.autograd.grad(got.sum(), list(rnn.parameters()))
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)
    for a, b in zip(got_grads, want_grads, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_a_cached_library_that_does_not_load_is_removed(fresh_build, monkeypatch):
    junk = fresh_build / "loops32-junk.so"
    junk.write_bytes(b"not a shared library")
    monkeypatch.setattr(compiled, "_build", lambda bits: junk)
    assert compiled.loops(torch.float32, CPU) is None  # this process uses torch operations
    assert "unavailable" in compiled.status()
    assert not junk.exists()  # and the next one builds the library afresh


@needs_compiler
@pytest.mark.parametrize("blas", ["missing", "multiplies-wrongly"])
def test_without_a_working_blas_the_torch_steps_run(fresh_build, monkeypatch, blas):
    """The compiled loop needs torch's BLAS; checked at load with a product it must get right."""
    torch.manual_seed(0)
    rnn = G.Recurrent(G.SubLSTMCell(3, 4), 2)
    x = torch.randn(5, 2, 3)
    want = rnn(x)[0]
    if blas == "missing":
        monkeypatch.setattr(runtime, "gemm", lambda bits: None)
    else:  # a function that ignores its arguments and returns: the product is left undone
        getpid = ctypes.cast(ctypes.CDLL(None).getpid, ctypes.c_void_p).value
        monkeypatch.setattr(runtime, "gemm", lambda bits: getpid)
    monkeypatch.setattr(compiled, "_loaded", {})  # load again (the library of fresh_build's cache)
    assert compiled.library(torch.float32, CPU) is not None  # it still compiles
    assert compiled.loops(torch.float32, CPU) is None
    assert "no BLAS found" in compiled.status()
    assert fast.describe(rnn.layers[0]) == "fused SubLSTM"
    assert fast.describe(G.LSTMCell(3, 4, peephole=True)) == "fused LSTM"
    assert fast.describe(G.GRUCell(3, 4)) == "fused GRUAfter"
    torch.testing.assert_close(rnn(x)[0], want, rtol=1e-5, atol=1e-6)


def test_torch_blas_and_openmp_are_found_where_torch_has_them():
    """This machine's torch (the pip build for Linux x86) has both; elsewhere, whatever exists."""
    info = torch.__config__.show()
    if "BLAS_INFO=mkl" in info:
        assert runtime.gemm(32) is not None and runtime.gemm(64) is not None
    if "parallel backend: OpenMP" in torch.__config__.parallel_info():
        assert runtime.openmp() is not None
    assert 1 <= runtime.threads_for(B=20, H=200, G=4) <= torch.get_num_threads()
    assert runtime.threads_for(B=2, H=8, G=4) == 1  # small steps stay on one thread


def test_never_more_threads_than_usable_cpus(monkeypatch):
    if runtime.openmp() is None:
        pytest.skip("torch's parallel backend is not OpenMP")
    assert 1 <= runtime.usable_cpus() <= (os.cpu_count() or 1)
    threads = torch.get_num_threads()
    torch.set_num_threads(4)
    try:
        monkeypatch.setattr(runtime, "usable_cpus", lambda: 1)  # a container with one CPU
        assert runtime.threads_for(B=20, H=200, G=4) == 1
        monkeypatch.setattr(runtime, "usable_cpus", lambda: 8)
        assert runtime.threads_for(B=20, H=200, G=4) == 4  # torch's threads
    finally:
        torch.set_num_threads(threads)


@pytest.mark.parametrize(
    ("files", "cpus"),
    [
        ({"cpu.max": "150000 100000\n"}, 1),  # cgroup v2, one and a half CPUs
        ({"cpu.max": "400000 100000\n"}, 4),
        ({"cpu.max": "max 100000\n"}, None),  # no quota
        ({"cpu/cpu.cfs_quota_us": "200000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 2),  # v1
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
        ({}, None),  # no cgroup files at all
    ],
)
def test_a_containers_cpu_quota_is_read(tmp_path, files, cpus):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert runtime.cgroup_cpu_quota(tmp_path) == cpus


def test_the_threads_sharing_a_layer_depend_on_its_sizes_alone(monkeypatch):
    if runtime.openmp() is None:
        pytest.skip("torch's parallel backend is not OpenMP: the loop runs on one thread")
    monkeypatch.setattr(runtime, "usable_cpus", lambda: 4)
    monkeypatch.setattr(torch, "get_num_threads", lambda: 2)
    assert runtime.threads_for(B=20, H=200, G=4) == 2
    assert runtime.threads_for(B=1, H=200, G=4) == 1  # one row
    assert runtime.threads_for(B=20, H=8, G=4) == 1  # steps too small to share
    monkeypatch.setattr(torch, "get_num_threads", lambda: 8)
    assert runtime.threads_for(B=3, H=200, G=4) == 3  # at most one per row
    assert runtime.threads_for(B=20, H=200, G=4) == 4  # at most the usable CPUs


def test_a_loop_that_finds_no_memory_raises_memory_error():
    with pytest.raises(MemoryError, match="no memory"):
        runtime.run(lambda *arguments: -1, "a loop", 20, 200, 4)


def _no_compiler() -> str:
    raise RuntimeError("no C compiler found")


def test_on_macos_without_the_command_line_tools_nothing_is_compiled(monkeypatch):
    calls = []

    def run(command, **kwargs):
        calls.append(command)
        return subprocess.CompletedProcess(command, returncode=2)  # xcode-select: no tools

    monkeypatch.setattr(compiled.sys, "platform", "darwin")
    monkeypatch.setattr(compiled.subprocess, "run", run)
    with pytest.raises(RuntimeError, match="command line tools"):
        compiled._check_macos_tools("/usr/bin/cc")
    assert calls == [["xcode-select", "-p"]]  # asked, and never ran the compiler shim


def test_gatedrnn_compiled_0_turns_them_off(monkeypatch):
    monkeypatch.setenv("GATEDRNN_COMPILED", "0")
    assert compiled.loops(torch.float32, CPU) is None
    assert "off" in compiled.status()
    assert fast.describe(G.GRUCell(2, 3)) == "fused GRUAfter"


# --- the arithmetic of steps.c against torch's own functions ---------------------------------

EDGES = [0.0, 1e-30, 1e-8, 1e-3, 0.5, 0.6, 0.625, 0.65, -2.0, 15.0, -30.0]  # tanh: 0.625
EDGES += [80.0, -87.0, 88.0, 90.0, -100.0, 700.0]  # where e^x over- and underflows
TOLERANCE = {torch.float32: dict(rtol=3e-7, atol=1e-30), torch.float64: dict(rtol=1e-15, atol=0)}


def _values(dtype: torch.dtype, n: int) -> torch.Tensor:
    """Edge cases, then a sweep of [-40, 40], then random normals: ``n`` values."""
    edges = torch.tensor(EDGES + [-e for e in EDGES], dtype=dtype)
    sweep = torch.linspace(-40, 40, 201, dtype=dtype)
    rest = torch.randn(n - len(edges) - len(sweep), dtype=dtype, generator=_generator()) * 4
    return torch.cat([edges, sweep, rest])


def _generator() -> torch.Generator:
    return torch.Generator().manual_seed(0)


def _pointer(t: torch.Tensor) -> int:
    assert t.is_contiguous()
    return t.data_ptr()


def _gru_step(dtype: torch.dtype, a: torch.Tensor):
    """One step of ``gru_forward_sequence`` from h_{-1} = 0 with no bias: r = σ(a_r),
    u = σ(a_u), n = tanh(a_n) (as ``R h_{-1} = 0``); ``a`` (B, 3H). Returns the gates and h."""
    loops = compiled.loops(dtype, CPU)
    if loops is None:
        pytest.skip(compiled.status())
    B, H = a.shape[0], a.shape[1] // 3
    gates, R, bias = a.clone(), torch.zeros(3 * H, H, dtype=dtype), torch.zeros(3 * H, dtype=dtype)
    h0, Y, Gn = (torch.zeros(B, H, dtype=dtype) for _ in range(3))
    pointers = map(_pointer, (gates, Y, Gn, R, bias, h0))
    assert loops.gru_forward_sequence(*pointers, 1, B, H, 1, 1, 0) == 0  # T = 1, skip R h_{-1}
    return gates, Y


@needs_compiler
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_sigmoid_matches_torch_from_minus_to_plus_700(dtype):
    """Through the GRU's loop: its gates r and u are σ(a)."""
    H = 512
    a = torch.zeros(1, 3 * H, dtype=dtype)
    a[0, : 2 * H] = _values(dtype, 2 * H)  # r and u
    gates, _ = _gru_step(dtype, a)
    torch.testing.assert_close(gates[:, : 2 * H], torch.sigmoid(a[:, : 2 * H]), **TOLERANCE[dtype])


@needs_compiler
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_tanh_matches_torch(dtype):
    """Through the GRU's loop with no recurrent part: n = tanh(a_n)."""
    H = 1024
    a = torch.zeros(1, 3 * H, dtype=dtype)
    a[0, 2 * H :] = _values(dtype, H)
    gates, _ = _gru_step(dtype, a)
    torch.testing.assert_close(gates[0, 2 * H :], torch.tanh(a[0, 2 * H :]), **TOLERANCE[dtype])


@needs_compiler
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_a_nan_stays_nan(dtype):
    H = 8
    a = torch.zeros(1, 3 * H, dtype=dtype)
    a[0, 3] = float("nan")  # the reset gate of unit 3: n = tanh(a_n + r ⊙ 0) is NaN too
    gates, h = _gru_step(dtype, a)
    assert torch.isnan(gates[0, 3]) and torch.isnan(gates[0, 2 * H + 3]) and torch.isnan(h[0, 3])
    assert not torch.isnan(h[0, :3]).any()  # the other units are untouched by it


@needs_compiler
def test_saturated_gates_stay_finite_and_match_the_readable_cells():
    """Huge weights push every pre-activation far beyond where e^x over- or underflows."""
    torch.manual_seed(0)
    for cell in (G.SubLSTMCell(3, 4), G.GRUCell(3, 4), G.LSTMCell(3, 4, peephole=True)):
        cell = cell.double()
        with torch.no_grad():
            for p in cell.parameters():
                p.mul_(1e4)
        x = torch.randn(6, 2, 3, dtype=torch.float64)
        got = G.Recurrent(cell)(x)[0]
        want = G.Recurrent(cell, fast=False)(x)[0]
        assert torch.isfinite(got).all()
        torch.testing.assert_close(got, want, rtol=1e-9, atol=1e-12)
