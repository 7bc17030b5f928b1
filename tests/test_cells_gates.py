"""Each cell states its gates once (``gate_order``, ``block``, ``gates``); they equal its twin's."""

import numpy as np
import pytest
import torch
from cell_zoo import CELLS

import gatedrnn
from gatedrnn import twins

I, H, B = 3, 5, 4


def random_state(cell, generator):
    return cell.state_type(
        *(
            torch.randn(B, H, dtype=torch.float64, generator=generator)
            for _ in cell.state_type._fields
        )
    )


@pytest.mark.parametrize("name", sorted(CELLS))
def test_gates_equal_the_twins_saved_gates(name):
    torch.manual_seed(0)
    cell = CELLS[name](I, H).double()
    generator = torch.Generator().manual_seed(1)
    x_t = torch.randn(B, I, dtype=torch.float64, generator=generator)
    state = random_state(cell, generator)
    gates = cell.gates(x_t, state)
    twin = twins.from_cell(cell)
    _, _, saved = twin.step(x_t.numpy(), type(state)(*(s.numpy() for s in state)))
    expected = {field: getattr(saved, field) for field in saved._fields}
    if isinstance(cell, gatedrnn.GRUCell):
        expected["z"] = 1 - expected["u"]
    if isinstance(cell, gatedrnn.RateCell):
        expected = {"z": np.broadcast_to(cell.z.numpy(), (B, H))}
    assert set(gates) <= set(expected), f"{name}: gates {sorted(gates)}, twin {sorted(expected)}"
    for gate, value in gates.items():
        assert value.shape == (B, H), f"{name}: gate {gate} has shape {tuple(value.shape)}"
        np.testing.assert_allclose(
            value.detach().numpy(), np.broadcast_to(expected[gate], (B, H)), rtol=1e-12, atol=1e-12
        )
    gated = not isinstance(cell, (gatedrnn.VanillaRNNCell, gatedrnn.RateCell))
    assert bool(gates) == (gated or isinstance(cell, gatedrnn.RateCell))


@pytest.mark.parametrize("name", sorted(CELLS))
def test_blocks_tile_the_fused_weights(name):
    cell = CELLS[name](I, H)
    rows = [cell.block(gate) for gate in cell.gate_order]
    if cell.gate_order:
        assert rows[0].start == 0 and rows[-1].stop == cell.weight_ih.shape[0]
        assert all(a.stop == b.start for a, b in zip(rows[:-1], rows[1:], strict=True))


def test_block_is_the_gate_the_cell_reads():
    """Raising one block's bias opens exactly that gate: the order is the cell's own."""
    cell = gatedrnn.LSTMCell(I, H).double()
    x_t = torch.randn(B, I, dtype=torch.float64)
    for gate in cell.gate_order:
        before = cell.gates(x_t)
        with torch.no_grad():
            cell.bias_hh[cell.block(gate)] += 50.0
        after = cell.gates(x_t)
        with torch.no_grad():
            cell.bias_hh[cell.block(gate)] -= 50.0
        changed = {g for g in after if not torch.allclose(after[g], before[g])}
        assert changed == {gate}


def test_unknown_gate_is_a_clear_error():
    with pytest.raises(ValueError, match=r"gate blocks \('r', 'u', 'n'\); got 'f'"):
        gatedrnn.GRUCell(I, H).block("f")
