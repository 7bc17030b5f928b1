"""Word-level language modelling: predict the next word of Penn Treebank or WikiText-2.

The text becomes one long stream of word ids. :func:`batchify` cuts the stream into ``B``
parallel columns, time-major ``(L, B)``; :func:`bptt_batches` walks down them in windows of
``bptt = 35`` steps, each input window ``x`` paired with the same window shifted by one word,
``y``. The state is carried from one window to the next but gradients stop at the window's
edge: truncated backpropagation through time (Zaremba et al. 2014).

Without a network the loader prints one line and uses the small corpus shipped with the
package (:func:`gatedrnn.data.corpus_files`), labelled as such.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace

import torch
from torch import Tensor

from ..data import (
    WIKITEXT2_MEMBERS,
    DownloadError,
    Vocabulary,
    corpus_files,
    fallback_notice,
    fetch_ptb,
    fetch_wikitext2,
    read_tokens,
    tokenize,
)

BPTT = 35  # steps per window, as Zaremba et al. and Costa et al.
CORPORA = ("ptb", "wikitext2", "shipped")
SHIPPED_SOURCE = "small corpus shipped with gatedrnn (template English, offline fallback)"
_SOURCES = {
    "ptb": "Penn Treebank (Mikolov et al. version)",
    "wikitext2": "WikiText-2 (Merity et al.)",
    "shipped": SHIPPED_SOURCE,
}


@dataclass
class Corpus:
    """A tokenised text in three splits of word ids, with its vocabulary.

    ==========  ===========  ==================================================
    train       (N_train,)   ``torch.long`` ids, ``<eos>`` closing every line
    valid       (N_valid,)
    test        (N_test,)
    vocab       Vocabulary   built on the training split; unseen words -> ``<unk>``
    ==========  ===========  ==================================================
    """

    name: str
    vocab: Vocabulary
    train: Tensor
    valid: Tensor
    test: Tensor
    source: str

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def split(self, split: str) -> Tensor:
        """The ids of ``"train"``, ``"valid"`` or ``"test"``."""
        if split not in ("train", "valid", "test"):
            raise ValueError(f"split must be 'train', 'valid' or 'test'; got {split!r}")
        return getattr(self, split)

    def to(self, device: torch.device | str) -> Corpus:
        """A copy with the id tensors on ``device``."""
        return replace(
            self, train=self.train.to(device), valid=self.valid.to(device),
            test=self.test.to(device),
        )

    def __repr__(self) -> str:
        return (
            f"Corpus({self.name!r}: {len(self.vocab)} words in the vocabulary, "
            f"{len(self.train)} / {len(self.valid)} / {len(self.test)} tokens, "
            f"source={self.source!r})"
        )


def corpus_from_tokens(name: str, splits: dict[str, list[str]], source: str) -> Corpus:
    """A :class:`Corpus` from token lists ``{"train": [...], "valid": [...], "test": [...]}``."""
    vocab = Vocabulary(splits["train"])
    return Corpus(
        name=name,
        vocab=vocab,
        train=vocab.encode(splits["train"]),
        valid=vocab.encode(splits["valid"]),
        test=vocab.encode(splits["test"]),
        source=source,
    )


def _read_splits(name: str) -> dict[str, list[str]]:
    if name == "ptb":
        return {split: read_tokens(path) for split, path in fetch_ptb().items()}
    if name == "wikitext2":
        with zipfile.ZipFile(fetch_wikitext2()) as archive:
            return {
                split: tokenize(archive.read(member).decode("utf-8"))
                for split, member in WIKITEXT2_MEMBERS.items()
            }
    return {split: read_tokens(path) for split, path in corpus_files().items()}


def language_corpus(
    name: str = "ptb",
    *,
    fallback: bool = True,
    device: torch.device | str | None = None,
) -> Corpus:
    """Penn Treebank (``"ptb"``), WikiText-2 (``"wikitext2"``) or the shipped corpus.

    Downloads once into the cache. Offline, prints one line and returns the shipped corpus
    (``fallback=False`` raises :class:`gatedrnn.data.DownloadError` instead). ``corpus.source``
    says which text it is.

    >>> corpus = language_corpus("ptb")
    >>> train = batchify(corpus.train, 20)            # (L, 20)
    >>> x, y = next(bptt_batches(train))              # (35, 20) each; y is x one word later
    """
    if name not in CORPORA:
        raise ValueError(f"name must be one of {CORPORA}; got {name!r}")
    try:
        splits = _read_splits(name)
    except DownloadError as error:
        if not fallback:
            raise
        shipped = "the small corpus shipped with gatedrnn"
        fallback_notice(_SOURCES[name].split(" (")[0], error, shipped)
        name, splits = "shipped", _read_splits("shipped")
    corpus = corpus_from_tokens(name, splits, _SOURCES[name])
    return corpus.to(device) if device is not None else corpus


def batchify(ids: Tensor, batch_size: int) -> Tensor:
    """Cut a stream of ids ``(N,)`` into ``batch_size`` columns: ``(N // B, B)``, time-major.

    Column ``b`` holds the ``b``-th consecutive stretch of the text; the last
    ``N mod B`` ids are dropped.

    >>> batchify(torch.arange(10), 2)
    tensor([[0, 5],
            [1, 6],
            [2, 7],
            [3, 8],
            [4, 9]])
    """
    if ids.dim() != 1:
        raise ValueError(f"ids must be one stream of word ids (N,); got shape {tuple(ids.shape)}")
    length = ids.shape[0] // batch_size
    if length < 2:
        raise ValueError(
            f"{ids.shape[0]} ids are too few for {batch_size} columns of at least 2 steps"
        )
    return ids[: length * batch_size].reshape(batch_size, length).T.contiguous()  # (L, B)


def bptt_batches(data: Tensor, bptt: int = BPTT) -> Iterator[tuple[Tensor, Tensor]]:
    """Windows ``x = data[t:t+bptt]`` and targets ``y = data[t+1:t+1+bptt]``, each (T, B).

    The last window is shorter when ``L - 1`` is not a multiple of ``bptt``.
    """
    for start in range(0, data.shape[0] - 1, bptt):
        T = min(bptt, data.shape[0] - 1 - start)
        yield data[start : start + T], data[start + 1 : start + 1 + T]
