# %% [markdown]
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gatedrnn/gatedrnn/blob/v0.1.0/exercises/ex02_rate_networks.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gatedrnn/gatedrnn/v0.1.0?urlpath=lab/tree/exercises/ex02_rate_networks.ipynb)
#
# # Exercise 2 · Rate networks: Euler steps and Dale's principle
#
# You discretise the rate equations of the notes with Euler's method, in the rate form and in
# the voltage form, watch the discrete steps approach the continuous solution as $\Delta t$
# shrinks, and give a recurrent matrix the signs Dale's principle asks for. About 40 minutes;
# lecture `02_rate_networks` comes first.
#
# Each question ends with a **check cell**. It prints a score table when your code earns every
# point, and fails with the table otherwise: which property is wrong (a shape, a value at a
# sample point, the convergence, the signs) and a hint. Replace each `...` and
# `raise NotImplementedError` by your code, run the cell, then run its check.
# `exercises/README.md` lists the other ways to grade your work.
#
# | question | you implement | points |
# |---|---|---|
# | 2.1 | `euler_step_rate`: one Euler step of the rate form | 4 |
# | 2.2 | `euler_step_voltage`: one Euler step of the voltage form | 4 |
# | 2.3 | `apply_dale`: a recurrent matrix obeying Dale's principle | 5 |

# %%
# On Colab only: install the course package.
import subprocess
import sys

if "google.colab" in sys.modules:
    url = "git+https://github.com/gatedrnn/gatedrnn@v0.1.0"  # this release of the course
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", url], check=True)

# %%
import matplotlib.pyplot as plt
import torch

from gatedrnn import grading

# %% [markdown]
# ## 2.1 The rate form
#
# Each unit's firing rate relaxes with its own time constant $\tau_i$ towards a nonlinear
# function $\varphi$ of its input (notes eq. 1):
#
# $$ \tau \odot \frac{dr}{dt} = -r + \varphi(R r + W x + b). $$
#
# Euler's method replaces $dr/dt$ by $(r_t - r_{t-1})/\Delta t$; with $z = \Delta t / \tau$
# (one number per unit) this gives (notes eq. 2–3)
#
# $$ r_t = (1 - z) \odot r_{t-1} + z \odot \varphi(R\, r_{t-1} + W x_t + b). $$
#
# Shapes: `r` `(B, H)`, `x_t` `(B, I)`, `W` `(H, I)`, `R` `(H, H)`, `b` and `tau` `(H,)` in ms,
# `dt` a number in ms, `phi` an elementwise function such as `torch.tanh`. For a batch of row
# vectors, $R r$ is `r @ R.T`. The check also runs your step with smaller and smaller `dt` and
# compares the result at $t = 20$ ms with an accurate ODE solver.

# %%
def euler_step_rate(r, x_t, W, R, b, tau, dt, phi):
    """One Euler step of τ dr/dt = -r + φ(R r + W x + b): r (B, H) -> r_t (B, H)."""
    # BEGIN SOLUTION 2.1: compute z = dt / tau, then the new rates
    z = dt / tau  # (H,): the fraction of the way to the target that one step covers
    return (1 - z) * r + z * phi(r @ R.T + x_t @ W.T + b)
    # END SOLUTION


# %%
grading.check_euler_rate(euler_step_rate)

# %% [markdown]
# ## 2.2 The voltage form
#
# In the voltage form (notes eq. 4–5) the state is a membrane potential $v$ and the nonlinearity
# acts on the presynaptic side, before the weights:
#
# $$ \tau \odot \frac{dv}{dt} = -v + R\,\varphi(v) + W x + b, \qquad
#    v_t = (1 - z) \odot v_{t-1} + z \odot \big(R\,\varphi(v_{t-1}) + W x_t + b\big). $$

# %%
def euler_step_voltage(v, x_t, W, R, b, tau, dt, phi):
    """One Euler step of τ dv/dt = -v + R φ(v) + W x + b: v (B, H) -> v_t (B, H)."""
    # BEGIN SOLUTION 2.2: the same leaky step, with φ applied to v before R
    z = dt / tau
    return (1 - z) * v + z * (phi(v) @ R.T + x_t @ W.T + b)
    # END SOLUTION


# %%
grading.check_euler_voltage(euler_step_voltage)

# %% [markdown]
# ## 2.3 Dale's principle
#
# A neuron releases one kind of transmitter, so all its outgoing synapses share one sign. Unit
# $j$'s outgoing weights form **column** $j$ of $R$ (it multiplies $r_j$), so Dale's principle
# says every column has one sign. Given unconstrained weights `R_raw` `(N, N)` and the fraction
# of excitatory units `frac_exc`, make the first $n_E$ = `round(frac_exc * N)` units excitatory
# and the rest inhibitory:
#
# $$ R = |R_\text{raw}|\, D, \qquad D = \operatorname{diag}(\underbrace{+1, \dots, +1}_{n_E},
#    -1, \dots, -1). $$
#
# Training can then change `R_raw` freely while $R$ keeps its signs.

# %%
def apply_dale(R_raw, frac_exc):
    """R = |R_raw| D: columns of the first round(frac_exc · N) units >= 0, the others <= 0."""
    # BEGIN SOLUTION 2.3: build the vector of signs and apply it to the columns of |R_raw|
    # HINT: multiplying an (N, N) matrix by an (N,) vector scales its columns.
    n = R_raw.shape[1]
    signs = torch.ones(n, dtype=R_raw.dtype)
    signs[round(frac_exc * n) :] = -1.0
    return R_raw.abs() * signs
    # END SOLUTION


# %%
grading.check_dale(apply_dale)

# %% [markdown]
# ## Try it: the Euler error
#
# One unit driven towards a constant target, with $\tau = 10$ ms: the Euler steps lag the
# continuous solution, and less so the smaller $\Delta t$.

# %% tags=["not-graded"]
tau = torch.tensor([10.0])  # ms
W, R, b = torch.ones(1, 1), torch.zeros(1, 1), torch.zeros(1)
x = torch.ones(1, 1)  # constant input: the rate approaches tanh(1)
fig, ax = plt.subplots(figsize=(6, 3.5))
t_fine = torch.linspace(0, 50, 200)
ax.plot(t_fine, torch.tanh(torch.tensor(1.0)) * (1 - torch.exp(-t_fine / tau)), "k",
        label="continuous")
for dt in (10.0, 5.0, 1.0):
    r, trace = torch.zeros(1, 1), [0.0]
    for _ in range(round(50 / dt)):
        r = euler_step_rate(r, x, W, R, b, tau, dt, torch.tanh)
        trace.append(r.item())
    ax.plot(torch.arange(len(trace)) * dt, trace, "o-", ms=3, label=f"Euler, dt = {dt:g} ms")
ax.set(xlabel="t (ms)", ylabel="r", title="τ dr/dt = -r + tanh(1)")
ax.legend()
plt.show()
