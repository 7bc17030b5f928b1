"""Vogels et al. (2011)'s recurrent network and receptive-field shift, at lecture scale.

Each test states one of the paper's claims as a measurement on a run of the library's model:
inhibitory plasticity balances the network, hides imprinted assemblies, and disinhibition
recalls them; when excitation is retuned, learned inhibition follows it.
"""

import numpy as np
import pytest

from gatedrnn.plasticity import assemblies, receptive_fields


@pytest.fixture(scope="module")
def run():
    return assemblies.simulate_assemblies()


def test_plasticity_brings_every_excitatory_unit_to_the_target(run):
    start = run.rate_e[: int(0.3 / run.bin)].mean()  # the first 0.3 s: weak inhibition
    assert start > 1.5 * run.rho0, f"the network should start fast; got {start:.1f} Hz"
    t_imprint = run.events["imprint"][0]
    late = (run.t > t_imprint - 1.0) & (run.t <= t_imprint)
    rates = run.rate_e[late].mean(axis=0)  # (N_E,) per unit, the second before imprinting
    assert abs(rates.mean() - run.rho0) < 0.1 * run.rho0
    assert np.percentile(np.abs(rates - run.rho0), 90) < 0.5 * run.rho0


def test_imprinted_assemblies_fire_then_are_hidden_by_inhibition(run):
    t_imprint = run.events["imprint"][0]
    t_off = run.events["plasticity off"][0]
    for name in ("assembly 1", "assembly 2"):
        burst = run.mean_rate(name, t_imprint, t_imprint + 0.3)
        hidden = run.mean_rate(name, t_off - 2.0, t_off)
        assert burst > 1.3 * run.rho0, f"{name} should fire when imprinted; got {burst:.1f} Hz"
        assert abs(hidden - run.rho0) < 0.15 * run.rho0, f"{name} not hidden: {hidden:.1f} Hz"
        before = run.inhibition[name][run.t <= t_imprint][-1]
        after = run.inhibition[name][run.t <= t_off][-1]
        assert after > 1.1 * before, "the rule should add inhibition onto the assembly's units"
    rest = run.inhibition["rest"]
    assert abs(rest[run.t <= t_off][-1] / rest[run.t <= t_imprint][-1] - 1) < 0.05


def test_memories_stay_in_the_excitatory_weights(run):
    a, rest = run.groups["assembly 1"], run.groups["rest"]
    within = run.w_ee[np.ix_(a, a)].sum(axis=1).mean()  # summed input from the own assembly
    outside = run.w_ee[np.ix_(rest, a)].sum(axis=1).mean()
    assert within > 10 * outside


def test_disinhibition_recalls_an_assembly_far_more_than_a_control_group(run):
    gain = {name: run.recall_gain(name) for name in ("assembly 1", "assembly 2", "control")}
    assert gain["control"] > 0  # the same release of inhibition acts on the control group too
    assert gain["assembly 1"] > 3 * gain["control"], gain
    assert gain["assembly 2"] > 3 * gain["control"], gain


def test_no_learning_after_plasticity_is_switched_off(run):
    off = run.t > run.events["plasticity off"][0] + run.bin
    for trace in run.inhibition.values():
        np.testing.assert_array_equal(trace[off], trace[off][0])


def test_without_plasticity_nothing_is_balanced():
    frozen = assemblies.simulate_assemblies(eta=0.0, imprint=1.0, recall=2.0, recall_for=0.2)
    assert frozen.mean_rate("rest", 0.5, 1.0) > 2 * frozen.rho0


def test_bad_sizes_and_times_are_explained():
    with pytest.raises(ValueError, match="need n_e >= 120"):
        assemblies.simulate_assemblies(n_e=100, assembly_size=40)
    with pytest.raises(ValueError, match="imprint < recall"):
        assemblies.simulate_assemblies(imprint=5.0, recall=4.0)


@pytest.fixture(scope="module")
def shift():
    return receptive_fields.receptive_field_shift(before=15.0, after=30.0, preferred=(2, 5))


def test_inhibition_is_co_tuned_before_the_retuning(shift):
    i_before = shift.inhibition_at(-0.5)
    assert np.argmax(i_before) == 2
    assert np.corrcoef(i_before, shift.e_before)[0, 1] > 0.95


def test_right_after_the_retuning_inhibition_keeps_the_old_tuning(shift):
    i_now = shift.inhibition_at(0.5)
    assert np.argmax(i_now) == 2 and np.argmax(shift.e_after) == 5
    assert np.corrcoef(i_now, shift.e_after)[0, 1] < 0.5


def test_inhibition_follows_excitation_to_the_new_peak(shift):
    i_end = shift.inhibition_at(shift.t[-1])
    assert np.argmax(i_end) == 5
    assert np.corrcoef(i_end, shift.e_after)[0, 1] > 0.9
    late = shift.t_rate > shift.t[-1] - 5.0
    assert abs(shift.rate[late].mean() - shift.rho0) < 0.1 * shift.rho0


def test_a_shift_needs_two_groups_in_range():
    with pytest.raises(ValueError, match="two signal groups"):
        receptive_fields.receptive_field_shift(preferred=(2, 9))
