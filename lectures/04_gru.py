# %% [markdown]
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gatedrnn/gatedrnn/blob/v0.1.0/lectures/04_gru.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gatedrnn/gatedrnn/v0.1.0?urlpath=lab/tree/lectures/04_gru.ipynb)
#
# # Lecture 04 — The GRU: a rate network that sets its own time constants
#
# The rate network of lecture 02 has one fixed number per unit, $z = \Delta t/\tau$, that says
# how fast the unit forgets. Make that number a gate and you get the *simple-GRU*; add a second
# gate that decides how much of the past the candidate may see and you get the gated recurrent
# unit (GRU) of Cho et al. (2014), the LSTM's leaner cousin. A GRU is a plain dynamical system,
# $h_t = F(h_{t-1}, x_t)$, so we can look at it with the tools of dynamics: Jacobians, fixed
# points and their eigenvalues.
#
# **After this lecture you can**
#
# - write the simple-GRU (notes eq. 14–15) and show it is the coupled LSTM with $\varphi_2$ the
#   identity and no output gate;
# - write the GRU (notes eq. 16–18), say where the reset gate acts in the notes and Cho et al.
#   ("before") and in PyTorch and cuDNN ("after"), and translate the notes' $z$ into PyTorch's
#   update gate $u = 1 - z$;
# - treat the GRU as a map $h_t = F(h_{t-1}, x_t)$ (eq. 19–20): compute its Jacobian, find fixed
#   points and decide their stability from the eigenvalues;
# - read the update gate as a time constant the network learns and changes on the fly;
# - count a GRU's parameters and say why it has a quarter fewer than an LSTM of the same size.
#
# The derivation follows Yashar Ahmadian's notes on LSTMs, GRUs and rate networks (2018):
# equations (14)–(20) carry the notes' numbers, and the notes' letters are translated once into
# the course's ($W$ for input weights, $R$ for recurrent ones; lecture 02).
#
# **Time:** about 60 minutes, with the three short exercises inside the lecture. The exercise that goes with it is `exercises/ex04_gru.ipynb`.

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

from gatedrnn import derive, explore, reductions
from gatedrnn.practice import check

torch.set_num_threads(1)  # the networks here are tiny: one thread is the fastest

# %% [markdown]
# ## 1. The simple-GRU: the rate network with a gated time constant
#
# Start from the rate network's Euler step (lecture 02, eq. 2) and let the constant
# $z = \Delta t/\tau$ become a gate computed like the LSTM's:
#
# $$
# r_t = (1 - z_t) \odot r_{t-1} + z_t \odot \varphi(W x_t + R\, r_{t-1} + b)
# \tag{14}
# $$
#
# $$
# z_t = \sigma(W_z x_t + R_z r_{t-1} + b_z).
# \tag{15}
# $$
#
# $z_t \to 0$ is a long time constant: the unit holds its value and integrates its input
# slowly. $z_t \to 1$ is no memory at all: the unit jumps to its target $\varphi(\cdot)$. Each
# unit can move between the two extremes at every step, depending on the input and on the
# activity of the whole network. In PyTorch-like notation the library names the candidate's
# block $n$, so `SimpleGRUCell` stacks its weights in the order **(z, n)**.
#
# Compare eq. 14 with the LSTM of lecture 03, $c_t = f_t \odot c_{t-1} + i_t \odot z_t$,
# $h_t = o_t \odot \varphi_2(c_t)$. Take the memory cell as the rate, $c_t = r_t$, and eq. 14 is
# the LSTM with
#
# - coupled gates, $i_t = 1 - f_t$ (the notes' gate $z_t$ is the LSTM's input gate),
# - no output gate, $o_t = 1$,
# - $\varphi_2$ the identity.
#
# `reductions.lstm_from_simple_gru` builds that LSTM from a simple-GRU. Both run on the same
# input:

# %%
torch.manual_seed(0)  # the same random weights and inputs on every run
sgru = gatedrnn.SimpleGRUCell(3, 16)
lstm = reductions.lstm_from_simple_gru(sgru)
print(f"LSTM options: coupled={lstm.coupled}, phi1={lstm.phi1}, phi2={lstm.phi2}")

x = torch.randn(40, 8, 3)  # (T, B, I)
with torch.no_grad():
    r, _ = gatedrnn.Recurrent(sgru)(x)  # (T, B, H)
    h, (h_n, c_n) = gatedrnn.Recurrent(lstm)(x)
torch.testing.assert_close(h, r)  # the LSTM's output is the simple-GRU's rate, at every step
torch.testing.assert_close(c_n[0], r[-1])  # and its memory cell holds the same number

# %% [markdown]
# The two networks agree at every step to float32 rounding (`assert_close` would stop with the
# largest difference if they did not), and the LSTM's memory cell is the rate itself.

# %% [markdown]
# Drawn with the parts of lecture 02's rate unit, the simple-GRU is the same leaky integrator:
# the candidate enters through $z_t$ and the old state leaks through $1 - z_t$. Only now $z_t$
# is a neuron of its own, computed from the input and the state.

# %%
from gatedrnn import diagrams

diagrams.gru_diagram(simple=True)

# %% [markdown]
# ## 2. The GRU
#
# The GRU adds a second gate, here called $o_t$ as in the notes: it scales the recurrent input
# of the candidate. Writing $h$ for the state,
#
# $$
# h_t = (1 - z_t) \odot h_{t-1} + z_t \odot \varphi\big(W x_t + R\,(o_t \odot h_{t-1}) + b\big)
# \tag{16}
# $$
#
# $$
# z_t = \sigma(W_z x_t + R_z h_{t-1} + b_z)
# \tag{17}
# $$
#
# $$
# o_t = \sigma(W_o x_t + R_o h_{t-1} + b_o).
# \tag{18}
# $$
#
# The notes' $o_t$ is almost, but not quite, the LSTM's output gate: it acts only inside the
# candidate, and it uses the *current* step's value $o_t$ on $h_{t-1}$. That timing is what makes
# $h_t$ alone a complete state (section 3).
#
# **Two conventions for the same unit.** Everyone else writes the GRU in other letters:
#
# | the notes | common name | PyTorch (`torch.nn.GRUCell`) | relation |
# |---|---|---|---|
# | $o_t$ | reset gate | `r` | same gate |
# | $z_t$ | — | — | $z_t = 1 - u_t$ |
# | — | update gate | `z`, here $u_t$ | $u_t = 1 - z_t$, the fraction of $h_{t-1}$ **kept** |
#
# PyTorch's update gate $u_t$ multiplies the old state, $h_t = u_t \odot h_{t-1} + (1 - u_t)
# \odot n_t$; the notes' $z_t$ multiplies the new candidate. Same unit, complementary gate:
# since $1 - \sigma(a) = \sigma(-a)$, the notes' weights are PyTorch's with the sign flipped.
#
# **Where the reset gate acts.** The notes and Cho et al. (2014) apply it *before* the
# recurrent matrix, $R\,(o_t \odot h_{t-1})$. PyTorch and cuDNN apply it *after*, to the
# recurrent input and its bias, $o_t \odot (R\, h_{t-1} + b_{hn})$, which lets the matrix product
# for all three blocks be done at once. `GRUCell(reset="after")` (the default) is PyTorch's GRU;
# `GRUCell(reset="before")` is the notes'. The fused weights are PyTorch's in both cases:
# blocks **(r, u, n)**.

# %%
gru_after = gatedrnn.GRUCell(3, 16)  # reset="after", the default
torch_gru = torch.nn.GRUCell(3, 16)
gru_after.load_state_dict(torch_gru.state_dict())  # same names and blocks (r, u, n)
x_t, h_prev = torch.randn(8, 3), torch.randn(8, 16)  # (B, I), (B, H)
with torch.no_grad():
    h_after, _ = gru_after(x_t, gatedrnn.HiddenState(h_prev))
    h_torch = torch_gru(x_t, h_prev)
torch.testing.assert_close(h_after, h_torch)  # GRUCell(reset="after") is torch.nn.GRUCell

# %% [markdown]
# And the notes' equations, written out with the notes' letters, give the reset-before cell.
# The only translation is $z = 1 - u$, i.e. the notes' $W_z, R_z, b_z$ are minus PyTorch's
# update-gate weights:

# %%
gru_before = gatedrnn.GRUCell(3, 16, reset="before")
gru_before.load_state_dict(torch_gru.state_dict())  # the same numbers, reset before R
W_o, W_u, W = gru_before.weight_ih.chunk(3)  # (H, I) each: reset, update, candidate
R_o, R_u, R = gru_before.weight_hh.chunk(3)  # (H, H) each
b_o, b_u, b = (gru_before.bias_ih + gru_before.bias_hh).chunk(3)  # (H,) each
with torch.no_grad():
    z = torch.sigmoid(-(x_t @ W_u.T + h_prev @ R_u.T + b_u))  # eq. 17, W_z = -W_u: z = 1 - u
    o = torch.sigmoid(x_t @ W_o.T + h_prev @ R_o.T + b_o)  # eq. 18, the reset gate
    h_notes = (1 - z) * h_prev + z * torch.tanh(x_t @ W.T + (o * h_prev) @ R.T + b)  # eq. 16
    h_before, _ = gru_before(x_t, gatedrnn.HiddenState(h_prev))
torch.testing.assert_close(h_notes, h_before)  # the notes' eq. 16-18 are reset="before"
gap = (h_before - h_after).abs().max()
print(f"same weights, reset before vs after: the states differ by up to {gap:.1f}")

# %% [markdown]
# **Think!** Start from $h_{t-1} = 0$. Do the two GRUs give the same $h_t$ on the first step?
#
# <details><summary>Answer</summary>
#
# Only if the candidate's recurrent bias $b_{hn}$ is zero (or the reset gate is fully open).
# With $h_{t-1} = 0$ the "before" candidate is $\tanh(W x_t + b_{in} + b_{hn})$, since
# $R\,(o \odot 0) = 0$; the "after" candidate is $\tanh(W x_t + b_{in} + o_t \odot b_{hn})$,
# because PyTorch puts $b_{hn}$ inside the reset. From the second step on, $R(o \odot h)$ and
# $o \odot (R h)$ differ whenever the units' reset gates differ. The two are different models
# that happen to share a parameter layout; neither is "the" GRU, but only "after" loads
# PyTorch's and cuDNN's trained weights unchanged.
#
# </details>
#
# **Think!** You train a GRU in PyTorch and find that one unit's update-gate bias has grown to
# $+5$. Is that unit fast or slow?
#
# <details><summary>Answer</summary>
#
# Slow. PyTorch's update gate $u = \sigma(5) \approx 0.99$ is the fraction of the old state
# kept, so the notes' $z = 1 - u \approx 0.007$ and the unit's time constant is about
# $\Delta t/z \approx 150$ steps (while its input leaves the gate alone). In the notes' letters
# the same unit has $b_z = -5$.
#
# </details>

# %% [markdown]
# The GRU drawn both ways: the reset gate $r$ (the notes' $o$) scales the recurrent input
# before $R$ (the notes, Cho et al.) or after it (PyTorch), and $z$ is the time constant of
# the simple-GRU.

# %%
diagrams.gru_diagram(reset="before")

# %%
diagrams.gru_diagram(reset="after")

# %% [markdown]
# ## 3. The GRU as a dynamical system
#
# Put eq. 17 and 18 into eq. 16 and the GRU is one map of its state,
#
# $$
# h_t = F(h_{t-1}, x_t)
# \tag{19}
# $$
#
# $$
# F(h, x) = \sigma(-W_z x - R_z h - b_z) \odot h
#   + \sigma(W_z x + R_z h + b_z)
#     \odot \varphi\big(W x + R\,[\sigma(W_o x + R_o h + b_o) \odot h] + b\big)
# \tag{20}
# $$
#
# (using $1 - \sigma(a) = \sigma(-a)$). Nothing else is carried from step to step. For the LSTM
# the state is the pair $(h_t, c_t)$: $c_t$ alone is not enough, because $h_t = o_t \odot
# \varphi_2(c_t)$ uses the output gate of the same step, which depends on $h_{t-1}$. The notes
# remark that $c_t$ *would* be a complete state if the output gate applied to $\varphi_2(c_t)$
# were the next step's, $o_{t+1}$, computed together with the other gates from $c_t$ and
# $x_{t+1}$ — which is exactly the timing of the GRU's reset gate: $o_t$ is computed from
# $h_{t-1}$ and $x_t$ and applied to $h_{t-1}$.
#
# ### The Jacobian
#
# How a small change of $h_{t-1}$ moves $h_t$ is the Jacobian $J_t = \partial F/\partial
# h_{t-1}$, an $H \times H$ matrix. Differentiating eq. 20 term by term,
#
# $$
# J_t = \mathrm{diag}(1 - z_t)
#   + \mathrm{diag}\big((n_t - h_{t-1}) \odot z_t (1 - z_t)\big) R_z
#   + \mathrm{diag}\big(z_t \odot \varphi'(a_n)\big)\, \frac{\partial a_n}{\partial h_{t-1}},
# \tag{21}
# $$
#
# with $n_t = \varphi(a_n)$ the candidate and $a_n$ its argument. The first term is the leak:
# with $z_t \to 0$, $J_t \to I$ and the state is copied unchanged. Backpropagation through time
# multiplies these matrices (transposed) one per step, so this is also the path the gradient
# takes back in time. `derive.state_jacobian(cell, x_t, h)` computes eq. 21 in closed form for
# both reset conventions; autograd agrees:

# %%
for reset in ("before", "after"):
    cell = gatedrnn.GRUCell(3, 6, reset=reset).double()
    x_t, h_prev = torch.randn(3, dtype=torch.float64), torch.randn(6, dtype=torch.float64)
    J = derive.state_jacobian(cell, x_t, h_prev)  # (H, H) for a single example

    def step(h, cell=cell, x_t=x_t):
        return cell(x_t[None], gatedrnn.HiddenState(h[None]))[0][0]  # F(h, x_t), (H,)

    J_autograd = torch.autograd.functional.jacobian(step, h_prev)
    torch.testing.assert_close(J, J_autograd, rtol=0, atol=1e-10)  # eq. 21 is autograd's J

# %% [markdown]
# ### Fixed points, and their eigenvalues
#
# Hold the input constant. A fixed point is a state the map leaves in place,
# $F(h^*, x) = h^*$. Near it, a small perturbation $\delta$ evolves as $\delta_t \approx
# J(h^*)\, \delta_{t-1}$: it decays when every eigenvalue of $J(h^*)$ lies inside the unit circle,
# $|\lambda| < 1$ (a **stable** fixed point, an attractor), and grows along any direction with
# $|\lambda| > 1$ (unstable).
#
# `derive.fixed_point(cell, x, h0)` finds $h^*$ from a starting guess $h_0$ by Newton's method
# and returns the eigenvalues there. A GRU of two units lets us see the whole state space. We
# wire it by hand: each unit excites itself strongly ($R = 3$ on the diagonal, plus a weak
# rotation between the two), the reset gate is held nearly open and the update gate at
# $z = \sigma(-1) \approx 0.27$. The input is zero.

# %%
two = gatedrnn.GRUCell(1, 2, reset="before").double()
with torch.no_grad():
    for p in two.parameters():
        p.zero_()
    two.weight_hh[4:6] = torch.tensor([[3.0, 0.5], [-0.5, 3.0]])  # R, the candidate's block n
    two.bias_ih[0:2] = 3.0  # reset gate o = σ(3) ≈ 0.95
    two.bias_ih[2:4] = 1.0  # PyTorch's update gate u = σ(1): the notes' z = 1 - u ≈ 0.27

side = np.linspace(-1.2, 1.2, 5)
guesses = np.array([(a, b) for a in side for b in side])  # (25, 2): 25 starting points
fp = derive.fixed_point(two, np.zeros((len(guesses), 1)), guesses)
found = np.unique(fp.h[fp.converged].round(6), axis=0, return_index=True)[1]
points = fp.converged.nonzero()[0][found]  # one example index per distinct fixed point
print(f"{len(points)} distinct fixed points from {len(guesses)} starting guesses")
for n, k in enumerate(points):
    h_star = np.round(fp.h[k], 2) + 0.0
    eigenvalues = sorted(
        np.round(fp.eigenvalues[k], 2) + 0.0, key=lambda lam: (-lam.real, -lam.imag)
    )
    eig = ", ".join(f"{lam.real:+.2f}{lam.imag:+.2f}j" for lam in eigenvalues)
    print(f"point {n}: h* = ({h_star[0]:+.2f}, {h_star[1]:+.2f})   eigenvalues of J: {eig}")

# %% [markdown]
# ### Your turn 1: stable or not?
#
# `fp.eigenvalues[points]` holds the two eigenvalues of $J(h^*)$ at each of the nine fixed
# points, one row per point, as complex numbers. Decide for every point whether it is stable:
# a boolean array `stable` with one entry per point, in the order printed above.

# %%
# Your turn: replace the ... with your answer, then run the cell.
eig = fp.eigenvalues[points]  # (9, 2) complex: the eigenvalues at each fixed point
stable = ...

check("which fixed points are stable", stable, expected=fp.stable[points])

# %% [markdown]
# <details><summary>Hint</summary>
#
# A perturbation shrinks along an eigenvector when $|\lambda| < 1$; `np.abs` gives the modulus
# of a complex number, and `.all(axis=1)` asks "every eigenvalue of the row?".
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# stable = (np.abs(eig) < 1).all(axis=1)
# ```
# A fixed point is stable when *every* eigenvalue lies inside the unit circle; one eigenvalue
# outside is enough to make it unstable (a saddle if the other is inside). Four points are
# stable: the corners.
# </details>

# %%
grid = np.linspace(-1.3, 1.3, 27)
h1, h2 = np.meshgrid(grid, grid)
states = torch.tensor(np.stack([h1.ravel(), h2.ravel()], axis=1))  # (27², 2): a batch of states
starts = torch.tensor(
    [[0.05, 0.1], [-0.1, 0.02], [0.9, 0.1], [-0.3, -1.2], [1.2, -0.6]], dtype=torch.float64
)
with torch.no_grad():
    moved, _ = two(torch.zeros(len(states), 1, dtype=torch.float64), gatedrnn.HiddenState(states))
    step = (moved - states).numpy()  # F(h) - h on the grid
    paths, _ = gatedrnn.Recurrent(two)(torch.zeros(25, len(starts), 1, dtype=torch.float64), starts)

fig, ax = plt.subplots(figsize=(5.6, 5.8), layout="constrained")
ax.streamplot(
    h1, h2, step[:, 0].reshape(h1.shape), step[:, 1].reshape(h1.shape), color="0.75", density=1.1
)
for j in range(len(starts)):
    path = np.vstack([starts[j].numpy(), paths[:, j].numpy()])
    ax.plot(path[:, 0], path[:, 1], ".-", color="tab:blue", lw=1, ms=4)
for k in points:
    ax.plot(*fp.h[k], "o", ms=9, mec="k", mfc="k" if fp.stable[k] else "white")
ax.plot([], [], ".-", color="tab:blue", label="trajectories $h_t$")
ax.plot([], [], "o", mec="k", mfc="k", label="stable fixed point")
ax.plot([], [], "o", mec="k", mfc="white", label="unstable fixed point")
ax.set(
    xlabel="$h_1$",
    ylabel="$h_2$",
    aspect="equal",
    title="A two-unit GRU: grey lines follow $F(h) - h$",
)
fig.legend(fontsize="small", loc="outside lower center", ncols=3, frameon=False)
plt.show()

# %% [markdown]
# Four stable fixed points, one per corner: the network can hold two bits, one per unit, for as
# long as you like. Between them sit saddles (one eigenvalue above 1, one below), and the origin
# is unstable, with a complex pair of eigenvalues from the rotation, so trajectories spiral out
# of it. Eigenvalues at the stable points are near $0.75$: close to $1 - z = 0.73$, the leak
# term of eq. 21, because there the candidate is saturated ($\varphi' \approx 0$).
#
# **Think!** What happens to the four memories if you make the candidate's self-excitation
# weaker, say $R = 0.5$ on the diagonal?
#
# <details><summary>Answer</summary>
#
# They disappear. With the update gate anywhere above 0, a fixed point of eq. 16 is a state with
# $h = \tanh(R\,(o \odot h))$: the reset gate scales the recurrent input before it reaches the
# candidate. For one unit a non-zero solution needs the slope at the origin above 1, $o \cdot R
# > 1$; here $o = \sigma(3) \approx 0.95$, so $R$ must exceed about 1.05. With $R = 0.5$ the
# only fixed point is the origin, stable, and every trajectory flows into it: the network
# forgets everything. Memory as an attractor needs strong recurrence that the reset gate lets
# through; the update gate only sets how *fast* the state moves to it. Try it: change the two
# 3.0's on the diagonal of `R` above and run the cells again.
#
# </details>

# %% [markdown]
# ### Explorer: the phase portrait of two GRU units
#
# The explorer draws the same kind of network live, with the reset gate open: arrows show one
# step of the map, $F(h) - h$; filled circles are stable fixed points, open ones unstable; the
# right panel places each fixed point's eigenvalues against the unit circle. Move $R_{11}$ past
# 1: the single fixed point splits into two stable ones and a saddle. Give the units opposite
# cross-weights ($R_{12} = -R_{21}$): the eigenvalues turn complex and trajectories spiral. The
# update-gate bias changes the length of every arrow but moves no fixed point: $z$ is a time
# constant, not a memory.

# %% tags=["nbval-ignore-output"]
explore.gru_phase_explorer(r11=1.5, r22=0.5)

# %% [markdown]
# ## 4. Gates as learned time constants
#
# Eq. 16 is the rate network's Euler step with $z = \Delta t/\tau$ replaced by a gate. Read
# backwards, the update gate is a time constant that moves:
#
# $$
# \tau_{\mathrm{eff}, t} = \frac{\Delta t}{z_t} = \frac{\Delta t}{1 - u_t}.
# \tag{22}
# $$
#
# The eigenvalues say the same for a whole network. Below, a GRU of 32 units with PyTorch's
# initial weights and a constant random input; only the bias of PyTorch's update gate $u$
# changes. Near a stable fixed point a perturbation along an eigenvector shrinks by $|\lambda|$
# per step, so $\tau = -\Delta t/\ln|\lambda|$ is the time constant of that mode; the largest
# $|\lambda|$ is the network's slowest memory.

# %%
torch.manual_seed(1)
x_const = torch.randn(1, 4)  # (B, I): the constant input
spectra = {}
for b_u in (-2.0, 0.0, 3.0):
    torch.manual_seed(1)  # the same weights each time; only the update bias changes
    gru = gatedrnn.GRUCell(4, 32)
    with torch.no_grad():
        gru.bias_ih.zero_()
        gru.bias_hh.zero_()
        gru.bias_ih[32:64] = b_u  # block u: PyTorch's update gate
    fp = derive.fixed_point(gru, x_const)
    spectra[b_u] = fp.eigenvalues[0]
    rho = fp.spectral_radius[0]
    print(
        f"b_u = {b_u:+.0f}: z = 1 - u = {1 - 1 / (1 + np.exp(-b_u)):.2f};",
        f"fixed point {'stable' if fp.stable[0] else 'unstable'}; max |λ| = {rho:.2f};",
        f"slowest time constant {-1 / np.log(rho):.2g} steps",
    )

# %%
fig, ax = plt.subplots(figsize=(5.4, 5.2), layout="constrained")
angle = np.linspace(0, 2 * np.pi, 200)
ax.plot(np.cos(angle), np.sin(angle), color="k", lw=0.8)
for (b_u, eig), color in zip(spectra.items(), ("tab:red", "tab:orange", "tab:green"), strict=True):
    z_gate = 1 - 1 / (1 + np.exp(-b_u))
    ax.plot(
        eig.real, eig.imag, "o", ms=4, color=color, label=f"$b_u$ = {b_u:+.0f} (z ≈ {z_gate:.2f})"
    )
    ax.axvline(1 - z_gate, color=color, ls=":", lw=1)  # the leak term of eq. 21: λ = 1 - z
ax.set(
    xlabel="Re λ",
    ylabel="Im λ",
    aspect="equal",
    xlim=(-1.1, 1.1),
    ylim=(-1.1, 1.1),
    title="Eigenvalues of J at the fixed point, 32-unit GRU",
)
ax.legend(fontsize="small", loc="lower left", title="update-gate bias")
plt.show()

# %% [markdown]
# ### Your turn 2: a time constant from a gate
#
# A GRU unit whose PyTorch update-gate bias is $b_u = 3$, all its weights zero and its state at
# rest: what are the notes' gate $z$ and the effective time constant $\tau_{\mathrm{eff}}$ of
# eq. 22, in steps ($\Delta t = 1$)? And how many steps does the unit need to close 95 % of the
# gap to a new target (for a fixed gate, the gap shrinks by $1 - z$ per step)? To check you,
# the cell asks the library's GRU for its gate values (`cell.gates`) and runs it from $h = 1$
# towards its target, the candidate $\tanh(0) = 0$.

# %%
# Your turn: replace each ... with your answer, then run the cell.
b_u = 3.0
z = ...  # the notes' gate, z = 1 - u
tau_eff = ...  # in steps
steps_95 = ...  # the smallest whole number of steps with (1 - z)**steps <= 0.05

unit = gatedrnn.GRUCell(1, 1)
with torch.no_grad():
    for p in unit.parameters():
        p.zero_()
    unit.bias_ih[unit.block("u")] = b_u
    z_library = unit.gates(torch.zeros(1, 1), unit.init_state(1))["z"].item()  # the notes' z
    h, _ = gatedrnn.Recurrent(unit)(torch.zeros(200, 1, 1), torch.ones(1, 1))  # (T, B, H)
steps_library = int((h[:, 0, 0] > 0.05).sum()) + 1  # the first step with h <= 0.05
check("z", z, expected=z_library, rtol=1e-4)
check("tau_eff", tau_eff, expected=1 / z_library, rtol=1e-4)
check("steps to 95 %", steps_95, expected=steps_library)

# %% [markdown]
# <details><summary>Hint</summary>
#
# PyTorch's update gate is $u = \sigma(b_u)$ and the notes' gate is $z = 1 - u = \sigma(-b_u)$;
# eq. 22 gives $\tau_{\mathrm{eff}} = \Delta t / z$. For the steps, solve $(1 - z)^n \le 0.05$
# for $n$ with a logarithm.
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# z = 1 / (1 + np.exp(b_u))  # sigma(-3), about 0.047
# tau_eff = 1 / z  # about 21 steps
# steps_95 = int(np.ceil(np.log(0.05) / np.log(1 - z)))  # 62 steps
# ```
# About three time constants ($\ln 20 \approx 3$) take a leaky unit 95 % of the way: the same
# rule as for a membrane with $\tau = \Delta t/z$ (lecture 02).
# </details>
#
# The dotted lines mark $\lambda = 1 - z$, the leak term of eq. 21 alone; each cloud sits around
# its line, spread by the recurrent terms. With the gate mostly shut ($z \approx 0.05$) the
# whole spectrum crowds near $\lambda = 1$:
# every mode is slow and the network remembers for tens of steps. With $z \approx 0.88$ the
# eigenvalues spread towards the origin and memories fade within a step or two. A trained GRU
# sets $b_u$, $W_u$ and $R_u$ for each unit, and through them its time constants, and it can
# change them from step to step with the input.
#
# The explorer below puts the two pictures side by side. Left: one rate unit with a fixed
# $z = \Delta t/\tau$, its Euler steps against the exact solution (lecture 02). Right: one GRU
# unit whose gate $z_t = \sigma(w_z x_t + b_z)$ moves with two input pulses; its
# $\tau_{\mathrm{eff}}$ (dotted, log axis) drops while a pulse is on and climbs back when it is off.
#
# Try: $b_z = -6$ (the unit hardly moves, except during the pulses), $w_z = 0$ (a fixed gate:
# the GRU unit is a rate unit again), $w_z = -8$ with $b_z = 4$ (the unit *freezes* while the
# pulse is on and forgets otherwise).

# %%
explore.time_constant_explorer()

# %% [markdown]
# ### Gates and gradients
#
# Eq. 21 has $\mathrm{diag}(1 - z_t)$ as its first term. A unit whose gate stays near $z = 0$
# passes the gradient back nearly unchanged, step after step; the vanilla RNN,
# $h_t = \tanh(W x_t + R h_{t-1} + b)$, has no such term and its gradient shrinks or grows
# geometrically. The explorer below plots $\|\partial L/\partial h_t\|$ for a loss on the last
# step (`derive.gradient_flow`). Its "forget bias" slider sets the GRU's update-gate bias $b_u$.
# Try $b_u = 4$ and $b_u = -2$, and weight scales 0.5 and 2.
#
# At weight scale 1 the vanilla curve ends near $10^{-19}$ after 100 steps. The explorer draws
# its input weights from $\mathcal N(0, 1/I)$, large enough to push many units into the flat
# parts of tanh, where the factor $1 - h_t^2$ of the vanilla Jacobian is small; lecture 07 shows
# the same network with the cell's default, smaller input weights, and there the gradient only
# falls to about $10^{-6}$. How hard the input drives the units matters as much as $R$.

# %%
explore.gradient_flow_explorer(kinds=("vanilla", "GRU"), forget_bias=2.0)

# %% [markdown]
# ## 5. Fewer parameters: the GRU against the LSTM
#
# Count the blocks. A vanilla RNN has one block of weights (the candidate), the GRU three
# (reset, update, candidate), the LSTM and the subLSTM four (input, forget, candidate, output).
# Each block has an $H \times I$ input matrix, an $H \times H$ recurrent matrix and, in
# PyTorch's layout, two bias vectors of $H$. So a GRU has three quarters of the parameters of an
# LSTM with the same number of units — the GRU has no memory cell separate from its state and
# so no output gate. Chung et al. (2014) compared the two on polyphonic music and on raw speech
# signals: both beat the vanilla RNN clearly, and neither won everywhere. Greff et al. (2017)
# searched eight LSTM variants and found that coupling the input and forget gates, as the GRU
# does, costs nothing measurable, while removing the forget gate or the output nonlinearity
# hurts.
#
# ### Your turn 3: count a GRU's parameters
#
# Write the number of parameters of `gatedrnn.GRUCell(I, H)` as a formula in `I` and `H`.

# %%
# Your turn: replace the ... with a formula in I and H, then run the cell.
I, H = 28, 128
n_gru = ...


def count_parameters(cell):
    return sum(p.numel() for p in cell.parameters())


check("parameters of GRUCell(28, 128)", n_gru, expected=count_parameters(gatedrnn.GRUCell(I, H)))

# %% [markdown]
# <details><summary>Hint</summary>
#
# Three gate blocks, each with `weight_ih` rows $H \times I$, `weight_hh` rows $H \times H$ and
# two biases of $H$: look at `[p.shape for p in gatedrnn.GRUCell(I, H).parameters()]`.
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# n_gru = 3 * (H * I + H * H + 2 * H)  # 60 672
# ```
# The LSTM has $4 (H I + H^2 + 2H)$, so the ratio is exactly $3/4$ at every size.
# </details>
#
# The table counts every cell of the course from the library itself, at the sizes lecture 07
# and Costa et al. (2017) use: one input (MNIST-1D, MNIST pixel by pixel), 28 inputs (MNIST row by
# row), a 32-dimensional word embedding.

# %%
cell_types = {
    "vanilla RNN": gatedrnn.VanillaRNNCell,
    "simple-GRU": gatedrnn.SimpleGRUCell,
    "GRU": gatedrnn.GRUCell,
    "LSTM": gatedrnn.LSTMCell,
    "subLSTM": gatedrnn.SubLSTMCell,
}
sizes = [(1, 100), (1, 128), (28, 128), (32, 200)]  # (I, H)
print(f"{'cell':12s}" + "".join(f"{f'I={i}, H={h}':>15s}" for i, h in sizes) + "   vs LSTM")
for name, cell_type in cell_types.items():
    counts = [count_parameters(cell_type(i, h)) for i, h in sizes]
    lstm_count = count_parameters(gatedrnn.LSTMCell(*sizes[0]))
    print(f"{name:12s}" + "".join(f"{n:15,d}" for n in counts) + f"   {counts[0] / lstm_count:.2f}")

# %% [markdown]
# ## Summary
#
# - The simple-GRU (eq. 14–15) is the rate network with $z = \Delta t/\tau$ turned into a gate;
#   it equals the coupled LSTM with $\varphi_2$ the identity and $o = 1$
#   (`reductions.lstm_from_simple_gru`).
# - The GRU (eq. 16–18) adds a reset gate inside the candidate. The notes and Cho et al. apply
#   it before $R$ (`GRUCell(reset="before")`), PyTorch and cuDNN after
#   (`reset="after"`, equal to `torch.nn.GRUCell`). The notes' $z$ is $1 - u$, PyTorch's update
#   gate.
# - The GRU is a map $h_t = F(h_{t-1}, x_t)$ (eq. 19–20). Its Jacobian (eq. 21,
#   `derive.state_jacobian`) starts with $\mathrm{diag}(1 - z_t)$; fixed points
#   (`derive.fixed_point`) are memories when stable, $|\lambda| < 1$.
# - The update gate is a learned, input-dependent time constant, $\tau_{\mathrm{eff}} =
#   \Delta t/z_t$; a small $z$ makes slow modes and keeps gradients alive.
# - A GRU has three blocks of weights to the LSTM's four: three quarters of the parameters, and
#   results that Chung et al. (2014) found on a par with the LSTM's.
#
# **Exercise 4** (`exercises/ex04_gru.ipynb`): write the simple-GRU and GRU steps and the GRU's
# Jacobian yourself, and check them against `torch.nn.GRUCell` and autograd. **Next:**
# lecture 05 splits the units into excitatory and inhibitory cells, and lecture 06 builds a
# gated network from them.
#
# ## References and further reading
#
# - Yashar Ahmadian (2018), *Notes on LSTMs and GRUs* (course notes). The derivation of this
#   lecture, from the rate network to the simple-GRU and the GRU as a map (eq. 14–20), follows
#   them.
# - K. Cho, B. van Merriënboer, C. Gulcehre, D. Bahdanau, F. Bougares, H. Schwenk & Y. Bengio
#   (2014), *Learning phrase representations using RNN encoder–decoder for statistical machine
#   translation*, EMNLP. [arXiv:1406.1078](https://arxiv.org/abs/1406.1078) — where the GRU
#   was introduced, with the reset gate before $R$.
# - J. Chung, C. Gulcehre, K. Cho & Y. Bengio (2014), *Empirical evaluation of gated recurrent
#   neural networks on sequence modeling*. [arXiv:1412.3555](https://arxiv.org/abs/1412.3555)
#   — GRU against LSTM against the vanilla RNN on music and speech.
# - K. Greff, R. K. Srivastava, J. Koutník, B. R. Steunebrink & J. Schmidhuber (2017), *LSTM: a
#   search space odyssey*, IEEE Transactions on Neural Networks and Learning Systems 28,
#   2222–2232. [doi:10.1109/TNNLS.2016.2582924](https://doi.org/10.1109/TNNLS.2016.2582924) —
#   which parts of a gated cell matter, measured over thousands of runs.
# - R. Jozefowicz, W. Zaremba & I. Sutskever (2015), *An empirical exploration of recurrent
#   network architectures*, ICML.
#   [proceedings.mlr.press/v37/jozefowicz15](https://proceedings.mlr.press/v37/jozefowicz15.html)
#   — ten thousand architectures searched; the GRU is hard to beat, and a forget bias of 1 closes
#   the LSTM's gap.
# - D. Sussillo & O. Barak (2013), *Opening the black box: low-dimensional dynamics in
#   high-dimensional recurrent neural networks*, Neural Computation 25, 626–649.
#   [doi:10.1162/NECO_a_00409](https://doi.org/10.1162/NECO_a_00409) — fixed points and their
#   Jacobians as a way to read what a trained network computes.
# - I. Goodfellow, Y. Bengio & A. Courville (2016), *Deep Learning*, MIT Press, chapter 10.
#   [deeplearningbook.org](https://www.deeplearningbook.org/contents/rnn.html) — recurrent
#   networks, gated cells and long-term dependencies, in textbook form.
# - W. Gerstner, W. M. Kistler, R. Naud & L. Paninski (2014), *Neuronal Dynamics*, Cambridge
#   University Press. [neuronaldynamics.epfl.ch](https://neuronaldynamics.epfl.ch/online/) —
#   rate models, fixed points and their stability, from the neuroscience side.
