# %% [markdown]
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gatedrnn/gatedrnn/blob/v0.1.0/exercises/ex05_inhibitory_plasticity.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gatedrnn/gatedrnn/v0.1.0?urlpath=lab/tree/exercises/ex05_inhibitory_plasticity.ipynb)
#
# # Exercise 5 · Inhibitory plasticity balances a neuron
#
# Vogels et al. (Science 2011) proposed a learning rule for inhibitory synapses that keeps a
# neuron at a target firing rate $\rho_0$. You write the rule and a rate neuron that learns
# with it, and watch two things happen: the rate settles at $\rho_0$, and inhibition becomes a
# copy of excitation, input group by input group (detailed balance). About 40 minutes; lecture
# `05_excitation_inhibition` comes first.
#
# Each question ends with a **check cell**. It prints a score table when your code earns every
# point, and fails with the table otherwise: which property is wrong (a shape, a value at a
# sample point, the converged rate, the co-tuning) and a hint. Replace each `...` and
# `raise NotImplementedError` by your code, run the cell, then run its check.
# `exercises/README.md` lists the other ways to grade your work.
#
# | question | you implement | points |
# |---|---|---|
# | 5.1 | `vogels_rule`: the weight change of every inhibitory synapse | 4 |
# | 5.2 | `simulate_neuron`: a rate neuron whose inhibition learns | 6 |

# %%
# On Colab only: install the course package.
import subprocess
import sys

if "google.colab" in sys.modules:
    url = "git+https://github.com/gatedrnn/gatedrnn@v0.1.0"  # this release of the course
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", url], check=True)

# %%
import matplotlib.pyplot as plt
import numpy as np

from gatedrnn import grading, plasticity

# %% [markdown]
# ## 5.1 Vogels' rule
#
# An inhibitory synapse from a presynaptic neuron firing at rate $x$ (Hz) onto a neuron firing
# at $y$ changes by
#
# $$ \Delta w = \eta\, x\, (y - \rho_0). $$
#
# If the neuron fires above its target, every active inhibitory synapse grows and pulls the rate
# down; below the target they shrink. At the fixed point $y = \rho_0$. Return the change of every
# synapse: `pre` is `(N_I,)`, `post`, `rho0` and `eta` are numbers.

# %%
def vogels_rule(pre, post, rho0, eta):
    """Δw = η · pre · (post - ρ0): pre (N_I,) rates in Hz -> dw (N_I,)."""
    # BEGIN SOLUTION 5.1: the weight change of each inhibitory synapse
    return eta * pre * (post - rho0)
    # END SOLUTION


# %%
grading.check_vogels_rule(vogels_rule)

# %% [markdown]
# ## 5.2 A neuron that learns its inhibition
#
# The neuron receives $N_E$ excitatory inputs with fixed weights $w_E$ and $N_I$ inhibitory
# inputs with plastic weights $w_I$. At each time step $t$, with presynaptic rates
# `x_e[t]` `(N_E,)` and `x_i[t]` `(N_I,)`:
#
# $$
# \begin{aligned}
# y_t &= \big[\, w_E \cdot x_{E,t} / N_E \;-\; w_I \cdot x_{I,t} / N_I \,\big]_+
#   && \text{a rectified-linear rate neuron} \\
# w_I &\leftarrow \big[\, w_I + \Delta w \,\big]_+, \quad
#   \Delta w = \text{vogels\_rule}(x_{I,t},\, y_t,\, \rho_0,\, \eta)
#   && \text{inhibitory weights stay} \ge 0
# \end{aligned}
# $$
#
# Return the rates `y` `(T,)` and the final `w_i` `(N_I,)`; do not change the arrays you are
# given. The check runs your neuron with inputs in 4 signal groups (a group's E and I inputs
# carry the same signal) and excitation tuned to one group, and looks at where the rate and the
# inhibitory weights end up.

# %%
def simulate_neuron(x_e, x_i, w_e, w_i, rho0, eta):
    """Run the neuron over x_e (T, N_E) and x_i (T, N_I); returns y (T,) and the final w_i."""
    # BEGIN SOLUTION 5.2: loop over time: the rate with the current weights, then the update
    # HINT: `max(value, 0.0)` and `np.maximum(array, 0.0)` rectify.
    y = np.zeros(len(x_e))
    w_i = w_i.copy()
    for t in range(len(x_e)):
        drive = w_e @ x_e[t] / len(w_e) - w_i @ x_i[t] / len(w_i)
        y[t] = max(drive, 0.0)
        w_i = np.maximum(w_i + vogels_rule(x_i[t], y[t], rho0, eta), 0.0)
    return y, w_i
    # END SOLUTION


# %%
grading.check_simulate_neuron(simulate_neuron)

# %% [markdown]
# ## Try it: the full model
#
# `gatedrnn.plasticity.simulate_rate` runs the neuron of Vogels et al. (800 excitatory and 200
# inhibitory inputs in 8 signal groups) for a minute of simulated time with any rule you give
# it. With yours, the rate falls to $\rho_0$ = 5 Hz and the inhibitory currents of the 8 groups
# line up with the excitatory ones.

# %% tags=["not-graded"]
result = plasticity.simulate_rate(60.0, rule=vogels_rule)
print("final rate within 10 % of ρ0:", abs(result.final_rate() - result.rho0) < 0.1 * result.rho0)
print("E and I co-tuned (correlation > 0.9):", result.cotuning() > 0.9)
plasticity.plot_summary(result)
plt.show()
