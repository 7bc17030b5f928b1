"""The fast paths equal the readable cells: values and gradients, every cell and option."""

from __future__ import annotations

import pytest
import torch

import gatedrnn
from gatedrnn import fast
from gatedrnn.fast import compiled, runtime, sequence

G = gatedrnn

# name: (constructor, the path the runner must take on the CPU)
CELLS = {
    "vanilla": (lambda I, H: G.VanillaRNNCell(I, H), "torch.nn.RNN kernel"),
    "lstm": (lambda I, H: G.LSTMCell(I, H), "torch.nn.LSTM kernel"),
    "lstm-relu-identity": (
        lambda I, H: G.LSTMCell(I, H, phi1="relu", phi2="identity"),
        "fused LSTM, compiled loop",
    ),
    "lstm-identity-tanh": (
        lambda I, H: G.LSTMCell(I, H, phi1="identity"),
        "fused LSTM, compiled loop",
    ),
    "lstm-sigmoid-ssn": (lambda I, H: G.LSTMCell(I, H, phi1="sigmoid", phi2="ssn"), "fused LSTM"),
    "lstm-peephole": (lambda I, H: G.LSTMCell(I, H, peephole=True), "fused LSTM, compiled loop"),
    "lstm-coupled": (lambda I, H: G.LSTMCell(I, H, coupled=True), "fused LSTM, compiled loop"),
    "lstm-peephole-coupled": (
        lambda I, H: G.LSTMCell(I, H, peephole=True, coupled=True),
        "fused LSTM, compiled loop",
    ),
    "sublstm": (lambda I, H: G.SubLSTMCell(I, H), "fused SubLSTM, compiled loop"),
    "fix-sublstm": (
        lambda I, H: G.SubLSTMCell(I, H, fixed_forget=True),
        "fused SubLSTM, compiled loop",
    ),
    "simple-gru": (lambda I, H: G.SimpleGRUCell(I, H), "fused SimpleGRU"),
    "simple-gru-relu": (lambda I, H: G.SimpleGRUCell(I, H, phi="relu"), "fused SimpleGRU"),
    "gru": (lambda I, H: G.GRUCell(I, H), "fused GRUAfter, compiled loop"),
    "gru-reset-before": (
        lambda I, H: G.GRUCell(I, H, reset="before"),
        "fused GRUBefore, compiled loop",
    ),
    "rate-tanh": (lambda I, H: G.RateCell(I, H, tau=4.0), "fused Rate"),
    "rate-relu-dale": (lambda I, H: G.RateCell(I, H, tau=3.0, phi="relu", dale=0.8), "fused Rate"),
    "rate-ssn": (
        lambda I, H: G.RateCell(I, H, tau=[2.0 + k for k in range(H)], phi="ssn", k=0.3),
        "fused Rate",
    ),
    "voltage-tanh": (lambda I, H: G.RateCell(I, H, form="voltage", tau=2.0), "fused Rate"),
    "voltage-relu-dale": (
        lambda I, H: G.RateCell(I, H, form="voltage", tau=3.0, phi="relu", dale=0.6),
        "fused Rate",
    ),
    "voltage-ssn-dale": (
        lambda I, H: G.RateCell(I, H, form="voltage", tau=2.0, phi="ssn", n=3.0, dale=0.4),
        "fused Rate",
    ),
}


@pytest.fixture(autouse=True)
def _one_thread():
    """Tiny tensors: more threads only add synchronisation (and stall on a loaded machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


TOLERANCE = {torch.float64: dict(rtol=1e-10, atol=1e-12), torch.float32: dict(rtol=1e-4, atol=2e-5)}


def _run(rnn, x, state, seed=7):
    """Outputs, final state, and the gradients of a random projection of both wrt every input."""
    out, final = rnn(x, state)
    g = torch.Generator().manual_seed(seed)
    loss = sum((t * torch.randn(t.shape, generator=g, dtype=t.dtype)).sum() for t in (out, *final))
    inputs = [x, *rnn.parameters(), *(state or ())]
    grads = torch.autograd.grad(loss, inputs, allow_unused=True)
    grads = [torch.zeros_like(t) if d is None else d for t, d in zip(inputs, grads, strict=True)]
    return [out, *final, *grads]


def _compare(make, dtype, *, T, layers, given, batch_first, B=3, I=3, H=5):
    torch.manual_seed(0)
    fast_rnn = G.Recurrent(make(I, H), layers, batch_first=batch_first).to(dtype)
    readable = G.Recurrent(make(I, H), layers, batch_first=batch_first, fast=False).to(dtype)
    readable.load_state_dict(fast_rnn.state_dict())
    shape = (B, T, I) if batch_first else (T, B, I)
    x = torch.randn(shape, dtype=dtype, requires_grad=True)
    state = None
    if given:
        fields = fast_rnn.state_type._fields
        state = fast_rnn.state_type(
            *(torch.randn(layers, B, H, dtype=dtype, requires_grad=True) for _ in fields)
        )
    for got, want in zip(_run(fast_rnn, x, state), _run(readable, x, state), strict=True):
        torch.testing.assert_close(got, want, **TOLERANCE[dtype])


COMPILED = ", compiled loop"
# every cell; those with a compiled loop also with their torch-operation steps, and with their
# batch rows shared among three threads
CASES = [(name, "compiled" if path.endswith(COMPILED) else "") for name, (_, path) in CELLS.items()]
OTHERS = ("torch-steps", "3-threads")
CASES += [(name, other) for name, steps in CASES if steps for other in OTHERS]
CASES = [pytest.param(n, s, id=f"{n}-{s}".strip("-")) for n, s in sorted(CASES)]


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize(("name", "steps"), CASES)
def test_fast_path_equals_readable_cells(name, steps, dtype, monkeypatch):
    """Values and gradients wrt every parameter, the input and the initial state."""
    make, path = CELLS[name]
    if steps == "torch-steps":
        monkeypatch.setenv("GATEDRNN_COMPILED", "0")
        path = path.removesuffix(COMPILED)
    elif steps and compiled.loops(dtype, torch.device("cpu")) is None:
        pytest.skip(compiled.status())  # test_fast_compiled fails where a compiler exists
    if steps == "3-threads":  # more threads than this machine may have cores
        if runtime.openmp() is None:
            pytest.skip("torch's parallel backend is not OpenMP: the loop runs on one thread")
        torch.set_num_threads(3)
        monkeypatch.setattr(runtime, "usable_cpus", lambda: 3)
        monkeypatch.setattr(runtime, "MIN_PRODUCT", 0)
        assert runtime.threads_for(B=3, H=5, G=4) == 3
    assert fast.describe(make(3, 5)) == path  # the fast path is really taken
    for layers in (1, 2):
        for given in (True, False):
            for batch_first in (False, True):
                _compare(make, dtype, T=6, layers=layers, given=given, batch_first=batch_first)
    _compare(make, dtype, T=1, layers=1, given=True, batch_first=False)
    # rows of more than one batch element and hidden unit, through the compiled steps
    _compare(make, dtype, T=4, layers=1, given=True, batch_first=False, B=7, I=4, H=33)
    # backward passes in blocks of steps: one step per block exercises every block boundary
    monkeypatch.setattr(sequence, "BLOCK_BYTES", 1)
    _compare(make, dtype, T=5, layers=2, given=True, batch_first=False)


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("name", ["sublstm", "fix-sublstm"])
def test_the_compiled_loop_shares_the_rows_among_threads(name, threads, monkeypatch):
    """B = 5 rows shared unevenly (2 and 3, or 1, 2 and 2)."""
    if compiled.loops(torch.float64, torch.device("cpu")) is None or runtime.openmp() is None:
        pytest.skip("no compiled loop, or no OpenMP team: " + compiled.status())
    torch.set_num_threads(threads)
    monkeypatch.setattr(runtime, "usable_cpus", lambda: threads)
    monkeypatch.setattr(runtime, "MIN_PRODUCT", 0)
    assert runtime.threads_for(B=5, H=50, G=4) == threads
    for T in (1, 12):
        _compare(
            CELLS[name][0],
            torch.float64,
            T=T,
            layers=2,
            given=True,
            batch_first=False,
            B=5,
            I=4,
            H=50,
        )


class LeakyTanhLSTM(G.LSTMCell):
    """A student's own cell: a subclass that changes the equations."""

    def forward(self, x_t, state=None):
        h, (h, c) = super().forward(x_t, state)
        h = h + 0.1 * x_t.sum(1, keepdim=True)
        return h, G.LSTMState(h, c)


def test_a_subclass_runs_the_readable_loop():
    torch.manual_seed(0)
    cell = LeakyTanhLSTM(3, 4)
    assert fast.fast_path(cell) is None and fast.describe(cell) == "readable loop"
    x = torch.randn(5, 2, 3)
    out, _ = G.Recurrent(cell)(x)
    want, state = [], None
    for x_t in x.unbind(0):
        h, state = cell(x_t, state)
        want.append(h)
    torch.testing.assert_close(out, torch.stack(want))


def test_a_callable_phi_and_hooks_run_the_readable_loop():
    cell = G.SimpleGRUCell(2, 3, phi=lambda u: torch.tanh(u) ** 3)
    assert fast.describe(cell) == "readable loop"
    calls = []
    hooked = G.SubLSTMCell(2, 3)
    hooked.register_forward_hook(lambda module, args, output: calls.append(1))
    G.Recurrent(hooked)(torch.randn(4, 2, 2))
    assert len(calls) == 4  # the hook saw every step


@pytest.mark.parametrize(
    "name", ["lstm-peephole", "sublstm", "fix-sublstm", "gru", "voltage-ssn-dale"]
)
def test_double_backward(name):
    """Second derivatives through a fused sequence (replayed on the readable cells) are exact."""
    torch.manual_seed(0)
    rnn = G.Recurrent(CELLS[name][0](2, 3)).double()
    x = torch.randn(4, 2, 2, dtype=torch.float64, requires_grad=True)
    s0 = tuple(
        torch.randn(1, 2, 3, dtype=torch.float64, requires_grad=True)
        for _ in rnn.state_type._fields
    )

    def outputs(x, *s0):
        out, final = rnn(x, rnn.state_type(*s0))
        return out.tanh().sum() + sum(f.pow(2).sum() for f in final)

    assert torch.autograd.gradgradcheck(outputs, (x, *s0))


def test_batched_gradients_and_torch_func_use_the_readable_cells():
    torch.manual_seed(0)
    fast_rnn = G.Recurrent(G.SubLSTMCell(2, 3)).double()
    readable = _readable_twin(fast_rnn)
    x = torch.randn(4, 2, 2, dtype=torch.float64)

    def jac(rnn, **kwargs):
        return torch.autograd.functional.jacobian(lambda x: rnn(x)[0], x, **kwargs)

    torch.testing.assert_close(jac(fast_rnn, vectorize=True), jac(readable))
    got = torch.func.jacrev(lambda x: fast_rnn(x)[0])(x)
    torch.testing.assert_close(got, jac(readable))


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")  # torch's
def test_forward_mode_ad_uses_the_readable_cells():
    import torch.autograd.forward_ad as fwAD

    torch.manual_seed(0)
    rnn = G.Recurrent(G.RateCell(2, 3, form="voltage")).double()
    x, v = torch.randn(4, 2, 2, dtype=torch.float64), torch.randn(4, 2, 2, dtype=torch.float64)
    with fwAD.dual_level():
        tangent = fwAD.unpack_dual(rnn(fwAD.make_dual(x, v))[0]).tangent
    out = rnn(x)[0]  # the tangent by finite differences, through the fast path
    torch.testing.assert_close(tangent, (rnn(x + 1e-6 * v)[0] - out) / 1e-6, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", ["lstm-peephole", "sublstm", "fix-sublstm", "gru"])
def test_retained_graph_gives_the_same_gradients_twice(name):
    """The backward pass leaves what the forward pass saved untouched."""
    torch.manual_seed(0)
    rnn = G.Recurrent(CELLS[name][0](2, 3), 2)
    out, _ = rnn(torch.randn(5, 2, 2))
    loss = out.pow(2).sum()
    first = torch.autograd.grad(loss, list(rnn.parameters()), retain_graph=True)
    second = torch.autograd.grad(loss, list(rnn.parameters()))
    for a, b in zip(first, second, strict=True):
        torch.testing.assert_close(a, b)


@pytest.mark.parametrize("name", ["lstm-peephole", "sublstm", "fix-sublstm", "gru"])
def test_gradients_that_are_not_contiguous(name):
    """``out.sum()`` sends back an expanded gradient (strides 0): the loops read a copy of it."""
    torch.manual_seed(0)
    rnn = G.Recurrent(CELLS[name][0](3, 5)).double()
    x = torch.randn(6, 2, 3, dtype=torch.float64)
    got = torch.autograd.grad(rnn(x)[0].sum(), list(rnn.parameters()))
    want = torch.autograd.grad(_readable_twin(rnn)(x)[0].sum(), list(rnn.parameters()))
    for a, b in zip(got, want, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


def _readable_twin(rnn):
    """The same layers (shared parameters) through the readable loop."""
    twin = G.Recurrent(rnn.layers[0], fast=False, batch_first=rnn.batch_first)
    twin.layers = rnn.layers
    return twin


@pytest.mark.parametrize("mode", [torch.no_grad, torch.inference_mode])
def test_inference_follows_the_module_dtype(mode):
    torch.manual_seed(0)
    for make, _ in CELLS.values():
        rnn = G.Recurrent(make(2, 3), 2).double()
        x = torch.randn(4, 2, 2, dtype=torch.float64)
        with mode():
            got, want = rnn(x), _readable_twin(rnn)(x)
        for a, b in zip((got[0], *got[1]), (want[0], *want[1]), strict=True):
            assert a.dtype == torch.float64
            torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("name", sorted(CELLS))
def test_fast_path_on_cuda(name):
    torch.manual_seed(0)
    rnn = G.Recurrent(CELLS[name][0](3, 5), 2).cuda()
    x = torch.randn(6, 2, 3, device="cuda", requires_grad=True)
    got, want = _run(rnn, x, None), _run(_readable_twin(rnn), x, None)
    for a, b in zip(got, want, strict=True):
        assert a.device.type == "cuda"
        torch.testing.assert_close(a, b, rtol=1e-4, atol=2e-5)
