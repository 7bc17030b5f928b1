"""One sweep runs every cell and option through the runner: shapes, gradients, device and dtype."""

import pytest
import torch
from cell_zoo import CELLS

import gatedrnn

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("fast", [True, False], ids=["fast", "readable"])
@pytest.mark.parametrize("name", sorted(CELLS))
def test_every_cell_through_the_runner(name, fast, dtype, device):
    torch.manual_seed(0)
    T, B, I, H, L = 6, 3, 2, 4, 2
    rnn = gatedrnn.Recurrent(CELLS[name](I, H), num_layers=L, fast=fast).to(device, dtype)
    assert rnn.layers[1].input_size == H and type(rnn.layers[1]) is type(rnn.layers[0])
    x = torch.randn(T, B, I, device=device, dtype=dtype, requires_grad=True)
    out, state = rnn(x)
    assert out.shape == (T, B, H)
    assert out.dtype == dtype and out.device.type == device
    assert isinstance(state, rnn.state_type)
    for field in state:
        assert field.shape == (L, B, H) and field.dtype == dtype
    if not name.startswith("voltage"):  # the voltage form outputs φ(v), not its state v
        torch.testing.assert_close(state[0][-1], out[-1])
    (out.sum() + sum(f.sum() for f in state)).backward()
    assert torch.isfinite(x.grad).all() and x.grad.abs().sum() > 0
    for pname, p in rnn.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), pname
    # a second call continues from the returned state
    out2, _ = rnn(x.detach(), state)
    assert not torch.allclose(out2, out)


@pytest.mark.parametrize("name", sorted(CELLS))
def test_every_cell_step_and_init_state(name):
    cell = CELLS[name](2, 4).double()
    state = cell.init_state(3)
    assert isinstance(state, cell.state_type)
    assert all(f.shape == (3, 4) and f.dtype == torch.float64 for f in state)
    h, new_state = cell(torch.randn(3, 2, dtype=torch.float64))
    assert h.shape == (3, 4) and type(new_state) is type(state)
    twin = cell.like(7)
    assert type(twin) is type(cell) and twin.input_size == 7 and twin.hidden_size == 4
    assert repr(twin).startswith(type(cell).__name__)


@pytest.mark.parametrize("name", sorted(CELLS))
def test_one_layer_runner_accepts_a_cell_state(name):
    torch.manual_seed(1)
    cell = CELLS[name](2, 4)
    rnn = gatedrnn.Recurrent(cell)
    x = torch.randn(5, 3, 2)
    state = cell.init_state(3)
    out_a, final_a = rnn(x, state)
    out_b, final_b = rnn(x, rnn.state_type(*(f[None] for f in state)))
    torch.testing.assert_close(out_a, out_b)
    # stepping the cell by hand gives the runner's outputs
    for t in range(5):
        h, state = cell(x[t], state)
        torch.testing.assert_close(h, out_a[t])


def test_device_helper_picks_an_available_device():
    device = gatedrnn.device()
    assert isinstance(device, torch.device)
    if torch.cuda.is_available():
        assert device.type == "cuda"
    torch.zeros(1, device=device)  # usable


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_matches_cpu():
    torch.manual_seed(2)
    for name in sorted(CELLS):
        rnn = gatedrnn.Recurrent(CELLS[name](2, 4)).double()
        x = torch.randn(5, 3, 2, dtype=torch.float64)
        expected, _ = rnn(x)
        actual, _ = rnn.cuda()(x.cuda())
        torch.testing.assert_close(actual.cpu(), expected, rtol=1e-10, atol=1e-10)
