"""The course's tasks, as time-major tensors.

==================================  ==========================================================
``adding_problem(B, T)``            a batch ``x`` (T, B, 2), ``y`` (B, 1) of the adding problem
``AddingProblem(T, variant)``       the same as a task: ``batch``, ``test_set``, ``baseline_mse``
``adding_baseline_mse(T, variant)`` MSE of predicting the mean target (1/6 for the modern form)
``sequential_mnist(order)``         MNIST pixel by pixel (784 steps) or row by row (28 steps)
``mnist1d()``                       MNIST-1D, 40 steps, 4000 / 1000 sequences, made offline
``language_corpus(name)``           PTB / WikiText-2 / shipped corpus as word ids
``batchify``, ``bptt_batches``      columns and windows of 35 steps for truncated BPTT
==================================  ==========================================================

Classification tasks are :class:`SequenceDataset` objects (``x_train`` (T, N, I), ``y_train``
(N,), ...; ``batches(B)`` yields ``(x (T, B, I), y (B,))``). Every data set records its
``source``, which says when an offline fallback was used.
"""

from .adding import VARIANTS, AddingProblem, adding_baseline_mse, adding_problem
from .dataset import SequenceDataset
from .language import BPTT, Corpus, batchify, bptt_batches, corpus_from_tokens, language_corpus
from .mnist import Images, load_digits, load_mnist, load_mnist_5k, sequential_mnist
from .mnist1d import mnist1d, mnist1d_arrays

__all__ = [
    "BPTT",
    "VARIANTS",
    "AddingProblem",
    "Corpus",
    "Images",
    "SequenceDataset",
    "adding_baseline_mse",
    "adding_problem",
    "batchify",
    "bptt_batches",
    "corpus_from_tokens",
    "language_corpus",
    "load_digits",
    "load_mnist",
    "load_mnist_5k",
    "mnist1d",
    "mnist1d_arrays",
    "sequential_mnist",
]
