r"""The adding problem: remember two marked numbers over a long sequence and add them.

Each time step carries two inputs, a value and a marker. At the end of the sequence the
network must output a function of the two marked values :math:`X_1, X_2`:

=================  ===========================  ===============  ==========================
variant            values                       markers          target
=================  ===========================  ===============  ==========================
``"modern"``       uniform in [0, 1]            1 at one step in the first half, 1 at one
                                                step in the second half, 0 elsewhere
                                                                 :math:`X_1 + X_2`
``"hochreiter"``   uniform in [-1, 1]           1 at one of the first 10 steps and at one
                                                other of the first T/2 - 1; -1 at the first
                                                and the last step; 0 elsewhere
                                                                 :math:`0.5 + (X_1 + X_2)/4`
=================  ===========================  ===============  ==========================

The modern form is the one of Le et al. (2015) and Arjovsky et al. (2016); the other is
Experiment 4 of Hochreiter & Schmidhuber (1997), where a value marked at the very first step is
set to 0. A network that ignores its inputs does best by predicting the mean target; its MSE,
the *baseline*, is the variance of the target (:func:`adding_baseline_mse`). The task counts
as solved below MSE 0.01.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor

VARIANTS = ("modern", "hochreiter")


def _check(seq_len: int, variant: str) -> None:
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}; got {variant!r}")
    shortest = 22 if variant == "hochreiter" else 2
    if not isinstance(seq_len, int) or seq_len < shortest:
        raise ValueError(
            f"the {variant} adding problem needs a sequence length T >= {shortest} "
            f"(an integer); got {seq_len!r}"
        )


def adding_problem(
    batch_size: int,
    seq_len: int = 100,
    *,
    variant: str = "modern",
    generator: torch.Generator | None = None,
    device: torch.device | str | None = None,
    dtype: torch.dtype = torch.float32,
) -> tuple[Tensor, Tensor]:
    """A batch of the adding problem: ``x`` (T, B, 2) = (value, marker), ``y`` (B, 1).

    >>> x, y = adding_problem(64, 100)            # modern form: y = X1 + X2
    >>> x.shape, y.shape
    (torch.Size([100, 64, 2]), torch.Size([64, 1]))

    Random numbers are drawn on the CPU from ``generator`` (so a seed gives the same data on
    every device), then moved to ``device``.
    """
    _check(seq_len, variant)
    T, B = seq_len, batch_size
    rows = torch.arange(B)
    markers = torch.zeros(B, T)
    if variant == "modern":
        values = torch.rand(B, T, generator=generator)  # uniform in [0, 1]
        first = torch.randint(0, T // 2, (B,), generator=generator)
        second = torch.randint(T // 2, T, (B,), generator=generator)
        markers[rows, first] = 1.0
        markers[rows, second] = 1.0
        y = values[rows, first] + values[rows, second]
    else:
        values = 2 * torch.rand(B, T, generator=generator) - 1  # uniform in [-1, 1]
        m = T // 2 - 1  # the second marker lies in the first T/2 - 1 steps
        first = torch.randint(0, 10, (B,), generator=generator)
        r = torch.randint(0, m - 1, (B,), generator=generator)
        second = r + (r >= first)  # uniform over the first m steps except `first`
        markers[:, 0] = -1.0
        markers[:, -1] = -1.0
        markers[rows, first] = 1.0
        markers[rows, second] = 1.0
        values[:, 0] = torch.where(markers[:, 0] == 1.0, 0.0, values[:, 0])  # X = 0 at step 0
        y = 0.5 + (values[rows, first] + values[rows, second]) / 4
    x = torch.stack([values, markers], dim=2).transpose(0, 1)  # (T, B, 2)
    return x.to(device=device, dtype=dtype), y.unsqueeze(1).to(device=device, dtype=dtype)


def adding_baseline_mse(seq_len: int = 100, variant: str = "modern") -> float:
    r"""The MSE of always predicting the mean target: the variance of the target, exactly.

    modern: :math:`\\mathrm{Var}(X_1 + X_2) = 2 \\cdot \\tfrac{1}{12} = \\tfrac16 \\approx 0.167`
    for every T.

    hochreiter: each :math:`X_k` uniform in [-1, 1] has variance 1/3 unless it sits at step 0,
    where it is 0. The first marker is at step 0 with probability 1/10, the second with
    probability :math:`\\tfrac{9}{10} \\cdot \\tfrac{1}{m-1}`, :math:`m = T/2 - 1`, so
    :math:`\\mathrm{Var}\\big(0.5 + (X_1+X_2)/4\\big) = \\tfrac{1}{48}\\big(2 - \\tfrac{1}{10}
    - \\tfrac{9}{10(m-1)}\\big)` (0.0392 at T = 100).
    """
    _check(seq_len, variant)
    if variant == "modern":
        return 2 / 12
    m = seq_len // 2 - 1
    expected_zeroed = 1 / 10 + (9 / 10) / (m - 1)  # E[number of marked values at step 0]
    return (2 - expected_zeroed) / 48


@dataclass
class AddingProblem:
    """The adding problem as a task: fresh training batches, a fixed test set, the baseline.

    >>> task = AddingProblem(seq_len=100)
    >>> x, y = task.batch(64)                   # (100, 64, 2), (64, 1)
    >>> x_test, y_test = task.test_set()        # 1000 sequences, the same every time
    >>> task.baseline_mse                       # 0.1666...

    ``curriculum=N`` makes the training sequences grow: the k-th batch has length
    ``min(T, T0 + (T - T0) k / N)``, from the shortest allowed ``T0`` (10, or 22 for the
    hochreiter form) to ``T`` after ``N`` batches. Short sequences first let a network find the
    markers before it must carry them far (a curriculum, as in Zaremba & Sutskever 2014); the
    test set always has length ``T``.
    """

    seq_len: int = 100
    variant: str = "modern"
    num_test: int = 1000
    test_seed: int = 1234
    curriculum: int = 0
    _test: tuple[Tensor, Tensor] | None = field(default=None, repr=False, compare=False)
    _batches: int = field(default=0, repr=False, compare=False)

    def __post_init__(self):
        _check(self.seq_len, self.variant)

    name = "adding"
    input_size = 2
    output_size = 1

    @property
    def source(self) -> str:
        return f"adding problem ({self.variant}), T={self.seq_len}"

    @property
    def baseline_mse(self) -> float:
        return adding_baseline_mse(self.seq_len, self.variant)

    def train_length(self) -> int:
        """The length of the next training batch (``seq_len`` unless in a curriculum)."""
        if not self.curriculum:
            return self.seq_len
        shortest = min(self.seq_len, 22 if self.variant == "hochreiter" else 10)
        grown = shortest + (self.seq_len - shortest) * self._batches // self.curriculum
        return min(self.seq_len, grown)

    def batch(
        self,
        batch_size: int,
        *,
        generator: torch.Generator | None = None,
        device: torch.device | str | None = None,
    ) -> tuple[Tensor, Tensor]:
        """Fresh training data ``(x (T, B, 2), y (B, 1))``; T grows during a curriculum."""
        T = self.train_length()
        self._batches += 1
        return adding_problem(
            batch_size, T, variant=self.variant, generator=generator, device=device
        )

    def test_set(self, device: torch.device | str | None = None) -> tuple[Tensor, Tensor]:
        """``num_test`` sequences drawn from ``test_seed``: the same for every model."""
        if self._test is None:
            generator = torch.Generator().manual_seed(self.test_seed)
            self._test = adding_problem(
                self.num_test, self.seq_len, variant=self.variant, generator=generator
            )
        x, y = self._test
        return x.to(device), y.to(device)
