# %% [markdown]
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gatedrnn/gatedrnn/blob/v0.1.0/lectures/03_lstm.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gatedrnn/gatedrnn/v0.1.0?urlpath=lab/tree/lectures/03_lstm.ipynb)
#
# # Lecture 03 — The LSTM: a rate network with dynamic gates
#
# In lecture 02 every unit of a rate network forgot its past at a fixed pace, set by its time
# constant $\tau$. The long short-term memory network keeps the same leaky update but lets
# three extra units, the *gates*, decide at every step how much to remember, how much to take
# in and how much to show. Hochreiter & Schmidhuber (1997) gave it an input and an output
# gate around a memory that never leaked; Gers, Schmidhuber & Cummins (2000) added the forget
# gate, and with it the LSTM that everyone uses today.
#
# The derivation (sections 1 and 3) follows Yashar Ahmadian's notes on LSTMs, GRUs and rate
# networks (2018), whose equation numbers we keep; the reading of the gates as neurons
# (section 4) follows a course blog's post on the biological plausibility of LSTMs.
#
# **After this lecture you can**
#
# - write the LSTM step (notes eq. 6–10) and say what each gate does;
# - show numerically that an LSTM with fixed gates *is* the rate network of lecture 02
#   (notes eq. 13), in the rate form and in the voltage form;
# - read the gates as inputs that contact a neuron close to its soma, the forget gate as the
#   neuron's inertia (its time constant) and the output gate as a contact on the axon;
# - treat peepholes and coupled gates as choices of wiring;
# - check `gatedrnn.LSTMCell` against `torch.nn.LSTMCell`, and feel the gates with an explorer;
# - say where LSTMs are used, and what has replaced them where.
#
# **Time:** about 85 minutes, with the three short exercises. The exercise that goes with it
# is `exercises/ex03_lstm.ipynb`.

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

from gatedrnn import explore, reductions
from gatedrnn.practice import check  # the self-check of the "Your turn" exercises

torch.set_num_threads(1)  # the networks here are tiny: one thread is the fastest

# %% [markdown]
# ## 1. From a leaky rate unit to a gated one
#
# Lecture 02 ended with the Euler step of a rate network. Each unit mixes its old rate with a
# new target, in proportions set by its own constant $z = \Delta t/\tau$:
#
# $$
# r_t = (1 - z) \odot r_{t-1} + z \odot \varphi(R\, r_{t-1} + W x_t + b),
# \qquad z = \Delta t / \tau \quad \text{(constant)}.
# \tag{2}
# $$
#
# The LSTM keeps a state $c_t$ per unit (the *memory cell*) and an output $h_t$, and replaces
# the two constants $1 - z$ and $z$ by two gates that move with the input:
#
# $$
# c_t = f_t \odot c_{t-1} + i_t \odot z_t, \qquad
# z_t = \varphi_1(W_z x_t + R_z h_{t-1} + b_z)
# \tag{6}
# $$
#
# $$
# h_t = o_t \odot \varphi_2(c_t)
# \tag{7}
# $$
#
# $$
# y_t = \sigma(W_y x_t + R_y h_{t-1} + b_y), \qquad y \in \{i, f, o\}
# \tag{8}
# $$
#
# with the logistic function for the gates and, as a rule, $\tanh$ for both nonlinearities:
#
# $$
# \sigma(u) = \frac{1}{1 + e^{-u}}
# \tag{9}
# $$
#
# $$
# \varphi_1(u) = \varphi_2(u) = \tanh(u).
# \tag{10}
# $$
#
# | symbol | name | range | role |
# |---|---|---|---|
# | $i_t$ | input gate | $[0, 1]$ | how much of the candidate enters the memory |
# | $f_t$ | forget gate | $[0, 1]$ | how much of the old memory is kept |
# | $o_t$ | output gate | $[0, 1]$ | how much of the memory the unit shows |
# | $z_t$ | candidate | $\varphi_1$'s range | what could be written into the memory |
# | $c_t$ | memory cell | any real | the unit's state |
# | $h_t$ | output | $\varphi_2$'s range | what other units (and the gates) see |
#
# **Two $z$'s.** The course keeps the notes' letters, so $z$ has two meanings: in eq. 2 (and
# eq. 13 below) it is the constant $\Delta t/\tau$ of each unit; in the LSTM, $z_t$ (with its
# time index) is the candidate. In the reduction of section 3 the constant $z$ takes the place
# of the input gate, not of the candidate.
#
# Substituting eq. 7 into eq. 6 removes $h$:
#
# $$
# c_t = f_t \odot c_{t-1}
#       + i_t \odot \varphi_1\big(R_z\,[o_{t-1} \odot \varphi_2(c_{t-1})] + W_z x_t + b_z\big)
# \tag{11}
# $$
#
# $$
# y_t = \sigma\big(R_y\,[o_{t-1} \odot \varphi_2(c_{t-1})] + W_y x_t + b_y\big),
# \qquad y \in \{i, f, o\}.
# \tag{12}
# $$
#
# The output gate of the *previous* step, $o_{t-1}$, is still inside, and it depends on
# $h_{t-2}$: the memory cells alone are not a complete state. Eq. 6–8 are the more useful form.
# They show that different units talk to each other only through their outputs $h$, and that the
# pair $(h_t, c_t)$ is the state: one step needs nothing older (lecture 04 comes back to this).
#
# Ahmadian's notes remark that this is a matter of timing. Had eq. 7 been written with the
# output gate of the *next* step, $h_t = o_{t+1} \odot \varphi_2(c_t)$, the gate inside
# eqs. 11–12 would be $o_t$, a gate of the current step computed, like the others, from $x_t$
# and the previous memory; then $c_t = F(c_{t-1}, x_t)$ would be a complete state on its own.
# The GRU is built with exactly this alignment: its reset gate multiplies $h_{t-1}$ at step $t$
# (lecture 04).

# %% [markdown]
# ## 2. The library cell, and a check against PyTorch
#
# `gatedrnn.LSTMCell(I, H)` computes eq. 6–10, one line per equation (read its `forward`).
# Its weights are fused like PyTorch's: `weight_ih` stacks $W_i, W_f, W_z, W_o$ into a
# `(4H, I)` matrix, `weight_hh` stacks the four $R$'s into `(4H, H)`, and $b$ is
# `bias_ih + bias_hh`. PyTorch calls the candidate `g` but uses the same block order
# **(i, f, z, o)**, so a state dict copies from one to the other unchanged.

# %%
torch.manual_seed(0)  # the same random weights and inputs on every run
I, H, B = 3, 5, 4
ours = gatedrnn.LSTMCell(I, H)
theirs = torch.nn.LSTMCell(I, H)
ours.load_state_dict(theirs.state_dict())  # same names, same shapes, same (i, f, z, o) blocks

for name, p in ours.named_parameters():
    print(f"{name:10s} {tuple(p.shape)}")

x_t = torch.randn(B, I)  # (B, I)
h_prev, c_prev = torch.randn(B, H), torch.randn(B, H)  # (B, H) each
with torch.no_grad():
    h, state = ours(x_t, gatedrnn.LSTMState(h_prev, c_prev))
    h_ref, c_ref = theirs(x_t, (h_prev, c_prev))
print("h_t[0], gatedrnn.LSTMCell:   ", np.round(h[0].numpy(), 4))
print("h_t[0], torch.nn.LSTMCell:   ", np.round(h_ref[0].numpy(), 4))
assert torch.allclose(h, h_ref, atol=1e-6) and torch.allclose(state.c, c_ref, atol=1e-6)

# %% [markdown]
# The `assert` stays silent: $h_t$ and $c_t$ agree with PyTorch's to $10^{-6}$ in every entry.
#
# ### Your turn 1: count an LSTM's parameters
#
# From the shapes printed above, write `lstm_parameters(I, H)`, the number of values an
# `LSTMCell(I, H)` learns. The check counts the library's parameters for three sizes.

# %%
def lstm_parameters(I, H):
    return ...  # your formula


for sizes in [(3, 5), (10, 32), (1, 128)]:
    cell = gatedrnn.LSTMCell(*sizes)
    check(f"parameters of LSTMCell{sizes}", lstm_parameters(*sizes),
          expected=sum(p.numel() for p in cell.parameters()))

# %% [markdown]
# <details><summary>Hint</summary>
#
# Four blocks (i, f, z, o), each with an `(H, I)` input matrix, an `(H, H)` recurrent matrix and
# two bias vectors of length `H` (PyTorch keeps `bias_ih` and `bias_hh` apart, though only their
# sum matters).
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# def lstm_parameters(I, H):
#     return 4 * H * (I + H + 2)
# ```
#
# The recurrent weights dominate once $H \gg I$: for `LSTMCell(1, 128)`, $4 \cdot 128^2 = 65\,536$
# of the $67\,072$ values. A vanilla RNN of the same size has a quarter as many; lecture 04 counts
# the GRU's three blocks.
# </details>

# %% [markdown]
# The runner `gatedrnn.Recurrent` steps any cell through a sequence `x` of shape `(T, B, I)`.
# `Recurrent.from_torch` copies a whole `torch.nn.LSTM` into it, so we can compare a sequence
# of 50 steps too:

# %%
torch_lstm = torch.nn.LSTM(I, H)
rnn = gatedrnn.Recurrent.from_torch(torch_lstm)
x = torch.randn(50, B, I)  # (T, B, I)
with torch.no_grad():
    out, (h_n, c_n) = rnn(x)  # out (T, B, H); h_n, c_n (1, B, H)
    out_ref, (h_n_ref, c_n_ref) = torch_lstm(x)
print("c_50[0], gatedrnn.Recurrent: ", np.round(c_n[0, 0].numpy(), 4))
print("c_50[0], torch.nn.LSTM:      ", np.round(c_n_ref[0, 0].numpy(), 4))
assert torch.allclose(out, out_ref, atol=1e-5) and torch.allclose(c_n, c_n_ref, atol=1e-5)

# %% [markdown]
# ## 3. Fixed gates give back the rate network (notes eq. 13)
#
# Now pin the gates: $o_t = 1$, $i_t = z$ and $f_t = 1 - z$, with $z = \Delta t/\tau$ the rate
# network's constants. Since $h_{t-1} = \varphi_2(c_{t-1})$, eq. 6 becomes
#
# $$
# c_t = (1 - z) \odot c_{t-1} + z \odot \varphi_1\big(R\, \varphi_2(c_{t-1}) + W x_t + b\big).
# \tag{13}
# $$
#
# - With $\varphi_2$ the identity this is the **rate form** (eq. 2), and $c_t$ is the rate $r_t$.
# - With $\varphi_1$ the identity it is the **voltage form**,
#   $v_t = (1 - z) \odot v_{t-1} + z \odot (R\,\varphi(v_{t-1}) + W x_t + b)$,
#   and $c_t$ is the voltage $v_t$; the output $h_t = \varphi(c_t)$ is then the rate.
#
# `gatedrnn.reductions.lstm_from_rate_cell(rate)` builds exactly this LSTM from a `RateCell`:
# the candidate block gets the rate network's $W$, $R$ and $b$; the input gate's weights are
# zeroed and its bias set to $\mathrm{logit}(z)$ so that $i = \sigma(\mathrm{logit}\,z) = z$;
# likewise $f = 1 - z$, and the output gate's bias is so large that $o = 1$. A network with
# time constants spread from 2 to 20 ms, driven by two slowly varying inputs:

# %%
T, B, I, H = 120, 2, 2, 40
tau = torch.linspace(2.0, 20.0, H)  # ms, one time constant per unit
t = torch.arange(T, dtype=torch.float32)
drive = torch.stack([torch.sin(2 * np.pi * t / 60), (t > 30).float() - (t > 80).float()], dim=-1)
x = 3 * drive[:, None, :] * torch.tensor([1.0, -1.0])[None, :, None]  # (T, B, I), B = 2 signs

forms = {}
for form in ("rate", "voltage"):
    rate = gatedrnn.RateCell(I, H, form=form, tau=tau, dt=1.0, phi="tanh")
    lstm = reductions.lstm_from_rate_cell(rate)
    with torch.no_grad():  # no training here: no gradients needed
        r, _ = gatedrnn.Recurrent(rate)(x)  # (T, B, H): rates (φ(v) in the voltage form)
        h, _ = gatedrnn.Recurrent(lstm)(x)  # (T, B, H): the LSTM's outputs
    forms[form] = (r, h)
    assert torch.allclose(h, r, atol=1e-6)  # the LSTM's outputs are the rate network's
    print(f"{form:7s} form: phi1 = {lstm.phi1}, phi2 = {lstm.phi2}")

# %% [markdown]
# (Each cell above stops with an `AssertionError` if the LSTM's outputs leave the rate
# network's by more than $10^{-6}$; they do not.) The gates really are pinned. Ask the LSTM built
# last (the voltage form) for its gates, `lstm.gates(x_t, state)`, at a random input and a random
# state: the input gate is $z = \Delta t/\tau$, the forget gate $1 - z$, the output gate 1.

# %%
with torch.no_grad():
    random_state = gatedrnn.LSTMState(torch.randn(B, H), torch.randn(B, H))
    gates = lstm.gates(5 * torch.randn(B, I), random_state)  # {"i", "f", "z", "o"}: (B, H) each
units = [0, 13, 39]  # tau = 2, about 8 and 20 ms
print("units                ", units)
print("z = dt/tau           ", np.round(rate.z[units].numpy(), 3))
print("input gate i         ", np.round(gates["i"][0, units].numpy(), 3))
print("1 - z                ", np.round(1 - rate.z[units].numpy(), 3))
print("forget gate f        ", np.round(gates["f"][0, units].numpy(), 3))
print("output gate o        ", np.round(gates["o"][0, units].numpy(), 3))
assert all(gates[name].std(dim=0).max() == 0 for name in "ifo")  # the same for every input

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True, layout="constrained")
units = [0, 13, 39]  # tau = 2, about 8 and 20 ms
colors = ["tab:blue", "tab:orange", "tab:green"]
for ax, (form, (r, h)) in zip(axes, forms.items(), strict=True):
    for unit, color in zip(units, colors, strict=True):
        ax.plot(t, r[:, 0, unit], color=color, lw=2, label=f"RateCell, τ = {tau[unit]:.0f} ms")
        ax.plot(t[::4], h[::4, 0, unit], "o", ms=4, mfc="white", mec=color)  # every 4th step
    ax.plot([], [], "o", ms=4, mfc="white", mec="0.3", label="LSTM with fixed gates")
    ax.set(title=f"{form} form (eq. 13)", xlabel="time step t (Δt = 1 ms)")
    ax.legend(fontsize="small", frameon=False, ncols=2, loc="lower left")
axes[0].set_ylabel("rate $r_t$ = LSTM output $h_t$")
plt.show()

# %% [markdown]
# The dots sit on the lines: the LSTM with fixed gates is the rate network. Units with a short
# $\tau$ follow the input closely, units with a long $\tau$ smooth it and lag behind.
#
# **Think!** In eq. 13 take *both* $\varphi_1$ and $\varphi_2$ nonlinear and non-negative. The
# network is then neither the rate form nor the voltage form. What could the second
# nonlinearity stand for in a real circuit?
#
# <details><summary>Answer</summary>
#
# One nonlinearity is the neuron's input–output function; the other acts on what one neuron
# passes to the next, so it can be read as a *synaptic* nonlinearity, for example a synapse that
# saturates through very fast short-term depression: the more the presynaptic neuron fires, the
# less each extra spike adds.
#
# </details>
#
# **Think!** In the reduction $f = 1 - z = 1 - \Delta t/\tau$. Turn this around: what time
# constant does a forget gate $f_t$ stand for, and what does it mean that $f_t$ depends on the
# input?
#
# <details><summary>Answer</summary>
#
# $\tau = \Delta t / (1 - f)$: a forget gate near 1 is a long time constant (slow forgetting),
# a forget gate near 0 a time constant shorter than one step (no memory). Because $f_t$ is
# computed from $x_t$ and $h_{t-1}$, an LSTM unit can change its own time constant from one
# step to the next, for instance hold a value for as long as a cue says so and then drop it.
# The input gate plays the same trick on $z$: it decides *when* to write.
#
# </details>

# %% [markdown]
# ## 4. Gates as inputs near the soma
#
# A cartoon neuron sums its inputs on the dendrites, turns the sum into a firing rate at the
# soma, and sends it down the axon. One way to read an LSTM unit as such a neuron: the
# candidate $z_t$ is the ordinary dendritic input, and each gate is a small sigmoid neuron of its
# own (a one-output network looking at $x_t$ and $h_{t-1}$) whose synapse sits high on the
# dendritic tree, close to the soma, where it has a very large effect on what the cell does.
#
# | gate | who it is | where it acts | in the equations |
# |---|---|---|---|
# | input $i_t$ | a neuron that sees the input $x_t$ and the network's output $h_{t-1}$, like a thalamic (LGN) cell that receives the retina and feedback from V1 | on the dendrites, scaling the new input | $i_t \odot z_t$ |
# | forget $f_t$ | a neuron that sees the same (and, with peepholes, the central cell too) | on the cell's *inertia*: how much of the old state is kept | $f_t \odot c_{t-1}$, with $\tau = \Delta t/(1 - f_t)$ |
# | output $o_t$ | a neuron that sees the same as the input gate | on the **axon**, not the dendrites: it decides what leaves the cell | $o_t \odot \varphi_2(c_t)$ |
#
# The forget gate is the most "rate-network" of the three. A membrane obeys
# $\tau\, dV/dt = -V + \sum_j w_j x_j$: the $-V$ term makes the cell inert, and $\tau$ says how
# inert. The forget gate makes that inertia a variable. Whether time constants in the brain can
# change that fast is an open question; neurons whose firing tracks elapsed time (time cells in
# the hippocampus) show that the brain does represent time flexibly.
#
# The diagram draws the unit this way: the memory cell $c$ is the soma, the candidate $z$
# arrives on a dendrite, the input gate acts on that dendrite next to the soma and the forget
# gate on the soma's own loop, and the output gate sits on the axon.

# %%
from gatedrnn import diagrams

diagrams.lstm_diagram()

# %% [markdown]
# The library lets us watch this in a single unit. `explore.gate_traces` runs one LSTM unit
# (I = H = 1) on two input pulses; the forget gate's bias $b_f$ sets $f = \sigma(b_f)$ and with
# it the time constant.

# %%
fig, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
for b_f, color in zip((0.0, 2.0, 4.0), ("tab:red", "tab:orange", "tab:green"), strict=True):
    trace = explore.gate_traces("pulses", b_f=b_f)
    f = trace.lstm.f[0]  # w_f = 0: the forget gate is the same at every step
    ax.plot(
        trace.t,
        trace.lstm.c,
        color=color,
        lw=2,
        label=f"$b_f$ = {b_f:g}: f = {f:.2f}, τ = Δt/(1 − f) = {1 / (1 - f):.1f} steps",
    )
ax.fill_between(
    trace.t, 0, trace.x * ax.get_ylim()[1], step="post", color="0.9", label="input pulses"
)
ax.set(
    xlabel="time step t",
    ylabel="memory cell c",
    title="The forget gate sets the memory's time constant",
)
ax.legend(fontsize="small", frameon=False, loc="upper left")
plt.show()

# %% [markdown]
# With $f = 0.5$ the memory is gone a few steps after each pulse. With $f = 0.98$ the unit
# adds the second pulse on top of what is left of the first and keeps most of the sum to the
# end of the trial (it decays as $0.98^t$). Such a slow unit is the "integrator" a
# delayed-addition task needs (lecture 07); the gates add the switch that says *what* to add.
#
# ### Your turn 2: a forget gate for a given memory
#
# A unit with nothing to write ($z_t = 0$) keeps $c_t = f^t c_0$. Which forget-gate bias $b_f$
# (with $w_f = 0$, so $f = \sigma(b_f)$ at every step) leaves exactly half of the memory after
# 20 steps? `torch.logit` is the inverse of $\sigma$. The check runs 20 steps of an
# `LSTMCell(1, 1)` with your bias.

# %%
b_f = ...  # the forget gate's bias


def memory_after_20_steps(b_f):
    """c_20 of one LSTM unit that starts at c_0 = 1 and writes nothing (all other weights 0)."""
    unit = gatedrnn.LSTMCell(1, 1)
    with torch.no_grad():
        for p in unit.parameters():
            p.zero_()  # the candidate z = tanh(0) = 0: nothing is written
        unit.bias_ih[unit.block("f")] = float(b_f)
        state = gatedrnn.LSTMState(torch.zeros(1, 1), torch.ones(1, 1))
        for _ in range(20):
            _, state = unit(torch.zeros(1, 1), state)
    return state.c.item()


check("memory after 20 steps", b_f, expected=0.5, via=memory_after_20_steps, rtol=1e-3)

# %% [markdown]
# <details><summary>Hint</summary>
#
# $f^{20} = 1/2$ gives $f = 2^{-1/20}$; then $b_f = \mathrm{logit}(f) = \ln\frac{f}{1 - f}$.
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# b_f = torch.logit(torch.tensor(0.5 ** (1 / 20))).item()  # f = 0.9659, b_f = 3.34
# ```
#
# A memory with a half-life of 20 steps needs $f \approx 0.966$, a time constant
# $\Delta t/(1 - f) \approx 29$ steps, and a bias of about 3.3. Longer memories need $f$ ever
# closer to 1: $b_f$ grows like the logarithm of the time constant, which is why a forget bias
# of 1 or more is a common starting point in training (lecture 07).
# </details>

# %% [markdown]
# ## 5. Peepholes and coupled gates: two wiring choices
#
# If gates are neurons, LSTM variants are different ways of wiring them. Two are common
# (Greff et al. 2017 compared eight variants).
#
# **Peepholes** (Gers & Schmidhuber 2000) let the gates see the memory cell itself, one weight
# per unit: a connection from the central cell to each gate neuron.
#
# $$
# i_t = \sigma(W_i x_t + R_i h_{t-1} + w_{ci} \odot c_{t-1} + b_i), \quad
# f_t = \sigma(W_f x_t + R_f h_{t-1} + w_{cf} \odot c_{t-1} + b_f), \quad
# o_t = \sigma(W_o x_t + R_o h_{t-1} + w_{co} \odot c_t + b_o)
# \tag{8a}
# $$
#
# **Coupled gates** use one gate neuron for two jobs: the forget gate is the complement of the
# input gate, so the unit writes exactly as much as it forgets.
#
# $$
# f_t = 1 - i_t
# \tag{8b}
# $$
#
# With eq. 8b, eq. 6 reads $c_t = (1 - i_t) \odot c_{t-1} + i_t \odot z_t$: the rate network's
# update with $z = \Delta t/\tau$ replaced by a gate. Lecture 04 starts from there.

# %%
variants = {
    "standard": gatedrnn.LSTMCell(10, 32),
    "peephole=True": gatedrnn.LSTMCell(10, 32, peephole=True),
    "coupled=True": gatedrnn.LSTMCell(10, 32, coupled=True),
    "both": gatedrnn.LSTMCell(10, 32, peephole=True, coupled=True),
}
for label, cell in variants.items():
    n = sum(p.numel() for p in cell.parameters())
    extra = [name for name, _ in cell.named_parameters() if name.startswith("weight_c")]
    print(
        f"{label:14s} {n:5d} parameters; weight_ih {tuple(cell.weight_ih.shape)}; peepholes {extra}"
    )

# %% [markdown]
# Peepholes add $3H$ numbers (96 here), coupling removes a whole gate block, a quarter of the
# weights. Greff et al. found that neither choice changes much how well an LSTM learns speech,
# handwriting or music, whereas removing the forget gate or the output nonlinearity
# $\varphi_2$ hurts clearly. In the neuron picture: which gate neurons exist matters more than
# how they are wired among themselves.
#
# A coupled cell really obeys eq. 8b. With the memory cell at 1 and an input gate that the
# bias holds at $i = \sigma(1) \approx 0.73$, one step must leave $c_t = (1 - i) \cdot 1 + i\, z_t$:

# %%
coupled = gatedrnn.LSTMCell(1, 1, coupled=True)
with torch.no_grad():
    coupled.weight_ih.zero_()
    coupled.weight_hh.zero_()
    coupled.bias_hh.zero_()
    coupled.bias_ih.copy_(torch.tensor([1.0, 0.5, 0.0]))  # blocks (i, z, o): a_i = 1, a_z = 0.5
    _, state = coupled(torch.zeros(1, 1), gatedrnn.LSTMState(torch.zeros(1, 1), torch.ones(1, 1)))
i, z_t = torch.sigmoid(torch.tensor(1.0)), torch.tanh(torch.tensor(0.5))
print(f"the cell's c_t: {state.c.item():.4f} | (1 - i) c_(t-1) + i z_t = {(1 - i) + i * z_t:.4f}")

# %% [markdown]
# **Think!** In the neuron picture, what does a peephole connection from $c_t$ to the output
# gate let the output-gate neuron do that it could not do before?
#
# <details><summary>Answer</summary>
#
# Without peepholes the gates see only $x_t$ and $h_{t-1} = o_{t-1} \odot \varphi_2(c_{t-1})$.
# When the output gate is closed, $h$ is near zero and no gate can tell what is stored: the
# memory is hidden from everyone, the gates included. A peephole gives the output-gate neuron a
# direct line from the central cell, so it can open the output when the stored value crosses a
# level (for example to time an output, which is why Gers & Schmidhuber introduced them).
#
# </details>

# %% [markdown]
# The two wirings drawn: peepholes are the dotted connections from the soma to the gate
# neurons; a coupled unit has no forget-gate neuron of its own, its input gate serves both.

# %%
diagrams.lstm_diagram(peephole=True)

# %%
diagrams.lstm_diagram(coupled=True)

# %% [markdown]
# ## 6. Explorer: one LSTM unit, every gate on a slider
#
# The explorer below runs one LSTM unit (left column) on an input you choose. Each gate has an
# input weight $w$ and a bias $b$: $i = \sigma(w_i x + b_i)$ and so on. The right column is the
# *subtractive* unit of lecture 06; ignore it for now.
#
# Try:
#
# 1. $b_f = -4$: the forget gate closes and the memory only lasts one step.
# 2. $w_i = 0$, $b_i = 4$: the input gate is always open; the memory takes in the input between
#    the pulses too (switch the input to "noise" to see it).
# 3. $b_o = -6$: the output gate closes. The memory cell still stores the pulses, but $h$ shows
#    nothing.
# 4. Input "step" with $b_f = 0$ and $b_f = 5$: the memory cell settles at a level that depends
#    on $f$ (it settles where $c = f c + i z$, at $c = i z / (1 - f)$).

# %%
explore.gate_explorer()

# %% [markdown]
# The same unit in the picture of section 4, step by step. The live explorer runs one LSTM unit
# and one subLSTM unit (lecture 06) with the same weights on the same input, reads their gates
# through the cells' own `gates`, and colours the diagram by the values at step $t$: dark gates
# are nearly closed, bright ones open; the memory $c$ and output $h$ go from purple (negative)
# to orange (positive). Press play, or drag $t$ across a pulse and watch the input gate open
# and the memory fill; then set the forget gate's bias $b_f$ to $-2$ and watch it drain.

# %%
explore.live_gate_explorer()

# %% [markdown]
# ### Your turn 3: open or closed, from the weights alone
#
# A gate is *open* when it lets more than half through ($> 0.5$), that is when its
# pre-activation $w x + b$ is positive. One unit (I = H = 1, no recurrent weights) has
#
# | gate | $w$ | $b$ |
# |---|---|---|
# | input $i$ | 3 | −1 |
# | forget $f$ | −2 | 1 |
# | output $o$ | 0.5 | 0.2 |
#
# Without running the cell, say for the inputs $x = +1$ and $x = -1$ which gates are open:
# fill in `True` (open) or `False` (closed). The check asks the cell, `unit.gates(x, state)`.

# %%
open_at_plus_1 = {"i": ..., "f": ..., "o": ...}
open_at_minus_1 = {"i": ..., "f": ..., "o": ...}

unit = gatedrnn.LSTMCell(1, 1)
with torch.no_grad():
    unit.weight_hh.zero_()
    unit.bias_hh.zero_()
    for name, w, b in (("i", 3.0, -1.0), ("f", -2.0, 1.0), ("z", 1.0, 0.0), ("o", 0.5, 0.2)):
        unit.weight_ih[unit.block(name)] = w
        unit.bias_ih[unit.block(name)] = b
    for x_value, answer in ((1.0, open_at_plus_1), (-1.0, open_at_minus_1)):
        g = unit.gates(torch.tensor([[x_value]]))  # from the zero state
        check(f"open gates at x = {x_value:+g}", answer,
              expected={name: bool(g[name].item() > 0.5) for name in "ifo"})

# %% [markdown]
# <details><summary>Hint</summary>
#
# Compute $w x + b$ for each gate and look at its sign: $\sigma(u) > 0.5$ exactly when $u > 0$.
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# open_at_plus_1 = {"i": True, "f": False, "o": True}    # 2, -1, 0.7
# open_at_minus_1 = {"i": False, "f": True, "o": False}  # -4, 3, -0.3
# ```
#
# At $x = +1$ the unit writes and shows but forgets; at $x = -1$ it holds its memory and
# hides it. A positive $w$ opens a gate for positive inputs, a negative $w$ for negative ones,
# and $b$ sets the threshold $x = -b/w$ at which the gate swings. (In lecture 06 the same
# weights will *close* a subtractive gate.)
# </details>

# %% [markdown]
# ## 7. Where LSTMs are used
#
# Hochreiter and Schmidhuber designed the LSTM for problems with long time lags, where a
# vanilla RNN's gradients vanish (lecture 07). Twenty years later, when the subLSTM of lecture
# 06 was proposed (Costa et al. 2017), LSTMs were state of the art, or close to it, in
#
# - **language modelling**: a well-tuned LSTM beat newer architectures (Melis et al. 2017);
# - **image captioning**: an LSTM writes the caption word by word (Lu et al. 2016);
# - **speech recognition**: Listen, Attend and Spell (Chan et al. 2016);
# - **machine translation**: attention over LSTM encoders (Luong et al. 2015); Google's neural
#   translation system was a deep LSTM (Wu et al. 2016);
#
# and they ran inside products such as Apple's Siri, Google Translate and Amazon's Alexa.
#
# Since then the **Transformer** (Vaswani et al. 2017) has taken over most large-scale language
# and translation work: it looks at a whole sequence at once, so its training runs in parallel
# over time, whereas an LSTM must step through the sequence one element after another.
# LSTMs remain at home where data arrive one step at a time and the memory must stay small and
# of fixed size: streaming, on-device speech recognition (He et al. 2019), time series and
# control, agents trained by reinforcement learning (OpenAI Five; AlphaStar, Vinyals et al.
# 2019), and models of neural data. And gating lives on: newer recurrent models that do train
# in parallel, such as the xLSTM (Beck et al. 2024) and selective state-space models like
# Mamba (Gu & Dao 2023), keep an input-dependent decay of their state, a forget gate by another
# name.
#
# **Think!** Why can a Transformer's training run in parallel over the time steps of a
# sequence, while an LSTM's cannot?
#
# <details><summary>Answer</summary>
#
# Every LSTM step needs $h_{t-1}$ and $c_{t-1}$, which the previous step has to compute first:
# the gates depend on the state, so step $t$ waits for step $t - 1$. A Transformer computes
# each position from the *inputs* of all positions (through attention), not from a state
# carried forward, so all positions of a training sequence can be computed at once. The price
# is memory and compute that grow with the length of the context, where an LSTM keeps a state
# of fixed size.
#
# </details>

# %% [markdown]
# ## Summary
#
# - An LSTM unit is a leaky rate unit whose leak ($f_t$), write ($i_t$) and read ($o_t$) are
#   set at every step by three sigmoid gates (eq. 6–10).
# - Pinning $o = 1$, $i = z$, $f = 1 - z$ turns it into the rate network of lecture 02
#   (eq. 13): the rate form with $\varphi_2$ = identity, the voltage form with $\varphi_1$ =
#   identity. `reductions.lstm_from_rate_cell` builds that LSTM and it reproduces `RateCell`.
# - The forget gate is a time constant $\tau = \Delta t/(1 - f_t)$ that the network sets
#   itself; gates read as neurons contacting the cell near its soma (input, forget) or on its
#   axon (output).
# - Peepholes and coupled gates are wiring choices; `LSTMCell(peephole=True, coupled=True)`.
# - `gatedrnn.LSTMCell` equals `torch.nn.LSTMCell` with copied weights.
# - LSTMs carried language, speech and translation until about 2017; Transformers took over
#   large-scale language work, while LSTMs stay where memory must be small and streaming.
#
# **Exercise 3** (`exercises/ex03_lstm.ipynb`): write the LSTM step yourself, check it against
# `torch.nn.LSTMCell`, and find the rate network inside it. **Next:** lecture 04 couples the
# gates and arrives at the GRU.
#
# ## References and further reading
#
# - Ahmadian, Y. (2018). *Notes on LSTMs and GRUs*, section 2 — eqs. 6–13 and the reduction to
#   the rate network, followed in sections 1 and 3.
# - Hochreiter, S. & Schmidhuber, J. (1997). Long short-term memory. *Neural Computation* 9,
#   1735–1780. [doi:10.1162/neco.1997.9.8.1735](https://doi.org/10.1162/neco.1997.9.8.1735)
# - Gers, F. A., Schmidhuber, J. & Cummins, F. (2000). Learning to forget: continual prediction
#   with LSTM. *Neural Computation* 12, 2451–2471.
#   [doi:10.1162/089976600300015015](https://doi.org/10.1162/089976600300015015) — the forget gate.
# - Gers, F. A. & Schmidhuber, J. (2000). Recurrent nets that time and count. *IJCNN 2000*.
#   [doi:10.1109/IJCNN.2000.861302](https://doi.org/10.1109/IJCNN.2000.861302) — peepholes.
# - Greff, K., Srivastava, R. K., Koutník, J., Steunebrink, B. R. & Schmidhuber, J. (2017).
#   LSTM: a search space odyssey. *IEEE Transactions on Neural Networks and Learning Systems* 28,
#   2222–2232. [arXiv:1503.04069](https://arxiv.org/abs/1503.04069) — eight variants compared.
# - Costa, R. P., Assael, Y. M., Shillingford, B., de Freitas, N. & Vogels, T. P. (2017).
#   Cortical microcircuits as gated-recurrent neural networks. *NeurIPS 30*.
#   [arXiv:1711.02448](https://arxiv.org/abs/1711.02448) — the mapping of section 4 made
#   precise; lecture 06.
# - Olah, C. (2015). *Understanding LSTM networks*.
#   [colah.github.io](https://colah.github.io/posts/2015-08-Understanding-LSTMs/) — the
#   classic illustrated walk through the gates.
# - Goodfellow, I., Bengio, Y. & Courville, A. (2016). *Deep Learning*, section 10.10 (the LSTM
#   and other gated RNNs). [deeplearningbook.org](https://www.deeplearningbook.org)
# - Where LSTMs are used (section 7): Melis, G., Dyer, C. & Blunsom, P. (2017), On the state of
#   the art of evaluation in neural language models,
#   [arXiv:1707.05589](https://arxiv.org/abs/1707.05589); Lu, J., Xiong, C., Parikh, D. &
#   Socher, R. (2016), Knowing when to look: adaptive attention via a visual sentinel for image
#   captioning, [arXiv:1612.01887](https://arxiv.org/abs/1612.01887); Chan, W., Jaitly, N.,
#   Le, Q. & Vinyals, O. (2016), Listen, attend and spell,
#   [arXiv:1508.01211](https://arxiv.org/abs/1508.01211); Luong, M.-T., Pham, H. & Manning,
#   C. D. (2015), Effective approaches to attention-based neural machine translation,
#   [arXiv:1508.04025](https://arxiv.org/abs/1508.04025); Wu, Y. et al. (2016), Google's neural
#   machine translation system, [arXiv:1609.08144](https://arxiv.org/abs/1609.08144).
# - What came after: Vaswani, A. et al. (2017), Attention is all you need,
#   [arXiv:1706.03762](https://arxiv.org/abs/1706.03762); He, Y. et al. (2019), Streaming
#   end-to-end speech recognition for mobile devices,
#   [arXiv:1811.06621](https://arxiv.org/abs/1811.06621); OpenAI et al. (2019), Dota 2 with
#   large scale deep reinforcement learning (OpenAI Five),
#   [arXiv:1912.06680](https://arxiv.org/abs/1912.06680); Vinyals, O. et al. (2019),
#   Grandmaster level in StarCraft II using multi-agent reinforcement learning, *Nature* 575,
#   350–354, [doi:10.1038/s41586-019-1724-z](https://doi.org/10.1038/s41586-019-1724-z); Beck,
#   M. et al. (2024), xLSTM: extended long short-term memory,
#   [arXiv:2405.04517](https://arxiv.org/abs/2405.04517); Gu, A. & Dao, T. (2023), Mamba:
#   linear-time sequence modeling with selective state spaces,
#   [arXiv:2312.00752](https://arxiv.org/abs/2312.00752).
