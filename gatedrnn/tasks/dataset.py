"""A labelled set of sequences, stored time-major, that hands out batches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import torch
from torch import Tensor


@dataclass
class SequenceDataset:
    """Sequences with one class label each, split into training and test sets.

    ==========  ===============  =================================================
    x_train     (T, N_train, I)  inputs, time-major, float
    y_train     (N_train,)       class labels, ``torch.long`` in ``[0, num_classes)``
    x_test      (T, N_test, I)
    y_test      (N_test,)
    ==========  ===============  =================================================

    ``source`` says where the data came from (e.g. the offline fallback), so a printed
    result can be labelled honestly.
    """

    name: str
    x_train: Tensor
    y_train: Tensor
    x_test: Tensor
    y_test: Tensor
    num_classes: int
    source: str

    @property
    def seq_len(self) -> int:
        """T, the number of time steps."""
        return self.x_train.shape[0]

    @property
    def input_size(self) -> int:
        """I, the number of inputs per time step."""
        return self.x_train.shape[2]

    def split(self, split: str) -> tuple[Tensor, Tensor]:
        """``(x (T, N, I), y (N,))`` of ``"train"`` or ``"test"``."""
        if split == "train":
            return self.x_train, self.y_train
        if split == "test":
            return self.x_test, self.y_test
        raise ValueError(f"split must be 'train' or 'test'; got {split!r}")

    def batches(
        self,
        batch_size: int,
        *,
        split: str = "train",
        shuffle: bool = True,
        generator: torch.Generator | None = None,
    ) -> Iterator[tuple[Tensor, Tensor]]:
        """One pass over a split in batches ``(x (T, B, I), y (B,))``; the last may be smaller."""
        x, y = self.split(split)
        n = y.shape[0]
        order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
        order = order.to(y.device)
        for start in range(0, n, batch_size):
            index = order[start : start + batch_size]
            yield x[:, index], y[index]

    def to(self, device: torch.device | str) -> SequenceDataset:
        """A copy with every tensor on ``device``."""
        return replace(
            self,
            x_train=self.x_train.to(device),
            y_train=self.y_train.to(device),
            x_test=self.x_test.to(device),
            y_test=self.y_test.to(device),
        )

    def __repr__(self) -> str:
        return (
            f"SequenceDataset({self.name!r}: T={self.seq_len}, I={self.input_size}, "
            f"{len(self.y_train)} train / {len(self.y_test)} test, {self.num_classes} classes, "
            f"source={self.source!r})"
        )


def time_major(x: Tensor) -> Tensor:
    """(N, T, I) -> (T, N, I), contiguous."""
    return x.transpose(0, 1).contiguous()
