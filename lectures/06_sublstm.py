# %% [markdown]
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gatedrnn/gatedrnn/blob/v0.1.0/lectures/06_sublstm.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gatedrnn/gatedrnn/v0.1.0?urlpath=lab/tree/lectures/06_sublstm.ipynb)
#
# # Lecture 06 — Cortical microcircuits as gated RNNs: the subLSTM
#
# Cortex is built from excitatory and inhibitory cells wired in a stereotyped, layered circuit
# that repeats across areas. The LSTM is built from a memory cell and gates. Costa et al.
# (NIPS 2017) put the two side by side: the memory cell is a group of recurrently connected
# pyramidal cells, the gates are inhibitory interneurons. But inhibition *subtracts*; it does
# not multiply. Swap every multiplicative gate for a subtractive one and you get the subLSTM,
# a gated network a cortical circuit could plausibly run, that learns nearly as well as the
# LSTM.
#
# The lecture follows the outline of a lecture on cortical microcircuits and gated RNNs from a
# course on neural information processing, and the paper it presents, Costa et al. (2017).
#
# **After this lecture you can**
#
# - name the two main cell types of cortex and say in what sense inhibitory cells act as gates;
# - name the six layers of neocortex and trace the canonical microcircuit through them;
# - compare the receptive fields of excitation and inhibition measured in cortex with those the
#   inhibitory plasticity of lecture 05 learns;
# - map the parts of an LSTM unit onto a cortical microcircuit (Costa et al. 2017);
# - say when a multiplicative and when a subtractive gate is open or closed;
# - write the subLSTM and fix-subLSTM next to the LSTM, and run them with `gatedrnn`;
# - show, symbolically and numerically, how subtractive gates change the gradient that reaches
#   the candidate, and what they leave unchanged;
# - quote the published comparison with the LSTM and find where lecture 07 reproduces it.
#
# **Time:** about 65 minutes, with the three short exercises inside the lecture. The exercise
# that goes with it is `exercises/ex06_sublstm.ipynb`.

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
from IPython.display import Markdown

from gatedrnn import derive, explore
from gatedrnn.derive import symbolic
from gatedrnn.plasticity import receptive_fields
from gatedrnn.practice import check

torch.set_num_threads(1)  # the networks here are tiny: one thread is the fastest

# %% [markdown]
# ## 1. Why a recurrent network needs more structure
#
# The delayed addition task (lecture 07) shows a network a long sequence of numbers, two of
# them marked, and asks for the sum of the marked two at the end. A plain recurrent network
# struggles. A hand-built solution needs two kinds of unit:
#
# - an **integrator**, a unit that adds what it receives and holds it (a leaky rate unit with a
#   very long time constant, lecture 02);
# - a **gating** unit, which lets an input into the integrator only when it is marked and
#   blocks it otherwise.
#
# The LSTM's memory cell is the integrator, its input gate the gating unit (lecture 03). The
# question of this lecture: what would the gating unit be in cortex?

# %% [markdown]
# ## 2. Excitatory and inhibitory cells; inhibitory cells as gates
#
# Cortex has two main kinds of neurons. **Excitatory** cells (mostly pyramidal cells, about
# 80 %) make synapses with positive weights onto the cells they contact; **inhibitory**
# interneurons (about 20 %) make synapses with negative weights. That is Dale's principle of
# lectures 02 and 05: the sign belongs to the presynaptic cell, so each column of $R$ has one
# sign.
#
# Inhibitory cells come in types that target different parts of their postsynaptic cells:
# basket cells the soma and nearby dendrites, others the distal dendrites or the axon's start.
# Placed like that, an inhibitory cell can shut one input pathway of a pyramidal cell while
# leaving the others alone, or silence the cell's output altogether. This is gating (Vogels &
# Abbott 2009 showed how balanced, co-tuned inhibition lets a network gate signals on and off;
# Hennequin et al. 2017 review how inhibition keeps excitation in check). In vivo, excitation and
# inhibition onto a cell are closely *balanced*, and lecture 05 showed how inhibitory plasticity
# (Vogels et al. 2011) can produce that balance.
#
# ### Six layers and a canonical microcircuit
#
# Neocortex is a sheet 2–4 mm thick, and in a section stained for cell bodies it shows six
# layers, numbered from the surface inwards:
#
# | layer | what it holds | main inputs and outputs |
# |---|---|---|
# | I | few cells (mostly inhibitory neurogliaform cells); the tufts of pyramidal-cell dendrites and the axons that reach them | feedback from higher areas and from the thalamus's non-specific nuclei |
# | II/III | small and mid-sized pyramidal cells | receive from layer IV; project to other cortical areas (the cortex's "outputs to cortex") |
# | IV | spiny stellate and pyramidal cells, thick in sensory cortex, nearly absent in motor cortex | the main target of the sensory thalamus |
# | V | the largest pyramidal cells, apical dendrites reaching up to layer I | project out of cortex: brainstem, spinal cord, striatum, thalamus |
# | VI | pyramidal cells of many shapes | project back to the thalamus, closing a loop |
#
# Inhibitory interneurons sit in every layer. Harris & Mrsic-Flogel (2013) sort them by the
# marker they express and where they strike: **PV** (parvalbumin) basket cells target the soma
# and proximal dendrites and act fast; **SOM** (somatostatin) Martinotti cells target the distal
# dendrites; **VIP** cells target mostly *other inhibitory cells*, so when they fire they
# release a pyramidal cell from inhibition — **disinhibition**, a gate that opens by
# inhibiting the inhibitor (lecture 05 recalls hidden memories this way).
#
# Douglas, Martin & Whitteridge (1989) proposed that one circuit repeats across areas, the
# **canonical microcircuit**: thalamic input reaches layer IV (and, less, layers VI and III);
# layer IV excites layers II/III; II/III excite layer V; layer V and VI send the result out of
# the area, VI back to the thalamus. Along the way the excitatory cells excite each other
# strongly, so a weak thalamic input is *amplified* by the local recurrent excitation, and
# inhibition, recruited by the same input, keeps that amplification in check. Recorded
# intracellularly in cat visual cortex, a brief input evoked an excitation followed by a long
# inhibition in every layer, which their model of three populations (superficial and deep
# pyramidal cells, and inhibitory cells) reproduced. Harris & Mrsic-Flogel (2013) update the
# picture with today's cell classes and connectivity: the loop through layers IV → II/III → V
# holds, but it is one path among many, and each class of pyramidal cell has its own targets.
#
# A cortical column therefore holds exactly the two ingredients a gated RNN needs: populations
# of excitatory cells that sustain activity by recurrent excitation (integrators), and a variety
# of inhibitory cells that can suppress a pathway, a dendrite or a cell's output (gates).
#
# The figure draws both: the six layers with their typical cells, and Douglas, Martin &
# Whitteridge's three populations with the connections between them.

# %%
from gatedrnn import diagrams

diagrams.column_diagram()

# %% [markdown]
# ### Receptive fields: experiment and model
#
# How closely does inhibition follow excitation in a real neuron? Wehr & Zador (2003) recorded
# the synaptic currents of single neurons in rat auditory cortex while playing tones of many
# frequencies and loudnesses. The excitatory and the inhibitory conductance had the same tuning:
# the tones that excited a neuron most also inhibited it most, inhibition arriving a few
# milliseconds after excitation. Froemke, Merzenich & Schreiner (2007) then *moved* a
# neuron's receptive field: pairing one tone with stimulation of the nucleus basalis (a source
# of acetylcholine) made excitation stronger at the paired frequency within minutes. Right after
# pairing, inhibition no longer matched; over the next one to three hours it changed too, until
# the two were co-tuned again around the new preferred tone.
#
# Vogels et al. (2011) reproduced this with the rule of lecture 05 alone. Below, the rate neuron
# of lecture 05 first learns co-tuned inhibition for excitation peaked at signal group 3; then
# its excitatory weights are retuned to peak at group 5, as pairing would, and the inhibitory
# weights learn on (`plasticity.receptive_fields`; 50 s of simulated time, a few seconds).

# %%
shift = receptive_fields.receptive_field_shift(before=20.0, after=30.0)
fig = receptive_fields.plot_receptive_field_shift(shift, times=(-0.5, 0.5, 5.0, 30.0))
fig.suptitle("model: excitation retuned at 0 s, inhibition follows", fontsize="medium")
plt.show()

# %% [markdown]
# The panels follow the experiment's time course in a compressed form: co-tuned before
# (−0.5 s); excitation moved but inhibition not yet (0.5 s after); inhibition half-way
# (5 s); co-tuned again around the new peak (30 s). In the model inhibition does not need to be
# told where excitation went: a group whose excitation has grown drives the neuron above
# $\rho_0$ whenever it is active, so its inhibitory synapses grow; the old peak's excitation
# has shrunk, the neuron sits below $\rho_0$ when it is active, and its inhibition fades. What
# takes hours in cortex takes seconds here because the learning rate is set for a lecture, not
# fitted to the data.
#
# ### The LSTM unit as a cortical microcircuit (Costa et al. 2017)
#
# Why compare cortex with the LSTM in particular? When Costa et al. wrote, LSTMs (Hochreiter &
# Schmidhuber 1997) were at or close to the state of the art in language modelling (Melis et
# al. 2017), image captioning (Lu et al. 2016), speech recognition (Chan et al. 2016) and
# machine translation (Luong et al. 2015; Wu et al. 2016), and they ran inside the speech
# assistants and translation services of the day. Transformers have since replaced them in
# most of those, but gated recurrent networks remain the standard model of a network that
# holds information over time with a state of fixed size, which is what cortex must do too.
#
# | LSTM part | in the microcircuit |
# |---|---|
# | input $x_t$, candidate $z_t$ | sensory or upstream input arriving at pyramidal cells of layer 2/3 (or 4), which project to the memory cells |
# | memory cell $c_t$ | recurrently connected pyramidal cells of layer 5: the recurrent excitation holds activity |
# | forget gate $f_t$ | the decay of that held activity, a time constant |
# | input gate $i_t$ | inhibitory basket cells that balance the input onto the layer-5 cells |
# | output gate $o_t$ | inhibitory basket cells (in layer 6, 2/3 or 4, or in a downstream area) that gate what the memory cells send on |
#
# The mapping is a sketch, not a wiring diagram. Its biggest mismatch is the arithmetic: an
# LSTM gate *multiplies* its signal, while an inhibitory synapse adds a negative current. How
# strongly inhibition acts on a neuron's firing rate, subtractively (shifting the rate down) or
# divisively (scaling it), depends on the cell types and the regime, and experiments have
# reported both. Costa et al. take the simplest reading, subtraction, and ask whether a network
# with subtractive gates can still learn.

# %% [markdown]
# The mapping drawn: on the left the circuit (layer 4 relays the input to the layer-2/3 cells
# that carry $z$; the layer-5 pyramidal cell holds $c$; basket cells inhibit its input near the
# soma and its output), on the right the unit it becomes when the gates subtract.
# `diagrams.microcircuit_diagram(subtractive=False)` draws the LSTM on the right instead.

# %%
diagrams.microcircuit_diagram()

# %% [markdown]
# ## 3. Multiplicative and subtractive gates
#
# A multiplicative gate $g \in [0, 1]$ passes $g \cdot s$ of a signal $s$; a subtractive gate
# passes $s - g$.
#
# **Think!** (the lecture's group discussion; 5 minutes with a neighbour) When is a gate
# **open** and when is it **closed**, for multiplicative gating ($i \odot z$) and for
# subtractive gating ($z - i$)?
#
# <details><summary>Answer</summary>
#
# - **Multiplicative:** open at $i = 1$ (the whole signal passes), closed at $i = 0$ (nothing
#   passes, however large the signal). Closing does not depend on the signal.
# - **Subtractive:** open at $i = 0$ (nothing is taken away) — so an idle inhibitory cell means
#   an open gate. It closes as $i$ grows, but only *relative to the signal*: $z - i$ is zero
#   when the inhibition matches the excitation, $i = z$. A neuron with a threshold (a firing rate
#   cannot be negative) is silenced as soon as $i \ge z$, so a strong enough inhibitory cell
#   closes the gate for every signal below its own level, and a stronger signal still gets
#   through. A closed gate is exactly *balanced* excitation and inhibition.
# - **The subLSTM has no threshold** on $z - i$: its memory cell adds $z_t - i_t$ whatever its
#   sign. There the gate passes nothing only when $i = z$. An input gate at $i = 1$ does not
#   close it: since $z \in [0, 1]$, $z - 1 \le 0$, and the memory is *drained* at every step
#   (section 5, try 3).
#
# </details>
#
# The figure draws both rules for three signal strengths.

# %%
gate = np.linspace(0, 1, 101)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.4), sharey=True, layout="constrained")
for s, color in zip((0.25, 0.5, 1.0), ("tab:blue", "tab:orange", "tab:green"), strict=True):
    axes[0].plot(gate, gate * s, color=color, lw=2, label=f"signal z = {s:g}")
    axes[1].plot(gate, s - gate, color=color, lw=1, ls="--")
    axes[1].plot(gate, np.maximum(s - gate, 0), color=color, lw=2, label=f"signal z = {s:g}")
axes[0].set(
    title="multiplicative: $i \\cdot z$ (open at $i = 1$)", xlabel="gate $i$", ylabel="what passes"
)
axes[1].set(title="subtractive: $z - i$ (open at $i = 0$)", xlabel="gate $i$")
axes[1].plot([], [], color="0.4", lw=1, ls="--", label="$z - i$ without a threshold")
axes[1].axhline(0, color="0.8", lw=0.8)
for ax in axes:
    ax.legend(fontsize="small", frameon=False)
plt.show()

# %% [markdown]
# ### Explorer: multiplicative against subtractive gating
#
# The explorer sends a signal through a gate of value $g$ to a neuron that fires above a
# threshold $\theta$, both ways at once, and (right) sweeps $g$ to show how much of the
# neuron's response gets through. Set $\theta = 0$: the two curves are mirror images, one
# open at $g = 1$, the other at $g = 0$. Raise $\theta$: a small subtractive $g$ already
# silences a weak signal, but raise the signal amplitude and it passes a "closed" subtractive
# gate, while a closed multiplicative gate stops every signal.

# %% tags=["nbval-ignore-output"]
explore.gating_explorer(gate=0.5, threshold=0.2)

# %% [markdown]
# ## 4. The subLSTM, next to the LSTM
#
# Costa et al. keep the LSTM's gates and change four things: the candidate is a sigmoid (a
# firing rate, non-negative, like every other unit), the input gate subtracts from it, the
# cell's output goes through a sigmoid, $\sigma(c_t)$, instead of $\tanh(c_t)$ (again a rate),
# and the output gate subtracts from that. With every pre-activation $W x_t + R h_{t-1} + b$
# (one block per gate):
#
# | | LSTM | subLSTM |
# |---|---|---|
# | gates | $[i_t, f_t, o_t] = \sigma(W x_t + R h_{t-1} + b)$ | $[i_t, f_t, o_t] = \sigma(W x_t + R h_{t-1} + b)$ |
# | candidate | $z_t = \tanh(W_z x_t + R_z h_{t-1} + b_z)$ | $z_t = \sigma(W_z x_t + R_z h_{t-1} + b_z)$ |
# | memory | $c_t = f_t \odot c_{t-1} + z_t \odot i_t$ | $c_t = f_t \odot c_{t-1} + z_t - i_t$ |
# | output | $h_t = \tanh(c_t) \odot o_t$ | $h_t = \sigma(c_t) - o_t$ |
#
# In equations, the subLSTM is
#
# $$
# [i_t, f_t, z_t, o_t] = \sigma(W x_t + R h_{t-1} + b)
# \tag{23}
# $$
#
# $$
# c_t = f_t \odot c_{t-1} + z_t - i_t
# \tag{24}
# $$
#
# $$
# h_t = \sigma(c_t) - o_t.
# \tag{25}
# $$
#
# **fix-subLSTM** goes one step further: the forget gate is no longer computed from the input
# but is one learned number per unit, $f = \sigma(\beta) \in [0, 1]$, a fixed time constant
# like the membrane's in lecture 02:
#
# $$
# c_t = f \odot c_{t-1} + z_t - i_t, \qquad f = \sigma(\beta) \text{ (learned, constant in time)}.
# \tag{26}
# $$
#
# In the library: `gatedrnn.SubLSTMCell(I, H)` and `SubLSTMCell(I, H, fixed_forget=True)`,
# with the LSTM's fused layout, blocks **(i, f, z, o)** (fix-subLSTM: **(i, z, o)** and a
# parameter `forget_logit`, $\beta$).
#
# Drawn as neurons, the input and output gates become inhibitory interneurons (blue, with the
# flat synapses of inhibition) whose synapses subtract; the forget gate still scales the
# soma's loop, and in fix-subLSTM it is a constant of the unit.

# %%
diagrams.sublstm_diagram()

# %%
diagrams.sublstm_diagram(fixed_forget=True)

# %%
def count_parameters(cell):
    return sum(p.numel() for p in cell.parameters())


cells = {
    "LSTM": gatedrnn.LSTMCell(10, 32),
    "subLSTM": gatedrnn.SubLSTMCell(10, 32),
    "fix-subLSTM": gatedrnn.SubLSTMCell(10, 32, fixed_forget=True),
}

# %% [markdown]
# ### Your turn 1: what does a fixed forget gate save?
#
# With $I = 10$ inputs and $H = 32$ units, how many parameters do the subLSTM and the
# fix-subLSTM have? Each gate block has an $H \times I$ input matrix, an $H \times H$
# recurrent matrix and two bias vectors of $H$ (PyTorch's layout).

# %%
# Your turn: replace each ... with a formula in I and H, then run the cell.
I, H = 10, 32
n_sub = ...
n_fix = ...

check("subLSTM parameters", n_sub, expected=count_parameters(cells["subLSTM"]))
check("fix-subLSTM parameters", n_fix, expected=count_parameters(cells["fix-subLSTM"]))

# %% [markdown]
# <details><summary>Hint</summary>
#
# The subLSTM has the LSTM's four blocks. The fix-subLSTM keeps three of them (i, z, o) and
# adds one learned number $\beta$ per unit for the forget value.
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# n_sub = 4 * (H * I + H * H + 2 * H)  # 5 632
# n_fix = 3 * (H * I + H * H + 2 * H) + H  # 4 256
# ```
# A fixed forget gate saves almost a quarter of the parameters: a whole block of weights
# becomes one constant per unit.
# </details>
#
# Here are the shapes, block by block:

# %%
for name, cell in cells.items():
    shapes = ", ".join(f"{k} {tuple(p.shape)}" for k, p in cell.named_parameters())
    print(f"{name:12s} {count_parameters(cell):5d} parameters: {shapes}")

# %% [markdown]
# The LSTM and the subLSTM have the same parameters, so the same weights can drive both. Copy an
# LSTM's weights into a subLSTM and feed both the same input: the gates are identical numbers,
# only what the cell does with them differs.

# %%
torch.manual_seed(0)  # the same random weights and inputs on every run
lstm = gatedrnn.LSTMCell(3, 16)
sub = gatedrnn.SubLSTMCell(3, 16)
sub.load_state_dict(lstm.state_dict())  # same names, same shapes
x = torch.randn(30, 4, 3)  # (T, B, I)
with torch.no_grad():
    h_lstm, _ = gatedrnn.Recurrent(lstm)(x)  # (T, B, H)
    h_sub, _ = gatedrnn.Recurrent(sub)(x)
fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
ax.plot(h_lstm[:, 0, :3].numpy(), color="tab:blue", lw=1.2)
ax.plot(h_sub[:, 0, :3].numpy(), color="tab:orange", lw=1.2)
ax.plot([], [], color="tab:blue", label="LSTM: $h = \\tanh(c) \\odot o$")
ax.plot([], [], color="tab:orange", label="subLSTM: $h = \\sigma(c) - o$")
ax.set(xlabel="time step t", ylabel="$h_t$ (three units)", ylim=(-1, 1))
ax.set_title("the same weights and inputs, two cells", fontsize="medium")
ax.legend(fontsize="small", loc="lower right")
plt.show()

# %% [markdown]
# Both outputs stay inside $(-1, 1)$ ($\tanh(c)\,o$ and $\sigma(c) - o$ both do), but with the
# same weights the two cells compute different things: the gates are the same numbers, what
# the cell does with them is not.

# %% [markdown]
# **Think!** The subLSTM's output $h_t = \sigma(c_t) - o_t$ can be negative. A firing rate
# cannot. How can a negative $h$ still make sense in the circuit picture?
#
# <details><summary>Answer</summary>
#
# Read $h_t$ as the *net* effect a unit has downstream: the excitation the memory cells send,
# $\sigma(c_t)$, minus the inhibition the output-gate cells add onto the same targets, $o_t$.
# Both are non-negative rates; their difference, seen by the receiving cells, can have either
# sign. The weights $R$ then act on this net drive.
#
# </details>

# %% [markdown]
# ## 5. Explorer: one LSTM unit, one subLSTM unit, the same gates
#
# Both units get the same input and the same gate weights; the left column multiplies, the right
# column subtracts. At the start values the two memories behave in opposite ways. The LSTM's
# takes in each pulse and holds it. The subLSTM's climbs *between* the pulses and falls *during*
# them:
#
# - between pulses its candidate is a rate, $z = \sigma(0) = 0.5$ with no input, and the input
#   gate $i = \sigma(-2) \approx 0.12$ takes away less than that, so $z - i \approx +0.38$ is
#   added at every step: "no input" is not "no candidate";
# - during a pulse the input weight $w_i = 4$ raises the input gate to $i = \sigma(2) \approx
#   0.88$, which now matches the candidate $z = \sigma(2)$: $z - i \approx 0$, nothing comes in,
#   and the forget gate lets the memory decay.
#
# The weights that *open* the LSTM's input gate during a pulse (a large $i$ lets the signal
# through) *close* the subLSTM's (a large $i$ subtracts it). A subLSTM that should let the
# pulses in needs the opposite sign: an input gate that is *silenced* by the pulse, $w_i < 0$,
# and active at rest — an inhibitory cell that the input switches off, as the VIP cells of
# section 2 switch off their targets (try 5 below).
#
# Try:
#
# 1. $w_i = 0$, $b_i = 0$: the input gate now sits at $i = 0.5$, balancing the resting candidate.
#    The subLSTM's memory stays at 0 until the first pulse, takes in each pulse and then decays,
#    much like the LSTM's: with balanced excitation and inhibition the gate passes only the pulses.
# 2. Then $b_o = 0$: $o = 0.5$ balances the output too, and $h$ starts from
#    $\sigma(0) - 0.5 = 0$.
# 3. $b_i = 6$: the LSTM's input gate opens wide, the subLSTM's closes. The subLSTM's memory
#    is pushed down at every step and turns negative; the pulses only slow its fall.
# 4. $b_f = -2$ in both: little memory in either, whatever the gates.
# 5. Back to the start values, then $w_i = -4$, $b_i = 0$: at rest $i = 0.5$ balances the
#    candidate, during a pulse $i = \sigma(-4) \approx 0.02$ lets it in. Now the subLSTM takes in
#    the pulses and holds them, like the LSTM at the start values — with the gate's weights
#    of the opposite sign.

# %%
explore.gate_explorer()

# %% [markdown]
# ### Your turn 2: where does the memory rest?
#
# With no input and the gates at their start values, every step of the subLSTM adds the same
# amount $z - i$ and keeps a fraction $f$ of the memory, so the memory settles where
# $c^\ast = f c^\ast + z - i$. Compute that resting value for the start values $b_i = -2$,
# $b_f = 3$, $b_z = 0$ (no input: every gate is $\sigma$ of its bias), and the LSTM's, where
# the candidate is $\tanh(b_z)$ and the input gate multiplies it. The check runs both
# library cells with these biases for 400 steps.

# %%
# Your turn: replace each ... with your answer, then run the cell.
b_i, b_f, b_z = -2.0, 3.0, 0.0
c_rest_sub = ...
c_rest_lstm = ...

resting = {}
for name, cell_type in (("subLSTM", gatedrnn.SubLSTMCell), ("LSTM", gatedrnn.LSTMCell)):
    unit = cell_type(1, 1).double()
    with torch.no_grad():
        for p in unit.parameters():
            p.zero_()
        for gate, b in (("i", b_i), ("f", b_f), ("z", b_z)):
            unit.bias_ih[unit.block(gate)] = b
        x_rest = torch.zeros(400, 1, 1, dtype=torch.float64)  # (T, B, I): no input
        _, (h_last, c_last) = gatedrnn.Recurrent(unit)(x_rest)
    resting[name] = c_last.item()
check("subLSTM resting memory", c_rest_sub, expected=resting["subLSTM"], rtol=1e-3)
check("LSTM resting memory", c_rest_lstm, expected=resting["LSTM"], atol=1e-6)

# %% [markdown]
# <details><summary>Hint</summary>
#
# Solve $c^\ast = f c^\ast + u$ for $c^\ast$: $c^\ast = u / (1 - f)$, with $u = z - i$ for the
# subLSTM and $u = i\,z$ for the LSTM. $\sigma(b) = 1/(1 + e^{-b})$.
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# def sigma(b):
#     return 1 / (1 + np.exp(-b))
#
# c_rest_sub = (sigma(b_z) - sigma(b_i)) / (1 - sigma(b_f))  # about 8.0
# c_rest_lstm = sigma(b_i) * np.tanh(b_z) / (1 - sigma(b_f))  # 0: tanh(0) = 0
# ```
# The LSTM at rest holds nothing; the subLSTM climbs to $c^\ast \approx 8$, where
# $\sigma(c) \approx 1$ and the unit's output is pinned. A subtractive gate must *balance* the
# resting candidate ($i = z$) to keep the memory empty.
# </details>

# %% [markdown]
# ## 6. Gradient flow: what subtraction changes, and what it does not
#
# Training by backpropagation through time (lecture 07) needs the loss's gradient to reach
# every weight. Where a multiplicative gate is closed, it closes the gradient path too. Take one
# unit and differentiate (SymPy, in `derive.symbolic`):

# %%
lstm_d = symbolic.lstm_derivatives()
sub_d = symbolic.sublstm_derivatives()
rows = ["c_t", "h_t", "dc/dz", "dh/dz", "dh/da_z", "dc/di", "dh/do", "dc/dc_prev"]
Markdown(symbolic.latex_table(lstm_d, sub_d, headers=["LSTM", "subLSTM"], rows=rows))

# %% [markdown]
# Read the rows $\partial c_t/\partial z_t$ and $\partial h_t/\partial z_t$. In the LSTM the
# candidate's gradient is multiplied by the input gate $i_t$ and the output gate $o_t$; in the
# subLSTM **both gates drop out**, and what is left is $\sigma'(c_t)$. The last row is the same
# for both: the memory path $c_{t-1} \to c_t$ is $f_t$ in either cell.
#
# Numbers make it concrete. With both gates nearly closed for the LSTM ($i = o = 0.05$) and
# nearly open ($0.95$), the same memory and candidate:

# %%
for i_o in (0.05, 0.95):
    point = dict(i=i_o, o=i_o, f=0.9, z=0.6, c_prev=0.5)
    lstm_value = symbolic.evaluate(lstm_d, **point)["dh/dz"]
    sub_value = symbolic.evaluate(sub_d, **point)["dh/dz"]
    print(f"i = o = {i_o}:  LSTM dh/dz = {lstm_value:.3g}   subLSTM dh/dz = {sub_value:.3g}")

# %% [markdown]
# Closing the LSTM's two gates cuts the candidate's gradient by a factor of about 180
# ($0.05^2$ against $0.95^2$, partly made up by a larger $\tanh'(c_t)$ at the smaller $c_t$).
# The subLSTM's gradient hardly moves: the gates change it only through $c_t$, by shifting
# where $\sigma'(c_t)$ is evaluated.
#
# The same holds for a whole network trained end to end. Below, a 32-unit LSTM and a subLSTM with
# the same initial weights (forget bias 3) read 40 random inputs; the loss is the sum of the last
# outputs; autograd gives the gradient with respect to the candidate's input weights $W_z$. We
# sweep the bias of the input gate (left) or of the output gate (right): $\sigma(b)$ is the
# gate's typical value.

# %%
x = torch.from_numpy(np.random.default_rng(1).standard_normal((40, 4, 4)))  # (T, B, I)
H = 32
biases = np.arange(-6.0, 6.1, 1.5)
grad_norm = {}
for kind in ("LSTM", "subLSTM"):
    for gate_name, block in (("i", 0), ("o", 3)):  # fused blocks (i, f, z, o)
        norms = []
        for b in biases:
            cell = explore.flow_cell(kind, H, 4, forget_bias=3.0)  # float64, the same seed each time
            with torch.no_grad():
                cell.bias_ih[block * H : (block + 1) * H] = b
            out, _ = gatedrnn.Recurrent(cell)(x)
            out[-1].sum().backward()  # L = sum of h_T
            norms.append(cell.weight_ih.grad[2 * H : 3 * H].norm().item())  # block z: ‖∂L/∂W_z‖
        grad_norm[kind, gate_name] = np.array(norms)

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True, layout="constrained")
for ax, gate_name in zip(axes, ("i", "o"), strict=True):
    for kind, color in (("LSTM", "tab:blue"), ("subLSTM", "tab:orange")):
        ax.semilogy(biases, grad_norm[kind, gate_name], "o-", color=color, label=kind)
    ax.set(
        xlabel=f"bias $b_{gate_name}$ of the {'input' if gate_name == 'i' else 'output'} gate",
        title=f"gradient reaching the candidate vs gate ${gate_name}$",
    )
    ax.legend(frameon=False)
axes[0].set_ylabel(r"$\|\partial L / \partial W_z\|$")
plt.show()

# %% [markdown]
# ### Your turn 3: read the figure
#
# Read off the left panel: at which input-gate bias $b_i$ (one of the plotted points) does the
# candidate's gradient reach the subLSTM most strongly? And in the right panel, which cell's
# gradient depends more on its output gate, `"LSTM"` or `"subLSTM"`?

# %%
# Your turn: replace each ... with your answer, then run the cell.
best_b_i = ...
depends_on_o = ...

best = biases[np.argmax(grad_norm["subLSTM", "i"])]
spread = {k: np.ptp(np.log(grad_norm[k, "o"])) for k in ("LSTM", "subLSTM")}
check("b_i of the largest subLSTM gradient", best_b_i, expected=float(best))
check("the cell that depends more on o", depends_on_o, expected=max(spread, key=spread.get))

# %% [markdown]
# <details><summary>Hint</summary>
#
# The orange curve on the left has one peak; the curve that is flat on the right does not
# depend on $o$.
# </details>
#
# <details><summary>Solution</summary>
#
# ```python
# best_b_i = 0.0
# depends_on_o = "LSTM"
# ```
# The subLSTM's gradient peaks at $b_i = 0$, where $i = \sigma(0) = 0.5$ matches the resting
# candidate, the memory stays near 0 and $\sigma'(c)$ is largest. The LSTM's grows with $o$ by
# two orders of magnitude; the subLSTM's is flat.
# </details>

# %% [markdown]
# - **Output gate (right).** The LSTM's candidate gradient grows more than a hundredfold as $o$
#   opens; the subLSTM's is flat. A subtractive output gate never blocks the gradient.
# - **Input gate (left).** The LSTM's gradient collapses when the input gate closes
#   ($b_i < -2$). The subLSTM's rises and falls instead: the input gate does not multiply its
#   gradient, but it sets where the memory settles, $c \approx (z - i)/(1 - f)$, and a memory far
#   from 0 sits where $\sigma'(c)$ is tiny. The subLSTM's gradient is largest where input and
#   inhibition are balanced, $i \approx z$.
#
# ### Through time
#
# What carries a gradient back over many steps is the memory path, $\partial c_t/\partial
# c_{t-1} = f_t$, and that is the same in all three cells. `derive.gradient_flow` multiplies the
# Jacobians back from a loss on the last step and returns $\|\partial L/\partial h_t\|$; the
# fix-subLSTM gets the subLSTM's weights with $\beta$ equal to the forget bias.

# %%
xs = np.random.default_rng(1).standard_normal((100, 4, 4))  # (T, B, I)
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True, layout="constrained")
for ax, forget_bias in zip(axes, (1.0, 3.0), strict=True):
    lstm = explore.flow_cell("LSTM", H, 4, forget_bias=forget_bias)
    sub = explore.flow_cell("subLSTM", H, 4, forget_bias=forget_bias)
    fix = gatedrnn.SubLSTMCell(4, H, fixed_forget=True).double()
    keep = torch.cat([torch.arange(0, H), torch.arange(2 * H, 4 * H)])  # rows of blocks i, z, o
    with torch.no_grad():
        fix.weight_ih.copy_(sub.weight_ih[keep])
        fix.weight_hh.copy_(sub.weight_hh[keep])
        fix.bias_ih.copy_(sub.bias_ih[keep])
        fix.bias_hh.copy_(sub.bias_hh[keep])
        fix.forget_logit.fill_(forget_bias)  # f = σ(β), the same in every step
    f_typical = 1 / (1 + np.exp(-forget_bias))  # σ(forget bias)
    curves = {
        name: derive.gradient_flow(cell, xs)
        for name, cell in (("LSTM", lstm), ("subLSTM", sub), ("fix-subLSTM", fix))
    }
    derive.plot_gradient_flow(
        curves,
        ax,
        title=f"forget bias {forget_bias:g}: f ≈ σ({forget_bias:g}) = {f_typical:.2f}",
    )
axes[1].set_ylabel("")
plt.show()

# %% [markdown]
# With $f \approx 0.73$ (left) the gradient dies exponentially in all three cells; with
# $f \approx 0.95$ (right) it survives 100 steps in all three. The forget gate decides how far
# the gradient travels, whatever the gating. The curves differ in a second path: the gradient
# also goes back through $h_t$ and the recurrent weights $R$. The LSTM passes it with a factor
# $o_t \tanh'(c_t)$ (up to 1), the subLSTM with $\sigma'(c_t) \le 1/4$. So the subLSTMs' curves
# fall at about the rate of $f$ alone ($0.73$ per step), the LSTM's a little more slowly.
# Subtractive gating changes how the gradient is shared out *within* a step, not the memory
# path *through* time.
#
# **Think!** fix-subLSTM cannot close its forget gate in response to the input. What does it
# lose, and why might it still do nearly as well as the subLSTM (section 7)?
#
# <details><summary>Answer</summary>
#
# It loses the ability to *reset*: an LSTM can hold a value and then drop it when a cue
# arrives; a fix-subLSTM unit forgets at the same rate all the time. But a network of many
# units can learn a spread of fixed forget values, some slow (long memory) and some fast, and
# the subtractive input gate can still cancel what comes in. Many tasks need memories on a few
# time scales more than they need resets, and a fixed time constant per neuron is also the
# more biological assumption (lecture 02).
#
# </details>
#
# The explorer lets you vary the sequence length, the recurrent weight scale and the forget
# bias (it adds the vanilla RNN and the GRU if you select them).

# %%
explore.gradient_flow_explorer(kinds=("LSTM", "subLSTM"), forget_bias=1.0)

# %% [markdown]
# ## 7. How well do they learn? The published numbers
#
# Costa et al. (2017) trained all three cells on sequential MNIST (the image fed one pixel per
# step, 784 steps) and on word-level language modelling:
#
# | task | measure | LSTM | subLSTM | fix-subLSTM |
# |---|---|---|---|---|
# | sequential MNIST, 100 units | test accuracy (%) | 97.96 | 97.29 | 97.27 |
# | Penn Treebank, 2 layers × 100 units | test perplexity | 88.39 | 91.46 | 91.84 |
# | Penn Treebank, 2 layers × 200 units | test perplexity | 74.60 | 79.59 | 81.97 |
# | WikiText-2, 2 layers × 100 units | test perplexity | 102.77 | 103.36 | 105.06 |
#
# (lower perplexity is better). The subLSTM learns almost as well as the LSTM: within about one
# point of accuracy, and a few perplexity points; a fixed forget gate costs little more. A
# network with only subtractive, inhibition-like gates is thus a serious model, not a toy —
# though not an easy one to train: on the adding problem of lecture 07 the subLSTM leaves the
# baseline only when its training sequences start short and grow.
#
# Lecture 07 trains LSTM, GRU and subLSTM with `gatedrnn.train` on the delayed addition task,
# sequential MNIST and language modelling, and compares them with these numbers; the full runs
# (too long for a lecture) are in `benchmarks/RESULTS.md`.

# %% [markdown]
# ## Summary
#
# - Cortex has excitatory and inhibitory cells; inhibitory interneurons that target specific
#   parts of a cell can gate its inputs and outputs, and VIP cells open gates by inhibiting
#   other inhibitory cells.
# - Neocortex has six layers; the canonical microcircuit (Douglas et al. 1989) carries thalamic
#   input through layer IV to II/III and V, amplified by recurrent excitation and held in check
#   by inhibition.
# - Measured excitation and inhibition are co-tuned, and when excitation is retuned inhibition
#   follows (Wehr & Zador 2003; Froemke et al. 2007): Vogels' rule does the same in a model.
# - Costa et al. (2017) map an LSTM unit onto a microcircuit: layer-5 pyramidal cells as the
#   memory, inhibitory basket cells as the input and output gates, the decay as the forget gate.
# - A multiplicative gate is open at 1 and closed at 0; a subtractive gate is open at 0 and
#   closes when inhibition matches excitation.
# - subLSTM (eq. 23–25): $c_t = f_t \odot c_{t-1} + z_t - i_t$, $h_t = \sigma(c_t) - o_t$;
#   fix-subLSTM (eq. 26) learns one constant forget value per unit. `gatedrnn.SubLSTMCell`,
#   `fixed_forget=True`.
# - In the subLSTM the input and output gates drop out of the candidate's gradient; the
#   gradient through time is carried by the forget gate, as in the LSTM.
# - On sequential MNIST and language modelling the subLSTM comes within a few percent of the
#   LSTM.
#
# **Exercise 6** (`exercises/ex06_sublstm.ipynb`): write the subLSTM step, check it against
# `gatedrnn.SubLSTMCell`, and train it on the delayed addition task until it beats the 0.167
# baseline. **Next:** lecture 07, training gated RNNs.
#
# ## References and further reading
#
# - A lecture on cortical microcircuits and gated RNNs from a course on neural information
#   processing (2018/19): the outline of this lecture, from E/I cells through microcircuits to
#   the subLSTM.
# - R. Costa, Y. Assael, B. Shillingford, N. de Freitas & T. P. Vogels (2017), *Cortical
#   microcircuits as gated-recurrent neural networks*, NeurIPS 30.
#   [arXiv:1711.02448](https://arxiv.org/abs/1711.02448) — the subLSTM, the mapping onto
#   cortex, and the numbers of section 7.
# - R. J. Douglas, K. A. C. Martin & D. Whitteridge (1989), *A canonical microcircuit for
#   neocortex*, Neural Computation 1, 480–488.
#   [doi:10.1162/neco.1989.1.4.480](https://doi.org/10.1162/neco.1989.1.4.480) — the canonical
#   microcircuit, from intracellular recordings and a three-population model.
# - K. D. Harris & T. D. Mrsic-Flogel (2013), *Cortical connectivity and sensory coding*,
#   Nature 503, 51–58. [doi:10.1038/nature12654](https://doi.org/10.1038/nature12654) — a
#   review of cortical cell classes, layers and their wiring.
# - S. Hochreiter & J. Schmidhuber (1997), *Long short-term memory*, Neural Computation 9,
#   1735–1780. [doi:10.1162/neco.1997.9.8.1735](https://doi.org/10.1162/neco.1997.9.8.1735) —
#   the LSTM.
# - Where LSTMs were used when Costa et al. wrote: G. Melis, C. Dyer & P. Blunsom (2017), *On
#   the state of the art of evaluation in neural language models*
#   ([arXiv:1707.05589](https://arxiv.org/abs/1707.05589)); J. Lu, C. Xiong, D. Parikh &
#   R. Socher (2016), *Knowing when to look: adaptive attention via a visual sentinel for image
#   captioning* ([arXiv:1612.01887](https://arxiv.org/abs/1612.01887)); W. Chan, N. Jaitly,
#   Q. Le & O. Vinyals (2016), *Listen, attend and spell*
#   ([arXiv:1508.01211](https://arxiv.org/abs/1508.01211)); M.-T. Luong, H. Pham &
#   C. D. Manning (2015), *Effective approaches to attention-based neural machine translation*
#   ([arXiv:1508.04025](https://arxiv.org/abs/1508.04025)); Y. Wu et al. (2016), *Google's
#   neural machine translation system* ([arXiv:1609.08144](https://arxiv.org/abs/1609.08144)).
# - T. P. Vogels & L. F. Abbott (2009), *Gating multiple signals through detailed balance of
#   excitation and inhibition in spiking networks*, Nature Neuroscience 12, 483–491.
#   [doi:10.1038/nn.2276](https://doi.org/10.1038/nn.2276) — balanced inhibition as a gate.
# - T. P. Vogels, H. Sprekeler, F. Zenke, C. Clopath & W. Gerstner (2011), *Inhibitory
#   plasticity balances excitation and inhibition in sensory pathways and memory networks*,
#   Science 334, 1569–1573. [doi:10.1126/science.1211095](https://doi.org/10.1126/science.1211095)
#   — the rule, the receptive-field model and the memory network (lecture 05).
# - M. Wehr & A. M. Zador (2003), *Balanced inhibition underlies tuning and sharpens spike
#   timing in auditory cortex*, Nature 426, 442–446.
#   [doi:10.1038/nature02116](https://doi.org/10.1038/nature02116) — co-tuned excitation and
#   inhibition, measured.
# - R. C. Froemke, M. M. Merzenich & C. E. Schreiner (2007), *A synaptic memory trace for
#   cortical receptive field plasticity*, Nature 450, 425–429.
#   [doi:10.1038/nature06289](https://doi.org/10.1038/nature06289) — excitation retuned,
#   inhibition following over hours.
# - G. Hennequin, E. J. Agnes & T. P. Vogels (2017), *Inhibitory plasticity: balance, control,
#   and codependence*, Annual Review of Neuroscience 40, 557–579.
#   [doi:10.1146/annurev-neuro-072116-031005](https://doi.org/10.1146/annurev-neuro-072116-031005)
#   — a review of E/I balance and the plasticity that builds it.
# - K. Greff, R. K. Srivastava, J. Koutník, B. R. Steunebrink & J. Schmidhuber (2017), *LSTM: a
#   search space odyssey*, IEEE Transactions on Neural Networks and Learning Systems 28,
#   2222–2232. [doi:10.1109/TNNLS.2016.2582924](https://doi.org/10.1109/TNNLS.2016.2582924) —
#   which of the LSTM's parts matter.
# - W. Gerstner, W. M. Kistler, R. Naud & L. Paninski (2014), *Neuronal Dynamics*, Cambridge
#   University Press. [neuronaldynamics.epfl.ch](https://neuronaldynamics.epfl.ch/online/) and
#   I. Goodfellow, Y. Bengio & A. Courville (2016), *Deep Learning*, MIT Press.
#   [deeplearningbook.org](https://www.deeplearningbook.org/) — the two textbooks this course
#   sits between.
