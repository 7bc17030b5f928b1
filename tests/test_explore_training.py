"""Live-training explorer: advancing is pure and repeatable, and training really learns."""

import pytest
import torch

from gatedrnn.explore import advance, training_explorer, training_state
from gatedrnn.tasks import adding_baseline_mse


def params(state):
    return [p.detach().clone() for p in state.model.parameters()]


def test_advance_leaves_the_state_it_was_given():
    s = training_state("LSTM", "adding", hidden_size=8)
    before = params(s)
    s1 = advance(s, 3)
    assert s.step == 0 and len(s.loss) == 1
    assert all(torch.equal(a, b) for a, b in zip(before, params(s), strict=True))
    assert s1.step == 3 and s1.steps == (0, 3) and len(s1.accuracy) == 2
    assert not all(torch.equal(a, b) for a, b in zip(before, params(s1), strict=True))


def test_two_short_advances_equal_one_long():
    s = training_state("subLSTM", "adding", hidden_size=8, seed=3)
    one, two = advance(s, 6), advance(advance(s, 2), 4)
    assert all(torch.equal(a, b) for a, b in zip(params(one), params(two), strict=True))
    assert one.loss[-1] == two.loss[-1]


def test_a_gru_learns_the_adding_problem():
    s = training_state("GRU", "adding", hidden_size=32, lr=1e-2)
    start = s.loss[0]
    for _ in range(4):
        s = advance(s, 50)
    assert s.loss[-1] < 0.5 * adding_baseline_mse(30) < start
    assert s.accuracy[-1] > s.accuracy[0]


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="cell must be one of"):
        training_state("Transformer")
    with pytest.raises(ValueError, match="task must be one of"):
        training_state("GRU", "imagenet")
    with pytest.raises(ValueError, match="steps must be a positive integer; got 0"):
        advance(training_state("GRU", hidden_size=4), 0)


def test_explorer_trains_on_play_and_restarts_on_a_new_setup():
    ex = training_explorer(hidden_size=8)
    assert ex.result.step == 0
    ex.controls["tick"].value = 2
    assert ex.result.step == 20 and len(ex.result.loss) == 3
    ex.controls["cell"].value = "LSTM"  # a new set-up: fresh weights, trained up to the tick
    assert ex.result.cell == "LSTM" and ex.result.step == 20
    ex.controls["tick"].value = 0  # stop
    assert ex.result.step == 0
