# %% [markdown]
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gatedrnn/gatedrnn/blob/v0.1.0/lectures/05_excitation_inhibition.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gatedrnn/gatedrnn/v0.1.0?urlpath=lab/tree/lectures/05_excitation_inhibition.ipynb)
#
# # Lecture 05 — Excitation and inhibition
#
# Cortex is built from two kinds of neurons: excitatory cells, whose synapses push their targets
# towards firing, and inhibitory cells, whose synapses hold them back. The inhibitory cells are
# few (about one in five) but strong, and they are the brain's gates. This lecture looks at what
# the two signs do to a recurrent network, at how excitation and inhibition balance each other,
# and at a learning rule that builds that balance by itself.
#
# **Objectives.** By the end you can
#
# - write Dale's principle as a sign constraint on the columns of $R$ and build an E/I rate
#   network with `gatedrnn.RateCell(..., dale=0.8)`;
# - read the stability of an E/I network off the eigenvalues of $R$, and say why too much
#   excitation makes one eigenvalue run away;
# - tell global from detailed balance (Hennequin et al. 2017);
# - derive in two lines that Vogels' inhibitory rule $\Delta w = \eta\, x\,(y - \rho_0)$ drives a
#   neuron to its target rate $\rho_0$, and, in a few more, why it makes inhibition co-tuned with
#   excitation;
# - run the rule on a rate neuron and on a spiking neuron, and play with $\eta$ and $\rho_0$;
# - run Vogels et al.'s recurrent network: inhibitory plasticity balances it, hides the memories
#   stored in its excitatory weights, and disinhibition recalls them.
#
# The material follows a lecture on cortical microcircuits and gated RNNs (its part on
# excitatory and inhibitory cells, balance and Vogels' rule) and the papers it cites, Vogels et
# al. (2011) and Hennequin et al. (2017).
#
# **Time:** about 65 minutes, with the three short exercises inside the lecture. The exercise that goes with it is
# `exercises/ex05_inhibitory_plasticity.ipynb`.

# %%
# On Colab only: install the course package, then turn on Colab's widget manager.
import subprocess
import sys

if "google.colab" in sys.modules:
    url = "git+https://github.com/gatedrnn/gatedrnn@v0.1.0"  # this release of the course
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", url], check=True)
import gatedrnn
from gatedrnn import colab

_ = colab.enable_widgets()  # does nothing outside Colab

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch

from gatedrnn import explore, plasticity
from gatedrnn.plasticity import assemblies
from gatedrnn.practice import check

# %% [markdown]
# ## 1. Two kinds of cells
#
# An excitatory (E) neuron releases glutamate: every synapse it makes has a positive weight. An
# inhibitory (I) neuron releases GABA: every synapse it makes has a negative weight. That one
# neuron has one sign on all its outgoing synapses is **Dale's principle** (lecture 02). In a
# rate network $\tau\, \dot r = -r + \varphi(R r + W x + b)$ the outgoing synapses of unit $j$
# are column $j$ of $R$, so Dale's principle says *every column of $R$ has one sign*. The
# library writes it as
#
# $$ R = |R_{\text{raw}}|\, D, \qquad D = \operatorname{diag}(\underbrace{+1, \dots, +1}_{N_E},
#    \underbrace{-1, \dots, -1}_{N_I}), \tag{1} $$
#
# so gradient descent can change $R_{\text{raw}}$ freely while $R$ keeps its signs.
# `RateCell(I, H, dale=0.8)` makes the first 80 % of the units excitatory and the rest
# inhibitory (E:I = 80:20, roughly cortex's ratio).

# %%
from gatedrnn import diagrams

diagrams.ei_pair_diagram()

# %%
torch.manual_seed(0)
cell = gatedrnn.RateCell(1, 100, phi="relu", dale=0.8)
R = cell.recurrent_weight.detach().numpy()  # (H, H), R = |R_raw| D
excitatory = cell.signs.numpy() > 0  # (H,) True for E units
print("excitatory units:", int(excitatory.sum()), "  inhibitory units:", int((~excitatory).sum()))

# %% [markdown]
# ### Your turn 1: find the inhibitory cells
#
# Forget `cell.signs` for a moment: you have only the weight matrix `R` (a NumPy array, column
# $j$ = the outgoing synapses of unit $j$). Build a boolean array `inhibitory` with one entry per
# unit, True for the inhibitory ones.

# %%
# Your turn: replace the ... with your answer, then run the cell.
inhibitory = ...

check("the inhibitory units", inhibitory, expected=cell.signs.numpy() < 0)

# %% [markdown]
# <details><summary>Hint</summary>
#
# Dale's principle: every synapse an inhibitory unit makes is $\le 0$, so its whole column is.
# `(R <= 0).all(axis=0)` asks that of every column.
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# inhibitory = (R <= 0).all(axis=0) & (R < 0).any(axis=0)
# ```
# A column of non-positive weights with at least one negative one. (`(R <= 0).all(axis=0)`
# alone would also do here: no excitatory column is all zeros.) The last 20 units are
# inhibitory: `RateCell(..., dale=0.8)` puts them at the end.
# </details>

# %% [markdown]
# ### When does an E/I network stay calm?
#
# Take $\varphi$ = ReLU and a state where every unit is active, so $\varphi$ has slope 1. A small
# deviation $\delta r$ from a steady state then obeys the linear equation
#
# $$ \tau \frac{d\, \delta r}{dt} = (R - \mathrm{Id})\, \delta r , \tag{2} $$
#
# with $\mathrm{Id}$ the identity matrix. The deviation decays when every eigenvalue $\lambda$
# of $R$ has $\operatorname{Re}\lambda < 1$ and grows without bound (the ReLU never saturates)
# as soon as one crosses 1.
#
# Dale's principle gives $R$ a special eigenvalue. Write $R = \bar R + \Delta$, where every row of
# $\bar R$ is the row vector of column means $\mu_j$ (positive for E columns, negative for I
# columns), and $\Delta$ is zero-mean noise. With $\mathbf 1 = (1, \dots, 1)^\top$ the vector of
# all ones, $\bar R = \mathbf 1\, \mu^\top$ has rank one, and its only non-zero eigenvalue
# (eigenvector $\mathbf 1$, all units together) is
#
# $$ \lambda_{\text{out}} \approx \sum_j \mu_j = N_E\, \bar w_E - N_I\, \bar w_I , \tag{3} $$
#
# the mean excitatory weight times the number of E cells minus the same for I. The noise
# $\Delta$ spreads the other eigenvalues in a disc around 0. `explore.ei_network` builds such a
# network with the E columns scaled by $g_E$ and the I columns by $g_I$ and runs it from rest
# with a constant input. Balanced weights first, then excitation that wins:

# %%
balanced = explore.ei_network(dale=0.8, g_e=0.5, g_i=0.5)
fig = explore.plot_ei_network(balanced)
fig.suptitle("balanced: g_E = g_I = 0.5")
plt.show()

# %%
runaway = explore.ei_network(dale=0.8, g_e=1.0, g_i=0.2)
fig = explore.plot_ei_network(runaway)
fig.suptitle("excitation wins: g_E = 1.0, g_I = 0.2")
plt.show()

# %% [markdown]
# ### Your turn 2: predict the runaway eigenvalue
#
# `runaway.R` is the weight matrix of the second network (a NumPy array). Predict its outlier
# eigenvalue with eq. (3), from the column means alone — no eigenvalue solver. The check
# compares with the largest real part of its eigenvalues (`runaway.eigvals`), within 5 %.

# %%
# Your turn: replace the ... with your answer, then run the cell.
lambda_out = ...

check("outlier eigenvalue", lambda_out, expected=runaway.eigvals.real.max(), rtol=0.05)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `R.mean(axis=0)` gives the column means $\mu_j$; eq. (3) adds them up.
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# lambda_out = runaway.R.mean(axis=0).sum()  # about 5.1
# ```
# Far above 1: the mode in which all units rise together grows, and with a ReLU nothing stops
# it. The other eigenvalues stay in the disc around 0; the noise $\Delta$ moves the outlier
# only a little.
# </details>

# %% [markdown]
# The lone eigenvalue far to the right is eq. (3), and with it the activity runs away. Everything
# else stays in the disc: it is the
# *mean* excitation, the part every unit shares, that runs away. Its eigenvector is $\mathbf 1$,
# all units together, which is why the E and I means rise on top of each other. Inhibition is
# what pulls $\lambda_{\text{out}}$ back below 1.
#
# **Think!** With $g_E = g_I$ the column means nearly cancel. Why, given that only 20 of the 100
# columns are inhibitory?
#
# <details><summary>Answer</summary>
#
# `RateCell` starts the inhibitory magnitudes $N_E / N_I = 4$ times larger than the excitatory
# ones, so $N_E \bar w_E \approx N_I \bar w_I$: 80 weak excitatory columns against 20 strong
# inhibitory ones. Fewer but stronger is also what cortex does.
#
# </details>
#
# **Think!** Set φ to `tanh` in the explorer below with too much excitation. The eigenvalue is
# still there; why does the activity no longer explode?
#
# <details><summary>Answer</summary>
#
# Eq. (2) holds only where φ has slope 1. Tanh saturates at 1, so as the rates grow its slope
# falls towards 0 and the effective Jacobian $\varphi'\, R$ shrinks until the network settles at
# a high, saturated state. The ReLU has no ceiling, so only inhibition can stop it.
#
# </details>
#
# Move the sliders: the E fraction, the two weight scales and the input. The explorer starts
# just below the edge ($g_E = 0.6$, $\lambda_{\text{out}} \approx 0.93$): nudge $g_E$ up or
# $g_I$ down and watch the outlier cross the dashed line.

# %%
explore.ei_explorer(g_e=0.6, g_i=0.5)

# %% [markdown]
# ## 2. Balance
#
# Recordings in cortex show that a neuron's excitatory and inhibitory input currents are both
# large and nearly cancel: the neuron fires on the small difference. The review of Hennequin,
# Agnes and Vogels (2017) sorts the ways in which the two can match. Call $I_{E,g}(t)$ and
# $I_{I,g}(t)$ the excitatory and inhibitory current a neuron receives through input pathway
# $g$ (a stimulus feature, a group of presynaptic cells).
#
# $$ \text{global balance:}\quad \sum_g \langle I_{E,g} \rangle \approx \sum_g \langle I_{I,g}
#    \rangle , \qquad
#    \text{detailed balance:}\quad \langle I_{E,g} \rangle \approx \langle I_{I,g} \rangle
#    \ \text{ for every } g . \tag{4} $$
#
# Global balance only needs enough inhibition in total; the network of section 1 gets it from
# its weight statistics. Detailed balance needs inhibition *tuned like excitation*: each pathway
# brings its own inhibition with it. A second axis is time: *loose* balance matches the
# averages, *tight* balance matches the currents moment by moment, so that every excitatory
# fluctuation is shadowed by an inhibitory one a few milliseconds later.
#
# Detailed balance is a tall order: an inhibitory synapse would have to know which signal it
# carries and how strongly that signal excites the neuron. Vogels and colleagues (2011) showed
# that a simple local rule learns exactly that.
#
# ## 3. Vogels' inhibitory plasticity
#
# One neuron receives $N_E = 800$ excitatory and $N_I = 200$ inhibitory inputs, split into 8
# signal groups of 100 E and 25 I inputs. All inputs of group $g$ fire at the same slowly
# varying rate $x_g(t)$, so a group's E and I inputs carry the same signal. The excitatory weights
# are tuned (strong for group 4, weak for the others) and fixed; the inhibitory weights start
# flat and weak. In the rate form the neuron is rectified-linear,
#
# $$ y = \big[ I_E - I_I \big]_+ , \qquad I_E = \frac{1}{N_E} \sum_j w^E_j x_j , \qquad
#    I_I = \frac{1}{N_I} \sum_j w^I_j x_j , \tag{5} $$
#
# and every inhibitory weight learns with **Vogels' rule**
#
# $$ \Delta w^I_j = \eta\; x_j\, (y - \rho_0) , \tag{6} $$
#
# with $x_j$ the presynaptic rate, $y$ the postsynaptic rate and $\rho_0$ a target rate. It is
# Hebbian (pre and post active together strengthen the synapse) with a threshold: below the
# target the synapse weakens.
#
# **The fixed point, in two lines.** Learning stops when $\Delta w^I_j = 0$:
#
# $$ 0 = \eta\, x_j\, (y - \rho_0) \quad\Longrightarrow\quad y = \rho_0 \tag{7} $$
#
# for any active input ($x_j > 0$). And it is stable: if $y > \rho_0$ every active inhibitory
# synapse grows, $I_I$ grows and $y$ falls; if $y < \rho_0$ they shrink and $y$ rises. The rule is
# a homeostat for the output rate. Run it for a minute of simulated time:

# %%
res = plasticity.simulate_rate(60.0)  # 60 s; eta = 2e-5, rho0 = 5 Hz
print(f"target rho0 = {res.rho0:g} Hz;  output rate over the last 12 s = {res.final_rate():.1f} Hz")
print(f"correlation of E and I currents across the 8 groups: {res.cotuning():.2f}")
fig = plasticity.plot_summary(res)
plt.show()

# %% [markdown]
# Read the panels:
#
# - **output rate**: 15 Hz at the start, then within a few seconds the target (dashed).
# - **inhibitory weights per group**: all start at 0.1; the weights of the groups near the
#   preferred group 4 grow most, those of the flanks settle low.
# - **E/I co-tuning**: the mean E and I current per group. Inhibition starts flat (pale dashed)
#   and ends with the same bump as excitation: *detailed* balance, learned.
# - **currents**: at the start the net current (black) follows excitation; after learning every
#   excitatory swing comes with an inhibitory one and the net current stays small and steady.
#
# ## 4. Why the rule co-tunes inhibition
#
# Eq. (7) fixes the *total* rate. Why should each group's inhibition end up matching its own
# excitation? Write the neuron per group. With $e_g = \frac{1}{N_E}\sum_{j \in g} w^E_j$ and
# $i_g = \frac{1}{N_I}\sum_{j \in g} w^I_j$ the group sums of the weights, eq. (5) is
# $y = \sum_g x_g\, d_g$ with the **net drive** $d_g = e_g - i_g$ (while $y > 0$). Learning stops
# on average when every group's synapses stop drifting, $\langle x_g (y - \rho_0) \rangle = 0$.
# The group rates are independent with mean $\mu$ and variance $\sigma^2$, so
# $\langle x_g y \rangle = \mu^2 \sum_h d_h + \sigma^2 d_g$, and the condition reads
#
# $$ \mu^2 \sum_h d_h + \sigma^2 d_g = \mu \rho_0 \quad \text{for every } g . \tag{8} $$
#
# Only $d_g$ depends on $g$, so **every group has the same net drive** $d_g = d^\ast$; putting
# that back into eq. (8),
#
# $$ d^\ast = \frac{\mu\, \rho_0}{\sigma^2 + G \mu^2}, \qquad i_g = e_g - d^\ast, \qquad
#    \langle y \rangle = G \mu\, d^\ast = \frac{G\mu^2}{G\mu^2 + \sigma^2}\, \rho_0 . \tag{9} $$
#
# The inhibitory tuning curve is the excitatory one shifted down by a constant: co-tuning. And
# the rate lands a little *below* $\rho_0$: each group drives the output, so its inputs are most
# active exactly when $y$ is high; the rule weighs $y$ by $x_g$, sees the output at its busiest,
# and settles where the plain average $\langle y \rangle$ is slightly under target.
#
# Each group's rate is $x_g = 10 + 10\,[s_g]_+$ Hz with $s_g$ a unit Gaussian process, so
# $\mu = 10 + 10/\sqrt{2\pi}$ and $\sigma^2 = 100\,(\tfrac12 - \tfrac1{2\pi})$. Check eq. (9)
# against the simulation:

# %%
G = plasticity.N_GROUPS
mu = 10 + 10 / np.sqrt(2 * np.pi)  # Hz, mean group rate
var = 100 * (0.5 - 1 / (2 * np.pi))  # Hz², its variance
d_star = mu * res.rho0 / (var + G * mu**2)  # eq. (9)

e_g = np.bincount(res.group_e, weights=res.w_e, minlength=G) / plasticity.N_E  # (G,)
w_i_late = res.w_i[-len(res.t) // 5 :].mean(axis=0)  # (N_I,) mean over the last 20 %
i_g = np.bincount(res.group_i, weights=w_i_late, minlength=G) / plasticity.N_I  # (G,)

print(f"net drive d* : predicted {d_star:.3f}, learned (mean over groups) {np.mean(e_g - i_g):.3f}")
print(f"output rate  : predicted {G * mu * d_star:.2f} Hz, simulated {res.final_rate():.2f} Hz")

fig, ax = plt.subplots(figsize=(6, 3.4), layout="constrained")
groups = np.arange(G)
ax.plot(groups, e_g, "o-", color="tab:red", label="excitatory $e_g$ (fixed)")
ax.plot(groups, i_g, "s-", color="tab:blue", label="inhibitory $i_g$ (learned)")
ax.plot(groups, e_g - d_star, "k--", lw=1, label=r"prediction $e_g - d^\ast$, eq. (9)")
ax.set(
    xlabel="signal group g",
    ylabel="summed weight",
    xticks=groups,
    title="learned inhibition = excitation shifted down",
)
ax.legend(fontsize="small")
plt.show()

# %% [markdown]
# Eq. (9) also says when co-tuning must fail: if $\rho_0$ asks for a net drive larger than a
# group's excitation, $e_g - d^\ast < 0$, that group's inhibitory weights hit zero and stay
# there. Sweep the target:

# %%
targets = np.arange(2.0, 21.0, 2.0)  # Hz
runs = [plasticity.simulate_rate(20.0, rho0=rho0) for rho0 in targets]
kappa = G * mu**2 / (G * mu**2 + var)  # eq. (9): <y> = kappa * rho0
rho0_limit = e_g.min() * (var + G * mu**2) / mu  # where d* reaches the weakest group's e_g

fig, (ax_rate, ax_tune) = plt.subplots(1, 2, figsize=(10, 3.4), layout="constrained")
ratios = [r.final_rate() / r.rho0 for r in runs]
ax_rate.plot(targets, ratios, "o", color="k", label="simulated")
ax_rate.axhline(1.0, color="tab:green", ls="--", label=r"$y = \rho_0$, eq. (7)")
ax_rate.axhline(kappa, color="0.5", lw=1, label=r"$y = \kappa\, \rho_0$, eq. (9)")
ax_rate.set(
    xlabel=r"target $\rho_0$ (Hz)",
    ylabel=r"final output rate / $\rho_0$",
    title="homeostasis",
    ylim=(0.85, 1.02),
)
ax_tune.plot(targets, [r.cotuning() for r in runs], "o-", color="tab:purple", label="simulated")
ax_tune.set(
    xlabel=r"target $\rho_0$ (Hz)",
    ylabel="E/I correlation across groups",
    title="co-tuning",
    ylim=(0.5, 1.02),
)
for ax in (ax_rate, ax_tune):
    ax.axvline(rho0_limit, color="0.6", ls=":", label=r"$d^\ast = \min_g e_g$")
    ax.legend(fontsize="small", loc="lower left")
plt.show()
print(f"kappa = {kappa:.3f}")
print(f"the weakest group runs out of inhibition at rho0 = {rho0_limit:.0f} Hz")

# %% [markdown]
# Up to about 10 Hz the rate sits on $\kappa \rho_0$ and the correlation stays near 1. Past the
# dotted line the weakest group has no inhibition left to remove: its inhibitory weights are
# pinned at zero. As $\rho_0$ grows more flank groups join it, the rate falls short of
# $\kappa \rho_0$ and co-tuning breaks down.
#
# **Think!** The rule needs no teacher and no knowledge of which group an input belongs to. What
# information does synapse $j$ use, and where does it live?
#
# <details><summary>Answer</summary>
#
# Only its own presynaptic rate $x_j$ and the postsynaptic rate $y$ — both available at the
# synapse — and one constant $\rho_0$ for the whole neuron. Group identity enters through
# correlations: an inhibitory input that fires together with strong excitation sees a high $y$
# when it is active and grows; one that fires with weak excitation does not.
#
# </details>
#
# **Think!** Flip the sign of $\eta$ (anti-Hebbian inhibition). What happens, and why?
#
# <details><summary>Answer</summary>
#
# The fixed point $y = \rho_0$ is still a solution of eq. (7), but it becomes unstable: a rate
# above target now *weakens* inhibition, which raises the rate further (and a rate below target
# would strengthen it until the neuron fell silent). Our neuron starts above target, so its
# inhibitory weights shrink to zero and it fires at about 19 Hz, as fast as excitation alone
# drives it. Tick "flip" in the explorer below.
#
# </details>
#
# ## 5. The spiking neuron
#
# Vogels et al. used a conductance-based integrate-and-fire neuron with Poisson inputs. Spikes
# have no rate $x_j$ or $y$, so the rule uses *traces* that jump by 1 at each spike and decay with
# $\tau_{\text{STDP}} = 20$ ms: $x_j$ for each inhibitory input and $x_{\text{post}}$ for the
# neuron. Then
#
# $$ \text{presynaptic spike of } j:\ w_j \mathrel{+}= \eta\, (x_{\text{post}} - \alpha), \qquad
#    \text{postsynaptic spike:}\ w_j \mathrel{+}= \eta\, x_j, \qquad
#    \alpha = 2 \rho_0 \tau_{\text{STDP}} . \tag{10} $$
#
# **Think!** Show that eq. (10) is eq. (6) on average, for independent Poisson spikes with rates
# $\rho_j$ (input) and $\rho_{\text{post}}$ (output).
#
# <details><summary>Answer</summary>
#
# A trace driven by Poisson spikes at rate $\rho$ has mean $\rho\,\tau_{\text{STDP}}$.
# Presynaptic spikes arrive at rate $\rho_j$ and each adds
# $\eta(\rho_{\text{post}}\tau_{\text{STDP}} - \alpha)$ on average; postsynaptic spikes arrive at
# rate $\rho_{\text{post}}$ and each adds $\eta\,\rho_j \tau_{\text{STDP}}$. In total
#
# $$ \frac{dw_j}{dt} = \eta \rho_j (\rho_{\text{post}} \tau_{\text{STDP}} - 2\rho_0
#    \tau_{\text{STDP}}) + \eta \rho_{\text{post}} \rho_j \tau_{\text{STDP}}
#    = 2 \eta \tau_{\text{STDP}}\; \rho_j\, (\rho_{\text{post}} - \rho_0): $$
#
# eq. (6) with rates, and the factor 2 in $\alpha$ is exactly what puts the fixed point at
# $\rho_0$.
#
# </details>

# %%
spiking = plasticity.simulate_spiking(60.0, progress=False)  # 60 s, eta = 0.05, rho0 = 5 Hz
print(f"target rho0 = {spiking.rho0:g} Hz;  output rate over the last 12 s = {spiking.final_rate():.0f} Hz")
print(f"correlation of E and I currents across the 8 groups: {spiking.cotuning():.1f}")
fig = plasticity.plot_summary(spiking)
plt.show()

# %% [markdown]
# The same story with spikes: a burst at the start (the neuron fires at 20 Hz and more), then the
# target rate, co-tuned inhibition, and currents in pA that cancel moment by moment. The rate is
# noisier — it is counted from a few spikes per bin — and the weights wander more, because every
# spike pair moves them.
#
# ## 6. Explore
#
# The explorer runs the rate neuron for 30 s at your settings. It starts at $\rho_0 = 16$ Hz,
# past the limit of section 4: look at the flank groups in the co-tuning panel. Then try
#
# - $\rho_0$ back to 5 Hz, then $\eta$ ten times larger: faster homeostasis, noisier weights;
#   ten times smaller: slower, smoother learning;
# - tick *flip* for the anti-Hebbian rule.

# %%
explore.plasticity_explorer(rho0=16.0)

# %% [markdown]
# ## 7. A recurrent network: balance, hidden memories and their recall
#
# So far the inputs were given and only one neuron learned. Vogels et al. (2011) also put the
# rule into a recurrent network of 8 000 excitatory and 2 000 inhibitory spiking neurons, where
# every inhibitory synapse onto an excitatory cell learns with eq. (6). Three things happen, and
# a rate network of 400 E and 100 I units, sparsely connected (each pair with probability
# 0.2), shows all three in a few seconds of computing (`plasticity.assemblies`):
#
# $$ \tau_E \dot r_E = -r_E + [W_{EE} r_E - W_{EI} r_I + h_E + \xi_E]_+ , \qquad
#    \tau_I \dot r_I = -r_I + [W_{IE} r_E - W_{II} r_I + h_I + \xi_I]_+ , $$
#
# with constant drives $h$, a little noise $\xi$, $\tau_E = 20$ ms, $\tau_I = 10$ ms, and only
# $W_{EI}$ plastic, $\Delta (W_{EI})_{jk} = \eta\, r_{I,k} (r_{E,j} - \rho_0)$ with
# $\rho_0 = 3$ Hz.
#
# 1. **Balance** (0–5 s). Inhibition starts weak and the network fires fast; the rule raises the
#    inhibition onto every excitatory unit until each fires at $\rho_0$: the network
#    balances itself.
# 2. **Imprint** (at 5 s). Two groups of 40 excitatory units, the *assemblies*, get strong
#    excitatory weights among themselves — a memory, as Hebbian learning would store it. They
#    light up at once. The rule then adds inhibition onto exactly their units until they are back
#    at $\rho_0$: the memory is still in $W_{EE}$, but nothing in the activity shows it. It is
#    **hidden**.
# 3. **Recall** (from 12 s, plasticity off). For one second at a time, the inhibitory weights
#    onto one group are scaled down by 30 %: **disinhibition**, as VIP interneurons do in cortex
#    (lecture 06). Assembly 1, then assembly 2, then a control group of 40 units in no assembly.

# %%
network = assemblies.simulate_assemblies()  # about 19 s of network time
fig = assemblies.plot_assemblies(network)
fig.suptitle("Vogels et al. (2011)'s memory network, as a rate model", fontsize="medium")
plt.show()

# %% [markdown]
# Read the three panels from the top: every excitatory unit's rate (one row each; the two
# assemblies and the control group at the bottom), the groups' mean rates, and the summed
# inhibitory weight onto a unit of each group. The same 30 % release of inhibition lights up an
# assembly and barely moves the control group: inside an assembly each unit's extra activity
# excites the others, and that recurrent loop amplifies the release. The other assembly is
# pushed *below* $\rho_0$ meanwhile: the active assembly drives the inhibitory cells, which
# inhibit everyone else. The memory was there all along, in the weights, invisible until the
# gate opened.
#
# ### Your turn 3: how much does an assembly amplify?
#
# From `network`, measure how many Hz assembly 1 gains while it is disinhibited, over its mean
# rate in the second before, and the same for the control group; then their ratio. The
# recall windows are in `network.events` (`(start, stop)` in s), and
# `network.mean_rate(name, start, stop)` gives a group's mean rate between two times.

# %%
# Your turn: replace the ... with your answer, then run the cell.
start, stop = network.events["recall assembly 1"]
gain_assembly = ...  # Hz
start, stop = network.events["recall control"]
gain_control = ...  # Hz
amplification = ...  # gain_assembly / gain_control

check("gain of assembly 1 (Hz)", gain_assembly, expected=network.recall_gain("assembly 1"))
check("gain of the control group (Hz)", gain_control, expected=network.recall_gain("control"))
check(
    "amplification",
    amplification,
    expected=network.recall_gain("assembly 1") / network.recall_gain("control"),
)

# %% [markdown]
# <details><summary>Hint</summary>
#
# The rate during the recall is `network.mean_rate(name, start, stop)`; the second before is
# `network.mean_rate(name, start - 1, start)`. Mind that `start, stop` are overwritten between
# the two groups.
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# start, stop = network.events["recall assembly 1"]
# gain_assembly = network.mean_rate("assembly 1", start, stop) - network.mean_rate("assembly 1", start - 1, start)
# start, stop = network.events["recall control"]
# gain_control = network.mean_rate("control", start, stop) - network.mean_rate("control", start - 1, start)
# amplification = gain_assembly / gain_control
# ```
# About five. For a linear network the amplification of a group whose units excite each other
# with total weight $g$ is $1/(1 - g)$: the assemblies were imprinted with $g = 0.8$, so
# $1/(1 - 0.8) = 5$, against about $1/(1 - 0.04)$ for the control group, whose units get only
# their share of the weak background excitation from each other.
# </details>
#
# **Think!** Why does the network not recall the assemblies on its own, from noise, once they are
# hidden?
#
# <details><summary>Answer</summary>
#
# Because the loop gain inside an assembly, 0.8, is below 1: a fluctuation is amplified about
# five-fold but then decays, so the assembly never ignites by itself, and the extra inhibition
# the rule gave it holds its mean at $\rho_0$. In Vogels et al.'s spiking network a brief cue
# to part of an assembly was enough to bring back all of it (pattern completion); there too the
# balanced inhibition is what keeps a memory quiet until such a cue, or a release of
# inhibition, arrives.
# </details>

# %% [markdown]
# ## 8. Inhibition as a gate
#
# An inhibitory input does not multiply the neuron's response; it *subtracts* from the current
# that drives it, eq. (5). A pathway whose excitation is matched by its own inhibition is
# closed: its signal cancels. Remove that inhibition — for example by inhibiting the inhibitory
# cells, which cortex does with dedicated interneuron types — and the pathway opens. This is
# gating by subtraction, and it is the idea behind the subtractive-gated LSTM (subLSTM) of
# Costa et al. (2017), where the input and output gates are subtracted rather than multiplied:
# lecture 06.
#
# ## Summary
#
# - Dale's principle fixes the sign of each column of $R$, eq. (1). Mean excitation adds one
#   outlier eigenvalue $N_E \bar w_E - N_I \bar w_I$, eq. (3); inhibition keeps it below 1.
# - Balance can be global (totals match) or detailed (each pathway matches), loose or tight in
#   time (Hennequin et al. 2017).
# - Vogels' rule $\Delta w = \eta\,x\,(y - \rho_0)$ holds the output rate at $\rho_0$, eq. (7),
#   and — because each group must stop drifting on its own — leaves every group with the same
#   net drive, so inhibition copies the tuning of excitation, eq. (9).
# - The trace-based spiking rule, eq. (10), is the same rule on average.
# - In a recurrent network the same rule balances every excitatory unit, hides memories
#   stored in excitatory assemblies behind matched inhibition, and disinhibition recalls them:
#   a memory's recurrent excitation amplifies the release about $1/(1 - g)$-fold.
#
# **Exercise:** `exercises/ex05_inhibitory_plasticity.ipynb` — implement Vogels' rule yourself;
# the checks test that the output rate converges to $\rho_0$ and that E and I end co-tuned.
#
# ## References and further reading
#
# - A lecture on cortical microcircuits and gated RNNs from a course on neural information
#   processing (2018/19): its first part, on E and I cells, balance and Vogels' rule, is the
#   outline of this lecture.
# - T. P. Vogels, H. Sprekeler, F. Zenke, C. Clopath & W. Gerstner (2011), *Inhibitory
#   plasticity balances excitation and inhibition in sensory pathways and memory networks*,
#   Science 334, 1569–1573. [doi:10.1126/science.1211095](https://doi.org/10.1126/science.1211095)
#   — the rule, its spiking form, co-tuning, and the memory network of section 7.
# - G. Hennequin, E. J. Agnes & T. P. Vogels (2017), *Inhibitory plasticity: balance, control,
#   and codependence*, Annual Review of Neuroscience 40, 557–579.
#   [doi:10.1146/annurev-neuro-072116-031005](https://doi.org/10.1146/annurev-neuro-072116-031005)
#   — global and detailed, loose and tight balance, and the rules that build them.
# - G. Hennequin, Y. Ahmadian, D. B. Rubin, M. Lengyel & K. D. Miller (2018), *The dynamical
#   regime of sensory cortex: stable dynamics around a single stimulus-tuned attractor account for
#   patterns of noise variability*, Neuron 98, 846–860.
#   [doi:10.1016/j.neuron.2018.04.017](https://doi.org/10.1016/j.neuron.2018.04.017) — an E/I
#   network with supralinear units, inhibition-stabilised, fitted to cortical variability.
# - C. van Vreeswijk & H. Sompolinsky (1996), *Chaos in neuronal networks with balanced
#   excitatory and inhibitory activity*, Science 274, 1724–1726.
#   [doi:10.1126/science.274.5293.1724](https://doi.org/10.1126/science.274.5293.1724) — why
#   strong excitation and inhibition that cancel give irregular, asynchronous firing.
# - K. Rajan & L. F. Abbott (2006), *Eigenvalue spectra of random matrices for neural networks*,
#   Physical Review Letters 97, 188104.
#   [doi:10.1103/PhysRevLett.97.188104](https://doi.org/10.1103/PhysRevLett.97.188104) — the
#   disc and the outlier of section 1, with Dale's principle.
# - R. Costa, Y. Assael, B. Shillingford, N. de Freitas & T. P. Vogels (2017), *Cortical
#   microcircuits as gated-recurrent neural networks*, NeurIPS 30.
#   [arXiv:1711.02448](https://arxiv.org/abs/1711.02448) — where subtractive inhibition becomes
#   a gate (lecture 06).
# - W. Gerstner, W. M. Kistler, R. Naud & L. Paninski (2014), *Neuronal Dynamics*, Cambridge
#   University Press, part III and chapter 19.
#   [neuronaldynamics.epfl.ch](https://neuronaldynamics.epfl.ch/online/) — populations,
#   balanced networks and synaptic plasticity in textbook form.
