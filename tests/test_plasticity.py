"""Vogels et al. 2011 inhibitory plasticity: rate and spiking forms."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from gatedrnn import plasticity as P


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ----------------------------------------------------------------------------- rate form


def test_rate_form_converges_to_target_and_cotunes():
    res = P.simulate_rate(20.0, eta=5e-5, rho0=5.0)
    assert abs(res.final_rate(0.5) - 5.0) < 0.5  # within 10 % of rho0
    assert res.cotuning(0.5) >= 0.8
    # learning did something: the uninhibited start is far above the target
    assert res.rate[:5].mean() > 2 * 5.0


def test_rate_form_follows_a_different_target():
    res = P.simulate_rate(20.0, eta=5e-5, rho0=8.0)
    assert abs(res.final_rate(0.5) - 8.0) < 0.8


def test_rate_form_flipped_rule_runs_away():
    good = P.simulate_rate(10.0, eta=5e-5)
    flipped = P.simulate_rate(10.0, eta=-5e-5)
    flipped_rule = P.simulate_rate(
        10.0, eta=5e-5, rule=lambda pre, post, rho0, eta: -P.vogels_rule(pre, post, rho0, eta)
    )
    assert abs(good.final_rate() - 5.0) < 0.5
    for bad in (flipped, flipped_rule):
        assert bad.final_rate() > 2 * 5.0  # inhibition withers, the rate runs to the E-only rate
        assert bad.w_i[-1].max() < 1e-9
    np.testing.assert_allclose(flipped.rate, flipped_rule.rate)
    # started with strong inhibition, the flipped rule silences the neuron instead
    silent = P.simulate_rate(10.0, eta=-5e-5, w_i0=5.0)
    assert silent.final_rate() == 0.0


def test_rate_form_equations_step_by_step():
    """With η = 0 and 1-ms bins, every recorded quantity follows from the inputs by hand."""
    res = P.simulate_rate(0.5, eta=0.0, w_i0=0.7, record_every=1.0, seed=3)
    x = res.input_rate  # (K, G) presynaptic rate of each group
    n_groups = x.shape[1]
    w_e_group = np.array([res.w_e[res.group_e == g].sum() for g in range(n_groups)])
    np.testing.assert_allclose(res.current_e, x * w_e_group / P.N_E)
    np.testing.assert_allclose(res.current_i, x * (0.7 * P.N_I / n_groups) / P.N_I)
    drive = res.current_e.sum(1) - res.current_i.sum(1)
    np.testing.assert_allclose(res.rate, np.maximum(drive, 0.0))
    assert (res.w_i == 0.7).all()
    assert x.shape == (500, 8)


def test_rate_form_one_update_is_vogels_rule():
    """One step: w_I changes by eta * x * (y - rho0), per synapse."""
    eta, rho0 = 1e-4, 5.0
    res = P.simulate_rate(0.001, eta=eta, rho0=rho0, w_i0=0.3, record_every=1.0, seed=1)
    x_i = res.input_rate[0][res.group_i]
    expected = np.maximum(0.3 + P.vogels_rule(x_i, res.rate[0], rho0, eta), 0.0)
    np.testing.assert_allclose(res.w_i[0], expected)


def test_vogels_rule_values():
    pre = np.array([0.0, 2.0, 10.0])
    np.testing.assert_allclose(P.vogels_rule(pre, 5.0, 5.0, 0.1), 0.0)  # at the target: no change
    np.testing.assert_allclose(P.vogels_rule(pre, 7.0, 5.0, 0.1), [0.0, 0.4, 2.0])
    assert (P.vogels_rule(pre, 3.0, 5.0, 0.1)[1:] < 0).all()


def test_group_signals_statistics():
    r = P.group_signals(200.0, dt=1.0, r_bg=10.0, r_sig=10.0, tau_s=50.0, seed=0)
    assert r.shape == (200_000, 8)
    assert r.min() >= 10.0
    # [N(0,1)]_+ has mean 1/sqrt(2 pi) and variance 1/2 - 1/(2 pi)
    np.testing.assert_allclose(r.mean(), 10 + 10 / np.sqrt(2 * np.pi), rtol=0.03)
    np.testing.assert_allclose(r.std(), 10 * np.sqrt(0.5 - 1 / (2 * np.pi)), rtol=0.05)
    # OU autocorrelation of s at lag tau_s is exp(-1); groups are independent
    s = r[:, 0] - r[:, 0].mean()
    lag = 50
    ac = (s[:-lag] * s[lag:]).mean() / s.var()
    assert 0.2 < ac < 0.5
    assert abs(np.corrcoef(r[:, 0], r[:, 1])[0, 1]) < 0.1


def test_excitatory_tuning_peaks_at_preferred_group():
    t = P.excitatory_tuning(8)
    assert t.argmax() == 4 and t.shape == (8,)
    assert P.excitatory_tuning(8, preferred=2).argmax() == 2


# -------------------------------------------------------------------------- spiking form


def test_spiking_form_converges_to_target_and_cotunes():
    res = P.simulate_spiking(30.0, eta=0.1, seed=1, progress=False)
    assert abs(res.final_rate(0.5) - 5.0) < 0.5
    assert res.cotuning(0.5) >= 0.8
    assert res.rate[:25].mean() > 3 * 5.0  # half a second in, far above the target
    # inhibition became tuned: the preferred group gets the most
    assert res.group_weights()[-1].argmax() == 4


def test_spiking_form_flipped_rule_runs_away():
    res = P.simulate_spiking(10.0, eta=-0.05, seed=1, progress=False)
    assert res.final_rate() > 5 * 5.0
    assert res.w_i[-1].max() == 0.0


def _trace_rule_by_hand(pre_spikes, post_spikes, x_pre, x_post, d, alpha):
    """Step-by-step reference: pre_spikes (n, N) 0/1, post_spikes (n,) 0/1."""
    n, n_inputs = pre_spikes.shape
    x_pre, dw = x_pre.copy(), np.zeros(n_inputs)
    for k in range(n):
        x_pre = d * x_pre + pre_spikes[k]
        x_post = d * x_post + post_spikes[k]
        dw += pre_spikes[k] * (x_post - alpha)
        if post_spikes[k]:
            dw += x_pre
    return dw, x_pre, x_post


def test_trace_rule_matches_step_by_step_reference():
    rng = np.random.default_rng(0)
    n, n_inputs, d, alpha = 300, P.N_I, np.exp(-0.1 / 20.0), 0.2
    pre = (rng.random((n, n_inputs)) < 0.01).astype(float)
    post = (rng.random(n) < 0.02).astype(float)
    x_pre0, x_post0 = rng.random(n_inputs), 0.7
    step, index = np.nonzero(pre)
    got = P.spiking._trace_rule(step, index, np.flatnonzero(post), x_pre0, x_post0, n, d, alpha)
    want = _trace_rule_by_hand(pre, post, x_pre0, x_post0, d, alpha)
    np.testing.assert_allclose(got[0], want[0], atol=1e-12)
    np.testing.assert_allclose(got[1], want[1], atol=1e-12)
    assert got[2] == pytest.approx(want[2])


def test_trace_rule_average_is_the_rate_rule():
    """Independent Poisson pre and post: <dw> per second = 2 tau rho_pre (rho_post - rho0)."""
    rng = np.random.default_rng(1)
    dt, tau, n = 0.1, 20.0, 200_000  # 20 s
    rho_pre, rho_post, rho0 = 20.0, 8.0, 5.0
    d, alpha = np.exp(-dt / tau), 2 * rho0 / 1000 * tau
    pre = rng.random((n, 50)) < rho_pre * dt / 1000
    post = np.flatnonzero(rng.random(n) < rho_post * dt / 1000)
    step, index = np.nonzero(pre)
    dw, _, _ = P.spiking._trace_rule(step, index, post, np.zeros(50), 0.0, n, d, alpha)
    seconds = n * dt / 1000
    per_second = dw.mean() / seconds
    rho_pre, rho_post = step.size / 50 / seconds, post.size / seconds  # realised rates
    expected = 2 * (tau / 1000) * rho_pre * (rho_post - rho0)
    assert per_second == pytest.approx(expected, rel=0.1)
    assert abs(rho_post - 8.0) < 2.0


def test_poisson_events_rates_and_groups():
    rng = np.random.default_rng(0)
    p = np.full((20_000, 4), 1e-3)
    p[:, 2] = 4e-3
    step, group, index = P.spiking._poisson_events(p, 25, rng)
    counts = np.bincount(index, minlength=100)
    assert (index // 25 == group).all() and step.max() < 20_000
    np.testing.assert_allclose(counts[:50].mean(), 20.0, rtol=0.1)  # 20000 * 1e-3
    np.testing.assert_allclose(counts[50:75].mean(), 80.0, rtol=0.1)


def test_lif_constant_conductance_matches_the_analytic_interspike_interval():
    """Constant g: V relaxes to V_inf with tau_eff, so the ISI is known in closed form.

    ISI = t_ref + tau_eff ln((V_inf - V_reset) / (V_inf - V_th)), tau_eff = tau_m / (1 + g_E + g_I).
    """
    p = P.LIFParameters()
    dt, ge, gi = 0.01, 0.6, 0.1  # g / g_leak
    n = int(1000 / dt)  # 1 s
    n_ref = int(round(p.t_ref / dt))
    _, spikes, _, _ = P.spiking._lif(p.v_rest, 0, [ge] * n, [gi] * n, p, dt, n_ref)
    v_inf = (p.v_rest + ge * p.e_e + gi * p.e_i) / (1 + ge + gi)
    tau_eff = p.tau_m / (1 + ge + gi)
    isi = p.t_ref + tau_eff * np.log((v_inf - p.v_reset) / (v_inf - p.v_th))
    measured = np.diff(spikes).mean() * dt
    assert measured == pytest.approx(isi, rel=0.01)
    # below threshold: no spikes, V settles at V_inf
    vs, spikes, v, _ = P.spiking._lif(p.v_rest, 0, [0.1] * n, [0.1] * n, p, dt, n_ref)
    assert spikes == []
    assert v == pytest.approx((p.v_rest + 0.1 * p.e_i) / 1.2, abs=1e-6)


def test_spiking_currents_before_learning_match_mean_conductance():
    """With η = 0 the mean excitatory conductance is tau_E * gbar_E * sum_j w_j r_j."""
    p = P.LIFParameters()
    res = P.simulate_spiking(10.0, eta=0.0, r_sig=0.0, r_bg=10.0, progress=False, seed=2)
    # current_e = g_E (E_E - V); V stays between a little below reset and threshold
    g_e = p.tau_e / 1000 * p.gbar_e * (res.w_e.sum() * 10.0)  # nS
    total = res.current_e.sum(1).mean()  # pA
    assert g_e * (p.e_e - p.v_th) < total < g_e * (p.e_e - p.v_reset + 2)


def test_spiking_is_reproducible_and_fast():
    import time

    t0 = time.perf_counter()
    a = P.simulate_spiking(5.0, progress=False, seed=4)
    elapsed = time.perf_counter() - t0
    b = P.simulate_spiking(5.0, progress=False, seed=4)
    np.testing.assert_array_equal(a.rate, b.rate)
    np.testing.assert_array_equal(a.w_i, b.w_i)
    assert a.rate.shape == (250,) and a.w_i.shape == (250, P.N_I)
    assert a.current_e.shape == a.current_i.shape == a.input_rate.shape == (250, 8)
    assert elapsed < 2.0  # 5 s of a 1000-input neuron at dt = 0.1 ms


# ----------------------------------------------------------------------- errors and plots


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(duration=-1.0), "duration"),
        (dict(rho0=0.0), "rho0"),
        (dict(dt=0.0), "dt"),
        (dict(record_every=0.1), "record_every"),
        (dict(n_groups=7), "equal signal groups"),
        (dict(duration=0.01, record_every=50.0), "at least one recording bin"),
    ],
)
def test_errors_say_what_is_expected(kwargs, match):
    with pytest.raises(ValueError, match=match):
        P.simulate_rate(**{"duration": 1.0, **kwargs})


def test_a_rule_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match=r"shape \(200,\); got shape \(8,\)"):
        P.simulate_rate(1.0, rule=lambda pre, post, rho0, eta: np.zeros(8))


def test_result_helpers_and_plots():
    res = P.simulate_rate(5.0, eta=5e-5)
    with pytest.raises(ValueError, match="last"):
        res.final_rate(0.0)
    e, i = res.group_currents()
    assert e.shape == i.shape == (8,)
    assert res.group_weights().shape == (len(res.t), 8)
    fig = P.plot_summary(res)
    assert len(fig.axes) == 5
    ax = P.plot_currents(res, group=4, window=(1.0, 2.0))
    line = ax.lines[0].get_xdata()
    assert line.min() > 1.0 and line.max() <= 2.0
    with pytest.raises(ValueError, match="group"):
        P.plot_currents(res, group=8)
    ax = P.plot_cotuning(res)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), i)
    assert "r = " in ax.get_title()
    ax = P.plot_rate(res)
    assert ax.lines[-1].get_ydata()[0] == 5.0
