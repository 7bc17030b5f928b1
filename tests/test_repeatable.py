"""The same call gives the same numbers, bit for bit, with more than one thread, on every path.

Students compare their numbers with each other's and with stored outputs, as with
``torch.nn.LSTM`` on the CPU. The compiled loops share a layer's batch rows among torch's
threads, split by the layer's sizes alone; these tests run them with two and three threads.
"""

import pytest
import torch
from cell_zoo import CELLS

import gatedrnn
from gatedrnn import train
from gatedrnn.fast import describe, runtime
from gatedrnn.tasks import AddingProblem

REPEATS = 6


@pytest.fixture(params=[2, 3], ids=["2-threads", "3-threads"])
def threads(request, monkeypatch):
    """torch at ``n`` threads, all of them usable (even where the machine has fewer CPUs)."""
    n, before = request.param, torch.get_num_threads()
    monkeypatch.setattr(runtime, "usable_cpus", lambda: n)
    torch.set_num_threads(n)
    yield n
    torch.set_num_threads(before)


def forward_backward(rnn: gatedrnn.Recurrent, x: torch.Tensor) -> list[torch.Tensor]:
    """The outputs, final state and every gradient of one call."""
    rnn.zero_grad()
    x = x.clone().requires_grad_()
    outputs, state = rnn(x)
    (outputs.pow(2).sum() + sum(s.sum() for s in state)).backward()
    return [outputs, *state, x.grad, *(p.grad for p in rnn.parameters())]


@pytest.mark.parametrize("name", sorted(CELLS))
def test_identical_calls_give_identical_numbers(name, threads):
    torch.manual_seed(0)
    rnn = gatedrnn.Recurrent(CELLS[name](8, 64), num_layers=2)
    x = torch.randn(50, 32, 8)
    if describe(rnn.layers[0]).endswith("compiled loop"):
        assert runtime.threads_for(B=32, H=64, G=4) == threads  # the rows really are shared
    first = [t.detach().clone() for t in forward_backward(rnn, x)]
    for repeat in range(REPEATS):
        again = forward_backward(rnn, x)
        for k, (a, b) in enumerate(zip(first, again, strict=True)):
            assert torch.equal(a, b), (
                f"{name}, repeat {repeat}: tensor {k} differs by {(a - b).abs().max():.3g}"
            )


def _trained_weights(cell: str) -> dict[str, torch.Tensor]:
    torch.manual_seed(0)
    model = train.SequenceRegressor(gatedrnn.Recurrent(CELLS[cell](2, 64)))
    train.fit(model, AddingProblem(seq_len=30), steps=25, batch_size=32, lr=3e-3, progress=False)
    return {k: v.clone() for k, v in model.state_dict().items()}


@pytest.mark.parametrize("cell", ["sublstm", "gru", "lstm-peephole"])
def test_two_seeded_training_runs_give_identical_weights(cell, threads):
    first, second = _trained_weights(cell), _trained_weights(cell)
    for name, value in first.items():
        assert torch.equal(value, second[name]), f"{cell}: {name} differs"
