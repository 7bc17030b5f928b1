# %% [markdown]
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gatedrnn/gatedrnn/blob/v0.1.0/lectures/02_rate_networks.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gatedrnn/gatedrnn/v0.1.0?urlpath=lab/tree/lectures/02_rate_networks.ipynb)
#
# # Lecture 02 — Rate networks
#
# Neuroscience describes a population of neurons by their **firing rates**, which relax
# towards a nonlinear function of their input with a membrane time constant $\tau$. Put such
# units in a loop and step time forward by Euler's method, and you get a recurrent neural
# network. This lecture builds that bridge; lectures 03 and 04 then turn the constant time
# constants into learned, input-dependent **gates**. The derivations of all three follow Yashar
# Ahmadian's notes on LSTMs, GRUs and rate networks (2018); their equation numbers are kept.
#
# **Objectives.** By the end you can
#
# - write the rate equation and read each of its terms, and translate the notes' notation
#   ($W r + P x$) into the course's ($R r + W x$);
# - discretise it with Euler's method, explain $z = \Delta t / \tau$, and show that the error
#   is first order in $\Delta t$;
# - move between the rate form and the voltage form, and say when they are the same network;
# - impose Dale's principle on the recurrent weights and read the spectrum that results;
# - explain what a supralinear (SSN) network does that a saturating one does not.
#
# **Time:** about 85 minutes, with the two short exercises. Exercise `ex02_rate_networks`
# goes with it.

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

from gatedrnn import derive
from gatedrnn.practice import check  # the self-check of the "Your turn" exercises

torch.set_num_threads(1)  # the networks here are tiny: one CPU thread is the fastest

# %% [markdown]
# ## 1. The rate equation
#
# A network of $H$ units has firing rates $r(t) \in \mathbb{R}^H$. Each unit relaxes, with its
# own time constant $\tau_i$, towards a nonlinear function $\varphi$ of its total input:
#
# $$ \tau \odot \frac{dr}{dt} = -r + \varphi(R\, r + I), \qquad I(t) = W x(t) + b. \tag{1} $$
#
# $\odot$ multiplies entry by entry. $R$ ($H \times H$) holds the recurrent synaptic weights:
# $R_{ij}$ is the synapse **from** unit $j$ **to** unit $i$. The external input $I(t)$ comes
# from the input channels $x(t)$ through the feedforward weights $W$ plus a constant bias $b$.
# (The letter $I$ does double duty: the input current $I(t)$ in equations, the number of
# input channels in shapes such as `(H, I)`.) Switch off the input and the recurrent weights
# ($I = 0$, $R = 0$) and take a $\varphi$ with $\varphi(0) = 0$, such as $\tanh$: eq. (1) becomes
# $\tau\,dr/dt = -r$, and every rate decays to zero with time constant $\tau$, like the
# voltage of a leaky membrane.
#
# **One notation for the whole course.** Ahmadian's notes, which this lecture follows, write
# eq. (1) as $\tau \odot \dot r = -r + \varphi(W r + P x + b)$. This course keeps the
# letters of the machine-learning papers (Greff et al., Costa et al.): **$W$ is always the
# input weight and $R$ the recurrent one**, in every cell from here to lecture 07.
#
# | notes | this course | `gatedrnn.RateCell` | shape |
# |---|---|---|---|
# | $P$, feedforward ($N \times M$) | $W$, input weights | `cell.weight_ih` | `(H, I)` |
# | $W$, recurrent ($N \times N$) | $R$, recurrent weights | `cell.recurrent_weight` (from `weight_hh`) | `(H, H)` |
# | $b$ | $b$ | `cell.bias` | `(H,)` |
# | $N$ neurons, $M$ inputs | $H$ hidden units, $I$ inputs | `hidden_size`, `input_size` | |
# | $z_i = \Delta t / \tau_i$ | $z$ | `cell.z` | `(H,)` |

# %%
torch.manual_seed(0)
cell = gatedrnn.RateCell(3, 50, tau=10.0, dt=1.0, phi="tanh")  # I = 3 inputs, H = 50 units
print(cell)
print("W  = weight_ih       ", tuple(cell.weight_ih.shape), " (the notes' P)")
print("R  = recurrent_weight", tuple(cell.recurrent_weight.shape), " (the notes' W)")
print("b  = bias            ", tuple(cell.bias.shape))
print("z  = dt / tau        ", tuple(cell.z.shape), f" every entry {cell.z[0].item():.3g}")

# %% [markdown]
# ## 2. Euler's method and $z = \Delta t / \tau$
#
# A computer cannot follow $r(t)$ continuously. Euler's method samples time every $\Delta t$,
# writes $r_t = r(t\,\Delta t)$, and replaces the derivative by a difference quotient:
#
# $$ \tau \odot \frac{r_t - r_{t-1}}{\Delta t} = -r_{t-1} + \varphi(R\, r_{t-1} + W x_t + b). $$
#
# Solving for $r_t$ gives the update every rate network in this course uses:
#
# $$ r_t = (1 - z) \odot r_{t-1} + z \odot \varphi(R\, r_{t-1} + W x_t + b), \tag{2} $$
# $$ z = \frac{\Delta t}{\tau}. \tag{3} $$
#
# Each step moves every rate a fraction $z$ of the way from where it is to where its input
# pulls it. The input is read at $x_t$, one step later than the textbook $x_{t-1}$: a
# one-step shift of the input that machine learning prefers and that changes nothing for a
# constant input. `RateCell` computes eq. (2), one line of code per term.
#
# The diagram draws eq. (2) as a circuit: the candidate $\varphi(\cdot)$ enters the unit
# through a gate of fixed value $z$, the old rate leaks through $1 - z$. Lectures 03 and 04
# draw the LSTM and the GRU with the same parts, and there $z$ becomes a gate that moves.

# %%
from gatedrnn import diagrams

diagrams.rate_unit_diagram()

# %% [markdown]
# How good is the approximation? For one unit with $\tau = 10$ ms, $\varphi = \tanh$, a
# self-connection $w = 0.5$ and a constant input $I = 1$, `derive.rate_trajectories` solves
# eq. (1) to high accuracy and also takes the Euler steps of eq. (2):

# %%
fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), sharey=True, layout="constrained")
for ax, dt in zip(axes, (1.0, 5.0, 15.0)):
    traj = derive.rate_trajectories(tau=10.0, dt=dt, phi="tanh", w=0.5, I=1.0, t_end=60.0)
    derive.plot_rate_trajectories(traj, ax)
    ax.set_title(f"Δt = {dt:g} ms, z = {dt / 10:g}: max error {traj.error:.3f}", fontsize="medium")
    ax.legend(frameon=False, loc="lower right")
plt.show()

# %% [markdown]
# With $z = 0.1$ the steps sit on the true curve. With $z = 0.5$ they run ahead of it: each
# step uses the slope at its start, which is steeper than the average slope over the step.
# With $z = 1.5$ they overshoot and oscillate around the fixed point.
#
# **Think!** What does the unit remember of its past when $z = 1$? And what goes wrong when
# $z > 1$?
#
# <details><summary>Answer</summary>
#
# With $z = 1$, eq. (2) becomes $r_t = \varphi(R\, r_{t-1} + W x_t + b)$: the unit forgets its
# own previous value entirely and keeps only what the recurrent weights carry. That is the
# plain ("vanilla") RNN of machine learning, as the next cell shows. With $z > 1$ the factor
# $1 - z$ is negative, so each step jumps past the target; for $z > 2$ even the simple decay
# $r_t = (1 - z) r_{t-1}$ grows without bound, since $|1 - z| > 1$. `RateCell` therefore
# refuses $z > 1$.
#
# </details>

# %% [markdown]
# ### Your turn 1: $z$, and the steps it takes to forget
#
# A unit with $\tau = 20$ ms is stepped with $\Delta t = 3$ ms, with no input and no recurrent
# weights, so eq. (2) is just $r_t = (1 - z)\, r_{t-1}$. Work out, by hand or with `np.log`:
#
# 1. its $z$;
# 2. the number of steps after which $r_t$ has first fallen below $r_0/e$ (the continuous
#    unit gets there at $t = \tau$, after $\tau/\Delta t \approx 6.7$ steps).
#
# The check builds that unit as a `RateCell` and runs it.

# %%
z_unit = ...  # z = dt / tau
steps_to_forget = ...  # an integer

unit = gatedrnn.RateCell(1, 1, tau=20.0, dt=3.0, phi="tanh")
with torch.no_grad():
    for p in unit.parameters():
        p.zero_()  # no input weights, no recurrent weight, no bias
    r, _ = gatedrnn.Recurrent(unit)(torch.zeros(20, 1, 1), gatedrnn.RateState(torch.ones(1, 1)))
first_below = int(torch.nonzero(r[:, 0, 0] < np.exp(-1))[0]) + 1  # r[0] is r_1, after one step

check("z for tau = 20 ms, dt = 3 ms", z_unit, expected=unit.z.item())
check("steps until r_t < r_0 / e", steps_to_forget, expected=first_below,
      hint="solve (1 - z)^t < 1/e for the smallest whole t.")

# %% [markdown]
# <details><summary>Hint</summary>
#
# $(1 - z)^t < e^{-1}$ means $t \ln(1 - z) < -1$, that is $t > -1/\ln(1 - z)$ (the
# logarithm is negative, so the inequality turns round).
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# z_unit = 3.0 / 20.0  # 0.15
# steps_to_forget = int(np.floor(-1 / np.log(1 - z_unit))) + 1  # -1/ln(0.85) = 6.15 -> 7
# ```
#
# Seven steps are 21 ms, a little more than $\tau$: each Euler step decays by
# $1 - z = 0.85$, a bit more than the exact $e^{-z} \approx 0.861$, but the unit can only be
# looked at after whole steps.
# </details>

# %%
torch.manual_seed(0)
vanilla = gatedrnn.VanillaRNNCell(3, 50)  # h_t = tanh(W x_t + b_ih + R h_{t-1} + b_hh)
rate = gatedrnn.RateCell(3, 50, tau=1.0, dt=1.0, phi="tanh")  # z = 1
with torch.no_grad():
    rate.weight_ih.copy_(vanilla.weight_ih)
    rate.weight_hh.copy_(vanilla.weight_hh)
    rate.bias.copy_(vanilla.bias_ih + vanilla.bias_hh)
    x = torch.randn(40, 8, 3)  # (T, B, I)
    h_vanilla, _ = gatedrnn.Recurrent(vanilla)(x)
    r_rate, _ = gatedrnn.Recurrent(rate)(x)
print("vanilla RNN, last step, units 0-3:          ", np.round(h_vanilla[-1, 0, :4].numpy(), 4))
print("rate network (Δt = τ), last step, units 0-3:", np.round(r_rate[-1, 0, :4].numpy(), 4))
assert torch.allclose(h_vanilla, r_rate, atol=1e-6)  # equal at every step, in every unit

try:
    gatedrnn.RateCell(3, 50, tau=10.0, dt=15.0)
except ValueError as error:
    print("ValueError:", error)

# %% [markdown]
# **The error is first order.** Halve $\Delta t$ and the largest error over the run halves
# too: on a log-log plot the error against $\Delta t$ is a line of slope 1.

# %%
errors = derive.euler_errors(dts=(0.125, 0.25, 0.5, 1.0, 2.0, 4.0), tau=10.0, w=0.5, I=1.0)
print("fitted order of Euler's method:", round(errors.order, 1))

fig, ax = plt.subplots(figsize=(5, 3.8), layout="constrained")
derive.plot_euler_errors(errors, ax)
ax.set_xticks(errors.dts, [f"{dt:g}" for dt in errors.dts])
ax.set_yticks([0.002, 0.005, 0.01, 0.02, 0.05], ["0.002", "0.005", "0.01", "0.02", "0.05"])
ax.xaxis.set_minor_formatter(plt.NullFormatter())
ax.yaxis.set_minor_formatter(plt.NullFormatter())
ax.set_title("Euler's global error, τ = 10 ms", fontsize="medium")
plt.show()

# %% [markdown]
# **Think!** Each single Euler step is off by only $O(\Delta t^2)$. Why is the error over the
# whole run $O(\Delta t)$?
#
# <details><summary>Answer</summary>
#
# To cover a fixed span of time $T_{\text{end}}$ you need $T_{\text{end}}/\Delta t$ steps. The
# local errors add up (the dynamics here are stable, so they do not grow): about
# $(T_{\text{end}}/\Delta t) \cdot O(\Delta t^2) = O(\Delta t)$. Methods such as Runge–Kutta
# have smaller local errors; recurrent networks keep Euler because each step stays one simple,
# differentiable update.
#
# </details>
#
# **Explorer.** Left: the rate unit, the exact curve, Euler's steps and the same steps taken
# by `RateCell`. Change $\tau$ and $\Delta t$ and watch the error follow $z = \Delta t/\tau$
# rather than either one alone. Then set the self-connection to $w = -1.5$ and
# $\Delta t = 8$ ms: the true rate rises smoothly, yet Euler's steps oscillate. Self-inhibition
# makes the unit relax faster than $\tau$ (with a time constant near $\tau/(1 - w\varphi')$),
# and what must be small is $\Delta t$ compared with that faster time. Right, a look
# ahead to lecture 04: in a GRU unit the constant $z$ becomes a gate $z_t$ computed from the
# input, a time constant that changes from step to step.

# %% tags=["nbval-ignore-output"]
from gatedrnn.explore import time_constant_explorer

time_constant_explorer()

# %% [markdown]
# ## 3. Rate form and voltage form
#
# Rate models are just as often written for a "voltage" $v$, the input a unit receives, with
# the nonlinearity inside the recurrent sum (Miller and Fumarola 2012):
#
# $$ \tau \odot \frac{dv}{dt} = -v + R\, \varphi(v) + I, \tag{4} $$
#
# and Euler's method turns it into
#
# $$ v_t = (1 - z) \odot v_{t-1} + z \odot \bigl(R\, \varphi(v_{t-1}) + W x_t + b\bigr). \tag{5} $$
#
# `RateCell(form="voltage")` computes eq. (5); it keeps $v_t$ as its state and returns the
# rates $\varphi(v_t)$. The two forms describe the same network. If $r$ follows eq. (1) with a
# constant input $I$ and one time constant $\tau$ for all units, then
#
# $$ v = R\, r + I \tag{6} $$
#
# follows eq. (4): $\tau\,\dot v = R\,\tau\,\dot r = R(-r + \varphi(v)) = -(v - I) + R\,\varphi(v)$.
# The same algebra works step by step for eqs. (2) and (5), so the Euler networks agree
# exactly, not only in the limit $\Delta t \to 0$. Both cells below share one set of weights;
# the voltage network starts from $v_0 = R\, r_0 + I$.

# %%
torch.manual_seed(1)
rate = gatedrnn.RateCell(3, 20, tau=10.0, dt=1.0, phi="tanh").double()
voltage = gatedrnn.RateCell(3, 20, form="voltage", tau=10.0, dt=1.0, phi="tanh").double()
voltage.load_state_dict(rate.state_dict())  # the same W, R, b

x = torch.randn(1, 1, 3, dtype=torch.float64).expand(80, 1, 3)  # a constant input, (T, B, I)
with torch.no_grad():
    R, I_ext = rate.recurrent_weight, x[0] @ rate.weight_ih.T + rate.bias  # (H, H), (B, H)
    r_0 = torch.rand(1, 20, dtype=torch.float64)  # (B, H)
    r, (r_T,) = gatedrnn.Recurrent(rate)(x, gatedrnn.RateState(r_0))
    phi_v, (v_T,) = gatedrnn.Recurrent(voltage)(x, gatedrnn.VoltageState(r_0 @ R.T + I_ext))

print("v_T, units 0-3:         ", np.round(v_T[0, 0, :4].numpy(), 6))
print("R r_T + I, units 0-3:   ", np.round((r_T[0] @ R.T + I_ext)[0, :4].detach().numpy(), 6))
assert torch.allclose(v_T[0], r_T[0] @ R.T + I_ext, atol=1e-12)  # eq. (6) at the last step
assert torch.allclose(phi_v, torch.tanh(r @ R.T + I_ext), atol=1e-12)  # and φ(v_t) at every step

# %%
t = np.arange(1, 81)
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
for k, color in zip((0, 1, 2), ("tab:blue", "tab:orange", "tab:green")):
    ax.plot(t, r[:, 0, k], color=color, lw=1.8, label=f"unit {k}: rate form $r_t$")
    ax.plot(t, phi_v[:, 0, k], color=color, ls="--", lw=1.2, label=f"unit {k}: voltage form $\\varphi(v_t)$")
ax.set(xlabel="time (ms)", ylabel="rate", title="same network, two forms: they meet at the fixed point")
ax.legend(frameon=False, fontsize="small", ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.1))
plt.show()

# %% [markdown]
# The dashed curves are not the solid ones shifted in time: $\varphi(v_t) = \varphi(R r_t + I)$
# is where the rate form is *heading* at step $t$ (the target in eq. 2). Once the network
# settles the target is reached, $r^* = \varphi(v^*)$, and the two curves meet.
#
# **Think!** The argument used one $\tau$ for all units. Where does it break if every unit has
# its own $\tau_i$?
#
# <details><summary>Answer</summary>
#
# At $\tau\,\dot v = R\,\tau\,\dot r$. With a diagonal matrix of time constants $T$,
# $T \dot v = T R\,T^{-1}(-r + \varphi(v))$, which equals $-v + R\,\varphi(v) + I$ only if
# $T R\,T^{-1} = R$, that is, if $R$ commutes with $T$ (as it does when all $\tau_i$ are
# equal). The fixed points still correspond ($v^* = R r^* + I$, $r^* = \varphi(v^*)$), but
# the trajectories differ. Miller and Fumarola (2012) work out when and how the two forms map
# onto each other (for an input that changes in time, for instance, one form needs a filtered
# copy of the other's input).
#
# </details>

# %% [markdown]
# ## 4. Dale's principle
#
# A neuron releases the same transmitter at all its synapses: glutamate (excitatory) or GABA
# (inhibitory). Its outgoing weights therefore share one sign. Outgoing means column $j$ of
# $R$, so each **column** of $R$ is either $\geq 0$ or $\leq 0$. A standard way to keep this
# during training is to learn unconstrained numbers $R_{\text{raw}}$ and use
#
# $$ R = |R_{\text{raw}}|\, D, \qquad D = \operatorname{diag}(d_1, \dots, d_H),\quad d_j = \begin{cases} +1 & j \text{ excitatory} \\ -1 & j \text{ inhibitory.} \end{cases} \tag{7} $$
#
# Cortex has roughly four excitatory neurons for each inhibitory one. `RateCell(dale=0.8)`
# makes the first 80 % of the units excitatory; the inhibitory weights start $N_E/N_I = 4$
# times larger, so that on average excitation and inhibition cancel.

# %%
diagrams.ei_pair_diagram()

# %%
torch.manual_seed(0)
cell = gatedrnn.RateCell(1, 100, tau=10.0, dt=1.0, phi="relu", dale=0.8)
signs = cell.signs  # diag(D), (H,)
R = cell.recurrent_weight  # (H, H)
print("excitatory units:", int((signs > 0).sum()), "| inhibitory units:", int((signs < 0).sum()))
print("columns that mix signs:", int(((R > 0).any(dim=0) & (R < 0).any(dim=0)).sum()))
print("signs of the columns, first 4 and last 4:", signs[:4].tolist(), signs[-4:].tolist())

# %% [markdown]
# Gradient descent changes $R_{\text{raw}}$ (`weight_hh`) freely, but $R$ keeps its signs,
# however large the step:

# %%
x = torch.rand(50, 16, 1)  # (T, B, I)
out, _ = gatedrnn.Recurrent(cell)(x)
((out - 0.5) ** 2).mean().backward()
with torch.no_grad():
    cell.weight_hh -= 100.0 * cell.weight_hh.grad  # a deliberately huge step
    R = cell.recurrent_weight
print("after the step, columns that mix signs:", int(((R > 0).any(dim=0) & (R < 0).any(dim=0)).sum()))

# %% [markdown]
# **Think!** Why does eq. (7) constrain columns and not rows? And why $|R_{\text{raw}}|$ rather
# than setting negative entries of an excitatory column to zero?
#
# <details><summary>Answer</summary>
#
# $R_{ij}$ is the synapse from $j$ onto $i$: row $i$ collects everything unit $i$ receives
# (excitation and inhibition both), column $j$ is everything unit $j$ sends, which is what
# Dale's principle is about. Clipping at zero would work too (and is used), but a clipped
# synapse gets zero gradient and may never come back; the absolute value keeps every synapse
# trainable. Either way $\varphi$ must be non-negative ($\tanh$ is not) for "excitatory" to
# mean what it says: a negative rate times a positive weight inhibits.
#
# </details>
#
# **Spectrum and stability.** Linearised around a state where all units are active (ReLU,
# slope 1), eq. (1) becomes $\tau \dot r = (R - 1)\, r + \dots$, which is stable when every
# eigenvalue $\lambda$ of $R$ has $\operatorname{Re}\lambda < 1$. A Dale matrix has two parts:
# a cloud of eigenvalues from its random fluctuations, and one outlier from its mean
# structure, close to the mean row sum of $R$ (total excitation minus total inhibition onto a
# unit). The explorer scales the excitatory columns by $g_E$ and the inhibitory ones by
# $g_I$. With $g_E = g_I$ the outlier sits near 0 and the activity settles. Raise $g_E$ to
# 0.8: the outlier moves to about 2, past the dashed line, and the activity runs away. Raise
# $g_I$ instead: the outlier moves to the left, but the cloud widens, because the few
# inhibitory columns carry large weights.

# %% tags=["nbval-ignore-output"]
from gatedrnn.explore import ei_explorer

ei_explorer()

# %% [markdown]
# ## 5. Supralinear networks
#
# Machine learning likes $\varphi = \tanh$: bounded, symmetric, smooth. Real neurons have
# non-negative rates and, in cortex, an input-output curve that bends **upwards** over the
# range they use: a rectified power law,
#
# $$ \varphi(u) = k\, \max(0, u)^n, \qquad n > 1, \tag{8} $$
#
# the nonlinearity of the **stabilised supralinear network** (SSN; Ahmadian, Rubin and Miller
# 2013; Rubin, Van Hooser and Miller 2015). The more input a unit gets, the steeper its
# response: its gain $\varphi'(u) = n k\, u^{n-1}$ grows without bound.

# %%
u = torch.linspace(-3, 8, 200)
fig, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
for name in ("tanh", "relu", "ssn"):
    phi = gatedrnn.nonlinearities.resolve(name, k=0.3, n=2.0)
    ax.plot(u, phi(u), lw=2, label=f"{phi!r}")
ax.axhline(0, color="0.8", lw=0.8)
ax.set(xlabel="input u", ylabel="φ(u)", ylim=(-1.5, 8), title="three choices of φ")
ax.legend(frameon=False)
plt.show()

# %% [markdown]
# The choice of $\varphi$ decides where a unit can rest. One unit with a self-connection $w$,
# $\tau\, dr/dt = -r + \varphi(w r + I)$, is at rest where the line $r$ meets the curve
# $\varphi(w r + I)$; a crossing is stable when the curve is flatter than the line there,
# $w\,\varphi'(w r^* + I) < 1$. With $\tanh$ and $w > 1$ there are two stable rests: the unit
# remembers which way it was pushed (the right panel: raising and lowering $I$ slowly leaves it
# on different branches). With the supralinear $\varphi$ and a little more input, the curve
# never comes back to the line: no rest at all, the rate runs away.

# %% tags=["nbval-ignore-output"]
from gatedrnn.explore import steady_state_explorer

steady_state_explorer(w=1.5, I=0.0, phi="tanh")

# %% [markdown]
# A supralinear unit alone would answer a doubled input with a quadrupled rate. Coupled to
# inhibition, something else happens. Take one excitatory and one inhibitory population in
# the voltage form (5) (inputs in mV, rates in Hz), with the parameters of the two-population
# model of Hennequin et al. (2018): $k = 0.3$, $n = 2$, $\tau_E = 20$ ms, $\tau_I = 10$ ms and
#
# $$ R = \begin{pmatrix} 1.25 & -0.65 \\ 1.2 & -0.5 \end{pmatrix} \ \text{mV s}, \tag{9} $$
#
# a Dale matrix: column E is positive, column I negative. Both populations receive the same
# input $h$. A batch of 201 input levels, $h = 0, 0.1, \dots, 20$ mV, runs side by side, one
# per batch entry; $\Delta t = 0.5$ ms, so $z_E = 0.025$ and $z_I = 0.05$.

# %%
ssn = gatedrnn.RateCell(
    1, 2, form="voltage", tau=[20.0, 10.0], dt=0.5, phi="ssn", k=0.3, n=2.0, dale=0.5
).double()
with torch.no_grad():
    ssn.weight_hh.copy_(torch.tensor([[1.25, 0.65], [1.2, 0.5]], dtype=torch.float64))  # |R|
    ssn.weight_ih.fill_(1.0)  # both populations receive h
    ssn.bias.zero_()
print("R =", ssn.recurrent_weight.detach().numpy().tolist())  # the signs come from D = diag(+1, -1)
print("z =", np.round(ssn.z.numpy(), 3).tolist())

h = torch.linspace(0.0, 20.0, 201, dtype=torch.float64)  # input levels, mV
x = h[None, :, None].expand(1000, -1, 1)  # (T, B, I) = (1000, 201, 1): 500 ms of constant input
with torch.no_grad():
    rates, (v_T,) = gatedrnn.Recurrent(ssn)(x)  # (T, B, 2): r_E, r_I in Hz
r_E, r_I = rates[-1, :, 0], rates[-1, :, 1]  # steady state, (B,)
assert (rates[-1] - rates[-100]).abs().max() < 0.01  # settled: < 0.01 Hz change in the last 50 ms

# %%
fig, (ax_t, ax_h, ax_log) = plt.subplots(
    1, 3, figsize=(12, 3.8), width_ratios=[1.2, 1, 1], layout="constrained"
)
time_ms = 0.5 * np.arange(1, 1001)
for level, style in ((40, ":"), (100, "--"), (200, "-")):  # h = 4, 10, 20 mV
    ax_t.plot(time_ms, rates[:, level, 0], style, color="tab:red", label=f"E, h = {h[level]:g} mV")
    ax_t.plot(time_ms, rates[:, level, 1], style, color="tab:blue", label=f"I, h = {h[level]:g} mV")
ax_t.set(xlabel="time (ms)", ylabel="rate (Hz)", xlim=(0, 200), title="onset of a constant input")
ax_t.legend(frameon=False, fontsize="small", ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.18))

alone = 0.3 * h**2  # one unit, no recurrence: r = k h^n
for ax in (ax_h, ax_log):
    ax.plot(h, r_E, color="tab:red", lw=2, label="E, in the network")
    ax.plot(h, r_I, color="tab:blue", lw=2, label="I, in the network")
    ax.plot(h, alone, color="0.5", ls=":", lw=1.5, label="one unit alone: $k h^2$")
    ax.set_xlabel("input h (mV)")
ax_h.set(ylabel="steady-state rate (Hz)", ylim=(0, 50), title="supralinear, then sublinear")
ax_h.legend(frameon=False, fontsize="small")
ax_log.loglog()
ax_log.text(1.5, 0.15, "slope 2", color="0.4", fontsize="small")
guide = np.array([5.0, 20.0])
ax_log.plot(guide, 4 * guide / 5, "k-", lw=1)  # a line of slope 1
ax_log.text(8.0, 3.5, "slope 1", fontsize="small")
ax_log.set(xlim=(0.2, 20), ylim=(0.01, 100), ylabel="rate (Hz), log scale", title="the same, log-log")
plt.show()

# %% [markdown]
# At weak input the network follows its units: rates grow faster than the input, with the
# slope 2 of $h^2$ on the log-log axes (a power law is a straight line there; the dotted line
# has slope 2), and recurrent excitation even lifts them above a lone unit's $k h^2$. Past a
# few mV the excitatory rate bends over and saturates while the input keeps growing, and the
# inhibitory rate grows with a slope below 1: the response has become **sublinear**,
# although every single unit is supralinear. Inhibition does it: the inhibitory population,
# driven by the excitatory one, grows faster and cancels most of each extra input. In this
# way the SSN reproduces cortical effects such as normalisation and surround suppression.
#
# At strong input the excitatory population alone is unstable: its self-coupling times its
# gain, $R_{EE}\,\varphi'(v_E)$, exceeds 1, so without inhibition its activity would explode.
# Such a network is **inhibition-stabilised**, and with a supralinear $\varphi$ it becomes so
# as soon as the input is strong enough, here between 1 and 1.5 mV:

# %%
v_E = v_T[0, :, 0]  # steady-state voltage of E, (B,)
gain_E = 2 * 0.3 * v_E.clamp(min=0)  # φ'(v_E) = n k v_E^(n-1)
loop = 1.25 * gain_E  # R_EE φ'(v_E)
for level in (10, 15, 200):  # h = 1, 1.5 and 20 mV
    print(f"h = {h[level]:4.1f} mV: R_EE φ'(v_E) = {loop[level]:.2f}")

# %% [markdown]
# ### Your turn 2: is the network stable where E alone is not?
#
# At $h = 20$ mV the excitatory loop gain is far above 1, yet the rates settled. Check it with
# the Jacobian. Near the steady state $v^*$, eq. (4) with $\varphi'$ evaluated at $v^*$ is
# linear:
#
# $$ \frac{d\,\delta v}{dt} = J\, \delta v, \qquad
#    J = \operatorname{diag}(1/\tau)\,\bigl(-\mathrm{Id} + R \operatorname{diag}(\varphi'(v^*))\bigr), $$
#
# with $\mathrm{Id}$ the $2 \times 2$ identity matrix, $\varphi'(v) = n k \max(0, v)^{n-1}$, and $J$ in
# 1/ms. The fixed point is stable when every eigenvalue of $J$ has a negative real part. Compute
# $J$ with NumPy from `R_ssn`, `tau_ssn` and `v_star` below, then say whether it is stable. The
# check differentiates eq. (4) with autograd.

# %%
R_ssn = ssn.recurrent_weight.detach().numpy()  # (2, 2), signs included
tau_ssn = np.array([20.0, 10.0])  # ms
v_star = v_T[0, 200].numpy()  # (2,): v_E, v_I at h = 20 mV
k_ssn, n_ssn = 0.3, 2.0

J = ...  # (2, 2)
stable = ...  # True or False


def dv_dt(v):  # eq. (4) solved for dv/dt at h = 20 mV
    return (-v + ssn.recurrent_weight @ ssn.phi(v) + 20.0) / torch.from_numpy(tau_ssn)


J_autograd = torch.autograd.functional.jacobian(dv_dt, torch.from_numpy(v_star)).detach().numpy()
check("Jacobian at v*", J, expected=J_autograd, rtol=1e-6, atol=1e-9)
check("stable", stable, expected=bool((np.linalg.eigvals(J_autograd).real < 0).all()))

# %% [markdown]
# <details><summary>Hint</summary>
#
# `np.diag(1 / tau_ssn) @ (-np.eye(2) + R_ssn @ np.diag(gain))` with the gains
# `gain = n_ssn * k_ssn * np.maximum(v_star, 0) ** (n_ssn - 1)`; then look at
# `np.linalg.eigvals(J).real`.
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# gain = n_ssn * k_ssn * np.maximum(v_star, 0) ** (n_ssn - 1)  # φ'(v*), (2,)
# J = np.diag(1 / tau_ssn) @ (-np.eye(2) + R_ssn @ np.diag(gain))
# stable = bool((np.linalg.eigvals(J).real < 0).all())  # True
# ```
#
# Both eigenvalues have negative real parts (they form a complex pair: a perturbation returns
# with a damped oscillation). The entry $J_{EE} = (-1 + R_{EE}\varphi'(v_E^*))/\tau_E$ is
# positive, E alone would run away, but the loop through I, $R_{EI} R_{IE} < 0$, pulls the
# eigenvalues back to the left: the network is inhibition-stabilised.
# </details>

# %% [markdown]
# **Think!** With $\varphi = \tanh$ the rates saturate too. What is different about the way
# the SSN's excitatory rate stops growing?
#
# <details><summary>Answer</summary>
#
# A $\tanh$ unit saturates because it runs out of range: its gain falls to zero and it stops
# responding to anything. In the SSN every unit's gain keeps **rising** with input; the
# saturation is a property of the circuit, produced by inhibitory feedback that grows
# faster than excitation. The units stay sensitive (a small extra input to E alone would still
# move the rates), and how much the response bends depends on the E/I weights, not on a
# ceiling built into the neuron.
#
# </details>

# %% [markdown]
# ## Summary
#
# - A rate network obeys $\tau \odot \dot r = -r + \varphi(R r + W x + b)$ (eq. 1). The notes'
#   $W r + P x$ is this course's $R r + W x$: $W$ input weights (`weight_ih`), $R$ recurrent
#   weights (`recurrent_weight`).
# - Euler's method gives $r_t = (1 - z) \odot r_{t-1} + z \odot \varphi(\cdot)$ with
#   $z = \Delta t/\tau$ (eqs. 2–3); its error is first order in $\Delta t$; $z = 1$ is the
#   vanilla RNN, $z > 1$ overshoots.
# - The voltage form (eqs. 4–5) is the same network seen through $v = R r + I$ when all
#   units share one $\tau$.
# - Dale's principle fixes the sign of each column of $R$: $R = |R_{\text{raw}}|\,D$; the
#   balance of E and I columns sets the outlier eigenvalue and with it stability.
# - With a supralinear $\varphi = k\max(0,u)^n$, inhibition turns supralinear units into a
#   circuit whose response saturates: the inhibition-stabilised SSN.
#
# In lecture 03 the constant $z$ becomes a learned gate, and the rate network becomes an LSTM.
# Now implement both Euler steps and a Dale mask yourself: **exercise `ex02_rate_networks`**,
# graded by convergence to the continuous solution and by the column signs.
#
# ## References and further reading
#
# - Ahmadian, Y. (2018). *Notes on LSTMs and GRUs* (section 1: traditional recurrent rate
#   networks) — the derivation of eqs. (1)–(5) and the notation this lecture translates.
# - Dayan, P. & Abbott, L. F. (2001). *Theoretical Neuroscience*, chapter 7 (network models).
#   MIT Press. [mitpress.mit.edu](https://mitpress.mit.edu/9780262541855/theoretical-neuroscience/)
#   — firing-rate models, recurrent networks and their stability.
# - Gerstner, W., Kistler, W. M., Naud, R. & Paninski, L. (2014). *Neuronal Dynamics*,
#   chapter 15 (fast transients and rate models).
#   [neuronaldynamics.epfl.ch](https://neuronaldynamics.epfl.ch/online/Ch15.html)
# - Miller, K. D. & Fumarola, F. (2012). Mathematical equivalence of two common forms of firing
#   rate models of neural networks. *Neural Computation* 24, 25–31.
#   [doi:10.1162/NECO_a_00221](https://doi.org/10.1162/NECO_a_00221) — section 3's rate and
#   voltage forms, in general.
# - Rajan, K. & Abbott, L. F. (2006). Eigenvalue spectra of random matrices for neural
#   networks. *Physical Review Letters* 97, 188104.
#   [doi:10.1103/PhysRevLett.97.188104](https://doi.org/10.1103/PhysRevLett.97.188104) — the
#   cloud and the outlier of a Dale matrix's spectrum.
# - Song, H. F., Yang, G. R. & Wang, X.-J. (2016). Training excitatory-inhibitory recurrent
#   neural networks for cognitive tasks: a simple and flexible framework. *PLoS Computational
#   Biology* 12, e1004792.
#   [doi:10.1371/journal.pcbi.1004792](https://doi.org/10.1371/journal.pcbi.1004792) — Dale's
#   principle kept during training with $R = |R_{\text{raw}}|\,D$.
# - Rubin, D. B., Van Hooser, S. D. & Miller, K. D. (2015). The stabilized supralinear network:
#   a unifying circuit motif underlying multi-input integration in sensory cortex. *Neuron* 85,
#   402–417. [doi:10.1016/j.neuron.2014.12.026](https://doi.org/10.1016/j.neuron.2014.12.026)
# - Hennequin, G., Ahmadian, Y., Rubin, D. B., Lengyel, M. & Miller, K. D. (2018). The
#   dynamical regime of sensory cortex: stable dynamics around a single stimulus-tuned
#   attractor account for patterns of noise variability. *Neuron* 98, 846–860.
#   [doi:10.1016/j.neuron.2018.04.017](https://doi.org/10.1016/j.neuron.2018.04.017) — the
#   two-population SSN of section 5 and its parameters.
# - Hennequin, G., Agnes, E. J. & Vogels, T. P. (2017). Inhibitory plasticity: balance, control,
#   and codependence. *Annual Review of Neuroscience* 40, 557–579.
#   [doi:10.1146/annurev-neuro-072116-031005](https://doi.org/10.1146/annurev-neuro-072116-031005)
#   — a review of balanced E/I networks, ahead of lecture 05.
