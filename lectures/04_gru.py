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
# - read the update gate as a time constant the network learns and changes on the fly.
#
# **Time:** about 50 minutes. The exercise that goes with it is `exercises/ex04_gru.ipynb`.

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
print(
    "simple-GRU equals the coupled LSTM with o = 1, phi2 = identity:",
    torch.allclose(r, h, atol=1e-6),
)
print("and the LSTM's memory cell is the rate:", torch.allclose(c_n[0], r[-1], atol=1e-6))

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
print(
    "GRUCell(reset='after') equals torch.nn.GRUCell:", torch.allclose(h_after, h_torch, atol=1e-6)
)

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
print(
    "notes' eq. 16-18 equal GRUCell(reset='before'):", torch.allclose(h_notes, h_before, atol=1e-6)
)
print(
    "reset before and after differ (same weights):", bool((h_before - h_after).abs().max() > 1e-3)
)

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
# (using $1 - \sigma(a) = \sigma(-a)$). Nothing else is carried from step to step. (For the LSTM
# the state is the pair $(h_t, c_t)$; $c_t$ alone is not enough because $h_t$ uses the output
# gate of the same step.)
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
    print(
        f"reset={reset:6s} J {tuple(J.shape)} equals autograd's:",
        torch.allclose(J, J_autograd, atol=1e-10),
    )

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
print(
    f"{len(points)} distinct fixed points from {len(guesses)} guesses, all converged:",
    bool(fp.converged.all()),
)
for k in points:
    h_star = np.round(fp.h[k], 2) + 0.0  # + 0.0 turns a rounded -0.0 into 0.0
    eigenvalues = sorted(
        np.round(fp.eigenvalues[k], 2) + 0.0, key=lambda lam: (-lam.real, -lam.imag)
    )
    eig = ", ".join(f"{lam.real:+.2f}{lam.imag:+.2f}j" for lam in eigenvalues)
    kind = "stable" if fp.stable[k] else "unstable"
    print(f"h* = ({h_star[0]:+.2f}, {h_star[1]:+.2f})  {kind:8s}  eigenvalues {eig}")

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
# They disappear. A fixed point away from 0 needs $h = \tanh(R h)$ to have a non-zero solution,
# which for one unit needs $R > 1$. With $R = 0.5$ the only fixed point is the origin, stable,
# and every trajectory flows into it: the network forgets everything. Memory as an attractor
# needs strong recurrence; the update gate only sets how *fast* the state moves to it. Try it:
# change the two 3.0's on the diagonal of `R` above and run the two cells again.
#
# </details>

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
        f"fixed point stable: {bool(fp.stable[0])}; max |λ| = {rho:.2f};",
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

# %%
explore.gradient_flow_explorer(kinds=("vanilla", "GRU"), forget_bias=2.0)

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
#
# **Exercise 4** (`exercises/ex04_gru.ipynb`): write the simple-GRU and GRU steps and the GRU's
# Jacobian yourself, and check them against `torch.nn.GRUCell` and autograd. **Next:**
# lecture 05 splits the units into excitatory and inhibitory cells, and lecture 06 builds a
# gated network from them.
