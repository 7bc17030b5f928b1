"""Students' likely mistakes give one clear sentence naming what was expected and what was given."""

import numpy as np
import pytest
import torch

import gatedrnn


@pytest.fixture
def lstm():
    return gatedrnn.LSTMCell(3, 5)


def test_step_input_of_wrong_rank(lstm):
    with pytest.raises(ValueError, match=r"x_t must be \(B, I\) = \(batch, 3\); got \(3\)"):
        lstm(torch.randn(3))
    with pytest.raises(ValueError, match=r"got \(10, 2, 3\).*gatedrnn.Recurrent"):
        lstm(torch.randn(10, 2, 3))


def test_step_input_of_wrong_size(lstm):
    with pytest.raises(ValueError, match=r"x_t must be \(B, I\) = \(batch, 3\); got \(2, 4\)"):
        lstm(torch.randn(2, 4))


def test_sequence_input_of_wrong_rank_or_size():
    rnn = gatedrnn.Recurrent(gatedrnn.GRUCell(3, 5))
    expected = r"x must be \(T, B, I\) = \(time, batch, 3\); got \(20, 3\)"
    with pytest.raises(ValueError, match=expected):
        rnn(torch.randn(20, 3))
    with pytest.raises(ValueError, match=r"got \(20, 2, 4\)"):
        rnn(torch.randn(20, 2, 4))
    batch_first = gatedrnn.Recurrent(gatedrnn.GRUCell(3, 5), batch_first=True)
    with pytest.raises(ValueError, match=r"\(B, T, I\) = \(batch, time, 3\)"):
        batch_first(torch.randn(20, 2))
    with pytest.raises(ValueError, match="at least one time step"):
        rnn(torch.randn(0, 2, 3))


def test_state_of_wrong_shape(lstm):
    x = torch.randn(2, 3)
    bad = gatedrnn.LSTMState(torch.zeros(2, 5), torch.zeros(2, 4))
    with pytest.raises(ValueError, match=r"state.c must be \(B, H\) = \(2, 5\); got \(2, 4\)"):
        lstm(x, bad)
    with pytest.raises(ValueError, match=r"state.h must be \(B, H\) = \(2, 5\); got \(3, 5\)"):
        lstm(x, lstm.init_state(3))


def test_state_of_wrong_type(lstm):
    with pytest.raises(TypeError, match=r"state must be a LSTMState\(h, c\); got Tensor"):
        lstm(torch.randn(2, 3), torch.zeros(2, 5))


def test_runner_state_of_wrong_shape():
    rnn = gatedrnn.Recurrent(gatedrnn.LSTMCell(3, 5), num_layers=2)
    x = torch.randn(4, 2, 3)
    bad = gatedrnn.LSTMState(torch.zeros(1, 2, 5), torch.zeros(1, 2, 5))
    with pytest.raises(
        ValueError, match=r"state.h must be \(num_layers, B, H\) = \(2, 2, 5\); got \(1, 2, 5\)"
    ):
        rnn(x, bad)


def test_dtype_mismatch(lstm):
    expected = r"x_t is torch.float64 but the module's weights are torch.float32"
    with pytest.raises(TypeError, match=expected):
        lstm(torch.randn(2, 3, dtype=torch.float64))
    with pytest.raises(TypeError, match="floating-point"):
        lstm(torch.ones(2, 3, dtype=torch.long))
    state = gatedrnn.LSTMState(torch.zeros(2, 5, dtype=torch.float64), torch.zeros(2, 5))
    with pytest.raises(TypeError, match="state.h is torch.float64"):
        lstm(torch.randn(2, 3), state)


def test_not_a_tensor(lstm):
    with pytest.raises(TypeError, match=r"x_t must be a torch.Tensor; got ndarray"):
        lstm(np.zeros((2, 3)))


def test_device_mismatch(lstm):
    lstm = lstm.to("meta")
    with pytest.raises(ValueError, match=r"x_t is on cpu but the module's weights are on meta"):
        lstm(torch.randn(2, 3))


@pytest.mark.parametrize("tau", [0.0, -5.0, [1.0, 0.0, 2.0]])
def test_tau_must_be_positive(tau):
    with pytest.raises(ValueError, match=r"tau must be > 0 \(ms\)"):
        gatedrnn.RateCell(2, 3, tau=tau)


def test_dt_over_tau_must_lie_in_unit_interval():
    with pytest.raises(ValueError, match=r"z = dt / tau must lie in \(0, 1\].*dt / tau = 2"):
        gatedrnn.RateCell(2, 3, tau=5.0, dt=10.0)
    with pytest.raises(ValueError, match=r"dt must be > 0"):
        gatedrnn.RateCell(2, 3, tau=5.0, dt=0.0)
    gatedrnn.RateCell(2, 3, tau=5.0, dt=5.0)  # z = 1 is allowed: no memory


def test_tau_per_unit_must_match_hidden_size():
    with pytest.raises(ValueError, match=r"one per unit \(3 values\); got 2"):
        gatedrnn.RateCell(2, 3, tau=[1.0, 2.0])


@pytest.mark.parametrize("dale", [0.0, 1.0, 1.5, -0.2, True])
def test_excitatory_fraction_must_lie_in_open_unit_interval(dale):
    with pytest.raises(ValueError, match=r"dale is the fraction of excitatory units.*\(0, 1\)"):
        gatedrnn.RateCell(2, 10, dale=dale)


def test_excitatory_fraction_leaving_an_empty_population():
    with pytest.raises(ValueError, match="both populations need at least one"):
        gatedrnn.RateCell(2, 3, dale=0.9)


@pytest.mark.parametrize(
    "make",
    [
        lambda: gatedrnn.RateCell(2, 3, phi="softplus"),
        lambda: gatedrnn.SimpleGRUCell(2, 3, phi="softplus"),
        lambda: gatedrnn.LSTMCell(2, 3, phi1="softplus"),
    ],
)
def test_unknown_phi(make):
    with pytest.raises(ValueError, match=r"must be one of 'tanh', 'relu', 'ssn'.*got 'softplus'"):
        make()


def test_unknown_form_and_reset():
    with pytest.raises(ValueError, match=r"form must be 'rate' or 'voltage'; got 'current'"):
        gatedrnn.RateCell(2, 3, form="current")
    with pytest.raises(ValueError, match=r"reset must be 'after'.*got 'middle'"):
        gatedrnn.GRUCell(2, 3, reset="middle")


@pytest.mark.parametrize("size", [0, -1, 2.5, "3"])
def test_sizes_must_be_positive_integers(size):
    with pytest.raises(ValueError, match="input_size must be a positive integer"):
        gatedrnn.LSTMCell(size, 3)


def test_runner_needs_a_cell():
    with pytest.raises(TypeError, match=r"cell must be a gatedrnn cell"):
        gatedrnn.Recurrent(torch.nn.LSTMCell(2, 3))


def test_ssn_parameters_are_checked():
    with pytest.raises(ValueError, match="SSN gain k must be > 0"):
        gatedrnn.RateCell(2, 3, phi="ssn", k=0.0)
